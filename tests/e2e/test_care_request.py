"""A social worker's request becomes a granted care service with a roster, delivered visits
and a fee statement, and casework's case shows it; a visit recorded wrongly is corrected and the
statement follows: separate processes over RabbitMQ, everyone signed in at the gateway."""

from tests.support.waiting import wait_for


def test_a_request_from_social_work_is_granted_delivered_billed_and_shown_on_the_case(centre):
    for service in ("intake", "casework", "care"):
        centre.start(service)
    leader, worker = centre.as_role("social_work_team_leader"), centre.as_login("t.nowicki")
    coordinator, signatory = centre.as_role("care_coordinator"), centre.as_role("decision_signatory")
    contact = centre.talk(centre.register("Jan Wiśniewski", 31), reasons_for_help=["niepelnosprawnosc"])
    case_id = centre.route(contact, "casework", "mieszka sam po udarze").json()["case_id"]
    wait_for(lambda: centre.open_cases(), what="the case")
    wait_for(lambda: leader.post("casework", f"/cases/{case_id}/assignment",
                                 {"worker": "Tomasz Nowicki", "on": "2026-11-03"}).status_code == 200,
             what="the worker in casework's roster")
    worker.ok(worker.post("casework", f"/cases/{case_id}/service-requests", {
        "kind": "uslugi_opiekuncze", "urgent": True, "need": "nie wstaje sam z łóżka", "requested_on": "2026-11-04"}))

    wait_for(lambda: coordinator.get("care", "/services").json()["services"], what="the request in care")
    [service] = coordinator.ok(coordinator.get("care", "/services"), 200)["services"]
    assert service["person"]["full_name"] == "Jan Wiśniewski" and "nie wstaje" not in str(service)
    step = f"/services/{service['service_id']}"

    def post(name, body, status=200, who=coordinator):
        response = who.post("care", f"{step}/{name}", body)
        assert response.status_code == status, response.text
        return response.json()

    assert post("decision", {"issued_on": "2026-11-06"}, status=400, who=signatory)["error"] == "NotAssessed"
    post("assessment", {"assessed_on": "2026-11-05", "kind": "uslugi_opiekuncze",
                        "activities": ["personal_care", "meals"], "hours_per_week": 4,
                        "period_from": "2026-11-09", "period_to": "2027-02-28"})
    post("income", {"members": 1, "monthly_income": "1600.00", "stated_on": "2026-11-05"})
    assert post("decision", {"issued_on": "2026-11-06"}, status=403)["error"] == "NotYourRole"
    grant = post("decision", {"issued_on": "2026-11-06"}, who=signatory)["grant"]
    assert grant["fee_per_hour"] == "7.60"  # 158% of the criterion: 20% of 38 zł
    assert grant["signed_by"] == "Maria Kowalczyk"
    carer = coordinator.ok(coordinator.post("care", "/carers", {"name": "Halina Kot", "employer": "staff"}))[
        "carer_id"]
    post("roster", {"carer_id": carer, "visits": [{"weekday": "mon", "hours": 2}, {"weekday": "thu", "hours": 2}]})
    post("visits", {"carer_id": carer, "on": "2026-11-09", "hours": 2, "activities": ["personal_care"]})
    post("visits", {"carer_id": carer, "on": "2026-11-12", "hours": 2, "activities": ["meals"]})
    statement = coordinator.ok(coordinator.get("care", f"{step}/statements/2026-11"), 200)
    assert (statement["delivered_hours"], statement["amount"]) == ("4", "30.40")
    hours = coordinator.ok(coordinator.get("care", "/hours", params={"from": "2026-11-01", "to": "2026-11-30"}), 200)
    # Mondays 9, 16, 23, 30 and Thursdays 12, 19, 26 at 2 h: 14 h ordered from the carer, 4 delivered.
    assert [(c["carer"], c["ordered_hours"], c["delivered_hours"], c["missed_visits"]) for c in hours["carers"]] == [
        ("Halina Kot", "14", "4", 0)]

    def shown_on_case():
        case = worker.ok(worker.get("casework", f"/cases/{case_id}"), 200)
        return case["service_requests"][0].get("care_status") == "granted" and case
    wait_for(shown_on_case, what="the grant on casework's case")
    assert shown_on_case()["service_requests"][0]["started_on"] == "2026-11-06"

    # The second visit lasted 1 h, not 2: corrected with a reason by the signed-in coordinator; the
    # fee statement and the hours follow, the file keeps what was recorded.
    why = {"reason": "karta pracy opiekunki", "corrected_on": "2026-11-20"}
    assert post("visits/correction", {"visit": 2, "hours": 2, **why}, status=400)["error"] == "NothingToCorrect"
    file = post("visits/correction", {"visit": 2, "hours": "1", **why})
    assert file["corrections"][0]["old"] == {"hours": "2"} and file["corrections"][0]["corrected_by"]
    statement = coordinator.ok(coordinator.get("care", f"{step}/statements/2026-11"), 200)
    assert (statement["delivered_hours"], statement["amount"]) == ("3", "22.80")
    hours = coordinator.ok(coordinator.get("care", "/hours", params={"from": "2026-11-01", "to": "2026-11-30"}), 200)
    assert [(c["ordered_hours"], c["delivered_hours"]) for c in hours["carers"]] == [("14", "3")]
