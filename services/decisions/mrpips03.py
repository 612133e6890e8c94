"""The decisions team's part of the MRPiPS-03 report (shared/mrpips03.py): forms of help granted
by decision in a half-year, counted from the team's own proceedings, without any personal data.
Pure Python.

How each column is counted (the form's explanations as this team reads them):
- persons: distinct persons with a grant whose period (a one-off's: the day it pays for) overlaps
  the half-year and which was enforceable by its end (final, or at once under KPA art. 130 § 4),
  and not set aside before it;
- benefits: for cash benefits the monthly payments made for months of the half-year (returned ones
  do not count; a one-off zasiłek is one); for help in kind or services, the grants;
- amount: the sum of those payments;
- families: distinct households, one per person helped (a household is the applicant's);
- persons_in_families: the members of those households in their latest interview.
The health contributions for zasiłek stały count a person per month paid, 9% of the payment.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable

from services.decisions.domain import CASH_FORMS, Proceeding
from services.decisions.rules import HealthContributionRule
from shared.rule_table import zl

# The form's row of a benefit when its code is not the row's key. Social and health contributions
# granted by decision (art. 36 pkt 2 lit. b, for carers leaving work) have rows this report does not
# carry yet: they are left out (None), and said so in the note the report comes with.
ROW_OF = {"mieszkanie_chronione": "mieszkanie", "mieszkanie_treningowe": "mieszkanie",
          "mieszkanie_wspomagane": "mieszkanie", "skladki_zdrowotne_i_spoleczne": None}


def _helped(p: Proceeding, first: date, last: date) -> bool:
    """A one-off grant helps in the half-year of its one payment, not in every later one (period_end)."""
    return (p.granted and p.enforceable_from is not None and p.enforceable_from <= last
            and p.decision["period_from"] <= last and (p.period_end is None or p.period_end >= first))


def report_part(proceedings: Iterable[Proceeding], first: date, last: date,
                health_rule: HealthContributionRule) -> dict[str, dict]:
    months = (first.strftime("%Y-%m"), last.strftime("%Y-%m"))
    rows: dict[str, dict] = {}
    households: dict = {}  # person -> household size (latest interview)
    per_row: dict[str, set] = {}
    contributions: list[Decimal] = []
    contributors: set = set()
    for p in proceedings:
        if not _helped(p, first, last):
            continue
        key = ROW_OF.get(p.benefit, p.benefit)
        if key is None:
            continue
        households[p.person_id] = len(p.interviews[-1]["household"])
        per_row.setdefault(key, set()).add(p.person_id)
        row = rows.setdefault(key, {"benefits": 0, "amount": Decimal(0) if p.benefit in CASH_FORMS else None})
        if p.benefit in CASH_FORMS:
            paid = [x for x in p.payments if not x["returned_on"] and months[0] <= x["month"] <= months[1]]
            row["benefits"] += len(paid)
            row["amount"] += sum((x["amount"] for x in paid), Decimal(0))
            if p.benefit == "zasilek_staly":
                for x in paid:
                    if not p.insured_elsewhere_in(x["month"]):
                        contributors.add(p.person_id)
                        contributions.append(zl(x["amount"] * health_rule.rate_percent / 100))
        else:
            row["benefits"] += 1

    def people(persons: set) -> dict:
        return {"persons": len(persons), "families": len(persons),
                "persons_in_families": sum(households[x] for x in persons)}

    part = {key: {**rows[key], **people(persons)} for key, persons in per_row.items()}
    if contributors:
        part["skladki_zdrowotne"] = {"benefits": len(contributions), "amount": sum(contributions, Decimal(0)),
                                     **people(contributors)}
    if per_row:
        everyone = set().union(*per_row.values())
        part["ogolem"] = {"benefits": sum(r["benefits"] for r in rows.values()),
                          "amount": sum((r["amount"] for r in rows.values() if r["amount"] is not None), Decimal(0)),
                          **people(everyone)}
    return part
