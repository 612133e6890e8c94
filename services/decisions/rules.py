"""The decisions team's rules: an effective-dated rule table kept as data (rules.toml, or a
centre's own file) and the benefit calculator that applies it. Pure Python.

    python -m services.decisions.rules assess --benefit {staly,okresowy,celowy,specjalny} \\
        --members N --income ZL [--applicant-income ZL] --on YYYY-MM-DD [--unable-to-work] \\
        [--random-event] [--table FILE]

prints one JSON object; bad arguments get a message and exit code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from shared.rule_table import (
    IncomeCriterion,
    NoRuleInForce,
    Periods,
    Rule,
    RuleTableError,
    load_periods,
    zl,
)
from shared.values import a_number

DEFAULT_TABLE = Path(__file__).with_name("rules.toml")
BENEFITS = ("staly", "okresowy", "celowy", "specjalny")


class InvalidAssessment(ValueError):
    """The facts given for an assessment are impossible (no members, negative income...)."""


class InvalidFigure(InvalidAssessment):
    """A number typed for an amount in zł (an income, a benefit) that is not one: not a
    number, negative, infinite or NaN, or beyond anything a household could state."""


# Past these a figure is a typing error, not a household: they keep every sum exact in
# Decimal's 28 digits, so no command ends in a decimal.InvalidOperation.
MAX_AMOUNT = Decimal("1000000000.00")  # zł a month
MAX_MEMBERS = 100


def an_amount(value: object, what: str) -> Decimal:
    """A non-negative amount in zł ("1200", "1200,50", 1200) or InvalidFigure saying why not."""
    amount = a_number(value, what, InvalidFigure, kind="an amount in zł")
    if amount < 0:
        raise InvalidFigure(f"{what} cannot be negative, not {value!r}")
    if amount > MAX_AMOUNT:
        raise InvalidFigure(f"{what}: {value!r} is beyond any monthly amount in zł (at most {MAX_AMOUNT:,.0f})")
    return amount


@dataclass(frozen=True)
class PermanentAllowanceRule(Rule):
    """Art. 37: zasiłek stały."""

    percent_of_criterion: Decimal
    maximum_single: Decimal
    minimum: Decimal


@dataclass(frozen=True)
class PeriodicAllowanceRule(Rule):
    """Art. 38: zasiłek okresowy."""

    minimum_share_of_gap: Decimal
    minimum: Decimal


@dataclass(frozen=True)
class SpecialTargetedAllowanceRule(Rule):
    """Art. 41 pkt 1: specjalny zasiłek celowy, for income above the criterion, at most
    percent_of_criterion % of the criterion of the single person or of the family."""

    percent_of_criterion: Decimal


@dataclass(frozen=True)
class DeadlineRule(Rule):
    """How long the team and the party have: interview and its update, settling the case, appeal,
    the post's storage of an uncollected letter, forwarding an appeal to the appeals board."""

    interview_working_days: int
    urgent_interview_working_days: int
    interview_update_months: int
    settlement_months: int
    complex_settlement_months: int
    appeal_days: int
    postal_storage_days: int
    appeal_forwarding_days: int


@dataclass(frozen=True)
class HealthContributionRule(Rule):
    """The health-insurance contribution the centre pays for a person on zasiłek stały who is not
    insured on another title: rate_percent % of the zasiłek paid for the month."""

    rate_percent: Decimal


@dataclass(frozen=True)
class RuleTable:
    income_criterion: Periods[IncomeCriterion]
    zasilek_staly: Periods[PermanentAllowanceRule]
    zasilek_okresowy: Periods[PeriodicAllowanceRule]
    specjalny_zasilek_celowy: Periods[SpecialTargetedAllowanceRule]
    deadlines: Periods[DeadlineRule]
    health_contribution: Periods[HealthContributionRule]

    KINDS = {
        "income_criterion": IncomeCriterion,
        "zasilek_staly": PermanentAllowanceRule,
        "zasilek_okresowy": PeriodicAllowanceRule,
        "specjalny_zasilek_celowy": SpecialTargetedAllowanceRule,
        "deadlines": DeadlineRule,
        "health_contribution": HealthContributionRule,
    }

    @classmethod
    def load(cls, path: Path | str = DEFAULT_TABLE) -> "RuleTable":
        return cls(**load_periods(path, cls.KINDS))


@dataclass(frozen=True)
class Assessment:
    benefit: str
    on: date
    criterion: Decimal
    income: Decimal
    eligible: bool
    reason: str | None
    min_amount: Decimal | None
    max_amount: Decimal | None
    legal_basis: str

    def to_json(self) -> str:
        """One JSON object; amounts as numbers with two decimals."""

        def value(v):
            if isinstance(v, Decimal):
                return f"{zl(v):.2f}"
            return json.dumps(v.isoformat() if isinstance(v, date) else v, ensure_ascii=False)

        fields = dataclasses.asdict(self)
        return "{" + ", ".join(f"{json.dumps(k)}: {value(v)}" for k, v in fields.items()) + "}"


def _checked_income(income: object, what: str) -> Decimal:
    if not isinstance(income, Decimal) or not income.is_finite():
        raise InvalidFigure(f"{what} must be an amount in zł, not {income!r}")
    if income < 0:
        raise InvalidFigure(f"{what} cannot be negative")
    if income > MAX_AMOUNT:
        raise InvalidFigure(f"{what} {income} is beyond any monthly amount in zł (at most {MAX_AMOUNT:,.0f})")
    return income


def assess(
    table: RuleTable, benefit: str, members: int, income: Decimal, on: date, unable_to_work: bool = False,
    random_event: bool = False, applicant_income: Decimal | None = None,
) -> Assessment:
    """Eligibility and the monthly amount range the law allows for a household on a date.
    `random_event`: the need follows a random event (zdarzenie losowe) or a natural or
    ecological disaster, which makes a zasiłek celowy available regardless of income (art. 40).
    `applicant_income`: the applicant's own monthly income, part of `income`; zasiłek stały for a
    person in a family needs it (art. 37 ust. 1 pkt 2); a single person's is the whole income."""
    if benefit not in BENEFITS:
        raise InvalidAssessment(f"unknown benefit {benefit!r}; one of {', '.join(BENEFITS)}")
    if random_event and benefit != "celowy":
        raise InvalidAssessment("a random event or disaster (art. 40) is grounds for a zasiłek celowy only, "
                                f"not for {benefit!r}")
    if isinstance(members, bool) or not isinstance(members, int) or members < 1:
        raise InvalidAssessment("a household has at least one member")
    if members > MAX_MEMBERS:
        raise InvalidAssessment(f"a household of {members} is not believable (at most {MAX_MEMBERS} members)")
    income = _checked_income(income, "income")
    if applicant_income is not None:
        applicant_income = _checked_income(applicant_income, "the applicant's own income")
        if applicant_income > income:
            raise InvalidAssessment(f"the applicant's own income {applicant_income} zł cannot exceed the "
                                    f"household's {income} zł")
        if members == 1 and applicant_income != income:
            raise InvalidAssessment("a single person's own income is the household's income")
    criterion_rule = table.income_criterion.on(on)
    criterion = criterion_rule.for_household(members)
    single = members == 1
    who = "osoba samotnie gospodarująca" if single else f"rodzina ({members} os.)"
    basis_criterion = f"art. 8 ust. 1 pkt {1 if single else 2} u.p.s. ({criterion_rule.source})"
    result = dict(benefit=benefit, on=on, criterion=criterion, income=income)

    def refused(reason: str, basis: str) -> Assessment:
        return Assessment(**result, eligible=False, reason=reason, min_amount=None, max_amount=None,
                          legal_basis=basis)

    if benefit == "staly":
        rule = table.zasilek_staly.on(on)
        basis = f"art. 37 u.p.s., {who}; {basis_criterion}; {rule.source}"
        if not unable_to_work:
            return refused("zasiłek stały is for an adult unable to work because of age or totally unable "
                           "to work (art. 37 ust. 1)", basis)
        if not single and applicant_income is None:
            raise InvalidAssessment("zasiłek stały for a person in a family needs the applicant's own income "
                                    "(art. 37 ust. 1 pkt 2)")
        if income >= criterion:
            return refused(f"income {zl(income)} zł is not below the criterion {zl(criterion)} zł (art. 37 ust. 1)",
                           basis)
        if not single:
            if applicant_income >= criterion_rule.per_person_in_family:
                return refused(f"the applicant's own income {zl(applicant_income)} zł is not below the criterion "
                               f"per person {zl(criterion_rule.per_person_in_family)} zł (art. 37 ust. 1 pkt 2)",
                               basis)
        base = criterion_rule.single_person if single else criterion_rule.per_person_in_family
        own_income = income if single else income / members
        amount = base * rule.percent_of_criterion / 100 - own_income
        if single:
            amount = min(amount, rule.maximum_single)
        amount = zl(max(amount, rule.minimum))
        return Assessment(**result, eligible=True, reason=None, min_amount=amount, max_amount=amount,
                          legal_basis=basis)

    if benefit == "celowy" and random_event:
        # Art. 40: after a random event, a natural or ecological disaster, regardless of income;
        # the centre sets the amount for the loss.
        return Assessment(**result, eligible=True, reason=None, min_amount=None, max_amount=None,
                          legal_basis="art. 40 u.p.s. (zdarzenie losowe, klęska żywiołowa lub ekologiczna: "
                                      f"regardless of income); {basis_criterion}")

    if benefit == "specjalny":
        rule = table.specjalny_zasilek_celowy.on(on)
        basis = f"art. 41 pkt 1 u.p.s., {who}; {basis_criterion}; {rule.source}"
        if income <= criterion:
            return refused(f"income {zl(income)} zł does not exceed the criterion {zl(criterion)} zł: a specjalny "
                           "zasiłek celowy is for income above it (art. 41); an ordinary zasiłek celowy "
                           "applies (art. 39)", basis)
        # The centre sets the amount in an especially justified case, up to the criterion of the
        # single person or of the family (the household's criterion).
        return Assessment(**result, eligible=True, reason=None, min_amount=None,
                          max_amount=zl(criterion * rule.percent_of_criterion / 100), legal_basis=basis)

    if income > criterion:
        relief = (" A specjalny zasiłek celowy may still be granted in an especially justified case "
                  "(art. 41), and help after a random event regardless of income (art. 40).") \
            if benefit == "celowy" else ""
        return refused(f"income {zl(income)} zł exceeds the criterion {zl(criterion)} zł (art. 8 ust. 1).{relief}",
                       f"art. 8 ust. 1 u.p.s.; {basis_criterion}")

    if benefit == "okresowy":
        rule = table.zasilek_okresowy.on(on)
        # Art. 38: at most the gap (criterion - income). At the criterion the gap is 0 and there
        # is nothing to grant: the 50% / 20 zł floors apply to a gap, not to none.
        if income >= criterion:
            return refused(f"income {zl(income)} zł is not below the criterion {zl(criterion)} zł: there is no "
                           "gap for zasiłek okresowy to fill (art. 38 ust. 2)",
                           f"art. 38 u.p.s., {who}; {basis_criterion}; {rule.source}")
        gap = criterion - income
        upper = min(gap, criterion_rule.per_person_in_family) if single else gap
        lower = max(gap * rule.minimum_share_of_gap / 100, rule.minimum)
        return Assessment(**result, eligible=True, reason=None, min_amount=zl(lower), max_amount=zl(max(upper, lower)),
                          legal_basis=f"art. 38 u.p.s., {who}; {basis_criterion}; {rule.source}")

    # zasiłek celowy: the centre sets the amount for the need (art. 39).
    return Assessment(**result, eligible=True, reason=None, min_amount=None, max_amount=None,
                      legal_basis=f"art. 39 u.p.s.; {basis_criterion}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.decisions.rules",
                                     description="The decisions team's benefit calculator.")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("assess", help="eligibility and monthly amount for a household on a date")
    command.add_argument("--benefit", required=True, choices=BENEFITS)
    command.add_argument("--members", required=True, type=int, help="household members; 1 = a single person")
    command.add_argument("--income", required=True, help="the household's monthly net income, zł")
    command.add_argument("--applicant-income",
                         help="the applicant's own monthly net income, zł (default: the whole income when the "
                              "applicant is alone; zasiłek stały in a family needs it)")
    command.add_argument("--on", required=True, help="the date the rules apply on, YYYY-MM-DD")
    command.add_argument("--unable-to-work", action="store_true",
                         help="unable to work because of age, or totally unable to work (zasiłek stały)")
    command.add_argument("--random-event", action="store_true",
                         help="zasiłek celowy after a random event, natural or ecological disaster: "
                              "regardless of income (art. 40)")
    command.add_argument("--table", default=str(DEFAULT_TABLE), help="a centre's own rule table (TOML)")
    args = parser.parse_args(argv)
    try:
        income = an_amount(args.income, "--income")
        applicant_income = None if args.applicant_income is None else an_amount(args.applicant_income,
                                                                                "--applicant-income")
    except InvalidFigure as error:
        parser.error(str(error))
    try:
        on = date.fromisoformat(args.on)
    except ValueError:
        parser.error(f"--on: {args.on!r} is not a date YYYY-MM-DD")
    try:
        result = assess(RuleTable.load(args.table), args.benefit, args.members, income, on, args.unable_to_work,
                        random_event=args.random_event, applicant_income=applicant_income)
    except (InvalidAssessment, NoRuleInForce, RuleTableError) as error:
        parser.error(f"{type(error).__name__}: {error}")
    print(result.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
