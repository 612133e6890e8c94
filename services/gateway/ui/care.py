"""The care coordinator's pages."""

from __future__ import annotations

from services.gateway.ui.common import Pages


class CarePages(Pages):
    pass
