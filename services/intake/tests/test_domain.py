"""First-contact rules: identity, the talk, routing. Every refusal leaves nothing behind."""

import uuid
from datetime import date, timedelta

import pytest

from services.intake.domain import (
    TalkBeforeRegistration,
    AlreadyRouted,
    FirstContact,
    IdentityDiffers,
    InvalidAddress,
    InvalidDate,
    InvalidPesel,
    MissingCorrectionReason,
    MissingIdentifier,
    MissingName,
    MissingOfficer,
    MissingReasonForHelp,
    MissingRoutingReason,
    NothingToCorrect,
    Person,
    PeselBirthDateMismatch,
    UnknownFormOfHelp,
    UnknownReasonForHelp,
    UnknownTeam,
    NAMESPACE,
    person_id_for,
    routing_id,
    validate_pesel,
)
from shared.values import TextTooLong
from tests.support.people import pesel_for

ON = date(2026, 11, 2)
TEAMS = {"casework", "decisions", "care"}
ANNA = "85071512348"  # born 1985-07-15
KEY = b"the centre's own key"


def register(**overrides):
    fields = dict(registered_on=ON, name="Anna Nowak", pesel=ANNA)
    fields.update(overrides)
    return Person.register(KEY, **fields)


def talk(**overrides):
    fields = dict(person=register(), held_on=ON, officer="K. Zielińska", reasons_for_help=["ubostwo"])
    fields.update(overrides)
    return FirstContact.record(**fields)


def test_a_person_with_pesel_gets_the_birth_date_it_encodes():
    person = register(name="  Anna   Nowak ")
    assert person.name == "Anna Nowak"
    assert person.birth_date == date(1985, 7, 15)
    assert person.id == person_id_for(KEY, pesel=ANNA)


def test_the_same_pesel_is_always_the_same_person():
    assert register().id == register(name="A. Nowak").id
    assert register().id != register(pesel=pesel_for(5)).id


def test_a_person_s_reference_gives_nothing_away_without_the_centre_s_key():
    # Anyone could compute a hash of the PESEL alone (as uuid5 of it once was) for every PESEL.
    anna = register().id
    assert anna not in {uuid.uuid5(namespace, f"pesel:{ANNA}") for namespace in (NAMESPACE, uuid.NAMESPACE_OID)}
    assert anna != person_id_for(b"another centre's key", pesel=ANNA)
    assert anna.version == 4  # looks like any random reference


@pytest.mark.parametrize("pesel", ["85071512349", "8507151234", "8507151234X", "00000000000x"])
def test_a_pesel_with_a_bad_check_digit_or_shape_is_refused(pesel):
    with pytest.raises(InvalidPesel):
        register(pesel=pesel)


def test_a_pesel_of_another_birth_date_is_refused_naming_neither_the_number_nor_the_dates():
    with pytest.raises(PeselBirthDateMismatch) as refused:
        register(birth_date=date(1985, 7, 16))
    assert "1985" not in str(refused.value) and ANNA not in str(refused.value)
    with pytest.raises(InvalidPesel) as refused:
        register(pesel="85071512349")
    assert "8507" not in str(refused.value)
    assert validate_pesel(" 8507 1512348 ", date(1985, 7, 15)) == ANNA


def test_a_person_without_pesel_is_known_by_a_document():
    person = register(pesel=None, document_number="fe 123 4567", birth_date=date(1990, 6, 11))
    assert person.document_number == "FE1234567"
    assert person.id == person_id_for(KEY, document_number="FE1234567")
    with pytest.raises(MissingIdentifier):
        register(pesel=None, document_number="  ")


@pytest.mark.parametrize("name", [None, "", "   "])
def test_a_name_is_required(name):
    with pytest.raises(MissingName):
        register(name=name)


def test_dates_must_be_dates_and_not_in_the_future():
    with pytest.raises(InvalidDate):
        register(registered_on="yesterday")
    with pytest.raises(InvalidDate):
        register(pesel=None, document_number="X1", birth_date=date(2027, 1, 1))


def test_address_needs_a_polish_postal_code():
    person = register(address={"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"})
    assert person.address == {"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"}
    with pytest.raises(InvalidAddress, match="NN-NNN"):
        register(address={"street": "ul. Grochowska 12/4", "postal_code": "04301", "city": "Warszawa"})
    with pytest.raises(InvalidAddress):
        register(address="Warszawa")


def test_household_members_are_checked_like_the_person():
    person = register(household=[{"name": "Zofia Nowak", "birth_date": "2015-03-02", "relation": "córka"},
                                 {"name": "Piotr Nowak", "pesel": pesel_for(7)}])
    assert person.household[0] == {"name": "Zofia Nowak", "birth_date": "2015-03-02", "pesel": None,
                                   "relation": "córka"}
    assert person.household[1]["birth_date"] == "1980-01-08"
    with pytest.raises(InvalidPesel):
        register(household=[{"name": "Zofia", "pesel": "12345678901"}])
    with pytest.raises(MissingName):
        register(household=[{"relation": "syn"}])


def test_a_first_contact_talk_records_art_7_reasons_and_art_36_forms():
    contact = talk(reasons_for_help=["bezrobocie", "bezrobocie", "ubostwo"], help_requested=["zasilek_okresowy"],
                   urgent=True)
    assert contact.reasons_for_help == ["bezrobocie", "ubostwo"]
    assert contact.help_requested == ["zasilek_okresowy"] and contact.urgent


@pytest.mark.parametrize(
    "overrides, error",
    [
        ({"reasons_for_help": ["lenistwo"]}, UnknownReasonForHelp),
        ({"reasons_for_help": []}, MissingReasonForHelp),
        ({"help_requested": ["mieszkanie_komunalne"]}, UnknownFormOfHelp),
        ({"officer": " "}, MissingOfficer),
        ({"held_on": "2026-13-01"}, InvalidDate),
        ({"held_on": "1900-01-01"}, TalkBeforeRegistration),  # before the person was registered
        ({"held_on": ON - timedelta(days=1)}, TalkBeforeRegistration),
    ],
)
def test_a_talk_outside_the_law_is_refused(overrides, error):
    with pytest.raises(error):
        talk(**overrides)


def test_a_case_is_routed_once_to_each_of_the_centres_teams():
    contact = talk()
    contact.route("casework", "wsparcie w opiece nad dziećmi", ON, TEAMS)
    contact.route("decisions", "wniosek o zasiłek", ON, TEAMS)
    assert contact.routed_teams == ["casework", "decisions"]
    assert contact.routing_id("casework") == routing_id(contact.id, "casework") != contact.routing_id("decisions")


@pytest.mark.parametrize(
    "team, reason, routed_on, error",
    [
        ("housing", "x", ON, UnknownTeam),
        ("care", "x", ON, UnknownTeam),  # a three-team centre has no separate care team
        ("casework", "  ", ON, MissingRoutingReason),
        ("casework", "x", date(2026, 11, 1), InvalidDate),
        ("casework", "x", "soon", InvalidDate),
    ],
)
def test_bad_routing_is_refused_and_leaves_the_case_as_it_was(team, reason, routed_on, error):
    contact = talk()
    contact.collect_events()
    with pytest.raises(error):
        contact.route(team, reason, routed_on, {"casework", "decisions"})
    assert contact.routed_teams == [] and contact.collect_events() == []


def test_routing_twice_to_the_same_team_is_refused():
    contact = talk()
    contact.route("casework", "x", ON, TEAMS)
    contact.collect_events()
    with pytest.raises(AlreadyRouted):
        contact.route("casework", "again", ON, TEAMS)
    assert contact.collect_events() == [] and contact.routed_teams == ["casework"]


# --- corrections ---------------------------------------------------------------------------------

def correct(person, kind, reason="literówka — dowód osobisty", by="K. Zielińska", on=ON, **values):
    return person.correct(kind, values, reason=reason, corrected_by=by, corrected_on=on)


def test_a_correction_is_an_event_with_the_old_value_who_when_and_why():
    person = register(contact="+48 600 100 200")
    assert correct(person, "identity", full_name="Anna Nowakowska") == ["full_name"]
    assert correct(person, "address", address={"street": "ul. Długa 1", "postal_code": "00-001", "city": "Kraków"},
                   reason="przeprowadzka") == ["address"]
    assert correct(person, "contact", contact="+48 600 999 999", reason="nowy numer") == ["contact"]
    assert correct(person, "household", household=[{"name": "Zofia Nowak", "relation": "córka"}],
                   reason="córka mieszka z matką") == ["household"]
    events = person.collect_events()
    assert [type(e).__name__ for e in events] == [
        "Registered", "IdentityCorrected", "AddressCorrected", "ContactCorrected", "HouseholdCorrected"]
    renamed = events[1]
    assert (renamed.old, renamed.new) == ({"full_name": "Anna Nowak"}, {"full_name": "Anna Nowakowska"})
    assert (renamed.reason, renamed.corrected_by, renamed.corrected_on) == ("literówka — dowód osobisty",
                                                                           "K. Zielińska", ON)
    assert events[3].old == {"contact": "+48 600 100 200"}
    assert person.name == "Anna Nowakowska" and person.contact == "+48 600 999 999"
    assert person.address["city"] == "Kraków" and person.household[0]["name"] == "Zofia Nowak"
    assert [c["kind"] for c in person.corrections] == ["identity", "address", "contact", "household"]
    assert person.id == person_id_for(KEY, pesel=ANNA)


def test_a_corrected_pesel_brings_its_birth_date_and_keeps_the_reference():
    person = register()
    assert correct(person, "identity", pesel=pesel_for(5)) == ["birth_date", "pesel"]
    assert person.pesel == pesel_for(5) and person.birth_date == date(1980, 1, 6)
    assert person.corrections[-1]["old"] == {"birth_date": date(1985, 7, 15), "pesel": ANNA}
    assert person.id == person_id_for(KEY, pesel=ANNA)


@pytest.mark.parametrize("kind, values, reason, error", [
    ("identity", {"full_name": "Anna Nowak"}, "x", NothingToCorrect),
    ("identity", {"full_name": " Anna   Nowak "}, "x", NothingToCorrect),
    ("identity", {}, "x", NothingToCorrect),
    ("contact", {"contact": None}, "x", NothingToCorrect),
    ("household", {"household": []}, "x", NothingToCorrect),
    ("identity", {"full_name": "Anna Nowakowska"}, "  ", MissingCorrectionReason),
    ("identity", {"full_name": "Anna Nowakowska"}, "x" * 5001, TextTooLong),
    ("identity", {"full_name": " "}, "x", MissingName),
    ("identity", {"pesel": "85071512349"}, "x", InvalidPesel),
    ("identity", {"birth_date": "1985-07-16"}, "x", PeselBirthDateMismatch),
    ("identity", {"pesel": pesel_for(5), "birth_date": "1985-07-15"}, "x", PeselBirthDateMismatch),
    ("address", {"address": {"street": "ul. Długa 1", "postal_code": "00001", "city": "Kraków"}}, "x",
     InvalidAddress),
    ("household", {"household": [{"relation": "córka"}]}, "x", MissingName),
])
def test_a_correction_that_changes_nothing_or_breaks_a_rule_is_refused_and_leaves_no_event(kind, values, reason,
                                                                                            error):
    person = register()
    with pytest.raises(error):
        correct(person, kind, reason=reason, **values)
    assert len(person.collect_events()) == 1 and person.name == "Anna Nowak" and person.corrections == []


def test_a_correction_has_an_author_and_a_date_not_before_the_registration():
    with pytest.raises(MissingOfficer):
        correct(register(), "identity", by=" ", full_name="Anna Nowakowska")
    with pytest.raises(InvalidDate):
        correct(register(), "identity", on=date(2026, 11, 1), full_name="Anna Nowakowska")


def test_a_person_without_pesel_may_get_one_but_keeps_an_identifier():
    person = register(pesel=None, document_number="ABC 123456", birth_date=date(1980, 1, 2))
    assert correct(person, "identity", pesel=pesel_for(1)) == ["pesel"]
    with pytest.raises(MissingIdentifier):
        correct(register(pesel=None, document_number="ABC123456"), "identity", document_number="")


def test_a_second_registration_differs_only_in_the_fields_it_gives():
    registered = register(address={"street": "ul. Długa 1", "postal_code": "00-001", "city": "Kraków"})
    assert registered.differences(register()) == []
    assert registered.differences(register(name="Anna Nowakowska", contact="+48 600")) == ["full_name", "contact"]
    error = IdentityDiffers(registered.id, ["full_name", "contact"])
    assert (error.field, error.fields) == ("full_name", ["full_name", "contact"])
    assert "Nowak" not in str(error) and "Nowak" not in error.polish and "imię i nazwisko" in error.polish
