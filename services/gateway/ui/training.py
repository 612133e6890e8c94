"""The staff-development officer's pages."""

from __future__ import annotations

from services.gateway.ui.common import Pages


class TrainingPages(Pages):
    pass
