"""A person registered at first contact reaches social work: separate processes, real broker."""

import requests

from tests.support.centre import TODAY
from tests.support.people import LEADER, pesel_for
from tests.support.waiting import wait_for


def test_a_routed_case_opens_in_casework_with_only_what_the_contract_carries(centre):
    centre.start("intake")
    centre.start("casework")
    intake = centre.url("intake")
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
    case = requests.get(f"{centre.url('casework')}/cases/{to_casework}", headers={"X-Staff": LEADER},
                        timeout=10).json()
    assert case["person"] == {
        "full_name": "Anna Nowak", "birth_date": "1980-01-02", "pesel": pesel_for(1), "document_number": None,
        "address": {"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"},
        "contact": "+48 600 100 200",
    }
    assert case["reasons_for_help"] == ["bezrobocie"]
    assert case["routing_reason"] == "wsparcie w opiece nad córką"
    # Neither the household, nor the benefit asked for, nor intake's notes reach social work.
    assert "zasilek_okresowy" not in str(case) and "Zofia" not in str(case) and "sierpniu" not in str(case)

    routed = requests.get(f"{intake}/routed-cases", timeout=10).json()
    assert [(r["team"], r["full_name"]) for r in routed] == [("casework", "Anna Nowak"), ("decisions", "Anna Nowak")]
    assert requests.get(f"{intake}/persons", params={"name": "nowak anna"}, timeout=10).json()[0]["person_id"] == person_id
    assert requests.get(f"{intake}/persons", params={"pesel": pesel_for(1)}, timeout=10).json()[0]["household"][0][
        "name"] == "Zofia Nowak"


def test_bad_input_gets_a_named_error_and_changes_nothing(centre):
    centre.start("intake")
    intake = centre.url("intake")
    person_id = centre.register("Jan Wiśniewski", 2)
    contact_id = centre.talk(person_id)
    assert centre.route(contact_id).status_code == 201
    log_before = requests.get(f"{intake}/routed-cases", timeout=10).json()

    def refused(response, status, error):
        assert response.status_code == status, response.text
        assert response.json()["error"] == error
        assert response.json()["message"]

    refused(requests.post(f"{intake}/persons", json={"full_name": "X", "pesel": "85071512349",
                                                     "registered_on": TODAY}, timeout=10), 400, "InvalidPesel")
    refused(requests.post(f"{intake}/persons", json={"pesel": pesel_for(3), "registered_on": TODAY}, timeout=10),
            400, "MissingName")
    refused(requests.post(f"{intake}/persons", json={"full_name": "X", "registered_on": TODAY}, timeout=10),
            400, "MissingIdentifier")
    refused(requests.post(f"{intake}/persons", data="{not json", timeout=10), 400, "MalformedRequest")
    refused(centre.route(contact_id, "housing"), 400, "UnknownTeam")
    refused(centre.route(contact_id, "casework"), 400, "AlreadyRouted")
    refused(requests.post(f"{intake}/persons/{person_id}/first-contacts",
                          json={"held_on": TODAY, "officer": "K", "reasons_for_help": ["lenistwo"]}, timeout=10),
            400, "UnknownReasonForHelp")
    refused(requests.post(f"{intake}/persons/00000000-0000-0000-0000-000000000000/first-contacts",
                          json={"held_on": TODAY, "officer": "K", "reasons_for_help": ["ubostwo"]}, timeout=10),
            404, "PersonNotFound")
    refused(requests.get(f"{intake}/persons", params={"pesel": pesel_for(99)}, timeout=10), 404, "PersonNotFound")

    assert requests.get(f"{intake}/routed-cases", timeout=10).json() == log_before
    assert requests.get(f"{intake}/persons", params={"name": "X"}, timeout=10).json() == []
