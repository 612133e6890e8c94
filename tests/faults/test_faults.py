"""Faults against real processes: the broker unreachable, casework killed mid-stream,
messages duplicated and reordered, a poison message. Nothing accepted may be lost."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from urllib.parse import urlsplit

import pytest
from eventsourcing.utils import get_topic
from kombu import Connection

from services.casework.application import CaseworkApplication
from services.casework.domain import Case
from services.intake.application import IntakeApplication
from shared.broker import events_exchange, queue_name
from shared.contracts.intake import CASE_ROUTED
from shared.envelope import CONTENT_TYPE
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow


def opened_in_store(centre) -> list[str]:
    """Every Case.Opened event in casework's own store (the service must be stopped)."""
    app = CaseworkApplication(centre.database_urls["casework"], secrets_dir=centre.data_dir / "secrets")
    try:
        notifications = app.recorder.select_notifications(None, 100_000, topics=[get_topic(Case.Opened)])
        return [str(n.originator_id) for n in notifications]
    finally:
        app.close()


def casework_log(centre) -> list:
    """What intake's log holds for casework (read with intake stopped or alongside it)."""
    app = IntakeApplication(centre.database_urls["intake"], secrets_dir=centre.data_dir / "secrets")
    try:
        return app.log_for("casework", after=0, limit=500)[0]
    finally:
        app.close()


def test_people_registered_while_the_broker_is_unreachable_all_reach_casework(centre):
    broker = urlsplit(centre.broker.uri("intake"))
    with TcpProxy(broker.hostname, broker.port) as proxy:
        centre.proxies["intake"] = proxy
        centre.start("intake")
        centre.start("casework")
        intake = centre.processes["intake"]
        wait_for(lambda: intake.health()["relay"]["connected"], what="intake's relay connected")
        centre.first_contact_to_casework("Przed Awarią", 0)
        wait_for(lambda: len(centre.open_cases()) == 1, what="the first case")

        proxy.cut()
        wait_for(lambda: not intake.health()["relay"]["connected"], what="intake to notice the broker is gone")
        assert intake.health()["status"] == "degraded"  # what compose's healthcheck and an operator see
        cases = {centre.first_contact_to_casework(f"Osoba {i:02}", 100 + i) for i in range(10)}
        assert len(centre.open_cases()) == 1  # nothing could be published; everything is stored

        proxy.restore()
        wait_for(lambda: len(centre.open_cases()) == 11, timeout=60, what="every case after the broker is back")
        assert cases <= {c["case_id"] for c in centre.open_cases()}
        # casework may have read them from intake's log (it catches up every 2 s) before the relay's back-off ends
        wait_for(lambda: intake.health()["relay"]["connected"], what="intake's relay connected again")
        wait_for(lambda: intake.health()["status"] == "ok", what="intake healthy again")
        intake.stop()  # while its broker connection still stands: a clean stop


def test_casework_killed_mid_stream_and_restarted_opens_every_case_exactly_once(centre):
    centre.start("intake")
    casework = centre.start("casework")
    total = 40
    routed: list[str] = []

    def first_contact_desk():
        for i in range(total):
            routed.append(centre.first_contact_to_casework(f"Osoba {i:02}", 200 + i))

    desk = threading.Thread(target=first_contact_desk)
    desk.start()
    wait_for(lambda: len(centre.open_cases()) >= 8, what="casework in mid-stream")
    casework.kill()  # SIGKILL: unacknowledged messages go back to the queue
    killed_with = len(routed)
    centre.start("casework")
    desk.join()
    assert killed_with < total, "the kill came after the last routing; nothing was mid-stream"

    wait_for(lambda: len(centre.open_cases()) == total, timeout=60, what="every case after the restart")
    centre.processes["casework"].stop()
    opened = opened_in_store(centre)
    assert sorted(opened) == sorted(routed)  # each once: no loss, no duplicate


def test_duplicated_and_reordered_deliveries_give_the_same_result(centre):
    centre.start("intake")
    centre.start("casework")
    first = [centre.first_contact_to_casework(f"Pierwsza {i}", 300 + i) for i in range(3)]
    wait_for(lambda: len(centre.open_cases()) == 3, what="the first three cases")
    centre.processes["casework"].stop()

    later = [centre.first_contact_to_casework(f"Później {i}", 400 + i) for i in range(4)]
    wait_for(lambda: centre.processes["intake"].health()["relay"]["published"] >= 14, what="intake to publish")
    envelopes = casework_log(centre)
    assert [e.data["case_id"] for e in envelopes] == first + later
    with Connection(centre.broker.uri("operator")) as operator:
        operator.default_channel.queue_purge(queue_name("casework", "intake"))
    with Connection(centre.broker.uri("intake")) as connection:
        # Replace what the broker holds for casework with the same events, duplicated and shuffled,
        # as intake's relay would send them again after crashes.
        mixed = envelopes[3:] * 2 + envelopes[:3]
        random.Random(7).shuffle(mixed)
        producer = connection.Producer()
        for envelope in mixed:
            producer.publish(envelope.to_bytes(), exchange=events_exchange("intake").name, routing_key=envelope.type,
                             content_type=CONTENT_TYPE, content_encoding="utf-8", delivery_mode=2,
                             user_id=connection.userid)

    centre.processes["casework"].start()
    wait_for(lambda: len(centre.open_cases()) == 7, what="all seven cases")
    health = centre.processes["casework"].health()["consumer of intake"]
    assert health["dead_lettered"] == 0
    centre.processes["casework"].stop()
    assert sorted(opened_in_store(centre)) == sorted(first + later)


def test_a_poison_message_lands_in_the_dead_letter_queue_and_the_next_ones_flow(centre):
    centre.start("intake")
    centre.start("casework")
    wait_for(lambda: centre.processes["casework"].health()["consumer of intake"]["connected"], what="casework connected")
    with Connection(centre.broker.uri("intake")) as connection:  # intake's own account, a bug in its relay
        producer = connection.Producer()
        for body in (b"\x00\xff garbage", b'{"specversion": "1.0", "type": "pl.ops.intake.CaseRouted.casework.v1"}'):
            producer.publish(body, exchange=events_exchange("intake").name, routing_key=CASE_ROUTED["casework"].type,
                             content_type=CONTENT_TYPE, content_encoding="utf-8", delivery_mode=2,
                             user_id=connection.userid)
    after = [centre.first_contact_to_casework(f"Następna {i}", 500 + i) for i in range(3)]
    wait_for(lambda: {c["case_id"] for c in centre.open_cases()} == set(after), what="the cases after the poison")

    listing = subprocess.run(
        [sys.executable, "-m", "shared.dead_letters", "--amqp-uri", centre.broker.uri("operator"), "list", "casework"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    assert "2 dead letter(s) for casework" in listing
    assert listing.count("MalformedEnvelope") == 2
