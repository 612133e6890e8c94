"""The care team's rules: its income criterion, the municipal fee resolution (art. 50 ust. 6) and,
for specialist care services for people with mental disorders, the minister's fee table (art. 50
ust. 7). Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from shared.rule_table import IncomeCriterion, Periods, Rule, load_periods, zl

DEFAULT_TABLE = Path(__file__).with_name("rules.toml")
# Art. 50 ust. 7 u.p.s.: this kind's fees are the minister's, not the council's.
MENTAL_DISORDERS = "specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne"


class UnknownServiceKind(ValueError):
    """The fee resolution sets no hourly cost for this kind of service."""


class FeeNotInTable(ValueError):
    """The income falls in a band of the minister's table whose percentage this rule table does
    not hold (not confirmed from the regulation's text): the centre must enter it before billing."""


def _percent(value: object, what: str) -> Decimal:
    percent = Decimal(str(value))
    if not 0 <= percent <= 100:
        raise ValueError(f"{what}: a fee is 0 to 100 percent of the hourly cost, not {value}")
    return percent


def _rising_to_infinity(limits: list[Decimal]) -> None:
    if limits != sorted(limits) or len(set(limits)) != len(limits) or not limits or not limits[-1].is_infinite():
        raise ValueError('bands must rise, each once, and the last must be "Infinity"')


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
        bands = tuple(FeeBand(Decimal(str(b["up_to_percent"])), _percent(b["fee_percent"], "fee_percent"))
                      for b in self.bands)
        if any(c <= 0 for c in costs.values()):
            raise ValueError("hourly costs must be positive")
        _rising_to_infinity([b.up_to_percent for b in bands])
        object.__setattr__(self, "hourly_cost", costs)
        object.__setattr__(self, "bands", bands)

    def fee_percent(self, income_percent: Decimal) -> Decimal:
        return next(b.fee_percent for b in self.bands if income_percent <= b.up_to_percent)


@dataclass(frozen=True)
class MinisterFeeBand:
    up_to_percent: Decimal  # income as a percentage of the criterion, inclusive
    single_percent: Decimal | None  # of the hourly cost, for a single person; None: not in the table
    family_percent: Decimal | None  # for a person in a family


@dataclass(frozen=True)
class MentalDisorderFeeRule(Rule):
    """Art. 50 ust. 7: the minister's regulation on specialist care services (of 22.09.2005, § 4)
    sets the fee for people with mental disorders as a percentage of the hourly cost the centre
    sets, by income bands, different for a single person and a person in a family. A band whose
    percentages are not given is one this table does not know (FeeNotInTable)."""

    bands: tuple

    def __post_init__(self) -> None:
        bands = []
        for b in self.bands:
            known = "single_percent" in b or "family_percent" in b
            bands.append(MinisterFeeBand(
                Decimal(str(b["up_to_percent"])),
                _percent(b["single_percent"], "single_percent") if known else None,
                _percent(b["family_percent"], "family_percent") if known else None))
        _rising_to_infinity([b.up_to_percent for b in bands])
        object.__setattr__(self, "bands", tuple(bands))

    def fee_percent(self, income_percent: Decimal, single: bool) -> Decimal:
        band = next(b for b in self.bands if income_percent <= b.up_to_percent)
        percent = band.single_percent if single else band.family_percent
        if percent is None:
            raise FeeNotInTable(f"income at {zl(income_percent)}% of the criterion falls in a band (up to "
                                f"{band.up_to_percent}%) whose percentage this table does not hold ({self.source}); "
                                "enter it from the regulation's text")
        return percent


@dataclass(frozen=True)
class CareRules:
    income_criterion: Periods[IncomeCriterion]
    care_fees: Periods[CareFeeRule]
    mental_disorder_care_fees: Periods[MentalDisorderFeeRule]

    KINDS = {"income_criterion": IncomeCriterion, "care_fees": CareFeeRule,
             "mental_disorder_care_fees": MentalDisorderFeeRule}

    @classmethod
    def load(cls, path: Path | str | None = None) -> "CareRules":
        return cls(**load_periods(path or DEFAULT_TABLE, cls.KINDS))

    def hourly_fee(self, kind: str, monthly_income: Decimal, members: int, on: date,
                   exemption_percent: Decimal = Decimal(0)) -> dict:
        """The fee a person pays per hour of a service on a date, and how it was reached: the hourly
        cost from the centre's table; the percentage from the council's resolution, or for people
        with mental disorders from the minister's regulation."""
        criterion = self.income_criterion.on(on)
        fees = self.care_fees.on(on)
        if kind not in fees.hourly_cost:
            raise UnknownServiceKind(f"the fee resolution sets no hourly cost for {kind!r}")
        per_person, base = (monthly_income, criterion.single_person) if members == 1 else (
            monthly_income / members, criterion.per_person_in_family)
        income_percent = per_person / base * 100  # compared unrounded: 100.001% is above 100%
        if kind == MENTAL_DISORDERS:
            minister = self.mental_disorder_care_fees.on(on)
            fee_percent, source = minister.fee_percent(income_percent, members == 1), \
                f"{minister.source}; hourly cost: {fees.source}"
        else:
            fee_percent, source = fees.fee_percent(income_percent), fees.source
        cost = fees.hourly_cost[kind]
        fee = zl(cost * fee_percent / 100 * (100 - exemption_percent) / 100)
        return {"hourly_cost": cost, "income_percent": zl(income_percent), "fee_percent": fee_percent,
                "exemption_percent": exemption_percent, "fee_per_hour": fee, "source": source}
