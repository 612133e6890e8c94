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

from shared.erasure import ERASED_IDENTITY
from shared.roles import SOCIAL_WORK_TEAM_LEADER, SOCIAL_WORKER
from shared.values import (  # noqa: F401  (re-exported)
    LINE_MAX,
    InvalidDate,
    MissingText,
    TextTooLong,
    UnknownCode,
    a_code,
    a_date,
    a_text,
    one_line,
)
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

    field = "step"


class DiagnosisWithoutPerson(CaseworkError):
    """The diagnosis is made together with the person, not about them."""

    field = "with_person"


class NoFinalEvaluation(CaseworkError):
    field = "final"


class WorkloadLimitReached(CaseworkError):
    """Art. 110 ust. 11: at most 50 families and single persons per social worker."""

    field = "override_reason"


class NotATeamWorker(CaseworkError):
    """A case is assigned only to an active social worker of this team (as the gateway's staff
    accounts say), named as the gateway names them."""

    field = "worker"


class InvalidShape(CaseworkError):
    """A field of a command has the wrong type: a text where a list belongs, a list where the
    areas of a diagnosis belong, a number where a text belongs."""


class ContractInForce(CaseworkError):
    """A signed contract is still in force: record how it ended before the case is closed."""


class MissingCorrectionReason(CaseworkError):
    """A correction says why the record was wrong."""

    field = "reason"
    polish = "Podaj powód poprawki (np. pomyłka w opisie rozmowy)."


class NothingToCorrect(CaseworkError):
    """The record already says what the correction gives: no event, nothing stored."""

    polish = "Notatka ma już taką treść — nie ma czego poprawiać."


class NoSuchNote(CaseworkError):
    """The note to correct is not among the case's notes (numbered from 1, in the order written)."""

    field = "note"
    polish = "Nie ma takiej notatki w tej sprawie — wybierz notatkę z listy."


class CorrectionBeforeNote(CaseworkError):
    """A note is corrected on or after the day it was written."""

    field = "corrected_on"
    polish = "Data poprawki nie może być wcześniejsza niż data notatki."


# --- reading a command's fields: the type first, then the content ---------------------------

def a_string(value: Any, what: str) -> str:
    """A required text: a string, not a list or a number that happens to print as one."""
    if value is not None and not isinstance(value, str):
        raise InvalidShape(f"{what} must be a text, not {type(value).__name__} {value!r}")
    return a_text(value, what)


def an_optional_string(value: Any, what: str) -> str:
    """An optional text: absent or blank gives an empty text."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidShape(f"{what} must be a text, not {type(value).__name__} {value!r}")
    return one_line(value, what)


def strings(value: Any, what: str) -> list[str]:
    """A list of texts: a single text is refused, not read letter by letter."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise InvalidShape(f"{what} must be a list of texts, not {type(value).__name__} {value!r}")
    return [a_string(item, f"each of {what}") for item in value]


def a_mapping(value: Any, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidShape(f"{what} must be an object (name: value), not {type(value).__name__} {value!r}")
    return value


def a_flag(value: Any, what: str) -> bool:
    """Yes or no; absent means no. "false" as a text is refused rather than read as yes."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidShape(f"{what} must be true or false, not {value!r}")
    return value


def an_id(value: Any, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise InvalidShape(f"{what} must be an identifier (UUID), not {value!r}") from None


def ids(value: Any, what: str) -> list[uuid.UUID]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise InvalidShape(f"{what} must be a list of identifiers, not {type(value).__name__} {value!r}")
    return [an_id(item, f"each of {what}") for item in value]


def an_identity(person: Any) -> dict:
    """The identity intake registered (name, PESEL, address...): the texts it is made of, nothing else."""
    person = dict(a_mapping(person, "the person"))
    person["full_name"] = a_string(person.get("full_name"), "the person's name")
    for key in ("birth_date", "pesel", "document_number", "contact"):
        person[key] = an_optional_string(person.get(key), f"the person's {key.replace('_', ' ')}") or None
    if person["birth_date"]:
        person["birth_date"] = a_date(person["birth_date"], "the person's birth date").isoformat()
    address = a_mapping(person.get("address"), "the person's address")
    person["address"] = {k: an_optional_string(address.get(k), f"the address's {k.replace('_', ' ')}")
                         for k in ("street", "postal_code", "city")} if address else None
    unknown = sorted(set(person) - {"full_name", "birth_date", "pesel", "document_number", "contact", "address"})
    if unknown:
        raise InvalidShape(f"the person's identity has no {', '.join(unknown)}")
    return person


def a_known_code(value: Any, codes: Iterable[str], what: str) -> str:
    if not isinstance(value, str):
        raise InvalidShape(f"{what} must be a code (text), not {type(value).__name__} {value!r}")
    return a_code(value, codes, what)


def check_workload(load: int, limit: int, override_reason: str | None, overridden_by: str | None) -> None:
    """Assigning past the limit needs the team leader's override with a reason."""
    if load >= limit and not (override_reason and str(override_reason).strip() and overridden_by):
        raise WorkloadLimitReached(
            f"the worker already has {load} families and single persons (limit {limit}, art. 110 ust. 11); "
            "the team leader may override with a reason")


# What a case's personal fields read as once the person is erased (shared/erasure.py).
_ERASED_TERMS = {"parties": {"person": None, "worker": None}, "person_obligations": [], "worker_obligations": [],
                 "goal_ids": [], "valid_from": None, "valid_to": None}


class Case(Aggregate):
    """A person's or family's case in social work."""

    # Sealed with the person's own key (shared/erasure.py): who the person is and what the file says
    # of them. Dates, urgency, reasons for help (codes), workers, kinds of service, the steps of
    # contracts, progress levels and outcomes stay, for the team's loads and the statistics.
    PERSONAL = {
        "Opened": {"person": ERASED_IDENTITY, "routing_reason": None},
        "Diagnosed": {"areas": {}, "strengths": None, "resources": None},
        "GoalSet": {"description": None},
        "ActionPlanned": {"action": None, "who": None},
        "Noted": {"text": None},
        "NoteCorrected": {"old": None, "new": None, "reason": None},
        "ContractDrafted": {"terms": _ERASED_TERMS},
        "ContractAmended": {"terms": _ERASED_TERMS},
        "ServiceRequested": {"need": None},
        "PersonCorrected": {"person": ERASED_IDENTITY, "old": {}},
        "Evaluated": {"summary": None},
        "Closed": {"reason": None},
    }

    @property
    def erased(self) -> bool:
        """intake's identity always has a name (an_identity): only an erased case has none."""
        return self.person.get("full_name") is None

    @staticmethod
    def create_id(case_id: uuid.UUID | None = None, **_: Any) -> uuid.UUID:
        # Intake's reference for a routed case: a second delivery finds it taken.
        return case_id or uuid.uuid4()

    @event("Opened")
    def __init__(self, case_id: uuid.UUID | None, person_id: uuid.UUID, person: dict, opened_on: date,
                 urgent: bool, reasons_for_help: list[str], routing_reason: str, origin: str,
                 opened_by: str | None = None):
        self.person_id = person_id
        self.opened_by = opened_by
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
        self.person_corrections: list[dict] = []
        self.note_corrections: list[dict] = []  # what each note said before, why, who, when

    @classmethod
    def open_from_routing(cls, case_id: uuid.UUID, person_id: uuid.UUID, person: dict, routed_on: date,
                          urgent: bool, reasons_for_help: list[str], routing_reason: str) -> "Case":
        return cls(case_id=case_id, person_id=person_id, person=person, opened_on=routed_on, urgent=urgent,
                   reasons_for_help=list(reasons_for_help), routing_reason=routing_reason, origin="first_contact")

    @classmethod
    def open_on_initiative(cls, person_id: uuid.UUID, person: dict, opened_on: date, reason: str,
                           opened_by: str | None = None) -> "Case":
        """A worker opens a case for a person intake registered (e.g. met in the community)."""
        person = an_identity(person)
        return cls(case_id=None, person_id=an_id(person_id, "the person"), person=person,
                   opened_on=a_date(opened_on, "the opening date"), urgent=False, reasons_for_help=[],
                   routing_reason=a_string(reason, "the reason for the case"), origin="worker_initiative",
                   opened_by=an_optional_string(opened_by, "who opens the case") or None)

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
        worker = a_string(worker, "the social worker")
        if worker == self.worker:
            raise CaseworkError(f"the case is already assigned to {worker}")
        self._assigned(worker=worker, on=self._on_or_after_opening(on, "the assignment date"),
                       assigned_by=a_string(assigned_by, "who assigns"),
                       override_reason=an_optional_string(override_reason, "the override's reason") or None)

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
        if not a_flag(with_person, "with the person"):
            raise DiagnosisWithoutPerson("the diagnosis is recorded together with the person")
        areas = a_mapping(areas, "the diagnosis areas")
        if not areas:
            raise NoDiagnosis("name at least one area of the person's situation")
        checked = {a_known_code(a, DIAGNOSIS_AREAS, "diagnosis area"): a_string(d, f"the description of {a}")
                   for a, d in areas.items()}
        self._diagnosed(areas=checked, strengths=an_optional_string(strengths, "the strengths"),
                        resources=an_optional_string(resources, "the resources"),
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
        self._goal_set(goal_id=goal_id, description=a_string(description, "the goal"),
                       target_date=self._on_or_after_opening(target_date, "the target date"))
        return goal_id

    @event("GoalSet")
    def _goal_set(self, goal_id: str, description: str, target_date: date) -> None:
        self.goals.append({"goal_id": goal_id, "description": description, "target_date": target_date})

    def plan_action(self, action: str, who: str, by_when: date, goal_id: str) -> None:
        """The plan of cooperation: actions, who takes them, by when, for which goal."""
        self._worked()
        self._goal(a_string(goal_id, "the goal"))
        self._action_planned(action=a_string(action, "the action"), who=a_string(who, "who acts"),
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
        self._noted(text=a_string(text, "the note"),
                    written_on=self._on_or_after_opening(written_on, "the note's date"),
                    author=a_string(author, "the note's author"))

    @event("Noted")
    def _noted(self, text: str, written_on: date, author: str) -> None:
        self.notes.append({"text": text, "written_on": written_on, "author": author})

    def correct_note(self, number: Any, text: str, reason: str, corrected_by: str, corrected_on: date) -> None:
        """A note written wrongly gets its right text, on the terms a note is added (a case being
        worked): the event keeps the old text, why, who and when."""
        self._worked()
        if isinstance(number, bool) or not str(number).isdigit() or not 1 <= int(number) <= len(self.notes):
            raise NoSuchNote(f"the case has {len(self.notes)} notes; no such number")
        note = self.notes[int(number) - 1]
        text = a_string(text, "the note")
        reason = an_optional_string(reason, "the correction's reason")
        if not reason:
            raise MissingCorrectionReason("say why the note was wrong")
        corrected_on = a_date(corrected_on, "the correction's date")
        if corrected_on < note["written_on"]:
            raise CorrectionBeforeNote(f"a correction ({corrected_on}) cannot precede the note ({note['written_on']})")
        if text == note["text"]:
            raise NothingToCorrect("the note already says this")
        self._note_corrected(note=int(number), old=note["text"], new=text, reason=reason,
                             corrected_by=a_string(corrected_by, "who corrects"), corrected_on=corrected_on)

    @event("NoteCorrected")
    def _note_corrected(self, note: int, old: str, new: str, reason: str, corrected_by: str,
                        corrected_on: date) -> None:
        self.notes[note - 1] = {**self.notes[note - 1], "text": new}
        self.note_corrections.append({"note": note, "old": old, "new": new, "reason": reason,
                                      "corrected_by": corrected_by, "corrected_on": corrected_on})

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
        goal_ids = list(dict.fromkeys(strings(goal_ids, "the contract's goals")))
        if not goal_ids:
            raise NoGoals("a contract serves at least one of the case's goals")
        for goal_id in goal_ids:
            self._goal(goal_id)
        person = strings(person_obligations, "the person's obligations")
        worker = strings(worker_obligations, "the worker's obligations")
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
        contract = self.contract(a_string(contract_ref, "the contract's reference"))
        step = a_known_code(step, tuple(self._TRANSITIONS), "contract step")
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
        self._not_before_last_step(contract, on, f"the date to {step}")
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
        contract = self.contract(a_string(contract_ref, "the contract's reference"))
        if contract["status"] != "signed":
            raise ContractStateError(f"only a signed contract is amended; this one is {contract['status']}")
        # An amendment changes a signed contract: not before the case opened, the contract was
        # signed, or the previous amendment was made.
        on = self._not_before_last_step(contract, self._on_or_after_opening(on, "the amendment date"),
                                        "the amendment date")
        terms = self._terms(person_obligations, worker_obligations, goal_ids, valid_from, valid_to)
        self._contract_amended(contract_ref=contract_ref, on=on, terms=terms)
        return len(contract["versions"])

    @staticmethod
    def _not_before_last_step(contract: dict, on: date, what: str) -> date:
        """A contract's steps follow each other: signed, then amended, broken, fulfilled or expired."""
        if contract["history"]:
            last = contract["history"][-1]  # a sign or an amendment: the other steps end the contract
            done = {"sign": "signed", "amend": "last amended"}.get(last["step"], "settled")
            if on < last["on"]:
                raise InvalidDate(f"{what} ({on}) cannot be before the contract was {done} ({last['on']})")
        return on

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
        self._service_requested(request_id=request_id, kind=a_known_code(kind, CARE_SERVICE_KINDS, "service"),
                                urgent=a_flag(urgent, "urgent"), need=a_string(need, "the need"),
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

    # --- the person's identity, as first contact corrects it ----------------------------------

    def correct_person(self, person: dict, corrected_on: date) -> bool:
        """First contact corrected the person's identity (intake's PersonCorrected): the case keeps
        it as it now is, and the event the old one (the case's earlier events keep it too), closed
        or not. False, and no event, if the case already says this."""
        corrected = [k for k, v in person.items() if self.person.get(k) != v]
        if not corrected:
            return False
        self._person_corrected(person={**self.person, **person}, corrected=corrected,
                               old={k: self.person.get(k) for k in corrected}, corrected_on=corrected_on)
        return True

    @event("PersonCorrected")
    def _person_corrected(self, person: dict, corrected: list[str], old: dict, corrected_on: date) -> None:
        self.person = person
        self.person_corrections.append({"corrected": corrected, "old": old, "corrected_on": corrected_on})

    # --- evaluation and closure --------------------------------------------------------------

    def evaluate(self, on: date, final: bool, summary: str, progress: dict) -> None:
        """Ongoing (periodic) or final evaluation of progress towards each goal."""
        self._worked()
        if not self.goals:
            raise NoGoals("an evaluation weighs progress towards the case's goals")
        final = a_flag(final, "final")
        checked = {}
        for goal_id, level in a_mapping(progress, "the progress towards each goal").items():
            self._goal(goal_id)
            checked[goal_id] = a_known_code(level, GOAL_PROGRESS, "progress")
        if final and set(checked) != {g["goal_id"] for g in self.goals}:
            raise CaseworkError("a final evaluation weighs every goal")
        self._evaluated(on=self._on_or_after_opening(on, "the evaluation date"), final=final,
                        summary=a_string(summary, "the evaluation's summary"), progress=checked)

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
        finals = [e["on"] for e in self.evaluations if e["final"]]
        if not finals:
            raise NoFinalEvaluation("a case is closed after its final evaluation")
        outcome = a_known_code(outcome, CLOSING_OUTCOMES, "outcome")
        reason = a_string(reason, "the reason")
        closed_on = self._on_or_after_opening(closed_on, "the closing date")
        if closed_on < max(finals):
            raise InvalidDate(f"the closing date ({closed_on}) cannot be before the final evaluation ({max(finals)})")
        # A signed contract is refused rather than settled for the worker: whether it was
        # fulfilled, broken or has expired is the worker's finding (and "broken" reaches the
        # decisions team under art. 11), so the worker records it first, then closes.
        in_force = [c["contract_ref"] for c in self.contracts if c["status"] == "signed"]
        if in_force:
            raise ContractInForce(
                f"the signed contract {', '.join(in_force)} is still in force: record it as fulfilled, broken "
                "or expired before closing the case")
        self._closed(outcome=outcome, reason=reason, closed_on=closed_on)

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
        return cls(name=a_string(name, "the group's name"), kind=a_known_code(kind, GROUP_KINDS, "group kind"),
                   scope=a_known_code(scope, GROUP_SCOPES, "group scope"),
                   facilitator=a_string(facilitator, "the facilitator"),
                   formed_on=a_date(formed_on, "the date the group formed"))

    def join(self, person_id: uuid.UUID) -> None:
        person_id = an_id(person_id, "the member")
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
        present = list(dict.fromkeys(ids(present, "the attendance")))
        strangers = [p for p in present if p not in self.members]
        if strangers:
            raise CaseworkError(f"attendance lists people who are not members: {strangers}")
        self._session_held(held_on=held_on, topic=a_string(topic, "the session's topic"), present=present)

    @event("SessionHeld")
    def _session_held(self, held_on: date, topic: str, present: list) -> None:
        self.sessions.append({"held_on": held_on, "topic": topic, "present": present})


# --- the team: who its leaders and social workers are, as the gateway's staff accounts say ---

TEAM = "casework"  # the team's code in the gateway's accounts (shared/contracts/gateway.py)
TEAM_ROLES = (SOCIAL_WORKER, SOCIAL_WORK_TEAM_LEADER)


def concerns_the_team(team: str | None, roles: Iterable[str]) -> bool:
    """A member of staff this team keeps a record of: in the team, or holding one of its roles."""
    return team == TEAM or any(r in TEAM_ROLES for r in roles)


class TeamMember(Aggregate):
    """A member of staff as the gateway last described them to this team: name, team, roles,
    whether the account is active. One event per change, so who was on the team on any date
    can be rebuilt. The aggregate's id is the gateway's staff id."""

    @staticmethod
    def create_id(staff_id: uuid.UUID, **_: Any) -> uuid.UUID:
        return staff_id

    @event("Registered")
    def __init__(self, staff_id: uuid.UUID, name: str, team: str | None, roles: list[str], active: bool):
        self.name = name
        self.team = team
        self.roles = roles
        self.active = active

    @classmethod
    def register(cls, staff_id: uuid.UUID, name: str, team: str | None, roles: Iterable[str],
                 active: bool) -> "TeamMember":
        return cls(staff_id=an_id(staff_id, "the member of staff"), **cls._checked(name, team, roles, active))

    def change(self, name: str, team: str | None, roles: Iterable[str], active: bool) -> bool:
        """Records the member's current state; False if nothing changed."""
        state = self._checked(name, team, roles, active)
        if state == {"name": self.name, "team": self.team, "roles": self.roles, "active": self.active}:
            return False
        self._changed(**state)
        return True

    @event("Changed")
    def _changed(self, name: str, team: str | None, roles: list[str], active: bool) -> None:
        self.name, self.team, self.roles, self.active = name, team, roles, active

    @staticmethod
    def _checked(name: Any, team: Any, roles: Any, active: Any) -> dict:
        return {"name": a_text(a_string(name, "the member's name"), "the member's name", LINE_MAX),
                "team": an_optional_string(team, "the member's team") or None,
                "roles": sorted(set(strings(roles, "the member's roles"))),
                "active": a_flag(active, "whether the account is active")}

    @property
    def is_worker(self) -> bool:
        """An active social worker of this team: a case may be assigned to them."""
        return self.holds(SOCIAL_WORKER, self.team, self.roles, self.active)

    @property
    def is_leader(self) -> bool:
        return self.holds(SOCIAL_WORK_TEAM_LEADER, self.team, self.roles, self.active)

    @staticmethod
    def holds(role: str, team: str | None, roles: Iterable[str], active: bool) -> bool:
        """Whether a member of staff so described holds the role in this team now."""
        return active and team == TEAM and role in roles
