"""decisions' application on both stores: proceedings from routed applications, what it
publishes (never amounts or incomes), art. 11 reviews, and the team's deadline reports."""

import uuid
from datetime import date, datetime, timezone

import pytest

from services.decisions.application import DecisionsApplication, ReviewTaskNotFound
from services.decisions.domain import AssessmentOutdated, InterviewRequired, NothingToCorrect, ProceedingNotFound
from shared.contracts.casework import CONTRACT_REFUSED
from shared.contracts.decisions import (
    DECISION_APPEALED,
    DECISION_BECAME_FINAL,
    DECISION_BY_OFFICER,
    DECISION_CHANGED,
    DECISION_ISSUED,
    DECISION_SET_ASIDE,
    PROCEEDING_UPDATED,
)
from shared.contracts.intake import CASE_ROUTED, PERSON_CORRECTED
from shared.envelope import Envelope, source_of
from services.decisions.tests.staff import AUTHORITY, OFFICER, SIGNATORY

SIGNED = {"signatory": SIGNATORY}  # the signature is the signatory's account and the configured authority


@pytest.fixture
def decisions(make_database_url):
    app = DecisionsApplication(make_database_url("decisions"), on_authority_of=AUTHORITY)
    yield app
    app.close()


def routed(notification_id=1, help_requested=("zasilek_okresowy", "posilek", "praca_socjalna"), urgent=False):
    data = {
        "case_id": str(uuid.uuid4()), "person_id": str(uuid.uuid4()), "routed_on": "2026-03-02", "urgent": urgent,
        "full_name": "Anna Nowak", "birth_date": "1985-07-15", "pesel": "85071512348", "document_number": None,
        "address": None, "contact": None, "routing_reason": "wniosek o zasiłek okresowy",
        "help_requested": list(help_requested),
    }
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of("intake"), type=CASE_ROUTED["decisions"].type,
                            time=datetime.now(timezone.utc), subject=data["case_id"], data=data,
                            notification_id=notification_id)


def published(app):
    """The facts about decisions (the pages' ProceedingUpdated left out: see its own test)."""
    return [e for e in app.integration_envelopes(after=0, limit=100)[0] if e.type != PROCEEDING_UPDATED.type]


def granted_and_delivered(app):
    app.process(routed(help_requested=("zasilek_okresowy",)))
    [p] = app.proceedings()["proceedings"]
    app.assign(p.id, "B. Wójcik")
    app.record_interview(p.id, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}],
                         incomes=[{"member": "Anna Nowak", "source": "alimenty", "amount": "401.77"}])
    app.assess(p.id)
    app.issue_decision(p.id, outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 38 u.p.s.",
                       justification="", amount="512.34", period_from=date(2026, 4, 1),
                       period_to=date(2026, 9, 30), payment_method="bank_transfer", **SIGNED)
    app.record_delivery(p.id, date(2026, 3, 12))
    return p.id


def test_a_routed_application_opens_one_proceeding_per_benefit_needing_a_decision(decisions):
    envelope = routed(urgent=True)
    assert decisions.process(envelope)
    assert decisions.process(envelope) is False  # a duplicate
    found = decisions.proceedings()["proceedings"]
    assert sorted(p.benefit for p in found) == ["posilek", "zasilek_okresowy"]  # social work needs no decision
    assert all(p.urgent and p.interview_due == date(2026, 3, 4) for p in found)
    decisions.process(routed(2, help_requested=("praca_socjalna",)))
    assert [p.benefit for p in decisions.proceedings()["proceedings"]][-1] is None  # the officer specifies it


def test_delivery_finality_and_appeal_are_published_without_amounts_or_incomes(decisions):
    proceeding_id = granted_and_delivered(decisions)
    decisions.become_final(proceeding_id, date(2026, 3, 27))
    by_officer, issued, final = published(decisions)
    assert by_officer.data == {"officer": "B. Wójcik", "proceeding_id": str(proceeding_id), "issued_on": "2026-03-10"}
    assert issued.type == DECISION_ISSUED.type and final.type == DECISION_BECAME_FINAL.type
    assert issued.data["appeal_deadline"] == "2026-03-26" and issued.data["outcome"] == "grant"
    assert final.data["final_on"] == "2026-03-27"
    assert set(issued.data) == {"proceeding_id", "person_id", "benefit", "outcome", "period_from", "period_to",
                                "issued_on", "delivered_on", "appeal_deadline"}
    for event in (issued, final):
        assert not {"512.34", "401.77", "alimenty", "art. 38 u.p.s."} & {str(v) for v in event.data.values()}
    assert [e["month"] for e in decisions.proceeding(proceeding_id).payment_schedule(date(2027, 1, 1))] == [
        "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]


def test_every_step_tells_the_pages_the_proceedings_state_and_nothing_else(decisions):
    proceeding_id = granted_and_delivered(decisions)
    updates = [e for e in decisions.integration_envelopes(after=0, limit=100)[0] if e.type == PROCEEDING_UPDATED.type]
    assert [u.data["state"] for u in updates] == ["awaiting_interview", "awaiting_interview", "interviewed", "assessed",
                                                  "decided", "appeal_window"]  # opened, assigned, then each step
    assert all(set(u.data) == {"proceeding_id", "state"} and u.data["proceeding_id"] == str(proceeding_id)
               for u in updates)


def test_an_appeal_is_published_and_an_upheld_decision_becomes_final(decisions):
    proceeding_id = granted_and_delivered(decisions)
    decisions.register_appeal(proceeding_id, date(2026, 3, 20))
    decisions.forward_appeal(proceeding_id, date(2026, 3, 23))
    decisions.record_appeal_outcome(proceeding_id, "upheld", date(2026, 4, 20))
    types = [e.type for e in published(decisions)]
    assert types == [DECISION_BY_OFFICER.type, DECISION_ISSUED.type, DECISION_APPEALED.type,
                     DECISION_BECAME_FINAL.type]


def test_a_refused_command_leaves_the_store_unchanged(decisions):
    decisions.process(routed(help_requested=("zasilek_okresowy",)))
    [p] = decisions.proceedings()["proceedings"]
    position = decisions.recorder.max_notification_id()
    with pytest.raises(InterviewRequired):
        decisions.issue_decision(p.id, outcome="refusal", issued_on=date(2026, 3, 10), legal_basis="x",
                                 justification="y", **SIGNED)
    with pytest.raises(ProceedingNotFound):
        decisions.assign(uuid.uuid4(), "B. Wójcik")
    assert decisions.recorder.max_notification_id() == position


def test_deadline_report_shows_due_and_overdue_interviews_and_decisions(decisions):
    decisions.process(routed(1, help_requested=("zasilek_celowy",)))
    decisions.process(routed(2, help_requested=("zasilek_okresowy",), urgent=True))
    report = decisions.deadlines(today=date(2026, 3, 6), within_days=14)["deadlines"]
    assert [(r["what"], r["due"], r["overdue"]) for r in report] == [
        ("environmental interview", date(2026, 3, 4), True),
        ("environmental interview", date(2026, 3, 20), False),
    ]
    # and both decisions by 2 April
    assert len(decisions.deadlines(today=date(2026, 3, 6), within_days=30)["deadlines"]) == 4


def test_people_on_zasilek_staly_whose_interview_update_falls_due(decisions):
    decisions.process(routed(help_requested=("zasilek_staly",)))
    [p] = decisions.proceedings()["proceedings"]
    decisions.record_interview(p.id, held_on=date(2026, 3, 5), household=[{"name": "Jan"}], incomes=[],
                               unable_to_work=True)
    decisions.assess(p.id)
    decisions.issue_decision(p.id, outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 37",
                             justification="", amount="1229.00", period_from=date(2026, 4, 1),
                             payment_method="cash", **SIGNED)
    decisions.record_delivery(p.id, date(2026, 3, 12))
    decisions.become_final(p.id, date(2026, 3, 30))
    assert decisions.interview_updates_due(today=date(2026, 8, 1), within_days=30)["updates"] == []
    [due] = decisions.interview_updates_due(today=date(2026, 8, 10), within_days=30)["updates"]
    assert due["due"] == date(2026, 9, 5) and not due["overdue"]


def test_a_missed_interview_update_leaves_the_list_once_the_grant_has_ended(decisions):
    decisions.process(routed(help_requested=("zasilek_okresowy",)))
    [p] = decisions.proceedings()["proceedings"]
    decisions.record_interview(p.id, held_on=date(2026, 3, 5), household=[{"name": "Jan"}], incomes=[])
    decisions.assess(p.id)
    decisions.issue_decision(p.id, outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 38",
                             justification="", amount="505.00", period_from=date(2026, 4, 1),
                             period_to=date(2026, 12, 31), payment_method="cash", **SIGNED)
    decisions.record_delivery(p.id, date(2026, 3, 12))
    decisions.become_final(p.id, date(2026, 3, 30))
    [due] = decisions.interview_updates_due(today=date(2026, 12, 31), within_days=30)["updates"]
    assert due["due"] == date(2026, 9, 5) and due["overdue"]  # missed while the grant ran: the officer sees it
    # From January nobody is on that help: there is no interview to update.
    assert decisions.interview_updates_due(today=date(2027, 1, 1), within_days=30)["updates"] == []


def test_a_refused_contract_opens_a_review_task_and_never_touches_a_benefit(decisions):
    proceeding_id = granted_and_delivered(decisions)
    person_id = str(decisions.proceeding(proceeding_id).person_id)
    fact = Envelope.checked(
        id=str(uuid.uuid4()), source=source_of("casework"), type=CONTRACT_REFUSED.type,
        time=datetime.now(timezone.utc), subject="", notification_id=3,
        data={"person_id": person_id, "case_id": str(uuid.uuid4()), "contract_ref": "KS/2026/17",
              "occurred_on": "2026-04-02"})
    decisions.process(fact)
    [task] = decisions.review_tasks()["tasks"]
    assert task["fact"] == "refused" and task["occurred_on"] == date(2026, 4, 2)
    assert task["benefits"] == [{"proceeding_id": proceeding_id, "benefit": "zasilek_okresowy",
                                 "state": "appeal_window"}]
    assert decisions.proceeding(proceeding_id).state == "appeal_window"  # "may": nothing changes by itself
    decisions.close_review(task["task_id"], "B. Wójcik", "dzieci w rodzinie: bez zmiany", date(2026, 4, 5))
    assert decisions.review_tasks()["tasks"] == [] and len(decisions.review_tasks(open_only=False)["tasks"]) == 1
    with pytest.raises(ReviewTaskNotFound):
        decisions.close_review(uuid.uuid4(), "B. Wójcik", "x", date(2026, 4, 5))


def test_later_decisions_are_published_as_their_kind_and_dates_only(decisions):
    proceeding_id = granted_and_delivered(decisions)
    decisions.become_final(proceeding_id, date(2026, 3, 27))
    later = {"issued_on": date(2026, 4, 20), "justification": "podjęcie pracy dorywczej", **SIGNED}
    decisions.change(proceeding_id, amount="450.00", effective_from=date(2026, 5, 1), **later)
    decisions.suspend(proceeding_id, effective_from=date(2026, 6, 1), **later)
    decisions.resume(proceeding_id, effective_from=date(2026, 7, 1), **later)
    decisions.revoke(proceeding_id, effective_from=date(2026, 8, 1), **later)
    events = published(decisions)[3:]
    assert [(e.type, e.data["change"], e.data["effective_from"]) for e in events] == [
        (DECISION_CHANGED.type, "change", "2026-05-01"), (DECISION_CHANGED.type, "suspension", "2026-06-01"),
        (DECISION_CHANGED.type, "resumption", "2026-07-01"), (DECISION_CHANGED.type, "revocation", "2026-08-01")]
    for event in events:
        assert set(event.data) == {"proceeding_id", "person_id", "benefit", "change", "effective_from", "issued_on"}
        assert "450.00" not in str(event.data) and "pracy" not in str(event.data)


@pytest.mark.parametrize("outcome", ["overturned", "returned"])
def test_a_decision_set_aside_on_appeal_is_published(decisions, outcome):
    proceeding_id = granted_and_delivered(decisions)
    decisions.register_appeal(proceeding_id, date(2026, 3, 20))
    decisions.forward_appeal(proceeding_id, date(2026, 3, 23))
    decisions.record_appeal_outcome(proceeding_id, outcome, date(2026, 4, 20))
    set_aside = published(decisions)[-1]
    assert set_aside.type == DECISION_SET_ASIDE.type
    assert set_aside.data == {"proceeding_id": str(proceeding_id),
                              "person_id": str(decisions.proceeding(proceeding_id).person_id),
                              "benefit": "zasilek_okresowy", "outcome": outcome, "decided_on": "2026-04-20"}


def test_a_late_appeal_does_not_stop_finality_nor_publish_it_twice(decisions):
    proceeding_id = granted_and_delivered(decisions)
    decisions.register_appeal(proceeding_id, date(2026, 3, 30))
    decisions.become_final(proceeding_id, date(2026, 3, 31))
    decisions.forward_appeal(proceeding_id, date(2026, 4, 1))
    decisions.record_appeal_outcome(proceeding_id, "upheld", date(2026, 4, 20))
    assert [e.type for e in published(decisions)][2:] == [DECISION_APPEALED.type, DECISION_BECAME_FINAL.type]


NEW_FORMS = ("pomoc_rzeczowa", "skladki_zdrowotne_i_spoleczne", "mieszkanie_treningowe", "mieszkanie_wspomagane",
             "zasilek_na_ekonomiczne_usamodzielnienie", "pomoc_na_usamodzielnienie_i_nauke")


def test_a_routed_request_for_any_decided_form_opens_its_proceeding_and_gets_a_decision(decisions):
    decisions.process(routed(help_requested=(*NEW_FORMS, "pobyt_w_dps", "praca_socjalna")))
    found = {p.benefit: p for p in decisions.proceedings()["proceedings"]}
    assert sorted(found) == sorted(NEW_FORMS)  # pobyt w DPS is the care team's, social work needs none
    p = found["pomoc_rzeczowa"]
    decisions.record_interview(p.id, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}], incomes=[])
    decisions.assess(p.id)
    decisions.issue_decision(p.id, outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 36 u.p.s.",
                             justification="", period_from=date(2026, 3, 1), on_condition_of_repayment=True,
                             **SIGNED)
    decision = decisions.proceeding(p.id).decision
    assert decision["outcome"] == "grant" and decision["on_condition_of_repayment"] is True
    assert [e.type for e in published(decisions)] == [DECISION_BY_OFFICER.type]


def test_an_art_40_zasilek_celowy_goes_through_the_application_whatever_the_income(decisions):
    decisions.process(routed(help_requested=("zasilek_celowy",)))
    [p] = decisions.proceedings()["proceedings"]
    decisions.record_interview(p.id, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}],
                               incomes=[{"member": "Anna Nowak", "source": "wynagrodzenie", "amount": "6000"}])
    decisions.record_random_event(p.id, "zdarzenie_losowe", date(2026, 2, 28))
    assert decisions.assess(p.id)["eligible"]
    decisions.issue_decision(p.id, outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 40 u.p.s.",
                             justification="", amount="1500.00", period_from=date(2026, 3, 1),
                             payment_method="cash", **SIGNED)
    decisions.record_delivery(p.id, date(2026, 3, 12))
    [issued] = [e for e in published(decisions) if e.type == DECISION_ISSUED.type]
    assert issued.data["benefit"] == "zasilek_celowy" and "amount" not in issued.data
    assert decisions.proceeding(p.id).random_event["kind"] == "zdarzenie_losowe"


@pytest.mark.parametrize("benefit", NEW_FORMS)
def test_a_decision_on_a_new_form_is_published_on_delivery(decisions, benefit):
    decisions.process(routed(help_requested=(benefit,)))
    [p] = decisions.proceedings()["proceedings"]
    decisions.record_interview(p.id, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}], incomes=[])
    decisions.issue_decision(p.id, outcome="refusal", issued_on=date(2026, 3, 10), legal_basis="art. 36 u.p.s.",
                             justification="brak przesłanek", **SIGNED)
    decisions.record_delivery(p.id, date(2026, 3, 12))
    assert [e.data["benefit"] for e in published(decisions) if e.type == DECISION_ISSUED.type] == [benefit]


def test_every_form_decided_here_can_be_published():
    from services.decisions import domain
    from shared.contracts import decisions as contract

    assert set(domain.DECIDED_FORMS) == set(contract.DECIDED_FORMS)


def test_the_officer_drafts_the_signatory_returns_it_then_signs_the_revision_and_the_store_keeps_it_all(decisions):
    from services.decisions.application import NotASignatory
    from services.decisions.domain import DraftAlreadyReturned
    from services.decisions.tests.staff import OFFICER

    decisions.process(routed(help_requested=("zasilek_okresowy",)))
    [p] = decisions.proceedings()["proceedings"]
    decisions.record_interview(p.id, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}],
                               incomes=[{"member": "Anna Nowak", "source": "alimenty", "amount": "401.77"}])
    decisions.assess(p.id)
    draft = dict(outcome="grant", legal_basis="art. 38 u.p.s.", amount="512.34", period_from=date(2026, 4, 1),
                 period_to=date(2026, 9, 30), payment_method="bank_transfer")
    decisions.draft_decision(p.id, OFFICER, date(2026, 3, 9), **draft)
    assert [d.id for d in decisions.drafts_to_sign()["drafts"]] == [p.id]
    # A draft does not stop the KPA clock: the decision is still due in the deadline report.
    assert [d["what"] for d in decisions.deadlines(date(2026, 3, 30), 7)["deadlines"]] == ["decision (KPA art. 35)"]
    with pytest.raises(NotASignatory):
        decisions.return_draft(p.id, OFFICER, "uwaga", date(2026, 3, 10))
    decisions.return_draft(p.id, SIGNATORY, "sprawdź okres", date(2026, 3, 10))
    assert decisions.drafts_to_sign()["drafts"] == []
    with pytest.raises(DraftAlreadyReturned):
        decisions.sign_draft(p.id, SIGNATORY, date(2026, 3, 11))
    decisions.draft_decision(p.id, OFFICER, date(2026, 3, 11), **{**draft, "period_to": date(2026, 8, 31)})
    decisions.sign_draft(p.id, SIGNATORY, date(2026, 3, 12))

    stored = decisions.repository.get(p.id)  # rebuilt from the store's events
    assert stored.decision["period_to"] == date(2026, 8, 31) and stored.decision["issued_on"] == date(2026, 3, 12)
    assert (stored.decision["signed_by"], stored.decision["on_authority_of"]) == ("Maria Kowalczyk", AUTHORITY)
    assert [(d["drafted_by"], d["returned"] and d["returned"]["returned_by"], d["signed"] and d["signed"]["signed_by"])
            for d in stored.drafts] == [("B. Wójcik", "Maria Kowalczyk", None), ("B. Wójcik", None, "Maria Kowalczyk")]
    [by_officer] = published(decisions)  # no officer assigned: who drafted it
    assert by_officer.data == {"officer": "B. Wójcik", "proceeding_id": str(p.id), "issued_on": "2026-03-12"}
    updates = [e.data["state"] for e in decisions.integration_envelopes(after=0, limit=100)[0]
               if e.type == PROCEEDING_UPDATED.type]
    assert updates[-5:] == ["assessed", "assessed", "assessed", "assessed", "decided"]  # each step moves the lists


def corrected(notification_id, person_id, corrected_on="2026-03-20", **identity):
    """intake's PersonCorrected to decisions: the whole identity as it now is, which fields changed."""
    data = {"person_id": person_id, "corrected_on": corrected_on, "corrected": sorted(identity),
            "full_name": "Anna Nowak", "birth_date": "1985-07-15", "pesel": "85071512348", "document_number": None,
            "address": None, "contact": None, **identity}
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of("intake"), type=PERSON_CORRECTED["decisions"].type,
                            time=datetime.now(timezone.utc), subject=person_id, data=data,
                            notification_id=notification_id)


def test_first_contact_s_correction_reaches_each_proceeding_of_the_person_and_the_decision_keeps_its_party(decisions):
    proceeding_id = granted_and_delivered(decisions)  # routed at notification 1, decided
    person_id = str(decisions.proceeding(proceeding_id).person_id)
    decisions.process(routed(2, help_requested=("posilek",)))  # someone else
    position = decisions.recorder.max_notification_id()
    assert decisions.process(corrected(3, person_id, full_name="Anna Nowakowska"))
    p = decisions.proceeding(proceeding_id)  # read back from the store
    assert p.person["full_name"] == "Anna Nowakowska" and p.person["pesel"] == "85071512348"
    assert p.person_corrections == [{"corrected": ["full_name"], "old": {"full_name": "Anna Nowak"},
                                     "corrected_on": date(2026, 3, 20)}]
    assert p.decision["party"]["full_name"] == "Anna Nowak"  # the issued decision names whom it was issued to
    others = [o for o in decisions.proceedings()["proceedings"] if o.id != proceeding_id]
    assert [o.person["full_name"] for o in others] == ["Anna Nowak"]
    # The pages' lists hear of it (ProceedingUpdated: the reference and the state, nothing else).
    [update] = [e for e in decisions.integration_envelopes(after=position, limit=10)[0]]
    assert update.type == PROCEEDING_UPDATED.type and update.data == {"proceeding_id": str(proceeding_id),
                                                                      "state": "appeal_window"}
    # The same identity again, or a person with no proceeding here: nothing but the position.
    position = decisions.recorder.max_notification_id()
    decisions.process(corrected(4, person_id, full_name="Anna Nowakowska"))
    decisions.process(corrected(5, str(uuid.uuid4()), full_name="Ewa Nowak"))
    assert decisions.position("intake") == 5
    assert decisions.recorder.max_notification_id() == position


def test_the_officer_corrects_the_interview_and_an_income_the_store_keeps_the_old_values(decisions):
    decisions.process(routed(help_requested=("zasilek_okresowy",)))
    [p] = decisions.proceedings()["proceedings"]
    decisions.record_interview(p.id, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}],
                               incomes=[{"member": "Anna Nowak", "source": "alimenty", "amount": "400"}])
    decisions.assess(p.id)
    why = {"reason": "zaświadczenie z ZUS", "corrected_on": date(2026, 3, 6)}
    assert decisions.correct_income(p.id, OFFICER, entry=1, source="emerytura_renta", **why) == ["source"]
    assert decisions.correct_interview(p.id, OFFICER, unable_to_work=True, **why) == ["unable_to_work"]
    stored = decisions.proceeding(p.id)
    interview = stored.interviews[-1]
    assert interview["incomes"][0]["source"] == "emerytura_renta" and interview["unable_to_work"] is True
    assert [(c["kind"], c["old"], c["corrected_by"]) for c in stored.corrections] == [
        ("income", {"source": "alimenty"}, "B. Wójcik"), ("interview", {"unable_to_work": False}, "B. Wójcik")]
    assert stored.assessment["outdated_on"] == date(2026, 3, 6) and stored.state == "interviewed"
    # The old values stay in the log: the events of the proceeding, as stored.
    events = {type(e).__name__: e for e in decisions.repository.event_store.get(p.id)}
    assert events["IncomeCorrected"].old == {"source": "alimenty"} and events["InterviewCorrected"].new == {
        "unable_to_work": True}
    with pytest.raises(AssessmentOutdated):
        decisions.draft_decision(p.id, OFFICER, date(2026, 3, 9), outcome="refusal", legal_basis="art. 38 u.p.s.",
                                 justification="dochód powyżej kryterium")
    position = decisions.recorder.max_notification_id()
    with pytest.raises(NothingToCorrect):
        decisions.correct_income(p.id, OFFICER, entry=1, source="emerytura_renta", **why)
    assert decisions.recorder.max_notification_id() == position


def test_an_erased_persons_file_takes_nothing_more_and_upstream_facts_of_them_are_left_aside(decisions):
    from shared.erasure import PersonFileErased

    proceeding_id = granted_and_delivered(decisions)  # routed at notification 1
    person_id = decisions.proceeding(proceeding_id).person_id
    assert decisions.file_closed(person_id) is None and list(decisions.files_closed()) == []  # not final
    decisions.erase(person_id, "RODO art. 17", date(2026, 5, 4), "Operator Olek")
    position = decisions.recorder.max_notification_id()
    with pytest.raises(PersonFileErased):
        decisions.become_final(proceeding_id, date(2026, 3, 30))
    with pytest.raises(PersonFileErased):
        decisions.open_ex_officio(person_id, {"full_name": "Anna Nowak"}, "posilek", date(2026, 5, 5))
    # intake's correction and casework's refused contract of the erased person: handled, nothing recorded
    assert decisions.process(corrected(2, str(person_id), full_name="Anna Nowakowska"))
    assert decisions.process(Envelope.checked(
        id=str(uuid.uuid4()), source=source_of("casework"), type=CONTRACT_REFUSED.type,
        time=datetime.now(timezone.utc), subject="", notification_id=3,
        data={"person_id": str(person_id), "case_id": str(uuid.uuid4()), "contract_ref": "KS/2026/17",
              "occurred_on": "2026-05-06"}))
    assert decisions.recorder.max_notification_id() == position
    assert decisions.review_tasks()["tasks"] == [] and decisions.proceeding(proceeding_id).person["full_name"] is None
