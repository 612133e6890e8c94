"""First contact (stanowisko / zespół ds. pierwszego kontaktu). Pure Python.

Registers the people who come to the centre, records the short diagnosing talk, and routes
the case to the teams the centre has. Every command validates before any event exists, so a
refused command changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Collection, Iterable

from eventsourcing.domain import Aggregate, event
from stdnum.exceptions import ValidationError
from stdnum.pl import pesel as pesel_number

from shared.values import LINE_MAX, InvalidDate, TextTooLong, a_date, one_line  # noqa: F401  (re-exported)
from shared.vocabulary import FORMS_OF_HELP, REASONS_FOR_HELP

NAMESPACE = uuid.UUID("6f1f4a52-5c1e-4a8e-9d0b-0c5a1c7e2b10")


class IntakeError(ValueError):
    """A first-contact command that cannot be accepted as given."""


class InvalidPesel(IntakeError):
    field = "pesel"


class PeselBirthDateMismatch(IntakeError):
    field = "birth_date"


class MissingName(IntakeError):
    field = "full_name"


class MissingIdentifier(IntakeError):
    field = "pesel"


class InvalidAddress(IntakeError):
    field = "address.street"


class MissingOfficer(IntakeError):
    pass


class UnknownReasonForHelp(IntakeError):
    field = "reasons_for_help"


class MissingReasonForHelp(IntakeError):
    field = "reasons_for_help"


class UnknownFormOfHelp(IntakeError):
    field = "help_requested"


class UnknownTeam(IntakeError):
    field = "team"


class AlreadyRouted(IntakeError):
    pass


class MissingRoutingReason(IntakeError):
    field = "reason"


def validate_pesel(pesel: str, birth_date: date | None) -> str:
    """A PESEL with a valid checksum, agreeing with the birth date when one is given."""
    number = re.sub(r"\s", "", str(pesel))
    try:
        number = pesel_number.validate(number)
    except ValidationError:
        raise InvalidPesel(f"PESEL {pesel!r} is not valid (11 digits with a correct check digit)") from None
    if birth_date is not None and pesel_number.get_birth_date(number) != birth_date:
        raise PeselBirthDateMismatch(
            f"PESEL {number} encodes birth date {pesel_number.get_birth_date(number)}, not {birth_date}"
        )
    return number


def _name(value: Any, what: str = "the person's name") -> str:
    name = one_line(value, what, LINE_MAX)
    if not name:
        raise MissingName(f"{what} is required")
    return name


def _identity(pesel: str | None, birth_date: date | None, on: date) -> tuple[str | None, date | None]:
    if birth_date is not None and birth_date > on:
        raise InvalidDate(f"a birth date ({birth_date}) cannot be after {on}")
    if not pesel:
        return None, birth_date
    number = validate_pesel(pesel, birth_date)
    return number, birth_date or pesel_number.get_birth_date(number)


def _document(document_number: str | None) -> str | None:
    normalised = re.sub(r"\s", "", document_number or "").upper()
    return normalised or None


def person_id_for(key: bytes, pesel: str | None = None, document_number: str | None = None) -> uuid.UUID:
    """The same PESEL (or, without one, the same document) is always the same person.

    The reference is published to other teams, so it must not give the PESEL away: it is a keyed
    hash (HMAC-SHA256 with the centre's own key), which nobody without the key can compute from
    a PESEL or invert by trying all PESELs."""
    if pesel:
        identifier = f"pesel:{pesel}"
    elif document_number:
        identifier = f"document:{_document(document_number)}"
    else:
        raise MissingIdentifier("a PESEL or, for a person without one, an identity document number is required")
    return uuid.UUID(bytes=hmac.new(key, identifier.encode(), hashlib.sha256).digest()[:16], version=4)


def routing_id(contact_id: uuid.UUID, team: str) -> uuid.UUID:
    """The reference by which the receiving team knows a routed case."""
    return uuid.uuid5(NAMESPACE, f"routing:{contact_id}:{team}")


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str

    @classmethod
    def validated(cls, value: Any) -> "Address":
        if not isinstance(value, dict):
            raise InvalidAddress("the address needs street, postal_code and city")
        street, city = (one_line(value.get(k), f"the address's {k}", LINE_MAX) for k in ("street", "city"))
        postal_code = str(value.get("postal_code") or "").strip()
        if not street or not city:
            raise InvalidAddress("the address needs a street and a city")
        if not re.fullmatch(r"\d{2}-\d{3}", postal_code):
            raise InvalidAddress(f"postal code {postal_code!r} is not in the form NN-NNN")
        return cls(street, postal_code, city)


@dataclass(frozen=True)
class HouseholdMember:
    name: str
    birth_date: date | None
    pesel: str | None
    relation: str

    @classmethod
    def validated(cls, value: Any, on: date) -> "HouseholdMember":
        if not isinstance(value, dict):
            raise MissingName("each household member needs at least a name")
        birth_date = None if value.get("birth_date") in (None, "") else a_date(value["birth_date"], "a member's birth date")
        pesel, birth_date = _identity(value.get("pesel"), birth_date, on)
        relation = one_line(value.get("relation"), "a member's relation", LINE_MAX) or "członek gospodarstwa domowego"
        return cls(_name(value.get("name"), "a household member's name"), birth_date, pesel, relation)

    def as_record(self) -> dict:
        record = asdict(self)
        record["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return record


class Person(Aggregate):
    """A person in the centre's register, with their household."""

    @event("Registered")
    def __init__(
        self,
        id: uuid.UUID,  # noqa: A002 (eventsourcing's name for the aggregate's id, kept out of the event)
        name: str,
        birth_date: date | None,
        pesel: str | None,
        document_number: str | None,
        address: dict | None,
        contact: str | None,
        household: list[dict],
        registered_on: date,
    ):
        self.name = name
        self.birth_date = birth_date
        self.pesel = pesel
        self.document_number = document_number
        self.address = address
        self.contact = contact
        self.household = household
        self.registered_on = registered_on

    @classmethod
    def register(
        cls,
        key: bytes,
        registered_on: date,
        name: str,
        birth_date: date | None = None,
        pesel: str | None = None,
        document_number: str | None = None,
        address: dict | None = None,
        contact: str | None = None,
        household: Iterable[dict] = (),
    ) -> "Person":
        registered_on = a_date(registered_on, "the registration date")
        name = _name(name)
        birth_date = None if birth_date is None else a_date(birth_date, "the birth date")
        pesel, birth_date = _identity(pesel, birth_date, registered_on)
        document_number = _document(document_number)
        person_id = person_id_for(key, pesel, document_number)  # refuses a person with no identifier
        members = [HouseholdMember.validated(m, registered_on).as_record() for m in household]
        return cls(
            id=person_id,
            name=name,
            birth_date=birth_date,
            pesel=pesel,
            document_number=document_number,
            address=None if address is None else asdict(Address.validated(address)),
            contact=one_line(contact, "the contact", LINE_MAX) or None,
            household=members,
            registered_on=registered_on,
        )


class FirstContact(Aggregate):
    """The short diagnosing talk at first contact, and where the case was routed."""

    @event("Recorded")
    def __init__(
        self,
        person_id: uuid.UUID,
        held_on: date,
        officer: str,
        reasons_for_help: list[str],
        help_requested: list[str],
        urgent: bool,
        notes: str,
    ):
        self.person_id = person_id
        self.held_on = held_on
        self.officer = officer
        self.reasons_for_help = reasons_for_help
        self.help_requested = help_requested
        self.urgent = urgent
        self.notes = notes
        self.routings: list[dict] = []

    @classmethod
    def record(
        cls,
        person_id: uuid.UUID,
        held_on: date,
        officer: str,
        reasons_for_help: Iterable[str],
        help_requested: Iterable[str] = (),
        urgent: bool = False,
        notes: str = "",
    ) -> "FirstContact":
        held_on = a_date(held_on, "the date of the talk")
        officer = one_line(officer, "the officer", LINE_MAX)
        if not officer:
            raise MissingOfficer("the first-contact officer who held the talk is required")
        reasons = _codes(reasons_for_help, REASONS_FOR_HELP, UnknownReasonForHelp, "reason for help (art. 7)")
        if not reasons:
            raise MissingReasonForHelp("at least one reason for help (art. 7 u.p.s.) is required")
        forms = _codes(help_requested, FORMS_OF_HELP, UnknownFormOfHelp, "form of help (art. 36)")
        return cls(
            person_id=person_id,
            held_on=held_on,
            officer=officer,
            reasons_for_help=reasons,
            help_requested=forms,
            urgent=bool(urgent),
            notes=one_line(notes, "the notes"),
        )

    @property
    def routed_teams(self) -> list[str]:
        return [r["team"] for r in self.routings]

    def routing_id(self, team: str) -> uuid.UUID:
        return routing_id(self.id, team)

    def route(self, team: str, reason: str, routed_on: date, teams: Collection[str]) -> None:
        """Routes the case to one of the centre's teams, once per team."""
        if team not in teams:
            raise UnknownTeam(f"{team!r} is not a team of this centre (teams: {', '.join(sorted(teams))})")
        if team in self.routed_teams:
            raise AlreadyRouted(f"this case was already routed to {team}")
        reason = one_line(reason, "the routing reason")
        if not reason:
            raise MissingRoutingReason("say why the case goes to this team")
        routed_on = a_date(routed_on, "the routing date")
        if routed_on < self.held_on:
            raise InvalidDate(f"a case cannot be routed ({routed_on}) before the talk ({self.held_on})")
        self._routed(team=team, reason=reason, routed_on=routed_on)

    @event("Routed")
    def _routed(self, team: str, reason: str, routed_on: date) -> None:
        self.routings.append({"team": team, "reason": reason, "routed_on": routed_on})


def _codes(values: Iterable[str], vocabulary: dict[str, str], error: type[IntakeError], what: str) -> list[str]:
    if isinstance(values, str):
        values = [values]
    codes = list(dict.fromkeys(values or ()))
    unknown = [c for c in codes if c not in vocabulary]
    if unknown:
        raise error(f"unknown {what}: {', '.join(map(str, unknown))}; known: {', '.join(vocabulary)}")
    return codes
