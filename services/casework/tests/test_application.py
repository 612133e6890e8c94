"""casework's application: the policy on routed cases and on the gateway's staff accounts, who
may see and do what (from the gateway's token: shared.identity.Staff), and the access log; on
both stores."""

import uuid
from datetime import date, datetime, timezone
from uuid import UUID

import pytest

from services.casework.application import CaseworkApplication
from services.casework.domain import (
    CaseNotFound,
    InvalidShape,
    NotAllowed,
    NotATeamWorker,
    TeamMember,
    WorkloadLimitReached,
)
from services.casework.read_model import CaseworkReadModel
from shared.contracts.casework import PERSON_CORRECTED_FOR_CARE
from shared.contracts.gateway import STAFF_MEMBER_CHANGED
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED, PERSON_CORRECTED
from shared.envelope import Envelope, source_of
from shared.identity import Staff
from shared.roles import (
    BENEFIT_OFFICER,
    DIRECTOR,
    SOCIAL_WORK_TEAM_LEADER,
    SOCIAL_WORKER,
)
from shared.views import PageLimitOutOfRange, UnknownCursor


def member(name: str, *roles: str, team: str | None = "casework") -> Staff:
    return Staff(id=str(uuid.uuid4()), name=name, roles=frozenset(roles), team=team)


# The social-work team as the gateway's accounts describe it (not tests/support/people.py's
# names: the roster comes from the gateway now, and these tests feed it).
LEADER = member("Ewa Lis", SOCIAL_WORK_TEAM_LEADER)
WORKER = member("Tomasz Nowicki", SOCIAL_WORKER)
OTHER_WORKER = member("Agata Mazur", SOCIAL_WORKER)
OFFICER = member("B. Wójcik", BENEFIT_OFFICER, team="decisions")


class Gateway:
    """The gateway's log as casework's consumer hands it over: StaffMemberChanged, in order."""

    def __init__(self, app: CaseworkApplication):
        self.app, self.position = app, 0

    def envelope(self, staff: Staff, active: bool = True, roles=None, team="casework",
                 name: str | None = None) -> Envelope:
        self.position += 1
        data = {"staff_id": staff.id, "name": name or staff.name, "team": team,
                "roles": sorted(staff.roles if roles is None else roles), "active": active}
        return Envelope.checked(id=str(uuid.uuid4()), source=source_of("gateway"), type=STAFF_MEMBER_CHANGED.type,
                                time=datetime.now(timezone.utc), subject=staff.id, data=data,
                                notification_id=self.position)

    def tell(self, staff: Staff, **change) -> bool:
        return self.app.process(self.envelope(staff, **change))


def with_team(app: CaseworkApplication) -> CaseworkApplication:
    gateway = app.gateway = Gateway(app)
    for staff in (LEADER, WORKER, OTHER_WORKER):
        gateway.tell(staff)
    return app


@pytest.fixture
def casework(make_database_url):
    app = with_team(CaseworkApplication(make_database_url("casework")))
    yield app
    app.close()


def routed(notification_id: int, name: str = "Anna Nowak", urgent: bool = False, routed_on="2026-11-02",
           person_id: str | None = None) -> Envelope:
    data = {
        "case_id": str(uuid.uuid4()), "person_id": person_id or str(uuid.uuid4()), "routed_on": routed_on,
        "urgent": urgent,
        "full_name": name, "birth_date": "1985-07-15", "pesel": "85071512348", "document_number": None,
        "address": {"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"},
        "contact": None, "routing_reason": "wsparcie rodziny", "reasons_for_help": ["bezrobocie"],
    }
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of("intake"), type=CASE_ROUTED["casework"].type,
                            time=datetime.now(timezone.utc), subject=data["case_id"], data=data,
                            notification_id=notification_id)


def corrected(notification_id: int, person_id: str, corrected_on="2026-11-05", **identity) -> Envelope:
    data = {"person_id": person_id, "corrected_on": corrected_on, "corrected": sorted(identity),
            "full_name": "Anna Nowak", "birth_date": "1985-07-15", "pesel": "85071512348", "document_number": None,
            "address": {"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"},
            "contact": None, **identity}
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of("intake"),
                            type=PERSON_CORRECTED["casework"].type, time=datetime.now(timezone.utc),
                            subject=person_id, data=data, notification_id=notification_id)


def test_a_routed_case_opens_waiting_for_a_social_worker(casework):
    envelope = routed(2)
    assert casework.process(envelope) is True
    case = casework.case(LEADER, uuid.UUID(envelope.data["case_id"]))
    assert case["status"] == "awaiting_assignment" and case["origin"] == "first_contact"
    assert case["person"]["full_name"] == "Anna Nowak" and case["reasons_for_help"] == ["bezrobocie"]
    assert casework.position("intake") == 2


def test_the_same_notification_twice_opens_one_case(casework):
    envelope = routed(2)
    casework.process(envelope)
    position = casework.recorder.max_notification_id()
    assert casework.process(envelope) is False
    assert casework.recorder.max_notification_id() == position
    assert len(casework.open_cases(LEADER)["cases"]) == 1


def test_a_replayed_case_that_exists_already_changes_nothing(casework):
    envelope = routed(2)
    casework.process(envelope)
    assert casework.process(envelope, track=False) is False
    assert len(casework.open_cases(LEADER)["cases"]) == 1


def test_open_cases_list_urgent_first_then_oldest(casework):
    casework.process(routed(1, "Olena", routed_on="2026-11-03"))
    casework.process(routed(2, "Anna", routed_on="2026-11-02"))
    casework.process(routed(3, "Jan", urgent=True, routed_on="2026-11-04"))
    assert [c["full_name"] for c in casework.open_cases(LEADER)["cases"]] == ["Jan", "Anna", "Olena"]


def test_open_cases_come_a_page_at_a_time_without_repeats_or_gaps_while_cases_arrive(casework):
    """A worker's page merges the queue awaiting assignment with their own cases; new cases, older
    and newer, urgent or not, arrive between the pages."""
    there = set()
    for n in range(1, 9):
        routed_case = routed(n, f"Osoba {n}", routed_on=f"2026-10-{10 + n}")
        casework.process(routed_case)
        case_id = UUID(routed_case.subject)
        if n % 2:  # the worker's own, the others in the queue
            casework.assign(LEADER, case_id, WORKER.name, "2026-11-03")
        there.add(case_id)
    seen, after, n = [], None, 100
    while True:
        answer = casework.open_cases(WORKER, limit=3, after=after)
        seen += [c["case_id"] for c in answer["cases"]]
        for day, urgent in (("2026-10-01", True), ("2026-12-01", False)):
            n += 1
            casework.process(routed(n, f"Nowa {n}", urgent=urgent, routed_on=day))
        after = answer["next_after"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) and there <= set(seen)
    with pytest.raises(PageLimitOutOfRange):
        casework.open_cases(LEADER, limit=500)
    with pytest.raises(UnknownCursor):
        casework.open_cases(LEADER, after="not-a-cursor")


def test_after_a_restart_the_worklist_answers_from_its_table(make_database_url, monkeypatch):
    url = make_database_url("casework")
    casework = with_team(CaseworkApplication(url))
    casework.process(routed(1, "Olena"))
    assert len(casework.open_cases(LEADER)["cases"]) == 1
    casework.close()

    def replayed(*_):
        raise AssertionError("the log was replayed")

    monkeypatch.setattr(CaseworkReadModel, "changes", replayed)
    again = CaseworkApplication(url)
    assert [c["full_name"] for c in again.open_cases(LEADER)["cases"]] == ["Olena"]
    assert again.team()["workers"] == [OTHER_WORKER.name, WORKER.name]
    again.close()


def test_a_view_built_in_clear_is_rebuilt_sealed_when_its_store_is_encrypted(make_database_url, tmp_path):
    url = make_database_url("casework")
    casework = with_team(CaseworkApplication(url))  # no key: the store and its view in clear
    casework.process(routed(1, "Olena Kowalczuk"))
    assert len(casework.open_cases(LEADER)["cases"]) == 1
    casework.close()
    again = CaseworkApplication(url, secrets_dir=tmp_path)  # encrypts the store: the view is rebuilt sealed
    assert [c["full_name"] for c in again.open_cases(LEADER)["cases"]] == ["Olena Kowalczuk"]
    assert again.team()["workers"] == [OTHER_WORKER.name, WORKER.name]
    stored = str(again.read_model.view.rows("SELECT * FROM casework_cases"))
    stored += str(again.read_model.view.rows("SELECT * FROM casework_members"))
    assert "Kowalczuk" not in stored and WORKER.name not in stored
    again.close()


def test_events_not_for_social_work_open_nothing_but_are_tracked(casework):
    other = Envelope.checked(id=str(uuid.uuid4()), source=source_of("intake"), type=CLIENT_REGISTERED.type,
                             time=datetime.now(timezone.utc), subject="", notification_id=5,
                             data={"person_id": str(uuid.uuid4()), "registered_on": "2026-11-02"})
    assert casework.process(other) is True
    assert casework.open_cases(LEADER)["cases"] == [] and casework.position("intake") == 5


def test_an_unknown_case_is_named(casework):
    with pytest.raises(CaseNotFound):
        casework.case(LEADER, uuid.uuid4())


@pytest.fixture
def small_team(make_database_url):
    app = with_team(CaseworkApplication(make_database_url("casework"), workload_limit=2, workload_warning=2))
    yield app
    app.close()


def opened(app, n=1, **kw):
    ids = []
    for i in range(n):
        envelope = routed(i + 1, f"Osoba {i}", **kw)
        app.process(envelope)
        ids.append(uuid.UUID(envelope.data["case_id"]))
    return ids


def in_progress(app, worker=WORKER):
    [case_id] = opened(app)
    app.assign(LEADER, case_id, worker.name, "2026-11-03")
    app.record_diagnosis(worker, case_id, areas={"work": "bez pracy"}, strengths="", resources="",
                         recorded_on="2026-11-04", with_person=True)
    goal = app.add_goal(worker, case_id, "praca", "2027-03-31")
    ref = app.draft_contract(worker, case_id, person_obligations=["warsztaty"], worker_obligations=["CV"],
                             goal_ids=[goal], valid_from="2026-11-05", valid_to="2027-03-31")
    return case_id, ref


def test_a_worker_sees_their_own_cases_the_leader_all_and_nobody_else_anything(casework):
    mine, theirs = opened(casework, 2)
    casework.assign(LEADER, mine, WORKER.name, "2026-11-03")
    casework.assign(LEADER, theirs, OTHER_WORKER.name, "2026-11-03")
    casework.record_diagnosis(WORKER, mine, areas={"addiction": "alkohol"}, strengths="", resources="",
                              recorded_on="2026-11-04", with_person=True)
    assert casework.case(WORKER, mine)["diagnosis"]["areas"] == {"addiction": "alkohol"}
    assert casework.case(LEADER, mine)["diagnosis"]["areas"] == {"addiction": "alkohol"}
    with pytest.raises(NotAllowed):
        casework.case(OTHER_WORKER, mine)
    with pytest.raises(NotAllowed):
        casework.add_note(OTHER_WORKER, mine, "ciekawość", "2026-11-05")
    for outsider in (OFFICER, "Ewa Lis", None):  # a benefit officer; a bare name (the old header); nobody
        with pytest.raises(NotAllowed):
            casework.case(outsider, mine)
        with pytest.raises(NotAllowed):
            casework.open_cases(outsider)
        with pytest.raises(NotAllowed):
            casework.workload(outsider)
    assert [c["case_id"] for c in casework.open_cases(WORKER)["cases"]] == [mine]
    assert {c["case_id"] for c in casework.open_cases(LEADER)["cases"]} == {mine, theirs}
    with pytest.raises(NotAllowed):
        casework.assign(WORKER, theirs, WORKER.name, "2026-11-04")  # only the leader assigns


def test_assigning_past_the_limit_needs_the_leaders_reason(small_team):
    cases = opened(small_team, 3)
    assert small_team.assign(LEADER, cases[0], WORKER.name, "2026-11-03")["warning"] is False
    assert small_team.assign(LEADER, cases[1], WORKER.name, "2026-11-03")["warning"] is True
    position = small_team.recorder.max_notification_id()
    with pytest.raises(WorkloadLimitReached):
        small_team.assign(LEADER, cases[2], WORKER.name, "2026-11-03")
    assert small_team.recorder.max_notification_id() == position
    small_team.assign(LEADER, cases[2], WORKER.name, "2026-11-03", override_reason="zastępstwo za urlop")
    load = small_team.workload(LEADER)
    assert load[WORKER.name] == {"cases": 3, "open_cases": 3, "limit": 2, "warning": True, "over_limit": True}
    assert small_team.case(LEADER, cases[2])["assignments"][-1]["override_reason"] == "zastępstwo za urlop"
    assert small_team.workload(WORKER) == {WORKER.name: load[WORKER.name]}
    with pytest.raises(NotATeamWorker):
        small_team.assign(LEADER, cases[0], "Jan Spoza", "2026-11-04")


def test_published_facts_carry_no_goal_obligation_need_or_reason(casework):
    case_id, ref = in_progress(casework)
    casework.settle_contract(WORKER, case_id, ref, "refuse", "2026-11-06")
    casework.request_service(WORKER, case_id, "asystent_rodziny", True, "matka nie radzi sobie z synem",
                             "2026-11-07")
    events = casework.integration_envelopes(after=0, limit=100)[0]
    assert [e.type for e in events] == [
        "pl.ops.casework.CaseOpened.v1", "pl.ops.casework.WorkerAssigned.v1", "pl.ops.casework.ContractRefused.v1",
        "pl.ops.casework.ServicesRequested.v1"]
    opened, assigned, refused_contract, requested = (e.data for e in events)
    assert opened == {"case_id": str(case_id), "opened_on": opened["opened_on"], "urgent": opened["urgent"]}
    assert assigned == {"worker": WORKER.name, "case_id": str(case_id), "assigned_on": "2026-11-03"}
    assert refused_contract == {"person_id": refused_contract["person_id"], "case_id": str(case_id),
                                "contract_ref": ref, "occurred_on": "2026-11-06"}
    assert requested["kind"] == "asystent_rodziny" and requested["urgent"] is True
    flat = str([opened, assigned, refused_contract, requested])
    for secret in ("warsztaty", "CV", "praca", "syn", "bez pracy"):
        assert secret not in flat


def test_expiry_is_not_published_and_signing_is(casework):
    case_id, ref = in_progress(casework)
    casework.settle_contract(WORKER, case_id, ref, "sign", "2026-11-06")
    casework.settle_contract(WORKER, case_id, ref, "expire", "2027-04-01")
    types = [e.type for e in casework.integration_envelopes(after=0, limit=100)[0]]
    assert types[-1] == "pl.ops.casework.ContractSigned.v1"


def test_group_work_is_for_the_team(casework):
    group_id = casework.form_group(OTHER_WORKER, name="Klub Seniora", kind="self_help", scope="territorial",
                                   facilitator=OTHER_WORKER.name, formed_on="2026-11-01")
    member = uuid.uuid4()
    casework.join_group(OTHER_WORKER, group_id, member)
    casework.hold_session(LEADER, group_id, "2026-11-08", "bezpieczeństwo w domu", [member])
    [group] = casework.groups(WORKER)["groups"]
    assert group["sessions"][0]["present"] == [member]
    with pytest.raises(NotAllowed):
        casework.groups(OFFICER)


# --- a case opened on a worker's own initiative ------------------------------------------------

def test_the_worker_who_opens_a_case_sees_and_works_it_until_it_is_reassigned(casework):
    case_id = casework.open_case(WORKER, uuid.uuid4(), {"full_name": "Jan Sąsiad"}, "2026-11-02",
                                 "zgłoszenie sąsiadów")
    listed = {c["case_id"]: c for c in casework.open_cases(WORKER)["cases"]}
    assert listed[case_id]["worker"] == WORKER.name
    case = casework.case(WORKER, case_id)
    assert case["opened_by"] == WORKER.name and case["worker"] == WORKER.name and case["status"] == "in_progress"
    casework.record_diagnosis(WORKER, case_id, areas={"housing": "zimne mieszkanie"}, strengths="", resources="",
                              recorded_on="2026-11-03", with_person=True)
    assert casework.workload(WORKER)[WORKER.name]["cases"] == 1
    events = casework.integration_envelopes(after=0, limit=100)[0]
    assert [(e.type, e.data.get("worker")) for e in events] == [("pl.ops.casework.CaseOpened.v1", None),
                                                                ("pl.ops.casework.WorkerAssigned.v1", WORKER.name)]
    with pytest.raises(NotAllowed):
        casework.case(OTHER_WORKER, case_id)
    casework.assign(LEADER, case_id, OTHER_WORKER.name, "2026-11-10")
    assert case_id not in {c["case_id"] for c in casework.open_cases(WORKER)["cases"]}
    with pytest.raises(NotAllowed):
        casework.case(WORKER, case_id)
    assert casework.case(OTHER_WORKER, case_id)["diagnosis"]["areas"] == {"housing": "zimne mieszkanie"}


def test_a_case_the_leader_opens_waits_for_an_assignment(casework):
    case_id = casework.open_case(LEADER, uuid.uuid4(), {"full_name": "Jan Sąsiad"}, "2026-11-02", "zgłoszenie")
    assert casework.case(LEADER, case_id)["status"] == "awaiting_assignment"


def test_a_worker_at_the_limit_cannot_open_a_case_for_a_new_person(small_team):
    for case_id in opened(small_team, 2):
        small_team.assign(LEADER, case_id, WORKER.name, "2026-11-03")
    position = small_team.recorder.max_notification_id()
    with pytest.raises(WorkloadLimitReached, match="team leader"):
        small_team.open_case(WORKER, uuid.uuid4(), {"full_name": "Jan"}, "2026-11-02", "zgłoszenie")
    assert small_team.recorder.max_notification_id() == position


# --- workload counts families and single persons -----------------------------------------------

def test_two_cases_of_one_person_count_once_against_the_limit(small_team):
    anna = str(uuid.uuid4())
    envelopes = (routed(1, "Anna", person_id=anna), routed(2, "Anna", person_id=anna), routed(3, "Olena"),
                 routed(4, "Anna", person_id=anna))
    for envelope in envelopes:
        small_team.process(envelope)
    first, second, other, third = (uuid.UUID(e.data["case_id"]) for e in envelopes)
    assert small_team.assign(LEADER, first, WORKER.name, "2026-11-03")["cases"] == 1
    assert small_team.assign(LEADER, second, WORKER.name, "2026-11-03")["cases"] == 1
    assert small_team.workload(LEADER)[WORKER.name] == {"cases": 1, "open_cases": 2, "limit": 2, "warning": False,
                                                   "over_limit": False}
    assert small_team.assign(LEADER, other, WORKER.name, "2026-11-03")["cases"] == 2
    # at the limit, but Anna is already this worker's: her third case needs no override
    assert small_team.assign(LEADER, third, WORKER.name, "2026-11-04")["cases"] == 2
    assert small_team.workload(WORKER)[WORKER.name]["cases"] == 2


def test_wrong_types_reaching_the_application_are_named_errors(casework):
    [case_id] = opened(casework)
    with pytest.raises(InvalidShape):
        casework.assign(LEADER, case_id, [WORKER.name], "2026-11-03")
    with pytest.raises(InvalidShape):
        casework.assign(LEADER, case_id, WORKER.name, "2026-11-03", override_reason=["zastępstwo"])
    with pytest.raises(InvalidShape):
        casework.open_case(WORKER, uuid.uuid4(), ["Jan"], "2026-11-02", "zgłoszenie")
    casework.assign(LEADER, case_id, WORKER.name, "2026-11-03")
    with pytest.raises(InvalidShape):
        casework.record_diagnosis(WORKER, case_id, areas=["work"], strengths="", resources="",
                                  recorded_on="2026-11-04", with_person=True)


def test_the_case_follows_a_care_home_referral_until_it_is_withdrawn(casework):
    from shared.contracts.care import DPS_REFERRAL_SUBMITTED, DPS_REFERRAL_WITHDRAWN

    case_id, _ = in_progress(casework)
    request_id = casework.request_service(WORKER, case_id, "dps", False, "nie może mieszkać sam", "2026-11-07")
    referral = str(uuid.uuid4())
    common = {"referral_id": referral, "person_id": str(uuid.uuid4()), "request_ref": f"{case_id}/{request_id}",
              "case_id": str(case_id)}
    for position, (contract, data) in enumerate(
            [(DPS_REFERRAL_SUBMITTED, {"submitted_on": "2026-11-20"}),
             (DPS_REFERRAL_WITHDRAWN, {"withdrawn_on": "2026-12-01"})], start=1):
        casework.process(Envelope.checked(
            id=str(uuid.uuid4()), source=source_of("care"), type=contract.type,
            time=datetime(2026, 12, 1, tzinfo=timezone.utc), subject=referral,
            data={**common, **data}, notification_id=position))
    [request] = casework.case(WORKER, case_id)["service_requests"]
    assert request["care_status"] == "dps_referral_withdrawn"
    assert [h["status"] for h in request["care_history"]] == ["dps_referral_submitted", "dps_referral_withdrawn"]


# --- the roster: the gateway's staff accounts, one TeamMember each ------------------------------

def test_the_roster_is_what_the_gateway_last_said_with_an_event_per_change(casework):
    assert casework.team() == {"leaders": ["Ewa Lis"], "workers": ["Agata Mazur", "Tomasz Nowicki"]}
    position = casework.recorder.max_notification_id()
    again = casework.gateway.envelope(WORKER)  # the same state: tracked, nothing recorded
    assert casework.process(again) is True and casework.process(again) is False
    assert casework.recorder.max_notification_id() == position
    casework.gateway.tell(WORKER, active=False)
    casework.gateway.tell(WORKER, roles=[SOCIAL_WORKER, SOCIAL_WORK_TEAM_LEADER])
    member = casework.repository.get(uuid.UUID(WORKER.id))
    assert isinstance(member, TeamMember) and member.version == 3
    assert (member.name, member.team, member.roles, member.active) == (
        "Tomasz Nowicki", "casework", [SOCIAL_WORK_TEAM_LEADER, SOCIAL_WORKER], True)
    assert casework.team() == {"leaders": ["Ewa Lis", "Tomasz Nowicki"], "workers": ["Agata Mazur", "Tomasz Nowicki"]}
    assert casework.position("gateway") == casework.gateway.position


def test_staff_of_other_teams_are_not_recorded_and_one_who_leaves_is_off_the_team(casework):
    from eventsourcing.application import AggregateNotFoundError

    casework.gateway.tell(OFFICER, team="decisions")
    with pytest.raises(AggregateNotFoundError):
        casework.repository.get(uuid.UUID(OFFICER.id))
    casework.gateway.tell(OTHER_WORKER, team="care")  # moved to the care team, the role kept
    assert casework.team()["workers"] == ["Tomasz Nowicki"]
    [case_id] = opened(casework)
    with pytest.raises(NotATeamWorker):
        casework.assign(LEADER, case_id, OTHER_WORKER.name, "2026-11-03")


def test_a_social_worker_not_on_the_roster_is_refused_as_an_assignee(casework):
    [case_id] = opened(casework)
    stranger = member("Jan Spoza", SOCIAL_WORKER)  # the role in a token, but not on the gateway's team
    position = casework.recorder.max_notification_id()
    for name in (stranger.name, LEADER.name, "tomasz nowicki"):  # a stranger, the leader, a near miss
        with pytest.raises(NotATeamWorker):
            casework.assign(LEADER, case_id, name, "2026-11-03")
    with pytest.raises(NotATeamWorker):  # nor may they take a case of their own
        casework.open_case(stranger, uuid.uuid4(), {"full_name": "Jan Sąsiad"}, "2026-11-02", "zgłoszenie")
    assert casework.recorder.max_notification_id() == position
    casework.gateway.tell(stranger)
    assert casework.assign(LEADER, case_id, stranger.name, "2026-11-03")["worker"] == "Jan Spoza"


def test_a_disabled_member_gets_no_case_and_the_leader_still_sees_theirs_to_reassign(casework):
    first, second = opened(casework, 2)
    casework.assign(LEADER, first, OTHER_WORKER.name, "2026-11-03")
    casework.gateway.tell(OTHER_WORKER, active=False)
    position = casework.recorder.max_notification_id()
    with pytest.raises(NotATeamWorker):
        casework.assign(LEADER, second, OTHER_WORKER.name, "2026-11-03")
    assert casework.recorder.max_notification_id() == position
    assert casework.team()["workers"] == ["Tomasz Nowicki"]
    assert casework.workload(LEADER)[OTHER_WORKER.name]["open_cases"] == 1
    casework.assign(LEADER, first, WORKER.name, "2026-11-05")
    assert set(casework.workload(LEADER)) == {WORKER.name}
    casework.gateway.tell(OTHER_WORKER, active=True)  # back from leave
    assert casework.assign(LEADER, second, OTHER_WORKER.name, "2026-11-06")["cases"] == 1


def test_cases_go_by_name_so_two_active_workers_of_one_name_get_none_until_told_apart(casework):
    [case_id] = opened(casework)
    casework.assign(LEADER, case_id, WORKER.name, "2026-11-03")
    namesake = member(WORKER.name, SOCIAL_WORKER)
    with pytest.raises(NotAllowed):  # the name is on the roster already, as someone else's
        casework.case(namesake, case_id)
    casework.gateway.tell(namesake)
    with pytest.raises(NotATeamWorker):
        casework.assign(LEADER, case_id, WORKER.name, "2026-11-04")
    for asking in (WORKER, namesake):
        with pytest.raises(NotAllowed):
            casework.case(asking, case_id)
        with pytest.raises(NotAllowed):
            casework.open_cases(asking)
    casework.gateway.tell(namesake, name="Tomasz Nowicki-Kowal")
    assert casework.case(WORKER, case_id)["worker"] == WORKER.name


# --- who may ask: the roles of the gateway's token ---------------------------------------------

def every_call(app, case_id, ref, group_id) -> dict:
    """Every query and command that takes who asks, with arguments it would accept from the team."""
    terms = {"person_obligations": ["a"], "worker_obligations": ["b"], "goal_ids": ["G1"],
             "valid_from": "2026-11-05", "valid_to": "2027-03-31"}
    return {
        "open_cases": lambda who: app.open_cases(who),
        "case": lambda who: app.case(who, case_id),
        "workload": lambda who: app.workload(who),
        "groups": lambda who: app.groups(who),
        "open_case": lambda who: app.open_case(who, uuid.uuid4(), {"full_name": "Jan"}, "2026-11-02", "zgłoszenie"),
        "assign": lambda who: app.assign(who, case_id, OTHER_WORKER.name, "2026-11-05"),
        "record_diagnosis": lambda who: app.record_diagnosis(who, case_id, areas={"work": "x"}, strengths="",
                                                             resources="", recorded_on="2026-11-05", with_person=True),
        "add_goal": lambda who: app.add_goal(who, case_id, "praca", "2027-03-31"),
        "plan_action": lambda who: app.plan_action(who, case_id, action="CV", who="Anna", by_when="2026-12-01",
                                                   goal_id="G1"),
        "add_note": lambda who: app.add_note(who, case_id, "notatka", "2026-11-05"),
        "correct_note": lambda who: app.correct_note(who, case_id, 1, "notatka poprawiona", "pomyłka", "2026-11-06"),
        "draft_contract": lambda who: app.draft_contract(who, case_id, **terms),
        "amend_contract": lambda who: app.amend_contract(who, case_id, ref, on="2026-11-07", **terms),
        "settle_contract": lambda who: app.settle_contract(who, case_id, ref, "sign", "2026-11-06"),
        "request_service": lambda who: app.request_service(who, case_id, "asystent_rodziny", False, "wsparcie",
                                                           "2026-11-07"),
        "evaluate": lambda who: app.evaluate(who, case_id, on="2026-12-01", final=False, summary="postęp",
                                             progress={"G1": "in_progress"}),
        "close_case": lambda who: app.close_case(who, case_id, outcome="goals_achieved", reason="cel",
                                                 closed_on="2027-01-10"),
        "form_group": lambda who: app.form_group(who, name="Klub", kind="support", scope="territorial",
                                                 facilitator="Agata Mazur", formed_on="2026-11-01"),
        "join_group": lambda who: app.join_group(who, group_id, uuid.uuid4()),
        "hold_session": lambda who: app.hold_session(who, group_id, "2026-11-08", "spotkanie", []),
    }


def test_a_benefit_officer_or_the_director_is_refused_every_query_and_command(casework):
    import inspect

    case_id, ref = in_progress(casework)
    group_id = casework.form_group(WORKER, name="Klub Seniora", kind="self_help", scope="territorial",
                                   facilitator=WORKER.name, formed_on="2026-11-01")
    calls = every_call(casework, case_id, ref, group_id)
    asking = {name for name, f in inspect.getmembers(CaseworkApplication, inspect.isfunction)
              if not name.startswith("_") and list(inspect.signature(f).parameters)[1:2] == ["asking"]}
    assert set(calls) == asking  # a new query or command is tried here the day it is added
    position = casework.recorder.max_notification_id()
    director = member("Anna Dąbrowska", DIRECTOR, team="management")
    for outsider in (member("B. Wójcik", BENEFIT_OFFICER, team="decisions"), director):
        for call in calls.values():
            with pytest.raises(NotAllowed):
                call(outsider)
    assert casework.recorder.max_notification_id() == position
    assert casework.access_log()["reads"] == []


def test_the_director_s_figures_name_no_one(casework):
    case_id, _ = in_progress(casework)
    part = casework.mrpips03_part(2026, 2)
    assert part == {"praca_socjalna": {"families": 1}, "powod_bezrobocie": {"families": 1}}
    assert all(type(figure) is int for row in part.values() for figure in row.values())
    flat = str(part)
    for personal in ("Osoba", "85071512348", "Grochowska", "Nowicki", str(case_id)):
        assert personal not in flat
    assert casework.access_log()["reads"] == []


# --- the access log --------------------------------------------------------------------------

def test_reads_of_a_person_s_data_are_in_the_access_log_with_who_what_and_whom(casework):
    envelope = routed(1)
    casework.process(envelope)  # the system's own reads and writes are not staff reads
    case_id, person_id = uuid.UUID(envelope.data["case_id"]), envelope.data["person_id"]
    casework.assign(LEADER, case_id, WORKER.name, "2026-11-03")
    group_id = casework.form_group(OTHER_WORKER, name="Klub", kind="support", scope="territorial",
                                   facilitator=OTHER_WORKER.name, formed_on="2026-11-01")
    casework.join_group(OTHER_WORKER, group_id, uuid.UUID(person_id))
    assert casework.access_log()["reads"] == []

    casework.case(WORKER, case_id)
    casework.open_cases(LEADER)
    casework.groups(OTHER_WORKER)
    with pytest.raises(NotAllowed):
        casework.case(OTHER_WORKER, case_id)  # refused: nothing was read
    casework.workload(LEADER)  # staff names and figures: no person's data
    reads = casework.access_log(person_id=person_id)["reads"]
    assert [(r["staff_id"], r["staff_name"], r["roles"], r["what"], r["subject_ids"], r["person_ids"],
             r["request_id"]) for r in reads] == [
        (WORKER.id, "Tomasz Nowicki", [SOCIAL_WORKER], "case", [str(case_id)], [person_id], WORKER.request_id),
        (LEADER.id, "Ewa Lis", [SOCIAL_WORK_TEAM_LEADER], "open cases", [str(case_id)], [person_id],
         LEADER.request_id),
        (OTHER_WORKER.id, "Agata Mazur", [SOCIAL_WORKER], "groups", [str(group_id)], [person_id],
         OTHER_WORKER.request_id),
    ]
    assert casework.access_log()["reads"] == reads
    assert casework.access_log(staff_id=OTHER_WORKER.id)["reads"] == reads[2:]
    assert casework.access_log(person_id=str(uuid.uuid4()))["reads"] == []


def test_first_contact_s_correction_of_a_person_reaches_each_of_the_person_s_cases(casework):
    person_id = str(uuid.uuid4())
    first, second, someone_else = routed(1, person_id=person_id), routed(2, person_id=person_id), routed(3, "Jan")
    for envelope in (first, second, someone_else):
        casework.process(envelope)
    assert casework.process(corrected(4, person_id, full_name="Anna Nowakowska", contact="+48 600 100 200"))
    for envelope in (first, second):
        case = casework.case(LEADER, uuid.UUID(envelope.data["case_id"]))
        assert case["person"]["full_name"] == "Anna Nowakowska" and case["person"]["contact"] == "+48 600 100 200"
        assert case["person"]["pesel"] == "85071512348"
        assert case["person_corrections"] == [{"corrected": ["full_name", "contact"], "corrected_on": date(2026, 11, 5),
                                               "old": {"contact": None, "full_name": "Anna Nowak"}}]
    assert casework.case(LEADER, uuid.UUID(someone_else.data["case_id"]))["person"]["full_name"] == "Jan"
    assert sorted(c["full_name"] for c in casework.open_cases(LEADER)["cases"]) == [
        "Anna Nowakowska", "Anna Nowakowska", "Jan"]
    # The same identity again, or a person casework has no case of, changes nothing.
    position = casework.recorder.max_notification_id()
    casework.process(corrected(5, person_id, full_name="Anna Nowakowska", contact="+48 600 100 200"))
    casework.process(corrected(6, str(uuid.uuid4()), full_name="Ewa Nowak"))
    assert casework.position("intake") == 6
    assert casework.recorder.max_notification_id() == position  # only the two positions tracked


def test_a_correction_of_a_person_social_work_asked_care_to_serve_goes_on_to_care(casework):
    case_id, _ = in_progress(casework)
    person_id = str(casework.case(LEADER, case_id)["person_id"])
    casework.process(corrected(10, person_id, full_name="Osoba 0", contact="+48 600 100 200"))
    assert not [e for e in casework.integration_envelopes(after=0, limit=50)[0]
                if e.type == PERSON_CORRECTED_FOR_CARE.type]  # nor has care been asked anything yet
    casework.request_service(WORKER, case_id, "uslugi_opiekuncze", False, "nie wstaje sam z łóżka", "2026-11-07")
    assert casework.process(corrected(11, person_id, corrected_on="2026-11-08", contact="+48 600 100 200",
                                      full_name="Osoba Zero-Nowak", document_number="AB123"))
    casework.process(corrected(12, person_id, corrected_on="2026-11-08", contact="+48 600 100 200",
                               full_name="Osoba Zero-Nowak", document_number="AB123"))  # changes no case
    casework.process(corrected(13, person_id, corrected_on="2026-11-09", contact="+48 600 100 200",
                               full_name="Osoba Zero-Nowak", document_number="AB124"))  # care keeps no document
    [passed_on] = [e for e in casework.integration_envelopes(after=0, limit=50)[0]
                   if e.type == PERSON_CORRECTED_FOR_CARE.type]
    assert passed_on.data == {
        "person_id": person_id, "corrected_on": "2026-11-08", "corrected": ["full_name"],
        "full_name": "Osoba Zero-Nowak", "pesel": "85071512348", "birth_date": "1985-07-15",
        "address": {"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"},
        "contact": "+48 600 100 200"}


def test_a_note_is_corrected_by_who_may_add_one_and_the_case_file_shows_the_old_text(casework):
    mine, theirs = opened(casework, 2)
    casework.assign(LEADER, mine, WORKER.name, "2026-11-03")
    casework.assign(LEADER, theirs, OTHER_WORKER.name, "2026-11-03")
    casework.add_note(WORKER, mine, "rozmowa z synem", "2026-11-05")
    position = casework.recorder.max_notification_id()
    with pytest.raises(NotAllowed):  # a social worker corrects only the notes of their own cases
        casework.correct_note(OTHER_WORKER, mine, 1, "ciekawość", "pomyłka", "2026-11-06")
    assert casework.recorder.max_notification_id() == position
    casework.correct_note(WORKER, mine, "1", "rozmowa z córką", "pomyłka: rozmawiałem z córką", "2026-11-06")
    casework.correct_note(LEADER, mine, 1, "rozmowa z córką (telefon)", "uzupełnienie z nagrania", "2026-11-07")
    file = casework.case(WORKER, mine)
    assert [n["text"] for n in file["notes"]] == ["rozmowa z córką (telefon)"]
    assert [(c["old"], c["corrected_by"], c["reason"]) for c in file["note_corrections"]] == [
        ("rozmowa z synem", WORKER.name, "pomyłka: rozmawiałem z córką"),
        ("rozmowa z córką", LEADER.name, "uzupełnienie z nagrania")]
