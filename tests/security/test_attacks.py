"""Attacks on the centre's services by someone holding one service's broker account (or the
desk's HTTP port), against real `nameko run` processes on the deployment's own broker
definitions. Each of these worked once; each must fail now."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import amqp
import pytest
import requests
from kombu import Connection, Queue

from services.intake.domain import NAMESPACE
from shared.broker import BrokerSettings, events_exchange, queue_name
from shared.consumer import UpstreamLogUnavailable
from shared.contracts.casework import CONTRACT_BROKEN
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED
from shared.dead_letters import REPLAY_HEADER, list_dead_letters
from shared.envelope import CONTENT_TYPE, Envelope, source_of
from shared.log_reading import BrokerUpstreamLog
from tests.support.people import pesel_for
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

TODAY = "2026-11-02"


def as_account(broker, service: str) -> BrokerSettings:
    return BrokerSettings(broker.uri(service), broker.accounts)


def publish(broker, service: str, body: bytes, exchange: str, routing_key: str, **properties) -> None:
    """Publishes as a service's account, waiting for the broker's verdict (raises if refused)."""
    with Connection(broker.uri(service), transport_options={"confirm_publish": True}) as connection:
        connection.Producer().publish(body, exchange=exchange, routing_key=routing_key, content_type=CONTENT_TYPE,
                                      content_encoding="utf-8", retry=False, **properties)


def route_to(centre, team: str, number: int, reasons=("alkoholizm_lub_narkomania", "przemoc_w_rodzinie")) -> str:
    person = centre.register(f"Osoba {number}", number)
    contact = centre.talk(person, reasons_for_help=list(reasons), help_requested=["praca_socjalna"])
    response = centre.route(contact, team=team, reason="dochód 1200 zł, zadłużenie czynszowe")
    assert response.status_code == 201, response.text
    return response.json()["case_id"]


@pytest.fixture
def running_centre(centre):
    for service in ("intake", "casework", "decisions", "care", "training"):
        centre.start(service)
    return centre


def test_a_team_reads_another_team_s_cases_through_the_log_only_as_itself(running_centre):
    centre, broker = running_centre, running_centre.broker
    to_casework = route_to(centre, "casework", 1)
    to_decisions = route_to(centre, "decisions", 2)

    # Training consumes nothing of intake's: its account cannot even ask.
    for reader in ("casework", "training"):
        with pytest.raises(UpstreamLogUnavailable):
            BrokerUpstreamLog(as_account(broker, "training"), reader, timeout=2)("intake", 0)
    with pytest.raises(amqp.exceptions.AccessRefused):
        publish(broker, "training", b'{"after": 0}', "intake.log", "training", user_id=broker.accounts.of("training"))

    # Casework, asking for itself, gets its own routed case and nothing addressed to decisions,
    # however it phrases the request.
    casework_reader = BrokerUpstreamLog(as_account(broker, "casework"), "casework", timeout=5)
    events, _, _ = casework_reader("intake", 0)
    assert {e.data["case_id"] for e in events} == {to_casework}
    assert {e.type for e in events} == {CASE_ROUTED["casework"].type}
    casework_as_decisions = BrokerUpstreamLog(as_account(broker, "casework"), "decisions", timeout=2)
    with pytest.raises(UpstreamLogUnavailable):
        casework_as_decisions("intake", 0)
    with pytest.raises(amqp.exceptions.PreconditionFailed):  # nor may it sign as decisions
        publish(broker, "casework", b'{"after": 0}', "intake.log", "casework", user_id=broker.accounts.of("decisions"))
    assert to_decisions not in {e.data["case_id"] for e in casework_reader("intake", 0)[0]}


def test_garbage_on_every_log_request_queue_leaves_every_service_serving(running_centre):
    centre, broker = running_centre, running_centre.broker
    route_to(centre, "casework", 3)
    garbage = [b"\x00\xff\xfe", b"", b"[]", b"{}", b'{"after": -1}', b'{"after": "0"}', b'{"after": 1e400}',
               b'{"after": 0, "limit": 100000}', b'{"after": 0, "consumer": "decisions"}', b"[" * 100_000,
               json.dumps({"after": 0, "pad": "x" * 900_000}).encode()]
    readers = {"intake": "casework", "casework": "care", "decisions": "training", "care": "casework"}
    for upstream, reader in readers.items():
        with Connection(broker.uri(reader)) as connection:
            reply = connection.default_channel.queue_declare(queue="", exclusive=True).queue
            for body in garbage:
                for reply_to in (reply, None, "amq.gen-someone-elses", "casework.events"):
                    connection.Producer().publish(body, exchange=f"{upstream}.log", routing_key=reader,
                                                  reply_to=reply_to, user_id=connection.userid, retry=False)
    for upstream, reader in readers.items():
        events, _, _ = BrokerUpstreamLog(as_account(broker, reader), reader, timeout=10)(upstream, 0)
        assert centre.processes[upstream].process.poll() is None, f"{upstream} died"
        assert centre.processes[upstream].health()["log"]["refused"] >= len(garbage)
    assert len(BrokerUpstreamLog(as_account(broker, "casework"), "casework")("intake", 0)[0]) == 1


def forged_routing(notification_id: int, case_id: str | None = None) -> Envelope:
    data = {"case_id": case_id or str(uuid.uuid4()), "person_id": str(uuid.uuid4()), "routed_on": TODAY,
            "urgent": True, "full_name": "Podrobiony Wniosek", "birth_date": None, "pesel": None,
            "document_number": "ABC123456", "address": None, "contact": None, "routing_reason": "x",
            "help_requested": ["zasilek_celowy"]}
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of("intake"), type=CASE_ROUTED["decisions"].type,
                            time=datetime.now(timezone.utc), subject=data["case_id"], data=data,
                            notification_id=notification_id)


def test_forged_events_change_nothing_and_a_position_never_moves_on_a_message_s_word(running_centre):
    centre, broker = running_centre, running_centre.broker
    officer = centre.as_role("benefit_officer")
    forged = forged_routing(1_000_000_000)

    # Another team's account: no default exchange, no intake exchange, no signing as intake.
    for account, exchange, key in (("training", "", queue_name("decisions", "intake")),
                                   ("casework", "intake.events", CASE_ROUTED["decisions"].type),
                                   ("care", "", queue_name("decisions", "casework"))):
        with pytest.raises(amqp.exceptions.AccessRefused):
            publish(broker, account, forged.to_bytes(), exchange, key, headers={REPLAY_HEADER: True},
                    user_id=broker.accounts.of(account))
    # Intake's own account (a stolen password) jumps the position and claims a replay:
    # the log does not have it, so it is dead-lettered and moves nothing.
    publish(broker, "intake", forged.to_bytes(), "intake.events", CASE_ROUTED["decisions"].type,
            headers={REPLAY_HEADER: True}, user_id=broker.accounts.of("intake"))
    # Casework's account claims a broken contract of a real person, as a replay.
    real_person = centre.register("Prawdziwa Osoba", 4)
    broken = Envelope.checked(id=str(uuid.uuid4()), source=source_of("casework"), type=CONTRACT_BROKEN.type,
                              time=forged.time, subject="", notification_id=1,
                              data={"person_id": real_person, "case_id": str(uuid.uuid4()),
                                    "contract_ref": "KS/2026/1", "occurred_on": TODAY})
    publish(broker, "casework", broken.to_bytes(), "casework.events", CONTRACT_BROKEN.type,
            headers={REPLAY_HEADER: True}, user_id=broker.accounts.of("casework"))

    def proceedings() -> list[dict]:
        return officer.ok(officer.get("decisions", "/proceedings"), 200)["proceedings"]

    route_to(centre, "decisions", 5)  # a genuine application after the forged jump still arrives
    wait_for(lambda: len(proceedings()) == 1, what="the genuine application")
    assert [p["person"]["full_name"] for p in proceedings()] == ["Osoba 5"]
    assert officer.ok(officer.get("decisions", "/review-tasks"), 200)["tasks"] == []
    wait_for(lambda: len(list_dead_letters(broker.uri("operator"), "decisions")) == 2, what="two dead letters")
    errors = sorted(letter.error.split(":")[0] for letter in list_dead_letters(broker.uri("operator"), "decisions"))
    assert errors == ["NotInUpstreamLog", "NotInUpstreamLog"]


def test_a_request_body_over_the_limit_is_refused_and_intake_stays_up(running_centre):
    centre = running_centre
    person = centre.register("Duża Treść", 6)
    contact = centre.talk(person)
    path = f"/first-contacts/{contact}/routings"
    url = f"{centre.url('intake')}{path}"  # straight to intake: refused before a token is even read
    huge = b'{"team": "casework", "routed_on": "2026-11-02", "reason": "' + b"x" * (140 * 1024 * 1024) + b'"}'
    try:
        response = requests.post(url, data=huge, headers={"Content-Type": "application/json"}, timeout=60)
        assert response.status_code == 413 and response.json()["error"] == "RequestTooLarge"
    except requests.ConnectionError:
        pass  # refused before the upload ended: the server closed the connection
    del huge

    def chunks():  # no Content-Length
        yield b'{"team": "casework", "routed_on": "2026-11-02", "reason": "'
        for _ in range(3):
            yield b"y" * (1024 * 1024)
        yield b'"}'

    try:
        chunked = requests.post(url, data=chunks(), headers={"Content-Type": "application/json"}, timeout=60)
        assert chunked.status_code == 411 and chunked.json()["error"] == "LengthRequired"
    except requests.ConnectionError:
        pass
    desk = centre.desk
    through_the_gateway = desk.http.post(desk.url("intake", path), data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                         headers={"Content-Type": "application/json"}, timeout=60)
    assert through_the_gateway.status_code == 413
    too_long = desk.post("intake", path, {"team": "casework", "routed_on": TODAY, "reason": "z" * 500_000})
    assert too_long.status_code == 400 and too_long.json()["error"] == "InvalidRequest"  # the published schema
    assert too_long.json()["field"] == "reason"
    assert centre.processes["intake"].process.poll() is None
    assert centre.route(contact).status_code == 201
    wait_for(lambda: len(centre.open_cases()) == 1, what="the routed case")
    assert centre.processes["intake"].health()["relay"]["dead_lettered"] == 0


def test_a_published_person_reference_does_not_give_the_pesel_away(running_centre):
    centre, broker = running_centre, running_centre.broker
    with Connection(broker.uri("operator")) as connection:  # what a UI client or an auditor sees
        observer = Queue(f"observer-{uuid.uuid4().hex[:6]}", exchange=events_exchange("intake"),
                         routing_key=CLIENT_REGISTERED.type, exclusive=True)
        observer(connection).declare()
        centre.register("Jawna Osoba", 7)
        received = []
        wait_for(lambda: received.append(observer(connection).get(no_ack=True)) or received[-1] is not None,
                 what="ClientRegistered")
    published = uuid.UUID(json.loads(received[-1].body)["data"]["person_id"])
    pesel = pesel_for(7)
    # An attacker who knows the birth date tries every PESEL of that day, as the old uuid5 allowed
    # (the reference was recovered in 2 seconds so).
    candidates = {uuid.uuid5(NAMESPACE, f"pesel:{pesel[:6]}{serial:05d}") for serial in range(100_000)}
    assert uuid.uuid5(NAMESPACE, f"pesel:{pesel}") in candidates
    assert published not in candidates
