"""Tests that fail when a rule is wrong in the ways mutation testing found unnoticed (issue 15),
and what the law allows on the same day."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from services.decisions.domain import (
    DecisionsError,
    InvalidAmount,
    MissingSignature,
    NotEligible,
    Proceeding,
)
from services.decisions.rules import InvalidAssessment, RuleTable, assess
from services.decisions.tests.test_domain import (
    RULES,
    SIGNED,
    decided,
    delivered,
    interviewed,
    refused_and_unchanged,
)


def test_an_unknown_benefit_is_refused_by_the_calculator_not_assessed_as_art_39():
    with pytest.raises(InvalidAssessment, match="unknown benefit 'socjalny'; one of staly, okresowy, celowy, specjalny"):
        assess(RuleTable.load(), "socjalny", 1, Decimal(0), date(2025, 1, 1))


def test_repayment_reaches_income_above_the_criterion_and_nothing_else_the_assessment_refuses():
    at_criterion = interviewed("zasilek_okresowy", income="1010.00")  # no gap: refused, not above it
    assert not at_criterion.assess(RULES)["eligible"]
    refused_and_unchanged(at_criterion, NotEligible, at_criterion.issue_decision, "grant", date(2026, 3, 10),
                          "art. 41 pkt 2", "", amount="100.00", period_from=date(2026, 4, 1),
                          period_to=date(2026, 4, 30), payment_method="cash", on_condition_of_repayment=True,
                          **SIGNED)
    above = interviewed("zasilek_okresowy", income="1010.01")
    above.assess(RULES)
    above.issue_decision("grant", date(2026, 3, 10), "art. 41 pkt 2", "", amount="100.00",
                         period_from=date(2026, 4, 1), period_to=date(2026, 4, 30), payment_method="cash",
                         on_condition_of_repayment=True, **SIGNED)
    assert above.granted


def test_finality_is_the_day_after_the_appeal_window_to_the_day():
    p = delivered()  # delivered 12 March: appeal until 26 March
    p.become_final(date(2026, 3, 27))
    assert p.final_on == date(2026, 3, 27)


def test_a_late_appeal_upheld_leaves_the_decision_final_from_the_day_after_the_window():
    p = delivered()
    p.register_appeal(RULES, date(2026, 3, 30))  # late
    p.become_final(date(2026, 3, 31))
    assert p.final_on == date(2026, 3, 27)
    p.forward_appeal(date(2026, 4, 1))
    p.record_appeal_outcome(RULES, "upheld", date(2026, 4, 20))
    assert p.final_on == date(2026, 3, 27)


def test_a_late_appeal_upheld_before_anyone_recorded_finality_dates_it_from_the_window():
    p = delivered()
    p.register_appeal(RULES, date(2026, 3, 30))
    p.forward_appeal(date(2026, 4, 1))
    p.record_appeal_outcome(RULES, "upheld", date(2026, 4, 20))
    assert p.final_on == date(2026, 3, 27)


def test_a_proceeding_names_its_officer_and_a_decision_who_signed_it():
    p = interviewed()
    refused_and_unchanged(p, DecisionsError, p.assign, "   ")
    refused_and_unchanged(p, DecisionsError, p.assign, None)
    p.assign("B. Wójcik")
    assert p.officer == "B. Wójcik"
    p.assess(RULES)
    refused_and_unchanged(p, MissingSignature, p.issue_decision, "refusal", date(2026, 3, 10), "art. 38", "brak",
                          signed_by=" ", on_authority_of="Prezydenta Miasta")


def test_a_non_cash_grant_has_no_amount():
    p = interviewed("posilek")
    p.assess(RULES)
    refused_and_unchanged(p, InvalidAmount, p.issue_decision, "grant", date(2026, 3, 10), "art. 48b u.p.s.", "",
                          amount="300.00", period_from=date(2026, 4, 1), **SIGNED)
    p.issue_decision("grant", date(2026, 3, 10), "art. 48b u.p.s.", "", period_from=date(2026, 4, 1), **SIGNED)
    assert p.decision["amount"] is None


# --- the same day ---------------------------------------------------------------------------------
# The law sets no earliest day: an urgent interview may be held the day the centre learns of the
# need (within 2 working days, § 3 ust. 3 of the 2021 regulation), the decision issued the day of
# the interview it rests on, and help granted for a single day (a shelter for a night).

def test_interview_decision_and_a_one_day_period_on_the_same_day():
    applied = date(2026, 3, 2)
    p = Proceeding.open(RULES, uuid.uuid4(), {"full_name": "Anna Nowak"}, applied, "schronienie", urgent=True)
    p.record_interview(applied, [{"name": "Anna Nowak"}], [], recorded_on=applied)
    p.assess(RULES)
    p.issue_decision("grant", applied, "art. 48 u.p.s.", "", period_from=applied, period_to=applied, **SIGNED)
    p.record_delivery(RULES, applied)
    assert (p.interviews[0]["held_on"], p.decision["issued_on"], p.decision["period_from"],
            p.decision["period_to"], p.delivered_on) == (applied,) * 5


def test_a_one_day_cash_grant_is_paid_once_in_its_month():
    p = interviewed("zasilek_celowy", income="400")
    p.assess(RULES)
    p.issue_decision("grant", date(2026, 3, 5), "art. 39 u.p.s.", "", amount="250.00", period_from=date(2026, 3, 5),
                     period_to=date(2026, 3, 5), payment_method="cash", **SIGNED)  # the interview's day
    p.record_delivery(RULES, date(2026, 3, 5))
    assert p.payment_schedule(date(2026, 12, 31)) == [
        {"month": "2026-03", "amount": Decimal("250.00"), "method": "cash"}]


def test_a_change_effective_on_the_first_day_of_the_benefit():
    p = decided()
    p.record_delivery(RULES, date(2026, 3, 12))
    p.become_final(date(2026, 3, 27))
    p.change(RULES, "450.00", date(2026, 4, 1), date(2026, 3, 30), "zmiana dochodu", **SIGNED)
    assert p.payment_schedule(date(2026, 12, 31))[0] == {"month": "2026-04", "amount": Decimal("450.00"),
                                                       "method": "bank_transfer"}
