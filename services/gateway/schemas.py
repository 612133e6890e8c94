"""The shapes of the operator's account commands at the gateway (GET /openapi.json). The
application keeps its own rules on top: a login not taken, a password long enough."""

from shared.contracts.gateway import TEAMS
from shared.roles import ROLES
from shared.schemas import (
    COUNT, FLAG, HALF_YEAR_QUERY, ID, OBJECT, STRINGS, TEXT, codes, line, listed, obj, one_of, or_null, page,
    record,
)

TEAM = {"enum": [*TEAMS, None]}  # none: the auditor, the operator
ACCOUNT = obj(["login", "name"], login=line(64), name=line(), roles=codes(ROLES), team=TEAM, password=line(200))
ROLE_CHANGE = obj(roles=codes(ROLES), team=TEAM)
PASSWORD = obj(["password"], password=line(200))

# --- queries (?name=value) ------------------------------------------------------------------------

REPORT_QUERY = {**HALF_YEAR_QUERY, "properties": {**HALF_YEAR_QUERY["properties"], "format": one_of(["json", "csv", "html"])}}
MOMENT_QUERY = obj(["at"], at=line(40))  # an ISO date-time with its offset, read by the handler


# --- answers ------------------------------------------------------------------------------------

PAGE = page()  # a page of the centre's (or a piece of one, for a live list)
FILE = page("*/*")  # the pages' script, style sheet or image, of its own type
STREAM = page("text/event-stream")
FORWARDED = {"description": "the team service's own answer, as its document (/api/<service>/openapi.json) says"}
SIGNED_IN = record(["token", "csrf_token"], token=TEXT, csrf_token=TEXT)
SIGNED_OUT = record(["signed_out"], signed_out=FLAG)
ME = record(["id", "name", "roles", "team", "csrf_token"], id=TEXT, name=TEXT, roles=STRINGS, team=or_null(TEXT),
            csrf_token=TEXT)
# ?format=json (the default), csv or html
REPORT = [record(["form", "year", "half", "rows"], form=TEXT, year=COUNT, half=COUNT, rows=listed(OBJECT)),
          page("text/csv"), PAGE]
ACCOUNT_FILE = record(["account_id", "login", "name", "roles", "team"], account_id=ID, login=TEXT, name=TEXT,
                      roles=STRINGS, team=or_null(TEXT))
ACCOUNTS = listed(ACCOUNT_FILE)
ACCOUNT_REF = record(["account_id"], account_id=ID)
ROLES_AT = record(["account_id", "login", "at", "roles"], account_id=ID, login=TEXT, at=TEXT, roles=STRINGS)
TRANSFER_FILE = page("application/xml")
