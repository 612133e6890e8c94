"""The social-work method through the running services, and an art. 11 fact reaching
decisions over RabbitMQ: separate processes, everyone signed in at the gateway."""

from tests.support.waiting import wait_for

WORKER = "Tomasz Nowicki"  # the demo social worker (deploy/staff.py)


def test_a_routed_case_goes_through_the_method_and_a_refused_contract_reaches_decisions(centre):
    for service in ("intake", "casework", "decisions"):
        centre.start(service)
    leader, worker = centre.as_role("social_work_team_leader"), centre.as_login("t.nowicki")
    officer = centre.as_role("benefit_officer")
    contact = centre.talk(centre.register("Marek Zieliński", 21), reasons_for_help=["alkoholizm_lub_narkomania"],
                          help_requested=["zasilek_celowy", "praca_socjalna"])
    centre.route(contact, "decisions", "wniosek o zasiłek celowy na opał")
    case_id = centre.route(contact, "casework", "uzależnienie, rodzina z dziećmi").json()["case_id"]
    wait_for(lambda: centre.open_cases(), what="the case in casework")

    def step(name, body, asking=worker, status=200):
        response = asking.post("casework", f"/cases/{case_id}/{name}", body)
        assert response.status_code == status, response.text
        return response.json()

    assert step("assignment", {"worker": WORKER, "on": "2026-11-03"}, status=403)["error"] == "NotYourRole"
    wait_for(lambda: leader.post("casework", f"/cases/{case_id}/assignment",
                                 {"worker": WORKER, "on": "2026-11-03"}).status_code == 200,
             what="the worker in casework's roster (the gateway's staff events)")
    step("diagnosis", {"areas": {"addiction": "alkohol", "parenting": "zaniedbania"}, "strengths": "chce zmiany",
                       "resources": "wsparcie siostry", "recorded_on": "2026-11-04", "with_person": True})
    assert step("contracts", {"person_obligations": ["terapia"], "worker_obligations": ["skierowanie"],
                              "goal_ids": [], "valid_from": "2026-11-05", "valid_to": "2027-02-28"},
                status=400)["error"] == "NoGoals"
    goal = step("goals", {"description": "abstynencja", "target_date": "2027-02-28"})["goal_id"]
    ref = step("contracts", {"person_obligations": ["terapia"], "worker_obligations": ["skierowanie"],
                             "goal_ids": [goal], "valid_from": "2026-11-05", "valid_to": "2027-02-28"})["contract_ref"]
    step("contract-step", {"contract_ref": ref, "step": "refuse", "on": "2026-11-06"})

    assert officer.get("casework", f"/cases/{case_id}").status_code == 403
    assert centre.as_login("a.mazur").get("casework", f"/cases/{case_id}").status_code == 403  # not her case
    assert centre.as_role("director").get("casework", f"/cases/{case_id}").status_code == 403

    wait_for(lambda: officer.get("decisions", "/review-tasks").json()["tasks"], what="the art. 11 review task")
    [task] = officer.ok(officer.get("decisions", "/review-tasks"), 200)["tasks"]
    assert task["fact"] == "refused" and task["occurred_on"] == "2026-11-06"
    assert "terapia" not in str(task) and "alkohol" not in str(task)
    # The benefit proceeding is untouched: art. 11 says "may", an officer weighs it.
    [proceeding] = officer.ok(officer.get("decisions", "/proceedings"), 200)["proceedings"]
    assert proceeding["state"] == "awaiting_interview" and proceeding["person_id"] == task["person_id"]

    step("evaluations", {"on": "2026-12-15", "final": True, "summary": "brak współpracy",
                         "progress": {goal: "not_achieved"}})
    step("closure", {"outcome": "goals_not_achieved", "reason": "odmowa współpracy", "closed_on": "2026-12-16"})
    assert step("evaluations", {"on": "2026-12-20", "final": False, "summary": "x", "progress": {}},
                status=400)["error"] == "CaseClosed"
    workload = leader.ok(leader.get("casework", "/workload"), 200)
    assert workload[WORKER]["cases"] == 0  # the closed case no longer counts
