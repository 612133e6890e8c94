"""The HTTP edge in a real nameko container, reached with the gateway's signed tokens: each
endpoint's role rule, the signature from the signed-in account, a signature in the body refused,
the reads in the access log, the bank file as XML. The store is the application on a test
database (no broker: the relay and consumers are not what is tested here)."""

import dataclasses
import uuid
from datetime import date

import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from services.decisions.application import DecisionsApplication
from services.decisions.service import DecisionsService
from services.decisions.tests.staff import AUTHORITY, DIRECTOR_STAFF, OFFICER, SIGNATORY
from shared.identity import PUBLIC_KEYS, Staff, TokenIssuer, signing_key
from shared.roles import AUDITOR, BENEFIT_OFFICER, DECISION_SIGNATORY, DIRECTOR, OPERATOR
from shared.web import PUBLIC

AUDITOR_STAFF = Staff(id="p.lewandowski", name="Piotr Lewandowski", roles=frozenset({AUDITOR}))
ANNA_IBAN = "PL61 1090 1014 0000 0712 1981 2874"

# The role rule of every endpoint: the service's own list, checked against its routes both ways.
RULES = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/access-log"): {AUDITOR},
    ("GET", "/audit-export"): {AUDITOR},
    ("GET", "/proceedings"): {BENEFIT_OFFICER, DECISION_SIGNATORY},
    ("GET", "/proceedings/<uuid:proceeding_id>"): {BENEFIT_OFFICER, DECISION_SIGNATORY},
    **{("POST", f"/proceedings/<uuid:proceeding_id>/{step}"): {DECISION_SIGNATORY}
       for step in ("decision", "change", "revocation", "suspension", "resumption", "claim-back")},
    **{("POST", f"/proceedings/<uuid:proceeding_id>/{step}"): {BENEFIT_OFFICER}
       for step in ("officer", "benefit", "complex", "delay-notice", "period-not-counted", "random-event",
                    "interview-plan", "interview", "assessment", "delivery", "deemed-delivery", "finality",
                    "appeal-waiver", "appeal", "appeal-forwarding", "appeal-outcome", "account", "payment",
                    "payment-return", "repayment", "health-insurance")},
    ("POST", "/proceedings"): {BENEFIT_OFFICER},
    ("GET", "/proceedings/<uuid:proceeding_id>/payments"): {BENEFIT_OFFICER},
    ("GET", "/proceedings/<uuid:proceeding_id>/due-payments"): {BENEFIT_OFFICER},
    ("GET", "/deadlines"): {BENEFIT_OFFICER},
    ("GET", "/interview-updates"): {BENEFIT_OFFICER},
    ("GET", "/review-tasks"): {BENEFIT_OFFICER},
    ("POST", "/review-tasks/<uuid:task_id>/closing"): {BENEFIT_OFFICER},
    ("GET", "/payment-list"): {BENEFIT_OFFICER},
    ("GET", "/bank-transfer-file"): {BENEFIT_OFFICER},
    ("GET", "/health-contributions"): {BENEFIT_OFFICER},
    ("GET", "/mrpips03-part"): {DIRECTOR},
}


def routes() -> dict:
    found = {}
    for name in dir(DecisionsService):
        for entrypoint in getattr(getattr(DecisionsService, name), "nameko_entrypoints", ()):
            found[(entrypoint.method, entrypoint.url)] = set(entrypoint.roles)
    return found


def test_every_endpoint_has_the_role_rule_this_list_gives_it():
    assert routes() == {route: set(roles) for route, roles in RULES.items()}
    # The director gets figures only; the operator nothing with a person in it.
    assert [route for route, roles in routes().items() if DIRECTOR in roles] == [("GET", "/mrpips03-part")]
    assert not [route for route, roles in routes().items() if OPERATOR in roles]


class Desk:
    """Requests to the running service as one member of staff, each with a fresh token."""

    def __init__(self, url: str, issuer: TokenIssuer, staff: Staff | None):
        self.url, self.issuer, self.staff = url, issuer, staff

    def __call__(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {}
        if self.staff is not None:
            staff = dataclasses.replace(self.staff, request_id=uuid.uuid4().hex)
            headers["Authorization"] = f"Bearer {self.issuer.mint(staff, audience='decisions')}"
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=10, **kwargs)


@pytest.fixture
def centre(make_database_url, tmp_path):
    app = DecisionsApplication(make_database_url("decisions"), on_authority_of=AUTHORITY)
    secrets = tmp_path / "secrets"
    issuer = TokenIssuer(signing_key(secrets))
    port = find_free_port()
    container = ServiceContainer(DecisionsService, {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                                                    "GATEWAY_PUBLIC_KEYS": str(secrets / PUBLIC_KEYS),
                                                    "AMQP_URI": "memory://"})
    replace_dependencies(container, store=app)
    container.start()
    url = f"http://127.0.0.1:{port}"
    try:
        yield app, {who: Desk(url, issuer, staff) for who, staff in (
            ("officer", OFFICER), ("signatory", SIGNATORY), ("director", DIRECTOR_STAFF),
            ("auditor", AUDITOR_STAFF), ("anyone", None))}
    finally:
        container.stop()
        app.close()


def interviewed(app) -> uuid.UUID:
    p = app.open_ex_officio(uuid.uuid4(), {"full_name": "Anna Nowak", "pesel": "85071512348"}, "zasilek_okresowy",
                            date(2026, 3, 2))
    app.record_interview(p, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}],
                         incomes=[{"member": "Anna Nowak", "source": "alimenty", "amount": "400"}])
    return p


GRANT = {"outcome": "grant", "issued_on": "2026-03-10", "legal_basis": "art. 38 u.p.s.", "justification": "",
         "amount": "400.00", "period_from": "2026-04-01", "period_to": "2026-09-30",
         "payment_method": "bank_transfer", "account": ANNA_IBAN}


def test_the_signatory_signs_with_the_account_name_on_the_configured_authority(centre):
    app, desk = centre
    p = interviewed(app)
    step = f"/proceedings/{p}"
    assert desk["officer"]("POST", f"{step}/assessment").status_code == 200
    refused = desk["officer"]("POST", f"{step}/decision", json=GRANT)
    assert refused.status_code == 403 and refused.json()["error"] == "NotYourRole"  # the officer prepares, not signs
    signed = desk["signatory"]("POST", f"{step}/decision", json=GRANT)
    assert signed.status_code == 200, signed.text
    decision = signed.json()["decision"]
    assert (decision["signed_by"], decision["on_authority_of"]) == ("Maria Kowalczyk", "Prezydenta Miasta")
    assert desk["signatory"]("POST", f"{step}/delivery", json={"delivered_on": "2026-03-12"}).status_code == 403
    assert desk["officer"]("POST", f"{step}/delivery", json={"delivered_on": "2026-03-12"}).status_code == 200
    assert desk["officer"]("POST", f"{step}/appeal-waiver", json={"received_on": "2026-03-13"}).json()[
        "state"] == "final"
    suspended = desk["signatory"]("POST", f"{step}/suspension", json={
        "effective_from": "2026-05-01", "issued_on": "2026-04-20", "justification": "art. 11 u.p.s."})
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["later_decisions"][0]["signed_by"] == "Maria Kowalczyk"


@pytest.mark.parametrize("signature, error", [({"signed_by": "Anyone"}, "SignatureFromAccount"),
                                              ({"on_authority_of": "Wójta Gminy"}, "AuthorityFromSettings")])
def test_a_body_carrying_a_signature_is_refused(centre, signature, error):
    app, desk = centre
    p = interviewed(app)
    app.assess(p)
    position = app.recorder.max_notification_id()
    refused = desk["signatory"]("POST", f"/proceedings/{p}/decision", json={**GRANT, **signature})
    assert refused.status_code == 400 and refused.json()["error"] == error
    assert app.recorder.max_notification_id() == position  # nothing issued, nothing read
    assert app.proceeding(p).decision is None
    later = desk["signatory"]("POST", f"/proceedings/{p}/revocation", json={
        "effective_from": "2026-05-01", "issued_on": "2026-04-20", "justification": "x", **signature})
    assert later.json()["error"] == error


def test_without_a_token_or_with_the_wrong_role_nothing_is_answered(centre):
    app, desk = centre
    p = interviewed(app)
    assert desk["anyone"]("GET", f"/proceedings/{p}").status_code == 401
    assert desk["anyone"]("GET", "/health").status_code == 200
    assert desk["director"]("GET", f"/proceedings/{p}").status_code == 403
    assert desk["director"]("GET", "/proceedings").status_code == 403
    assert desk["signatory"]("GET", "/deadlines", params={"today": "2026-03-03"}).status_code == 403
    assert desk["officer"]("GET", "/mrpips03-part", params={"year": 2026, "half": 1}).status_code == 403
    assert desk["officer"]("GET", "/access-log").status_code == 403
    assert app.access_log()["reads"] == []


def test_reads_are_in_the_access_log_for_the_auditor(centre):
    app, desk = centre
    p = interviewed(app)
    person_id = str(app.proceeding(p).person_id)
    assert desk["officer"]("GET", f"/proceedings/{p}").json()["person"]["full_name"] == "Anna Nowak"
    assert len(desk["officer"]("GET", "/proceedings", params={"person_id": person_id}).json()) == 1
    [due] = desk["officer"]("GET", "/deadlines", params={"today": "2026-03-03", "within_days": 60}).json()
    assert due["person"] == "Anna Nowak"
    assert desk["signatory"]("GET", f"/proceedings/{p}").status_code == 200
    log = desk["auditor"]("GET", "/access-log", params={"person_id": person_id})
    assert log.status_code == 200
    assert [(r["staff_name"], r["what"], r["subject_ids"]) for r in log.json()["reads"]] == [
        ("B. Wójcik", "proceeding", [str(p)]), ("B. Wójcik", "proceedings", [str(p)]),
        ("B. Wójcik", "deadlines", [str(p)]), ("Maria Kowalczyk", "proceeding", [str(p)])]
    assert len({r["request_id"] for r in log.json()["reads"]}) == 4  # each request its own


def test_a_step_answers_with_the_file_and_records_that_read(centre):
    app, desk = centre
    p = interviewed(app)
    assigned = desk["officer"]("POST", f"/proceedings/{p}/officer", json={"officer": "Jan Zięba"})
    assert assigned.json()["officer"] == "Jan Zięba"  # a benefit officer names whom they assign
    assert [r["what"] for r in app.access_log(staff_id=OFFICER.id)["reads"]] == ["proceeding"]
    assert desk["officer"]("POST", f"/proceedings/{p}/nonsense").status_code == 404


def test_the_review_is_closed_by_who_is_signed_in(centre):
    from datetime import datetime, timezone

    from shared.contracts.casework import CONTRACT_REFUSED
    from shared.envelope import Envelope, source_of

    app, desk = centre
    app.process(Envelope.checked(
        id=str(uuid.uuid4()), source=source_of("casework"), type=CONTRACT_REFUSED.type,
        time=datetime.now(timezone.utc), subject="", notification_id=1,
        data={"person_id": str(uuid.uuid4()), "case_id": str(uuid.uuid4()), "contract_ref": "KS/2026/17",
              "occurred_on": "2026-04-02"}))
    [task] = desk["officer"]("GET", "/review-tasks").json()
    closing = f"/review-tasks/{task['task_id']}/closing"
    named = desk["officer"]("POST", closing, json={"officer": "Anyone", "conclusion": "bez zmian",
                                                   "closed_on": "2026-04-05"})
    assert named.status_code == 400 and named.json()["error"] == "OfficerInRequest"
    assert desk["officer"]("POST", closing, json={"conclusion": "bez zmian", "closed_on": "2026-04-05"}).ok
    assert app.repository.get(uuid.UUID(task["task_id"])).closed["officer"] == "B. Wójcik"


def test_payments_the_bank_file_and_the_directors_figures(centre):
    app, desk = centre
    p = interviewed(app)
    app.assess(p)
    app.issue_decision(p, SIGNATORY, **{**GRANT, "account": None})
    officer = desk["officer"]
    step = f"/proceedings/{p}"
    assert officer("POST", f"{step}/deemed-delivery", json={"notice_left_on": "2026-03-11"}).json()[
        "delivered_on"] == "2026-03-25"
    listed = officer("GET", "/payment-list", params={"month": "2026-04", "as_of": "2026-04-01"}).json()
    assert (listed["count"], listed["total"]) == (1, "400.00")
    query = {"month": "2026-04", "as_of": "2026-04-01", "execution_date": "2026-04-10", "debtor_name": "MOPS",
             "debtor_account": "PL27 1140 2004 0000 3002 0135 5387"}
    missing = officer("GET", "/bank-transfer-file", params=query)
    assert missing.status_code == 400 and missing.json()["error"] == "MissingAccount"
    assert officer("POST", f"{step}/account", json={"account": ANNA_IBAN}).status_code == 200
    xml = officer("GET", "/bank-transfer-file", params=query)
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("application/xml")
    assert xml.headers["Content-Disposition"] == 'attachment; filename="przelewy-2026-04.xml"'
    assert b"<CtrlSum>400.00</CtrlSum>" in xml.content and b"Anna Nowak" in xml.content
    assert officer("GET", "/bank-transfer-file", params={**query, "month": '2026-04"'}).status_code == 400
    assert officer("GET", "/bank-transfer-file", params={**query, "debtor_name": " "}).json()["error"] == "MissingPayer"
    assert [e["for_month"] for e in officer("GET", f"{step}/due-payments",
                                            params={"month": "2026-04", "as_of": "2026-04-01"}).json()] == ["2026-04"]
    assert officer("POST", f"{step}/payment", json={"month": "2026-04", "paid_on": "2026-04-10"}).ok
    assert officer("POST", f"{step}/payment-return", json={"month": "2026-04", "returned_on": "2026-04-14",
                                                          "reason": "rachunek zamknięty"}).ok
    assert officer("POST", f"{step}/payment", json={"month": "2026-04", "paid_on": "2026-04-15"}).ok
    claim = {"months": ["2026-04"], "amount": "100.00", "issued_on": "2026-05-05", "justification": "zataił dochód"}
    assert officer("POST", f"{step}/claim-back", json=claim).status_code == 403
    claimed = desk["signatory"]("POST", f"{step}/claim-back", json=claim)
    assert claimed.status_code == 200, claimed.text
    assert officer("POST", f"{step}/repayment", json={"amount": "100.00", "repaid_on": "2026-05-20"}).ok
    assert officer("GET", "/health-contributions", params={"month": "2026-04"}).json()["lines"] == []
    figures = desk["director"]("GET", "/mrpips03-part", params={"year": 2026, "half": 1})
    assert figures.status_code == 200
    assert figures.json()["zasilek_okresowy"] == {"benefits": 1, "amount": "400.00", "persons": 1, "families": 1,
                                                  "persons_in_families": 1}
    assert "Anna" not in figures.text and str(p) not in figures.text
    assert desk["director"]("GET", "/mrpips03-part", params={"year": "x", "half": 1}).json()["error"] == \
        "InvalidNumber"
    assert desk["director"]("GET", "/mrpips03-part", params={"year": 2026, "half": 3}).json()["error"] == \
        "ReportError"
    whats = [r["what"] for r in app.access_log(staff_id=OFFICER.id)["reads"]]
    assert {"payment list", "bank transfer file", "due payments", "proceeding"} <= set(whats)
    assert "health contributions" not in whats  # nobody on it: nothing shown, nothing recorded
    assert app.access_log(staff_id=DIRECTOR_STAFF.id)["reads"] == []
