"""intake's application on both stores: what it stores and publishes, and what it refuses."""

from datetime import date
from uuid import uuid4

import pytest

from services.intake.application import (
    FirstContactNotFound,
    IntakeApplication,
    PersonNotFound,
)
from services.intake.domain import AlreadyRouted, InvalidPesel, UnknownTeam
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED

ON = date(2026, 11, 2)


@pytest.fixture
def intake(make_database_url, tmp_path):
    app = IntakeApplication(make_database_url("intake"), teams=["casework", "decisions"], secrets_dir=tmp_path)
    yield app
    app.close()


def register(intake, **overrides):
    fields = dict(registered_on=ON, name="Anna Nowak", pesel="85071512348",
                  household=[{"name": "Zofia Nowak", "birth_date": "2015-03-02", "relation": "córka"}])
    fields.update(overrides)
    return intake.register_person(**fields)


def published(intake):
    return intake.integration_envelopes(after=0, limit=100)[0]


def test_registering_publishes_only_that_a_client_was_registered(intake):
    person_id, new = register(intake)
    assert new
    [event] = published(intake)
    assert event.type == CLIENT_REGISTERED.type
    assert event.data == {"person_id": str(person_id), "registered_on": "2026-11-02"}


def test_the_same_pesel_finds_the_registered_person_and_stores_nothing_more(intake):
    person_id, _ = register(intake)
    position = intake.recorder.max_notification_id()
    assert register(intake, name="A. Nowak") == (person_id, False)
    assert intake.recorder.max_notification_id() == position
    assert intake.find_by_pesel("85071512348").name == "Anna Nowak"


def test_routing_publishes_to_the_team_its_identity_and_its_note_only(intake):
    person_id, _ = register(intake)
    contact_id = intake.record_first_contact(person_id, held_on=ON, officer="K. Zielińska",
                                             reasons_for_help=["bezrobocie"], help_requested=["zasilek_okresowy"],
                                             urgent=True, notes="straciła pracę")
    to_casework = intake.route_case(contact_id, "casework", "wsparcie rodziny", ON)
    to_decisions = intake.route_case(contact_id, "decisions", "wniosek o zasiłek okresowy", ON)
    casework_event, decisions_event = published(intake)[1:]
    assert casework_event.type == CASE_ROUTED["casework"].type
    assert casework_event.data["case_id"] == str(to_casework)
    assert casework_event.data["reasons_for_help"] == ["bezrobocie"]
    assert "help_requested" not in casework_event.data
    assert decisions_event.data["help_requested"] == ["zasilek_okresowy"]
    assert "reasons_for_help" not in decisions_event.data
    assert decisions_event.data["case_id"] == str(to_decisions)
    for event in (casework_event, decisions_event):
        assert "straciła" not in str(event.data) and "Zofia" not in str(event.data)
    assert [r["team"] for r in intake.routed_cases()] == ["casework", "decisions"]
    assert [r["case_id"] for r in intake.routed_cases("decisions")] == [to_decisions]


def test_refused_commands_leave_the_store_unchanged(intake):
    person_id, _ = register(intake)
    contact_id = intake.record_first_contact(person_id, held_on=ON, officer="K", reasons_for_help=["ubostwo"])
    intake.route_case(contact_id, "casework", "wsparcie", ON)
    position = intake.recorder.max_notification_id()
    with pytest.raises(InvalidPesel):
        register(intake, pesel="85071512349")
    with pytest.raises(UnknownTeam):
        intake.route_case(contact_id, "care", "usługi", ON)  # not a team of this centre
    with pytest.raises(AlreadyRouted):
        intake.route_case(contact_id, "casework", "znowu", ON)
    with pytest.raises(PersonNotFound):
        intake.record_first_contact(uuid4(), held_on=ON, officer="K", reasons_for_help=["ubostwo"])
    with pytest.raises(FirstContactNotFound):
        intake.route_case(uuid4(), "casework", "wsparcie", ON)
    assert intake.recorder.max_notification_id() == position


def test_people_are_found_by_any_part_of_their_name(intake):
    register(intake)
    register(intake, name="Jan Nowakowski", pesel="52030412357", household=[])
    assert sorted(p.name for p in intake.find_by_name("nowak")) == ["Anna Nowak", "Jan Nowakowski"]
    assert [p.name for p in intake.find_by_name("ANNA now")] == ["Anna Nowak"]
    assert intake.find_by_name("Kowalska") == []
    with pytest.raises(PersonNotFound):
        intake.find_by_name("  ")
