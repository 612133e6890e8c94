"""An application routed at first contact becomes a proceeding in decisions and ends in a
decision: separate processes over HTTP and RabbitMQ."""

import requests

from tests.support.centre import TODAY
from tests.support.people import LEADER
from tests.support.waiting import wait_for

SIGNED = {"signed_by": "Maria Kowalczyk, kierownik MOPS", "on_authority_of": "Prezydenta Miasta Skawina"}


def test_a_routed_application_is_decided_within_the_law(centre):
    for service in ("intake", "casework", "decisions"):
        centre.start(service)
    decisions = centre.url("decisions")
    contact = centre.talk(centre.register("Anna Nowak", 11), reasons_for_help=["bezrobocie"],
                          help_requested=["zasilek_okresowy", "praca_socjalna"], urgent=True)
    assert centre.route(contact, "decisions", "wniosek o zasiłek okresowy").status_code == 201
    assert centre.route(contact, "casework", "wsparcie w szukaniu pracy").status_code == 201

    wait_for(lambda: requests.get(f"{decisions}/proceedings", timeout=5).json(), what="the proceeding")
    [proceeding] = requests.get(f"{decisions}/proceedings", timeout=5).json()
    assert proceeding["benefit"] == "zasilek_okresowy" and proceeding["state"] == "awaiting_interview"
    assert proceeding["interview_due"] == "2026-11-04"  # urgent: 2 working days from 2 November
    assert proceeding["person"]["full_name"] == "Anna Nowak"
    step = f"{decisions}/proceedings/{proceeding['proceeding_id']}"

    def post(name, body=None, status=200):
        response = requests.post(f"{step}/{name}", json=body or {}, timeout=10)
        assert response.status_code == status, response.text
        return response.json()

    refused = post("decision", {"outcome": "refusal", "issued_on": TODAY, "legal_basis": "art. 38",
                                "justification": "x", **SIGNED}, status=400)
    assert refused["error"] == "InterviewRequired"
    assert post("nonsense", status=404)["error"] == "UnknownStep"
    post("officer", {"officer": "B. Wójcik"})
    post("interview", {"held_on": "2026-11-03", "household": [{"name": "Anna Nowak"}, {"name": "Zofia Nowak"}],
                       "incomes": [{"member": "Anna Nowak", "source": "alimenty", "amount": "500"}]})
    assessed = post("assessment")["assessment"]
    assert (assessed["criterion"], assessed["min_amount"], assessed["max_amount"]) == ("1646.00", "573.00", "1146.00")
    assert post("decision", {"outcome": "grant", "issued_on": "2026-11-04", "legal_basis": "art. 38 u.p.s.",
                             "amount": "1200", "period_from": "2026-12-01", "period_to": "2027-05-31",
                             "payment_method": "cash", **SIGNED}, status=400)["error"] == "AmountOutsideLegalRange"
    post("decision", {"outcome": "grant", "issued_on": "2026-11-04", "legal_basis": "art. 38 u.p.s.",
                      "amount": "900", "period_from": "2026-12-01", "period_to": "2027-05-31",
                      "payment_method": "bank_transfer", **SIGNED})
    delivered = post("delivery", {"delivered_on": "2026-11-05"})
    assert delivered["appeal_deadline"] == "2026-11-19" and delivered["state"] == "appeal_window"
    assert post("finality", {"today": "2026-11-19"}, status=400)["error"] == "AppealWindowOpen"
    assert post("finality", {"today": "2026-11-20"})["state"] == "final"
    payments = requests.get(f"{step}/payments", params={"until": "2027-12-31"}, timeout=5).json()
    assert [(p["month"], p["amount"]) for p in payments][:2] == [("2026-12", "900.00"), ("2027-01", "900.00")]
    assert len(payments) == 6

    # Social work got its case; the administrative file never reached it.
    wait_for(lambda: len(centre.open_cases()) == 1, what="the social-work case")
    case = requests.get(f"{centre.url('casework')}/cases/{centre.open_cases()[0]['case_id']}",
                        headers={"X-Staff": LEADER}, timeout=5).json()
    assert "zasilek" not in str(case) and "900" not in str(case) and "alimenty" not in str(case)
