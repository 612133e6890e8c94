"""A person's key is made in the transaction of the first events it seals (docs/architecture.md,
"Erasure"): no key without its events, one commit for a person's first save, and two processes
saving a person's first events at the same moment both end with the one key kept."""

from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.persistence import IntegrityError

from services.intake.application import IntakeApplication
from services.intake.domain import FirstContact, Person
from tests.support.people import pesel_for

ON = date(2026, 3, 2)


def _person(intake: IntakeApplication, number: int, name: str = "Anna Przybyszewska") -> Person:
    return Person.register(intake.person_id_key, registered_on=ON, name=name, pesel=pesel_for(number))


def _talk(person: Person) -> FirstContact:
    return FirstContact.record(person=person, held_on=ON, officer="Katarzyna Zielińska",
                               reasons_for_help=["ubostwo"], help_requested=["praca_socjalna"], notes="Mieszka sama")


@pytest.fixture
def intake(make_database_url, tmp_path):
    app = IntakeApplication(make_database_url("intake"), secrets_dir=tmp_path)
    yield app
    app.close()


def test_a_first_save_that_fails_leaves_no_key_and_the_next_one_makes_it(intake):
    intake.save(_person(intake, 1))
    newcomer = _person(intake, 2, "Jan Nowak")
    with pytest.raises(IntegrityError):  # the same person registered again in the same save
        intake.save(newcomer, _person(intake, 1))
    assert intake.mapper.keys.state(newcomer.id) is None  # no key kept for events never stored

    intake.save(_person(intake, 2, "Jan Nowak"))  # the failed save took the first one's pending events
    assert intake.mapper.keys.state(newcomer.id) == "kept"
    assert intake.repository.get(newcomer.id).name == "Jan Nowak"


def test_two_processes_saving_a_person_s_first_events_at_once_keep_one_key(make_database_url, tmp_path):
    url = make_database_url("intake")
    here, there = (IntakeApplication(url, secrets_dir=tmp_path) for _ in range(2))
    try:
        person = _person(here, 3)
        talk = _talk(person)
        made_here = here.mapper.keys._new_key

        def racing(person_id, **kwargs):
            # Between this process finding no key and its save committing, the other process's first
            # save of the same person commits its own key.
            if not there.mapper.keys.state(person_id):
                there.save(person)
            return made_here(person_id, **kwargs)

        here.mapper.keys._new_key = racing
        here.save(talk)  # the talk's own first save: its new key lost, saved again under the one kept

        for reader in (here, there, IntakeApplication(url, secrets_dir=tmp_path)):
            assert reader.repository.get(talk.id).notes == "Mieszka sama"
            assert reader.repository.get(person.id).name == "Anna Przybyszewska"
    finally:
        here.close()
        there.close()
