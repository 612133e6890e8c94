"""The shapes of the operator's account commands at the gateway (GET /openapi.json). The
application keeps its own rules on top: a login not taken, a password long enough."""

from shared.contracts.gateway import TEAMS
from shared.roles import ROLES
from shared.schemas import HALF_YEAR_QUERY, codes, line, obj, one_of

TEAM = {"enum": [*TEAMS, None]}  # none: the auditor, the operator
ACCOUNT = obj(["login", "name"], login=line(64), name=line(), roles=codes(ROLES), team=TEAM, password=line(200))
ROLE_CHANGE = obj(roles=codes(ROLES), team=TEAM)
PASSWORD = obj(["password"], password=line(200))

# --- queries (?name=value) ------------------------------------------------------------------------

REPORT_QUERY = {**HALF_YEAR_QUERY, "properties": {**HALF_YEAR_QUERY["properties"], "format": one_of(["json", "csv", "html"])}}
MOMENT_QUERY = obj(["at"], at=line(40))  # an ISO date-time with its offset, read by the handler
