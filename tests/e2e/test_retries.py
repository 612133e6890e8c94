"""Safe retries through the gateway, against real processes: a desk whose answer was lost sends
the same command again with the same Idempotency-Key and gets the first answer, with nothing
done twice, also after the service was killed between the two; the same key with another
request is refused; requests racing with one key carry the command out once."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.centre import TODAY
from tests.support.people import pesel_for

pytestmark = [pytest.mark.slow]


def with_key(key: str) -> dict:
    return {"headers": {"Idempotency-Key": key}}


def test_a_command_sent_again_with_its_key_is_carried_out_once(centre):
    centre.start("intake")
    desk = centre.desk
    person_id = centre.register("Maria Retry", 901)
    talk = {"held_on": TODAY, "reasons_for_help": ["ubostwo"], "help_requested": ["praca_socjalna"]}
    key = str(uuid.uuid4())

    intake = centre.processes["intake"]
    first = desk.post("intake", f"/persons/{person_id}/first-contacts", talk, **with_key(key))
    head = intake.health()["store"]["head"]
    again = desk.post("intake", f"/persons/{person_id}/first-contacts", talk, **with_key(key))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert intake.health()["store"]["head"] == head  # the talk is stored once: the retry stored nothing

    other = desk.post("intake", f"/persons/{person_id}/first-contacts", {**talk, "held_on": "2026-11-03"},
                      **with_key(key))
    assert other.status_code == 422 and other.json()["error"] == "IdempotencyKeyReused"

    routing = {"team": "casework", "reason": "wsparcie rodziny", "routed_on": TODAY}
    route_key = str(uuid.uuid4())
    routed = desk.post("intake", f"/first-contacts/{first.json()['contact_id']}/routings", routing,
                       **with_key(route_key))
    assert routed.status_code == 201, routed.text
    intake.kill()  # the answer was lost with the process; the desk sends it again
    intake.start()
    rerouted = desk.post("intake", f"/first-contacts/{first.json()['contact_id']}/routings", routing,
                         **with_key(route_key))
    assert rerouted.status_code == 201 and rerouted.json() == routed.json()  # the case reference, not AlreadyRouted

    short = desk.post("intake", f"/persons/{person_id}/first-contacts", talk, **with_key("short"))
    assert short.status_code == 400 and short.json()["error"] == "InvalidIdempotencyKey"


def test_requests_racing_with_one_key_carry_the_command_out_once(centre):
    centre.start("intake")
    desk = centre.desk
    key = str(uuid.uuid4())
    body = {"full_name": "Jan Wyścig", "pesel": pesel_for(902), "registered_on": TODAY}
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: desk.post("intake", "/persons", body, **with_key(key)), range(6)))
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409}, [a.text for a in answers]
    done = [a.json()["person_id"] for a in answers if a.status_code == 201]
    assert done and len(set(done)) == 1
    found = desk.ok(desk.post("intake", "/persons/search", {"pesel": pesel_for(902)}))["persons"]
    assert [p["person_id"] for p in found] == done[:1]
    assert desk.post("intake", "/persons", body, **with_key(key)).json()["person_id"] == done[0]
