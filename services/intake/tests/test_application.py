"""intake's application on both stores: what it stores and publishes, and what it refuses."""

from datetime import date
from uuid import uuid4

import pytest

from services.intake.application import (
    FirstContactNotFound,
    IntakeApplication,
    PersonNotFound,
)
from services.intake.domain import (
    AlreadyRouted,
    IdentifierTaken,
    IdentityDiffers,
    InvalidPesel,
    NothingToCorrect,
    UnknownTeam,
    person_id_for,
)
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED, PERSON_CORRECTED
from tests.support.people import pesel_for

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
    assert register(intake) == (person_id, False)
    assert register(intake, household=[]) == (person_id, False)  # what it leaves out is no difference
    assert intake.recorder.max_notification_id() == position
    assert intake.find_by_pesel("85071512348").name == "Anna Nowak"


def test_the_same_pesel_with_other_identity_data_answers_the_difference_and_stores_nothing(intake):
    person_id, _ = register(intake, contact="+48 600 100 200")
    position = intake.recorder.max_notification_id()
    with pytest.raises(IdentityDiffers) as refused:
        register(intake, name="A. Nowak", contact="+48 600 999 999")
    assert refused.value.person_id == person_id
    assert refused.value.fields == ["full_name", "contact"]
    assert "Nowak" not in str(refused.value) and "600 100" not in str(refused.value) and "600 999" not in str(refused.value)
    assert intake.recorder.max_notification_id() == position
    assert intake.person(person_id).name == "Anna Nowak"


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
    assert [r["team"] for r in intake.routed_cases()["routings"]] == ["decisions", "casework"]  # newest first
    assert [r["case_id"] for r in intake.routed_cases("decisions")["routings"]] == [to_decisions]


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
    assert [p.name for p in intake.find_by_name("nowak")[0]] == ["Anna Nowak", "Jan Nowakowski"]
    assert [p.name for p in intake.find_by_name("ANNA now")[0]] == ["Anna Nowak"]
    assert intake.find_by_name("Kowalska") == ([], None)
    with pytest.raises(PersonNotFound):
        intake.find_by_name("  ")


# --- corrections ---------------------------------------------------------------------------------

def correct(intake, person_id, kind, **values):
    return intake.correct_person(person_id, kind, corrected_by="K. Zielińska", reason="dowód osobisty",
                                 corrected_on=ON, **values)


def routed_to(intake, person_id, *teams):
    contact_id = intake.record_first_contact(person_id, held_on=ON, officer="K", reasons_for_help=["ubostwo"],
                                             help_requested=["posilek"])
    return [intake.route_case(contact_id, team, "wsparcie", ON) for team in teams]


def test_a_corrected_identity_goes_to_each_team_a_case_was_routed_to_and_no_other(intake):
    person_id, _ = register(intake, address={"street": "ul. Długa 1", "postal_code": "00-001", "city": "Kraków"})
    routed_to(intake, person_id, "casework")
    other, _ = register(intake, name="Jan Kowalski", pesel=pesel_for(2), household=[])
    assert correct(intake, other, "contact", contact="+48 600") == ["contact"]  # never routed: nobody hears
    assert correct(intake, person_id, "identity", full_name="Anna Nowakowska") == ["full_name"]
    assert correct(intake, person_id, "household", household=[]) == ["household"]  # no team had it
    assert correct(intake, person_id, "contact", contact="+48 600 999 999") == ["contact"]
    corrections = [e for e in published(intake) if e.type.startswith("pl.ops.intake.PersonCorrected")]
    assert [(e.type, e.data["corrected"]) for e in corrections] == [
        (PERSON_CORRECTED["casework"].type, ["full_name"]), (PERSON_CORRECTED["casework"].type, ["contact"])]
    assert corrections[1].data == {
        "person_id": str(person_id), "corrected_on": "2026-11-02", "corrected": ["contact"],
        "full_name": "Anna Nowakowska", "birth_date": "1985-07-15", "pesel": "85071512348", "document_number": None,
        "address": {"street": "ul. Długa 1", "postal_code": "00-001", "city": "Kraków"},
        "contact": "+48 600 999 999"}
    assert "dowód" not in str(corrections) and "Zofia" not in str(corrections)
    # The register and its lists say the name as it is now; the person's history, how it was.
    assert [p.id for p in intake.find_by_name("nowakowska")[0]] == [person_id]
    assert intake.find_by_name("anna nowak ") == intake.find_by_name("nowakowska")
    assert [r["full_name"] for r in intake.routed_cases()["routings"]] == ["Anna Nowakowska"]
    [renamed, _, _] = intake.person(person_id).corrections
    assert (renamed["old"], renamed["new"], renamed["corrected_by"]) == (
        {"full_name": "Anna Nowak"}, {"full_name": "Anna Nowakowska"}, "K. Zielińska")


def test_a_correction_that_changes_nothing_stores_nothing(intake):
    person_id, _ = register(intake)
    routed_to(intake, person_id, "casework", "decisions")
    position = intake.recorder.max_notification_id()
    with pytest.raises(NothingToCorrect):
        correct(intake, person_id, "identity", full_name="Anna Nowak")
    with pytest.raises(PersonNotFound):
        correct(intake, uuid4(), "identity", full_name="Anna Nowak")
    assert intake.recorder.max_notification_id() == position


def test_a_corrected_pesel_finds_the_same_person_and_frees_the_wrong_one_for_its_owner(intake):
    person_id, _ = register(intake)
    [case_id] = routed_to(intake, person_id, "decisions")
    correct(intake, person_id, "identity", pesel=pesel_for(5))
    assert intake.find_by_pesel(pesel_for(5)).id == person_id
    with pytest.raises(PersonNotFound):
        intake.find_by_pesel("85071512348")
    assert register(intake, pesel=pesel_for(5), household=[]) == (person_id, False)
    [event] = [e for e in published(intake) if e.type == PERSON_CORRECTED["decisions"].type]
    assert (event.data["person_id"], event.data["pesel"], event.data["birth_date"]) == (
        str(person_id), pesel_for(5), "1980-01-06")
    assert event.data["corrected"] == ["birth_date", "pesel"]
    # The wrong PESEL's owner registers: a person of their own, with a reference of their own.
    owner, new = register(intake, name="Ewa Nowak", household=[])
    assert new and owner != person_id and intake.find_by_pesel("85071512348").id == owner
    assert intake.person(person_id).name == "Anna Nowak"
    # Back to the first PESEL: taken now, by its owner.
    with pytest.raises(IdentifierTaken):
        correct(intake, person_id, "identity", pesel="85071512348")
    assert register(intake, name="Ewa Nowak", household=[]) == (owner, False)
    assert person_id == person_id_for(intake.person_id_key, pesel="85071512348")
    assert case_id in [r["case_id"] for r in intake.routed_cases()["routings"]]


def test_a_pesel_another_person_holds_is_refused(intake):
    person_id, _ = register(intake)
    register(intake, name="Jan Kowalski", pesel=pesel_for(2), household=[])
    position = intake.recorder.max_notification_id()
    with pytest.raises(IdentifierTaken):
        correct(intake, person_id, "identity", pesel=pesel_for(2))
    assert intake.recorder.max_notification_id() == position


def test_a_correction_that_races_another_is_made_again_on_what_the_other_stored(intake, monkeypatch):
    person_id, _ = register(intake)
    move, raced = intake._move_identifier, []

    def racing(person, *before):  # another desk's correction is saved between this one's read and its save
        if not raced:
            raced.append(person.id)
            correct(intake, person_id, "contact", contact="+48 600 100 200")
        return move(person, *before)

    monkeypatch.setattr(intake, "_move_identifier", racing)
    assert correct(intake, person_id, "identity", full_name="Anna Nowakowska") == ["full_name"]
    person = intake.person(person_id)
    assert (person.name, person.contact) == ("Anna Nowakowska", "+48 600 100 200")
    assert [c["kind"] for c in person.corrections] == ["contact", "identity"]


def test_a_correction_saved_while_a_case_is_routed_still_reaches_that_team(intake, monkeypatch):
    person_id, _ = register(intake)
    contact_id = intake.record_first_contact(person_id, held_on=ON, officer="K", reasons_for_help=["ubostwo"])
    publish, raced = intake.integration_event, []

    def racing(contract, data):  # the desk corrects the name after the routing read the person, before it saved
        if contract is CASE_ROUTED["casework"] and not raced:
            raced.append(contract)
            correct(intake, person_id, "identity", full_name="Anna Nowakowska")
        return publish(contract, data)

    monkeypatch.setattr(intake, "integration_event", racing)
    intake.route_case(contact_id, "casework", "wsparcie", ON)
    routing, correction = published(intake)[1:]
    assert (routing.type, routing.data["full_name"]) == (CASE_ROUTED["casework"].type, "Anna Nowak")
    assert (correction.type, correction.data["full_name"]) == (PERSON_CORRECTED["casework"].type, "Anna Nowakowska")
    assert correction.data["corrected"] == ["full_name"]
