"""Events published by care (zespół ds. usług): that a service or a care-home referral moved,
with the kind, hours per week and dates — no income, no fee, no health detail."""

from dataclasses import replace

from shared.contracts import (
    Contract,
    DataClass,
    Field,
    date_field,
    text_field,
    uuid_field,
)

CARE_KINDS = ("uslugi_opiekuncze", "specjalistyczne_uslugi_opiekuncze",
              "specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne")

# The social-work request it answers, when there was one: casework shows the service on the case.
_REQUEST = (text_field("request_ref", DataClass.REFERENCE, nullable=True), uuid_field("case_id", nullable=True))
_KIND = Field("kind", {"enum": list(CARE_KINDS)}, DataClass.REFERENCE)
_HOURS = {"type": "number", "exclusiveMinimum": 0}


def _care_event(name: str, description: str, fields: tuple, subject: str) -> Contract:
    return Contract(producer="care", name=name, version=1, description=description,
                    fields=(*fields, *_REQUEST), consumers=frozenset({"casework"}), subject_field=subject)


CARE_SERVICE_GRANTED = _care_event(
    "CareServiceGranted", "A care service was granted by decision: its kind, hours a week and period.",
    (uuid_field("service_id"), uuid_field("person_id"), _KIND,
     Field("hours_per_week", _HOURS, DataClass.REFERENCE),
     date_field("period_from"), date_field("period_to", nullable=True), date_field("granted_on")),
    "service_id")
CARE_SERVICE_ENDED = _care_event(
    "CareServiceEnded", "A care service ended.",
    (uuid_field("service_id"), uuid_field("person_id"), _KIND, date_field("ended_on")), "service_id")
DPS_REFERRAL_SUBMITTED = _care_event(
    "DpsReferralSubmitted", "A referral to a care home (DPS) was submitted with its documents.",
    (uuid_field("referral_id"), uuid_field("person_id"), date_field("submitted_on")), "referral_id")
DPS_PLACEMENT_MADE = _care_event(
    "DpsPlacementMade", "The person was placed in a care home (DPS).",
    (uuid_field("referral_id"), uuid_field("person_id"), date_field("placed_on")), "referral_id")
DPS_REFERRAL_WITHDRAWN = _care_event(
    "DpsReferralWithdrawn", "A referral to a care home (DPS) was withdrawn; not why.",
    (uuid_field("referral_id"), uuid_field("person_id"), date_field("withdrawn_on")), "referral_id")

CARE_REQUEST_RECEIVED = Contract(
    producer="care",
    name="CareRequestReceived",
    version=1,
    description=("Care holds a new request (from a routing, a social worker's request or its own initiative): "
                 "its reference, what is asked for and the date, so that the team's pages show it the moment "
                 "care has it. No team consumes it."),
    fields=(uuid_field("request_id"), Field("asked_for", {"enum": ["care_service", "dps", "family_assistant"]},
                                            DataClass.REFERENCE),
            date_field("received_on"), *_REQUEST),
    consumers=frozenset(),
    subject_field="request_id",
)

_CARE_HOURS_DELIVERED_V1 = Contract(
    producer="care",
    name="CareHoursDelivered",
    version=1,
    description="A carer delivered hours of care on a day: who, how long, when; not to whom or what was done.",
    fields=(text_field("carer", DataClass.STAFF),
            Field("hours", _HOURS, DataClass.REFERENCE),
            date_field("delivered_on")),
    consumers=frozenset({"training"}),
)


def _kind_not_reported(data):
    """v1 did not say which kind of service the hours were: null, "not reported", never a guess
    (ordinary and specialist care are counted apart, and their carers' qualifications differ)."""
    return {**data, "kind": None}


# v2: the kind of service the hours were (ordinary, specialist, specialist for mental disorders), so
# that staff development counts each carer's hours per kind.
CARE_HOURS_DELIVERED = _CARE_HOURS_DELIVERED_V1.next_version(
    fields=(*_CARE_HOURS_DELIVERED_V1.fields, replace(_KIND, nullable=True)),
    upcast=_kind_not_reported,
    description=("A carer delivered hours of care on a day: who, how long, when, and the kind of service "
                 "(null: delivered before care reported it); not to whom or what was done."),
)

CARE_HOURS_CORRECTED = Contract(
    producer="care",
    name="CareHoursCorrected",
    version=1,
    description=("A visit's delivered hours were corrected (its carer, day or hours): who delivered how long on "
                 "which day as it was recorded (old_*) and as it is now, and the kind of service; not to whom, "
                 "what was done or why."),
    fields=(text_field("old_carer", DataClass.STAFF),
            Field("old_hours", _HOURS, DataClass.REFERENCE),
            date_field("old_delivered_on"),
            text_field("carer", DataClass.STAFF),
            Field("hours", _HOURS, DataClass.REFERENCE),
            date_field("delivered_on"), date_field("corrected_on"), _KIND),
    consumers=frozenset({"training"}),
)

CONTRACTS = (CARE_REQUEST_RECEIVED, CARE_HOURS_DELIVERED, CARE_HOURS_CORRECTED, CARE_SERVICE_GRANTED, CARE_SERVICE_ENDED, DPS_REFERRAL_SUBMITTED, DPS_PLACEMENT_MADE,
             DPS_REFERRAL_WITHDRAWN)
