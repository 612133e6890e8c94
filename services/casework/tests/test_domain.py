"""The social-work method's steps, the contract's life and versions, and group work."""

import uuid
from datetime import date

import pytest

from services.casework.domain import (
    Case,
    CaseClosed,
    CaseworkError,
    ContractInForce,
    ContractNotFound,
    ContractStateError,
    CorrectionBeforeNote,
    Group,
    InvalidDate,
    InvalidShape,
    MissingCorrectionReason,
    MissingText,
    NoDiagnosis,
    NoFinalEvaluation,
    NoGoals,
    NoSuchNote,
    NotAssigned,
    NothingToCorrect,
    TeamMember,
    TextTooLong,
    UnknownCode,
    WorkloadLimitReached,
    check_workload,
)

OPENED = date(2026, 11, 2)


def case() -> Case:
    return Case.open_from_routing(uuid.uuid4(), uuid.uuid4(), {"full_name": "Anna Nowak"}, OPENED, False,
                                  ["bezrobocie"], "wsparcie")


def assigned() -> Case:
    c = case()
    c.assign("Tomasz Nowicki", date(2026, 11, 3), assigned_by="Ewa Lis")
    return c


def diagnosed() -> Case:
    c = assigned()
    c.record_diagnosis({"work": "bez pracy od sierpnia", "parenting": "trudności z córką"}, "zaradna",
                       "wsparcie matki", date(2026, 11, 5), with_person=True)
    return c


def with_goal() -> tuple[Case, str]:
    c = diagnosed()
    return c, c.add_goal("podjęcie zatrudnienia", date(2027, 3, 31))


def with_contract() -> tuple[Case, str]:
    c, goal = with_goal()
    ref = c.draft_contract(["udział w warsztatach"], ["pomoc w CV"], [goal], date(2026, 11, 10), date(2027, 3, 31))
    return c, ref


def refused(c, error, command, *args, **kwargs):
    c.collect_events()
    with pytest.raises(error):
        command(*args, **kwargs)
    assert c.collect_events() == []


def test_the_method_from_routing_to_closure():
    c, ref = with_contract()
    assert c.status == "in_progress"
    c.plan_action("zapisać się do PUP", "Anna Nowak", date(2026, 11, 20), "G1")
    c.settle_contract(ref, "sign", date(2026, 11, 10))
    c.add_note("rozmowa telefoniczna", date(2026, 11, 12), "Tomasz Nowicki")
    c.request_service("asystent_rodziny", False, "wsparcie w opiece nad córką", date(2026, 11, 12))
    c.evaluate(date(2027, 1, 10), final=False, summary="postępy", progress={"G1": "in_progress"})
    assert c.next_evaluation_due(3) == date(2027, 4, 10)
    c.settle_contract(ref, "fulfil", date(2027, 3, 20))
    c.evaluate(date(2027, 3, 25), final=True, summary="podjęła pracę", progress={"G1": "achieved"})
    c.close("goals_achieved", "cel osiągnięty", date(2027, 3, 31))
    assert c.status == "closed" and c.next_evaluation_due(3) is None
    assert [h["step"] for h in c.contract(ref)["history"]] == ["sign", "fulfil"]


def test_nothing_is_worked_before_assignment():
    c = case()
    refused(c, NotAssigned, c.record_diagnosis, {"work": "x"}, "", "", date(2026, 11, 5), True)


def test_the_diagnosis_is_made_with_the_person_in_known_areas():
    c = assigned()
    refused(c, CaseworkError, c.record_diagnosis, {"work": "x"}, "", "", date(2026, 11, 5), False)
    refused(c, UnknownCode, c.record_diagnosis, {"astrology": "x"}, "", "", date(2026, 11, 5), True)
    refused(c, NoDiagnosis, c.record_diagnosis, {}, "", "", date(2026, 11, 5), True)
    refused(c, InvalidDate, c.record_diagnosis, {"work": "x"}, "", "", date(2026, 11, 1), True)
    refused(c, NoDiagnosis, c.add_goal, "praca", date(2027, 1, 1))


def test_a_contract_needs_goals_and_both_parties_obligations():
    c = diagnosed()
    refused(c, NoGoals, c.draft_contract, ["a"], ["b"], [], date(2026, 11, 10), date(2027, 1, 1))
    goal = c.add_goal("praca", date(2027, 1, 1))
    refused(c, NoGoals, c.draft_contract, ["a"], ["b"], ["G9"], date(2026, 11, 10), date(2027, 1, 1))
    refused(c, MissingText, c.draft_contract, [], ["b"], [goal], date(2026, 11, 10), date(2027, 1, 1))
    refused(c, InvalidDate, c.draft_contract, ["a"], ["b"], [goal], date(2027, 1, 10), date(2027, 1, 1))
    refused(c, NoGoals, c.plan_action, "x", "y", date(2026, 12, 1), "G7")


def test_contract_transitions_and_the_ones_refused():
    c, ref = with_contract()
    refused(c, ContractStateError, c.settle_contract, ref, "break", date(2026, 12, 1))  # not signed
    refused(c, ContractStateError, c.amend_contract, ref, date(2026, 12, 1), ["a"], ["b"], ["G1"],
            date(2026, 11, 10), date(2027, 3, 31))
    refused(c, ContractNotFound, c.settle_contract, "KS-nope", "sign", date(2026, 11, 10))
    refused(c, UnknownCode, c.settle_contract, ref, "shred", date(2026, 11, 10))
    c.settle_contract(ref, "sign", date(2026, 11, 10))
    refused(c, ContractStateError, c.settle_contract, ref, "sign", date(2026, 11, 11))
    refused(c, ContractStateError, c.settle_contract, ref, "expire", date(2027, 3, 31))  # still valid that day
    c.settle_contract(ref, "expire", date(2027, 4, 1))
    assert c.contract(ref)["status"] == "expired"
    other, ref2 = with_contract()
    other.settle_contract(ref2, "refuse", date(2026, 11, 10))
    refused(other, ContractStateError, other.settle_contract, ref2, "sign", date(2026, 11, 11))


def test_an_amendment_is_a_new_version_and_the_old_one_is_kept():
    c, ref = with_contract()
    c.settle_contract(ref, "sign", date(2026, 11, 10))
    second = c.add_goal("poprawa relacji z córką", date(2027, 6, 30))
    version = c.amend_contract(ref, date(2027, 1, 15), ["warsztaty", "terapia rodzinna"], ["pomoc w CV"],
                               ["G1", second], date(2026, 11, 10), date(2027, 6, 30))
    contract = c.contract(ref)
    assert version == 2 and len(contract["versions"]) == 2
    assert contract["versions"][0]["person_obligations"] == ["udział w warsztatach"]
    assert contract["versions"][1]["goal_ids"] == ["G1", second]
    c.settle_contract(ref, "break", date(2027, 2, 1))
    assert contract["status"] == "broken"


def test_closing_needs_a_final_evaluation_of_every_goal_and_a_closed_case_is_not_evaluated():
    c, goal = with_goal()
    refused(c, NoFinalEvaluation, c.close, "goals_achieved", "x", date(2027, 3, 1))
    refused(c, CaseworkError, c.evaluate, date(2027, 3, 1), True, "x", {})
    refused(c, UnknownCode, c.evaluate, date(2027, 3, 1), True, "x", {goal: "great"})
    c.evaluate(date(2027, 3, 1), final=True, summary="częściowo", progress={goal: "partly"})
    refused(c, UnknownCode, c.close, "done", "x", date(2027, 3, 2))
    c.close("goals_partly_achieved", "przeprowadzka", date(2027, 3, 2))
    refused(c, CaseClosed, c.evaluate, date(2027, 3, 5), False, "x", {goal: "partly"})
    refused(c, CaseClosed, c.assign, "Agata Mazur", date(2027, 3, 5), "Ewa Lis")


def test_an_evaluation_weighs_goals():
    c = diagnosed()
    refused(c, NoGoals, c.evaluate, date(2027, 1, 1), False, "x", {})


def test_service_requests_name_a_known_service():
    c = assigned()
    refused(c, UnknownCode, c.request_service, "catering", False, "x", date(2026, 11, 5))
    refused(c, MissingText, c.request_service, "uslugi_opiekuncze", False, " ", date(2026, 11, 5))
    assert c.request_service("uslugi_opiekuncze", True, "pomoc w myciu", date(2026, 11, 5)) == "S1"


def test_reassignment_keeps_the_history():
    c = assigned()
    c.assign("Agata Mazur", date(2026, 12, 1), assigned_by="Ewa Lis")
    assert [a["worker"] for a in c.assignments] == ["Tomasz Nowicki", "Agata Mazur"]
    refused(c, CaseworkError, c.assign, "Agata Mazur", date(2026, 12, 2), "Ewa Lis")


def test_a_worker_may_open_a_case_on_their_own_initiative():
    c = Case.open_on_initiative(uuid.uuid4(), {"full_name": "Jan"}, OPENED, "zgłoszenie sąsiadów")
    assert c.origin == "worker_initiative" and c.status == "awaiting_assignment"
    with pytest.raises(MissingText):
        Case.open_on_initiative(uuid.uuid4(), {"full_name": "Jan"}, OPENED, "")


@pytest.mark.parametrize("load, reason, by, allowed", [
    (49, None, None, True), (50, None, None, False), (50, " ", "Ewa Lis", False), (50, "zastępstwo", "Ewa Lis", True),
])
def test_the_workload_limit_and_its_override(load, reason, by, allowed):
    if allowed:
        check_workload(load, 50, reason, by)
    else:
        with pytest.raises(WorkloadLimitReached):
            check_workload(load, 50, reason, by)


def test_group_work_members_and_attendance():
    g = Group.form("Klub Rodzica", "support", "categorical", "Agata Mazur", date(2026, 11, 1))
    anna, jan = uuid.uuid4(), uuid.uuid4()
    g.join(anna)
    g.join(jan)
    g.hold_session(date(2026, 11, 8), "granice w wychowaniu", [anna])
    assert g.sessions[0]["present"] == [anna]
    refused(g, CaseworkError, g.join, anna)
    refused(g, CaseworkError, g.hold_session, date(2026, 11, 15), "x", [uuid.uuid4()])
    refused(g, InvalidDate, g.hold_session, date(2026, 10, 15), "x", [anna])
    with pytest.raises(UnknownCode):
        Group.form("X", "therapy", "categorical", "A", date(2026, 11, 1))


# --- the shape of what a command is given ------------------------------------------------------

def test_obligations_given_as_one_text_are_refused_not_spelled_out():
    c, goal = with_goal()
    refused(c, InvalidShape, c.draft_contract, "terapia", ["pomoc"], [goal], date(2026, 11, 10), date(2027, 3, 31))
    refused(c, InvalidShape, c.draft_contract, ["terapia"], "pomoc", [goal], date(2026, 11, 10), date(2027, 3, 31))
    refused(c, InvalidShape, c.draft_contract, ["terapia"], ["pomoc"], goal, date(2026, 11, 10), date(2027, 3, 31))
    refused(c, InvalidShape, c.draft_contract, [["terapia"]], ["pomoc"], [goal], date(2026, 11, 10),
            date(2027, 3, 31))
    c2, ref = with_contract()
    c2.settle_contract(ref, "sign", date(2026, 11, 10))
    refused(c2, InvalidShape, c2.amend_contract, ref, date(2026, 12, 1), "terapia", ["pomoc"], ["G1"],
            date(2026, 11, 10), date(2027, 3, 31))


def _signed():
    c, ref = with_contract()
    c.settle_contract(ref, "sign", date(2026, 11, 10))
    return c, ref


@pytest.mark.parametrize("build, command", [
    (assigned, lambda c: c.record_diagnosis(["work", "housing"], "", "", date(2026, 11, 5), True)),
    (assigned, lambda c: c.record_diagnosis({"work": ["bez pracy"]}, "", "", date(2026, 11, 5), True)),
    (assigned, lambda c: c.record_diagnosis({"work": "x"}, ["zaradna"], "", date(2026, 11, 5), True)),
    (assigned, lambda c: c.record_diagnosis({"work": "x"}, "", "", date(2026, 11, 5), "yes")),
    (assigned, lambda c: c.record_diagnosis({("work",): "x"}, "", "", date(2026, 11, 5), True)),
    (assigned, lambda c: c.assign(["Agata Mazur"], date(2026, 11, 5), "Ewa Lis")),
    (assigned, lambda c: c.assign("Agata Mazur", date(2026, 11, 5), "Ewa Lis", override_reason=["x"])),
    (assigned, lambda c: c.add_note({"text": "x"}, date(2026, 11, 5), "Tomasz Nowicki")),
    (assigned, lambda c: c.request_service(["uslugi_opiekuncze"], False, "x", date(2026, 11, 5))),
    (assigned, lambda c: c.request_service("uslugi_opiekuncze", "no", "x", date(2026, 11, 5))),
    (assigned, lambda c: c.request_service("uslugi_opiekuncze", False, 42, date(2026, 11, 5))),
    (diagnosed, lambda c: c.add_goal(["praca"], date(2027, 1, 1))),
    (lambda: with_goal()[0], lambda c: c.plan_action("x", "y", date(2026, 12, 1), ["G1"])),
    (lambda: with_goal()[0], lambda c: c.evaluate(date(2027, 1, 1), False, "x", [("G1", "partly")])),
    (lambda: with_goal()[0], lambda c: c.evaluate(date(2027, 1, 1), False, "x", {"G1": ["partly"]})),
    (lambda: with_goal()[0], lambda c: c.evaluate(date(2027, 1, 1), "true", "x", {"G1": "partly"})),
    (lambda: with_goal()[0], lambda c: c.evaluate(date(2027, 1, 1), False, ["x"], {"G1": "partly"})),
    (lambda: with_contract()[0], lambda c: c.settle_contract(["KS"], "sign", date(2026, 11, 10))),
    (lambda: with_contract()[0], lambda c: c.settle_contract(c.contracts[0]["contract_ref"], ["sign"],
                                                             date(2026, 11, 10))),
    (lambda: _signed()[0], lambda c: c.amend_contract(["KS"], date(2026, 12, 1), ["a"], ["b"], ["G1"],
                                                      date(2026, 11, 10), date(2027, 3, 31))),
])
def test_a_value_of_the_wrong_type_is_a_named_error_not_a_crash(build, command):
    c = build()
    c.collect_events()
    with pytest.raises(InvalidShape) as error:
        command(c)
    assert isinstance(error.value, ValueError)  # answered 400 with its name, not 500
    assert c.collect_events() == []


def test_closing_with_a_wrong_outcome_or_reason_type_is_a_named_error():
    c, goal = with_goal()
    c.evaluate(date(2027, 3, 1), final=True, summary="x", progress={goal: "partly"})
    refused(c, InvalidShape, c.close, ["goals_achieved"], "x", date(2027, 3, 2))
    refused(c, InvalidShape, c.close, "goals_achieved", {"why": "x"}, date(2027, 3, 2))


def test_opening_on_initiative_and_group_work_check_their_types():
    with pytest.raises(InvalidShape):
        Case.open_on_initiative(uuid.uuid4(), ["Jan"], OPENED, "zgłoszenie")
    with pytest.raises(InvalidShape):
        Case.open_on_initiative("nie-uuid", {"full_name": "Jan"}, OPENED, "zgłoszenie")
    with pytest.raises(InvalidShape):
        Case.open_on_initiative(uuid.uuid4(), {"full_name": "Jan", "pesel": 85071512348}, OPENED, "zgłoszenie")
    with pytest.raises(InvalidShape):
        Case.open_on_initiative(uuid.uuid4(), {"full_name": "Jan"}, OPENED, ["zgłoszenie"])
    g = Group.form("Klub", "support", "categorical", "Agata Mazur", date(2026, 11, 1))
    refused(g, InvalidShape, g.join, "nie-uuid")
    refused(g, InvalidShape, g.hold_session, date(2026, 11, 8), "x", str(uuid.uuid4()))


# --- closure -----------------------------------------------------------------------------------

def test_a_case_is_not_closed_before_its_final_evaluation():
    c, goal = with_goal()
    c.evaluate(date(2027, 3, 10), final=True, summary="x", progress={goal: "partly"})
    refused(c, InvalidDate, c.close, "goals_partly_achieved", "x", date(2027, 3, 9))
    c.close("goals_partly_achieved", "x", date(2027, 3, 10))


def test_a_signed_contract_is_settled_before_the_case_is_closed():
    c, ref = _signed()
    c.evaluate(date(2027, 3, 25), final=True, summary="x", progress={"G1": "achieved"})
    refused(c, ContractInForce, c.close, "goals_achieved", "x", date(2027, 3, 26))
    c.settle_contract(ref, "fulfil", date(2027, 3, 26))
    c.close("goals_achieved", "x", date(2027, 3, 26))
    assert c.status == "closed"


def test_a_draft_or_refused_contract_does_not_hold_up_closure():
    c, ref = with_contract()
    c.settle_contract(ref, "refuse", date(2026, 11, 10))
    c.evaluate(date(2026, 12, 1), final=True, summary="x", progress={"G1": "not_achieved"})
    c.close("goals_not_achieved", "odmowa współpracy", date(2026, 12, 1))


# --- amendments follow the signature -------------------------------------------------------------

def test_an_amendment_is_not_dated_before_the_contract_was_signed_or_the_case_opened():
    c, ref = with_contract()
    c.settle_contract(ref, "sign", date(2026, 11, 20))
    terms = (["a"], ["b"], ["G1"], date(2026, 11, 10), date(2027, 3, 31))
    refused(c, InvalidDate, c.amend_contract, ref, date(2026, 11, 19), *terms)  # before the signature
    refused(c, InvalidDate, c.amend_contract, ref, date(2026, 10, 1), *terms)  # before the case opened
    c.amend_contract(ref, date(2026, 12, 1), *terms)
    refused(c, InvalidDate, c.amend_contract, ref, date(2026, 11, 25), *terms)  # before the last amendment
    refused(c, InvalidDate, c.settle_contract, ref, "break", date(2026, 11, 30))  # before the last amendment
    assert c.amend_contract(ref, date(2026, 12, 1), *terms) == 3


# --- what a wrong rule would let pass (issue 15) ------------------------------------------------

def test_an_absent_flag_is_no():
    from services.casework.domain import a_flag
    assert a_flag(None, "urgent") is False and a_flag(True, "urgent") is True and a_flag(False, "x") is False
    c, goal = with_goal()
    c.request_service("uslugi_opiekuncze", None, "pomoc w codziennych czynnościach", date(2026, 11, 6))
    assert c.service_requests[-1]["urgent"] is False  # not urgent unless said so
    c.evaluate(date(2026, 12, 1), None, "postępy", {goal: "in_progress"})
    assert c.evaluations[-1]["final"] is False  # an absent "final" is a periodic evaluation


def test_a_contract_is_signed_or_refused_not_before_its_case_opened():
    for step in ("sign", "refuse"):
        c, ref = with_contract()
        with pytest.raises(InvalidDate, match="before the case was opened"):
            c.settle_contract(ref, step, date(2026, 11, 1))
        c.settle_contract(ref, step, OPENED)  # on the day the case opened
        assert c.contract(ref)["history"] == [{"step": step, "on": OPENED}]


def test_a_contract_is_not_broken_or_fulfilled_before_it_starts():
    for step in ("break", "fulfil"):
        c, ref = with_contract()  # valid from 10 November
        c.settle_contract(ref, "sign", date(2026, 11, 5))
        refused(c, InvalidDate, c.settle_contract, ref, step, date(2026, 11, 9))
        c.settle_contract(ref, step, date(2026, 11, 10))  # on its first day
        assert c.contract(ref)["status"] == {"break": "broken", "fulfil": "fulfilled"}[step]


# --- a member of the team, as the gateway's staff accounts describe them ------------------------

def test_a_team_member_records_each_change_and_only_a_change():
    staff_id = uuid.uuid4()
    member = TeamMember.register(staff_id, "Agata Mazur", "casework", ["social_worker"], True)
    assert member.id == staff_id and member.is_worker and not member.is_leader
    assert member.change("Agata Mazur", "casework", ["social_worker", "social_worker"], True) is False
    assert member.change("Agata Mazur", "casework", ["social_worker"], False) is True
    assert not member.is_worker and [type(e).__name__ for e in member.collect_events()] == ["Registered", "Changed"]
    assert member.change("Agata Mazur", "care", ["social_worker"], True) is True
    assert not member.is_worker  # a social worker of another team is not this team's


def test_a_team_member_s_fields_have_their_shapes():
    for name, roles, active in (("", ["social_worker"], True), ("Jan", "social_worker", True),
                                ("Jan", ["social_worker"], "yes"), ("J" * 201, [], True)):
        with pytest.raises((InvalidShape, MissingText, TextTooLong)):
            TeamMember.register(uuid.uuid4(), name, "casework", roles, active)


def test_a_note_written_wrongly_is_corrected_with_why_who_and_when_and_the_old_text_stays_in_the_log():
    c = assigned()
    c.add_note("rozmowa z synem", date(2026, 11, 5), "Tomasz Nowicki")
    c.add_note("wizyta w domu", date(2026, 11, 6), "Tomasz Nowicki")
    c.correct_note(1, "rozmowa z córką", reason="pomyłka: rozmawiałem z córką", corrected_by="Tomasz Nowicki",
                   corrected_on=date(2026, 11, 7))
    assert [n["text"] for n in c.notes] == ["rozmowa z córką", "wizyta w domu"]
    assert c.notes[0]["written_on"] == date(2026, 11, 5) and c.notes[0]["author"] == "Tomasz Nowicki"
    assert c.note_corrections == [{"note": 1, "old": "rozmowa z synem", "new": "rozmowa z córką",
                                   "reason": "pomyłka: rozmawiałem z córką", "corrected_by": "Tomasz Nowicki",
                                   "corrected_on": date(2026, 11, 7)}]
    replayed = None
    for stored in c.collect_events():
        replayed = stored.mutate(replayed)
    assert replayed.notes == c.notes and replayed.note_corrections == c.note_corrections

    why = {"reason": "pomyłka", "corrected_by": "Tomasz Nowicki", "corrected_on": date(2026, 11, 7)}
    refused(c, NothingToCorrect, c.correct_note, 2, " wizyta  w domu ", **why)
    refused(c, MissingCorrectionReason, c.correct_note, 2, "wizyta", **{**why, "reason": " "})
    refused(c, NoSuchNote, c.correct_note, 3, "wizyta", **why)
    refused(c, NoSuchNote, c.correct_note, 0, "wizyta", **why)
    refused(c, NoSuchNote, c.correct_note, "pierwsza", "wizyta", **why)
    refused(c, CorrectionBeforeNote, c.correct_note, 2, "wizyta", **{**why, "corrected_on": date(2026, 11, 5)})
    refused(c, MissingText, c.correct_note, 2, "  ", **why)
    waiting = case()  # on the terms a note is added: a case being worked
    refused(waiting, NotAssigned, waiting.correct_note, 1, "wizyta", **why)
