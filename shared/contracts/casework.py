"""Events published by casework (social work): facts about a case and its cooperation
contract with their dates — never goals, obligations, notes, or the reasons for anything."""

from shared.contracts import (
    Contract,
    DataClass,
    Field,
    bool_field,
    codes_field,
    date_field,
    object_field,
    text_field,
    uuid_field,
)
from shared.vocabulary import CARE_SERVICE_KINDS

# The person's identity as social work passes it to the care team.
_IDENTITY = (
    text_field("full_name", DataClass.IDENTITY), text_field("pesel", DataClass.IDENTITY, nullable=True),
    date_field("birth_date", DataClass.IDENTITY, nullable=True),
    object_field("address", {"street": {"type": "string"}, "postal_code": {"type": "string"},
                             "city": {"type": "string"}}, DataClass.IDENTITY, nullable=True),
    text_field("contact", DataClass.IDENTITY, nullable=True),
)
IDENTITY_FOR_CARE = tuple(f.name for f in _IDENTITY)

_FACT = (uuid_field("person_id"), uuid_field("case_id"), text_field("contract_ref", DataClass.REFERENCE),
         date_field("occurred_on"))


def _contract_fact(name: str, what: str, consumers: frozenset) -> Contract:
    return Contract(
        producer="casework",
        name=name,
        version=1,
        description=(f"A cooperation contract (kontrakt socjalny) was {what}: the fact and its date only."),
        fields=_FACT,
        consumers=consumers,
        subject_field="case_id",
    )


# Art. 11 u.p.s. lets the decisions team weigh a refused or broken contract for cash benefits.
CONTRACT_REFUSED = _contract_fact("ContractRefused", "refused by the person", frozenset({"decisions"}))
CONTRACT_BROKEN = _contract_fact("ContractBroken", "not kept by the person", frozenset({"decisions"}))
CONTRACT_SIGNED = _contract_fact("ContractSigned", "signed", frozenset())
CONTRACT_FULFILLED = _contract_fact("ContractFulfilled", "fulfilled", frozenset())


SERVICES_REQUESTED = Contract(
    producer="casework",
    name="ServicesRequested",
    version=1,
    description=("A social worker asks the care team for a service for a person it will serve: the kind, "
                 "urgency and the person's identity; the need as the worker described it stays in casework."),
    fields=(
        text_field("request_ref", DataClass.REFERENCE), uuid_field("case_id"), uuid_field("person_id"),
        Field("kind", {"enum": list(CARE_SERVICE_KINDS)}, DataClass.REFERENCE), bool_field("urgent"),
        date_field("requested_on"), *_IDENTITY,
    ),
    consumers=frozenset({"care"}),
    subject_field="case_id",
)

PERSON_CORRECTED_FOR_CARE = Contract(
    producer="casework",
    name="PersonCorrected",
    version=1,
    description=("First contact corrected the identity, address or contact of a person social work asked the care "
                 "team to serve (ServicesRequested carried the old values): the identity as it now is, which of "
                 "its fields changed, and the date. Not the reason, not the old values."),
    fields=(uuid_field("person_id"), date_field("corrected_on"),
            codes_field("corrected", IDENTITY_FOR_CARE, DataClass.REFERENCE), *_IDENTITY),
    consumers=frozenset({"care"}),
    subject_field="person_id",
)

PERSON_ERASED_FOR_CARE = Contract(
    producer="casework",
    name="PersonErased",
    version=1,
    description=("First contact erased a person social work asked the care team to serve (ServicesRequested "
                 "carried their identity), passed on as casework passes on a correction: care erases its file of "
                 "the person once its own retention period is over. The person's reference and the day, nothing "
                 "else; the legal ground stays in intake's log."),
    fields=(uuid_field("person_id"), date_field("erased_on")),
    consumers=frozenset({"care"}),
    subject_field="person_id",
)

CASE_OPENED = Contract(
    producer="casework",
    name="CaseOpened",
    version=1,
    description=("A case is open in casework (from a routing or on a worker's initiative): its reference, date "
                 "and urgency, so that the team's pages show it the moment casework holds it."),
    fields=(uuid_field("case_id"), date_field("opened_on"), bool_field("urgent")),
    consumers=frozenset(),
    subject_field="case_id",
)

WORKER_ASSIGNED = Contract(
    producer="casework",
    name="WorkerAssigned",
    version=1,
    description="A case was assigned to a social worker: lets staff reports count load without seeing the case.",
    fields=(text_field("worker", DataClass.STAFF), uuid_field("case_id"), date_field("assigned_on")),
    consumers=frozenset({"training"}),
    subject_field="case_id",
)

CASE_CLOSED = Contract(
    producer="casework",
    name="CaseClosed",
    version=1,
    description="A case was closed: its worker, the date and the outcome category, for workload and monitoring.",
    fields=(text_field("worker", DataClass.STAFF), uuid_field("case_id"), date_field("closed_on"),
            Field("outcome", {"enum": ["goals_achieved", "goals_partly_achieved", "goals_not_achieved"]},
                  DataClass.REFERENCE)),
    consumers=frozenset({"training"}),
    subject_field="case_id",
)

CONTRACTS = (CASE_OPENED, CASE_CLOSED, CONTRACT_REFUSED, CONTRACT_BROKEN, CONTRACT_SIGNED, CONTRACT_FULFILLED, SERVICES_REQUESTED,
             PERSON_CORRECTED_FOR_CARE, PERSON_ERASED_FOR_CARE, WORKER_ASSIGNED)
