"""The care team's application: requests from social work and first contact, the service's
steps, care-home referrals, family assistants, and the team leader's hour reports.

Queries that return a person's care file take `reader`, the member of staff asking (the
gateway's token, shared/identity.py), and record the read in the access log; reads by the
system itself (the policy, the MRPiPS-03 figures) pass nothing and record nothing."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterator
from uuid import UUID

from services.care.domain import (
    IDENTITY_FIELDS,
    SERVICE_KINDS,
    Carer,
    CareService,
    DpsReferral,
    FamilyAssistance,
    MissingSignature,
    NotFound,
    PersonsFile,
)
from services.care.read_model import CareReadModel
from services.care.rules import CareRules
from shared.contracts.care import (
    CARE_HOURS_CORRECTED,
    CARE_HOURS_DELIVERED,
    CARE_REQUEST_RECEIVED,
    CARE_SERVICE_ENDED,
    CARE_SERVICE_GRANTED,
    DPS_PLACEMENT_MADE,
    DPS_REFERRAL_SUBMITTED,
    DPS_REFERRAL_WITHDRAWN,
)
from shared.contracts.casework import PERSON_CORRECTED_FOR_CARE, PERSON_ERASED_FOR_CARE, SERVICES_REQUESTED
from shared.contracts.intake import CASE_ROUTED, PERSON_CORRECTED, PERSON_ERASED
from shared.envelope import Envelope
from shared.mrpips03 import half_year
from shared.retention import Retention, erase_when_over
from shared.rule_table import zl
from shared.store import ServiceApplication
from shared.views import page_limit


class CareApplication(Retention, ServiceApplication):
    service = "care"

    def __init__(self, database_url: str, rules_file: str | None = None, assistant_limit: int = 15,
                 on_authority_of: str | None = None, **settings: Any):
        super().__init__(database_url, **settings)
        self.rules = CareRules.load(rules_file or None)
        self.assistant_limit = int(assistant_limit)  # families per family assistant: the centre's setting
        # On whose authority the centre issues its decisions (e.g. "z upoważnienia Burmistrza Skawiny"):
        # the centre's setting (CARE_ON_AUTHORITY_OF), never a request's.
        self.on_authority_of = str(on_authority_of or "").strip() or None

    @functools.cached_property
    def read_model(self) -> CareReadModel:
        """The lists, the reports' files and the closing days as tables (made when first read: a tool
        reading the store makes none)."""
        return CareReadModel(self)

    def read_models(self) -> list:
        return [self.read_model]

    def files_closed(self) -> Iterator[tuple[UUID, date]]:
        """Each person (not erased) whose every file here is closed, and the day the last closed
        (shared/retention.py). The erased person's files keep their rows: they are still counted."""
        return ((person_id, closed_on) for person_id, closed_on in self.read_model.files_closed()
                if not self.erased(person_id))

    def file_closed(self, person_id: UUID) -> date | None:
        """The day the person's file here closed; None while any part of it is open (or none is here)."""
        return self.read_model.file_closed(person_id)

    # --- policy on requests from other teams ------------------------------------------------

    def policy(self, envelope: Envelope) -> list[Any]:
        data = envelope.data
        if envelope.type == SERVICES_REQUESTED.type:
            person = {k: data.get(k) for k in IDENTITY_FIELDS}
            return self._received(self._request(data["kind"], UUID(data["person_id"]), person, data["urgent"],
                                                date.fromisoformat(data["requested_on"]), data["request_ref"],
                                                UUID(data["case_id"]), origin="casework"))
        if envelope.type in (PERSON_CORRECTED["care"].type, PERSON_CORRECTED_FOR_CARE.type):
            return self.person_corrected(UUID(data["person_id"]), {k: data[k] for k in IDENTITY_FIELDS},
                                         date.fromisoformat(data["corrected_on"]),
                                         via_casework=envelope.type == PERSON_CORRECTED_FOR_CARE.type)
        if envelope.type in (PERSON_ERASED["care"].type, PERSON_ERASED_FOR_CARE.type):
            # a care file is kept for its own period, counted from the end of the person's last service here
            # (the notice from intake, or from casework for a person social work asked care to serve)
            erase_when_over(self, UUID(data["person_id"]), date.fromisoformat(data["erased_on"]))
            return []
        if envelope.type == CASE_ROUTED["care"].type:
            person = {k: data.get(k) for k in IDENTITY_FIELDS}
            forms = {"uslugi_opiekuncze": "uslugi_opiekuncze",
                     "specjalistyczne_uslugi_opiekuncze": "specjalistyczne_uslugi_opiekuncze",
                     "pobyt_w_dps": "dps"}
            kinds = [forms[f] for f in data["help_requested"] if f in forms] or [None]
            return self._received(*(self._request(kind, UUID(data["person_id"]), person, data["urgent"],
                                                  date.fromisoformat(data["routed_on"]), f"{data['case_id']}/{kind}",
                                                  None, origin="first_contact")
                                    for kind in kinds))
        return []

    def person_corrected(self, person_id: UUID, person: dict, corrected_on: date,
                         via_casework: bool) -> list[PersonsFile]:
        """The policy's step on a PersonCorrected: each of the person's files (services, care-home
        referrals, family assistance), open or closed, keeps the identity as first contact now has
        it (to be saved). A file follows the team that told care of the person: one a social
        worker's request opened (it names the case) takes casework's correction, passed on from
        intake's; the others intake's own. So the two streams, which arrive independently, never
        take turns on one file (an earlier correction arriving late over the other would undo a
        later one). Nothing for a person whose file here is erased."""
        if self.erased(person_id):
            return []
        files = (self.repository.get(i) for i in self.read_model.files_of(person_id, via_casework))
        return [file for file in files if file.correct_person(person, corrected_on)]

    def person_files(self, person_id: UUID) -> list[PersonsFile]:
        """The person's services, care-home referrals and family assistance, in the order opened."""
        return [self.repository.get(file_id) for file_id in self.read_model.files_of(person_id)]

    def _received(self, *requests) -> list[Any]:
        """The new requests, each with the fact that care holds it (for the team's pages)."""
        asked_for = {DpsReferral: ("dps", "started_on"), FamilyAssistance: ("family_assistant", "requested_on"),
                     CareService: ("care_service", "requested_on")}
        published = []
        for request in requests:
            kind, on = asked_for[type(request)]
            published.append(self.integration_event(CARE_REQUEST_RECEIVED, {
                "request_id": str(request.id), "asked_for": kind, "received_on": getattr(request, on).isoformat(),
                "request_ref": request.request_ref,
                "case_id": str(request.case_id) if request.case_id else None}))
        return [*requests, *published]

    @staticmethod
    def _request(kind, person_id, person, urgent, on, request_ref, case_id, origin):
        if kind == "dps":
            return DpsReferral(request_ref=request_ref, case_id=case_id, person_id=person_id, person=person,
                               started_on=on)
        if kind == "asystent_rodziny":
            return FamilyAssistance(request_ref=request_ref, case_id=case_id, person_id=person_id, person=person,
                                    requested_on=on)
        return CareService.request(person_id, person, kind if kind in SERVICE_KINDS else None, urgent, on, origin,
                                   request_ref=request_ref, case_id=case_id)

    # --- commands ----------------------------------------------------------------------------

    def open_request(self, person_id: UUID, person: dict, kind: str | None, urgent: bool, requested_on: date) -> UUID:
        """The team's own initiative, for a person intake registered."""
        service = CareService.request(person_id, person, kind, urgent, requested_on, origin="care_team")
        self.save(*self._received(service))
        return service.id

    def register_carer(self, name: str, employer: str) -> UUID:
        carer = Carer.register(name, employer)
        self.save(carer)
        return carer.id

    def assess(self, service_id: UUID, **assessment: Any) -> None:
        self._do(CareService, service_id, lambda s: s.assess(**assessment))

    def state_income(self, service_id: UUID, **statement: Any) -> None:
        self._do(CareService, service_id, lambda s: s.state_income(**statement))

    def grant(self, service_id: UUID, *, signed_by: str, issued_on: Any, exemption_percent: Any = "0",
              exemption_reason: str = "", on_authority_of: str | None = None) -> dict:
        """The decision granting the service. `signed_by` is the signed-in signatory's name (the
        HTTP edge passes the token's, never a request body's); the authority is the centre's
        setting. `on_authority_of` is for in-process callers only (a centre built in one process
        in tests); the HTTP edge never passes it."""
        authority = on_authority_of or self.on_authority_of
        if not authority:
            raise MissingSignature("the centre's setting on_authority_of (CARE_ON_AUTHORITY_OF) is empty: "
                                   "a decision names on whose authority it is issued")

        def grant(s: CareService):
            s.grant_service(self.rules, issued_on=issued_on, signed_by=signed_by, on_authority_of=authority,
                            exemption_percent=exemption_percent, exemption_reason=exemption_reason)
            a = s.assessment
            return self.integration_event(CARE_SERVICE_GRANTED, {
                "service_id": str(s.id), "person_id": str(s.person_id), "kind": s.kind,
                "hours_per_week": float(a["hours_per_week"]), "period_from": a["period_from"].isoformat(),
                "period_to": a["period_to"].isoformat() if a["period_to"] else None,
                "granted_on": s.grant["issued_on"].isoformat(), **self._request_of(s)})

        self._do(CareService, service_id, grant, publishes=True)
        return self.aggregate(CareService, service_id, NotFound).grant

    def set_roster(self, service_id: UUID, carer_id: UUID, visits: list[dict], valid_from: Any = None) -> None:
        self.aggregate(Carer, carer_id, NotFound)
        self._do(CareService, service_id, lambda s: s.set_roster(carer_id, visits, valid_from))

    def record_visit(self, service_id: UUID, carer_id: UUID, **visit: Any) -> None:
        self.aggregate(Carer, carer_id, NotFound)

        def visit_made(s: CareService):
            s.record_visit(carer_id, **visit)
            return self.integration_event(CARE_HOURS_DELIVERED, {**self._delivered(s.visits[-1]), "kind": s.kind})

        self._do(CareService, service_id, visit_made, publishes=True)

    def correct_visit(self, service_id: UUID, visit: Any, corrected_by: str, reason: str, corrected_on: Any,
                      carer_id: UUID | None = None, **values: Any) -> list[str]:
        """Corrects a visit recorded wrongly; `corrected_by` is the signed-in member of staff.
        A corrected carer, day or hours goes to the team that counted the delivered hours
        (CareHoursCorrected: as recorded and as corrected). Returns the fields that changed."""
        if carer_id is not None:
            self.aggregate(Carer, carer_id, NotFound)
        service = self.aggregate(CareService, service_id, NotFound)
        changed = service.correct_visit(visit, reason=reason, corrected_by=corrected_by, corrected_on=corrected_on,
                                        carer_id=carer_id, **values)
        published = []
        if {"carer_id", "on", "hours"} & set(changed):
            correction = service.corrections[-1]
            now = service.visits[correction["number"] - 1]
            published.append(self.integration_event(CARE_HOURS_CORRECTED, {
                **self._delivered({**now, **correction["old"]}, "old_"), **self._delivered(now),
                "corrected_on": correction["corrected_on"].isoformat(), "kind": service.kind}))
        self.save(service, *published)
        return changed

    def correct_roster(self, service_id: UUID, roster: Any, corrected_by: str, reason: str, corrected_on: Any,
                       **values: Any) -> list[str]:
        """Corrects a roster recorded wrongly; `corrected_by` is the signed-in member of staff.
        Returns the fields that changed."""
        return self._do(CareService, service_id, lambda s: s.correct_roster(
            roster, reason=reason, corrected_by=corrected_by, corrected_on=corrected_on, **values))

    def record_missed_visit(self, service_id: UUID, carer_id: UUID, **missed: Any) -> None:
        self.aggregate(Carer, carer_id, NotFound)
        self._do(CareService, service_id, lambda s: s.record_missed_visit(carer_id, **missed))

    def end(self, service_id: UUID, on: date, reason: str) -> None:
        def end(s: CareService):
            s.end(on, reason)
            if not s.grant:
                return None
            return self.integration_event(CARE_SERVICE_ENDED, {
                "service_id": str(s.id), "person_id": str(s.person_id), "kind": s.kind,
                "ended_on": s.ended["on"].isoformat(), **self._request_of(s)})

        self._do(CareService, service_id, end, publishes=True)

    def gather_document(self, referral_id: UUID, document: str, on: date) -> None:
        self._do(DpsReferral, referral_id, lambda r: r.gather(document, on))

    def submit_referral(self, referral_id: UUID, on: date) -> None:
        def submit(r: DpsReferral):
            r.submit(on)
            return self.integration_event(DPS_REFERRAL_SUBMITTED, {
                "referral_id": str(r.id), "person_id": str(r.person_id), "submitted_on": r.submitted_on.isoformat(),
                **self._request_of(r)})

        self._do(DpsReferral, referral_id, submit, publishes=True)

    def record_waiting_position(self, referral_id: UUID, position: int, on: date) -> None:
        self._do(DpsReferral, referral_id, lambda r: r.record_waiting_position(position, on))

    def place(self, referral_id: UUID, home: str, on: date) -> None:
        def place(r: DpsReferral):
            r.place(home, on)
            return self.integration_event(DPS_PLACEMENT_MADE, {
                "referral_id": str(r.id), "person_id": str(r.person_id), "placed_on": r.placed["on"].isoformat(),
                **self._request_of(r)})

        self._do(DpsReferral, referral_id, place, publishes=True)

    def withdraw_referral(self, referral_id: UUID, on: date, reason: str) -> None:
        def withdraw(r: DpsReferral):
            r.withdraw(on, reason)  # the reason stays in the care team's file
            return self.integration_event(DPS_REFERRAL_WITHDRAWN, {
                "referral_id": str(r.id), "person_id": str(r.person_id),
                "withdrawn_on": r.withdrawn["on"].isoformat(), **self._request_of(r)})

        self._do(DpsReferral, referral_id, withdraw, publishes=True)

    def assign_assistant(self, assistance_id: UUID, assistant: str, on: date) -> None:
        # The assistant's other families: one person however the name is typed, this family not counted.
        families = self.read_model.assistant_families(assistant, besides=assistance_id)
        self._do(FamilyAssistance, assistance_id, lambda a: a.assign(assistant, on, families, self.assistant_limit))

    def record_assistance_visit(self, assistance_id: UUID, **visit: Any) -> None:
        self._do(FamilyAssistance, assistance_id, lambda a: a.record_visit(**visit))

    def end_assistance(self, assistance_id: UUID, on: date, reason: str) -> None:
        self._do(FamilyAssistance, assistance_id, lambda a: a.end(on, reason))

    # --- queries -------------------------------------------------------------------------------

    def care_service(self, service_id: UUID, reader: Any = None) -> CareService:
        """A person's care service (identity, assessment, income statement, grant, visits)."""
        service = self.aggregate(CareService, service_id, NotFound)
        self.record_read(reader, "care service", [service.id], [service.person_id])
        return service

    def services(self, state: str | None = None, limit: int | None = None, after: str | None = None,
                 reader: Any = None) -> dict:
        """The care services (of one state, or all), the ended last, urgent first, then oldest first,
        a page at a time: `{"services": [...], "next_after": ...}`, each a row of what the list shows."""
        rows, next_after = self.read_model.services(state, page_limit(limit), after)
        return {"services": self._shown(reader, "care services", rows, "service_id"), "next_after": next_after}

    def mrpips03_part(self, year: int, half: int) -> dict[str, dict]:
        """This team's rows of the half-year MRPiPS-03 report, figures only: per kind of care service
        granted for part of the half-year, the persons, the hours delivered in it (the benefits), their
        cost at the hourly cost of the grant (the amount), and their households (the care team's own
        income statements). Hours as benefits and cost as amount are this team's reading of the form
        [unconfirmed]."""
        first, last = half_year(year, half)
        part: dict[str, dict] = {}
        people: dict[str, dict] = {}
        for service_id in self.read_model.services_granted_for(first, last, open_on_first=True):
            s = self.repository.get(service_id)
            hours = s.delivered_hours(first, last)
            row = part.setdefault(s.kind, {"benefits": Decimal(0), "amount": Decimal(0)})
            row["benefits"] += hours
            row["amount"] += zl(hours * s.grant["hourly_cost"])
            people.setdefault(s.kind, {})[s.person_id] = s.grant["members"]
        for kind, households in people.items():
            part[kind].update(persons=len(households), families=len(households),
                              persons_in_families=sum(households.values()))
        return part

    def referral(self, referral_id: UUID, reader: Any = None) -> DpsReferral:
        referral = self.aggregate(DpsReferral, referral_id, NotFound)
        self.record_read(reader, "dps referral", [referral.id], [referral.person_id])
        return referral

    def referrals(self, limit: int | None = None, after: str | None = None, reader: Any = None) -> dict:
        """The care-home referrals, newest first, a page at a time: `{"referrals": [...], "next_after": ...}`."""
        rows, next_after = self.read_model.referrals(page_limit(limit), after)
        return {"referrals": self._shown(reader, "dps referrals", rows, "referral_id"), "next_after": next_after}

    def assistance(self, assistance_id: UUID, reader: Any = None) -> FamilyAssistance:
        assistance = self.aggregate(FamilyAssistance, assistance_id, NotFound)
        self.record_read(reader, "family assistance", [assistance.id], [assistance.person_id])
        return assistance

    def assistances(self, limit: int | None = None, after: str | None = None, reader: Any = None) -> dict:
        """The families with (or waiting for) a family assistant, newest first, a page at a time:
        `{"families": [...], "next_after": ...}`."""
        rows, next_after = self.read_model.assistances(page_limit(limit), after)
        return {"families": self._shown(reader, "family assistance", rows, "assistance_id"), "next_after": next_after}

    def carers(self, limit: int | None = None, after: str | None = None) -> dict:
        """The carers in the order registered, a page at a time: `{"carers": [...], "next_after": ...}`."""
        rows, next_after = self.read_model.carers(page_limit(limit), after)
        return {"carers": rows, "next_after": next_after}

    def statement(self, service_id: UUID, month: str, reader: Any = None) -> dict:
        """A month's fee statement of a person's service (hours, fee, amount due)."""
        service = self.care_service(service_id)
        statement = service.monthly_statement(month, self.rules)
        self.record_read(reader, "fee statement", [service.id], [service.person_id])
        return statement

    def hours(self, first: date, last: date, reader: Any = None) -> dict:
        """Ordered against delivered hours per person and per carer, for the team leader: the
        services granted for a period reaching these days (another has none in them), and every
        carer. The rows per person name the person: a read of their files."""
        people, read = [], []
        carers = {c["carer_id"]: {"carer": c["name"], "employer": c["employer"], "ordered_hours": Decimal(0),
                                  "delivered_hours": Decimal(0), "missed_visits": 0}
                  for c in self.read_model.all_carers()}
        for service_id in self.read_model.services_granted_for(first, last):
            s = self.repository.get(service_id)
            read.append(s)
            people.append({"service_id": s.id, "person": s.person.get("full_name"), "kind": s.kind,
                           "ordered_hours": s.ordered_hours(first, last),
                           "delivered_hours": s.delivered_hours(first, last),
                           "missed_visits": s.missed_visits(first, last)})
            # Only the carers the service names (its rosters, visits, missed visits): another's figures are nought.
            named = {r["carer_id"] for r in s.rosters} | {v["carer_id"] for v in (*s.visits, *s.missed)}
            for carer_id, row in ((c, carers[c]) for c in named if c in carers):
                row["ordered_hours"] += s.ordered_hours(first, last, carer_id)
                row["delivered_hours"] += s.delivered_hours(first, last, carer_id)
                row["missed_visits"] += s.missed_visits(first, last, carer_id)
        self.record_read(reader, "care hours", [s.id for s in read], [s.person_id for s in read])
        return {"from": first, "to": last, "people": people, "carers": list(carers.values())}

    def assistants_load(self) -> dict[str, int]:
        """Families each family assistant works with now, under the name first recorded for them."""
        return self.read_model.assistants_load()

    # --- internals -------------------------------------------------------------------------------

    def _delivered(self, visit: dict, prefix: str = "") -> dict:
        """A visit's delivered hours as the contracts carry them: who (the carer's name), how long, when."""
        return {f"{prefix}carer": self.aggregate(Carer, visit["carer_id"], NotFound).name,
                f"{prefix}hours": float(visit["hours"]), f"{prefix}delivered_on": visit["on"].isoformat()}

    @staticmethod
    def _request_of(thing: Any) -> dict:
        return {"request_ref": thing.request_ref if thing.case_id else None,
                "case_id": str(thing.case_id) if thing.case_id else None}

    def _shown(self, reader: Any, what: str, rows: list[dict], id_name: str) -> list[dict]:
        """A list's page, its read recorded: the files shown, and the persons they are of."""
        self.record_read(reader, what, [r[id_name] for r in rows], [r["person_id"] for r in rows])
        return rows

    def _do(self, kind: type, thing_id: UUID, command: Callable[[Any], Any], publishes: bool = False) -> Any:
        """Runs a command on one aggregate and saves it; a command that publishes returns its
        integration event, another its answer."""
        thing = self.aggregate(kind, thing_id, NotFound)
        if isinstance(thing, PersonsFile):
            self.kept(thing.person_id)
        result = command(thing)
        self.save(thing, *([result] if publishes and result is not None else []))
        return None if publishes else result
