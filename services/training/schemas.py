"""The shapes of the staff-development officer's requests, as training publishes them (GET
/openapi.json). The domain keeps its own rules on top: a team of this centre's configuration (3 or 4
teams and management, a setting: so a team is a short text here, its code checked by the domain),
a full-time equivalent above 0 and at most 1, a training's hours, a date's place among other dates,
the employees named being registered.

Numbers (hours, a full-time equivalent) come as JSON numbers or as the texts the pages send."""

from services.training.domain import DEGREES, ROLES, SUPERVISION_KINDS
from shared.schemas import DATE, DECIMAL, ID, OBJECT, TEXT, UUID, day, line, listed, many, obj, one_of, or_null, record, text

NUMBER = {"type": ["string", "number"], "maxLength": 30}  # 16 or "16": the domain reads both
TEAM = line(64)  # one of the centre's configured teams: the domain checks it against the setting
PARTICIPANTS = many(UUID, 200)

EMPLOYEE = obj(["name", "team", "role", "joined_on"], name=line(), team=TEAM, role=one_of(ROLES), fte=NUMBER,
               joined_on=day())
MOVE = obj(["team", "on"], team=TEAM, on=day())
SPECIALISATION = obj(["degree", "obtained_on"], degree=one_of(DEGREES), obtained_on=day())
LEAVING = obj(["on"], on=day())

TRAINING = obj(["title", "topic", "provider", "hours", "days", "place"], title=line(), topic=line(),
               provider=line(), hours=NUMBER, days=many(day(), 100), place=line())
ENROLMENT = obj(["employee_id"], employee_id=UUID)
ATTENDANCE = obj(["employee_id", "day"], employee_id=UUID, day=day())
COMPLETION = obj(["employee_id", "certificate"], employee_id=UUID, certificate=line())

SUPERVISION = obj(["team", "kind", "held_on", "supervisor"], team=TEAM, kind=one_of(SUPERVISION_KINDS),
                  held_on=day(), supervisor=line(), participants=PARTICIPANTS)
STUDY_VISIT = obj(["host", "starts_on", "ends_on", "learned"], host=line(), starts_on=day(), ends_on=day(),
                  learned=text(), participants=PARTICIPANTS)


# --- queries (?name=value) ------------------------------------------------------------------------

TODAY_QUERY = obj(["today"], today=day())
PERIOD_QUERY = obj(["from", "to"], **{"from": day(), "to": day()})


# --- answers ------------------------------------------------------------------------------------

EMPLOYEE_FILE = record(["employee_id", "name", "team", "role"], employee_id=ID, name=TEXT, team=TEXT, role=TEXT,
                       fte=DECIMAL, joined_on=DATE, left_on=or_null(DATE), specialisations=listed(OBJECT),
                       moves=listed(OBJECT))
EMPLOYEES = listed(EMPLOYEE_FILE)
TRAINING_FILE = record(["training_id", "title"], training_id=ID, title=TEXT, hours=DECIMAL, days=listed(DATE))
TRAININGS = listed(TRAINING_FILE)
EMPLOYEE_REF = record(["employee_id"], employee_id=ID)
TRAINING_REF = record(["training_id"], training_id=ID)
SUPERVISION_REF = record(["supervision_id"], supervision_id=ID)
STUDY_VISIT_REF = record(["study_visit_id"], study_visit_id=ID)
SUPERVISION_BEHIND = listed(record(["team", "last_session"], team=TEXT, last_session=or_null(DATE),
                                   was_due_by=or_null(DATE)))
STUDY_VISITS = listed(record(["study_visit_id", "host", "starts_on", "ends_on", "participants"], study_visit_id=ID,
                             host=TEXT, starts_on=DATE, ends_on=DATE, participants=listed(OBJECT)))
# The whole report (the staff-development officer's) or its indicators (anyone else's, view "indicators").
REPORT = record(["from", "to", "teams", "centre", "workload"], **{"from": DATE, "to": DATE}, teams=OBJECT,
                centre=OBJECT, workload=OBJECT, view={"const": "indicators"})
