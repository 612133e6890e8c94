"""The shapes of the first-contact desk's requests, as intake publishes them (GET /openapi.json).
The domain keeps its own rules on top: a PESEL's check digit and birth date, a postal code's
form, a name that is there."""

from shared.schemas import (
    BOOLEAN, DATE, FLAG, ID, OBJECT, STRINGS, TEXT, codes, day, line, listed, many, obj, one_of, or_null, paged,
    record, text, whole,
)
from shared.views import PAGE_MAX
from shared.vocabulary import FORMS_OF_HELP, REASONS_FOR_HELP, ROUTING_TEAMS

PESEL = line(11, pattern=r"^[0-9]{11}$")
ADDRESS = obj(street=line(), postal_code=line(6), city=line())
HOUSEHOLD_MEMBER = obj(["name"], name=line(), birth_date=day(), pesel=PESEL, relation=line())

PERSON = obj(
    ["registered_on"],
    full_name=line(), pesel=PESEL, document_number=line(30), birth_date=day(), address=ADDRESS,
    contact=line(), household=many(HOUSEHOLD_MEMBER, 20), registered_on=day(),
)
# A list's page: how many at most, and after which (the `next_after` of the page before).
_PAGE = {"limit": whole(1, PAGE_MAX), "after": line(500)}
SEARCH = obj(pesel=PESEL, name=line(), **_PAGE)
ROUTED_CASES_QUERY = obj(team=line(), **_PAGE)  # ?team=casework&limit=50&after=...
FIRST_CONTACT = obj(
    ["held_on"],
    held_on=day(), reasons_for_help=codes(REASONS_FOR_HELP), help_requested=codes(FORMS_OF_HELP),
    urgent=BOOLEAN, notes=text(),
)

# A correction: what is right now, why the record was wrong, and the day. Who corrects is the
# signed-in member of staff (the gateway's token), never the body.
_WHY = {"reason": text(), "corrected_on": day()}
IDENTITY_CORRECTION = obj(["reason", "corrected_on"], full_name=line(), birth_date=day(), pesel=PESEL,
                          document_number=line(30), **_WHY)
ADDRESS_CORRECTION = obj(["address", "reason", "corrected_on"], address=ADDRESS, **_WHY)
CONTACT_CORRECTION = obj(["contact", "reason", "corrected_on"], contact=line(), **_WHY)
HOUSEHOLD_CORRECTION = obj(["household", "reason", "corrected_on"], household=many(HOUSEHOLD_MEMBER, 20), **_WHY)
# An erasure (docs/architecture.md, "Erasure"): its legal ground and day; who erases is who is signed in.
ROUTING = obj(["team", "routed_on"], team=one_of(ROUTING_TEAMS), reason=text(), routed_on=day())


# --- answers ------------------------------------------------------------------------------------

PERSON_FILE = record(["person_id", "full_name", "registered_on", "history"], person_id=ID, full_name=or_null(TEXT),
                     birth_date=or_null(DATE), pesel=or_null(TEXT), document_number=or_null(TEXT),
                     address=or_null(OBJECT), contact=or_null(TEXT), household=listed(OBJECT), registered_on=DATE,
                     history=listed(record(["kind"], kind=TEXT)), erased=FLAG)
PERSONS = paged("persons", PERSON_FILE)
REGISTERED = record(["person_id", "new"], person_id=ID, new=FLAG)
CORRECTED = record(["person_id", "corrected"], person_id=ID, corrected=STRINGS)
TALK_RECORDED = record(["contact_id"], contact_id=ID)
ROUTED = record(["case_id"], case_id=ID)
ROUTED_CASES = paged("routings", record(["case_id", "contact_id", "person_id", "team"], case_id=ID, contact_id=ID,
                                        person_id=ID, team=TEXT))
