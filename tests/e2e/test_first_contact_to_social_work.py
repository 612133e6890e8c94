"""A person registered at first contact reaches social work: separate processes, real broker,
everyone signed in at the gateway."""

import requests

from tests.support.centre import TODAY
from tests.support.people import pesel_for
from tests.support.waiting import wait_for


def test_a_routed_case_opens_in_casework_with_only_what_the_contract_carries(centre):
    centre.start("intake")
    centre.start("casework")
    desk, leader = centre.desk, centre.as_role("social_work_team_leader")
    person_id = centre.register(
        "Anna Nowak", 1,
        address={"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"},
        contact="+48 600 100 200",
        household=[{"name": "Zofia Nowak", "birth_date": "2015-03-02", "relation": "córka"}],
    )
    contact_id = centre.talk(person_id, reasons_for_help=["bezrobocie"], help_requested=["zasilek_okresowy"],
                             urgent=True, notes="straciła pracę w sierpniu")
    to_casework = centre.route(contact_id, "casework", "wsparcie w opiece nad córką").json()["case_id"]
    assert centre.route(contact_id, "decisions", "wniosek o zasiłek okresowy").status_code == 201

    wait_for(lambda: len(centre.open_cases()) == 1, what="the case in casework")
    [opened] = centre.open_cases()
    assert opened["case_id"] == to_casework and opened["urgent"] is True
    case = leader.ok(leader.get("casework", f"/cases/{to_casework}"), 200)
    assert case["person"] == {
        "full_name": "Anna Nowak", "birth_date": "1980-01-02", "pesel": pesel_for(1), "document_number": None,
        "address": {"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"},
        "contact": "+48 600 100 200",
    }
    assert case["reasons_for_help"] == ["bezrobocie"]
    assert case["routing_reason"] == "wsparcie w opiece nad córką"
    # Neither the household, nor the benefit asked for, nor intake's notes reach social work.
    assert "zasilek_okresowy" not in str(case) and "Zofia" not in str(case) and "sierpniu" not in str(case)

    routed = desk.ok(desk.get("intake", "/routed-cases"), 200)
    assert [(r["team"], r["full_name"]) for r in routed["routings"]] == [  # newest first
        ("decisions", "Anna Nowak"), ("casework", "Anna Nowak")]
    assert desk.ok(desk.get("intake", "/routed-cases?team=casework&limit=1"), 200)["next_after"] is None
    assert desk.ok(desk.post("intake", "/persons/search", {"name": "nowak anna"}), 200)["persons"][0][
        "person_id"] == person_id
    assert desk.ok(desk.post("intake", "/persons/search", {"pesel": pesel_for(1)}), 200)["persons"][0][
        "household"][0]["name"] == "Zofia Nowak"
    # The other teams' staff do not open the register, even by typing the address.
    for role in ("social_worker", "benefit_officer", "director", "operator"):
        assert centre.as_role(role).get("intake", f"/persons/{person_id}").status_code == 403


def test_bad_input_gets_a_named_error_and_changes_nothing(centre):
    centre.start("intake")
    desk = centre.desk
    person_id = centre.register("Jan Wiśniewski", 2)
    contact_id = centre.talk(person_id)
    assert centre.route(contact_id).status_code == 201
    log_before = desk.ok(desk.get("intake", "/routed-cases"), 200)

    def refused(response, status, error, field=None):
        assert response.status_code == status, response.text
        assert response.json()["error"] == error
        assert response.json()["message"]
        assert response.json().get("field") == field  # what a page shows the error beside

    refused(desk.post("intake", "/persons", {"full_name": "X", "pesel": "85071512349", "registered_on": TODAY}),
            400, "InvalidPesel", "pesel")
    refused(desk.post("intake", "/persons", {"pesel": pesel_for(3), "registered_on": TODAY}), 400, "MissingName",
            "full_name")
    refused(desk.post("intake", "/persons", {"full_name": "X", "registered_on": TODAY}), 400, "MissingIdentifier",
            "pesel")
    refused(desk.http.post(desk.url("intake", "/persons"), data="{not json", timeout=10), 400, "MalformedRequest")
    refused(centre.route(contact_id, "housing"), 400, "InvalidRequest", "team")
    refused(centre.route(contact_id, "casework"), 400, "AlreadyRouted")
    refused(desk.post("intake", f"/persons/{person_id}/first-contacts",
                      {"held_on": TODAY, "reasons_for_help": ["lenistwo"]}), 400, "InvalidRequest",
            "reasons_for_help")
    refused(desk.post("intake", "/persons/00000000-0000-0000-0000-000000000000/first-contacts",
                      {"held_on": TODAY, "reasons_for_help": ["ubostwo"]}), 404, "PersonNotFound")
    refused(desk.post("intake", "/persons/search", {"pesel": pesel_for(99)}), 404, "PersonNotFound")
    refused(desk.get("intake", "/nowhere"), 404, "NoSuchPath")

    # What the published schema refuses (issue 14's finds at the desk): each names its field, in
    # English and in Polish, and nothing is stored.
    talk = f"/persons/{person_id}/first-contacts"
    for path, body, field in [
        (talk, {"held_on": TODAY, "urgent": "false"}, "urgent"),  # a string is not a no
        ("/persons", {"full_name": "X", "pesel": pesel_for(4), "contact": {"tel": 1}, "registered_on": TODAY},
         "contact"),
        ("/persons", {"full_name": "X", "document_number": 12345, "registered_on": TODAY}, "document_number"),
        ("/persons", {"full_name": {"first": "X"}, "pesel": pesel_for(4), "registered_on": TODAY}, "full_name"),
        ("/persons", {"full_name": "X", "pesel": pesel_for(4), "registered_on": "2026-13-45"}, "registered_on"),
        ("/persons", {"full_name": "X", "pesel": pesel_for(4), "registered_on": "9999-12-31"}, "registered_on"),
        ("/persons", {"full_name": "X", "pesel": pesel_for(4), "registered_on": "0001-01-01"}, "registered_on"),
        ("/persons", {"full_name": "X", "pesel": pesel_for(4), "registered_on": TODAY, "nmae": "Y"}, "nmae"),
        ("/persons", {"full_name": "X" * 201, "pesel": pesel_for(4), "registered_on": TODAY}, "full_name"),
        (f"/first-contacts/{contact_id}/routings", {"team": ["casework"], "routed_on": TODAY}, "team"),
        (talk, {"held_on": TODAY, "help_requested": "posilek"}, "help_requested"),
    ]:
        answer = desk.post("intake", path, body)
        refused(answer, 400, "InvalidRequest", field)
        assert answer.json()["message_pl"], body
    refused(desk.post("intake", talk, {"held_on": "1900-01-02", "reasons_for_help": ["ubostwo"]}), 400,
            "TalkBeforeRegistration", "held_on")
    refused(desk.post("intake", "/persons", {"full_name": "Anna\u0000Nowak", "pesel": pesel_for(4),
                                             "registered_on": TODAY}), 400, "ControlCharacters")
    deep = "[" * 100_000 + "]" * 100_000
    refused(desk.http.post(desk.url("intake", "/persons"), data=deep, timeout=10), 400, "MalformedRequest")
    document = requests.get(f"{centre.url('intake')}/openapi.json", timeout=10).json()
    assert document["paths"]["/persons"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"]["registered_on"]["format"] == "date"
    assert document["paths"]["/persons/{person_id}"]["get"]["x-roles"] == ["first_contact_officer"]

    assert desk.ok(desk.get("intake", "/routed-cases"), 200) == log_before
    refused(desk.post("intake", "/persons/search", {"name": "X"}), 400, "SearchTooShort")  # under 3 characters
    assert desk.ok(desk.post("intake", "/persons/search", {"name": "Xyz"}), 200) == {"persons": [], "next_after": None}
    refused(desk.get("intake", "/routed-cases?limit=0"), 400, "InvalidRequest", "limit")
    refused(desk.get("intake", "/routed-cases?after=not-a-cursor"), 400, "UnknownCursor")
