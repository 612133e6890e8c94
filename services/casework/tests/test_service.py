"""casework's HTTP edge: every endpoint's role rule, one endpoint per step of the method at the
path the step always had, and the director's figures only (the door itself, tokens and 401/403,
is tried against the running service in tests/security/test_roles.py)."""

from services.casework.service import CaseworkService
from shared.roles import AUDITOR, DIRECTOR, SOCIAL_WORK_TEAM_LEADER, SOCIAL_WORKER
from shared.web import PUBLIC, Api

TEAM = frozenset({SOCIAL_WORKER, SOCIAL_WORK_TEAM_LEADER})
STEPS = ("assignment", "diagnosis", "goals", "plan", "notes", "contracts", "contract-amendment", "contract-step",
         "service-requests", "evaluations", "closure")


def routes() -> dict[tuple[str, str], frozenset[str]]:
    found = {}
    for attribute in dir(CaseworkService):
        for entrypoint in getattr(getattr(CaseworkService, attribute), "nameko_entrypoints", ()):
            assert isinstance(entrypoint, Api), f"{attribute} is an endpoint without a role rule"
            found[(entrypoint.method, entrypoint.url)] = entrypoint.roles
    return found


def test_every_endpoint_and_its_role_rule():
    expected = {
        ("GET", "/health"): PUBLIC,
        ("GET", "/metrics"): PUBLIC,
        ("GET", "/openapi.json"): PUBLIC,
        ("GET", "/access-log"): {AUDITOR},
        ("GET", "/audit-export"): {AUDITOR},
        ("GET", "/cases/open"): TEAM,
        ("GET", "/cases/<uuid:case_id>"): TEAM,
        ("POST", "/cases"): TEAM,
        **{("POST", f"/cases/<uuid:case_id>/{step}"): TEAM for step in STEPS},
        ("GET", "/workload"): TEAM,
        ("GET", "/groups"): TEAM,
        ("POST", "/groups"): TEAM,
        ("POST", "/groups/<uuid:group_id>/members"): TEAM,
        ("POST", "/groups/<uuid:group_id>/sessions"): TEAM,
        ("GET", "/mrpips03-part"): {DIRECTOR},
    }
    expected[("POST", "/cases/<uuid:case_id>/assignment")] = {SOCIAL_WORK_TEAM_LEADER}
    assert routes() == {route: frozenset(roles) for route, roles in expected.items()}


def test_the_director_gets_no_endpoint_but_the_report_s_figures():
    assert [route for route, roles in routes().items() if DIRECTOR in roles] == [("GET", "/mrpips03-part")]
