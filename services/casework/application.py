"""The social-work team's application: the method's commands, who may see what, workload,
group work, the policy on routed cases and the team's roster.

Confidentiality lives here, not in an entrypoint: every query and command takes the member of
staff asking (`shared.identity.Staff`, from the gateway's token). A social worker sees and works
their own cases (a case's worker is named as the gateway names the member of staff), the team
leader the whole team's; anyone else is refused. Who is on the team comes from the gateway's
staff accounts (StaffMemberChanged): a case is assigned only to an active social worker of it.
Every query that returns a person's data records the read in the access log.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any, Callable, Iterable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.casework.domain import (
    Case,
    CaseNotFound,
    Group,
    GroupNotFound,
    NotAllowed,
    NotATeamWorker,
    TeamMember,
    WorkloadLimitReached,
    a_string,
    an_optional_string,
    check_workload,
    concerns_the_team,
)
from services.casework.read_model import CaseworkReadModel
from shared.contracts.care import (
    CARE_SERVICE_ENDED,
    CARE_SERVICE_GRANTED,
    DPS_PLACEMENT_MADE,
    DPS_REFERRAL_SUBMITTED,
    DPS_REFERRAL_WITHDRAWN,
)
from shared.contracts.casework import (
    CASE_CLOSED,
    CASE_OPENED,
    CONTRACT_BROKEN,
    CONTRACT_FULFILLED,
    CONTRACT_REFUSED,
    CONTRACT_SIGNED,
    IDENTITY_FOR_CARE,
    PERSON_CORRECTED_FOR_CARE,
    PERSON_ERASED_FOR_CARE,
    SERVICES_REQUESTED,
    WORKER_ASSIGNED,
)
from shared.contracts.gateway import STAFF_MEMBER_CHANGED
from shared.contracts.intake import CASE_ROUTED_TO_CASEWORK, PERSON_CORRECTED, PERSON_ERASED
from shared.envelope import Envelope
from shared.identity import Staff
from shared.mrpips03 import half_year
from shared.retention import Retention, erase_when_over
from shared.roles import SOCIAL_WORK_TEAM_LEADER, SOCIAL_WORKER
from shared.store import ServiceApplication
from shared.views import page_limit
from shared.vocabulary import REASONS_FOR_HELP

IDENTITY_FIELDS = ("full_name", "birth_date", "pesel", "document_number", "address", "contact")
# What the care team reports on a request, and the date field it comes with.
CARE_UPDATES = {
    CARE_SERVICE_GRANTED.type: ("granted", "granted_on"),
    CARE_SERVICE_ENDED.type: ("ended", "ended_on"),
    DPS_REFERRAL_SUBMITTED.type: ("dps_referral_submitted", "submitted_on"),
    DPS_PLACEMENT_MADE.type: ("placed", "placed_on"),
    DPS_REFERRAL_WITHDRAWN.type: ("dps_referral_withdrawn", "withdrawn_on"),
}
PUBLISHED_CONTRACT_STEPS = {"sign": CONTRACT_SIGNED, "refuse": CONTRACT_REFUSED, "break": CONTRACT_BROKEN,
                            "fulfil": CONTRACT_FULFILLED}


class CaseworkApplication(Retention, ServiceApplication):
    service = "casework"

    def __init__(self, database_url: str, workload_limit: int = 50, workload_warning: int = 45,
                 evaluation_interval_months: int = 3, **settings: Any):
        super().__init__(database_url, **settings)
        # Art. 110 ust. 11: at most 50 families and single persons per worker; the warning is the team's.
        self.workload_limit = int(workload_limit)
        self.workload_warning = int(workload_warning)
        self.evaluation_interval_months = int(evaluation_interval_months)

    @functools.cached_property
    def read_model(self) -> CaseworkReadModel:
        """The worklist, the roster and the groups as tables (made when first read: a tool reading the
        store makes none)."""
        return CaseworkReadModel(self)

    def read_models(self) -> list:
        return [self.read_model]

    def files_closed(self):
        """Each person (not erased) all of whose cases are closed, and the day the last was
        (shared/retention.py). The erased person's cases keep their rows: they are still counted."""
        return ((person_id, closed_on) for person_id, closed_on in self.read_model.files_closed()
                if not self.erased(person_id))

    def file_closed(self, person_id: UUID) -> date | None:
        """The day the person's last case here was closed; None while one is open (or none is here)."""
        return self.read_model.file_closed(person_id)

    # --- policy on routed cases, care's updates and the gateway's staff accounts -------------

    independent_events = frozenset({CASE_ROUTED_TO_CASEWORK.type})  # a routing opens a new case from its data

    def policy(self, envelope: Envelope) -> list[Any]:
        data = envelope.data
        if envelope.type == CASE_ROUTED_TO_CASEWORK.type:
            case = Case.open_from_routing(
                case_id=UUID(data["case_id"]),
                person_id=UUID(data["person_id"]),
                person={k: data[k] for k in IDENTITY_FIELDS},
                routed_on=date.fromisoformat(data["routed_on"]),
                urgent=data["urgent"],
                reasons_for_help=data["reasons_for_help"],
                routing_reason=data["routing_reason"],
            )
            return [case, self._case_opened(case)]
        if envelope.type == PERSON_ERASED["casework"].type:
            person_id = UUID(data["person_id"])
            asked_care = any(self._case(case_id).service_requests for case_id in self.read_model.cases_of(person_id))
            # a social-work file is kept for its own period, counted from its last case's closing
            erase_when_over(self, person_id, date.fromisoformat(data["erased_on"]))
            # care holds the identity a service request carried: it learns of the erasure from here
            notice = {"person_id": data["person_id"], "erased_on": data["erased_on"]}
            return [self.integration_event(PERSON_ERASED_FOR_CARE, notice)] if asked_care else []
        if envelope.type == PERSON_CORRECTED["casework"].type:
            cases = self.person_corrected(UUID(data["person_id"]), {k: data[k] for k in IDENTITY_FIELDS},
                                          date.fromisoformat(data["corrected_on"]))
            return [*cases, *self._correction_for_care(cases)]
        if envelope.type in CARE_UPDATES and data.get("request_ref") and data.get("case_id"):
            status, when = CARE_UPDATES[envelope.type]
            case = self._case(UUID(data["case_id"]))
            case.note_care_update(data["request_ref"].rsplit("/", 1)[-1], status, date.fromisoformat(data[when]))
            return [case]
        if envelope.type == STAFF_MEMBER_CHANGED.type:
            return self.team_member_changed(UUID(data["staff_id"]), name=data["name"], team=data["team"],
                                            roles=data["roles"], active=data["active"])
        return []

    def person_corrected(self, person_id: UUID, person: dict, corrected_on: date) -> list[Case]:
        """The policy's step on intake's PersonCorrected: every case of the person, open or closed,
        keeps the identity as first contact now has it (to be saved)."""
        cases = [self._case(case_id) for case_id in self.read_model.cases_of(person_id)]
        return [case for case in cases if case.correct_person(person, corrected_on)]

    def _correction_for_care(self, cases: list[Case]) -> list[Any]:
        """Care holds the identity a service request of these (just corrected) cases carried
        (ServicesRequested), so what changed in it goes on to care (docs/architecture.md,
        "Corrections"); nothing if none of them asked care for anything, or care keeps none of
        the fields that changed."""
        requesting = [case for case in cases if case.service_requests]
        if not requesting:
            return []
        case = requesting[0]
        correction = case.person_corrections[-1]
        corrected = [k for k in correction["corrected"] if k in IDENTITY_FOR_CARE]
        if not corrected:
            return []
        return [self.integration_event(PERSON_CORRECTED_FOR_CARE, {
            "person_id": str(case.person_id), "corrected_on": correction["corrected_on"].isoformat(),
            "corrected": corrected, **_identity_for_care(case.person)})]

    def team_member_changed(self, staff_id: UUID, name: str, team: str | None, roles: Iterable[str],
                            active: bool) -> list[TeamMember]:
        """The policy's step on the gateway's StaffMemberChanged: the member's current name, team,
        roles and whether the account is active, as an event of their TeamMember (to be saved).
        A member of staff who neither is in this team nor holds its roles, and never did, is not
        recorded at all; one who leaves it is (they are no longer on the team)."""
        try:
            member = self.repository.get(staff_id)
        except AggregateNotFoundError:
            member = None
        if isinstance(member, TeamMember):
            return [member] if member.change(name, team, roles, active) else []
        if member is not None or not concerns_the_team(team, roles):
            return []
        return [TeamMember.register(staff_id, name, team, roles, active)]

    # --- who may do what -------------------------------------------------------------------

    @staticmethod
    def _role(asking: Staff | None) -> str:
        """The asker's part in the team, from the roles the gateway's token gives them."""
        if isinstance(asking, Staff) and asking.has(SOCIAL_WORK_TEAM_LEADER):
            return "leader"
        if isinstance(asking, Staff) and asking.has(SOCIAL_WORKER):
            return "worker"
        raise NotAllowed("only the social-work team sees its cases")

    def _leader(self, asking: Staff | None) -> None:
        if self._role(asking) != "leader":
            raise NotAllowed("only the team leader assigns cases and overrides the workload limit")

    def _may_work(self, asking: Staff, case: Case) -> None:
        # A case's worker is whoever it is assigned to now: the leader's assignment, or the worker
        # who opened it on their own initiative, until the leader reassigns it.
        if self._role(asking) == "worker" and case.worker != self._own_name(asking):
            raise NotAllowed("a social worker sees and works only their own cases")

    def _own_name(self, asking: Staff) -> str:
        """The name a worker's cases are assigned under (cases are assigned by name): the asker's,
        unless another active social worker of the team has it too, who would then see theirs."""
        if any(m["worker"] and m["staff_id"] != asking.id for m in self.read_model.members(asking.name)):
            raise NotAllowed(f"another social worker of the team is also named {asking.name}: cases are assigned "
                             "by name, so the gateway's accounts must tell you apart first")
        return asking.name

    def _team_worker(self, name: str) -> str:
        """The name of an active social worker of this team (cases are assigned by name), or
        NotATeamWorker: not on the roster, disabled, without the role, or the name is shared."""
        found = [m for m in self.read_model.members(name) if m["worker"]]
        if not found:
            raise NotATeamWorker(f"{name} is not an active social worker of this team")
        if len(found) > 1:
            raise NotATeamWorker(f"{len(found)} active social workers are named {name}: cases are assigned by "
                                 "name, so the gateway's accounts must tell them apart first")
        return name

    def team(self) -> dict[str, list[str]]:
        """The team's active leaders and social workers, by name, as the gateway's accounts say."""
        members = self.read_model.members()
        return {"leaders": sorted(m["name"] for m in members if m["leader"]),
                "workers": sorted(m["name"] for m in members if m["worker"])}

    # --- commands --------------------------------------------------------------------------

    def open_case(self, asking: Staff, person_id: UUID, person: dict, opened_on: date, reason: str) -> UUID:
        """A worker's own initiative, for a person intake registered. The worker who opens it
        works it (it is assigned to them, within the workload limit) until the leader reassigns
        it; a case the leader opens waits in the queue for an assignment."""
        role = self._role(asking)
        case = Case.open_on_initiative(person_id, person, opened_on, reason, opened_by=asking.name)
        published = [self._case_opened(case)]
        if role == "worker":
            worker = self._team_worker(self._own_name(asking))
            load, theirs = self.read_model.load(worker, case.person_id)
            if not theirs and load >= self.workload_limit:
                raise WorkloadLimitReached(
                    f"you already have {load} families and single persons (limit {self.workload_limit}, "
                    "art. 110 ust. 11): ask the team leader to open the case and assign it with a reason")
            case.assign(worker, case.opened_on, assigned_by=asking.name)
            published.append(self._worker_assigned(case))
        self.save(case, *published)
        return case.id

    def assign(self, asking: Staff, case_id: UUID, worker: str, on: date, override_reason: str | None = None) -> dict:
        """The leader assigns (or reassigns) to an active social worker of the team; past the limit
        only with a reason. The load counts families and single persons, so a second case of a
        person the worker already has adds none."""
        self._leader(asking)
        worker = a_string(worker, "the social worker")
        override_reason = an_optional_string(override_reason, "the override's reason") or None
        self._team_worker(worker)
        case = self._case(case_id)
        load, theirs = self.read_model.load(worker, case.person_id)
        adds = not theirs
        if adds:
            check_workload(load, self.workload_limit, override_reason, asking.name)
        past_limit = adds and load >= self.workload_limit
        case.assign(worker, on, assigned_by=asking.name, override_reason=override_reason if past_limit else None)
        self.save(case, self._worker_assigned(case))
        after = load + adds
        return {"worker": worker, "cases": after, "warning": after >= self.workload_warning}

    def _case_opened(self, case: Case):
        return self.integration_event(CASE_OPENED, {"case_id": str(case.id), "opened_on": case.opened_on.isoformat(),
                                                    "urgent": case.urgent})

    def _worker_assigned(self, case: Case):
        assigned = case.assignments[-1]
        return self.integration_event(WORKER_ASSIGNED, {
            "worker": assigned["worker"], "case_id": str(case.id), "assigned_on": assigned["on"].isoformat()})

    def record_diagnosis(self, asking: Staff, case_id: UUID, **diagnosis: Any) -> None:
        self._work(asking, case_id, lambda c: c.record_diagnosis(**diagnosis))

    def add_goal(self, asking: Staff, case_id: UUID, description: str, target_date: date) -> str:
        return self._work(asking, case_id, lambda c: c.add_goal(description, target_date))

    def plan_action(self, asking: Staff, case_id: UUID, **action: Any) -> None:
        self._work(asking, case_id, lambda c: c.plan_action(**action))

    def add_note(self, asking: Staff, case_id: UUID, text: str, written_on: date) -> None:
        self._work(asking, case_id, lambda c: c.add_note(text, written_on, author=asking.name))

    def correct_note(self, asking: Staff, case_id: UUID, note: Any, text: str, reason: str,
                     corrected_on: date) -> None:
        """Corrects a note of the case, by whoever may add one (a worker their own cases); the
        author of the correction is the one asking."""
        self._work(asking, case_id, lambda c: c.correct_note(note, text, reason=reason, corrected_by=asking.name,
                                                             corrected_on=corrected_on))

    def draft_contract(self, asking: Staff, case_id: UUID, **terms: Any) -> str:
        return self._work(asking, case_id, lambda c: c.draft_contract(**terms))

    def amend_contract(self, asking: Staff, case_id: UUID, contract_ref: str, **terms: Any) -> int:
        return self._work(asking, case_id, lambda c: c.amend_contract(contract_ref, **terms))

    def settle_contract(self, asking: Staff, case_id: UUID, contract_ref: str, step: str, on: date) -> None:
        """Signed, refused, broken, fulfilled: the fact and its date go to the teams that need it."""
        def settle(case: Case):
            case.settle_contract(contract_ref, step, on)
            contract = PUBLISHED_CONTRACT_STEPS.get(step)
            if contract is None:
                return []
            settled_on = case.contract(contract_ref)["history"][-1]["on"]
            return [self.integration_event(contract, {
                "person_id": str(case.person_id), "case_id": str(case.id), "contract_ref": contract_ref,
                "occurred_on": settled_on.isoformat()})]

        self._work(asking, case_id, settle, publishes=True)

    def request_service(self, asking: Staff, case_id: UUID, kind: str, urgent: bool, need: str,
                        requested_on: date) -> str:
        """The care team learns the kind, urgency and who; the need described stays here."""
        def request(case: Case):
            request_id = case.request_service(kind, urgent, need, requested_on)
            return [self.integration_event(SERVICES_REQUESTED, {
                "request_ref": f"{case.id}/{request_id}", "case_id": str(case.id), "person_id": str(case.person_id),
                "kind": kind, "urgent": case.service_requests[-1]["urgent"],
                "requested_on": case.service_requests[-1]["requested_on"].isoformat(),
                **_identity_for_care(case.person)})]

        self._work(asking, case_id, request, publishes=True)
        return self._case(case_id).service_requests[-1]["request_id"]

    def evaluate(self, asking: Staff, case_id: UUID, **evaluation: Any) -> None:
        self._work(asking, case_id, lambda c: c.evaluate(**evaluation))

    def close_case(self, asking: Staff, case_id: UUID, **closure: Any) -> None:
        def close(case: Case):
            case.close(**closure)
            return [self.integration_event(CASE_CLOSED, {
                "worker": case.worker, "case_id": str(case.id), "closed_on": case.closure["closed_on"].isoformat(),
                "outcome": case.closure["outcome"]})]

        self._work(asking, case_id, close, publishes=True)

    def form_group(self, asking: Staff, **group: Any) -> UUID:
        self._role(asking)
        formed = Group.form(**group)
        self.save(formed)
        return formed.id

    def join_group(self, asking: Staff, group_id: UUID, person_id: UUID) -> None:
        self._group_command(asking, group_id, lambda g: g.join(person_id))

    def hold_session(self, asking: Staff, group_id: UUID, held_on: date, topic: str,
                     present: Iterable[UUID]) -> None:
        self._group_command(asking, group_id, lambda g: g.hold_session(held_on, topic, present))

    # --- queries ---------------------------------------------------------------------------

    def open_cases(self, asking: Staff, limit: int | None = None, after: str | None = None) -> dict:
        """Open cases the asker may see: a worker's own and the unassigned queue; all for the leader.
        Urgent first, then oldest first, a page at a time (`limit`, and `after`: the `next_after` of
        the page before). The read is in the access log."""
        role = self._role(asking)
        workers = None if role == "leader" else ("", self._own_name(asking))
        visible, next_after = self.read_model.open_cases(workers, page_limit(limit), after)
        self.record_read(asking, "open cases", [c["case_id"] for c in visible], [c["person_id"] for c in visible])
        return {"cases": visible, "next_after": next_after}

    def case(self, asking: Staff, case_id: UUID) -> dict:
        """The whole social-work file of a case: for its worker and the team leader only; the read
        is in the access log."""
        self._role(asking)
        case = self._case(case_id)
        self._may_work(asking, case)
        self.record_read(asking, "case", [case.id], [case.person_id])
        return {
            "case_id": case.id, "person_id": case.person_id, "person": case.person, "opened_on": case.opened_on,
            "urgent": case.urgent, "reasons_for_help": case.reasons_for_help,
            "routing_reason": case.routing_reason, "origin": case.origin, "opened_by": case.opened_by,
            "status": case.status,
            "worker": case.worker, "assignments": case.assignments, "diagnosis": case.diagnosis,
            "goals": case.goals, "plan": case.plan, "contracts": case.contracts,
            "service_requests": case.service_requests, "evaluations": case.evaluations, "notes": case.notes,
            "closure": case.closure, "person_corrections": case.person_corrections,
            "note_corrections": case.note_corrections,
            "next_evaluation_due": case.next_evaluation_due(self.evaluation_interval_months),
        }

    def workload(self, asking: Staff) -> dict[str, dict]:
        """Open families and single persons per social worker, against the limit and the warning:
        the leader sees every worker's, a worker their own. "cases" counts families and single
        persons (art. 110 ust. 11): two open cases of one person are one; "open_cases" counts the
        cases themselves. Names of staff and figures only: no person's data.
        The leader's list is every active social worker of the team, and anyone who still holds
        open cases (a worker who left, whose cases the leader is to reassign)."""
        role = self._role(asking)
        loads = self.read_model.loads()
        if role == "leader":
            shown = sorted({m["name"] for m in self.read_model.members() if m["worker"]} | set(loads))
        else:
            shown = [self._own_name(asking)]
        figures = {w: loads.get(w, (0, 0)) for w in shown}
        return {w: {"cases": persons, "open_cases": cases, "limit": self.workload_limit,
                    "warning": persons >= self.workload_warning, "over_limit": persons > self.workload_limit}
                for w, (persons, cases) in figures.items()}

    def mrpips03_part(self, year: int, half: int) -> dict[str, dict]:
        """This team's rows of the half-year MRPiPS-03 report, figures only: families in social work
        (distinct persons whose case was open on any day of the half-year) and those families by the
        reasons for help recorded at first contact (art. 7). Casework keeps no household sizes:
        persons in families stay empty. No person's data, so no read to record."""
        first, last = half_year(year, half)
        cases = [self.repository.get(case_id) for case_id in self.read_model.case_ids()]
        open_then = [c for c in cases if c.opened_on <= last and not (c.closure and c.closure["closed_on"] < first)]
        part = {"praca_socjalna": {"families": len({c.person_id for c in open_then})}}
        for reason in REASONS_FOR_HELP:
            families = {c.person_id for c in open_then if reason in c.reasons_for_help}
            if families:
                part[f"powod_{reason}"] = {"families": len(families)}
        return part

    def groups(self, asking: Staff, limit: int | None = None, after: str | None = None) -> dict:
        """The team's groups with their members (persons' references), in the order formed, a page at
        a time; the read is in the access log."""
        self._role(asking)
        group_ids, next_after = self.read_model.groups(page_limit(limit), after)
        found = [{"group_id": g.id, "name": g.name, "kind": g.kind, "scope": g.scope, "facilitator": g.facilitator,
                  "members": g.members, "sessions": g.sessions} for g in map(self.repository.get, group_ids)]
        self.record_read(asking, "groups", [g["group_id"] for g in found],
                         [m for g in found for m in g["members"]])
        return {"groups": found, "next_after": next_after}

    # --- internals ---------------------------------------------------------------------------

    def _case(self, case_id: UUID) -> Case:
        try:
            found = self.repository.get(case_id)
        except AggregateNotFoundError:
            found = None
        if not isinstance(found, Case):
            raise CaseNotFound(f"no social-work case {case_id}")
        return found

    def _work(self, asking: Staff, case_id: UUID, command: Callable[[Case], Any], publishes: bool = False) -> Any:
        self._role(asking)
        case = self._case(case_id)
        self._may_work(asking, case)
        result = command(case)
        self.save(case, *(result if publishes else ()))
        return None if publishes else result

    def _group_command(self, asking: Staff, group_id: UUID, command: Callable[[Group], None]) -> None:
        self._role(asking)
        try:
            group = self.repository.get(group_id)
        except AggregateNotFoundError:
            group = None
        if not isinstance(group, Group):
            raise GroupNotFound(f"no group {group_id}")
        command(group)
        self.save(group)


def _identity_for_care(person: dict) -> dict:
    """A case's person as social work passes them to the care team (shared/contracts/casework.py)."""
    return {k: person.get(k) for k in IDENTITY_FOR_CARE}
