"""Effective-dated rule tables kept as data: each team keeps its own (DOMAIN.md: every number
is a parameter with a validity period, in one rule table per service), and a centre
corrects or extends it without a code change. This module is only the mechanism, and the
statutory shape of the income criterion (art. 8 u.p.s.) that several teams' tables carry.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Generic, Mapping, Sequence, TypeVar

GROSZ = Decimal("0.01")


class RuleTableError(ValueError):
    """The rule table file is not a valid table (the centre must correct it)."""


class NoRuleInForce(ValueError):
    """No period of the rule table covers the date asked about."""


def zl(amount: Decimal) -> Decimal:
    return amount.quantize(GROSZ, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    valid_from: date
    source: str
    checked: bool


@dataclass(frozen=True)
class IncomeCriterion(Rule):
    """Art. 8 ust. 1: kryterium dochodowe, monthly net income."""

    single_person: Decimal
    per_person_in_family: Decimal
    per_hectare: Decimal

    def for_household(self, members: int) -> Decimal:
        """A single person's criterion, or the per-person amount times the members."""
        return self.single_person if members == 1 else self.per_person_in_family * members


R = TypeVar("R", bound=Rule)


class Periods(Generic[R]):
    """Rules of one kind, each in force from its date until the next one's."""

    def __init__(self, kind: str, rules: Sequence[R]):
        self.kind = kind
        self.rules = sorted(rules, key=lambda r: r.valid_from)
        dates = [r.valid_from for r in self.rules]
        if not rules:
            raise RuleTableError(f"the rule table has no [[{kind}]] period")
        if len(set(dates)) != len(dates):
            raise RuleTableError(f"two [[{kind}]] periods start on the same day")

    def on(self, day: date) -> R:
        in_force = [r for r in self.rules if r.valid_from <= day]
        if not in_force:
            raise NoRuleInForce(f"no {self.kind} rule is in force on {day} (the table starts {self.rules[0].valid_from})")
        return in_force[-1]


def parse_rule(kind: str, cls: type[R], entry: dict) -> R:
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown, missing = set(entry) - set(names), set(names) - set(entry)
    if unknown or missing:
        raise RuleTableError(f"[[{kind}]] from {entry.get('valid_from')}: unknown {sorted(unknown)}, "
                             f"missing {sorted(missing)}")
    values = {}
    for name, value in entry.items():
        expected = names[name].type
        if expected == "Decimal":
            if not isinstance(value, str):
                raise RuleTableError(f"[[{kind}]] {name}: write amounts as strings, e.g. \"776.00\"")
            try:
                value = Decimal(value)
            except InvalidOperation:
                raise RuleTableError(f"[[{kind}]] {name}: {value!r} is not an amount") from None
            if value <= 0:
                raise RuleTableError(f"[[{kind}]] {name}: must be positive")
        elif expected == "int" and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
            raise RuleTableError(f"[[{kind}]] {name}: {value!r} is not a positive whole number")
        elif expected == "tuple":
            if not isinstance(value, list) or not value:
                raise RuleTableError(f"[[{kind}]] {name}: give a list of entries")
            value = tuple(value)
        elif expected == "dict" and (not isinstance(value, dict) or not value):
            raise RuleTableError(f"[[{kind}]] {name}: give a table of entries")
        elif expected == "date" and not isinstance(value, date):
            raise RuleTableError(f"[[{kind}]] valid_from: {value!r} is not a date (YYYY-MM-DD, unquoted)")
        values[name] = value
    try:
        return cls(**values)
    except (TypeError, ValueError, InvalidOperation) as error:  # a rule's own check of its entries
        raise RuleTableError(f"[[{kind}]] from {entry.get('valid_from')}: {error}") from None


def load_periods(path: Path | str, kinds: Mapping[str, type[Rule]]) -> dict[str, "Periods"]:
    """Reads a TOML rule table: one list of periods per kind, each kind required."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RuleTableError(f"cannot read the rule table {path}: {error}") from None
    unknown = set(document) - set(kinds)
    if unknown:
        raise RuleTableError(f"unknown sections in the rule table: {sorted(unknown)}")
    return {kind: Periods(kind, [parse_rule(kind, rule_cls, e) for e in document.get(kind, [])])
            for kind, rule_cls in kinds.items()}


