"""First contact's application: register people, record the first-contact talk, route cases."""

from __future__ import annotations

import functools
import secrets
from datetime import date
from pathlib import Path
from typing import Any, Iterable
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from services.intake.domain import (
    IDENTITY_FIELDS,
    FirstContact,
    IdentifierTaken,
    IdentityDiffers,
    IndexEntry,
    Person,
    index_entry_id,
    person_id_for,
    validate_pesel,
)
from services.intake.read_model import IntakeReadModel
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED, PERSON_CORRECTED, PERSON_ERASED
from shared.erasure import PersonFileErased
from shared.keys import secret
from shared.store import ServiceApplication
from shared.views import page_limit
from shared.vocabulary import ROUTING_TEAMS


class NameIndexKeyMissing(RuntimeError):
    """An encrypted store opened without the secrets folder that keeps the name index's key."""


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
        self._in_memory = database_url == "sqlite:///:memory:" or self.rebuilt  # a replay's (shared/audit.py)

    @functools.cached_property
    def read_model(self) -> IntakeReadModel:
        """The names and routings as tables (made when first read: a tool reading the store makes none)."""
        return IntakeReadModel(self, self._name_index_key())

    def read_models(self) -> list:
        return [self.read_model]

    def _name_index_key(self) -> bytes:
        """The key of the name search's index (docs/architecture.md, "Read models"), in the secrets
        folder beside the store's, so backups carry it. A store kept in clear without a secrets
        folder (in memory, tests) keeps its names in clear too: its index needs no key. A store in
        memory (an audit replay) has its index for as long as the process: any key will do."""
        if self.secrets_dir:
            return secret(self.secrets_dir / "intake-name-index.key").encode()
        if self.mapper.cipher is None:
            return b""
        if self._in_memory:
            return secrets.token_bytes(32)
        raise NameIndexKeyMissing("intake's store is encrypted: its name index needs the secrets folder for its key")

    @functools.cached_property
    def person_id_key(self) -> bytes:
        """The key of the published person references: lost, the same PESEL gets a new reference."""
        if not (self._person_id_key_file or self.secrets_dir):
            raise RuntimeError("intake needs its secrets folder or person_id_key_file for the person references' key")
        return secret(Path(self._person_id_key_file or self.secrets_dir / "intake-person-id.key")).encode()

    # --- commands ----------------------------------------------------------------------

    def register_person(self, registered_on: date, **identity: Any) -> tuple[UUID, bool]:
        """Registers a person; the same PESEL (or document) finds the person already registered,
        and with other identity data is refused (IdentityDiffers, naming the fields): the desk
        decides whether to correct the record.

        Returns the person's reference and whether the person is new.
        """
        person = Person.register(self.person_id_key, registered_on=registered_on, **identity)
        holder = self._holder(person.pesel, person.document_number)
        if holder is not None:
            return self._same_person(holder, person), False
        entry = self._index_entry(person.pesel, person.document_number)
        if self._exists(person.id):
            # A correction took this PESEL from the person registered under it, or the person
            # registered under it was erased: the newcomer gets a reference of their own, which the
            # index finds.
            person = Person.register(self.person_id_key, registered_on=registered_on, reference=uuid4(), **identity)
            if entry is None:
                entry = IndexEntry(id=index_entry_id(self.person_id_key, person.pesel, person.document_number),
                                   person_id=None)
        if entry is not None:
            entry.hand_to(person.id)
        published = self.integration_event(
            CLIENT_REGISTERED, {"person_id": str(person.id), "registered_on": registered_on.isoformat()}
        )
        try:
            self.save(person, *([entry] if entry else []), published)
        except IntegrityError:  # registered a moment ago by another request
            holder = self._holder(person.pesel, person.document_number)
            if holder is None:
                raise
            return self._same_person(holder, person), False
        return person.id, True

    def correct_person(self, person_id: UUID, kind: str, corrected_by: str, reason: str, corrected_on: date,
                       **values: Any) -> list[str]:
        """Corrects a person's identity, address, contact or household (the domain keeps the old
        values in the event). A corrected identity, address or contact goes to each team a case of
        the person was routed to, which received the old one. Returns the fields that changed.

        A corrected PESEL keeps the person's reference (docs/architecture.md, "Opaque references"):
        the index learns that the new PESEL is this person's and that the old one is nobody's."""
        try:
            return self._correct_person(person_id, kind, corrected_by, reason, corrected_on, values)
        except IntegrityError:  # another request changed the person or the index a moment ago: again, on that
            return self._correct_person(person_id, kind, corrected_by, reason, corrected_on, values)

    def _correct_person(self, person_id: UUID, kind: str, corrected_by: str, reason: str, corrected_on: date,
                        values: dict) -> list[str]:
        person = self._kept(person_id)
        before = (person.pesel, person.document_number)
        changed = person.correct(kind, values, reason=reason, corrected_by=corrected_by, corrected_on=corrected_on)
        moved = self._move_identifier(person, *before)
        published = [field for field in changed if field in (*IDENTITY_FIELDS, "address", "contact")]
        self.save(person, *moved, *(self._person_corrected(person, team, published) for team in
                                    (self._routed_teams(person.id) if published else ())))
        return changed

    def record_first_contact(self, person_id: UUID, **talk: Any) -> UUID:
        contact = FirstContact.record(person=self._kept(person_id), **talk)
        self.save(contact)
        return contact.id

    def route_case(self, contact_id: UUID, team: str, reason: str, routed_on: date) -> UUID:
        """Routes the case to a team; the team receives the person's identity and this note only."""
        contact = self._contact(contact_id)
        contact.route(team=team, reason=reason, routed_on=routed_on, teams=self.teams)
        person = self._kept(contact.person_id)
        case_id = contact.routing_id(team)
        contract = CASE_ROUTED[team]
        data = {
            "case_id": str(case_id),
            "person_id": str(person.id),
            "routed_on": routed_on.isoformat(),
            "urgent": contact.urgent,
            **self._identity(person),
            "routing_reason": reason.strip(),
        }
        if team == "casework":
            data["reasons_for_help"] = list(contact.reasons_for_help)
        else:
            data["help_requested"] = list(contact.help_requested)
        self.save(contact, self.integration_event(contract, data))
        self._correction_meanwhile(person, team)
        return case_id

    def _correction_meanwhile(self, routed: Person, team: str) -> None:
        """A correction saved between reading the person for a routing and saving the routing did
        not know the team had the person's identity: the team gets the identity as it is now."""
        if not self.recorder.select_events(routed.id, gt=routed.version, limit=1):
            return  # nothing saved since: one indexed read, not the person's whole file unsealed again
        now = self.repository.get(routed.id)
        before, after = self._identity(routed), self._identity(now)
        corrected = [field for field in after if after[field] != before[field]]
        if corrected:
            self.save(self._person_corrected(now, team, corrected))

    # --- queries -----------------------------------------------------------------------

    def person(self, person_id: UUID, reader: Any = None) -> Person:
        """A person's record; a member of staff's read is recorded in the access log."""
        person = self.aggregate(Person, person_id, PersonNotFound)
        self.record_read(reader, "person", [person.id], [person.id])
        return person

    def find_by_pesel(self, pesel: str, reader: Any = None) -> Person:
        holder = self._holder(validate_pesel(pesel, None), None)
        if holder is None:
            raise PersonNotFound("no person with this PESEL in the register")
        person = self.repository.get(holder)
        self.record_read(reader, "person search", [person.id], [person.id])
        return person

    def find_by_name(self, text: str, reader: Any = None, limit: int | None = None,
                     after: str | None = None) -> tuple[list[Person], str | None]:
        """The persons whose name holds every word given (one of 3 characters at least), a page at a
        time (`limit`, and `after`: the `next_after` of the page before), each page by name, with
        the cursor to the next page."""
        words = str(text or "").split()
        if not words:
            raise PersonNotFound("give a name (or part of one) to search for")
        person_ids, next_after = self.read_model.persons_named(words, page_limit(limit), after)
        found = [self.repository.get(pid) for pid in person_ids]
        self.record_read(reader, "person search", person_ids, person_ids)
        return found, next_after

    def routed_cases(self, team: str | None = None, reader: Any = None, limit: int | None = None,
                     after: str | None = None) -> dict:
        """Routings, newest first, with the receiving team's case reference, a page at a time."""
        found, next_after = self.read_model.routings(team, page_limit(limit), after)
        self.record_read(reader, "routings", [r["case_id"] for r in found], [r["person_id"] for r in found])
        return {"routings": [{k: v for k, v in r.items() if k != "position"} for r in found],
                "next_after": next_after}

    # --- internals ---------------------------------------------------------------------

    def files_closed(self):
        """Each person's file and the day of its last entry, for the retention period (shared/retention.py)."""
        return self.read_model.files_closed()

    def _kept(self, person_id: UUID) -> Person:
        """A person's file to write to: an erased one takes nothing more."""
        person = self.aggregate(Person, person_id, PersonNotFound)
        if person.erased:
            raise PersonFileErased(f"person {person_id} is erased")
        return person

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def _index_entry(self, pesel: str | None, document_number: str | None) -> IndexEntry | None:
        entry_id = index_entry_id(self.person_id_key, pesel, document_number)
        return self.repository.get(entry_id) if self._exists(entry_id) else None

    def _holder(self, pesel: str | None, document_number: str | None) -> UUID | None:
        """The person who holds this PESEL (or document) now: the index's entry when a correction
        moved it, else the person registered under its reference."""
        entry = self._index_entry(pesel, document_number)
        if entry is not None:
            holder = entry.person_id
        else:
            person_id = person_id_for(self.person_id_key, pesel, document_number)
            holder = person_id if self._exists(person_id) else None
        # An erased person holds nothing: their PESEL is no longer in the register.
        return None if holder is None or self.repository.get(holder).erased else holder

    def _same_person(self, holder: UUID, registering: Person) -> UUID:
        differences = self.repository.get(holder).differences(registering)
        if differences:
            raise IdentityDiffers(holder, differences)
        return holder

    def _move_identifier(self, person: Person, pesel: str | None, document_number: str | None) -> list[IndexEntry]:
        """The index's entries a correction of the PESEL (or document that finds the person) changes:
        the new one is this person's, the old one nobody's."""
        old = index_entry_id(self.person_id_key, pesel, document_number)
        new = index_entry_id(self.person_id_key, person.pesel, person.document_number)
        if old == new:
            return []
        if self._holder(person.pesel, person.document_number) not in (None, person.id):
            raise IdentifierTaken("another person in the register has this PESEL (or document)")
        entries = []
        for entry_id, holder in ((new, person.id), (old, None)):
            if self._exists(entry_id):
                entry = self.repository.get(entry_id)
                entry.hand_to(holder)
            else:
                entry = IndexEntry(id=entry_id, person_id=holder)
            entries.append(entry)
        return entries

    def _routed_teams(self, person_id: UUID) -> list[str]:
        return self.read_model.routed_teams(person_id)

    def erasure_notices(self, person_id: UUID, erased_on: date) -> list:
        """Each team a case of the person was routed to that keeps their file under a key of theirs
        (casework, decisions) erases its file of them too, once its own retention period is over."""
        notice = {"person_id": str(person_id), "erased_on": erased_on.isoformat()}
        return [self.integration_event(PERSON_ERASED[team], notice)
                for team in self._routed_teams(person_id) if team in PERSON_ERASED]

    def _person_corrected(self, person: Person, team: str, corrected: list[str]):
        return self.integration_event(PERSON_CORRECTED[team], {
            "person_id": str(person.id),
            "corrected_on": person.corrections[-1]["corrected_on"].isoformat(),
            "corrected": corrected,
            **self._identity(person),
        })

    @staticmethod
    def _identity(person: Person) -> dict:
        """The person's identity as the contracts carry it (shared/contracts/intake.py)."""
        return {
            "full_name": person.name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "pesel": person.pesel,
            "document_number": person.document_number,
            "address": person.address,
            "contact": person.contact,
        }

    def _contact(self, contact_id: UUID) -> FirstContact:
        try:
            return self.repository.get(contact_id)
        except AggregateNotFoundError:
            raise FirstContactNotFound(f"no first-contact talk {contact_id}") from None
