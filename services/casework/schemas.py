"""The shapes of the social-work team's requests, as casework publishes them (GET /openapi.json).
The domain keeps its own rules on top: a date's place among the case's dates, a goal that is the
case's, a contract's state, a diagnosis made with the person, the workload limit (art. 110 ust. 11).

What the pages send passes as they send it: a step's unfilled optional fields are left out, the
diagnosis's areas and an evaluation's progress come as objects (`areas.housing`,
`progress.G1`), a contract's obligations as lists of lines, a checkbox as true or false (false
is still refused by the domain where the method needs a yes: a diagnosis with the person)."""

from services.casework.domain import CLOSING_OUTCOMES, DIAGNOSIS_AREAS, GOAL_PROGRESS, GROUP_KINDS, GROUP_SCOPES, Case
from shared.schemas import (
    BOOLEAN, COUNT, DATE, FLAG, ID, OBJECT, TEXT, UUID, day, line, listed, many, obj, one_of, or_null, paged,
    record, text, whole,
)
from shared.views import PAGE_MAX
from shared.vocabulary import CARE_SERVICE_KINDS

GOAL_ID = line()  # "G1": the case's own numbering, checked by the domain
# A list's page (?limit=50&after=...): how many at most, and after which (the `next_after` of the page before).
PAGE = obj(limit=whole(1, PAGE_MAX), after=line(500))


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


# A person as intake registered them: the identity a case keeps (domain.an_identity), nothing else.
PERSON = obj(
    ["full_name"],
    full_name=line(), birth_date=_nullable(day()), pesel=_nullable(line(11, pattern=r"^[0-9]{11}$")),
    document_number=_nullable(line(30)), contact=_nullable(line()),
    address=_nullable(obj(street=_nullable(line()), postal_code=_nullable(line(6)), city=_nullable(line()))),
)

OPEN_CASE = obj(["person_id", "person", "opened_on", "reason"], person_id=UUID, person=PERSON, opened_on=day(),
                reason=text())
ASSIGNMENT = obj(["worker", "on"], worker=line(), on=day(), override_reason=text())
DIAGNOSIS = obj(["recorded_on"], areas=obj(**{area: text() for area in DIAGNOSIS_AREAS}), strengths=text(),
                resources=text(), recorded_on=day(), with_person=BOOLEAN)
GOAL = obj(["description", "target_date"], description=text(), target_date=day())
ACTION = obj(["action", "who", "by_when", "goal_id"], action=text(), who=line(), by_when=day(), goal_id=GOAL_ID)
NOTE = obj(["text", "written_on"], text=text(), written_on=day())
# Which note (numbered from 1 in the order written; a form sends the number as text), its right
# text, why and the day. Who corrects is the signed-in member of staff (the token), never the body.
NOTE_CORRECTION = obj(["note", "text", "reason", "corrected_on"],
                      note={"type": ["integer", "string"], "minimum": 1, "maximum": 100_000,
                            "pattern": r"^[1-9][0-9]{0,5}$"},
                      text=text(), reason=text(), corrected_on=day())

_TERMS = dict(person_obligations=many(text(), 50), worker_obligations=many(text(), 50),
              goal_ids=many(GOAL_ID, 50), valid_from=day(), valid_to=day())
# No goal is a list the domain refuses with its own word (NoGoals): an empty list is a shape it reads.
CONTRACT = obj(["person_obligations", "worker_obligations", "goal_ids", "valid_from", "valid_to"], **_TERMS)
AMENDMENT = obj(["contract_ref", "on", "person_obligations", "worker_obligations", "goal_ids", "valid_from",
                 "valid_to"], contract_ref=line(), on=day(), **_TERMS)
CONTRACT_STEP = obj(["contract_ref", "step", "on"], contract_ref=line(), step=one_of(Case._TRANSITIONS), on=day())

SERVICE_REQUEST = obj(["kind", "need", "requested_on"], kind=one_of(CARE_SERVICE_KINDS), urgent=BOOLEAN,
                      need=text(), requested_on=day())
EVALUATION = obj(["on", "summary"], on=day(), final=BOOLEAN, summary=text(),
                 progress={"type": "object", "additionalProperties": one_of(GOAL_PROGRESS), "maxProperties": 50})
CLOSURE = obj(["outcome", "reason", "closed_on"], outcome=one_of(CLOSING_OUTCOMES), reason=text(), closed_on=day())

GROUP = obj(["name", "kind", "scope", "facilitator", "formed_on"], name=line(), kind=one_of(GROUP_KINDS),
            scope=one_of(GROUP_SCOPES), facilitator=line(), formed_on=day())
MEMBER = obj(["person_id"], person_id=UUID)
SESSION = obj(["held_on", "topic"], held_on=day(), topic=text(), present=many(UUID, 500))


# --- answers ------------------------------------------------------------------------------------

CASE_FILE = record(["case_id", "person_id", "person", "status", "notes"], case_id=ID, person_id=ID, person=OBJECT,
                   opened_on=DATE, urgent=FLAG, origin=TEXT, status=TEXT, worker=or_null(TEXT), goals=listed(OBJECT),
                   plan=listed(OBJECT), service_requests=listed(OBJECT), notes=listed(OBJECT))
OPEN_CASES = paged("cases", record(["case_id", "person_id", "full_name", "opened_on", "urgent", "status"], case_id=ID,
                           person_id=ID, full_name=TEXT, opened_on=DATE, urgent=FLAG, worker=or_null(TEXT),
                           status=TEXT))
CASE_REF = record(["case_id"], case_id=ID)
ASSIGNED = record(["worker", "cases", "warning"], worker=TEXT, cases=COUNT, warning=FLAG)
GOAL_REF = record(["goal_id"], goal_id=TEXT)
CONTRACT_REF = record(["contract_ref"], contract_ref=TEXT)
AMENDED = record(["version"], version=COUNT)
REQUEST_REF = record(["request_id"], request_id=TEXT)
# Per social worker (by name): families and single persons, open cases, against the limit.
WORKLOAD = {"type": "object", "additionalProperties": record(
    ["cases", "open_cases", "limit", "warning", "over_limit"], cases=COUNT, open_cases=COUNT, limit=COUNT,
    warning=FLAG, over_limit=FLAG)}
GROUPS = paged("groups", record(["group_id", "name", "kind"], group_id=ID, name=TEXT, kind=TEXT))
GROUP_REF = record(["group_id"], group_id=ID)

# An erasure (docs/architecture.md, "Erasure"): its legal ground and day; who erases is who is signed in.
