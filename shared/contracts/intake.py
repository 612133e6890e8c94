"""Events published by intake (first contact)."""

from shared.contracts import (
    Contract,
    DataClass,
    bool_field,
    codes_field,
    date_field,
    object_field,
    text_field,
    uuid_field,
)
from shared.vocabulary import FORMS_OF_HELP, REASONS_FOR_HELP

_STRING = {"type": "string"}

CLIENT_REGISTERED = Contract(
    producer="intake",
    name="ClientRegistered",
    version=1,
    description=(
        "A person was registered at first contact. No identity: a team receives the "
        "person's identity only when a case is routed to it."
    ),
    fields=(uuid_field("person_id"), date_field("registered_on")),
    consumers=frozenset(),  # the register's UI and the auditors; no team needs it
    subject_field="person_id",
)

# Identity of the person, shared only with the team a case is routed to.
_IDENTITY = (
    text_field("full_name", DataClass.IDENTITY),
    date_field("birth_date", DataClass.IDENTITY, nullable=True),
    text_field("pesel", DataClass.IDENTITY, nullable=True),
    text_field("document_number", DataClass.IDENTITY, nullable=True),
    object_field(
        "address",
        {"street": _STRING, "postal_code": _STRING, "city": _STRING},
        DataClass.IDENTITY,
        nullable=True,
    ),
    text_field("contact", DataClass.IDENTITY, nullable=True),
)

_ROUTING = (
    uuid_field("case_id"),  # the receiving team's reference for this case
    uuid_field("person_id"),
    date_field("routed_on"),
    bool_field("urgent"),  # an urgent case has its interview within 2 working days
)


def _to_team(name: str, addressee: str, description: str, fields: tuple, subject_field: str) -> Contract:
    """One of intake's contracts meant for one team only: its addressee is its one consumer."""
    return Contract(producer="intake", name=name, version=1, addressee=addressee, description=description,
                    fields=fields, consumers=frozenset({addressee}), subject_field=subject_field)


def _case_routed(addressee: str, data_class: DataClass, need: tuple) -> Contract:
    return _to_team(
        "CaseRouted", addressee,
        f"First contact routed a case to the {addressee} team, with the person's identity "
        "and intake's note for that team only.",
        (*_ROUTING, *_IDENTITY, text_field("routing_reason", data_class), *need),
        subject_field="case_id",
    )


CASE_ROUTED_TO_CASEWORK = _case_routed(
    "casework",
    DataClass.SOCIAL_WORK,
    (codes_field("reasons_for_help", REASONS_FOR_HELP, DataClass.SOCIAL_WORK),),
)
CASE_ROUTED_TO_DECISIONS = _case_routed(
    "decisions",
    DataClass.ADMINISTRATIVE,
    (codes_field("help_requested", FORMS_OF_HELP, DataClass.ADMINISTRATIVE),),
)
CASE_ROUTED_TO_CARE = _case_routed(
    "care",
    DataClass.CARE,
    (codes_field("help_requested", FORMS_OF_HELP, DataClass.CARE),),
)

CASE_ROUTED = {
    c.addressee: c for c in (CASE_ROUTED_TO_CASEWORK, CASE_ROUTED_TO_DECISIONS, CASE_ROUTED_TO_CARE)
}



def _person_corrected(addressee: str) -> Contract:
    return _to_team(
        "PersonCorrected", addressee,
        f"First contact corrected the identity, address or contact of a person it routed a case of to "
        f"the {addressee} team: the identity as it now is (the fields a routing carried), which of them "
        "changed, and the date. Not the reason, not the old values, not the household.",
        (
            uuid_field("person_id"),
            date_field("corrected_on"),
            codes_field("corrected", [f.name for f in _IDENTITY], DataClass.REFERENCE),
            *_IDENTITY,
        ),
        subject_field="person_id",
    )


# Only to the teams a case of the person was routed to: those that received the old values.
PERSON_CORRECTED = {team: _person_corrected(team) for team in CASE_ROUTED}

# Only to the teams a case of the person was routed to that keep their file under a key of theirs
# (docs/architecture.md, "Erasure"): each destroys its key too once its own retention period is
# over. References only: the legal ground stays in intake's log. One contract per addressee, as
# PersonCorrected: a team reads only the notices meant for it.
_ERASED_AT = {"casework": "the social work team", "decisions": "the benefits team", "care": "the care team"}


def _person_erased(addressee: str) -> Contract:
    return _to_team(
        "PersonErased", addressee,
        f"First contact erased a person it routed a case of to {_ERASED_AT[addressee]} (the retention period "
        "over, or another legal ground): their personal data can no longer be read in intake's log. The "
        "person's reference and the day, nothing else.",
        (uuid_field("person_id"), date_field("erased_on")),
        subject_field="person_id",
    )


PERSON_ERASED = {team: _person_erased(team) for team in _ERASED_AT}

CONTRACTS = (CLIENT_REGISTERED, *CASE_ROUTED.values(), *PERSON_CORRECTED.values(), *PERSON_ERASED.values())
