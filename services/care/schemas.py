"""The shapes of the care team's requests, as care publishes them (GET /openapi.json). The domain
keeps its own rules on top: a date's place among the service's dates, hours within a week, a
roster within the granted hours, a whole number of household members, the assistant's limit.

Numbers the domain reads as decimals (hours, an income, a percent, a count typed in a form) come as
JSON numbers or as texts ("2,5", "1600.00"): the pages send what was typed. Who signs a decision
and on whose authority are never a body's: `signed_by` and `on_authority_of` are not fields."""

from services.care.domain import ACTIVITIES, DPS_DOCUMENTS, SERVICE_KINDS, WEEKDAYS
from shared.schemas import (
    BOOLEAN, COUNT, DATE, DECIMAL, FLAG, ID, OBJECT, STRINGS, TEXT, UUID, codes, day, line, listed, many, obj, one_of,
    or_null, paged, record, text, whole,
)
from shared.views import PAGE_MAX

NUMBER = {"type": ["string", "number"], "maxLength": 30}  # 2.5 or "2,5": the domain reads both
OPEN_DAY = {**day(), "type": ["string", "null"]}  # absent or null: open (no end; from the period's start)


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


# A person as intake registered them (the same fields casework and first contact send care).
PERSON = obj(
    full_name=_nullable(line()), birth_date=_nullable(day()), pesel=_nullable(line(11, pattern=r"^[0-9]{11}$")),
    address=_nullable(obj(street=_nullable(line()), postal_code=_nullable(line(6)), city=_nullable(line()))),
    contact=_nullable(line()),
)

OPEN_REQUEST = obj(["person_id", "requested_on"], person_id=UUID, person=PERSON, kind=one_of(SERVICE_KINDS),
                   urgent=BOOLEAN, requested_on=day())
ASSESSMENT = obj(["assessed_on", "kind", "hours_per_week", "period_from"],
                 assessed_on=day(), kind=one_of(SERVICE_KINDS), activities=codes(ACTIVITIES),
                 hours_per_week=NUMBER, period_from=day(), period_to=OPEN_DAY)
INCOME = obj(["members", "monthly_income", "stated_on"], members=NUMBER, monthly_income=NUMBER, stated_on=day())
DECISION = obj(["issued_on"], issued_on=day(), exemption_percent=NUMBER, exemption_reason=text())
ROSTER = obj(["carer_id"], carer_id=UUID, valid_from=OPEN_DAY,
             visits=many(obj(["weekday", "hours"], weekday=one_of(WEEKDAYS), hours=NUMBER), 50))
VISIT = obj(["carer_id", "on", "hours"], carer_id=UUID, on=day(), hours=NUMBER, activities=codes(ACTIVITIES))
# A correction: which entry (numbered from 1 in the order recorded, as the service's file lists them),
# what is right, why the record was wrong, and the day. Who corrects is the signed-in member of
# staff (the gateway's token), never the body.
ENTRY = {"type": ["integer", "string"], "minimum": 1, "maximum": 100_000, "pattern": r"^[1-9][0-9]{0,5}$"}
_WHY = {"reason": text(), "corrected_on": day()}
VISIT_CORRECTION = obj(["visit", "reason", "corrected_on"], visit=ENTRY, carer_id=UUID, on=day(), hours=NUMBER,
                       activities=codes(ACTIVITIES), **_WHY)
ROSTER_CORRECTION = obj(["roster", "reason", "corrected_on"], roster=ENTRY, valid_from=day(),
                        visits=many(obj(["weekday", "hours"], weekday=one_of(WEEKDAYS), hours=NUMBER), 50), **_WHY)
MISSED_VISIT = obj(["carer_id", "on", "reason"], carer_id=UUID, on=day(), reason=text())
END = obj(["on", "reason"], on=day(), reason=text())
CARER = obj(["name", "employer"], name=line(), employer=line())

DOCUMENT = obj(["document", "on"], document=one_of(DPS_DOCUMENTS), on=day())
SUBMISSION = obj(["on"], on=day())
WAITING_POSITION = obj(["position", "on"], position=NUMBER, on=day())
PLACEMENT = obj(["home", "on"], home=line(), on=day())
WITHDRAWAL = obj(["on", "reason"], on=day(), reason=text())

ASSISTANT = obj(["assistant", "on"], assistant=line(), on=day())
ASSISTANCE_VISIT = obj(["on", "hours", "topic"], on=day(), hours=NUMBER, topic=text())
ASSISTANCE_END = obj(["on", "reason"], on=day(), reason=text())


# --- queries (?name=value) ------------------------------------------------------------------------

# A list's page (?limit=50&after=...): how many at most, and after which (the `next_after` of the page before).
_PAGE = {"limit": whole(1, PAGE_MAX), "after": line(500)}
PAGE = obj(**_PAGE)
SERVICES_QUERY = obj(state=line(30), **_PAGE)
HOURS_QUERY = obj(["from", "to"], **{"from": day(), "to": day()})


# --- answers ------------------------------------------------------------------------------------

_PERSONS_FILE = {"person_id": ID, "person": OBJECT, "person_corrections": listed(OBJECT)}
SERVICE_FILE = record(["service_id", "person_id", "person", "state", "visits", "corrections"], service_id=ID,
                      kind=or_null(TEXT), state=TEXT, origin=TEXT, urgent=FLAG, requested_on=DATE,
                      assessment=or_null(OBJECT), grant=or_null(OBJECT), rosters=listed(OBJECT),
                      visits=listed(record(["carer_id", "on", "hours"], carer_id=ID, on=DATE, hours=DECIMAL)),
                      corrections=listed(OBJECT), case_id=or_null(ID), **_PERSONS_FILE)
# A list's row: what the list shows of a file (name and PESEL of the person), never its visits or documents.
_LISTED_PERSON = record(["full_name", "pesel"], full_name=or_null(TEXT), pesel=or_null(TEXT))
_ROW = {"person_id": ID, "person": _LISTED_PERSON, "state": TEXT, "case_id": or_null(ID)}
SERVICES = paged("services", record(
    ["service_id", *_ROW, "kind", "origin", "urgent", "requested_on", "income_stated"], service_id=ID,
    kind=or_null(TEXT), origin=TEXT, urgent=FLAG, requested_on=DATE, income_stated=FLAG, **_ROW))
STATEMENT = record(["month", "ordered_hours", "delivered_hours", "fee_per_hour", "amount", "lines"], month=TEXT,
                   ordered_hours=DECIMAL, delivered_hours=DECIMAL, fee_per_hour=DECIMAL, amount=DECIMAL,
                   lines=listed(OBJECT))
_HOURS_ROW = {"ordered_hours": DECIMAL, "delivered_hours": DECIMAL, "missed_visits": COUNT}
HOURS = record(["from", "to", "people", "carers"], **{"from": DATE, "to": DATE},
               people=listed(record(["service_id", *_HOURS_ROW], service_id=ID, **_HOURS_ROW)),
               carers=listed(record(["carer", *_HOURS_ROW], carer=TEXT, **_HOURS_ROW)))
CARERS = paged("carers", record(["carer_id", "name", "employer"], carer_id=ID, name=TEXT, employer=TEXT))
CARER_REF = record(["carer_id"], carer_id=ID)
REFERRAL_FILE = record(["referral_id", "person_id", "person", "state", "documents"], referral_id=ID, state=TEXT,
                       documents=OBJECT, submitted_on=or_null(DATE), **_PERSONS_FILE)
REFERRALS = paged("referrals", record(
    ["referral_id", *_ROW, "started_on", "missing_documents", "submitted_on", "waiting"], referral_id=ID,
    started_on=DATE, missing_documents=STRINGS, submitted_on=or_null(DATE),
    waiting=or_null(record(["position", "on"], position=COUNT, on=DATE)), **_ROW))
ASSISTANCE_REF = record(["assistance_id"], assistance_id=ID)
ASSISTANCE_FILE = record(["assistance_id", "person_id", "person", "visits"], assistance_id=ID,
                         assistant=or_null(TEXT), assigned_on=or_null(DATE), visits=listed(OBJECT),
                         ended=or_null(OBJECT), **_PERSONS_FILE)
FAMILY_ASSISTANCE = paged("families", record(
    ["assistance_id", *_ROW, "requested_on", "assistant", "assigned_on", "visits", "ended_on"], assistance_id=ID,
    requested_on=DATE, assistant=or_null(TEXT), assigned_on=or_null(DATE), visits=COUNT, ended_on=or_null(DATE),
    **_ROW))
# Each assistant's families now (by the name first recorded for them), and the centre's limit.
ASSISTANTS = record(["load", "limit"], load=OBJECT, limit=COUNT)
OPENED = record(["service_id"], service_id=ID)
