"""The shapes of the operator's account commands at the gateway (GET /openapi.json). The
application keeps its own rules on top: a login not taken, a password long enough."""

from shared.contracts.gateway import TEAMS
from shared.roles import ROLES
from shared.schemas import codes, line, obj

TEAM = {"enum": [*TEAMS, None]}  # none: the auditor, the operator
ACCOUNT = obj(["login", "name"], login=line(64), name=line(), roles=codes(ROLES), team=TEAM, password=line(200))
ROLE_CHANGE = obj(roles=codes(ROLES), team=TEAM)
PASSWORD = obj(["password"], password=line(200))
