"""A social worker's request becomes a granted care service with a roster, delivered visits
and a fee statement, and casework's case shows it: separate processes over RabbitMQ."""

import requests

from tests.support.people import LEADER, WORKERS
from tests.support.waiting import wait_for

SIGNED = {"signed_by": "Maria Kowalczyk, kierownik OPS", "on_authority_of": "Burmistrza Gminy"}


def test_a_request_from_social_work_is_granted_delivered_billed_and_shown_on_the_case(centre):
    for service in ("intake", "casework", "care"):
        centre.start(service)
    casework, care = centre.url("casework"), centre.url("care")
    contact = centre.talk(centre.register("Jan Wiśniewski", 31), reasons_for_help=["niepelnosprawnosc"])
    case_id = centre.route(contact, "casework", "mieszka sam po udarze").json()["case_id"]
    wait_for(lambda: centre.open_cases(), what="the case")
    worker = {"X-Staff": WORKERS[0]}
    requests.post(f"{casework}/cases/{case_id}/assignment", json={"worker": WORKERS[0], "on": "2026-11-03"},
                  headers={"X-Staff": LEADER}, timeout=10).raise_for_status()
    requests.post(f"{casework}/cases/{case_id}/service-requests",
                  json={"kind": "uslugi_opiekuncze", "urgent": True, "need": "nie wstaje sam z łóżka",
                        "requested_on": "2026-11-04"}, headers=worker, timeout=10).raise_for_status()

    wait_for(lambda: requests.get(f"{care}/services", timeout=5).json(), what="the request in care")
    [service] = requests.get(f"{care}/services", timeout=5).json()
    assert service["person"]["full_name"] == "Jan Wiśniewski" and "nie wstaje" not in str(service)
    step = f"{care}/services/{service['service_id']}"

    def post(name, body, status=200):
        response = requests.post(f"{step}/{name}", json=body, timeout=10)
        assert response.status_code == status, response.text
        return response.json()

    assert post("decision", {"issued_on": "2026-11-06", **SIGNED}, status=400)["error"] == "NotAssessed"
    post("assessment", {"assessed_on": "2026-11-05", "kind": "uslugi_opiekuncze",
                        "activities": ["personal_care", "meals"], "hours_per_week": 4,
                        "period_from": "2026-11-09", "period_to": "2027-02-28"})
    post("income", {"members": 1, "monthly_income": "1600.00", "stated_on": "2026-11-05"})
    grant = post("decision", {"issued_on": "2026-11-06", **SIGNED})["grant"]
    assert grant["fee_per_hour"] == "7.60"  # 158% of the criterion: 20% of 38 zł
    carer = requests.post(f"{care}/carers", json={"name": "Halina Kot", "employer": "staff"},
                          timeout=10).json()["carer_id"]
    post("roster", {"carer_id": carer, "visits": [{"weekday": "mon", "hours": 2}, {"weekday": "thu", "hours": 2}]})
    post("visits", {"carer_id": carer, "on": "2026-11-09", "hours": 2, "activities": ["personal_care"]})
    post("visits", {"carer_id": carer, "on": "2026-11-12", "hours": 2, "activities": ["meals"]})
    statement = requests.get(f"{step}/statements/2026-11", timeout=5).json()
    assert (statement["delivered_hours"], statement["amount"]) == ("4", "30.40")
    hours = requests.get(f"{care}/hours", params={"from": "2026-11-01", "to": "2026-11-30"}, timeout=5).json()
    # Mondays 9, 16, 23, 30 and Thursdays 12, 19, 26 at 2 h: 14 h ordered from the carer, 4 delivered.
    assert [(c["carer"], c["ordered_hours"], c["delivered_hours"], c["missed_visits"]) for c in hours["carers"]] == [
        ("Halina Kot", "14", "4", 0)]

    def shown_on_case():
        case = requests.get(f"{casework}/cases/{case_id}", headers=worker, timeout=5).json()
        return case["service_requests"][0].get("care_status") == "granted" and case
    wait_for(shown_on_case, what="the grant on casework's case")
    assert shown_on_case()["service_requests"][0]["started_on"] == "2026-11-06"
