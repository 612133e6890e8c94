"""training's HTTP edge in a real nameko container, asked with real tokens signed by a gateway
key: the role rule of every endpoint (each step its own, at its old path), the staff report
whole for the staff-development officer and as indicators without a name for the director,
an access log that stays empty (training keeps no client's file), and the report command
asking with a token."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, timezone

import pytest
import requests
from nameko.testing.services import replace_dependencies

from services.training import report as report_command
from services.training.application import TrainingApplication
from services.training.report import render_html, render_table
from services.training.service import TrainingService
from shared.contracts.casework import WORKER_ASSIGNED
from shared.envelope import Envelope, source_of
from shared.identity import PUBLIC_KEYS, Staff, TokenIssuer, rotate_signing_key
from shared.roles import AUDITOR, DIRECTOR, ROLES, STAFF_DEVELOPMENT_OFFICER
from shared.web import PUBLIC, to_json
from tests.support.service_client import ServiceClient

SDO, REPORT, AUDIT = {STAFF_DEVELOPMENT_OFFICER}, {STAFF_DEVELOPMENT_OFFICER, DIRECTOR}, {AUDITOR}
E, T = "/employees/<uuid:employee_id>", "/trainings/<uuid:training_id>"
NAMES = ("Tomasz Nowicki", "Agata Mazur", "Ewa Lis", "B. Wójcik", "Halina Kot", "Jan Ryba")

RULES = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/access-log"): AUDIT,
    ("GET", "/audit-export"): AUDIT,
    ("GET", "/employees"): SDO,
    ("POST", "/employees"): SDO,
    ("POST", f"{E}/move"): SDO,
    ("POST", f"{E}/specialisation"): SDO,
    ("POST", f"{E}/leaving"): SDO,
    ("GET", "/trainings"): SDO,
    ("POST", "/trainings"): SDO,
    ("POST", f"{T}/enrolment"): SDO,
    ("POST", f"{T}/attendance"): SDO,
    ("POST", f"{T}/completion"): SDO,
    ("POST", "/supervision"): SDO,
    ("GET", "/supervision/behind"): SDO,
    ("POST", "/study-visits"): SDO,
    ("GET", "/study-visits"): SDO,
    ("GET", "/report"): REPORT,
}


def test_each_endpoint_has_its_own_role_rule():
    found = {}
    for attribute in dir(TrainingService):
        for entrypoint in getattr(getattr(TrainingService, attribute), "nameko_entrypoints", ()):
            found[(entrypoint.method, entrypoint.url)] = set(entrypoint.roles)
    assert found == {key: set(roles) for key, roles in RULES.items()}


def token(issuer: TokenIssuer, staff: Staff) -> str:
    """A token as the gateway signs one for training, naming this request anew."""
    return issuer.mint(dataclasses.replace(staff, request_id=uuid.uuid4().hex), "training")


@pytest.fixture
def served(make_database_url, container_factory, web_config, web_config_port, tmp_path):
    app = TrainingApplication(make_database_url("training"), population=9000)
    app.workers = []
    secrets = tmp_path / "secrets"
    issuer = TokenIssuer(rotate_signing_key(secrets))
    container = container_factory(TrainingService, {**web_config, "GATEWAY_PUBLIC_KEYS": str(secrets / PUBLIC_KEYS)})
    replace_dependencies(container, store=app)
    container.start()
    base = f"http://127.0.0.1:{web_config_port}"

    def desk(role: str | None, name: str = "") -> ServiceClient:
        staff = None if role is None else Staff(id=f"acc-{role}", name=name or f"Test {role}", roles=frozenset({role}))
        return ServiceClient(base, issuer, staff, "training")

    yield app, desk, issuer, base
    container.stop()
    app.close()


def assigned(app: TrainingApplication, n: int, worker: str, on: str) -> None:
    app.process(Envelope.checked(id=str(uuid.uuid4()), source=source_of("casework"), type=WORKER_ASSIGNED.type,
                                 time=datetime.now(timezone.utc), subject="",
                                 data={"worker": worker, "case_id": str(uuid.uuid4()), "assigned_on": on},
                                 notification_id=n))


def a_month_of_work(app: TrainingApplication, officer: ServiceClient) -> None:
    """Registry, a training, supervision and a study visit through the endpoints; cases from casework."""
    ids = {}
    for name, team, role in (("Tomasz Nowicki", "casework", "social_worker"), ("Agata Mazur", "casework",
                                                                                "social_worker"),
                             ("Ewa Lis", "casework", "team_leader")):
        ids[name] = officer("POST", "/employees", 201, json={"name": name, "team": team, "role": role,
                                                             "joined_on": "2026-01-02"})["employee_id"]
    officer("POST", f"/employees/{ids['Tomasz Nowicki']}/specialisation", json={"degree": "I",
                                                                                "obtained_on": "2026-02-20"})
    course = officer("POST", "/trainings", 201, json={"title": "Kontrakt socjalny", "topic": "praca socjalna",
                                                      "provider": "ROPS", "hours": 6, "days": ["2026-03-16"],
                                                      "place": "Kraków"})["training_id"]
    officer("POST", f"/trainings/{course}/enrolment", json={"employee_id": ids["Agata Mazur"]})
    officer("POST", f"/trainings/{course}/attendance", json={"employee_id": ids["Agata Mazur"], "day": "2026-03-16"})
    officer("POST", f"/trainings/{course}/completion", json={"employee_id": ids["Agata Mazur"],
                                                             "certificate": "ROPS/1"})
    officer("POST", "/supervision", 201, json={"team": "casework", "kind": "group", "held_on": "2026-03-19",
                                               "supervisor": "dr Jan Superwizor",
                                               "participants": list(ids.values())})
    officer("POST", "/study-visits", 201, json={"participants": [ids["Ewa Lis"]], "host": "MOPS Gdańsk",
                                                "starts_on": "2026-03-02", "ends_on": "2026-03-03",
                                                "learned": "jak pracuje Ewa Lis z zespołem"})
    for n in range(1, 52):  # Tomasz over the limit of 50 families
        assigned(app, n, "Tomasz Nowicki", "2026-03-05")
    assigned(app, 52, "Agata Mazur", "2026-03-06")
    assigned(app, 53, "Jan Ryba", "2026-03-06")  # not in the registry


def test_the_staff_development_officer_works_through_each_step_and_reads_the_whole_report(served):
    app, desk, _, _ = served
    officer = desk(STAFF_DEVELOPMENT_OFFICER, "Kadry Kowalska")
    a_month_of_work(app, officer)
    [employee] = [e for e in officer("GET", "/employees") if e["name"] == "Tomasz Nowicki"]
    officer("POST", f"/employees/{employee['employee_id']}/move", json={"team": "intake", "on": "2026-03-25"})
    officer("POST", f"/employees/{employee['employee_id']}/leaving", json={"on": "2026-03-31"})
    assert officer("POST", f"/employees/{employee['employee_id']}/no-such-step", 404, json={})
    assert officer("GET", "/trainings")[0]["completed"]
    behind = officer("GET", "/supervision/behind", params={"today": "2026-03-31"})
    assert "casework" not in [b["team"] for b in behind] and "care" in [b["team"] for b in behind]
    assert officer("GET", "/study-visits", params={"from": "2026-03-01", "to": "2026-03-31"})[0]["host"] == "MOPS Gdańsk"
    report = officer("GET", "/report", params={"from": "2026-03-01", "to": "2026-03-31"})
    assert "view" not in report and report["workload"]["families_per_social_worker"]["Tomasz Nowicki"] == 51
    assert report["centre"]["training_hours_per_person"] == {"Agata Mazur": "6"}


def test_the_director_reads_the_report_s_indicators_without_a_name(served):
    app, desk, _, _ = served
    a_month_of_work(app, desk(STAFF_DEVELOPMENT_OFFICER))
    indicators = desk(DIRECTOR, "Dyrektor")("GET", "/report", params={"from": "2026-03-01", "to": "2026-03-31"})
    assert indicators["view"] == "indicators"
    flat = str(indicators)
    for name in (*NAMES, "Superwizor", "jak pracuje"):
        assert name not in flat, name
    assert indicators["centre"]["families_in_social_work"] == 53 and indicators["centre"]["study_visits"] == 1
    assert indicators["teams"]["casework"]["staff"] == 3 and indicators["teams"]["casework"]["degree_I"] == 1
    workload = indicators["workload"]
    assert (workload["social_workers"], workload["social_workers_over_limit"], workload["limit"]) == (3, 1, 50)
    assert workload["monthly"] == [{"month": "2026-03", "families": 53, "social_workers_over_limit": 1}]
    assert workload["by_team"]["casework"]["families"] == 52  # Jan Ryba is in no team of the registry
    assert indicators["study_visits"] == [{"study_visit_id": indicators["study_visits"][0]["study_visit_id"],
                                           "host": "MOPS Gdańsk", "starts_on": "2026-03-02",
                                           "ends_on": "2026-03-03", "participants": 1}]
    # The printed report of a director shows the same, without a name either.
    for printed in (render_table(indicators), render_html(indicators)):
        assert "MOPS Gdańsk" in printed and "1 of 3 social worker(s) over the limit of 50" in printed
        assert not any(name in printed for name in NAMES)


def test_every_other_role_is_refused_and_the_access_log_stays_empty(served):
    app, desk, _, _ = served
    officer = desk(STAFF_DEVELOPMENT_OFFICER)
    a_month_of_work(app, officer)
    officer("GET", "/employees")
    officer("GET", "/report", params={"from": "2026-03-01", "to": "2026-03-31"})
    assert desk(None)("GET", "/employees", 401)["error"] == "Unauthenticated"
    for role in set(ROLES) - {STAFF_DEVELOPMENT_OFFICER}:
        for path in ("/employees", "/trainings", "/study-visits", "/supervision/behind"):
            desk(role)("GET", path, 403, params={"from": "2026-03-01", "to": "2026-03-31", "today": "2026-03-31"})
        desk(role)("POST", "/employees", 403, json={"name": "X", "team": "casework", "role": "social_worker",
                                                    "joined_on": "2026-01-02"})
    for role in set(ROLES) - REPORT:
        desk(role)("GET", "/report", 403, params={"from": "2026-03-01", "to": "2026-03-31"})
    assert desk(AUDITOR)("GET", "/access-log") == {"reads": [], "next_after": None}


def test_the_report_s_view_is_decided_in_the_application_by_the_reader_s_role(make_database_url):
    app = TrainingApplication(make_database_url("training"))
    try:
        assigned(app, 1, "Tomasz Nowicki", "2026-03-05")
        staff = {role: Staff(id=role, name=role, roles=frozenset({role})) for role in ROLES}
        whole = app.report(date(2026, 3, 1), date(2026, 3, 31))  # the system's own read: whole
        assert app.report(date(2026, 3, 1), date(2026, 3, 31), reader=staff[STAFF_DEVELOPMENT_OFFICER]) == whole
        for role in set(ROLES) - SDO:  # only the director reaches it over HTTP; any other reader gets no name
            assert "Tomasz" not in str(app.report(date(2026, 3, 1), date(2026, 3, 31), reader=staff[role]))
        both = Staff(id="x", name="x", roles=frozenset({DIRECTOR, STAFF_DEVELOPMENT_OFFICER}))
        assert app.report(date(2026, 3, 1), date(2026, 3, 31), reader=both) == whole
        assert app.access_log()["reads"] == []
    finally:
        app.close()


# --- the report command -------------------------------------------------------------------------


def test_the_report_command_asks_with_a_token_and_says_what_to_do_without_one(served, tmp_path, capsys, monkeypatch):
    app, desk, issuer, base = served
    a_month_of_work(app, desk(STAFF_DEVELOPMENT_OFFICER))
    monkeypatch.delenv("OPS_TOKEN", raising=False)
    period = ["--from", "2026-03-01", "--to", "2026-03-31"]

    with pytest.raises(SystemExit) as refused:
        report_command.main([*period, "--url", base])
    assert refused.value.code == 2 and "--token" in capsys.readouterr().err

    officer = Staff(id="acc-1", name="Kadry Kowalska", roles=frozenset({STAFF_DEVELOPMENT_OFFICER}))
    page = tmp_path / "report.html"
    assert report_command.main([*period, "--url", base, "--token", token(issuer, officer), "--html", str(page)]) == 0
    assert f"{'Tomasz Nowicki':<24}  51  OVER THE LIMIT" in capsys.readouterr().out
    assert "<svg" in page.read_text(encoding="utf-8")

    monkeypatch.setenv("OPS_TOKEN", token(issuer, Staff(id="d", name="Dyrektor", roles=frozenset({DIRECTOR}))))
    assert report_command.main([*period, "--url", base]) == 0
    printed = capsys.readouterr().out
    assert "(indicators, without names)" in printed and "Tomasz" not in printed

    for who, expected in ((Staff(id="c", name="c", roles=frozenset({AUDITOR})), "staff-development officer"),
                          (None, "sign in at the gateway again")):
        value = token(issuer, who) if who else "not-a-token"
        with pytest.raises(SystemExit):
            report_command.main([*period, "--url", base, "--token", value])
        assert expected in capsys.readouterr().err


def test_the_report_command_goes_through_the_gateway_with_the_session_token(monkeypatch):
    asked = {}

    class Answer:
        status_code = 200

        @staticmethod
        def json():
            return {"view": "indicators"}

    def get(url, params, headers, timeout):
        asked.update(url=url, params=params, headers=headers)
        return Answer()

    monkeypatch.setattr(report_command.requests, "get", get)
    monkeypatch.setattr(report_command, "render_table", lambda report: "printed")
    report_command.main(["--from", "2026-03-01", "--to", "2026-03-31", "--gateway", "https://ops.example/",
                         "--token", "session-token"])
    assert asked == {"url": "https://ops.example/api/training/report",
                     "params": {"from": "2026-03-01", "to": "2026-03-31"},
                     "headers": {"Authorization": "Bearer session-token"}}
    assert report_command.report_url(None, None) == "http://127.0.0.1:8000/api/training/report"
    assert report_command.authorization("Bearer abc") == "Bearer abc"
    with pytest.raises(SystemExit):
        report_command.main(["--from", "2026-03-01", "--to", "2026-03-31", "--gateway", "g", "--url", "u"])


def test_the_indicators_render_from_the_application_s_view(make_database_url):
    app = TrainingApplication(make_database_url("training"))
    try:
        assigned(app, 1, "Tomasz Nowicki", "2026-03-05")
        director = Staff(id="d", name="Dyrektor", roles=frozenset({DIRECTOR}))
        view = to_json(app.report(date(2026, 3, 1), date(2026, 3, 31), reader=director))
        assert "0 of 1 social worker(s) over the limit of 50" in render_table(view)
        assert "Tomasz" not in render_html(view)
    finally:
        app.close()


def test_bad_bodies_are_refused_by_the_published_schema_naming_the_field_and_nothing_is_stored(served):
    app, desk, _, base = served
    officer = desk(STAFF_DEVELOPMENT_OFFICER)
    a_month_of_work(app, officer)
    employees, trainings = officer("GET", "/employees"), officer("GET", "/trainings")
    employee, course = f"/employees/{employees[0]['employee_id']}", f"/trainings/{trainings[0]['training_id']}"
    someone = employees[1]["employee_id"]
    visits = officer("GET", "/study-visits", params={"from": "2026-01-01", "to": "2026-12-31"})
    position = app.recorder.max_notification_id()
    person = {"name": "Nowa Osoba", "team": "casework", "role": "social_worker", "joined_on": "2026-01-02"}
    course_body = {"title": "Superwizja", "topic": "praca socjalna", "provider": "ROPS", "hours": "6",
                   "days": ["2026-04-01"], "place": "Kraków"}

    for path, body, field in [
        ("/employees", {**person, "name": {"first": "Nowa"}}, "name"),
        ("/employees", {**person, "name": "X" * 201}, "name"),
        ("/employees", {**person, "role": "dyrektor"}, "role"),
        ("/employees", {**person, "fte": True}, "fte"),
        ("/employees", {**person, "joined_on": "2026-02-30"}, "joined_on"),
        ("/employees", {**person, "team": ["casework"]}, "team"),
        ("/employees", {**person, "etat": "1"}, "etat"),
        (f"{employee}/move", {"team": 3, "on": "2026-03-25"}, "team"),
        (f"{employee}/specialisation", {"degree": "III", "obtained_on": "2026-02-20"}, "degree"),
        (f"{employee}/leaving", {"on": "31.03.2026"}, "on"),
        ("/trainings", {**course_body, "hours": {"h": 6}}, "hours"),
        ("/trainings", {**course_body, "days": "2026-04-01"}, "days"),
        ("/trainings", {**course_body, "days": ["2026-04-31"]}, "days"),
        ("/trainings", {key: value for key, value in course_body.items() if key != "place"}, "place"),
        (f"{course}/enrolment", {"employee_id": 12345}, "employee_id"),
        (f"{course}/attendance", {"employee_id": someone, "day": "2026-13-16"}, "day"),
        (f"{course}/completion", {"employee_id": someone, "certificate": ["ROPS/2"]}, "certificate"),
        ("/supervision", {"team": "casework", "kind": "zespolowa", "held_on": "2026-03-20",
                          "supervisor": "dr Jan Superwizor", "participants": [someone]}, "kind"),
        ("/supervision", {"team": "casework", "kind": "group", "held_on": "2026-03-20",
                          "supervisor": "dr Jan Superwizor", "participants": [7]}, "participants"),
        ("/supervision", {"team": "casework", "kind": "group", "held_on": "2026-03-20",
                          "supervisor": "dr Jan Superwizor", "participants": someone}, "participants"),
        ("/study-visits", {"participants": [someone], "host": "MOPS Gdańsk", "starts_on": "2026-04-02",
                           "ends_on": "2026-04-03", "learned": "x" * 5001}, "learned"),
    ]:
        answer = officer("POST", path, 400, json=body)
        assert (answer["error"], answer["field"]) == ("InvalidRequest", field), (path, body, answer)
        assert answer["message_pl"], body

    assert app.recorder.max_notification_id() == position  # nothing stored
    assert officer("GET", "/employees") == employees and officer("GET", "/trainings") == trainings
    assert officer("GET", "/study-visits", params={"from": "2026-01-01", "to": "2026-12-31"}) == visits
    # What the pages send passes: numbers as typed texts, a list of days, a checkbox group of ids.
    officer("POST", "/employees", 201, json={**person, "fte": "0.5"})
    officer("POST", "/trainings", 201, json=course_body)
    document = requests.get(f"{base}/openapi.json", timeout=10).json()
    schema = document["paths"]["/employees"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["joined_on"]["format"] == "date" and schema["additionalProperties"] is False
