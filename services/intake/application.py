"""First contact's application: register people, record the first-contact talk, route cases."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any, Iterable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from services.intake.domain import (
    FirstContact,
    Person,
    person_id_for,
    routing_id,
    validate_pesel,
)
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED
from shared.keys import secret
from shared.store import LogProjection, ServiceApplication
from shared.vocabulary import ROUTING_TEAMS


class PersonNotFound(LookupError):
    """No person with this reference, PESEL or name in the register."""


class FirstContactNotFound(LookupError):
    """No first-contact talk with this reference."""


class IntakeApplication(ServiceApplication):
    service = "intake"

    def __init__(self, database_url: str, teams: Iterable[str] = ROUTING_TEAMS, person_id_key_file: str | None = None,
                 **settings: Any):
        super().__init__(database_url, **settings)
        # The centre's own team structure (3 or 4 teams, art. 110a): configuration.
        self.teams = frozenset(teams)
        self._person_id_key_file = person_id_key_file
        self._names: dict[UUID, str] = {}
        self._talks: dict[UUID, UUID] = {}  # first-contact talk -> person
        self._routings: list[dict] = []
        self._register = LogProjection(
            self,
            [get_topic(Person.Registered), get_topic(FirstContact.Recorded), get_topic(FirstContact.Routed)],
            self._project,
        )

    @functools.cached_property
    def person_id_key(self) -> bytes:
        """The key of the published person references: lost, the same PESEL gets a new reference."""
        if not (self._person_id_key_file or self.secrets_dir):
            raise RuntimeError("intake needs its secrets folder or person_id_key_file for the person references' key")
        return secret(Path(self._person_id_key_file or self.secrets_dir / "intake-person-id.key")).encode()

    # --- commands ----------------------------------------------------------------------

    def register_person(self, registered_on: date, **identity: Any) -> tuple[UUID, bool]:
        """Registers a person; the same PESEL (or document) finds the person already registered.

        Returns the person's reference and whether the person is new.
        """
        person = Person.register(self.person_id_key, registered_on=registered_on, **identity)
        if self._exists(person.id):
            return person.id, False
        published = self.integration_event(
            CLIENT_REGISTERED, {"person_id": str(person.id), "registered_on": registered_on.isoformat()}
        )
        try:
            self.save(person, published)
        except IntegrityError:  # registered a moment ago by another request
            return person.id, False
        return person.id, True

    def record_first_contact(self, person_id: UUID, **talk: Any) -> UUID:
        self.person(person_id)
        contact = FirstContact.record(person_id=person_id, **talk)
        self.save(contact)
        return contact.id

    def route_case(self, contact_id: UUID, team: str, reason: str, routed_on: date) -> UUID:
        """Routes the case to a team; the team receives the person's identity and this note only."""
        contact = self._contact(contact_id)
        contact.route(team=team, reason=reason, routed_on=routed_on, teams=self.teams)
        person: Person = self.repository.get(contact.person_id)
        case_id = contact.routing_id(team)
        contract = CASE_ROUTED[team]
        data = {
            "case_id": str(case_id),
            "person_id": str(person.id),
            "routed_on": routed_on.isoformat(),
            "urgent": contact.urgent,
            "full_name": person.name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "pesel": person.pesel,
            "document_number": person.document_number,
            "address": person.address,
            "contact": person.contact,
            "routing_reason": reason.strip(),
        }
        if team == "casework":
            data["reasons_for_help"] = list(contact.reasons_for_help)
        else:
            data["help_requested"] = list(contact.help_requested)
        self.save(contact, self.integration_event(contract, data))
        return case_id

    # --- queries -----------------------------------------------------------------------

    def person(self, person_id: UUID, reader: Any = None) -> Person:
        """A person's record; a member of staff's read is recorded in the access log."""
        person = self.aggregate(Person, person_id, PersonNotFound)
        self.record_read(reader, "person", [person.id], [person.id])
        return person

    def find_by_pesel(self, pesel: str, reader: Any = None) -> Person:
        pesel = validate_pesel(pesel, None)
        try:
            person = self.repository.get(person_id_for(self.person_id_key, pesel=pesel))
        except AggregateNotFoundError:
            raise PersonNotFound("no person with this PESEL in the register") from None
        self.record_read(reader, "person search", [person.id], [person.id])
        return person

    def find_by_name(self, text: str, reader: Any = None) -> list[Person]:
        words = str(text or "").casefold().split()
        if not words:
            raise PersonNotFound("give a name (or part of one) to search for")
        self._register.catch_up()
        found = [self.repository.get(pid) for pid, name in self._names.items()
                 if all(w in name.casefold() for w in words)]
        self.record_read(reader, "person search", [p.id for p in found], [p.id for p in found])
        return found

    def routed_cases(self, team: str | None = None, reader: Any = None) -> list[dict]:
        """Every routing, oldest first, with the receiving team's case reference."""
        self._register.catch_up()
        found = [r for r in self._routings if team in (None, r["team"])]
        self.record_read(reader, "routings", [r["case_id"] for r in found], [r["person_id"] for r in found])
        return found

    # --- internals ---------------------------------------------------------------------

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def _contact(self, contact_id: UUID) -> FirstContact:
        try:
            return self.repository.get(contact_id)
        except AggregateNotFoundError:
            raise FirstContactNotFound(f"no first-contact talk {contact_id}") from None

    def _project(self, event: Any) -> None:
        if isinstance(event, Person.Registered):
            self._names[event.originator_id] = event.name
        elif isinstance(event, FirstContact.Recorded):
            self._talks[event.originator_id] = event.person_id
        elif isinstance(event, FirstContact.Routed):
            person_id = self._talks[event.originator_id]
            self._routings.append(
                {
                    "case_id": routing_id(event.originator_id, event.team),
                    "contact_id": event.originator_id,
                    "person_id": person_id,
                    "full_name": self._names[person_id],
                    "team": event.team,
                    "routed_on": event.routed_on,
                    "reason": event.reason,
                }
            )
