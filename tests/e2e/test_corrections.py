"""A correction at first contact reaches social work and care: separate processes, real broker,
everyone signed in at the gateway. The desk corrects a person's name and contact; casework's case
and care's service of the person take them through intake's PersonCorrected event, the old ones
stay in both logs; care's service that a social worker asked for takes them from casework, which
passes them on. A visit corrected in care reaches training's care hours through CareHoursCorrected."""

from decimal import Decimal

from tests.support.centre import TODAY
from tests.support.people import pesel_for
from tests.support.waiting import wait_for


def test_a_corrected_name_reaches_casework_s_case_through_the_correction_event(centre):
    centre.start("intake")
    centre.start("casework")
    desk, leader = centre.desk, centre.as_role("social_work_team_leader")
    person_id = centre.register("Anna Nowak", 1)
    case_id = centre.route(centre.talk(person_id), "casework").json()["case_id"]
    wait_for(lambda: [c["case_id"] for c in centre.open_cases()] == [case_id], what="the case in casework")

    # The same PESEL with another name is not dropped: the desk hears which fields differ.
    again = desk.post("intake", "/persons", {"full_name": "Anna Nowakowska", "pesel": pesel_for(1),
                                             "registered_on": TODAY})
    assert again.status_code == 409, again.text
    assert again.json()["error"] == "IdentityDiffers" and again.json()["fields"] == ["full_name"]
    assert again.json()["person_id"] == person_id and "Nowak" not in again.json()["message"]

    corrected = desk.post("intake", f"/persons/{person_id}/corrections/identity",
                          {"full_name": "Anna Nowakowska", "reason": "nazwisko po ślubie, dowód osobisty",
                           "corrected_on": TODAY})
    assert desk.ok(corrected, 200)["corrected"] == ["full_name"]
    desk.ok(desk.post("intake", f"/persons/{person_id}/corrections/contact",
                      {"contact": "+48 600 100 200", "reason": "nowy numer", "corrected_on": TODAY}), 200)

    def case():
        return leader.ok(leader.get("casework", f"/cases/{case_id}"), 200)

    wait_for(lambda: case()["person"]["contact"] == "+48 600 100 200", what="the correction in casework")
    file = case()
    assert file["person"]["full_name"] == "Anna Nowakowska" and file["person"]["pesel"] == pesel_for(1)
    assert [c["corrected"] for c in file["person_corrections"]] == [["full_name"], ["contact"]]
    assert file["person_corrections"][0]["old"] == {"full_name": "Anna Nowak"}
    assert "ślubie" not in str(file)  # the reason stays at the desk
    assert [c["full_name"] for c in centre.open_cases()] == ["Anna Nowakowska"]

    # The register: the same reference, the history with who corrected and why.
    person = desk.ok(desk.get("intake", f"/persons/{person_id}"), 200)
    assert person["full_name"] == "Anna Nowakowska"
    [_, renamed, _] = person["history"]
    assert renamed["old"] == {"full_name": "Anna Nowak"} and renamed["reason"] == "nazwisko po ślubie, dowód osobisty"
    assert renamed["corrected_by"]
    assert desk.ok(desk.post("intake", "/persons/search", {"name": "nowakowska"}), 200)["persons"][0][
        "person_id"] == person_id
    # Nobody else corrects the register.
    refused = leader.post("intake", f"/persons/{person_id}/corrections/contact",
                          {"contact": "+48 1", "reason": "x", "corrected_on": TODAY})
    assert refused.status_code == 403


def test_a_corrected_name_reaches_care_s_service_through_the_correction_event(centre):
    centre.start("intake")
    centre.start("care")
    person_id = centre.register("Zofia Lis", 2)
    contact = centre.talk(person_id, help_requested=["uslugi_opiekuncze"])
    centre.desk.ok(centre.route(contact, "care", "nie wychodzi z domu"), 201)
    assert renamed_in_care(centre, person_id, "Zofia Lis", "Zofia Lis-Kowal")["person"]["pesel"] == pesel_for(2)


def renamed_in_care(centre, person_id: str, name: str, corrected_name: str) -> dict:
    """The desk corrects the name of a person care serves; care's one service of them, once it shows it."""
    desk, coordinator = centre.desk, centre.as_role("care_coordinator")
    wait_for(lambda: coordinator.ok(coordinator.get("care", "/services"), 200)["services"],
             what="the request in care")
    desk.ok(desk.post("intake", f"/persons/{person_id}/corrections/identity",
                      {"full_name": corrected_name, "reason": "nazwisko z dowodu osobistego",
                       "corrected_on": TODAY}), 200)

    def service():
        [found] = coordinator.ok(coordinator.get("care", "/services"), 200)["services"]
        return coordinator.ok(coordinator.get("care", f"/services/{found['service_id']}"), 200)

    # the list's row (care's table) shows the name as corrected, as the file does
    wait_for(lambda: coordinator.ok(coordinator.get("care", "/services"), 200)["services"][0]["person"]["full_name"]
             == corrected_name, what="the correction in care")
    assert service()["person"]["full_name"] == corrected_name
    assert service()["person_corrections"] == [{"corrected": ["full_name"], "old": {"full_name": name},
                                                "corrected_on": TODAY}]
    assert "dowodu" not in str(service())  # the reason stays at the desk
    return service()


def test_a_corrected_name_reaches_care_s_service_a_social_worker_asked_for_through_casework(centre):
    for service in ("intake", "casework", "care"):
        centre.start(service)
    leader, worker = centre.as_role("social_work_team_leader"), centre.as_login("t.nowicki")
    person_id = centre.register("Jan Wiśniewski", 5)
    case_id = centre.route(centre.talk(person_id), "casework", "mieszka sam po udarze").json()["case_id"]
    wait_for(lambda: leader.post("casework", f"/cases/{case_id}/assignment",
                                 {"worker": "Tomasz Nowicki", "on": TODAY}).status_code == 200,
             what="the case assigned in casework")
    worker.ok(worker.post("casework", f"/cases/{case_id}/service-requests", {
        "kind": "uslugi_opiekuncze", "urgent": False, "need": "nie wstaje sam z łóżka", "requested_on": TODAY}))
    service = renamed_in_care(centre, person_id, "Jan Wiśniewski", "Jan Wiśniewski-Kot")
    assert service["person"]["pesel"] == pesel_for(5) and service["case_id"] == case_id


def test_a_corrected_name_reaches_the_decisions_proceeding_and_the_issued_decision_keeps_its_party(centre):
    centre.start("intake")
    centre.start("decisions")
    desk = centre.desk
    officer, signatory = centre.as_role("benefit_officer"), centre.as_role("decision_signatory")
    person_id = centre.register("Ewa Kowal", 3)
    contact = centre.talk(person_id, help_requested=["zasilek_okresowy", "posilek"])
    desk.ok(centre.route(contact, "decisions", "wniosek o zasiłek okresowy"), 201)

    def proceedings():
        answer = officer.ok(officer.get("decisions", "/proceedings", params={"person_id": person_id}), 200)
        return answer["proceedings"]

    wait_for(lambda: len(proceedings()) == 2, what="the proceedings in decisions")
    # One of them is decided before the correction: its decision names the party as it then was.
    meal = next(p for p in proceedings() if p["benefit"] == "posilek")
    step = f"/proceedings/{meal['proceeding_id']}"
    officer.ok(officer.post("decisions", f"{step}/interview", {
        "held_on": TODAY, "household": [{"name": "Ewa Kowal"}], "incomes": []}), 200)
    officer.ok(officer.post("decisions", f"{step}/draft", {"outcome": "grant", "legal_basis": "art. 48 u.p.s.",
                                                           "period_from": TODAY, "on": TODAY}), 200)
    signatory.ok(signatory.post("decisions", f"{step}/signature", {"on": TODAY}), 200)

    desk.ok(desk.post("intake", f"/persons/{person_id}/corrections/identity",
                      {"full_name": "Ewa Kowalska", "reason": "nazwisko z dowodu osobistego", "corrected_on": TODAY}),
            200)
    wait_for(lambda: {p["person"]["full_name"] for p in proceedings()} == {"Ewa Kowalska"},
             what="the correction in decisions")
    for p in proceedings():
        assert p["person"]["pesel"] == pesel_for(3)
        assert p["person_corrections"] == [{"corrected": ["full_name"], "old": {"full_name": "Ewa Kowal"},
                                            "corrected_on": TODAY}]
        assert "dowodu" not in str(p)  # the reason stays at the desk
    decided = officer.ok(officer.get("decisions", step), 200)
    assert decided["decision"]["party"]["full_name"] == "Ewa Kowal"  # the decision is a document: as issued


def test_a_corrected_visit_reaches_training_s_care_hours_through_the_correction_event(centre):
    for service in ("intake", "care", "training"):
        centre.start(service)
    coordinator, signatory = centre.as_role("care_coordinator"), centre.as_role("decision_signatory")
    staff_officer = centre.as_role("staff_development_officer")
    contact = centre.talk(centre.register("Jan Wiśniewski", 4), help_requested=["uslugi_opiekuncze"])
    centre.desk.ok(centre.route(contact, "care", "nie wychodzi z domu"), 201)
    wait_for(lambda: coordinator.ok(coordinator.get("care", "/services"), 200)["services"],
             what="the request in care")
    [service] = coordinator.ok(coordinator.get("care", "/services"), 200)["services"]
    step = f"/services/{service['service_id']}"
    coordinator.ok(coordinator.post("care", f"{step}/assessment", {
        "assessed_on": "2026-11-05", "kind": "uslugi_opiekuncze", "activities": ["personal_care"],
        "hours_per_week": 4, "period_from": "2026-11-09", "period_to": "2027-02-28"}), 200)
    coordinator.ok(coordinator.post("care", f"{step}/income", {
        "members": 1, "monthly_income": "1600.00", "stated_on": "2026-11-05"}), 200)
    signatory.ok(signatory.post("care", f"{step}/decision", {"issued_on": "2026-11-06"}), 200)
    carers = {name: coordinator.ok(coordinator.post("care", "/carers", {"name": name, "employer": "staff"}))[
        "carer_id"] for name in ("Halina Kot", "Ewa Zastępcza")}
    coordinator.ok(coordinator.post("care", f"{step}/roster", {"carer_id": carers["Halina Kot"], "visits": [
        {"weekday": "mon", "hours": 2}, {"weekday": "thu", "hours": 2}]}), 200)
    for on in ("2026-11-09", "2026-11-12"):
        coordinator.ok(coordinator.post("care", f"{step}/visits", {
            "carer_id": carers["Halina Kot"], "on": on, "hours": 2, "activities": ["personal_care"]}), 200)

    def care_hours():
        report = staff_officer.ok(staff_officer.get("training", "/report",
                                                    params={"from": "2026-11-01", "to": "2026-11-30"}), 200)
        return {carer: Decimal(hours) for carer, hours in report["workload"]["care_hours_per_carer"].items()}

    wait_for(lambda: care_hours() == {"Halina Kot": 4}, what="the delivered hours in training")
    # The second visit was the substitute's, and 1 h: care corrects it, training's figures follow.
    coordinator.ok(coordinator.post("care", f"{step}/visits/correction", {
        "visit": 2, "carer_id": carers["Ewa Zastępcza"], "hours": "1", "reason": "karta pracy: zastępstwo",
        "corrected_on": "2026-11-20"}), 200)
    wait_for(lambda: care_hours() == {"Ewa Zastępcza": 1, "Halina Kot": 2}, what="the correction in training")


def test_the_desk_s_page_corrects_a_household_with_a_line_per_member(centre):
    """The person's page has the household's correction form (ops.js reads each line of a field
    marked data-type="records" as one member: name; relation; birth date; PESEL), filled with the
    household as it stands; what it sends is corrected, and the page then shows it."""
    centre.start("intake")
    desk = centre.desk
    person_id = centre.register("Anna Nowak", 6, household=[{"name": "Jan Nowak", "relation": "mąż"}])
    page = desk.http.get(f"{centre.url('gateway')}/osoba/{person_id}", timeout=10)
    assert page.status_code == 200, page.text
    form = page.text[page.text.index(f'data-api="/api/intake/persons/{person_id}/corrections/household"'):]
    form = form[:form.index("</form>")]
    assert 'data-type="records" data-fields="name relation birth_date:date pesel"' in form
    assert ">Jan Nowak; mąż; ; </textarea>" in form and 'name="reason"' in form and 'name="corrected_on"' in form

    why = {"reason": "córka mieszka z rodzicami (oświadczenie)", "corrected_on": TODAY}
    as_sent = {"household": [{"name": "Jan Nowak", "relation": "mąż"},
                             {"name": "Zofia Nowak", "relation": "córka", "birth_date": "2015-04-02"}], **why}
    wrong = desk.post("intake", f"/persons/{person_id}/corrections/household",
                      {**as_sent, "household": [{"name": "Zofia Nowak", "birth_date": "2015-13-02"}]})
    assert (wrong.status_code, wrong.json()["field"]) == (400, "household.birth_date")  # shown beside the lines
    corrected = desk.post("intake", f"/persons/{person_id}/corrections/household", as_sent)
    assert desk.ok(corrected, 200)["corrected"] == ["household"]
    page = desk.http.get(f"{centre.url('gateway')}/osoba/{person_id}", timeout=10).text
    assert "Zofia Nowak (córka)" in page and "Jan Nowak; mąż; ; \nZofia Nowak; córka; 02.04.2015; </textarea>" in page
