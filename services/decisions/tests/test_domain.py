"""The proceeding's lifecycle, and every transition the law forbids."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from services.decisions.domain import (
    AlreadyDecided,
    AlreadyFinal,
    AmountOutsideLegalRange,
    AppealWindowOpen,
    AssessmentOutdated,
    AssessmentRequired,
    BenefitNotSpecified,
    CorrectionAfterDecision,
    DraftAfterDecision,
    DraftAlreadyReturned,
    DraftAwaitingSignature,
    InterviewInFuture,
    InterviewRequired,
    InvalidAmount,
    InvalidDate,
    InvalidDelayNotice,
    InvalidInterview,
    InvalidPerson,
    MissingCorrectionReason,
    MissingJustification,
    MissingRemark,
    MissingSignature,
    NoAppeal,
    NoDraftPending,
    NoInterviewToCorrect,
    NoSuchIncome,
    NoSuchInterview,
    NotAFinalGrant,
    NotDelivered,
    NotARandomEventBenefit,
    NotEligible,
    RepaymentNotAllowed,
    NotForwarded,
    NothingToCorrect,
    PeriodBeforeApplication,
    Proceeding,
    ProceedingClosed,
    ReviewTask,
    UnknownBenefit,
)
from services.decisions.domain import DECIDED_FORMS, DecisionsError, FormNotInForce
from shared.contracts.decisions import DECIDED_FORMS as CONTRACT_FORMS
from shared.vocabulary import FORMS_OF_HELP, form_in_force
from services.decisions.rules import RuleTable

RULES = RuleTable.load()
APPLIED = date(2026, 3, 2)  # Monday
SIGNED = {"signed_by": "Maria Kowalczyk, kierownik MOPS", "on_authority_of": "Prezydenta Miasta"}


def proceeding(benefit="zasilek_okresowy", urgent=False) -> Proceeding:
    return Proceeding.open(RULES, uuid.uuid4(), {"full_name": "Anna Nowak"}, APPLIED, benefit, urgent=urgent,
                           source=str(uuid.uuid4()))


def interviewed(benefit="zasilek_okresowy", income="400", members=("Anna Nowak",), unable=False):
    p = proceeding(benefit)
    p.record_interview(date(2026, 3, 5), [{"name": n} for n in members],
                       [{"member": members[0], "source": "inne", "amount": income}], unable_to_work=unable)
    return p


def decided(benefit="zasilek_okresowy", amount="400.00", **kw):
    p = interviewed(benefit, **kw)
    p.assess(RULES)
    p.issue_decision("grant", date(2026, 3, 10), "art. 38 u.p.s.", "", amount=amount, period_from=date(2026, 4, 1),
                     period_to=date(2026, 9, 30), payment_method="bank_transfer", **SIGNED)
    return p


def delivered(**kw):
    p = decided(**kw)
    p.record_delivery(RULES, date(2026, 3, 12))
    return p


def final(**kw):
    p = delivered(**kw)
    p.become_final(date(2026, 3, 27))
    return p


def refused_and_unchanged(p, error, command, *args, **kwargs):
    p.collect_events()
    before = dict(p.__dict__)
    with pytest.raises(error):
        command(*args, **kwargs)
    assert p.collect_events() == [] and p.__dict__ == before


def test_opening_sets_the_interview_and_kpa_deadlines():
    p = proceeding()
    assert p.state == "awaiting_interview"
    assert p.interview_due == date(2026, 3, 20)  # 14 working days
    assert p.settlement_due == date(2026, 4, 2)  # one month
    assert proceeding(urgent=True).interview_due == date(2026, 3, 4)
    same_source = str(uuid.uuid4())
    first = Proceeding.open(RULES, uuid.uuid4(), {}, APPLIED, "posilek", source=same_source)
    again = Proceeding.open(RULES, uuid.uuid4(), {}, APPLIED, "posilek", source=same_source)
    assert first.id == again.id


def test_unknown_benefits_are_refused():
    with pytest.raises(UnknownBenefit):
        Proceeding.open(RULES, uuid.uuid4(), {}, APPLIED, "praca_socjalna")  # no decision needed for it


def test_the_full_path_to_a_final_decision_and_its_payments():
    p = interviewed(income="400")
    assessment = p.assess(RULES)
    assert assessment["eligible"] and (assessment["min_amount"], assessment["max_amount"]) == (
        Decimal("305.00"), Decimal("610.00"))
    p.issue_decision("grant", date(2026, 3, 10), "art. 38 u.p.s.", "", amount="610.00",
                     period_from=date(2026, 4, 1), period_to=date(2026, 6, 30), payment_method="cash", **SIGNED)
    p.record_delivery(RULES, date(2026, 3, 12))
    assert p.appeal_deadline == date(2026, 3, 26)
    p.become_final(date(2026, 3, 27))
    assert p.state == "final" and p.final_on == date(2026, 3, 27)
    assert p.payment_schedule(until=date(2027, 1, 1)) == [
        {"month": m, "amount": Decimal("610.00"), "method": "cash"} for m in ("2026-04", "2026-05", "2026-06")]


def test_no_decision_before_the_interview():
    p = proceeding()
    refused_and_unchanged(p, InterviewRequired, p.issue_decision, "refusal", date(2026, 3, 10), "art. 38",
                          "brak podstaw", **SIGNED)
    refused_and_unchanged(p, InterviewRequired, p.assess, RULES)


def test_no_cash_decision_without_the_assessment():
    p = interviewed()
    refused_and_unchanged(p, AssessmentRequired, p.issue_decision, "grant", date(2026, 3, 10), "art. 38", "",
                          amount="400", period_from=date(2026, 4, 1), period_to=date(2026, 9, 30),
                          payment_method="cash", **SIGNED)


def test_a_grant_must_be_lawful_and_within_the_amounts_the_law_allows():
    p = interviewed(income="400")
    p.assess(RULES)
    common = dict(period_from=date(2026, 4, 1), period_to=date(2026, 9, 30), payment_method="cash", **SIGNED)
    for amount in ("304.99", "610.01"):
        refused_and_unchanged(p, AmountOutsideLegalRange, p.issue_decision, "grant", date(2026, 3, 10), "art. 38",
                              "", amount=amount, **common)
    rich = interviewed(income="1010.01")
    rich.assess(RULES)
    refused_and_unchanged(rich, NotEligible, rich.issue_decision, "grant", date(2026, 3, 10), "art. 38", "",
                          amount="20", **common)
    rich.issue_decision("refusal", date(2026, 3, 10), "art. 8 ust. 1 u.p.s.", "dochód przekracza kryterium",
                        **SIGNED)
    assert rich.decision["outcome"] == "refusal" and rich.decision["amount"] is None


def test_zasilek_staly_is_the_assessed_amount_for_a_person_unable_to_work():
    p = interviewed("zasilek_staly", income="85", unable=True)
    assert p.assess(RULES)["min_amount"] == Decimal("1228.00")
    p.issue_decision("grant", date(2026, 3, 10), "art. 37 u.p.s.", "", amount="1228.00",
                     period_from=date(2026, 4, 1), payment_method="bank_transfer", **SIGNED)
    assert p.decision["period_to"] is None  # granted without an end date


def test_farmland_counts_as_income():
    p = proceeding()
    p.record_interview(date(2026, 3, 5), [{"name": "Jan"}], [], farmland_ha="2")
    assert p.household_income(RULES) == Decimal("918.00")  # 2 x 459 zł per ha


@pytest.mark.parametrize(
    "kw, error",
    [
        (dict(signed_by=""), MissingSignature),
        (dict(on_authority_of=" "), MissingSignature),
        (dict(outcome="partial_grant", justification=""), MissingJustification),
        (dict(period_to=None), InvalidDate),  # zasiłek okresowy needs its period's end
        (dict(period_to=date(2026, 3, 31)), InvalidDate),
        (dict(issued_on=date(2026, 3, 4)), InvalidDate),  # before the interview
        (dict(payment_method="crypto"), Exception),
    ],
)
def test_a_decision_needs_its_formal_parts(kw, error):
    p = interviewed(income="400")
    p.assess(RULES)
    fields = dict(outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 38 u.p.s.", justification="",
                  amount="400", period_from=date(2026, 4, 1), period_to=date(2026, 9, 30),
                  payment_method="cash", **SIGNED)
    fields.update(kw)
    refused_and_unchanged(p, error, p.issue_decision, **fields)


def test_one_decision_per_proceeding_until_the_board_returns_it():
    p = decided()
    refused_and_unchanged(p, AlreadyDecided, p.issue_decision, "refusal", date(2026, 3, 11), "x", "y", **SIGNED)
    refused_and_unchanged(p, AlreadyDecided, p.assess, RULES)
    refused_and_unchanged(p, AlreadyDecided, p.specify_benefit, "posilek")


def test_finality_waits_for_delivery_and_the_appeal_window():
    p = decided()
    refused_and_unchanged(p, NotDelivered, p.become_final, date(2026, 4, 1))
    p.record_delivery(RULES, date(2026, 3, 12))
    refused_and_unchanged(p, AppealWindowOpen, p.become_final, date(2026, 3, 26))
    p.become_final(date(2026, 3, 27))
    refused_and_unchanged(p, AlreadyFinal, p.become_final, date(2026, 4, 1))
    refused_and_unchanged(p, AlreadyFinal, p.register_appeal, RULES, date(2026, 3, 26))  # in time: it is not final


def test_an_appeal_goes_to_the_board_and_its_outcome_settles_the_decision():
    upheld = delivered()
    refused_and_unchanged(upheld, NoAppeal, upheld.forward_appeal, date(2026, 3, 20))
    upheld.register_appeal(RULES, date(2026, 3, 20))
    assert upheld.state == "appealed" and not upheld.appeal["late"]
    refused_and_unchanged(upheld, NotForwarded, upheld.record_appeal_outcome, RULES, "upheld", date(2026, 4, 10))
    refused_and_unchanged(upheld, AppealWindowOpen, upheld.become_final, date(2026, 5, 1))
    upheld.forward_appeal(date(2026, 3, 23))
    upheld.record_appeal_outcome(RULES, "upheld", date(2026, 4, 20))
    assert upheld.state == "final" and upheld.final_on == date(2026, 4, 20)

    overturned = delivered()
    overturned.register_appeal(RULES, date(2026, 3, 27))
    assert overturned.appeal["late"]  # the board decides whether to hear a late appeal
    overturned.forward_appeal(date(2026, 3, 30))
    overturned.record_appeal_outcome(RULES, "overturned", date(2026, 4, 20))
    assert overturned.state == "annulled"
    refused_and_unchanged(overturned, ProceedingClosed, overturned.record_interview, date(2026, 5, 1),
                          [{"name": "A"}], [])

    returned = delivered()
    returned.register_appeal(RULES, date(2026, 3, 20))
    returned.forward_appeal(date(2026, 3, 23))
    returned.record_appeal_outcome(RULES, "returned", date(2026, 4, 20))
    assert returned.state == "interviewed" and returned.decision is None
    returned.assess(RULES)
    returned.issue_decision("refusal", date(2026, 4, 24), "art. 38", "po ponownym rozpatrzeniu", **SIGNED)


def test_a_final_grant_is_changed_or_revoked_and_payments_follow():
    p = final()
    p.change(RULES, "450.00", date(2026, 6, 1), date(2026, 5, 20), "wzrost potrzeb", **SIGNED)
    p.revoke(date(2026, 8, 1), date(2026, 7, 15), "podjęcie pracy", **SIGNED)
    assert p.state == "revoked"
    assert [(e["month"], e["amount"]) for e in p.payment_schedule(date(2027, 1, 1))] == [
        ("2026-04", Decimal("400.00")), ("2026-05", Decimal("400.00")),
        ("2026-06", Decimal("450.00")), ("2026-07", Decimal("450.00"))]
    refused_and_unchanged(p, ProceedingClosed, p.change, RULES, "500", date(2026, 9, 1), date(2026, 8, 20), "x", **SIGNED)


def test_only_a_final_grant_can_be_changed():
    p = delivered()
    refused_and_unchanged(p, NotAFinalGrant, p.revoke, date(2026, 5, 1), date(2026, 4, 20), "x", **SIGNED)
    p.become_final(date(2026, 3, 27))
    refused_and_unchanged(p, MissingJustification, p.revoke, date(2026, 5, 1), date(2026, 4, 20), "", **SIGNED)
    refused_and_unchanged(p, InvalidDate, p.change, RULES, "450", date(2026, 3, 1), date(2026, 4, 20), "x", **SIGNED)


def test_kpa_deadline_grows_for_a_complex_case_and_with_an_art_36_notice():
    p = proceeding()
    p.mark_complex(RULES, "ustalanie dochodu z gospodarstwa rolnego")
    assert p.settlement_due == date(2026, 5, 4)  # 2 May is a Saturday
    refused_and_unchanged(p, InvalidDelayNotice, p.notify_delay, date(2026, 5, 4), "x", date(2026, 4, 28))
    refused_and_unchanged(p, InvalidDelayNotice, p.notify_delay, date(2026, 5, 20), " ", date(2026, 4, 28))
    p.notify_delay(date(2026, 5, 20), "oczekiwanie na zaświadczenie z KRUS", date(2026, 4, 28))
    assert p.settlement_due == date(2026, 5, 20)


def test_bad_interviews_are_refused():
    p = proceeding()
    refused_and_unchanged(p, InvalidInterview, p.record_interview, date(2026, 3, 5), [], [])
    refused_and_unchanged(p, InvalidInterview, p.record_interview, date(2026, 3, 5), [{"name": "Anna"}],
                          [{"member": "Piotr", "source": "inne", "amount": "100"}])
    refused_and_unchanged(p, InvalidInterview, p.record_interview, date(2026, 3, 5), [{"name": "Anna"}],
                          [{"member": "Anna", "source": "loteria", "amount": "100"}])
    refused_and_unchanged(p, Exception, p.record_interview, date(2026, 3, 5), [{"name": "Anna"}],
                          [{"member": "Anna", "source": "inne", "amount": "-1"}])
    refused_and_unchanged(p, InvalidDate, p.record_interview, date(2026, 3, 1), [{"name": "Anna"}], [])


def test_a_proceeding_without_a_benefit_must_be_told_which():
    p = Proceeding.open(RULES, uuid.uuid4(), {}, APPLIED, None)
    p.record_interview(date(2026, 3, 5), [{"name": "Anna"}], [])
    refused_and_unchanged(p, BenefitNotSpecified, p.assess, RULES)
    p.specify_benefit("zasilek_celowy")
    assert p.assess(RULES)["eligible"]


def test_the_interview_of_a_person_on_zasilek_staly_is_due_every_six_months():
    p = interviewed("zasilek_staly", income="0", unable=True)
    p.assess(RULES)
    p.issue_decision("grant", date(2026, 3, 10), "art. 37", "", amount="1229.00", period_from=date(2026, 4, 1),
                     payment_method="cash", **SIGNED)
    assert p.interview_update_due(RULES) is None  # not final yet
    p.record_delivery(RULES, date(2026, 3, 12))
    p.become_final(date(2026, 3, 30))
    assert p.interview_update_due(RULES) == date(2026, 9, 5)


def test_a_review_task_is_closed_once_by_an_officer():
    task = ReviewTask(contract_ref="c-1", fact="refused", person_id=uuid.uuid4(), occurred_on=date(2026, 3, 1))
    assert task.id == ReviewTask.create_id("c-1", "refused")
    task.close("B. Wójcik", "dzieci w rodzinie: bez zmiany decyzji", date(2026, 3, 5))
    refused_and_unchanged(task, AlreadyDecided, task.close, "B. Wójcik", "x", date(2026, 3, 6))


def test_suspended_payments_stop_until_resumed():
    p = final()
    refused_and_unchanged(p, NotAFinalGrant, p.resume, date(2026, 5, 1), date(2026, 4, 20), "x", **SIGNED)
    p.suspend(date(2026, 5, 1), date(2026, 4, 20), "art. 11: odmowa kontraktu, dzieci uwzględnione", **SIGNED)
    assert p.state == "suspended"
    refused_and_unchanged(p, AlreadyDecided, p.suspend, date(2026, 6, 1), date(2026, 5, 20), "x", **SIGNED)
    p.resume(date(2026, 7, 1), date(2026, 6, 25), "kontrakt podpisany", **SIGNED)
    assert p.state == "final"
    assert [e["month"] for e in p.payment_schedule(date(2027, 1, 1))] == ["2026-04", "2026-07", "2026-08", "2026-09"]


# --- regressions ----------------------------------------------------------------------

def final_staly(income="85"):
    p = interviewed("zasilek_staly", income=income, unable=True)
    amount = p.assess(RULES)["min_amount"]
    p.issue_decision("grant", date(2026, 3, 10), "art. 37 u.p.s.", "", amount=amount, period_from=date(2026, 4, 1),
                     payment_method="bank_transfer", **SIGNED)
    p.record_delivery(RULES, date(2026, 3, 12))
    p.become_final(date(2026, 3, 27))
    return p


def test_a_change_decision_stays_within_what_the_law_allows_on_its_date():
    staly = final_staly()  # 130% of 1010 - 85 = 1228.00, exactly what art. 37 gives
    change = (date(2026, 6, 1), date(2026, 5, 20), "zmiana dochodu")
    for amount in ("99999.00", "1229.00", "1227.99"):
        refused_and_unchanged(staly, AmountOutsideLegalRange, staly.change, RULES, amount, *change, **SIGNED)
    staly.record_interview(date(2026, 5, 15), [{"name": "Anna Nowak"}],
                           [{"member": "Anna Nowak", "source": "emerytura_renta", "amount": "500"}],
                           unable_to_work=True)
    staly.change(RULES, "813.00", *change, **SIGNED)  # 1313 - 500, from the updated interview
    okresowy = final()  # income 400: 305.00-610.00
    refused_and_unchanged(okresowy, AmountOutsideLegalRange, okresowy.change, RULES, "610.01", *change, **SIGNED)
    okresowy.record_interview(date(2026, 5, 15), [{"name": "Anna Nowak"}],
                              [{"member": "Anna Nowak", "source": "inne", "amount": "1010"}])
    refused_and_unchanged(okresowy, AmountOutsideLegalRange, okresowy.change, RULES, "20", *change, **SIGNED)


@pytest.mark.parametrize("amount", ["1e30", "NaN", "-Infinity", "abc", None, [1], {"zl": 5}, True])
def test_absurd_amounts_are_a_named_error_in_every_command(amount):
    p = proceeding()
    refused_and_unchanged(p, InvalidAmount, p.record_interview, date(2026, 3, 5), [{"name": "Anna"}],
                          [{"member": "Anna", "source": "inne", "amount": amount}])
    refused_and_unchanged(p, InvalidAmount, p.record_interview, date(2026, 3, 5), [{"name": "Anna"}], [],
                          farmland_ha=amount)
    p = interviewed(income="400")
    p.assess(RULES)
    refused_and_unchanged(p, InvalidAmount, p.issue_decision, "grant", date(2026, 3, 10), "art. 38", "",
                          amount=amount, period_from=date(2026, 4, 1), period_to=date(2026, 9, 30),
                          payment_method="cash", **SIGNED)
    p = final()
    refused_and_unchanged(p, InvalidAmount, p.change, RULES, amount, date(2026, 6, 1), date(2026, 5, 20), "x",
                          **SIGNED)


@pytest.mark.parametrize(
    "household, incomes",
    [
        ("Anna", []),
        (["Anna"], []),
        ([{"name": "Anna"}, 7], []),
        ({"name": "Anna"}, []),
        (None, []),
        ([{"name": "Anna"}], ["Anna 500 zł"]),
        ([{"name": "Anna"}], {"member": "Anna", "source": "inne", "amount": "5"}),
        ([{"name": "Anna"}], 5),
    ],
)
def test_household_and_incomes_must_be_lists_of_objects(household, incomes):
    p = proceeding()
    refused_and_unchanged(p, InvalidInterview, p.record_interview, date(2026, 3, 5), household, incomes)


def test_a_person_is_an_object_of_fields():
    with pytest.raises(InvalidPerson):
        Proceeding.open(RULES, uuid.uuid4(), ["Anna Nowak"], APPLIED, "posilek")


def celowy(period_to=None):
    p = interviewed("zasilek_celowy", income="400")
    p.assess(RULES)
    p.issue_decision("grant", date(2026, 3, 10), "art. 39 u.p.s.", "", amount="600.00", period_from=date(2026, 4, 1),
                     period_to=period_to, payment_method="cash", **SIGNED)
    p.record_delivery(RULES, date(2026, 3, 12))
    p.become_final(date(2026, 3, 27))
    return p


def test_a_zasilek_celowy_without_a_period_is_paid_once():
    assert celowy().payment_schedule(date(2027, 12, 31)) == [
        {"month": "2026-04", "amount": Decimal("600.00"), "method": "cash"}]
    # in instalments over a period the centre sets (e.g. food for three months): monthly
    assert [e["month"] for e in celowy(date(2026, 6, 30)).payment_schedule(date(2027, 12, 31))] == [
        "2026-04", "2026-05", "2026-06"]


def test_a_late_appeal_is_recorded_as_late_and_the_decision_still_becomes_final():
    p = delivered()  # appeal deadline 2026-03-26
    p.register_appeal(RULES, date(2026, 3, 30))
    assert p.appeal["late"]
    p.become_final(date(2026, 3, 31))
    assert p.state == "final" and p.final_on == date(2026, 3, 27)
    p.forward_appeal(date(2026, 4, 1))
    p.record_appeal_outcome(RULES, "upheld", date(2026, 4, 20))  # the board does not restore the deadline
    assert p.final_on == date(2026, 3, 27)

    after = final()  # became final first; the late appeal arrives later
    after.register_appeal(RULES, date(2026, 4, 2))
    assert after.appeal["late"] and after.state == "final"
    refused_and_unchanged(after, AlreadyDecided, after.register_appeal, RULES, date(2026, 4, 3))


def test_a_case_returned_for_reconsideration_gets_a_new_kpa_deadline_from_the_return():
    p = delivered()
    p.register_appeal(RULES, date(2026, 3, 20))
    p.forward_appeal(date(2026, 3, 23))
    p.record_appeal_outcome(RULES, "returned", date(2026, 4, 20))
    assert p.settlement_due == date(2026, 5, 20)  # one month from the return, not 2 April
    complex_case = proceeding()
    complex_case.mark_complex(RULES, "ustalanie dochodu z gospodarstwa rolnego")
    complex_case.record_interview(date(2026, 3, 5), [{"name": "Anna Nowak"}],
                                  [{"member": "Anna Nowak", "source": "inne", "amount": "400"}])
    complex_case.assess(RULES)
    complex_case.issue_decision("refusal", date(2026, 3, 10), "art. 38", "brak podstaw", **SIGNED)
    complex_case.record_delivery(RULES, date(2026, 3, 12))
    complex_case.register_appeal(RULES, date(2026, 3, 20))
    complex_case.forward_appeal(date(2026, 3, 23))
    complex_case.record_appeal_outcome(RULES, "returned", date(2026, 4, 20))
    assert complex_case.settlement_due == date(2026, 6, 22)  # two months; 20 June is a Saturday


def test_an_interview_is_not_recorded_before_it_is_held():
    p = proceeding()
    refused_and_unchanged(p, InterviewInFuture, p.record_interview, date(2026, 3, 9), [{"name": "Anna"}], [],
                          recorded_on=date(2026, 3, 6))
    p.record_interview(date(2026, 3, 6), [{"name": "Anna"}], [], recorded_on=date(2026, 3, 6))


def test_a_cash_benefit_is_not_granted_for_months_before_the_application():
    p = interviewed(income="400")  # applied 2 March 2026
    p.assess(RULES)
    common = dict(amount="400", period_to=date(2026, 9, 30), payment_method="cash", **SIGNED)
    refused_and_unchanged(p, PeriodBeforeApplication, p.issue_decision, "grant", date(2026, 3, 10), "art. 38", "",
                          period_from=date(2026, 2, 1), **common)
    p.issue_decision("grant", date(2026, 3, 10), "art. 38", "", period_from=date(2026, 3, 1), **common)
    assert p.payment_schedule(date(2026, 12, 31)) == []  # not final yet


# --- art. 40: zasiłek celowy after a random event or disaster ------------------------------

def grant_celowy(p, amount="2000.00", **kw):
    p.issue_decision("grant", date(2026, 3, 10), "art. 40 u.p.s.", "", amount=amount, period_from=date(2026, 3, 1),
                     payment_method="bank_transfer", **SIGNED, **kw)


def test_a_zasilek_celowy_after_a_random_event_is_granted_whatever_the_income():
    above = interviewed("zasilek_celowy", income="5000")
    above.assess(RULES)
    assert not above.assessment["eligible"]
    refused_and_unchanged(above, NotEligible, grant_celowy, above)

    p = interviewed("zasilek_celowy", income="5000")
    p.record_random_event("kleska_zywiolowa", date(2026, 2, 27))
    assert p.assess(RULES)["eligible"] and p.assessment["legal_basis"].startswith("art. 40")
    grant_celowy(p)
    assert p.granted and p.decision["amount"] == Decimal("2000.00")
    assert p.random_event == {"kind": "kleska_zywiolowa", "occurred_on": date(2026, 2, 27)}


def test_a_random_event_is_recorded_for_a_zasilek_celowy_only_and_before_the_decision():
    p = interviewed("zasilek_okresowy")
    refused_and_unchanged(p, NotARandomEventBenefit, p.record_random_event, "zdarzenie_losowe", date(2026, 3, 1))
    p = interviewed("zasilek_celowy")
    refused_and_unchanged(p, DecisionsError, p.record_random_event, "powodz", date(2026, 3, 1))
    refused_and_unchanged(p, InvalidDate, p.record_random_event, "zdarzenie_losowe", date(2026, 3, 3))
    refused_and_unchanged(p, InvalidDate, p.record_random_event, "zdarzenie_losowe", "wczoraj")
    p.assess(RULES)
    grant_celowy(p)
    refused_and_unchanged(p, AlreadyDecided, p.record_random_event, "zdarzenie_losowe", date(2026, 3, 1))


def test_recording_a_random_event_calls_for_a_new_assessment():
    p = interviewed("zasilek_celowy", income="5000")
    p.assess(RULES)
    p.record_random_event("zdarzenie_losowe", date(2026, 3, 1))
    refused_and_unchanged(p, AssessmentRequired, grant_celowy, p)


# --- art. 41: specjalny zasiłek celowy, and help on condition of repayment ------------------

def test_specjalny_zasilek_celowy_goes_above_the_criterion_justified_and_up_to_it():
    p = interviewed("specjalny_zasilek_celowy", income="1500")
    p.assess(RULES)
    assert p.assessment["eligible"] and p.assessment["max_amount"] == Decimal("1010.00")

    def grant(amount, justification="pożar mieszkania, leki po hospitalizacji"):
        p.issue_decision("grant", date(2026, 3, 10), "art. 41 pkt 1 u.p.s.", justification, amount=amount,
                         period_from=date(2026, 3, 1), payment_method="cash", **SIGNED)

    refused_and_unchanged(p, MissingJustification, grant, "500.00", "")
    refused_and_unchanged(p, AmountOutsideLegalRange, grant, "1010.01")
    grant("1010.00")
    assert p.decision["amount"] == Decimal("1010.00")


def test_specjalny_zasilek_celowy_is_not_for_income_within_the_criterion():
    p = interviewed("specjalny_zasilek_celowy", income="400")
    p.assess(RULES)
    refused_and_unchanged(p, NotEligible, p.issue_decision, "grant", date(2026, 3, 10), "art. 41", "uzasadnienie",
                          amount="300.00", period_from=date(2026, 3, 1), payment_method="cash", **SIGNED)


def test_help_on_condition_of_repayment_reaches_income_above_the_criterion():
    p = interviewed("zasilek_okresowy", income="1500")
    p.assess(RULES)
    assert not p.assessment["eligible"]

    def grant(**kw):
        p.issue_decision("grant", date(2026, 3, 10), "art. 41 pkt 2 u.p.s.", "", amount="300.00",
                         period_from=date(2026, 4, 1), period_to=date(2026, 6, 30), payment_method="cash",
                         **SIGNED, **kw)

    refused_and_unchanged(p, NotEligible, grant)
    refused_and_unchanged(p, DecisionsError, grant, on_condition_of_repayment="tak")
    grant(on_condition_of_repayment=True)
    assert p.decision["on_condition_of_repayment"] is True
    p.record_delivery(RULES, date(2026, 3, 12))
    p.become_final(date(2026, 3, 27))
    assert len(p.payment_schedule(date(2027, 1, 1))) == 3
    # a change of the amount stays possible: the centre sets it under art. 41 pkt 2
    p.change(RULES, "250.00", date(2026, 5, 1), date(2026, 4, 20), "nowe dochody", **SIGNED)
    assert p.payment_schedule(date(2027, 1, 1))[-1]["amount"] == Decimal("250.00")


def test_an_ordinary_grant_is_not_repayable():
    assert decided().decision["on_condition_of_repayment"] is False


def test_only_okresowy_celowy_and_in_kind_help_may_be_repayable():
    p = interviewed("zasilek_staly", income="85", unable=True)
    p.assess(RULES)
    refused_and_unchanged(p, RepaymentNotAllowed, p.issue_decision, "grant", date(2026, 3, 10), "art. 37", "",
                          amount=p.assessment["min_amount"], period_from=date(2026, 4, 1),
                          payment_method="cash", on_condition_of_repayment=True, **SIGNED)
    p = interviewed("zasilek_okresowy", income="400")
    p.assess(RULES)
    refused_and_unchanged(p, RepaymentNotAllowed, p.issue_decision, "refusal", date(2026, 3, 10), "art. 38",
                          "brak środków", on_condition_of_repayment=True, **SIGNED)
    in_kind = interviewed("pomoc_rzeczowa", income="5000")
    in_kind.issue_decision("grant", date(2026, 3, 10), "art. 41 pkt 2 u.p.s.", "", period_from=date(2026, 3, 1),
                           on_condition_of_repayment=True, **SIGNED)
    assert in_kind.granted and in_kind.decision["on_condition_of_repayment"] is True


# --- art. 36: the other forms of help granted by decision -----------------------------------

@pytest.mark.parametrize("benefit", ["pomoc_rzeczowa", "skladki_zdrowotne_i_spoleczne", "mieszkanie_wspomagane"])
def test_non_cash_forms_are_decided_without_amounts(benefit):
    p = interviewed(benefit)
    assert p.assess(RULES)["eligible"] and p.assessment["legal_basis"].startswith("art. 36 u.p.s.")
    p.issue_decision("grant", date(2026, 3, 10), "u.p.s.", "", period_from=date(2026, 4, 1), **SIGNED)
    p.record_delivery(RULES, date(2026, 3, 12))
    p.become_final(date(2026, 3, 27))
    assert p.state == "final" and p.decision["amount"] is None and p.payment_schedule(date(2027, 1, 1)) == []


@pytest.mark.parametrize("benefit", ["zasilek_na_ekonomiczne_usamodzielnienie", "pomoc_na_usamodzielnienie_i_nauke"])
def test_cash_forms_for_independence_need_an_amount_and_are_paid_once_or_monthly(benefit):
    p = interviewed(benefit)

    def grant(amount, period_to=None, method="bank_transfer"):
        p.issue_decision("grant", date(2026, 3, 10), "u.p.s.", "", amount=amount, period_from=date(2026, 4, 1),
                         period_to=period_to, payment_method=method, **SIGNED)

    refused_and_unchanged(p, InvalidAmount, grant, None)
    refused_and_unchanged(p, AmountOutsideLegalRange, grant, "0")
    refused_and_unchanged(p, DecisionsError, grant, "500.00", None, None)
    grant("3000.00")
    p.record_delivery(RULES, date(2026, 3, 12))
    p.become_final(date(2026, 3, 27))
    assert p.payment_schedule(date(2027, 1, 1)) == [
        {"month": "2026-04", "amount": Decimal("3000.00"), "method": "bank_transfer"}]


def test_pobyt_w_dps_is_the_care_teams_and_not_decided_here():
    assert "pobyt_w_dps" not in DECIDED_FORMS
    with pytest.raises(UnknownBenefit):
        proceeding("pobyt_w_dps")


# --- art. 37 ust. 1 pkt 2: the applicant's own income in a family ------------------------------

def staly_in_a_family(applicant_amount: str, spouse_amount: str) -> Proceeding:
    p = Proceeding.open(RULES, uuid.uuid4(), {"full_name": "Jan Nowak"}, date(2025, 3, 3), "zasilek_staly")
    p.record_interview(date(2025, 3, 5), [{"name": "Jan Nowak"}, {"name": "Ewa Nowak", "relation": "żona"},
                                          {"name": "Ola Nowak", "relation": "córka"}],
                       [{"member": "Jan Nowak", "source": "emerytura_renta", "amount": applicant_amount},
                        {"member": "Ewa Nowak", "source": "wynagrodzenie", "amount": spouse_amount}],
                       unable_to_work=True)
    return p


def test_zasilek_staly_in_a_family_reads_the_applicants_own_income_from_the_interview():
    pension_only = staly_in_a_family("1250.00", "0")
    assert pension_only.applicant_income() == Decimal("1250.00")
    assessment = pension_only.assess(RULES)
    assert not assessment["eligible"] and "applicant's own income 1250.00 zł" in assessment["reason"]
    shared = staly_in_a_family("400.00", "850.00")  # the same 1,250 zł, the applicant's own 400 zł
    assert shared.assess(RULES)["eligible"] and shared.assessment["min_amount"] == Decimal("653.23")


def test_an_interview_names_the_applicant_among_the_household():
    p = proceeding()
    with pytest.raises(InvalidInterview, match="name the applicant"):
        p.record_interview(date(2026, 3, 5), [{"name": "Anna Nowak", "relation": "matka"}], [])


# --- art. 53 u.p.s. since 2023-11-01: mieszkanie treningowe / wspomagane ---------------------------

def housing(benefit, applied_on, issued_on, period_to=None):
    p = Proceeding.open(RULES, uuid.uuid4(), {"full_name": "Anna Nowak"}, applied_on, benefit)
    p.record_interview(applied_on, [{"name": "Anna Nowak"}], [])
    p.assess(RULES)
    p.issue_decision("grant", issued_on, "art. 53 u.p.s.", "", period_from=applied_on, period_to=period_to,
                     **SIGNED)
    return p


def test_mieszkanie_chronione_is_decided_until_31_october_2023_and_kept_by_older_decisions():
    older = housing("mieszkanie_chronione", date(2023, 10, 20), date(2023, 10, 31))
    assert older.granted and older.benefit == "mieszkanie_chronione"
    p = Proceeding.open(RULES, uuid.uuid4(), {}, date(2023, 10, 20), "mieszkanie_chronione")
    p.record_interview(date(2023, 10, 25), [{"name": "Anna Nowak"}], [])
    p.assess(RULES)
    with pytest.raises(FormNotInForce, match="until 2023-10-31"):
        p.issue_decision("grant", date(2023, 11, 1), "art. 53", "", period_from=date(2023, 11, 1), **SIGNED)
    assert not p.decided
    p.specify_benefit("mieszkanie_wspomagane")
    p.assess(RULES)
    p.issue_decision("grant", date(2023, 11, 1), "art. 53", "", period_from=date(2023, 11, 1), **SIGNED)
    assert p.granted


def test_mieszkanie_treningowe_exists_from_1_november_2023_and_is_granted_for_a_fixed_period():
    with pytest.raises(FormNotInForce, match="from 2023-11-01"):
        housing("mieszkanie_treningowe", date(2023, 10, 2), date(2023, 10, 31), period_to=date(2024, 3, 31))
    with pytest.raises(InvalidDate, match="art. 53 ust. 8"):
        housing("mieszkanie_treningowe", date(2023, 11, 1), date(2023, 11, 1))
    granted = housing("mieszkanie_treningowe", date(2023, 11, 1), date(2023, 11, 1), period_to=date(2024, 4, 30))
    assert granted.decision["period_to"] == date(2024, 4, 30)
    assert housing("mieszkanie_wspomagane", date(2024, 1, 2), date(2024, 1, 2)).decision["period_to"] is None


def test_the_vocabulary_and_the_published_codes_know_the_new_forms():
    assert FORMS_OF_HELP["mieszkanie_treningowe"] == "mieszkanie treningowe"
    assert {"mieszkanie_treningowe", "mieszkanie_wspomagane", "mieszkanie_chronione"} <= set(CONTRACT_FORMS)
    assert form_in_force("mieszkanie_chronione", date(2023, 10, 31))
    assert not form_in_force("mieszkanie_chronione", date(2023, 11, 1))
    assert form_in_force("zasilek_staly", date(2000, 1, 1))


# --- the draft decision: the benefit officer drafts, the signatory signs it or returns it ------------

DRAFT = dict(outcome="grant", legal_basis="art. 38 u.p.s.", justification="", amount="400",
             period_from=date(2026, 4, 1), period_to=date(2026, 9, 30), payment_method="cash")
OFFICER = "B. Wójcik"


def drafted(**kw) -> Proceeding:
    p = interviewed(income="400")
    p.assess(RULES)
    p.draft_decision(OFFICER, date(2026, 3, 9), **{**DRAFT, **kw})
    return p


def test_the_signatory_signs_the_draft_and_the_decision_is_issued_as_drafted_on_the_signing_date():
    p = drafted()
    assert p.draft_pending and not p.decided and p.state == "assessed"
    assert p.draft == {**DRAFT, "amount": Decimal("400.00"), "account": None, "on_condition_of_repayment": False,
                       "drafted_by": OFFICER, "drafted_on": date(2026, 3, 9), "returned": None, "signed": None}
    p.sign_draft(date(2026, 3, 10), **SIGNED)
    assert p.state == "decided" and p.draft is None and not p.draft_pending
    assert p.decision == {"outcome": "grant", "issued_on": date(2026, 3, 10), "legal_basis": "art. 38 u.p.s.",
                          "justification": "", "amount": Decimal("400.00"), "period_from": date(2026, 4, 1),
                          "period_to": date(2026, 9, 30), "payment_method": "cash", "account": None,
                          "on_condition_of_repayment": False, **SIGNED,
                          "party": {"full_name": "Anna Nowak", "address": None}}  # the party as issued to
    [history] = p.drafts
    assert history["signed"] == {"signed_by": SIGNED["signed_by"], "signed_on": date(2026, 3, 10)}


def test_a_returned_draft_carries_the_remark_and_is_signed_only_once_drafted_again():
    p = drafted()
    refused_and_unchanged(p, MissingRemark, p.return_draft, "  ", "Maria Kowalczyk", date(2026, 3, 10))
    p.return_draft("kwota bez uzasadnienia — sprawdź dochód", "Maria Kowalczyk", date(2026, 3, 10))
    assert not p.draft_pending and p.draft["returned"] == {
        "remark": "kwota bez uzasadnienia — sprawdź dochód", "returned_by": "Maria Kowalczyk",
        "returned_on": date(2026, 3, 10)}
    refused_and_unchanged(p, DraftAlreadyReturned, p.sign_draft, date(2026, 3, 11), **SIGNED)
    refused_and_unchanged(p, DraftAlreadyReturned, p.return_draft, "jeszcze raz", "Maria Kowalczyk",
                          date(2026, 3, 11))
    p.draft_decision(OFFICER, date(2026, 3, 11), **{**DRAFT, "amount": "350"})
    assert p.draft_pending and p.draft["amount"] == Decimal("350.00") and p.draft["returned"] is None
    p.sign_draft(date(2026, 3, 12), **SIGNED)
    assert p.decision["amount"] == Decimal("350.00") and p.decision["issued_on"] == date(2026, 3, 12)
    assert [(d["amount"], bool(d["returned"]), bool(d["signed"])) for d in p.drafts] == [
        (Decimal("400.00"), True, False), (Decimal("350.00"), False, True)]


def test_a_draft_is_revised_while_unsigned_and_never_after_the_decision():
    p = drafted()
    p.draft_decision(OFFICER, date(2026, 3, 9), **{**DRAFT, "amount": "500"})  # revised before the signature
    assert p.draft["amount"] == Decimal("500.00") and len(p.drafts) == 2
    p.sign_draft(date(2026, 3, 10), **SIGNED)
    refused_and_unchanged(p, DraftAfterDecision, p.draft_decision, OFFICER, date(2026, 3, 11), **DRAFT)
    refused_and_unchanged(p, AlreadyDecided, p.sign_draft, date(2026, 3, 11), **SIGNED)


def test_nothing_is_signed_or_returned_without_a_pending_draft():
    p = interviewed(income="400")
    p.assess(RULES)
    refused_and_unchanged(p, NoDraftPending, p.sign_draft, date(2026, 3, 10), **SIGNED)
    refused_and_unchanged(p, NoDraftPending, p.return_draft, "uwaga", "Maria Kowalczyk", date(2026, 3, 10))


def test_the_draft_is_checked_as_the_decision_it_would_be_and_again_at_signing():
    p = interviewed(income="400")
    refused_and_unchanged(p, AssessmentRequired, p.draft_decision, OFFICER, date(2026, 3, 9), **DRAFT)
    p.assess(RULES)
    refused_and_unchanged(p, AmountOutsideLegalRange, p.draft_decision, OFFICER, date(2026, 3, 9),
                          **{**DRAFT, "amount": "9999"})
    refused_and_unchanged(p, MissingJustification, p.draft_decision, OFFICER, date(2026, 3, 9),
                          **{**DRAFT, "outcome": "refusal"})
    refused_and_unchanged(p, InvalidDate, p.draft_decision, OFFICER, date(2026, 3, 4), **DRAFT)  # before the interview
    p.draft_decision(OFFICER, date(2026, 3, 9), **DRAFT)
    refused_and_unchanged(p, MissingSignature, p.sign_draft, date(2026, 3, 10), signed_by="",
                          on_authority_of="Prezydenta Miasta")
    refused_and_unchanged(p, InvalidDate, p.sign_draft, date(2026, 3, 8), **SIGNED)  # before the draft
    # A new interview after the draft calls for a new assessment: the signature waits for it.
    p.record_interview(date(2026, 3, 9), [{"name": "Anna Nowak"}], [{"member": "Anna Nowak", "source": "inne",
                                                                     "amount": "400"}])
    refused_and_unchanged(p, AssessmentRequired, p.sign_draft, date(2026, 3, 10), **SIGNED)


def test_a_signatory_issues_directly_only_when_no_draft_awaits_the_signature():
    p = drafted()
    refused_and_unchanged(p, DraftAwaitingSignature, p.issue_decision, "grant", date(2026, 3, 10), "art. 38 u.p.s.",
                          "", amount="450", period_from=date(2026, 4, 1), period_to=date(2026, 9, 30),
                          payment_method="cash", **SIGNED)
    p.return_draft("popraw okres", "Maria Kowalczyk", date(2026, 3, 10))
    p.issue_decision("grant", date(2026, 3, 10), "art. 38 u.p.s.", "", amount="450", period_from=date(2026, 4, 1),
                     period_to=date(2026, 9, 30), payment_method="cash", **SIGNED)
    assert p.decision["amount"] == Decimal("450.00") and p.draft is None


def test_a_draft_does_not_stop_the_kpa_deadline():
    p = drafted()
    p.mark_complex(RULES, "ustalanie dochodu")  # still before the decision: the deadline still runs
    assert p.settlement_due == date(2026, 5, 4) and p.draft_pending
    p.notify_delay(date(2026, 5, 20), "biegły", date(2026, 4, 30))
    assert p.settlement_due == date(2026, 5, 20)


def test_a_returned_case_is_drafted_anew():
    p = drafted()
    p.sign_draft(date(2026, 3, 10), **SIGNED)
    p.record_delivery(RULES, date(2026, 3, 12))
    p.register_appeal(RULES, date(2026, 3, 20))
    p.forward_appeal(date(2026, 3, 23))
    p.record_appeal_outcome(RULES, "returned", date(2026, 4, 20))
    refused_and_unchanged(p, NoDraftPending, p.sign_draft, date(2026, 4, 21), **SIGNED)
    p.assess(RULES)
    p.draft_decision(OFFICER, date(2026, 4, 21), **DRAFT)
    p.sign_draft(date(2026, 4, 22), **SIGNED)
    assert p.decision["issued_on"] == date(2026, 4, 22) and len(p.drafts) == 2


# --- corrections of the interview before the decision (issue 14, item 3) -----------------------

CORRECTED_ON = date(2026, 3, 6)
WHY = {"reason": "zaświadczenie pracodawcy", "corrected_by": OFFICER, "corrected_on": CORRECTED_ON}


def test_an_income_is_corrected_by_an_event_keeping_the_old_value_who_when_and_why():
    p = interviewed(income="400", members=("Anna Nowak", "Jan Nowak"))
    p.collect_events()
    assert p.correct_income(1, {"amount": "450,00", "source": "inne"}, **WHY) == ["amount"]
    [event] = p.collect_events()
    assert type(event).__name__ == "IncomeCorrected" and event.old == {"amount": Decimal("400")}
    assert p.interviews[-1]["incomes"] == [{"member": "Anna Nowak", "source": "inne", "amount": Decimal("450.00")}]
    assert p.corrections == [{"kind": "income", "interview": 1, "entry": 1, "fields": ["amount"],
                              "old": {"amount": Decimal("400")},
                              "new": {"amount": Decimal("450.00")}, **WHY}]
    assert p.correct_income("1", {"member": "Jan Nowak"}, **WHY) == ["member"]  # a page's form: the number as text
    assert p.interviews[-1]["incomes"][0]["member"] == "Jan Nowak" and len(p.corrections) == 2


def test_entries_of_the_interview_are_corrected_and_the_rest_stays_as_recorded():
    p = interviewed(income="400")
    changed = p.correct_interview({"held_on": date(2026, 3, 4), "assets": "samochód z 2004 r.",
                                   "household": [{"name": "Anna Nowak"}, {"name": "Zofia Nowak", "relation": "córka"}]},
                                  **WHY)
    assert changed == ["held_on", "household", "assets"]
    interview = p.interviews[-1]
    assert interview["held_on"] == date(2026, 3, 4) and interview["assets"] == "samochód z 2004 r."
    assert [m["name"] for m in interview["household"]] == ["Anna Nowak", "Zofia Nowak"]
    assert interview["incomes"][0]["amount"] == Decimal("400") and interview["unable_to_work"] is False
    [correction] = p.corrections
    assert correction["old"] == {"held_on": date(2026, 3, 5), "assets": "",
                                 "household": [{"name": "Anna Nowak", "relation": "wnioskodawca"}]}
    assert (correction["kind"], correction["reason"], correction["corrected_by"]) == (
        "interview", "zaświadczenie pracodawcy", OFFICER)


def test_a_correction_that_changes_nothing_or_says_no_reason_is_refused_by_name():
    p = interviewed(income="400")
    refused_and_unchanged(p, NothingToCorrect, p.correct_income, 1, {"amount": "400.00"}, **WHY)
    refused_and_unchanged(p, NothingToCorrect, p.correct_interview, {"assets": "", "unable_to_work": False}, **WHY)
    refused_and_unchanged(p, NothingToCorrect, p.correct_interview, {}, **WHY)
    refused_and_unchanged(p, MissingCorrectionReason, p.correct_income, 1, {"amount": "450"},
                          **{**WHY, "reason": "  "})
    assert MissingCorrectionReason.field == "reason" and MissingCorrectionReason.polish


def test_a_correction_names_an_income_the_interview_has_and_comes_after_the_interview():
    p = interviewed(income="400")
    for entry in (0, 2, "x", "", None, True, 1.0):
        refused_and_unchanged(p, NoSuchIncome, p.correct_income, entry, {"amount": "450"}, **WHY)
    assert NoSuchIncome.field == "entry"
    refused_and_unchanged(p, InvalidDate, p.correct_income, 1, {"amount": "450"},
                          **{**WHY, "corrected_on": date(2026, 3, 4)})
    refused_and_unchanged(proceeding(), NoInterviewToCorrect, proceeding().correct_income, 1, {"amount": "1"}, **WHY)


def test_the_rules_of_a_recorded_interview_hold_on_the_corrected_one():
    p = interviewed(income="400", members=("Anna Nowak", "Jan Nowak"))
    for error, entry, values in [
        (InvalidInterview, 1, {"member": "Ktoś Obcy"}),  # not in the household
        (InvalidInterview, 1, {"source": "spadek"}),
        (InvalidAmount, 1, {"amount": "-5"}),
        (InvalidAmount, 1, {"amount": "1e30"}),
    ]:
        refused_and_unchanged(p, error, p.correct_income, entry, values, **WHY)
    for error, values in [
        (InvalidInterview, {"household": [{"name": "Jan Nowak"}]}),  # Anna's income, Anna no longer listed
        (InvalidInterview, {"household": [{"name": "Anna Nowak", "relation": "siostra"}]}),  # no applicant
        (InvalidInterview, {"household": []}),
        (InvalidDate, {"held_on": date(2026, 3, 1)}),  # before the application
        (InterviewInFuture, {"held_on": date(2026, 3, 9)}),  # after the correction's own day
        (InvalidAmount, {"farmland_ha": "dużo"}),
    ]:
        refused_and_unchanged(p, error, p.correct_interview, values, **WHY)
    # The texts name the entry, never the person's data.
    with pytest.raises(InvalidInterview) as refused:
        p.correct_income(1, {"member": "Ktoś Obcy"}, **WHY)
    assert "Ktoś" not in str(refused.value) and "income 1" in str(refused.value)


def test_an_earlier_interview_is_corrected_by_its_number_and_the_assessment_on_the_latest_stays():
    p = interviewed(income="400")
    p.record_interview(date(2026, 3, 6), [{"name": "Anna Nowak"}], [{"member": "Anna Nowak", "source": "inne",
                                                                     "amount": "500"}])  # updated: a new income
    assessed = p.assess(RULES)
    # The first interview's income was 380 (the payslip) and it was held on 4 March: the file says so now.
    assert p.correct_income(1, {"amount": "380"}, **WHY, interview=1) == ["amount"]
    assert p.correct_interview({"held_on": date(2026, 3, 4)}, **WHY, interview="1") == ["held_on"]
    assert p.interviews[0]["incomes"][0]["amount"] == Decimal("380.00") and p.interviews[0]["held_on"] == date(
        2026, 3, 4)
    assert p.interviews[1]["incomes"][0]["amount"] == Decimal("500") and p.interviews[1]["held_on"] == date(2026, 3, 6)
    assert [(c["kind"], c["interview"]) for c in p.corrections] == [("income", 1), ("interview", 1)]
    assert p.assessment == assessed and p.state == "assessed"  # the calculator read the latest interview only
    # The latest, named or not, is the one the assessment rests on.
    p.correct_income(1, {"amount": "520"}, **WHY, interview=2)
    assert p.assessment["outdated_on"] == CORRECTED_ON and p.corrections[-1]["interview"] == 2
    for number in (0, 3, "x", True, 1.0):
        refused_and_unchanged(p, NoSuchInterview, p.correct_interview, {"assets": "dom"}, **WHY, interview=number)
    assert NoSuchInterview.field == "interview" and NoSuchInterview.polish
    # An earlier interview stays before the one that updated it.
    refused_and_unchanged(p, InvalidDate, p.correct_interview, {"held_on": date(2026, 3, 7)},
                          **{**WHY, "corrected_on": date(2026, 3, 8)}, interview=1)


def test_after_the_decision_a_correction_is_refused_a_change_is_a_new_decision():
    p = decided()
    refused_and_unchanged(p, CorrectionAfterDecision, p.correct_income, 1, {"amount": "450"}, **WHY)
    refused_and_unchanged(p, CorrectionAfterDecision, p.correct_interview, {"assets": "dom"}, **WHY)
    assert issubclass(CorrectionAfterDecision, AlreadyDecided) and CorrectionAfterDecision.polish


def test_an_assessment_made_before_a_correction_is_out_of_date_until_assessed_again():
    p = interviewed(income="400")
    first = p.assess(RULES)
    assert p.state == "assessed"
    p.correct_income(1, {"amount": "600"}, **WHY)
    assert p.assessment == {**first, "outdated_on": CORRECTED_ON} and p.state == "interviewed"
    refused_and_unchanged(p, AssessmentOutdated, p.draft_decision, OFFICER, date(2026, 3, 9), **DRAFT)
    refused_and_unchanged(p, AssessmentOutdated, p.issue_decision, "grant", date(2026, 3, 10), "art. 38 u.p.s.", "",
                          amount="400.00", period_from=date(2026, 4, 1), period_to=date(2026, 9, 30),
                          payment_method="cash", **SIGNED)
    assert issubclass(AssessmentOutdated, AssessmentRequired) and AssessmentOutdated.polish
    again = p.assess(RULES)  # the calculator's result, recomputed from the corrected income
    assert again["income"] == Decimal("600.00") and "outdated_on" not in again and p.state == "assessed"
    assert again["max_amount"] < first["max_amount"]
    p.draft_decision(OFFICER, date(2026, 3, 9), **{**DRAFT, "amount": str(again["max_amount"])})
    # An entry the calculator does not read (the day, the assets) leaves the assessment as it is.
    p.correct_interview({"assets": "mieszkanie komunalne"}, **WHY)
    assert p.assessment == again and p.draft_pending


def test_a_draft_awaiting_the_signature_is_not_signed_on_an_outdated_assessment():
    p = drafted()
    p.correct_interview({"household": [{"name": "Anna Nowak"}, {"name": "Jan Nowak", "relation": "mąż"}]}, **WHY)
    refused_and_unchanged(p, AssessmentOutdated, p.sign_draft, date(2026, 3, 10), **SIGNED)
    again = p.assess(RULES)
    assert again["members"] == 2
    # Every check of the decision runs at signing, on the new assessment: the drafted amount no longer fits.
    refused_and_unchanged(p, AmountOutsideLegalRange, p.sign_draft, date(2026, 3, 10), **SIGNED)
    p.draft_decision(OFFICER, date(2026, 3, 10), **{**DRAFT, "amount": str(again["min_amount"])})
    p.sign_draft(date(2026, 3, 10), **SIGNED)
    assert p.decision["amount"] == again["min_amount"]


def test_first_contact_s_correction_of_the_person_reaches_the_proceeding_and_not_the_issued_decision():
    p = decided()
    assert p.decision["party"] == {"full_name": "Anna Nowak", "address": None}
    identity = {"full_name": "Anna Nowakowska", "pesel": "85071512348"}
    assert p.correct_person(identity, date(2026, 3, 20)) is True
    assert p.person == {"full_name": "Anna Nowakowska", "pesel": "85071512348"}
    assert p.person_corrections == [{"corrected": ["full_name", "pesel"], "corrected_on": date(2026, 3, 20),
                                     "old": {"full_name": "Anna Nowak", "pesel": None}}]
    assert p.decision["party"]["full_name"] == "Anna Nowak"  # the decision is a document: as issued
    p.collect_events()
    assert p.correct_person(identity, date(2026, 3, 21)) is False and p.collect_events() == []


# --- the file's closing day, from which its retention period counts (shared/retention.py) -------------

def _paid_up(p, months=("2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09")):
    for month in months:
        p.record_payment(month, date(int(month[:4]), int(month[5:]), 10), until=date(2026, 12, 31))
    return p


def test_a_proceeding_is_closed_once_final_its_period_over_and_every_month_paid():
    assert proceeding().closed_on is None and interviewed().closed_on is None  # nothing decided yet
    assert delivered().closed_on is None  # not final: the party may still appeal
    p = final()
    assert p.closed_on is None  # April to September still to pay
    _paid_up(p, months=("2026-04", "2026-05"))
    assert p.closed_on is None
    _paid_up(p, months=("2026-06", "2026-07", "2026-08", "2026-09"))
    assert p.closed_on == date(2026, 9, 30)  # the period's end: no payment is scheduled after it
    p.record_payment_returned("2026-09", date(2026, 10, 5), "rachunek zamknięty")
    assert p.closed_on is None  # the returned month is due again
    p.record_payment("2026-09", date(2026, 10, 20), until=date(2026, 12, 31))
    assert p.closed_on == date(2026, 10, 20)
    p.claim_back(["2026-09"], "100", date(2026, 11, 2), "nie zgłosiła podjęcia pracy", **SIGNED)
    assert p.closed_on is None  # an undue benefit still to repay
    p.record_repayment("100", date(2026, 12, 1))
    assert p.closed_on == date(2026, 12, 1)


def test_a_refusal_a_revocation_and_a_set_aside_close_the_file_a_suspension_or_an_open_end_does_not():
    refused = interviewed(income="5000")
    refused.assess(RULES)
    refused.issue_decision("refusal", date(2026, 3, 10), "art. 8 u.p.s.", "dochód powyżej kryterium", **SIGNED)
    refused.record_delivery(RULES, date(2026, 3, 12))
    refused.become_final(date(2026, 3, 27))
    assert refused.closed_on == date(2026, 3, 27)
    suspended = _paid_up(final(), months=("2026-04",))
    suspended.suspend(date(2026, 5, 1), date(2026, 4, 20), "art. 11", **SIGNED)
    assert suspended.closed_on is None
    suspended.revoke(date(2026, 6, 1), date(2026, 5, 20), "podjęcie pracy", **SIGNED)
    assert suspended.state == "revoked" and suspended.closed_on == date(2026, 6, 1)
    staly = final_staly()  # zasiłek stały without an end: open until revoked
    assert staly.decision["period_to"] is None and staly.closed_on is None
    appealed = delivered()
    appealed.register_appeal(RULES, date(2026, 3, 20))
    appealed.forward_appeal(date(2026, 3, 23))
    assert appealed.closed_on is None  # before the board
    appealed.record_appeal_outcome(RULES, "overturned", date(2026, 4, 20))
    assert appealed.closed_on == date(2026, 4, 20)


def test_a_persons_file_closes_with_the_last_of_their_proceedings_and_reviews():
    from shared.retention import closing_days as files_closed

    first, second, other = final(), final(), final()
    second.person_id = first.person_id
    _paid_up(first)
    task = ReviewTask(contract_ref="c-1", fact="refused", person_id=first.person_id, occurred_on=date(2026, 3, 1))
    assert files_closed([first, other]) == {first.person_id: date(2026, 9, 30), other.person_id: None}
    assert files_closed([first, second])[first.person_id] is None  # the second still pays
    assert files_closed([first, task])[first.person_id] is None  # the review is open
    task.close("B. Wójcik", "bez zmiany decyzji", date(2026, 10, 5))
    assert files_closed([task, first])[first.person_id] == date(2026, 10, 5)
