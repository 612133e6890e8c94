"""An application routed at first contact becomes a proceeding in decisions and ends in a
decision signed by the person authorised to sign: separate processes over HTTP and RabbitMQ,
everyone signed in at the gateway."""

from deploy.staff import DEMO_AUTHORITY
from tests.support.centre import TODAY
from tests.support.waiting import wait_for


def test_a_routed_application_is_decided_within_the_law(centre):
    for service in ("intake", "casework", "decisions"):
        centre.start(service)
    officer, signatory = centre.as_role("benefit_officer"), centre.as_role("decision_signatory")
    contact = centre.talk(centre.register("Anna Nowak", 11), reasons_for_help=["bezrobocie"],
                          help_requested=["zasilek_okresowy", "praca_socjalna"], urgent=True)
    assert centre.route(contact, "decisions", "wniosek o zasiłek okresowy").status_code == 201
    assert centre.route(contact, "casework", "wsparcie w szukaniu pracy").status_code == 201

    wait_for(lambda: officer.get("decisions", "/proceedings").json(), what="the proceeding")
    [proceeding] = officer.ok(officer.get("decisions", "/proceedings"), 200)
    assert proceeding["benefit"] == "zasilek_okresowy" and proceeding["state"] == "awaiting_interview"
    assert proceeding["interview_due"] == "2026-11-04"  # urgent: 2 working days from 2 November
    assert proceeding["person"]["full_name"] == "Anna Nowak"
    step = f"/proceedings/{proceeding['proceeding_id']}"

    def post(who, name, body=None, status=200):
        response = who.post("decisions", f"{step}/{name}", body or {})
        assert response.status_code == status, response.text
        return response.json()

    decision = {"outcome": "grant", "issued_on": "2026-11-04", "legal_basis": "art. 38 u.p.s.", "amount": "900",
                "period_from": "2026-12-01", "period_to": "2027-05-31", "payment_method": "bank_transfer",
                "justification": ""}
    assert post(signatory, "decision", {**decision, "outcome": "refusal", "issued_on": TODAY},
                status=400)["error"] == "InterviewRequired"
    assert post(officer, "nonsense", status=404)["error"] == "NoSuchPath"
    assert post(officer, "decision", decision, status=403)["error"] == "NotYourRole"  # an officer does not sign
    post(officer, "officer", {"officer": "B. Wójcik"})
    post(officer, "interview", {"held_on": "2026-11-03", "household": [
        {"name": "Anna Nowak", "relation": "wnioskodawca"}, {"name": "Zofia Nowak"}],
        "incomes": [{"member": "Anna Nowak", "source": "alimenty", "amount": "500"}]})
    assessed = post(officer, "assessment")["assessment"]
    assert (assessed["criterion"], assessed["min_amount"], assessed["max_amount"]) == ("1646.00", "573.00", "1146.00")
    assert post(signatory, "decision", {**decision, "amount": "1200"}, status=400)["error"] == \
        "AmountOutsideLegalRange"
    # Who signs is the signed-in account: 'signed_by' is no field of the published schema.
    named = post(signatory, "decision", {**decision, "signed_by": "Ktoś Inny"}, status=400)
    assert (named["error"], named["field"]) == ("InvalidRequest", "signed_by") and named["message_pl"]
    # What the published schema refuses, through the gateway: each names its field in English and
    # Polish, and the file is as it was.
    file_before = officer.ok(officer.get("decisions", step), 200)
    for who, name, body, field in [
        (signatory, "decision", {**decision, "on_condition_of_repayment": "false"}, "on_condition_of_repayment"),
        (signatory, "decision", {**decision, "amount": {"zl": 900}}, "amount"),
        (signatory, "decision", {**decision, "outcome": "approval"}, "outcome"),
        (officer, "interview", {"held_on": "2026-11-31", "household": [{"name": "Anna Nowak"}]}, "held_on"),
        (officer, "officer", {"officer": 42}, "officer"),
        (officer, "delivery", {"delivered_on": "2026-11-05", "doreczyl": "listonosz"}, "doreczyl"),
    ]:
        answer = post(who, name, body, status=400)
        assert (answer["error"], answer["field"]) == ("InvalidRequest", field) and answer["message_pl"], body
    assert officer.ok(officer.get("decisions", step), 200) == file_before
    signed = post(signatory, "decision", decision)["decision"]
    assert (signed["signed_by"], signed["on_authority_of"]) == ("Maria Kowalczyk", DEMO_AUTHORITY)
    delivered = post(officer, "delivery", {"delivered_on": "2026-11-05"})
    assert delivered["appeal_deadline"] == "2026-11-19" and delivered["state"] == "appeal_window"
    assert post(officer, "finality", {"today": "2026-11-19"}, status=400)["error"] == "AppealWindowOpen"
    assert post(officer, "finality", {"today": "2026-11-20"})["state"] == "final"
    payments = officer.ok(officer.get("decisions", f"{step}/payments", params={"until": "2027-12-31"}), 200)
    assert [(p["month"], p["amount"]) for p in payments][:2] == [("2026-12", "900.00"), ("2027-01", "900.00")]
    assert len(payments) == 6

    # Social work got its case; the administrative file never reached it, nor may its staff open it.
    wait_for(lambda: len(centre.open_cases()) == 1, what="the social-work case")
    leader = centre.as_role("social_work_team_leader")
    case = leader.ok(leader.get("casework", f"/cases/{centre.open_cases()[0]['case_id']}"), 200)
    assert "zasilek" not in str(case) and "900" not in str(case) and "alimenty" not in str(case)
    assert leader.get("decisions", step).status_code == 403
    assert officer.get("casework", f"/cases/{case['case_id']}").status_code == 403
