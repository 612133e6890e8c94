"""KPA steps the benefit officer sees: deemed delivery (art. 44 § 4), forwarding an appeal
(art. 133), the notice of delay with the ponaglenie (art. 36), periods not counted (art. 35 § 5);
the interview update for permanent help (art. 107 ust. 4 u.p.s.) and the deadlines' periods."""

import uuid
from datetime import date

import pytest

from services.decisions.application import DecisionsApplication
from services.decisions.deadlines import appeal_forwarding_due, deemed_delivery
from services.decisions.domain import (
    PONAGLENIE_INSTRUCTION,
    AlreadyDecided,
    DecisionsError,
    InvalidDate,
    NotDelivered,
)
from services.decisions.rules import NoRuleInForce, RuleTable
from services.decisions.tests.staff import AUTHORITY, SIGNATORY
from services.decisions.tests.test_domain import RULES, SIGNED, decided, interviewed, proceeding, \
    refused_and_unchanged


def test_the_deadlines_follow_the_interview_regulation_in_force_and_say_which():
    table = RuleTable.load()
    assert table.deadlines.on(date(2018, 10, 1)).source.startswith(
        "rozporządzenie MRPiPS z 25.08.2016 w sprawie rodzinnego wywiadu środowiskowego (Dz.U. 2016 poz. 1406)")
    assert table.deadlines.on(date(2021, 11, 10)).source == table.deadlines.on(date(2018, 10, 1)).source
    assert table.deadlines.on(date(2021, 11, 11)).source.startswith(
        "rozporządzenie MRiPS z 8.04.2021 w sprawie rodzinnego wywiadu środowiskowego (Dz.U. 2021 poz. 893)")
    with pytest.raises(NoRuleInForce):
        table.deadlines.on(date(2018, 9, 30))


# --- KPA art. 44 § 4: a letter not collected ----------------------------------------------------

def test_a_letter_not_collected_is_delivered_after_14_days_of_storage_and_the_appeal_runs_from_then():
    rule = RULES.deadlines.on(date(2026, 3, 1))
    assert deemed_delivery(rule, date(2026, 3, 13)) == date(2026, 3, 27)
    assert deemed_delivery(rule, date(2026, 3, 14)) == date(2026, 3, 28)  # a Saturday: a fiction, not moved
    p = decided()
    p.record_deemed_delivery(RULES, date(2026, 3, 13))
    assert (p.delivered_on, p.delivery_deemed_after_notice_of) == (date(2026, 3, 27), date(2026, 3, 13))
    assert p.appeal_deadline == date(2026, 4, 10)  # 14 days from the deemed delivery
    refused_and_unchanged(p, AlreadyDecided, p.record_deemed_delivery, RULES, date(2026, 3, 14))
    refused_and_unchanged(p, AlreadyDecided, p.record_delivery, RULES, date(2026, 3, 20))


def test_a_notice_of_an_undecided_or_not_yet_issued_decision_is_refused():
    p = interviewed()
    refused_and_unchanged(p, NotDelivered, p.record_deemed_delivery, RULES, date(2026, 3, 13))
    p = decided()  # issued 2026-03-10
    refused_and_unchanged(p, InvalidDate, p.record_deemed_delivery, RULES, date(2026, 3, 9))
    p.record_deemed_delivery(RULES, date(2026, 3, 10))  # the post leaves the notice the day it is issued
    assert p.delivered_on == date(2026, 3, 24)


# --- KPA art. 133: forwarding an appeal ------------------------------------------------------------

def test_an_appeal_is_forwarded_within_7_days_of_its_receipt():
    rule = RULES.deadlines.on(date(2026, 3, 1))
    assert appeal_forwarding_due(rule, date(2026, 3, 20)) == date(2026, 3, 27)
    assert appeal_forwarding_due(rule, date(2026, 3, 21)) == date(2026, 3, 30)  # 28 March is a Saturday
    p = decided()
    p.record_delivery(RULES, date(2026, 3, 12))
    refused_and_unchanged(p, InvalidDate, p.register_appeal, RULES, date(2026, 3, 20), date(2026, 3, 19))
    p.register_appeal(RULES, date(2026, 3, 20), received_on=date(2026, 3, 23))  # posted on Friday, came Monday
    assert (p.appeal["received_on"], p.appeal["forwarding_due"]) == (date(2026, 3, 23), date(2026, 3, 30))


def test_an_appeal_brought_in_on_the_day_counts_from_that_day():
    p = decided()
    p.record_delivery(RULES, date(2026, 3, 12))
    p.register_appeal(RULES, date(2026, 3, 12))  # the same day as the delivery
    assert p.appeal["received_on"] == date(2026, 3, 12) and p.appeal["forwarding_due"] == date(2026, 3, 19)
    p.forward_appeal(date(2026, 3, 12))  # and forwarded that day
    assert p.state == "at_appeals_board"


# --- KPA art. 36: the notice of delay --------------------------------------------------------------

def test_the_notice_of_delay_tells_the_party_of_the_right_to_a_ponaglenie():
    p = proceeding()
    p.notify_delay(date(2026, 4, 30), "oczekiwanie na zaświadczenie z ZUS", date(2026, 4, 1))
    [notice] = p.delay_notices
    assert notice["instruction"] == PONAGLENIE_INSTRUCTION
    assert "ponaglenia do samorządowego kolegium odwoławczego" in notice["instruction"]
    assert "art. 37 § 1 i 4 KPA" in notice["instruction"]


# --- KPA art. 35 § 5: periods not counted -----------------------------------------------------------

def test_a_period_not_counted_moves_the_deadline_by_its_days():
    p = proceeding()  # applied 2026-03-02, due 2026-04-02
    p.record_period_not_counted(RULES, date(2026, 3, 10), date(2026, 3, 19), "party_delay")  # 10 days
    assert p.settlement_due == date(2026, 4, 13)  # 12 April is a Sunday
    p.record_period_not_counted(RULES, date(2026, 3, 25), date(2026, 3, 25), "suspension")  # one day
    assert p.settlement_due == date(2026, 4, 13)  # 2 + 11 days = 13 April, a Monday
    assert [x["days"] for x in p.periods_not_counted] == [10, 1]


def test_periods_not_counted_are_named_dated_and_never_counted_twice():
    p = proceeding()
    refused_and_unchanged(p, DecisionsError, p.record_period_not_counted, RULES, date(2026, 3, 10),
                          date(2026, 3, 12), "urlop pracownika")
    refused_and_unchanged(p, InvalidDate, p.record_period_not_counted, RULES, date(2026, 3, 12),
                          date(2026, 3, 10), "suspension")
    refused_and_unchanged(p, InvalidDate, p.record_period_not_counted, RULES, date(2026, 3, 1),
                          date(2026, 3, 3), "suspension")  # before the application
    p.record_period_not_counted(RULES, date(2026, 3, 10), date(2026, 3, 12), "mediation")
    refused_and_unchanged(p, InvalidDate, p.record_period_not_counted, RULES, date(2026, 3, 12),
                          date(2026, 3, 14), "suspension")
    decided_p = decided()
    refused_and_unchanged(decided_p, AlreadyDecided, decided_p.record_period_not_counted, RULES,
                          date(2026, 3, 10), date(2026, 3, 12), "suspension")


def test_a_complex_case_keeps_the_days_not_counted():
    p = proceeding()
    p.record_period_not_counted(RULES, date(2026, 3, 2), date(2026, 3, 11), "statutory_time_for_action")
    p.mark_complex(RULES, "biegły")
    assert p.settlement_due == date(2026, 5, 12)  # 2 May + 10 days


# --- art. 107 ust. 4 u.p.s.: the interview update for permanent help ------------------------------

def final_grant(benefit, period_to, amount="500.00", unable=False, income="400"):
    p = interviewed(benefit, income=income, unable=unable)
    p.assess(RULES)
    p.issue_decision("grant", date(2026, 3, 10), "u.p.s.", "", amount=amount, period_from=date(2026, 4, 1),
                     period_to=period_to, payment_method="cash", **SIGNED)
    p.record_delivery(RULES, date(2026, 3, 12))
    p.become_final(date(2026, 3, 30))
    return p


def test_the_update_is_due_for_any_help_still_running_six_months_after_the_last_interview():
    assert final_grant("zasilek_okresowy", date(2026, 12, 31)).interview_update_due(RULES) == date(2026, 9, 5)
    assert final_grant("zasilek_okresowy", date(2026, 9, 5)).interview_update_due(RULES) == date(2026, 9, 5)
    assert final_grant("zasilek_okresowy", date(2026, 9, 4)).interview_update_due(RULES) is None  # ends before
    assert final_grant("zasilek_celowy", None).interview_update_due(RULES) is None  # paid once
    assert final_grant("zasilek_celowy", date(2027, 3, 31)).interview_update_due(RULES) == date(2026, 9, 5)
    staly = final_grant("zasilek_staly", None, amount="1229.00", unable=True, income="0")
    assert staly.interview_update_due(RULES) == date(2026, 9, 5)


def test_the_update_counts_from_the_last_interview_not_the_first():
    p = final_grant("zasilek_staly", None, amount="1229.00", unable=True, income="0")
    p.record_interview(date(2026, 8, 20), [{"name": "Anna Nowak"}], [], unable_to_work=True)
    assert p.interview_update_due(RULES) == date(2027, 2, 20)


# --- what the benefit officer sees ------------------------------------------------------------------

@pytest.fixture
def decisions(make_database_url):
    app = DecisionsApplication(make_database_url("decisions"), on_authority_of=AUTHORITY)
    yield app
    app.close()


def test_the_officer_sees_the_appeal_to_forward_and_the_deadline_moved_by_a_period_not_counted(decisions):
    p = decisions.open_ex_officio(uuid.uuid4(), {"full_name": "Anna Nowak"}, "zasilek_okresowy", date(2026, 3, 2))
    decisions.record_period_not_counted(p, date(2026, 3, 10), date(2026, 3, 19), "party_delay")
    [_, decision_due] = decisions.deadlines(today=date(2026, 3, 3), within_days=60)["deadlines"]
    assert (decision_due["what"], decision_due["due"]) == ("decision (KPA art. 35)", date(2026, 4, 13))
    decisions.record_interview(p, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}],
                               incomes=[{"member": "Anna Nowak", "source": "alimenty", "amount": "400"}])
    decisions.assess(p)
    decisions.issue_decision(p, outcome="refusal", issued_on=date(2026, 3, 10), legal_basis="art. 38",
                             justification="brak środków", signatory=SIGNATORY)
    assert decisions.record_deemed_delivery(p, date(2026, 3, 11)) == date(2026, 4, 8)  # 25 March + 14 days
    decisions.register_appeal(p, date(2026, 4, 3), received_on=date(2026, 4, 7))
    [forward] = decisions.deadlines(today=date(2026, 4, 8), within_days=30)["deadlines"]
    assert (forward["what"], forward["due"], forward["overdue"]) == (
        "forward the appeal to the appeals board (KPA art. 133)", date(2026, 4, 14), False)
    decisions.forward_appeal(p, date(2026, 4, 9))
    assert decisions.deadlines(today=date(2026, 4, 8), within_days=30)["deadlines"] == []
