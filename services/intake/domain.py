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


class TalkBeforeRegistration(IntakeError):
    """A first-contact talk is held with a registered person: not before the registration."""

    field = "held_on"
    polish = "Rozmowa nie mogła się odbyć przed rejestracją osoby."


class UnknownFormOfHelp(IntakeError):
    field = "help_requested"


class UnknownTeam(IntakeError):
    field = "team"


class AlreadyRouted(IntakeError):
    pass


class MissingRoutingReason(IntakeError):
    field = "reason"


class MissingCorrectionReason(IntakeError):
    """A correction says why the record was wrong (the document seen, the person's word)."""

    field = "reason"
    polish = "Podaj powód poprawki (np. dokument, który okazała osoba)."


class NothingToCorrect(IntakeError):
    """The record already says what the correction gives: no event, nothing stored."""

    polish = "W rejestrze są już takie dane — nie ma czego poprawiać."


class IdentifierTaken(IntakeError):
    """Another person in the register holds this PESEL (or document)."""

    field = "pesel"
    polish = "Inna osoba w rejestrze ma już ten numer — sprawdź go albo popraw tamtą osobę."


class IdentityDiffers(IntakeError):
    """The PESEL (or document) is registered, with other identity data: nothing is stored, and the
    desk decides whether to correct the record. The answer names the fields, never their values
    (docs/architecture.md, "Logs and dead letters name errors, never data")."""

    def __init__(self, person_id: uuid.UUID, fields: list[str]):
        super().__init__(f"this person is registered with another {', '.join(fields)}; nothing was stored: "
                         "correct the record if the new data is right")
        self.person_id, self.fields, self.field = person_id, fields, fields[0]
        named = ", ".join(POLISH_FIELDS[f] for f in fields)
        self.polish = (f"Ta osoba jest już w rejestrze z innymi danymi ({named}). Niczego nie zapisano — "
                       "jeśli nowe dane są prawdziwe, popraw je w karcie osoby.")


def validate_pesel(pesel: str, birth_date: date | None) -> str:
    """A PESEL with a valid checksum, agreeing with the birth date when one is given. The errors
    name the field, never the number (docs/architecture.md, "Logs and dead letters name errors,
    never data")."""
    number = re.sub(r"\s", "", str(pesel))
    try:
        number = pesel_number.validate(number)
    except ValidationError:
        raise InvalidPesel("the PESEL is not valid (11 digits with a correct check digit)") from None
    if birth_date is not None and pesel_number.get_birth_date(number) != birth_date:
        raise PeselBirthDateMismatch("the PESEL encodes another birth date than the one given")
    return number


def _name(value: Any, what: str = "the person's name") -> str:
    name = one_line(value, what, LINE_MAX)
    if not name:
        raise MissingName(f"{what} is required")
    return name


def _identity(pesel: str | None, birth_date: date | None, on: date) -> tuple[str | None, date | None]:
    if birth_date is not None and birth_date > on:
        raise InvalidDate(f"a birth date cannot be after {on}")
    if not pesel:
        return None, birth_date
    number = validate_pesel(pesel, birth_date)
    return number, birth_date or pesel_number.get_birth_date(number)


def _document(document_number: str | None) -> str | None:
    normalised = re.sub(r"\s", "", document_number or "").upper()
    return normalised or None


def _identifier(pesel: str | None, document_number: str | None) -> str:
    """What finds a person: the PESEL, or without one the identity document."""
    if pesel:
        return f"pesel:{pesel}"
    if document_number:
        return f"document:{_document(document_number)}"
    raise MissingIdentifier("a PESEL or, for a person without one, an identity document number is required")


def person_id_for(key: bytes, pesel: str | None = None, document_number: str | None = None) -> uuid.UUID:
    """The same PESEL (or, without one, the same document) is always the same person.

    The reference is published to other teams, so it must not give the PESEL away: it is a keyed
    hash (HMAC-SHA256 with the centre's own key), which nobody without the key can compute from
    a PESEL or invert by trying all PESELs."""
    identifier = _identifier(pesel, document_number)
    return uuid.UUID(bytes=hmac.new(key, identifier.encode(), hashlib.sha256).digest()[:16], version=4)


def index_entry_id(key: bytes, pesel: str | None = None, document_number: str | None = None) -> uuid.UUID:
    """The lookup index's entry for a PESEL (or document), as opaque as the person's reference."""
    return uuid.uuid5(NAMESPACE, f"index:{person_id_for(key, pesel, document_number)}")


def routing_id(contact_id: uuid.UUID, team: str) -> uuid.UUID:
    """The reference by which the receiving team knows a routed case."""
    return uuid.uuid5(NAMESPACE, f"routing:{contact_id}:{team}")


# The fields a correction or a repeated registration names, as the desk's requests name them.
POLISH_FIELDS = {"full_name": "imię i nazwisko", "birth_date": "data urodzenia", "pesel": "PESEL",
                 "document_number": "numer dokumentu", "address": "adres", "contact": "kontakt",
                 "household": "gospodarstwo domowe"}
IDENTITY_FIELDS = ("full_name", "birth_date", "pesel", "document_number")
# What each kind of correction changes; the identity, the address and the contact are what a
# routing gave the receiving team (shared/contracts/intake.py), the household stays here.
CORRECTIONS = {"identity": IDENTITY_FIELDS, "address": ("address",), "contact": ("contact",),
               "household": ("household",)}
_ATTRIBUTES = {"full_name": "name"}  # a field's attribute on Person, where the names differ


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
            raise InvalidAddress("the postal code is not in the form NN-NNN")
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


_CORRECTION_ERASED = {"old": {}, "new": {}, "reason": None}


class Person(Aggregate):
    """A person in the centre's register, with their household."""

    # Sealed with the person's own key, and what each field reads as once the person is erased
    # (shared/erasure.py): the dates, the kinds of correction and who made them stay.
    PERSONAL = {
        "Registered": {"name": None, "birth_date": None, "pesel": None, "document_number": None, "address": None,
                       "contact": None, "household": []},
        "IdentityCorrected": _CORRECTION_ERASED, "AddressCorrected": _CORRECTION_ERASED,
        "ContactCorrected": _CORRECTION_ERASED, "HouseholdCorrected": _CORRECTION_ERASED,
    }

    @property
    def person_id(self) -> uuid.UUID:
        return self.id

    @property
    def erased(self) -> bool:
        """A registration always has a name (MissingName): only an erased file has none."""
        return self.name is None

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
        self.corrections: list[dict] = []

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
        reference: uuid.UUID | None = None,
    ) -> "Person":
        """`reference` is for a PESEL (or document) a correction took from another person, whose
        keyed reference that person keeps: the newcomer gets another, which the index finds."""
        registered_on = a_date(registered_on, "the registration date")
        name = _name(name)
        birth_date = None if birth_date is None else a_date(birth_date, "the birth date")
        pesel, birth_date = _identity(pesel, birth_date, registered_on)
        document_number = _document(document_number)
        person_id = person_id_for(key, pesel, document_number)  # refuses a person with no identifier
        members = [HouseholdMember.validated(m, registered_on).as_record() for m in household]
        return cls(
            id=reference or person_id,
            name=name,
            birth_date=birth_date,
            pesel=pesel,
            document_number=document_number,
            address=None if address is None else asdict(Address.validated(address)),
            contact=one_line(contact, "the contact", LINE_MAX) or None,
            household=members,
            registered_on=registered_on,
        )


    # --- what the register says, and its corrections ---------------------------------------

    def value(self, field: str) -> Any:
        """A field's value, by the name the desk's requests give it."""
        return getattr(self, _ATTRIBUTES.get(field, field))

    @property
    def identifier(self) -> str:
        return _identifier(self.pesel, self.document_number)

    def differences(self, other: "Person") -> list[str]:
        """The fields another registration of this person gives otherwise; a field it leaves out
        (no address, no contact, no household) is no difference."""
        return [f for f in (*IDENTITY_FIELDS, "address", "contact", "household")
                if other.value(f) not in (None, []) and other.value(f) != self.value(f)]

    def correct(self, kind: str, values: dict, reason: str, corrected_by: str, corrected_on: date) -> list[str]:
        """Corrects the identity, the address, the contact or the household: an event with the
        old and the new values, why and who. Returns the fields that changed."""
        reason = one_line(reason, "the correction's reason")
        if not reason:
            raise MissingCorrectionReason("say why the record was wrong")
        corrected_by = one_line(corrected_by, "who corrects", LINE_MAX)
        if not corrected_by:
            raise MissingOfficer("the member of staff who corrects is required")
        corrected_on = a_date(corrected_on, "the correction's date")
        if corrected_on < self.registered_on:
            raise InvalidDate(f"a correction ({corrected_on}) cannot be before the registration ({self.registered_on})")
        new = getattr(self, f"_checked_{kind}")(values, corrected_on)
        changed = [f for f in CORRECTIONS[kind] if f in new and new[f] != self.value(f)]
        if not changed:
            raise NothingToCorrect(f"the register already has this {kind}")
        getattr(self, f"_{kind}_corrected")(
            old={f: self.value(f) for f in changed}, new={f: new[f] for f in changed}, reason=reason,
            corrected_by=corrected_by, corrected_on=corrected_on)
        return changed

    def _checked_identity(self, values: dict, on: date) -> dict:
        """The identity after the correction, checked as a registration is: a PESEL agrees with the
        birth date; a corrected PESEL without a birth date brings the date it encodes."""
        pesel = values.get("pesel") or self.pesel
        birth_date = values.get("birth_date")
        if birth_date is not None:
            birth_date = a_date(birth_date, "the birth date")
        elif pesel == self.pesel:
            birth_date = self.birth_date
        pesel, birth_date = _identity(pesel, birth_date, on)
        document_number = _document(values["document_number"]) if "document_number" in values else self.document_number
        _identifier(pesel, document_number)  # a person keeps a PESEL or a document
        return {"full_name": _name(values.get("full_name", self.name)), "birth_date": birth_date, "pesel": pesel,
                "document_number": document_number}

    @staticmethod
    def _checked_address(values: dict, on: date) -> dict:
        return {"address": asdict(Address.validated(values.get("address")))}

    @staticmethod
    def _checked_contact(values: dict, on: date) -> dict:
        return {"contact": one_line(values.get("contact"), "the contact", LINE_MAX) or None}

    @staticmethod
    def _checked_household(values: dict, on: date) -> dict:
        return {"household": [HouseholdMember.validated(m, on).as_record() for m in values.get("household") or ()]}

    def _corrected(self, kind: str, old: dict, new: dict, reason: str, corrected_by: str, corrected_on: date) -> None:
        for field, value in new.items():
            setattr(self, _ATTRIBUTES.get(field, field), value)
        self.corrections.append({"kind": kind, "fields": list(new), "old": old, "new": new, "reason": reason,
                                 "corrected_by": corrected_by, "corrected_on": corrected_on})

    @event("IdentityCorrected")
    def _identity_corrected(self, old: dict, new: dict, reason: str, corrected_by: str, corrected_on: date) -> None:
        self._corrected("identity", old, new, reason, corrected_by, corrected_on)

    @event("AddressCorrected")
    def _address_corrected(self, old: dict, new: dict, reason: str, corrected_by: str, corrected_on: date) -> None:
        self._corrected("address", old, new, reason, corrected_by, corrected_on)

    @event("ContactCorrected")
    def _contact_corrected(self, old: dict, new: dict, reason: str, corrected_by: str, corrected_on: date) -> None:
        self._corrected("contact", old, new, reason, corrected_by, corrected_on)

    @event("HouseholdCorrected")
    def _household_corrected(self, old: dict, new: dict, reason: str, corrected_by: str, corrected_on: date) -> None:
        self._corrected("household", old, new, reason, corrected_by, corrected_on)


class IndexEntry(Aggregate):
    """Who holds a PESEL (or document) that a correction moved (docs/architecture.md, "Opaque
    references"): the person corrected to it keeps the reference of the PESEL they were registered
    with, and the PESEL corrected away is free for its real owner. A PESEL no correction ever moved
    has no entry: the person registered under its reference holds it."""

    @event("Recorded")
    def __init__(self, id: uuid.UUID, person_id: uuid.UUID | None):  # noqa: A002 (eventsourcing's name)
        self.person_id = person_id

    @event("Moved")
    def hand_to(self, person_id: uuid.UUID | None) -> None:
        self.person_id = person_id


class FirstContact(Aggregate):
    """The short diagnosing talk at first contact, and where the case was routed."""

    # The notes and the routing's reason are the person's; the reasons for help (codes), the forms
    # of help, the dates and the teams stay, for the centre's statistics (shared/erasure.py).
    PERSONAL = {"Recorded": {"notes": None}, "Routed": {"reason": None}}

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
        person: "Person",
        held_on: date,
        officer: str,
        reasons_for_help: Iterable[str],
        help_requested: Iterable[str] = (),
        urgent: bool = False,
        notes: str = "",
    ) -> "FirstContact":
        held_on = a_date(held_on, "the date of the talk")
        if held_on < person.registered_on:
            raise TalkBeforeRegistration("the talk cannot be held before the person was registered")
        officer = one_line(officer, "the officer", LINE_MAX)
        if not officer:
            raise MissingOfficer("the first-contact officer who held the talk is required")
        reasons = _codes(reasons_for_help, REASONS_FOR_HELP, UnknownReasonForHelp, "reason for help (art. 7)")
        if not reasons:
            raise MissingReasonForHelp("at least one reason for help (art. 7 u.p.s.) is required")
        forms = _codes(help_requested, FORMS_OF_HELP, UnknownFormOfHelp, "form of help (art. 36)")
        return cls(
            person_id=person.id,
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
