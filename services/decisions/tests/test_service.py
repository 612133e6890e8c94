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
       for step in ("decision", "change", "revocation", "suspension", "resumption", "claim-back", "signature",
                    "draft-return")},
    ("GET", "/drafts"): {DECISION_SIGNATORY},
    **{("POST", f"/proceedings/<uuid:proceeding_id>/{step}"): {BENEFIT_OFFICER}
       for step in ("officer", "benefit", "complex", "delay-notice", "period-not-counted", "random-event",
                    "interview-plan", "interview", "assessment", "delivery", "deemed-delivery", "finality",
                    "appeal-waiver", "appeal", "appeal-forwarding", "appeal-outcome", "account", "payment",
                    "payment-return", "repayment", "health-insurance", "draft")},
    ("POST", "/proceedings/<uuid:proceeding_id>/corrections/interview"): {BENEFIT_OFFICER},
    ("POST", "/proceedings/<uuid:proceeding_id>/corrections/income"): {BENEFIT_OFFICER},
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
    ("POST", "/persons/<uuid:person_id>/erasure"): {OPERATOR},
}


def routes() -> dict:
    found = {}
    for name in dir(DecisionsService):
        for entrypoint in getattr(getattr(DecisionsService, name), "nameko_entrypoints", ()):
            found[(entrypoint.method, entrypoint.url)] = set(entrypoint.roles)
    return found


def test_every_endpoint_has_the_role_rule_this_list_gives_it():
    assert routes() == {route: set(roles) for route, roles in RULES.items()}
    # The director gets figures only; the operator nothing with a person in it, only the erasure of one.
    assert [route for route, roles in routes().items() if DIRECTOR in roles] == [("GET", "/mrpips03-part")]
    assert [route for route, roles in routes().items() if OPERATOR in roles] == [
        ("POST", "/persons/<uuid:person_id>/erasure")]


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


DRAFT = {k: v for k, v in GRANT.items() if k != "issued_on"}


def test_the_officer_drafts_the_signatory_returns_it_with_a_remark_then_signs_the_revision(centre):
    app, desk = centre
    officer, signatory = desk["officer"], desk["signatory"]
    p = interviewed(app)
    step = f"/proceedings/{p}"
    assert officer("POST", f"{step}/assessment").status_code == 200
    refused = signatory("POST", f"{step}/draft", json=DRAFT)
    assert refused.status_code == 403 and refused.json()["error"] == "NotYourRole"  # the officer drafts
    nothing = signatory("POST", f"{step}/signature", json={})
    assert (nothing.status_code, nothing.json()["error"]) == (400, "NoDraftPending") and nothing.json()["message_pl"]
    drafted = officer("POST", f"{step}/draft", json={**DRAFT, "on": "2026-03-09"})
    assert drafted.status_code == 200, drafted.text
    draft = drafted.json()["draft"]
    assert (draft["drafted_by"], draft["drafted_on"], draft["amount"], draft["returned"]) == (
        "B. Wójcik", "2026-03-09", "400.00", None)
    assert drafted.json()["decision"] is None and drafted.json()["state"] == "assessed"
    assert officer("POST", f"{step}/signature", json={}).status_code == 403  # the officer neither signs
    assert officer("POST", f"{step}/draft-return", json={"remark": "x"}).status_code == 403  # nor returns
    assert officer("GET", "/drafts").status_code == 403
    [waiting] = signatory("GET", "/drafts").json()["drafts"]
    assert waiting["proceeding_id"] == str(p) and waiting["draft"]["amount"] == "400.00"

    blank = signatory("POST", f"{step}/draft-return", json={"remark": "   "})
    assert (blank.status_code, blank.json()["error"], blank.json()["field"]) == (400, "MissingRemark", "remark")
    returned = signatory("POST", f"{step}/draft-return", json={"remark": "Uzupełnij rachunek.", "on": "2026-03-10"})
    assert returned.status_code == 200, returned.text
    assert returned.json()["draft"]["returned"] == {"remark": "Uzupełnij rachunek.", "returned_by": "Maria Kowalczyk",
                                                    "returned_on": "2026-03-10"}
    assert signatory("GET", "/drafts").json() == {"drafts": [], "next_after": None}
    again = signatory("POST", f"{step}/signature", json={"on": "2026-03-10"})
    assert (again.status_code, again.json()["error"]) == (400, "DraftAlreadyReturned")
    # The officer sees the remark on the file, and drafts again.
    assert officer("GET", step).json()["draft"]["returned"]["remark"] == "Uzupełnij rachunek."
    assert officer("POST", f"{step}/draft", json={**DRAFT, "amount": "380.00", "on": "2026-03-10"}).ok
    signed = signatory("POST", f"{step}/signature", json={"on": "2026-03-11"})
    assert signed.status_code == 200, signed.text
    decision = signed.json()["decision"]
    assert (decision["amount"], decision["issued_on"], decision["signed_by"], decision["on_authority_of"]) == (
        "380.00", "2026-03-11", "Maria Kowalczyk", "Prezydenta Miasta")
    assert signed.json()["draft"] is None
    assert [(d["amount"], d["returned"] and d["returned"]["remark"], d["signed"]) for d in signed.json()["drafts"]] == [
        ("400.00", "Uzupełnij rachunek.", None),
        ("380.00", None, {"signed_by": "Maria Kowalczyk", "signed_on": "2026-03-11"})]
    late = officer("POST", f"{step}/draft", json=DRAFT)
    assert (late.status_code, late.json()["error"]) == (400, "DraftAfterDecision")
    reads = [r["what"] for r in app.access_log(staff_id=SIGNATORY.id)["reads"]]
    assert "proceedings" in reads  # the list of drafts to sign names the persons: its read is recorded


def test_the_officer_corrects_an_income_and_the_interview_before_the_decision_as_the_signed_in_author(centre):
    app, desk = centre
    officer, signatory = desk["officer"], desk["signatory"]
    p = interviewed(app)
    step = f"/proceedings/{p}"
    assert officer("POST", f"{step}/assessment").ok
    why = {"reason": "zaświadczenie od pracodawcy", "corrected_on": "2026-03-06"}
    income = {"entry": "1", "amount": "450,00", **why}  # as the page's form sends it
    refused = signatory("POST", f"{step}/corrections/income", json=income)
    assert (refused.status_code, refused.json()["error"]) == (403, "NotYourRole")  # the benefit officer corrects
    assert desk["anyone"]("POST", f"{step}/corrections/income", json=income).status_code == 401
    for number, error in ((2, "NoSuchInterview"), ("drugi", "InvalidRequest")):  # one interview is recorded
        unknown = officer("POST", f"{step}/corrections/income", json={**income, "interview": number})
        assert (unknown.status_code, unknown.json()["error"], unknown.json()["field"]) == (400, error, "interview")
        assert unknown.json()["message_pl"]
    answer = officer("POST", f"{step}/corrections/income", json=income)
    assert answer.status_code == 200, answer.text
    file = answer.json()
    assert file["interviews"][-1]["incomes"][0]["amount"] == "450.00"
    assert file["corrections"] == [{"kind": "income", "interview": 1, "entry": 1, "fields": ["amount"],
                                    "old": {"amount": "400.00"},
                                    "new": {"amount": "450.00"}, "reason": "zaświadczenie od pracodawcy",
                                    "corrected_by": "B. Wójcik", "corrected_on": "2026-03-06"}]
    assert file["assessment"]["outdated_on"] == "2026-03-06" and file["state"] == "interviewed"
    outdated = officer("POST", f"{step}/draft", json=DRAFT)
    assert (outdated.status_code, outdated.json()["error"]) == (400, "AssessmentOutdated")
    assert outdated.json()["message_pl"]
    for body, error, field in [
        (income, "NothingToCorrect", None),
        ({**income, "reason": "   "}, "MissingCorrectionReason", "reason"),
        ({**income, "entry": 2}, "NoSuchIncome", "entry"),
        ({**income, "member": "Ktoś Obcy"}, "InvalidInterview", None),
    ]:
        answer = officer("POST", f"{step}/corrections/income", json=body)
        assert (answer.status_code, answer.json()["error"], answer.json().get("field")) == (400, error, field), body
        assert "Ktoś" not in answer.text
    assert officer("POST", f"{step}/corrections/interview", json={
        "household": [{"name": "Anna Nowak"}, {"name": "Jan Nowak", "relation": "syn"}], **why}).ok
    assert officer("POST", f"{step}/assessment").json()["assessment"]["members"] == 2
    assert officer("POST", f"{step}/draft", json={"outcome": "refusal", "legal_basis": "art. 38 u.p.s.",
                                                  "justification": "dochód powyżej kryterium", "on": "2026-03-09"}).ok
    assert signatory("POST", f"{step}/signature", json={"on": "2026-03-10"}).json()["state"] == "decided"
    late = officer("POST", f"{step}/corrections/interview", json={"assets": "dom", **why})
    assert (late.status_code, late.json()["error"]) == (400, "CorrectionAfterDecision") and late.json()["message_pl"]
    fresh = app.open_ex_officio(uuid.uuid4(), {"full_name": "Jan Nowak"}, "zasilek_okresowy", date(2026, 3, 2))
    early = officer("POST", f"/proceedings/{fresh}/corrections/income", json=income)
    assert (early.status_code, early.json()["error"]) == (400, "NoInterviewToCorrect") and early.json()["message_pl"]


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


@pytest.mark.parametrize("signature", [{"signed_by": "Anyone"}, {"signed_by": "Maria Kowalczyk"},
                                       {"on_authority_of": "Wójta Gminy"}, {"on_authority_of": None}])
def test_a_body_carrying_a_signature_is_refused(centre, signature):
    app, desk = centre
    p = interviewed(app)
    app.assess(p)
    [field] = signature
    position = app.recorder.max_notification_id()
    refused = desk["signatory"]("POST", f"/proceedings/{p}/decision", json={**GRANT, **signature})
    # Not a field of the published schema (even the signatory's own name: the account signs):
    # refused before the handler, naming it.
    assert refused.status_code == 400
    assert (refused.json()["error"], refused.json()["field"]) == ("InvalidRequest", field)
    assert field in refused.json()["message"] and refused.json()["message_pl"]
    assert app.recorder.max_notification_id() == position  # nothing issued, nothing read
    assert app.proceeding(p).decision is None
    later = {"effective_from": "2026-05-01", "issued_on": "2026-04-20", "justification": "x"}
    for step, body in [("revocation", later), ("suspension", later), ("resumption", later),
                       ("change", {**later, "amount": "450.00"}),
                       ("claim-back", {"months": ["2026-04"], "amount": "100.00", "issued_on": "2026-05-05",
                                       "justification": "x"})]:
        answer = desk["signatory"]("POST", f"/proceedings/{p}/{step}", json={**body, **signature})
        assert (answer.status_code, answer.json()["error"], answer.json()["field"]) == (400, "InvalidRequest", field)
    assert app.recorder.max_notification_id() == position


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
    assert len(desk["officer"]("GET", "/proceedings", params={"person_id": person_id}).json()["proceedings"]) == 1
    [due] = desk["officer"]("GET", "/deadlines", params={"today": "2026-03-03", "within_days": 60}).json()["deadlines"]
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
    [task] = desk["officer"]("GET", "/review-tasks").json()["tasks"]
    closing = f"/review-tasks/{task['task_id']}/closing"
    named = desk["officer"]("POST", closing, json={"officer": "Anyone", "conclusion": "bez zmian",
                                                   "closed_on": "2026-04-05"})
    # Who closes it is who is signed in: 'officer' is no field of the published schema.
    assert named.status_code == 400
    assert (named.json()["error"], named.json()["field"]) == ("InvalidRequest", "officer")
    assert not app.repository.get(uuid.UUID(task["task_id"])).closed
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
    assert desk["director"]("GET", "/mrpips03-part", params={"year": "x", "half": 1}).json()["field"] == "year"
    assert desk["director"]("GET", "/mrpips03-part", params={"year": 2026, "half": 3}).json()["field"] == "half"
    whats = [r["what"] for r in app.access_log(staff_id=OFFICER.id)["reads"]]
    assert {"payment list", "bank transfer file", "due payments", "proceeding"} <= set(whats)
    assert "health contributions" not in whats  # nobody on it: nothing shown, nothing recorded
    assert app.access_log(staff_id=DIRECTOR_STAFF.id)["reads"] == []


def test_bad_bodies_are_refused_by_the_published_schema_naming_the_field_and_nothing_is_stored(centre):
    from datetime import datetime, timezone

    from shared.contracts.casework import CONTRACT_BROKEN
    from shared.envelope import Envelope, source_of

    app, desk = centre
    officer, signatory = desk["officer"], desk["signatory"]
    p = interviewed(app)
    app.process(Envelope.checked(
        id=str(uuid.uuid4()), source=source_of("casework"), type=CONTRACT_BROKEN.type,
        time=datetime.now(timezone.utc), subject="", notification_id=1,
        data={"person_id": str(uuid.uuid4()), "case_id": str(uuid.uuid4()), "contract_ref": "KS/2026/18",
              "occurred_on": "2026-04-02"}))
    [task] = officer("GET", "/review-tasks").json()["tasks"]
    step, closing, person = f"/proceedings/{p}", f"/review-tasks/{task['task_id']}/closing", str(uuid.uuid4())
    opening = {"person_id": person, "benefit": "zasilek_celowy", "learned_on": "2026-03-02"}
    interview = {"held_on": "2026-03-06", "household": [{"name": "Anna Nowak", "relation": ""}]}
    later = {"effective_from": "2026-05-01", "issued_on": "2026-04-20", "justification": "zmiana dochodu"}
    claim = {"months": ["2026-04"], "amount": "100.00", "issued_on": "2026-05-05", "justification": "zataił dochód"}
    fix = {"entry": 1, "amount": "450", "reason": "zaświadczenie", "corrected_on": "2026-03-06"}
    lists = ("/proceedings", "/review-tasks?all=1")
    before = [officer("GET", path).json() for path in lists]
    position = app.recorder.max_notification_id()

    for who, path, body, field in [
        (officer, "/proceedings", {**opening, "person_id": 12345}, "person_id"),
        (officer, "/proceedings", {**opening, "person_id": "nie-uuid"}, "person_id"),
        (officer, "/proceedings", {**opening, "learned_on": "2026-02-30"}, "learned_on"),
        (officer, "/proceedings", {**opening, "urgent": "false"}, "urgent"),
        (officer, "/proceedings", {**opening, "benefit": "zasilek_wakacyjny"}, "benefit"),
        (officer, "/proceedings", {**opening, "person": {"full_name": {"first": "Jan"}}}, "person.full_name"),
        (officer, "/proceedings", {**opening, "person": {"pesel": 85071512348}}, "person.pesel"),
        (officer, "/proceedings", {**opening, "pilne": True}, "pilne"),
        (officer, "/proceedings", {"person_id": person}, "learned_on"),
        (officer, f"{step}/officer", {"officer": ["Jan Zięba"]}, "officer"),
        (officer, f"{step}/officer", {"officer": "J" * 201}, "officer"),
        (officer, f"{step}/benefit", {"benefit": "zasilek_wakacyjny"}, "benefit"),
        (officer, f"{step}/complex", {"reason": {"text": "biegły"}}, "reason"),
        (officer, f"{step}/complex", {"reason": "x" * 5001}, "reason"),
        (officer, f"{step}/delay-notice", {"new_date": "2026-04-31", "reason": "biegły",
                                           "notified_on": "2026-03-10"}, "new_date"),
        (officer, f"{step}/period-not-counted", {"first_day": "2026-03-10", "last_day": "2026-03-12",
                                                 "reason": "urlop"}, "reason"),
        (officer, f"{step}/random-event", {"kind": "powodz", "occurred_on": "2026-03-01"}, "kind"),
        (officer, f"{step}/interview-plan", {"on": "05.03.2026"}, "on"),
        (officer, f"{step}/interview", {**interview, "household": "Anna Nowak"}, "household"),
        (officer, f"{step}/interview", {**interview, "household": [{"name": 7}]}, "household.name"),
        (officer, f"{step}/interview", {**interview, "incomes": [{"member": "Anna Nowak", "source": "spadek",
                                                                  "amount": "1"}]}, "incomes.source"),
        (officer, f"{step}/interview", {**interview, "incomes": [{"member": "Anna Nowak", "source": "alimenty",
                                                                  "amount": {"zl": 400}}]}, "incomes.amount"),
        (officer, f"{step}/interview", {**interview, "unable_to_work": "false"}, "unable_to_work"),
        (officer, f"{step}/interview", {**interview, "farmland_ha": [1]}, "farmland_ha"),
        (officer, f"{step}/interview", {**interview, "recorded_on": "2026-02-30"}, "recorded_on"),
        (officer, f"{step}/interview", {**interview, "assets": "x" * 5001}, "assets"),
        (officer, f"{step}/corrections/income", {**fix, "amount": {"zl": 450}}, "amount"),
        (officer, f"{step}/corrections/income", {**fix, "entry": "0"}, "entry"),
        (officer, f"{step}/corrections/income", {**fix, "entry": 0}, "entry"),
        (officer, f"{step}/corrections/income", {**fix, "entry": [1]}, "entry"),
        (officer, f"{step}/corrections/income", {**fix, "source": "spadek"}, "source"),
        (officer, f"{step}/corrections/income", {k: v for k, v in fix.items() if k != "reason"}, "reason"),
        (officer, f"{step}/corrections/income", {**fix, "corrected_by": "Ktoś Inny"}, "corrected_by"),
        (officer, f"{step}/corrections/income", {**fix, "corrected_on": "2026-02-30"}, "corrected_on"),
        (officer, f"{step}/corrections/interview", {"reason": "x", "corrected_on": "2026-03-06",
                                                    "household": "Anna Nowak"}, "household"),
        (officer, f"{step}/corrections/interview", {"reason": "x", "corrected_on": "2026-03-06",
                                                    "unable_to_work": "true"}, "unable_to_work"),
        (officer, f"{step}/corrections/interview", {"reason": "x"}, "corrected_on"),
        (officer, f"{step}/corrections/interview", {"reason": "x", "corrected_on": "2026-03-06",
                                                    "incomes": []}, "incomes"),  # an income is corrected by number
        (officer, f"{step}/assessment", {"now": True}, "now"),
        (officer, f"{step}/delivery", {"delivered_on": 20260312}, "delivered_on"),
        (officer, f"{step}/deemed-delivery", {}, "notice_left_on"),
        (officer, f"{step}/finality", {"today": "2026-02-30"}, "today"),
        (officer, f"{step}/appeal-waiver", {"received_on": True}, "received_on"),
        (officer, f"{step}/appeal", {"filed_on": "2026-03-20", "received_on": "2026-13-01"}, "received_on"),
        (officer, f"{step}/appeal-forwarding", {"forwarded_on": None}, "forwarded_on"),
        (officer, f"{step}/appeal-outcome", {"outcome": "won", "decided_on": "2026-04-20"}, "outcome"),
        (signatory, f"{step}/decision", {**GRANT, "on_condition_of_repayment": "false"}, "on_condition_of_repayment"),
        (signatory, f"{step}/decision", {**GRANT, "amount": {"zl": 400}}, "amount"),
        (signatory, f"{step}/decision", {**GRANT, "amount": True}, "amount"),
        (signatory, f"{step}/decision", {**GRANT, "outcome": "approval"}, "outcome"),
        (signatory, f"{step}/decision", {**GRANT, "payment_method": "blik"}, "payment_method"),
        (signatory, f"{step}/decision", {**GRANT, "period_from": "2026-02-30"}, "period_from"),
        (signatory, f"{step}/decision", {**GRANT, "justification": ["x"]}, "justification"),
        (signatory, f"{step}/decision", {**GRANT, "legal_basis": "x" * 5001}, "legal_basis"),
        (signatory, f"{step}/decision", {**GRANT, "account": 61109010140000071219812874}, "account"),
        (officer, f"{step}/draft", {k: v for k, v in DRAFT.items() if k != "legal_basis"}, "legal_basis"),
        (officer, f"{step}/draft", {**DRAFT, "issued_on": "2026-03-10"}, "issued_on"),  # dated when signed
        (officer, f"{step}/draft", {**DRAFT, "signed_by": "B. Wójcik"}, "signed_by"),
        (officer, f"{step}/draft", {**DRAFT, "amount": {"zl": 400}}, "amount"),
        (officer, f"{step}/draft", {**DRAFT, "outcome": "approval"}, "outcome"),
        (officer, f"{step}/draft", {**DRAFT, "on": "2026-02-30"}, "on"),
        (signatory, f"{step}/signature", {"on": "10.03.2026"}, "on"),
        (signatory, f"{step}/signature", {"amount": "500.00"}, "amount"),  # the signatory signs, never alters
        (signatory, f"{step}/draft-return", {}, "remark"),
        (signatory, f"{step}/draft-return", {"remark": ["popraw"]}, "remark"),
        (signatory, f"{step}/draft-return", {"remark": "x" * 5001}, "remark"),
        (signatory, f"{step}/change", later, "amount"),
        (signatory, f"{step}/revocation", {**later, "justification": "x" * 5001}, "justification"),
        (signatory, f"{step}/suspension", {**later, "effective_from": "2026-06-31"}, "effective_from"),
        (signatory, f"{step}/resumption", {**later, "issued_on": 20260420}, "issued_on"),
        (signatory, f"{step}/claim-back", {**claim, "months": "2026-04"}, "months"),
        (signatory, f"{step}/claim-back", {**claim, "months": ["2026-4"]}, "months"),
        (officer, f"{step}/account", {"account": 61109010140000071219812874}, "account"),
        (officer, f"{step}/payment", {"month": "2026-13", "paid_on": "2026-04-10"}, "month"),
        (officer, f"{step}/payment", {"month": "2026-04", "paid_on": "2026-04-31"}, "paid_on"),
        (officer, f"{step}/payment-return", {"month": "2026-04", "returned_on": "2026-04-14"}, "reason"),
        (officer, f"{step}/repayment", {"amount": [100], "repaid_on": "2026-05-20"}, "amount"),
        (officer, f"{step}/health-insurance", {"insured_elsewhere": "false", "from_month": "2026-04"},
         "insured_elsewhere"),
        (officer, f"{step}/health-insurance", {"insured_elsewhere": True, "from_month": "2026-04-01"}, "from_month"),
        (officer, closing, {"conclusion": 7, "closed_on": "2026-04-05"}, "conclusion"),
        (officer, closing, {"conclusion": "bez zmian", "closed_on": "2026-02-30"}, "closed_on"),
    ]:
        answer = who("POST", path, json=body)
        assert answer.status_code == 400, (path, body, answer.text)
        assert (answer.json()["error"], answer.json()["field"]) == ("InvalidRequest", field), (path, body, answer.text)
        assert answer.json()["message_pl"], (path, body)

    assert app.recorder.max_notification_id() == position  # nothing stored, not even a read
    assert [officer("GET", path).json() for path in lists] == before
    assert not app.proceeding(p).delivered_on and len(app.proceeding(p).interviews) == 1

    # What the pages send passes: the interview as the gateway's adapter builds it (a relation left
    # empty, amounts and hectares as typed texts, the checkbox as a boolean), a boolean false as false.
    answer = officer("POST", f"{step}/interview", json={
        "held_on": "2026-03-06", "household": [{"name": "Anna Nowak", "relation": ""}],
        "incomes": [{"member": "Anna Nowak", "source": "alimenty", "amount": "250.50"}], "assets": "",
        "farmland_ha": "0", "unable_to_work": False, "recorded_on": "2026-03-06"})
    assert answer.status_code == 200, answer.text
    assert app.proceeding(p).interviews[-1]["unable_to_work"] is False
    opened = officer("POST", "/proceedings", json={**opening, "urgent": False,
                                                   "person": {"full_name": "Jan Nowak", "pesel": None}})
    assert opened.status_code == 201, opened.text
    assert app.proceeding(uuid.UUID(opened.json()["proceeding_id"])).urgent is False
    document = requests.get(f"{officer.url}/openapi.json", timeout=10).json()
    schema = document["paths"]["/proceedings/{proceeding_id}/decision"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert schema["required"] == ["outcome", "issued_on", "legal_basis"] and "signed_by" not in schema["properties"]
    posts = [path for path, ops in document["paths"].items() if "post" in ops]
    assert len(posts) == 35 and all("requestBody" in document["paths"][path]["post"] for path in posts)  # 34 + erasure


def test_the_lists_are_paged_and_a_page_out_of_range_or_a_cursor_no_list_gave_is_refused(centre):
    app, desk = centre
    for _ in range(3):
        interviewed(app)
    first = desk["officer"]("GET", "/proceedings", params={"limit": 2}).json()
    rest = desk["officer"]("GET", "/proceedings", params={"limit": 2, "after": first["next_after"]}).json()
    assert len(first["proceedings"]) == 2 and len(rest["proceedings"]) == 1 and rest["next_after"] is None
    position = app.recorder.max_notification_id()
    for path, params in (("/proceedings", {"limit": 0}), ("/review-tasks", {"limit": 201}),
                         ("/deadlines", {"today": "2026-03-03", "limit": "x"})):
        answer = desk["officer"]("GET", path, params=params)
        assert answer.status_code == 400 and answer.json()["field"] == "limit", (path, answer.text)
    for path in ("/proceedings", "/deadlines?today=2026-03-03", "/interview-updates?today=2026-03-03",
                 "/review-tasks"):
        answer = desk["officer"]("GET", path, params={"after": "not-a-cursor"})
        assert answer.status_code == 400 and answer.json()["error"] == "UnknownCursor", (path, answer.text)
    assert desk["signatory"]("GET", "/drafts", params={"after": "not-a-cursor"}).json()["error"] == "UnknownCursor"
    assert app.recorder.max_notification_id() == position  # a refused page reads nothing into the access log
