"""The training team's rules: the staffing standard of art. 110 ust. 11. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shared.rule_table import Periods, Rule, load_periods

DEFAULT_TABLE = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class StaffingRule(Rule):
    """Art. 110 ust. 11: one full-time social worker per `inhabitants_per_worker` inhabitants or
    per at most `families_per_worker` families and single persons in social work, never fewer
    than `minimum_workers`."""

    inhabitants_per_worker: int
    families_per_worker: int
    minimum_workers: int


@dataclass(frozen=True)
class TrainingRules:
    social_worker_staffing: Periods[StaffingRule]

    KINDS = {"social_worker_staffing": StaffingRule}

    @classmethod
    def load(cls, path: Path | str | None = None) -> "TrainingRules":
        return cls(**load_periods(path or DEFAULT_TABLE, cls.KINDS))
