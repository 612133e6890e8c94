"""The benefit officer's and the decision signatory's pages."""

from __future__ import annotations

from services.gateway.ui.common import Pages


class DecisionsPages(Pages):
    pass
