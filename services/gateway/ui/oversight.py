"""The director's, the auditor's and the operator's pages."""

from __future__ import annotations

from services.gateway.ui.common import Pages


class OversightPages(Pages):
    pass
