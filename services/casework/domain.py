"""Social work (zespół ds. pracy socjalnej): the case file and the method's steps. Pure Python.

Social work as a process of methodical steps: diagnosis with the person, goals, a plan of
cooperation, the cooperation contract (kontrakt socjalny), a service package, periodic and
final evaluation, closure. What the team knows of a person comes only from the cases routed
to it or opened by its workers; nothing of the administrative file ever reaches this model.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Iterable

from dateutil.relativedelta import relativedelta
from eventsourcing.domain import Aggregate, event

from shared.values import InvalidDate, MissingText, UnknownCode, a_code, a_date, a_text  # noqa: F401  (re-exported)
from shared.vocabulary import CARE_SERVICE_KINDS

NAMESPACE = uuid.UUID("3a7d7f0e-84a8-4a8c-9a55-2c8f3f1f6d21")

DIAGNOSIS_AREAS = (
    "housing", "health", "work", "family_relations", "parenting", "addiction", "violence", "money_management",
    "education", "disability", "social_contacts", "legal_matters",
)
CLOSING_OUTCOMES = ("goals_achieved", "goals_partly_achieved", "goals_not_achieved")
GOAL_PROGRESS = ("achieved", "partly", "not_achieved", "in_progress")
GROUP_KINDS = ("support", "self_help")
GROUP_SCOPES = ("categorical", "territorial")

AWAITING_ASSIGNMENT = "awaiting_assignment"


class CaseworkError(ValueError):
    """A command the social-work method or the law does not allow."""


class CaseNotFound(LookupError):
    """No case with this reference in the social-work team's file."""


class GroupNotFound(LookupError):
    pass


class NotAllowed(PermissionError):
    """The person asking has no business seeing this part of the social-work file."""


class CaseClosed(CaseworkError):
    pass


class NotAssigned(CaseworkError):
    pass


class NoDiagnosis(CaseworkError):
    pass


class NoGoals(CaseworkError):
    """A contract, a plan or an evaluation serves goals: set them first."""


class ContractNotFound(CaseworkError):
    pass


class ContractStateError(CaseworkError):
    """The contract is not in a state that allows this (e.g. amending an unsigned one)."""


class NoFinalEvaluation(CaseworkError):
    pass


class WorkloadLimitReached(CaseworkError):
    """Art. 110 ust. 11: at most 50 families and single persons per social worker."""


def check_workload(load: int, limit: int, override_reason: str | None, overridden_by: str | None) -> None:
    """Assigning past the limit needs the team leader's override with a reason."""
    if load >= limit and not (override_reason and str(override_reason).strip() and overridden_by):
        raise WorkloadLimitReached(
            f"the worker already has {load} families and single persons (limit {limit}, art. 110 ust. 11); "
            "the team leader may override with a reason")


class Case(Aggregate):
    """A person's or family's case in social work."""

    @staticmethod
    def create_id(case_id: uuid.UUID | None = None, **_: Any) -> uuid.UUID:
        # Intake's reference for a routed case: a second delivery finds it taken.
        return case_id or uuid.uuid4()

    @event("Opened")
    def __init__(self, case_id: uuid.UUID | None, person_id: uuid.UUID, person: dict, opened_on: date,
                 urgent: bool, reasons_for_help: list[str], routing_reason: str, origin: str):
        self.person_id = person_id
        self.person = person
        self.opened_on = opened_on
        self.urgent = urgent
        self.reasons_for_help = reasons_for_help
        self.routing_reason = routing_reason
        self.origin = origin
        self.worker: str | None = None
        self.assignments: list[dict] = []
        self.diagnosis: dict | None = None
        self.goals: list[dict] = []
        self.plan: list[dict] = []
        self.contracts: list[dict] = []
        self.service_requests: list[dict] = []
        self.evaluations: list[dict] = []
        self.notes: list[dict] = []
        self.closure: dict | None = None

    @classmethod
    def open_from_routing(cls, case_id: uuid.UUID, person_id: uuid.UUID, person: dict, routed_on: date,
                          urgent: bool, reasons_for_help: list[str], routing_reason: str) -> "Case":
        return cls(case_id=case_id, person_id=person_id, person=person, opened_on=routed_on, urgent=urgent,
                   reasons_for_help=list(reasons_for_help), routing_reason=routing_reason, origin="first_contact")

    @classmethod
    def open_on_initiative(cls, person_id: uuid.UUID, person: dict, opened_on: date, reason: str) -> "Case":
        """A worker opens a case for a person intake registered (e.g. met in the community)."""
        a_text(person.get("full_name"), "the person's name")
        return cls(case_id=None, person_id=person_id, person=person, opened_on=a_date(opened_on, "the opening date"),
                   urgent=False, reasons_for_help=[], routing_reason=a_text(reason, "the reason for the case"),
                   origin="worker_initiative")

    # --- state ---------------------------------------------------------------------------

    @property
    def status(self) -> str:
        if self.closure:
            return "closed"
        return "in_progress" if self.worker else AWAITING_ASSIGNMENT

    def _open(self) -> None:
        if self.closure:
            raise CaseClosed(f"the case was closed on {self.closure['closed_on']}")

    def _worked(self) -> None:
        self._open()
        if not self.worker:
            raise NotAssigned("assign the case to a social worker first")

    def _on_or_after_opening(self, day: Any, what: str) -> date:
        day = a_date(day, what)
        if day < self.opened_on:
            raise InvalidDate(f"{what} ({day}) cannot be before the case was opened ({self.opened_on})")
        return day

    # --- assignment --------------------------------------------------------------------

    def assign(self, worker: str, on: date, assigned_by: str, override_reason: str | None = None) -> None:
        self._open()
        worker = a_text(worker, "the social worker")
        if worker == self.worker:
            raise CaseworkError(f"the case is already assigned to {worker}")
        self._assigned(worker=worker, on=self._on_or_after_opening(on, "the assignment date"),
                       assigned_by=a_text(assigned_by, "who assigns"),
                       override_reason=(override_reason or "").strip() or None)

    @event("Assigned")
    def _assigned(self, worker: str, on: date, assigned_by: str, override_reason: str | None) -> None:
        self.worker = worker
        self.assignments.append({"worker": worker, "on": on, "assigned_by": assigned_by,
                                 "override_reason": override_reason})

    # --- the method ----------------------------------------------------------------------

    def record_diagnosis(self, areas: dict, strengths: str, resources: str, recorded_on: date,
                         with_person: bool) -> None:
        """The diagnosis is made together with the person, not about them."""
        self._worked()
        if not with_person:
            raise CaseworkError("the diagnosis is recorded together with the person")
        if not areas:
            raise NoDiagnosis("name at least one area of the person's situation")
        checked = {a_code(a, DIAGNOSIS_AREAS, "diagnosis area"): a_text(d, f"the description of {a}")
                   for a, d in areas.items()}
        self._diagnosed(areas=checked, strengths=" ".join(str(strengths or "").split()),
                        resources=" ".join(str(resources or "").split()),
                        recorded_on=self._on_or_after_opening(recorded_on, "the diagnosis date"))

    @event("Diagnosed")
    def _diagnosed(self, areas: dict, strengths: str, resources: str, recorded_on: date) -> None:
        self.diagnosis = {"areas": areas, "strengths": strengths, "resources": resources,
                          "recorded_on": recorded_on}

    def add_goal(self, description: str, target_date: date) -> str:
        self._worked()
        if not self.diagnosis:
            raise NoDiagnosis("goals follow from the diagnosis")
        goal_id = f"G{len(self.goals) + 1}"
        self._goal_set(goal_id=goal_id, description=a_text(description, "the goal"),
                       target_date=self._on_or_after_opening(target_date, "the target date"))
        return goal_id

    @event("GoalSet")
    def _goal_set(self, goal_id: str, description: str, target_date: date) -> None:
        self.goals.append({"goal_id": goal_id, "description": description, "target_date": target_date})

    def plan_action(self, action: str, who: str, by_when: date, goal_id: str) -> None:
        """The plan of cooperation: actions, who takes them, by when, for which goal."""
        self._worked()
        self._goal(goal_id)
        self._action_planned(action=a_text(action, "the action"), who=a_text(who, "who acts"),
                             by_when=self._on_or_after_opening(by_when, "the action's date"), goal_id=goal_id)

    @event("ActionPlanned")
    def _action_planned(self, action: str, who: str, by_when: date, goal_id: str) -> None:
        self.plan.append({"action": action, "who": who, "by_when": by_when, "goal_id": goal_id})

    def _goal(self, goal_id: str) -> dict:
        if not self.goals:
            raise NoGoals("set the case's goals first")
        for goal in self.goals:
            if goal["goal_id"] == goal_id:
                return goal
        raise NoGoals(f"no goal {goal_id!r} in this case")

    def add_note(self, text: str, written_on: date, author: str) -> None:
        self._worked()
        self._noted(text=a_text(text, "the note"), written_on=self._on_or_after_opening(written_on, "the note's date"),
                    author=a_text(author, "the note's author"))

    @event("Noted")
    def _noted(self, text: str, written_on: date, author: str) -> None:
        self.notes.append({"text": text, "written_on": written_on, "author": author})

    # --- the cooperation contract ----------------------------------------------------------

    def draft_contract(self, person_obligations: Iterable[str], worker_obligations: Iterable[str],
                       goal_ids: Iterable[str], valid_from: date, valid_to: date) -> str:
        """A kontrakt socjalny between the person and the worker, serving the case's goals."""
        self._worked()
        terms = self._terms(person_obligations, worker_obligations, goal_ids, valid_from, valid_to)
        contract_ref = f"KS-{str(self.id)[:8]}-{len(self.contracts) + 1}"
        self._contract_drafted(contract_ref=contract_ref, terms=terms)
        return contract_ref

    def _terms(self, person_obligations, worker_obligations, goal_ids, valid_from, valid_to) -> dict:
        goal_ids = list(dict.fromkeys(goal_ids or ()))
        if not goal_ids:
            raise NoGoals("a contract serves at least one of the case's goals")
        for goal_id in goal_ids:
            self._goal(goal_id)
        person = [a_text(o, "an obligation of the person") for o in person_obligations or ()]
        worker = [a_text(o, "an obligation of the worker") for o in worker_obligations or ()]
        if not person or not worker:
            raise MissingText("a contract lists the person's and the worker's obligations")
        valid_from = self._on_or_after_opening(valid_from, "the contract's start")
        valid_to = a_date(valid_to, "the contract's end")
        if valid_to < valid_from:
            raise InvalidDate("the contract ends before it starts")
        return {"parties": {"person": self.person.get("full_name"), "worker": self.worker},
                "person_obligations": person, "worker_obligations": worker, "goal_ids": goal_ids,
                "valid_from": valid_from, "valid_to": valid_to}

    @event("ContractDrafted")
    def _contract_drafted(self, contract_ref: str, terms: dict) -> None:
        self.contracts.append({"contract_ref": contract_ref, "status": "draft", "versions": [terms],
                               "history": []})

    def contract(self, contract_ref: str) -> dict:
        for contract in self.contracts:
            if contract["contract_ref"] == contract_ref:
                return contract
        raise ContractNotFound(f"no contract {contract_ref!r} in this case")

    _TRANSITIONS = {
        "sign": ("draft", "signed"),
        "refuse": ("draft", "refused"),
        "break": ("signed", "broken"),
        "fulfil": ("signed", "fulfilled"),
        "expire": ("signed", "expired"),
    }

    def settle_contract(self, contract_ref: str, step: str, on: date) -> None:
        """sign, refuse (a draft); break, fulfil, expire (a signed one), each with its date."""
        self._open()
        contract = self.contract(contract_ref)
        if step not in self._TRANSITIONS:
            raise UnknownCode(f"unknown contract step {step!r}; one of {', '.join(self._TRANSITIONS)}")
        required, _ = self._TRANSITIONS[step]
        if contract["status"] != required:
            raise ContractStateError(f"a {contract['status']} contract cannot be {step}ed; it must be {required}")
        on = a_date(on, f"the date to {step}")
        terms = contract["versions"][-1]
        if step in ("sign", "refuse") and on < self.opened_on:
            raise InvalidDate("the contract cannot be settled before the case was opened")
        if step == "expire" and on <= terms["valid_to"]:
            raise ContractStateError(f"the contract is valid until {terms['valid_to']}")
        if step in ("break", "fulfil") and on < terms["valid_from"]:
            raise InvalidDate("the contract has not started by then")
        self._contract_settled(contract_ref=contract_ref, step=step, on=on)

    @event("ContractSettled")
    def _contract_settled(self, contract_ref: str, step: str, on: date) -> None:
        contract = self.contract(contract_ref)
        contract["status"] = self._TRANSITIONS[step][1]
        contract["history"].append({"step": step, "on": on})

    def amend_contract(self, contract_ref: str, on: date, person_obligations: Iterable[str],
                       worker_obligations: Iterable[str], goal_ids: Iterable[str], valid_from: date,
                       valid_to: date) -> int:
        """An amendment is a new version of a signed contract; the earlier ones are kept."""
        self._worked()
        contract = self.contract(contract_ref)
        if contract["status"] != "signed":
            raise ContractStateError(f"only a signed contract is amended; this one is {contract['status']}")
        terms = self._terms(person_obligations, worker_obligations, goal_ids, valid_from, valid_to)
        self._contract_amended(contract_ref=contract_ref, on=a_date(on, "the amendment date"), terms=terms)
        return len(contract["versions"])

    @event("ContractAmended")
    def _contract_amended(self, contract_ref: str, on: date, terms: dict) -> None:
        contract = self.contract(contract_ref)
        contract["versions"].append(terms)
        contract["history"].append({"step": "amend", "on": on})

    # --- service package -------------------------------------------------------------------

    def request_service(self, kind: str, urgent: bool, need: str, requested_on: date) -> str:
        """Asks the care team for a service; the need described stays in this file."""
        self._worked()
        request_id = f"S{len(self.service_requests) + 1}"
        self._service_requested(request_id=request_id, kind=a_code(kind, CARE_SERVICE_KINDS, "service"),
                                urgent=bool(urgent), need=a_text(need, "the need"),
                                requested_on=self._on_or_after_opening(requested_on, "the request date"))
        return request_id

    @event("ServiceRequested")
    def _service_requested(self, request_id: str, kind: str, urgent: bool, need: str, requested_on: date) -> None:
        self.service_requests.append({"request_id": request_id, "kind": kind, "urgent": urgent, "need": need,
                                      "requested_on": requested_on, "started_on": None})

    def note_care_update(self, request_id: str, status: str, on: date) -> None:
        """What the care team did with a request (granted, ended, referral submitted, placed)."""
        if not any(r["request_id"] == request_id for r in self.service_requests):
            raise CaseworkError(f"no service request {request_id!r} in this case")
        self._care_updated(request_id=request_id, status=status, on=on)

    @event("CareUpdated")
    def _care_updated(self, request_id: str, status: str, on: date) -> None:
        for request in self.service_requests:
            if request["request_id"] == request_id:
                request["care_status"] = status
                request.setdefault("care_history", []).append({"status": status, "on": on})
                if status in ("granted", "placed") and not request["started_on"]:
                    request["started_on"] = on

    # --- evaluation and closure --------------------------------------------------------------

    def evaluate(self, on: date, final: bool, summary: str, progress: dict) -> None:
        """Ongoing (periodic) or final evaluation of progress towards each goal."""
        self._worked()
        if not self.goals:
            raise NoGoals("an evaluation weighs progress towards the case's goals")
        checked = {}
        for goal_id, level in (progress or {}).items():
            self._goal(goal_id)
            checked[goal_id] = a_code(level, GOAL_PROGRESS, "progress")
        if final and set(checked) != {g["goal_id"] for g in self.goals}:
            raise CaseworkError("a final evaluation weighs every goal")
        self._evaluated(on=self._on_or_after_opening(on, "the evaluation date"), final=bool(final),
                        summary=a_text(summary, "the evaluation's summary"), progress=checked)

    @event("Evaluated")
    def _evaluated(self, on: date, final: bool, summary: str, progress: dict) -> None:
        self.evaluations.append({"on": on, "final": final, "summary": summary, "progress": progress})

    def next_evaluation_due(self, interval_months: int) -> date | None:
        """Periodic evaluation at the interval the team sets, from the last one or the goals."""
        if self.closure or not self.goals:
            return None
        last = self.evaluations[-1]["on"] if self.evaluations else self.diagnosis["recorded_on"]
        return last + relativedelta(months=interval_months)

    def close(self, outcome: str, reason: str, closed_on: date) -> None:
        self._worked()
        if not any(e["final"] for e in self.evaluations):
            raise NoFinalEvaluation("a case is closed after its final evaluation")
        self._closed(outcome=a_code(outcome, CLOSING_OUTCOMES, "outcome"), reason=a_text(reason, "the reason"),
                     closed_on=self._on_or_after_opening(closed_on, "the closing date"))

    @event("Closed")
    def _closed(self, outcome: str, reason: str, closed_on: date) -> None:
        self.closure = {"outcome": outcome, "reason": reason, "closed_on": closed_on}


class Group(Aggregate):
    """Group work: a support group or a self-help group, categorical or territorial."""

    @event("Formed")
    def __init__(self, name: str, kind: str, scope: str, facilitator: str, formed_on: date):
        self.name = name
        self.kind = kind
        self.scope = scope
        self.facilitator = facilitator
        self.formed_on = formed_on
        self.members: list[uuid.UUID] = []
        self.sessions: list[dict] = []

    @classmethod
    def form(cls, name: str, kind: str, scope: str, facilitator: str, formed_on: date) -> "Group":
        return cls(name=a_text(name, "the group's name"), kind=a_code(kind, GROUP_KINDS, "group kind"),
                   scope=a_code(scope, GROUP_SCOPES, "group scope"), facilitator=a_text(facilitator, "the facilitator"),
                   formed_on=a_date(formed_on, "the date the group formed"))

    def join(self, person_id: uuid.UUID) -> None:
        if person_id in self.members:
            raise CaseworkError("already a member")
        self._joined(person_id=person_id)

    @event("Joined")
    def _joined(self, person_id: uuid.UUID) -> None:
        self.members.append(person_id)

    def hold_session(self, held_on: date, topic: str, present: Iterable[uuid.UUID]) -> None:
        held_on = a_date(held_on, "the session date")
        if held_on < self.formed_on:
            raise InvalidDate("a session cannot precede the group")
        present = list(dict.fromkeys(present or ()))
        strangers = [p for p in present if p not in self.members]
        if strangers:
            raise CaseworkError(f"attendance lists people who are not members: {strangers}")
        self._session_held(held_on=held_on, topic=a_text(topic, "the session's topic"), present=present)

    @event("SessionHeld")
    def _session_held(self, held_on: date, topic: str, present: list) -> None:
        self.sessions.append({"held_on": held_on, "topic": topic, "present": present})
