"""casework's HTTP edge: every endpoint's role rule, one endpoint per step of the method at the
path the step always had, and the director's figures only (the door itself, tokens and 401/403,
is tried against the running service in tests/security/test_roles.py); the published schema of
every command's body, asked of the service in a real nameko container with a gateway key's tokens."""

from __future__ import annotations

import uuid

import pytest
import requests
from nameko.testing.services import replace_dependencies

from services.casework.application import CaseworkApplication
from services.casework.service import CaseworkService
from services.casework.tests.test_application import LEADER, OTHER_WORKER, WORKER, routed, with_team
from shared.identity import PUBLIC_KEYS, Staff, TokenIssuer, rotate_signing_key
from shared.roles import AUDITOR, DIRECTOR, OPERATOR, SOCIAL_WORK_TEAM_LEADER, SOCIAL_WORKER
from shared.web import PUBLIC, Api
from tests.support.service_client import ServiceClient

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
        ("POST", "/cases/<uuid:case_id>/notes/correction"): TEAM,
        **{("POST", f"/cases/<uuid:case_id>/{step}"): TEAM for step in STEPS},
        ("GET", "/workload"): TEAM,
        ("GET", "/groups"): TEAM,
        ("POST", "/groups"): TEAM,
        ("POST", "/groups/<uuid:group_id>/members"): TEAM,
        ("POST", "/groups/<uuid:group_id>/sessions"): TEAM,
        ("GET", "/mrpips03-part"): {DIRECTOR},
        ("POST", "/persons/<uuid:person_id>/erasure"): {OPERATOR},
    }
    expected[("POST", "/cases/<uuid:case_id>/assignment")] = {SOCIAL_WORK_TEAM_LEADER}
    assert routes() == {route: frozenset(roles) for route, roles in expected.items()}


def test_the_director_gets_no_endpoint_but_the_report_s_figures():
    assert [route for route, roles in routes().items() if DIRECTOR in roles] == [("GET", "/mrpips03-part")]


# --- the published schemas, asked of the running service ---------------------------------------

@pytest.fixture
def served(make_database_url, container_factory, web_config, web_config_port, tmp_path):
    """casework in a nameko container on its own application (the team on its roster, as the
    gateway's accounts describe it) and a gateway key of the test's."""
    app = with_team(CaseworkApplication(make_database_url("casework")))
    app.workers = []  # no relay or consumer: the requests come over HTTP, the policy is called directly
    secrets = tmp_path / "secrets"
    issuer = TokenIssuer(rotate_signing_key(secrets))
    container = container_factory(CaseworkService,
                                  {**web_config, "GATEWAY_PUBLIC_KEYS": str(secrets / PUBLIC_KEYS)})
    replace_dependencies(container, store=app)
    container.start()

    def desk(staff: Staff | None) -> ServiceClient:
        return ServiceClient(f"http://127.0.0.1:{web_config_port}", issuer, staff, "casework")

    yield app, desk
    container.stop()
    app.close()


def test_bad_bodies_are_refused_by_the_published_schema_naming_the_field_and_nothing_is_stored(served):
    app, desk = served
    leader, worker = desk(LEADER), desk(WORKER)
    app.process(routed(1, "Zofia Sprawna", routed_on="2026-11-02"))
    [case_id] = [c["case_id"] for c in worker("GET", "/cases/open")["cases"]]
    case = f"/cases/{case_id}"
    leader("POST", f"{case}/assignment", json={"worker": WORKER.name, "on": "2026-11-03"})
    worker("POST", f"{case}/diagnosis", json={"areas": {"work": "bez pracy"}, "recorded_on": "2026-11-04",
                                              "with_person": True})
    goal = worker("POST", f"{case}/goals", json={"description": "praca", "target_date": "2027-03-31"})["goal_id"]
    drafted = worker("POST", f"{case}/contracts", json={"person_obligations": ["warsztaty"],
                                                        "worker_obligations": ["oferty pracy"], "goal_ids": [goal],
                                                        "valid_from": "2026-11-05", "valid_to": "2027-03-31"})
    ref = drafted["contract_ref"]
    worker("POST", f"{case}/contract-step", json={"contract_ref": ref, "step": "sign", "on": "2026-11-06"})
    formed = worker("POST", "/groups", 201, json={"name": "Klub", "kind": "self_help", "scope": "territorial",
                                                  "facilitator": WORKER.name, "formed_on": "2026-11-01"})
    group = f"/groups/{formed['group_id']}"
    person = str(uuid.uuid4())
    worker("POST", f"{group}/members", json={"person_id": person})
    worker("POST", f"{case}/notes", json={"text": "rozmowa z synem", "written_on": "2026-11-05"})
    lists = ("/cases/open", case, "/groups", "/workload")
    before = [leader("GET", path) for path in lists]
    position = app.recorder.max_notification_id()
    terms = {"person_obligations": ["warsztaty"], "worker_obligations": ["oferty"], "goal_ids": [goal],
             "valid_from": "2026-11-05", "valid_to": "2027-03-31"}
    identity = {"full_name": "Jan Nowy", "pesel": None}

    for who, path, body, field in [
        (worker, "/cases", {"person_id": 12345, "person": identity, "opened_on": "2026-11-05", "reason": "x"},
         "person_id"),
        (worker, "/cases", {"person_id": "nie-uuid", "person": identity, "opened_on": "2026-11-05", "reason": "x"},
         "person_id"),
        (worker, "/cases", {"person_id": person, "person": {**identity, "nmae": "Y"}, "opened_on": "2026-11-05",
                            "reason": "x"}, "person.nmae"),
        (worker, "/cases", {"person_id": person, "person": identity, "opened_on": "2026-02-30", "reason": "x"},
         "opened_on"),
        (worker, "/cases", {"person_id": person, "person": {"full_name": ["Jan"]}, "opened_on": "2026-11-05",
                            "reason": "x"}, "person.full_name"),
        (leader, f"{case}/assignment", {"worker": ["Tomasz Nowicki"], "on": "2026-11-05"}, "worker"),
        (leader, f"{case}/assignment", {"worker": WORKER.name, "on": "2026-11-05", "override_reason": {"x": 1}},
         "override_reason"),
        (worker, f"{case}/diagnosis", {"areas": {"work": "x"}, "recorded_on": "2026-11-05", "with_person": "true"},
         "with_person"),
        (worker, f"{case}/diagnosis", {"areas": {"work": {"opis": "x"}}, "recorded_on": "2026-11-05",
                                       "with_person": True}, "areas.work"),
        (worker, f"{case}/diagnosis", {"areas": {"kosmos": "x"}, "recorded_on": "2026-11-05", "with_person": True},
         "areas.kosmos"),
        (worker, f"{case}/diagnosis", {"areas": "work", "recorded_on": "2026-11-05", "with_person": True}, "areas"),
        (worker, f"{case}/goals", {"description": 42, "target_date": "2027-03-31"}, "description"),
        (worker, f"{case}/goals", {"description": "x", "target_date": "2026-02-30"}, "target_date"),
        (worker, f"{case}/plan", {"action": "x", "who": "X" * 201, "by_when": "2026-12-01", "goal_id": goal}, "who"),
        (worker, f"{case}/plan", {"action": "x", "who": "Zofia", "by_when": "2026-12-01", "goal_id": 1}, "goal_id"),
        (worker, f"{case}/notes", {"text": "x" * 5001, "written_on": "2026-11-05"}, "text"),
        (worker, f"{case}/notes", {"text": "x", "written_on": "05.11.2026"}, "written_on"),
        (worker, f"{case}/notes/correction", {"note": "pierwsza", "text": "x", "reason": "x",
                                              "corrected_on": "2026-11-06"}, "note"),
        (worker, f"{case}/notes/correction", {"note": 0, "text": "x", "reason": "x", "corrected_on": "2026-11-06"},
         "note"),
        (worker, f"{case}/notes/correction", {"note": 1, "text": "x", "corrected_on": "2026-11-06"}, "reason"),
        (worker, f"{case}/notes/correction", {"note": 1, "text": ["x"], "reason": "x", "corrected_on": "2026-11-06"},
         "text"),
        (worker, f"{case}/notes/correction", {"note": 1, "text": "x", "reason": "x", "corrected_on": "2026-11-06",
                                              "corrected_by": "Ktoś"}, "corrected_by"),
        (worker, f"{case}/contracts", {**terms, "person_obligations": "warsztaty"}, "person_obligations"),
        (worker, f"{case}/contracts", {**terms, "goal_ids": [1]}, "goal_ids"),
        (worker, f"{case}/contracts", {**terms, "signed_on": "2026-11-05"}, "signed_on"),
        (worker, f"{case}/contract-amendment", {**terms, "on": "2026-11-07"}, "contract_ref"),
        (worker, f"{case}/contract-amendment", {**terms, "contract_ref": ref, "on": "2026-11-31"}, "on"),
        (worker, f"{case}/contract-step", {"contract_ref": ref, "step": "tear_up", "on": "2026-11-07"}, "step"),
        (worker, f"{case}/service-requests", {"kind": "uslugi_opiekuncze", "urgent": "false", "need": "x",
                                              "requested_on": "2026-11-05"}, "urgent"),
        (worker, f"{case}/service-requests", {"kind": "masaz", "need": "x", "requested_on": "2026-11-05"}, "kind"),
        (worker, f"{case}/evaluations", {"on": "2026-11-20", "final": "yes", "summary": "x"}, "final"),
        (worker, f"{case}/evaluations", {"on": "2026-11-20", "summary": "x", "progress": {goal: "great"}},
         f"progress.{goal}"),
        (worker, f"{case}/closure", {"outcome": "done", "reason": "x", "closed_on": "2026-12-01"}, "outcome"),
        (worker, f"{case}/closure", {"outcome": "goals_achieved", "reason": "x", "closed_on": "2026-12-01",
                                     "officer": "Ja"}, "officer"),
        (worker, "/groups", {"name": "X" * 201, "kind": "support", "scope": "categorical", "facilitator": "Ja",
                             "formed_on": "2026-11-01"}, "name"),
        (worker, "/groups", {"name": "Sport", "kind": "sport", "scope": "categorical", "facilitator": "Ja",
                             "formed_on": "2026-11-01"}, "kind"),
        (worker, f"{group}/members", {"person_id": 7}, "person_id"),
        (worker, f"{group}/sessions", {"held_on": "2026-11-10", "topic": {"t": 1}}, "topic"),
        (worker, f"{group}/sessions", {"held_on": "2026-11-10", "topic": "x", "present": [person, "abc"]}, "present"),
        (worker, f"{group}/sessions", {"held_on": "2026-02-30", "topic": "x"}, "held_on"),
    ]:
        answer = who("POST", path, 400, json=body)
        assert (answer["error"], answer["field"]) == ("InvalidRequest", field), (path, body, answer)
        assert answer["message_pl"], body

    assert app.recorder.max_notification_id() == position  # nothing stored, not even a read
    assert [leader("GET", path) for path in lists] == before
    # What the pages send passes the schema: an unticked box is false, which the domain still
    # refuses where the method needs a yes; the areas and the progress as objects; a request not urgent.
    answer = worker("POST", f"{case}/diagnosis", 400, json={"areas": {"housing": "x"}, "recorded_on": "2026-11-05",
                                                             "with_person": False})
    assert (answer["error"], answer["field"]) == ("DiagnosisWithoutPerson", "with_person")
    worker("POST", f"{case}/service-requests", json={"kind": "uslugi_opiekuncze", "urgent": False, "need": "x",
                                                     "requested_on": "2026-11-05"})
    worker("POST", f"{case}/evaluations", json={"on": "2026-11-20", "final": False, "summary": "x",
                                                "progress": {goal: "in_progress"}})
    file = worker("GET", case)
    assert [r["urgent"] for r in file["service_requests"]] == [False]
    assert [e["final"] for e in file["evaluations"]] == [False]
    worker("POST", "/cases", 201, json={"person_id": person, "person": identity, "opened_on": "2026-11-05",
                                        "reason": "spotkany w klubie"})
    document = requests.get(f"{desk(None).base}/openapi.json", timeout=10).json()
    schema = document["paths"]["/cases/{case_id}/diagnosis"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert schema["properties"]["with_person"] == {"type": "boolean"} and "housing" in schema["properties"]["areas"][
        "properties"]


def test_a_note_is_corrected_by_the_signed_in_worker_and_refusals_are_named_with_their_field(served):
    app, desk = served
    leader, worker, other = desk(LEADER), desk(WORKER), desk(OTHER_WORKER)
    app.process(routed(1, "Zofia Sprawna", routed_on="2026-11-02"))
    [case_id] = [c["case_id"] for c in worker("GET", "/cases/open")["cases"]]
    case = f"/cases/{case_id}"
    leader("POST", f"{case}/assignment", json={"worker": WORKER.name, "on": "2026-11-03"})
    worker("POST", f"{case}/notes", json={"text": "rozmowa z synem", "written_on": "2026-11-05"})
    why = {"reason": "pomyłka", "corrected_on": "2026-11-06"}
    position = app.recorder.max_notification_id()
    assert other("POST", f"{case}/notes/correction", 403, json={"note": 1, "text": "x", **why})["error"] == "NotAllowed"
    for body, error, field in [
        ({"note": 1, "text": "rozmowa  z synem", **why}, "NothingToCorrect", None),
        ({"note": 2, "text": "x", **why}, "NoSuchNote", "note"),
        ({"note": 1, "text": "x", "reason": " ", "corrected_on": "2026-11-06"}, "MissingCorrectionReason", "reason"),
        ({"note": 1, "text": "x", "reason": "x", "corrected_on": "2026-11-04"}, "CorrectionBeforeNote",
         "corrected_on"),
    ]:
        answer = worker("POST", f"{case}/notes/correction", 400, json=body)
        assert (answer["error"], answer.get("field"), bool(answer["message_pl"])) == (error, field, True), answer
    assert app.recorder.max_notification_id() == position
    worker("POST", f"{case}/notes/correction", json={"note": "1", "text": "rozmowa z córką", **why})
    file = leader("GET", case)
    assert [n["text"] for n in file["notes"]] == ["rozmowa z córką"]
    assert file["note_corrections"] == [{"note": 1, "old": "rozmowa z synem", "new": "rozmowa z córką",
                                         "reason": "pomyłka", "corrected_by": WORKER.name,
                                         "corrected_on": "2026-11-06"}]
