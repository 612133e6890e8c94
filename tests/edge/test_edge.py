"""What a real service answers at its edge, over HTTP: an unknown path or method gets the same
JSON refusal as its other errors (404, 405 with Allow), never an HTML page; a query is checked
against the schema the endpoint publishes, a refusal naming the parameter, nothing stored."""

from __future__ import annotations

import pytest
import requests

pytestmark = [pytest.mark.sqlite_only, pytest.mark.slow]


def head(centre, service: str) -> int:
    """The service's store position (its last notification id), read from /health."""
    return requests.get(f"{centre.url(service)}/health", timeout=10).json()["store"]["head"]


def refused(response: requests.Response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    answer = response.json()
    assert answer["error"] == error and answer["message"] and answer["message_pl"], answer
    return answer


def test_an_unknown_path_or_method_is_answered_in_json_on_every_service(centre, everyone):
    for service in ("casework", "decisions", "care", "training", "gateway"):
        centre.start(service)
    for service in ("casework", "decisions", "care", "training", "gateway"):
        base = centre.url(service)
        for headers in ({}, everyone(service)):
            answer = refused(requests.get(f"{base}/nowhere/90010112345", headers=headers, timeout=10), 404,
                             "NoSuchPath")
            assert "90010112345" not in answer["message"]  # what was typed in a path is not quoted back
        wrong = requests.delete(f"{base}/health", timeout=10)
        refused(wrong, 405, "MethodNotAllowed")
        assert set(wrong.headers["Allow"].split(", ")) == {"GET", "HEAD"}, (service, wrong.headers)


def test_a_query_is_checked_against_its_published_schema_naming_the_parameter(centre, everyone):
    centre.start("decisions")
    base, token = centre.url("decisions"), everyone("decisions")
    before = head(centre, "decisions")
    for query, field in (({"today": "2026-03-03", "within_days": "99999999999"}, "within_days"),
                         ({"today": "2026-03-03", "within_days": "fourteen"}, "within_days"),
                         ({"today": "2026-02-30"}, "today"),
                         ({}, "today")):
        for path in ("/deadlines", "/interview-updates"):
            answer = refused(requests.get(base + path, params=query, headers=token, timeout=10), 400,
                             "InvalidRequest")
            assert answer["field"] == field, (path, query, answer)
    answer = refused(requests.get(f"{base}/proceedings", params={"person_id": 12345}, headers=token, timeout=10),
                     400, "InvalidRequest")
    assert answer["field"] == "person_id"
    assert head(centre, "decisions") == before  # nothing stored, not even a read
    due = requests.get(f"{base}/deadlines", params={"today": "2026-03-03", "within_days": "366"}, headers=token,
                       timeout=10)
    assert due.status_code == 200, due.text
    document = requests.get(f"{base}/openapi.json", timeout=10).json()
    parameters = {p["name"]: p for p in document["paths"]["/deadlines"]["get"]["parameters"]}
    assert parameters["within_days"] == {"name": "within_days", "in": "query", "required": False,
                                         "schema": {"type": "integer", "minimum": 0, "maximum": 366}}
    assert parameters["today"]["required"] is True
    refusal = document["paths"]["/deadlines"]["get"]["responses"]["4XX"]["content"]
    assert refusal == {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    assert document["components"]["schemas"]["Refusal"]["required"] == ["error", "message"]


def test_the_pages_queries_are_declared_and_checked_naming_the_parameter(centre):
    centre.start("gateway")
    base = centre.url("gateway")
    document = requests.get(f"{base}/openapi.json", timeout=10).json()["paths"]
    assert {p["name"] for p in document["/kadry"]["get"]["parameters"] if p["in"] == "query"} == {"od", "do"}
    assert {p["name"] for p in document["/wyplaty"]["get"]["parameters"] if p["in"] == "query"} == {
        "month", "as_of", "execution_date", "debtor_name", "debtor_account"}
    for role, path, query, field in (
            ("staff_development_officer", "/kadry", {"od": "2026-01-01T00:00:00"}, "od"),
            ("benefit_officer", "/przeglady", {"wszystkie": "1", "osoba": "x"}, "osoba"),
            ("benefit_officer", "/wyplaty", {"month": "listopad 2026"}, "month"),
            ("care_coordinator", f"/usluga/{'0' * 8}-0000-4000-8000-{'0' * 12}", {"miesiac": "2026-11-01"}, "miesiac"),
            ("director", "/sprawozdanie", {"rok": "2026", "polrocze": "3"}, "polrocze"),
            ("auditor", "/audyt", {"od": "-5"}, "od")):
        page = centre.as_role(role).http.get(base + path, params=query, headers={"Accept": "text/html"}, timeout=10)
        answer = refused(page, 400, "InvalidRequest")
        assert answer["field"] == field, (path, answer)
    # A query as the page's own links send it passes the check (the team service is not running here).
    shown = centre.as_role("benefit_officer").http.get(f"{base}/przeglady", params={"wszystkie": "1"}, timeout=10)
    assert shown.status_code == 503 and shown.json()["error"] == "TeamUnavailable", shown.text
