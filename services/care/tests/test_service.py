"""care's HTTP edge in a real nameko container, asked with real tokens signed by a gateway key:
the role rule of every endpoint (each step its own), the decision signed by the signed-in
signatory on the centre's authority (a body naming either is refused), the reads of care
files recorded in the access log, the director's figures, and corrections by the signed-in
member of the team."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
import requests
from nameko.testing.services import replace_dependencies

from services.care.application import CareApplication
from services.care.service import CareTeamService
from shared.contracts.casework import SERVICES_REQUESTED
from shared.envelope import Envelope, source_of
from shared.identity import PUBLIC_KEYS, Staff, TokenIssuer, rotate_signing_key
from shared.roles import (
    AUDITOR,
    CARE_COORDINATOR,
    DECISION_SIGNATORY,
    DIRECTOR,
    OPERATOR,
    ROLES,
)
from shared.web import PUBLIC
from tests.support.service_client import ServiceClient

AUTHORITY = "z upoważnienia Burmistrza Skawiny"
CARE, SIGN, FIGURES, AUDIT = {CARE_COORDINATOR}, {DECISION_SIGNATORY}, {DIRECTOR}, {AUDITOR}
S, R, F = "/services/<uuid:service_id>", "/dps-referrals/<uuid:referral_id>", "/family-assistance/<uuid:assistance_id>"

RULES = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/access-log"): AUDIT,
    ("GET", "/audit-export"): AUDIT,
    ("GET", "/services"): CARE,
    ("POST", "/services"): CARE,
    ("GET", S): CARE,
    ("GET", f"{S}/statements/<string:month>"): CARE,
    ("POST", f"{S}/assessment"): CARE,
    ("POST", f"{S}/income"): CARE,
    ("POST", f"{S}/decision"): SIGN,
    ("POST", f"{S}/roster"): CARE,
    ("POST", f"{S}/visits"): CARE,
    ("POST", f"{S}/visits/correction"): CARE,
    ("POST", f"{S}/roster/correction"): CARE,
    ("POST", f"{S}/missed-visits"): CARE,
    ("POST", f"{S}/end"): CARE,
    ("GET", "/hours"): CARE,
    ("GET", "/carers"): CARE,
    ("POST", "/carers"): CARE,
    ("GET", "/dps-referrals"): CARE,
    ("GET", R): CARE,
    ("POST", f"{R}/documents"): CARE,
    ("POST", f"{R}/submission"): CARE,
    ("POST", f"{R}/waiting-list"): CARE,
    ("POST", f"{R}/placement"): CARE,
    ("POST", f"{R}/withdrawal"): CARE,
    ("GET", "/family-assistance"): CARE,
    ("GET", F): CARE,
    ("GET", "/family-assistants"): CARE,
    ("POST", f"{F}/assistant"): CARE,
    ("POST", f"{F}/visits"): CARE,
    ("POST", f"{F}/end"): CARE,
    ("GET", "/mrpips03-part"): FIGURES,
    ("POST", "/persons/<uuid:person_id>/erasure"): {OPERATOR},
}


def test_each_endpoint_has_its_own_role_rule_and_the_director_only_figures():
    found = {}
    for attribute in dir(CareTeamService):
        for entrypoint in getattr(getattr(CareTeamService, attribute), "nameko_entrypoints", ()):
            found[(entrypoint.method, entrypoint.url)] = set(entrypoint.roles)
    assert found == {key: set(roles) for key, roles in RULES.items()}
    assert [key for key, roles in found.items() if DIRECTOR in roles] == [("GET", "/mrpips03-part")]


@pytest.fixture
def served(make_database_url, container_factory, web_config, web_config_port, tmp_path):
    """The care service in a nameko container on its own application and a gateway key of the test's."""
    app = CareApplication(make_database_url("care"), on_authority_of=AUTHORITY)
    app.workers = []  # no relay or consumer: the requests come over HTTP, the policy is called directly
    secrets = tmp_path / "secrets"
    issuer = TokenIssuer(rotate_signing_key(secrets))
    container = container_factory(CareTeamService, {**web_config, "GATEWAY_PUBLIC_KEYS": str(secrets / PUBLIC_KEYS)})
    replace_dependencies(container, store=app)
    container.start()

    def desk(role: str | None, name: str = "", staff_id: str | None = None) -> ServiceClient:
        staff = None if role is None else Staff(id=staff_id or f"acc-{role}", name=name or f"Test {role}",
                                                roles=frozenset({role}))
        return ServiceClient(f"http://127.0.0.1:{web_config_port}", issuer, staff, "care")

    yield app, desk
    container.stop()
    app.close()


def requested(app: CareApplication, kind: str = "uslugi_opiekuncze", n: int = 1) -> uuid.UUID:
    case_id = str(uuid.uuid4())
    person_id = str(uuid.uuid4())
    data = {"request_ref": f"{case_id}/S{n}", "case_id": case_id, "person_id": person_id, "kind": kind,
            "urgent": False, "requested_on": "2025-03-03", "full_name": "Jan Wiśniewski", "pesel": None,
            "birth_date": None, "address": None, "contact": None}
    app.process(Envelope.checked(id=str(uuid.uuid4()), source=source_of("casework"), type=SERVICES_REQUESTED.type,
                                 time=datetime.now(timezone.utc), subject=case_id, data=data, notification_id=n))
    return uuid.UUID(person_id)


def assessed(app: CareApplication, coordinator: ServiceClient) -> str:
    requested(app)
    [service] = coordinator("GET", "/services")["services"]
    step = f"/services/{service['service_id']}"
    coordinator("POST", f"{step}/assessment", json={
        "assessed_on": "2025-03-04", "kind": "uslugi_opiekuncze", "activities": ["personal_care"],
        "hours_per_week": 6, "period_from": "2025-03-10", "period_to": "2025-06-30"})
    coordinator("POST", f"{step}/income", json={"members": 1, "monthly_income": "2222.22", "stated_on": "2025-03-04"})
    return step


def test_the_decision_is_signed_by_the_signed_in_signatory_on_the_centre_s_authority(served):
    app, desk = served
    coordinator, signatory = desk(CARE_COORDINATOR), desk(DECISION_SIGNATORY, "Maria Kowalczyk", "acc-42")
    step = assessed(app, coordinator)
    # The care coordinator prepares the decision but does not sign it.
    assert coordinator("POST", f"{step}/decision", 403, json={"issued_on": "2025-03-05"})["error"] == "NotYourRole"
    grant = signatory("POST", f"{step}/decision", json={"issued_on": "2025-03-05"})["grant"]
    assert (grant["signed_by"], grant["on_authority_of"]) == ("Maria Kowalczyk", AUTHORITY)
    assert grant["fee_per_hour"] == "15.20"


@pytest.mark.parametrize("field", ["signed_by", "on_authority_of"])
def test_a_decision_whose_body_names_who_signs_or_on_whose_authority_is_refused(served, field):
    app, desk = served
    signatory = desk(DECISION_SIGNATORY, "Maria Kowalczyk")
    step = assessed(app, desk(CARE_COORDINATOR))
    position = app.recorder.max_notification_id()
    for value in ("Anyone", "Maria Kowalczyk", None):  # even the signatory's own name: the account signs
        answer = signatory("POST", f"{step}/decision", 400, json={"issued_on": "2025-03-05", field: value})
        # Not a field of the published schema: refused before the handler, naming it.
        assert (answer["error"], answer["field"]) == ("InvalidRequest", field) and field in answer["message"]
        assert answer["message_pl"]
    assert app.recorder.max_notification_id() == position  # nothing stored, not even a read
    assert not app.care_service(uuid.UUID(step.rsplit("/", 1)[1])).grant


def test_reads_of_care_files_over_http_are_in_the_access_log_for_the_auditor_only(served):
    app, desk = served
    coordinator = desk(CARE_COORDINATOR, "Iwona Cicha", "acc-7")
    step = assessed(app, coordinator)  # GET /services, then two steps answering the file
    service_id = step.rsplit("/", 1)[1]
    person_id = str(app.care_service(uuid.UUID(service_id)).person_id)
    desk(DECISION_SIGNATORY, "Maria Kowalczyk", "acc-42")("POST", f"{step}/decision", json={"issued_on": "2025-03-05"})
    carer = coordinator("POST", "/carers", 201, json={"name": "Halina Kot", "employer": "staff"})["carer_id"]
    coordinator("GET", "/carers")  # carers are staff or providers: not a client's file
    coordinator("GET", step)
    coordinator("GET", f"{step}/statements/2025-03")
    coordinator("GET", "/hours", params={"from": "2025-03-01", "to": "2025-03-31"})
    requested(app, "dps", 2)
    requested(app, "asystent_rodziny", 3)
    [referral] = coordinator("GET", "/dps-referrals")["referrals"]
    coordinator("POST", f"/dps-referrals/{referral['referral_id']}/documents",
                json={"document": "wniosek", "on": "2025-03-05"})
    family = coordinator("GET", "/family-assistance")["families"][0]["assistance_id"]
    coordinator("POST", f"/family-assistance/{family}/assistant", json={"assistant": "Beata Kos", "on": "2025-03-05"})
    assert coordinator("GET", f"/family-assistance/{family}")["assistant"] == "Beata Kos"
    assert coordinator("GET", "/family-assistants") == {"load": {"Beata Kos": 1}, "limit": 15}  # staff: no read

    auditor = desk(AUDITOR, "Audytor Wewnętrzny")
    reads = auditor("GET", "/access-log")["reads"]
    assert [(r["staff_name"], r["what"]) for r in reads] == [
        ("Iwona Cicha", "care services"),
        ("Iwona Cicha", "care service"),  # the assessment's answer is the file
        ("Iwona Cicha", "care service"),  # the income statement's too
        ("Maria Kowalczyk", "care service"),  # the signatory's decision answers the file
        ("Iwona Cicha", "care service"),
        ("Iwona Cicha", "fee statement"),
        ("Iwona Cicha", "care hours"),  # its rows name the persons
        ("Iwona Cicha", "dps referrals"),
        ("Iwona Cicha", "dps referral"),
        ("Iwona Cicha", "family assistance"),
        ("Iwona Cicha", "family assistance"),  # the family's file
    ]
    assert reads[4]["subject_ids"] == [service_id] and reads[4]["person_ids"] == [person_id]
    assert reads[4]["roles"] == [CARE_COORDINATOR] and reads[4]["staff_id"] == "acc-7"
    assert len({r["request_id"] for r in reads}) == len(reads)  # each request its own
    mine = auditor("GET", "/access-log", params={"person_id": person_id})["reads"]
    assert [r["what"] for r in mine] == ["care services", "care service", "care service", "care service",
                                         "care service", "fee statement", "care hours"]
    assert [r["what"] for r in auditor("GET", "/access-log", params={"staff_id": "acc-42"})["reads"]] == [
        "care service"]
    for role in set(ROLES) - {AUDITOR}:
        desk(role)("GET", "/access-log", 403)


def test_each_step_is_its_own_endpoint_at_its_old_path(served):
    app, desk = served
    coordinator = desk(CARE_COORDINATOR)
    step = assessed(app, coordinator)
    assert coordinator("POST", f"{step}/no-such-step", 404, json={})  # not dispatched by name any more
    assert coordinator("POST", f"{step}/end", json={"on": "2025-03-20", "reason": "rezygnacja"})["state"] == "ended"
    requested(app, "dps", 2)
    [referral] = app.referrals()["referrals"]
    answer = coordinator("POST", f"/dps-referrals/{referral['referral_id']}/withdrawal",
                         json={"on": "2025-03-09", "reason": "rodzina zapewniła opiekę"})
    assert answer["withdrawn"]["reason"] == "rodzina zapewniła opiekę"


def test_no_token_is_401_and_a_role_the_rule_does_not_name_is_403(served):
    app, desk = served
    assert desk(None)("GET", "/services", 401)["error"] == "Unauthenticated"
    for role in set(ROLES) - {CARE_COORDINATOR}:
        desk(role)("GET", "/services", 403)
        desk(role)("GET", "/hours", 403, params={"from": "2025-03-01", "to": "2025-03-31"})
    for role in set(ROLES) - {DIRECTOR}:
        desk(role)("GET", "/mrpips03-part", 403, params={"year": 2025, "half": 1})
    assert app.access_log()["reads"] == []


def test_the_director_gets_the_team_s_mrpips03_figures_and_nothing_else(served):
    app, desk = served
    signatory, coordinator, director = desk(DECISION_SIGNATORY, "Maria Kowalczyk"), desk(CARE_COORDINATOR), desk(
        DIRECTOR, "Dyrektor")
    step = assessed(app, coordinator)
    signatory("POST", f"{step}/decision", json={"issued_on": "2025-03-05"})
    carer = coordinator("POST", "/carers", 201, json={"name": "Halina Kot", "employer": "staff"})["carer_id"]
    coordinator("POST", f"{step}/roster", json={"carer_id": carer, "visits": [{"weekday": "mon", "hours": 3}]})
    coordinator("POST", f"{step}/visits", json={"carer_id": carer, "on": "2025-03-10", "hours": 3,
                                                 "activities": ["personal_care"]})
    reads = len(app.access_log()["reads"])
    part = director("GET", "/mrpips03-part", params={"year": 2025, "half": 1})
    assert part == {"uslugi_opiekuncze": {"benefits": "3", "amount": "114.00", "persons": 1, "families": 1,
                                          "persons_in_families": 1}}
    assert director("GET", "/mrpips03-part", params={"year": 2025, "half": 2}) == {}
    assert len(app.access_log()["reads"]) == reads  # figures are nobody's file
    for params in ({"year": 2025}, {"year": "2025", "half": "pierwsze"}, {"year": 2025, "half": 3}):
        assert director("GET", "/mrpips03-part", 400, params=params)["error"] == "InvalidRequest"  # the query's schema
    for path in ("/services", "/hours", "/carers", "/dps-referrals", "/family-assistance", "/family-assistants",
                 step):
        director("GET", path, 403, params={"from": "2025-03-01", "to": "2025-03-31"})


def test_bad_bodies_are_refused_by_the_published_schema_naming_the_field_and_nothing_is_stored(served):
    app, desk = served
    coordinator, signatory = desk(CARE_COORDINATOR), desk(DECISION_SIGNATORY, "Maria Kowalczyk")
    step = assessed(app, coordinator)
    signatory("POST", f"{step}/decision", json={"issued_on": "2025-03-05", "exemption_percent": "0"})
    carer = coordinator("POST", "/carers", 201, json={"name": "Halina Kot", "employer": "staff"})["carer_id"]
    requested(app, "dps", 2)
    requested(app, "asystent_rodziny", 3)
    referral = f"/dps-referrals/{coordinator('GET', '/dps-referrals')['referrals'][0]['referral_id']}"
    family = f"/family-assistance/{coordinator('GET', '/family-assistance')['families'][0]['assistance_id']}"
    person = str(uuid.uuid4())
    lists = ("/services", "/carers", "/dps-referrals", "/family-assistance")
    before = [coordinator("GET", path) for path in lists]
    position = app.recorder.max_notification_id()

    for who, path, body, field in [
        (coordinator, "/services", {"person_id": person, "urgent": "false", "requested_on": "2025-03-03"}, "urgent"),
        (coordinator, "/services", {"person_id": 12345, "requested_on": "2025-03-03"}, "person_id"),
        (coordinator, "/services", {"person_id": "nie-uuid", "requested_on": "2025-03-03"}, "person_id"),
        (coordinator, "/services", {"person_id": person, "requested_on": "2026-02-30"}, "requested_on"),
        (coordinator, "/services", {"person_id": person, "requested_on": "2025-03-03", "kind": "masaz"}, "kind"),
        (coordinator, "/services", {"person_id": person, "requested_on": "2025-03-03",
                                    "person": {"full_name": {"first": "Jan"}}}, "person.full_name"),
        (coordinator, "/services", {"person_id": person, "requested_on": "2025-03-03", "pilne": True}, "pilne"),
        (coordinator, f"{step}/assessment", {"assessed_on": "2025-03-04", "kind": "uslugi_opiekuncze",
                                             "activities": ["gotowanie"], "hours_per_week": 6,
                                             "period_from": "2025-03-10"}, "activities"),
        (coordinator, f"{step}/assessment", {"assessed_on": "2025-03-04", "kind": "uslugi_opiekuncze",
                                             "activities": "meals", "hours_per_week": 6,
                                             "period_from": "2025-03-10"}, "activities"),
        (coordinator, f"{step}/income", {"members": 1, "monthly_income": {"zl": 2000}, "stated_on": "2025-03-04"},
         "monthly_income"),
        (coordinator, f"{step}/income", {"members": True, "monthly_income": "2000", "stated_on": "2025-03-04"},
         "members"),
        (coordinator, f"{step}/roster", {"carer_id": 7, "visits": [{"weekday": "mon", "hours": 3}]}, "carer_id"),
        (coordinator, f"{step}/roster", {"carer_id": carer, "visits": [{"weekday": "pon", "hours": 3}]},
         "visits.weekday"),
        (coordinator, f"{step}/roster", {"carer_id": carer, "visits": [{"weekday": "mon", "hours": 3}],
                                         "valid_from": "2025-04-31"}, "valid_from"),
        (coordinator, f"{step}/visits", {"carer_id": carer, "on": "2025-03-10", "hours": [3]}, "hours"),
        (coordinator, f"{step}/missed-visits", {"carer_id": carer, "on": "2025-03-10", "reason": "x" * 5001},
         "reason"),
        (coordinator, f"{step}/missed-visits", {"carer_id": carer, "on": "2025-03-10", "reason": {"text": "x"}},
         "reason"),
        (coordinator, f"{step}/end", {"on": "2025-03-20"}, "reason"),
        (coordinator, "/carers", {"name": "X" * 201, "employer": "staff"}, "name"),
        (coordinator, "/carers", {"name": 12, "employer": "staff"}, "name"),
        (coordinator, f"{referral}/documents", {"document": "paszport", "on": "2025-03-05"}, "document"),
        (coordinator, f"{referral}/submission", {"on": "2025-02-29"}, "on"),
        (coordinator, f"{referral}/waiting-list", {"position": None, "on": "2025-03-05"}, "position"),
        (coordinator, f"{referral}/placement", {"home": ["DPS"], "on": "2025-03-05"}, "home"),
        (coordinator, f"{referral}/withdrawal", {"on": "2025-03-05", "reason": "x", "by": "Ja"}, "by"),
        (coordinator, f"{family}/assistant", {"assistant": 42, "on": "2025-03-05"}, "assistant"),
        (coordinator, f"{family}/visits", {"on": "2025-03-05", "hours": False, "topic": "szkoła"}, "hours"),
        (coordinator, f"{family}/end", {"on": "05.03.2025", "reason": "x"}, "on"),
        (signatory, f"{step}/decision", {"issued_on": "2025-03-05", "exemption_percent": {"%": 10}},
         "exemption_percent"),
    ]:
        answer = who("POST", path, 400, json=body)
        assert (answer["error"], answer["field"]) == ("InvalidRequest", field), (path, body, answer)
        assert answer["message_pl"], body

    assert app.recorder.max_notification_id() == position  # nothing stored, not even a read
    assert [coordinator("GET", path) for path in lists] == before
    # What the pages send passes: numbers as typed (texts), an open period, a list of activities.
    coordinator("POST", f"{step}/roster", json={"carer_id": carer, "visits": [{"weekday": "mon", "hours": "2"}]})
    coordinator("POST", f"{step}/visits", json={"carer_id": carer, "on": "2025-03-10", "hours": "1,5",
                                                "activities": ["personal_care"]})
    coordinator("POST", "/services", 201, json={"person_id": person, "urgent": False, "requested_on": "2025-03-03",
                                                "person": {"full_name": "Anna Nowak", "pesel": None}})
    assert [s["urgent"] for s in app.services()["services"] if str(s["person_id"]) == person] == [False]
    document = requests.get(f"{desk(None).base}/openapi.json", timeout=10).json()
    schema = document["paths"]["/services/{service_id}/decision"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert schema["required"] == ["issued_on"] and "signed_by" not in schema["properties"]


def test_a_visit_and_a_roster_are_corrected_by_the_signed_in_coordinator_with_a_reason(served):
    app, desk = served
    coordinator, signatory = desk(CARE_COORDINATOR, "Iwona Cicha"), desk(DECISION_SIGNATORY, "Maria Kowalczyk")
    step = assessed(app, coordinator)
    signatory("POST", f"{step}/decision", json={"issued_on": "2025-03-05"})
    carer = coordinator("POST", "/carers", 201, json={"name": "Halina Kot", "employer": "staff"})["carer_id"]
    coordinator("POST", f"{step}/roster", json={"carer_id": carer, "visits": [{"weekday": "mon", "hours": 3}]})
    coordinator("POST", f"{step}/visits", json={"carer_id": carer, "on": "2025-03-10", "hours": 3,
                                                 "activities": ["personal_care"]})
    why = {"reason": "karta pracy opiekunki", "corrected_on": "2025-03-20"}
    position = app.recorder.max_notification_id()
    for role in set(ROLES) - {CARE_COORDINATOR}:
        desk(role)("POST", f"{step}/visits/correction", 403, json={"visit": 1, "hours": 2, **why})
        desk(role)("POST", f"{step}/roster/correction", 403, json={"roster": 1, "valid_from": "2025-03-17", **why})
    for path, body, field in [
        ("visits", {"visit": "pierwsza", "hours": 2, **why}, "visit"),
        ("visits", {"visit": 0, "hours": 2, **why}, "visit"),
        ("visits", {"visit": 1, "hours": [2], **why}, "hours"),
        ("visits", {"visit": 1, "carer_id": "Halina", **why}, "carer_id"),
        ("visits", {"visit": 1, "hours": 2, "corrected_on": "2025-03-20"}, "reason"),
        ("visits", {"visit": 1, "hours": 2, "reason": "x", "corrected_on": "20.03.2025"}, "corrected_on"),
        ("visits", {"visit": 1, "hours": 2, "corrected_by": "Ktoś Inny", **why}, "corrected_by"),
        ("roster", {"roster": 1, "visits": [{"weekday": "pon", "hours": 3}], **why}, "visits.weekday"),
        ("roster", {"roster": 1, "valid_from": "2025-02-30", **why}, "valid_from"),
    ]:
        answer = coordinator("POST", f"{step}/{path}/correction", 400, json=body)
        assert (answer["error"], answer["field"]) == ("InvalidRequest", field), (body, answer)
    for path, body, error, field in [
        ("visits", {"visit": 1, "hours": "3,0", **why}, "NothingToCorrect", None),
        ("visits", {"visit": 2, "hours": 2, **why}, "NoSuchVisit", "visit"),
        ("visits", {"visit": 1, "hours": 25, **why}, "TooManyHours", "hours"),
        ("visits", {"visit": 1, "hours": 2, "reason": " ", "corrected_on": "2025-03-20"},
         "MissingCorrectionReason", "reason"),
        ("visits", {"visit": 1, "hours": 2, "reason": "x", "corrected_on": "2025-03-01"},
         "CorrectionBeforeDecision", "corrected_on"),
        ("roster", {"roster": 1, "visits": [{"weekday": "mon", "hours": 3}], **why}, "NothingToCorrect", None),
        ("roster", {"roster": 2, "valid_from": "2025-03-17", **why}, "NoSuchRoster", "roster"),
    ]:
        answer = coordinator("POST", f"{step}/{path}/correction", 400, json=body)
        assert (answer["error"], answer.get("field"), bool(answer["message_pl"])) == (error, field, True), answer
    assert app.recorder.max_notification_id() == position  # nothing stored

    file = coordinator("POST", f"{step}/visits/correction", json={"visit": "1", "hours": "2,5", **why})
    assert file["visits"][0]["hours"] == "2.5"
    file = coordinator("POST", f"{step}/roster/correction", json={
        "roster": 1, "visits": [{"weekday": "mon", "hours": 2}, {"weekday": "fri", "hours": 1}], **why})
    assert [(c["kind"], c["corrected_by"], c["reason"]) for c in file["corrections"]] == [
        ("visit", "Iwona Cicha", "karta pracy opiekunki"), ("roster", "Iwona Cicha", "karta pracy opiekunki")]
    assert file["corrections"][0]["old"] == {"hours": "3"} and file["corrections"][0]["new"] == {"hours": "2.5"}
    statement = coordinator("GET", f"{step}/statements/2025-03")
    # Mondays 10 to 31: 4 x 2 h, Fridays 14 to 28: 3 x 1 h.
    assert (statement["delivered_hours"], statement["ordered_hours"]) == ("2.5", "11")


def test_the_lists_are_read_a_page_at_a_time_and_a_bad_page_is_refused_naming_it(served):
    app, desk = served
    coordinator = desk(CARE_COORDINATOR)
    for n in range(3):
        requested(app, n=2 * n + 1)
        requested(app, "dps", 2 * n + 2)
    first = coordinator("GET", "/services", params={"limit": 2})
    rest = coordinator("GET", "/services", params={"limit": 2, "after": first["next_after"]})
    assert len(first["services"]) == 2 and len(rest["services"]) == 1 and rest["next_after"] is None
    assert {s["service_id"] for s in first["services"] + rest["services"]} == {
        str(s["service_id"]) for s in app.services()["services"]}
    assert "visits" not in first["services"][0]  # a list's row, not the file
    assert len(coordinator("GET", "/dps-referrals", params={"limit": 1})["referrals"]) == 1
    reads = len(app.access_log()["reads"])
    assert coordinator("GET", "/services", 400, params={"limit": 201})["error"] == "InvalidRequest"
    assert coordinator("GET", "/carers", 400, params={"after": "x" * 501})["error"] == "InvalidRequest"
    for path in ("/services", "/carers", "/dps-referrals", "/family-assistance"):
        assert coordinator("GET", path, 400, params={"after": "bm90LWEta2V5"})["error"] == "UnknownCursor"
    assert len(app.access_log()["reads"]) == reads  # a refused page is no read
