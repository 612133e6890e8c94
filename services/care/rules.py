"""The care team's rules: its income criterion and the municipal fee resolution. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from shared.rule_table import IncomeCriterion, Periods, Rule, load_periods, zl

DEFAULT_TABLE = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class FeeBand:
    up_to_percent: Decimal  # income as a percentage of the criterion, inclusive
    fee_percent: Decimal  # of the hourly cost


@dataclass(frozen=True)
class CareFeeRule(Rule):
    """Art. 50 ust. 6: the council's resolution on fees for care services."""

    hourly_cost: dict
    bands: tuple

    def __post_init__(self) -> None:
        costs = {kind: Decimal(str(cost)) for kind, cost in self.hourly_cost.items()}
        bands = tuple(FeeBand(Decimal(str(b["up_to_percent"])), Decimal(str(b["fee_percent"]))) for b in self.bands)
        limits = [b.up_to_percent for b in bands]
        if any(c <= 0 for c in costs.values()):
            raise ValueError("hourly costs must be positive")
        if limits != sorted(limits) or len(set(limits)) != len(limits) or not limits[-1].is_infinite():
            raise ValueError('bands must rise, each once, and the last must be "Infinity"')
        if any(not (0 <= b.fee_percent <= 100) for b in bands):
            raise ValueError("a fee is 0 to 100 percent of the hourly cost")
        object.__setattr__(self, "hourly_cost", costs)
        object.__setattr__(self, "bands", bands)

    def fee_percent(self, income_percent: Decimal) -> Decimal:
        return next(b.fee_percent for b in self.bands if income_percent <= b.up_to_percent)


@dataclass(frozen=True)
class CareRules:
    income_criterion: Periods[IncomeCriterion]
    care_fees: Periods[CareFeeRule]

    KINDS = {"income_criterion": IncomeCriterion, "care_fees": CareFeeRule}

    @classmethod
    def load(cls, path: Path | str | None = None) -> "CareRules":
        return cls(**load_periods(path or DEFAULT_TABLE, cls.KINDS))

    def hourly_fee(self, kind: str, monthly_income: Decimal, members: int, on: date,
                   exemption_percent: Decimal = Decimal(0)) -> dict:
        """The fee a person pays per hour of a service on a date, and how it was reached."""
        criterion = self.income_criterion.on(on)
        fees = self.care_fees.on(on)
        if kind not in fees.hourly_cost:
            raise ValueError(f"the fee resolution sets no hourly cost for {kind!r}")
        per_person, base = (monthly_income, criterion.single_person) if members == 1 else (
            monthly_income / members, criterion.per_person_in_family)
        income_percent = per_person / base * 100  # compared unrounded: 100.001% is above 100%
        fee_percent = fees.fee_percent(income_percent)
        cost = fees.hourly_cost[kind]
        fee = zl(cost * fee_percent / 100 * (100 - exemption_percent) / 100)
        return {"hourly_cost": cost, "income_percent": zl(income_percent), "fee_percent": fee_percent,
                "exemption_percent": exemption_percent, "fee_per_hour": fee, "source": fees.source}
