"""An application routed at first contact becomes a proceeding in decisions and ends in a
decision the benefit officer drafts and the person authorised to sign signs, after returning the
first draft with a remark: separate processes over HTTP and RabbitMQ, everyone signed in at the
gateway."""

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

    wait_for(lambda: officer.get("decisions", "/proceedings").json()["proceedings"], what="the proceeding")
    [proceeding] = officer.ok(officer.get("decisions", "/proceedings"), 200)["proceedings"]
    assert proceeding["benefit"] == "zasilek_okresowy" and proceeding["state"] == "awaiting_interview"
    assert proceeding["interview_due"] == "2026-11-04"  # urgent: 2 working days from 2 November
    assert proceeding["person"]["full_name"] == "Anna Nowak"
    step = f"/proceedings/{proceeding['proceeding_id']}"

    def post(who, name, body=None, status=200):
        response = who.post("decisions", f"{step}/{name}", body or {})
        assert response.status_code == status, response.text
        return response.json()

    draft = {"outcome": "grant", "legal_basis": "art. 38 u.p.s.", "amount": "900", "period_from": "2026-12-01",
             "period_to": "2027-05-31", "payment_method": "bank_transfer", "justification": "",
             "on": "2026-11-04"}
    assert post(officer, "draft", {**draft, "outcome": "refusal", "on": TODAY},
                status=400)["error"] == "InterviewRequired"
    assert post(officer, "nonsense", status=404)["error"] == "NoSuchPath"
    assert post(signatory, "draft", draft, status=403)["error"] == "NotYourRole"  # the officer drafts
    assert post(signatory, "signature", status=400)["error"] == "NoDraftPending"
    post(officer, "officer", {"officer": "B. Wójcik"})
    post(officer, "interview", {"held_on": "2026-11-03", "household": [
        {"name": "Anna Nowak", "relation": "wnioskodawca"}, {"name": "Zofia Nowak"}],
        "incomes": [{"member": "Anna Nowak", "source": "alimenty", "amount": "500"}]})
    post(officer, "assessment")
    # A wrongly recorded income is corrected before the decision by the signed-in officer, with a reason;
    # the assessment made before it is out of date until it is made again.
    why = {"reason": "decyzja o świadczeniach rodzinnych", "corrected_on": "2026-11-03"}
    income = {"entry": 1, "source": "swiadczenia_rodzinne", **why}
    assert post(signatory, "corrections/income", income, status=403)["error"] == "NotYourRole"
    fixed = post(officer, "corrections/income", income)
    assert [(c["kind"], c["old"], c["corrected_by"]) for c in fixed["corrections"]] == [
        ("income", {"source": "alimenty"}, "B. Wójcik")]
    assert fixed["state"] == "interviewed" and fixed["assessment"]["outdated_on"] == "2026-11-03"
    assert post(officer, "corrections/income", income, status=400)["error"] == "NothingToCorrect"
    assert post(officer, "draft", draft, status=400)["error"] == "AssessmentOutdated"
    assessed = post(officer, "assessment")["assessment"]
    assert (assessed["criterion"], assessed["min_amount"], assessed["max_amount"]) == ("1646.00", "573.00", "1146.00")
    assert post(officer, "draft", {**draft, "amount": "1200"}, status=400)["error"] == "AmountOutsideLegalRange"
    # Who signs is the signed-in account: 'signed_by' is no field of the published schemas.
    named = post(officer, "draft", {**draft, "signed_by": "Ktoś Inny"}, status=400)
    assert (named["error"], named["field"]) == ("InvalidRequest", "signed_by") and named["message_pl"]
    # What the published schema refuses, through the gateway: each names its field in English and
    # Polish, and the file is as it was.
    file_before = officer.ok(officer.get("decisions", step), 200)
    for who, name, body, field in [
        (officer, "draft", {**draft, "on_condition_of_repayment": "false"}, "on_condition_of_repayment"),
        (officer, "draft", {**draft, "amount": {"zl": 900}}, "amount"),
        (officer, "draft", {**draft, "outcome": "approval"}, "outcome"),
        (signatory, "signature", {"amount": "1146"}, "amount"),  # the signatory signs as drafted, never alters
        (signatory, "draft-return", {"uwaga": "x"}, "uwaga"),
        (officer, "interview", {"held_on": "2026-11-31", "household": [{"name": "Anna Nowak"}]}, "held_on"),
        (officer, "officer", {"officer": 42}, "officer"),
        (officer, "corrections/income", {**income, "entry": "pierwszy"}, "entry"),
        (officer, "corrections/interview", {"assets": "dom"}, "reason"),
        (officer, "delivery", {"delivered_on": "2026-11-05", "doreczyl": "listonosz"}, "doreczyl"),
    ]:
        answer = post(who, name, body, status=400)
        assert (answer["error"], answer["field"]) == ("InvalidRequest", field) and answer["message_pl"], body
    assert officer.ok(officer.get("decisions", step), 200) == file_before

    # The officer drafts; the signatory returns the draft with a remark; the officer sees it and drafts
    # again; the signatory signs the revision as drafted.
    assert post(officer, "draft", {**draft, "account": "PL00 1234"}, status=400)["error"] == "InvalidAccount"
    drafted = post(officer, "draft", {**draft, "period_to": "2027-04-30"})
    assert drafted["draft"]["drafted_by"] == "B. Wójcik" and drafted["decision"] is None
    [waiting] = signatory.ok(signatory.get("decisions", "/drafts"), 200)["drafts"]
    assert waiting["proceeding_id"] == proceeding["proceeding_id"] and waiting["draft"]["period_to"] == "2027-04-30"
    assert post(signatory, "draft-return", {"remark": " "}, status=400)["field"] == "remark"
    remark = "Okres do końca maja, jak we wniosku."
    post(signatory, "draft-return", {"remark": remark, "on": "2026-11-04"})
    seen = officer.ok(officer.get("decisions", step), 200)["draft"]["returned"]
    assert seen == {"remark": remark, "returned_by": "Maria Kowalczyk", "returned_on": "2026-11-04"}
    assert post(signatory, "signature", {"on": "2026-11-04"}, status=400)["error"] == "DraftAlreadyReturned"
    assert signatory.ok(signatory.get("decisions", "/drafts"), 200)["drafts"] == []
    post(officer, "draft", draft)
    signed = post(signatory, "signature", {"on": "2026-11-04"})
    decision = signed["decision"]
    assert (decision["signed_by"], decision["on_authority_of"]) == ("Maria Kowalczyk", DEMO_AUTHORITY)
    assert (decision["issued_on"], decision["amount"], decision["period_to"]) == ("2026-11-04", "900.00", "2027-05-31")
    assert [(d["period_to"], (d["returned"] or {}).get("remark"), (d["signed"] or {}).get("signed_by"))
            for d in signed["drafts"]] == [("2027-04-30", remark, None), ("2027-05-31", None, "Maria Kowalczyk")]
    assert post(officer, "draft", draft, status=400)["error"] == "DraftAfterDecision"
    late = post(officer, "corrections/interview", {"assets": "dom", **why}, status=400)
    assert late["error"] == "CorrectionAfterDecision" and late["message_pl"]  # after it, a new decision
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
    assert "zasilek" not in str(case) and "900.00" not in str(case) and "alimenty" not in str(case)
    assert leader.get("decisions", step).status_code == 403
    assert officer.get("casework", f"/cases/{case['case_id']}").status_code == 403
