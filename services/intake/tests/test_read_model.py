"""intake's read model on both stores: its rows follow the log, its pages neither repeat nor skip a
person while others register, and after a restart it answers from its tables."""

from datetime import date

import pytest
from eventsourcing.persistence import Tracking

from services.intake.application import IntakeApplication
from services.intake.read_model import IntakeReadModel, SearchTooShort
from shared.store import sqlite_path
from tests.support.people import LEADER, pesel_for

ON = date(2026, 11, 2)


def open_intake(url, tmp_path):
    return IntakeApplication(url, teams=["casework", "decisions"], secrets_dir=tmp_path)


def register(intake, name, number):
    return intake.register_person(registered_on=ON, name=name, pesel=pesel_for(number))[0]


def test_a_person_registered_is_found_and_a_correction_changes_the_row(make_database_url, tmp_path):
    intake = open_intake(make_database_url("intake"), tmp_path)
    person_id = register(intake, "Anna Nowak", 1)
    contact_id = intake.record_first_contact(person_id, held_on=ON, officer="K", reasons_for_help=["bezrobocie"])
    intake.route_case(contact_id, "casework", "wsparcie", ON)
    assert intake.read_model.persons_named(["nowak"], 10, None) == ([person_id], None)
    intake.correct_person(person_id, "identity", corrected_by="K", reason="ślub", corrected_on=ON,
                          full_name="Anna Wiśniewska")
    assert intake.read_model.persons_named(["nowak"], 10, None) == ([], None)
    assert intake.read_model.persons_named(["WIŚNIEWSKA"], 10, None) == ([person_id], None)
    assert [r["full_name"] for r in intake.routed_cases()["routings"]] == ["Anna Wiśniewska"]
    assert intake.read_model.persons_named(["100%"], 10, None) == ([], None)  # a wildcard is a character
    assert "Nowak" not in str(intake.read_model.view.rows("SELECT * FROM intake_persons"))  # sealed
    intake.close()


def test_pages_neither_repeat_nor_skip_while_people_register(make_database_url, tmp_path):
    intake = open_intake(make_database_url("intake"), tmp_path)
    there = {register(intake, f"Jan Kowal{letter}", n) for n, letter in enumerate("bdfhjlnprt", start=1)}
    seen, after, number = [], None, 100
    while True:
        found, after = intake.find_by_name("kowal", limit=3, after=after)
        seen += [p.id for p in found]
        for letter in "az":  # one before every page read so far, one after
            number += 1
            register(intake, f"Jan Kowal{letter}{number}", number)
        if after is None:
            break
    assert len(seen) == len(set(seen)) and there <= set(seen)
    routings, after, number = [], None, 200
    for person_id in list(there)[:5]:
        contact_id = intake.record_first_contact(person_id, held_on=ON, officer="K", reasons_for_help=["bezrobocie"])
        intake.route_case(contact_id, "casework", "wsparcie", ON)
    while True:
        answer = intake.routed_cases(limit=2, after=after)
        routings += [r["case_id"] for r in answer["routings"]]
        number += 1
        contact_id = intake.record_first_contact(register(intake, f"Ola Nowa {number}", number), held_on=ON,
                                                 officer="K", reasons_for_help=["bezrobocie"])
        intake.route_case(contact_id, "decisions", "zasiłek", ON)  # newer than every page read
        if answer["next_after"] is None:
            break
        after = answer["next_after"]
    assert len(routings) == len(set(routings)) == 5
    intake.close()


def test_after_a_restart_the_first_query_answers_from_the_tables(make_database_url, tmp_path, monkeypatch):
    url = make_database_url("intake")
    intake = open_intake(url, tmp_path)
    person_id = register(intake, "Anna Nowak", 1)
    assert intake.find_by_name("nowak")[0][0].id == person_id
    position = intake.recorder.max_notification_id()  # the query's catch-up went to the log's head
    intake.close()

    def replayed(*_):
        raise AssertionError("the log was replayed")

    again = open_intake(url, tmp_path)
    assert again.read_model.view.max_tracking_id("intake") == position  # kept in the database
    monkeypatch.setattr(IntakeReadModel, "changes", replayed)
    assert [p.id for p in again.find_by_name("nowak")[0]] == [person_id]
    again.close()


def test_the_view_s_position_moves_past_other_topics_events(make_database_url, tmp_path):
    intake = open_intake(make_database_url("intake"), tmp_path)
    person_id = register(intake, "Anna Nowak", 1)
    assert intake.read_model.current().max_tracking_id("intake") == intake.recorder.max_notification_id()
    for _ in range(3):
        intake.person(person_id, reader=LEADER)  # a read of the file: an event of the access log
    head = intake.recorder.max_notification_id()
    assert intake.read_model.current().max_tracking_id("intake") == head - 3  # too few to write for
    assert intake.read_model.current(page=3).max_tracking_id("intake") == head  # a page's worth: moved past
    intake.close()


def test_a_search_shows_only_names_holding_every_word_and_needs_three_characters(make_database_url, tmp_path):
    intake = open_intake(make_database_url("intake"), tmp_path)
    kowalski = register(intake, "Jan Kowalski", 1)
    for number in range(2, 9):  # every part of "kowal" in their index, the word in none of their names
        register(intake, f"Kowa Walenty {number}", number)
    found, after, pages = [], None, 0
    while True:
        ids, after = intake.read_model.persons_named(["kowal"], 1, after)
        found, pages = found + ids, pages + 1
        if after is None:
            break
    assert found == [kowalski]
    assert intake.read_model.persons_named(["jan", "KOWALS"], 10, None) == ([kowalski], None)
    assert intake.read_model.persons_named(["j", "kowal"], 10, None) == ([kowalski], None)  # a short word checked
    for short in (["ko"], ["j", "k"]):
        with pytest.raises(SearchTooShort):
            intake.read_model.persons_named(short, 10, None)
    intake.close()


def test_a_page_is_shown_by_name_and_pages_neither_repeat_nor_skip(make_database_url, tmp_path):
    intake = open_intake(make_database_url("intake"), tmp_path)
    there = {register(intake, f"{first} Nowak", n) for n, first in enumerate("Zofia Anna Ewa Maria Ola".split(), 1)}
    ids, after = intake.read_model.persons_named(["nowak"], 5, None)
    assert after is None and set(ids) == there
    assert [p.name for p in intake.find_by_name("nowak")[0]] == sorted(p.name for p in intake.find_by_name("nowak")[0])
    seen, after = [], None
    while True:
        ids, after = intake.read_model.persons_named(["nowak"], 2, after)
        seen += ids
        if after is None:
            break
    assert sorted(seen) == sorted(there)
    intake.close()


def test_a_view_built_in_clear_is_rebuilt_sealed_once(make_database_url, tmp_path):
    url = make_database_url("intake")
    intake = open_intake(url, tmp_path)
    person_id = register(intake, "Anna Przybyszewska", 1)
    head = intake.recorder.max_notification_id()
    view = intake.read_model.current()
    # What a view of the version before holds: names in clear, no version row, its position at the head.
    view.record([("DROP TABLE view_versions", {}), ("DROP TABLE intake_persons", {}),
                 ("CREATE TABLE intake_persons (person_id TEXT PRIMARY KEY, full_name TEXT NOT NULL, "
                  "folded TEXT NOT NULL)", {}),
                 ("INSERT INTO intake_persons VALUES (:id, 'Anna Przybyszewska', 'anna przybyszewska')",
                  {"id": str(person_id)})], Tracking("intake", head + 1))
    intake.close()

    again = open_intake(url, tmp_path)
    assert again.read_model.view.max_tracking_id("intake") is None  # dropped: the next read rebuilds it
    assert again.read_model.persons_named(["przybysz"], 10, None) == ([person_id], None)
    assert "Przybyszewska" not in str(again.read_model.view.rows("SELECT * FROM intake_persons"))
    path = sqlite_path(url)
    if path is not None:
        assert b"Przybyszewska" not in b"".join(f.read_bytes() for f in path.parent.glob(path.name + "*"))
    again.close()
    third = open_intake(url, tmp_path)
    assert third.read_model.view.max_tracking_id("intake") == head  # rebuilt once: kept since
    third.close()
