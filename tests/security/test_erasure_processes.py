"""Erasure through the running services, as the operator does it (docs/architecture.md, "Erasure"):
a person registered and routed at the desk, erased at first contact by the operator's request at
the end of the retention period. Afterwards neither intake's database files, nor any service's
log line, nor a dead letter shows the person's name, PESEL or the first contact's notes; social
work, whose own period is not over (the case is open), keeps its file and says so in no log line
either."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.people import pesel_for
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

NAME, SURNAME = "Anna Przybyszewska", "Przybyszewska"
NOTES = "Mieszka u siostry od marca"
GROUND = "JRWA BE10: okres przechowywania upłynął"
ON = "2014-03-03"


def _consumer_of_intake(centre) -> dict:
    return requests.get(f"{centre.url('casework')}/health", timeout=10).json()["consumer of intake"]


def test_the_operator_erases_a_person_and_nothing_shows_them_afterwards(centre):
    centre.start("intake")
    centre.start("casework")
    desk, pesel = centre.desk, pesel_for(31)
    person_id = centre.desk.ok(desk.post("intake", "/persons", {"full_name": NAME, "pesel": pesel,
                                                                "registered_on": ON}), 201)["person_id"]
    contact_id = centre.talk(person_id, held_on=ON, notes=NOTES)
    desk.ok(desk.post("intake", f"/first-contacts/{contact_id}/routings",
                      {"team": "casework", "reason": f"{SURNAME}: {NOTES}", "routed_on": ON}), 201)
    wait_for(lambda: len(centre.open_cases()) == 1, what="the case open at social work")

    operator = centre.as_role("operator")
    erased = operator.post("intake", f"/persons/{person_id}/erasure", {"ground": GROUND, "erased_on": "2025-06-01"})
    assert erased.status_code == 200, erased.text
    wait_for(lambda: _consumer_of_intake(centre)["handled"] == 2, what="social work given intake's notice")
    assert _consumer_of_intake(centre)["dead_lettered"] == 0
    # intake answers for the person by reference only now
    assert desk.get("intake", f"/persons/{person_id}").json().get("full_name") in (None, "")
    assert [c["person_id"] for c in centre.open_cases()] == [person_id]  # social work's period is not over
    for process in centre.processes.values():
        process.stop()

    secrets = [NAME, SURNAME, pesel, NOTES]
    for service in ("intake", "gateway"):  # the gateway keeps accounts and sessions, never a person
        path = Path(centre.database_urls[service].removeprefix("sqlite:///"))
        stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert not [s for s in secrets if s.encode() in stored], f"{service}'s database still shows the person"
    for service in ("intake", "casework", "gateway"):
        text = (centre.data_dir / f"{service}.log").read_text()
        assert text and not [s for s in secrets if s in text], f"{service} logged the person's data"
