"""The social worker's and the team leader's pages."""

from __future__ import annotations

from services.gateway.ui.common import Pages


class CaseworkPages(Pages):
    pass
