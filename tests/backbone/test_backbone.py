"""The backbone against the real broker and both stores: relay, ordered idempotent consumer,
gaps, duplicates, poison messages and dead letters. Producer is a stand-in for intake's
application (publishing intake's real contracts); the consumer is casework's real one."""

from __future__ import annotations

import dataclasses
import uuid

import eventlet
import pytest
from amqp.exceptions import PreconditionFailed
from eventsourcing.domain import Aggregate, event
from kombu import Connection, Queue

from services.casework.application import CaseworkApplication
from shared import dead_letters
from shared.broker import events_exchange
from shared.consumer import OrderedConsumer, UpstreamLogUnavailable, queue_name
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED
from shared.envelope import CONTENT_TYPE, parse
from shared.relay import OutboxRelay
from shared.store import RELAY_POSITION, ServiceApplication
from tests.support.people import LEADER, TEAM
from tests.support.waiting import wait_for


class Talk(Aggregate):
    """A private domain event between the published ones: consumers see gaps in the ids."""

    @event("Held")
    def __init__(self, name: str):
        self.name = name


class FirstContactDesk(ServiceApplication):
    service = "intake"

    def register(self) -> None:
        talk = Talk("someone")
        self.save(talk, self.integration_event(
            CLIENT_REGISTERED, {"person_id": str(uuid.uuid4()), "registered_on": "2026-11-02"}))

    def route(self, name: str, urgent: bool = False) -> str:
        case_id = str(uuid.uuid4())
        data = {
            "case_id": case_id, "person_id": str(uuid.uuid4()), "routed_on": "2026-11-02", "urgent": urgent,
            "full_name": name, "birth_date": None, "pesel": None, "document_number": "DOC" + case_id[:6],
            "address": None, "contact": None, "routing_reason": "wsparcie rodziny", "reasons_for_help": ["ubostwo"],
        }
        self.save(Talk(name), self.integration_event(CASE_ROUTED["casework"], data))
        return case_id


@pytest.fixture
def desk(make_database_url):
    app = FirstContactDesk(make_database_url("intake"))
    yield app
    app.close()


@pytest.fixture
def casework(make_database_url):
    app = CaseworkApplication(make_database_url("casework"), team=TEAM)
    yield app
    app.close()


def log_of(desk: FirstContactDesk):
    def read(upstream, after):
        if upstream != "intake":  # casework's other upstreams are not running in these tests
            raise UpstreamLogUnavailable(f"{upstream} is not running")
        return desk.log_for("casework", after=after, limit=500)

    return read


def consumer_for(casework, amqp_uri, desk, **kw) -> OrderedConsumer:
    return OrderedConsumer(casework, amqp_uri, log_of(desk), retry_delay=0.01, max_backoff=0.5, **kw)


def names(casework) -> list[str]:
    return sorted(c["full_name"] for c in casework.open_cases(LEADER))


def test_relay_publishes_stored_events_in_order_persistent_and_confirmed(desk, amqp_uri, running):
    with Connection(amqp_uri) as connection:
        observer = Queue("ui-observer", exchange=events_exchange("intake"), routing_key="#", durable=True)
        observer(connection).declare()
        desk.register()
        desk.route("Anna")
        desk.register()
        desk.route("Jan")
        relay = running(OutboxRelay(desk, amqp_uri, max_backoff=0.5))
        wait_for(lambda: relay.published == 4, what="four events published")
        received = []
        while (message := observer(connection).get(no_ack=True)) is not None:
            received.append(message)

    assert [m.delivery_info["routing_key"] for m in received] == [
        CLIENT_REGISTERED.type, CASE_ROUTED["casework"].type, CLIENT_REGISTERED.type, CASE_ROUTED["casework"].type]
    assert all(m.properties["delivery_mode"] == 2 and m.content_type == CONTENT_TYPE for m in received)
    envelopes = [parse(m.body) for m in received]
    ids = [e.notification_id for e in envelopes]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert desk.position(RELAY_POSITION) == ids[-1]
    assert [e.data.get("full_name") for e in envelopes[1::2]] == ["Anna", "Jan"]
    # Each routing names the previous one casework was sent; the first of a relay's run cannot.
    assert [e.previous for e in envelopes] == [{}, {}, {}, {"casework": ids[1]}]


def test_a_relay_that_reconnects_keeps_naming_the_previous_event_of_each_team(desk, amqp_uri, running):
    from urllib.parse import urlsplit

    from tests.support.centre import via
    from tests.support.tcp_proxy import TcpProxy

    broker = urlsplit(amqp_uri)
    with Connection(amqp_uri) as connection, TcpProxy(broker.hostname, broker.port) as proxy:
        observer = Queue("ui-observer", exchange=events_exchange("intake"), routing_key="#", durable=True)
        observer(connection).declare()
        relay = running(OutboxRelay(desk, via(proxy, amqp_uri), poll_interval=0.1, max_backoff=0.5))
        desk.route("Anna")
        wait_for(lambda: relay.published == 1, what="Anna published")
        proxy.cut()
        wait_for(lambda: not relay.connected, what="the relay to notice the broker is gone")
        desk.route("Jan")
        proxy.restore()
        wait_for(lambda: relay.published == 2, what="Jan published after the reconnection")
        anna, jan = [parse(m.body) for m in iter(lambda: observer(connection).get(no_ack=True), None)]
    assert jan.previous == {"casework": anna.notification_id}


def test_a_restarted_relay_resumes_from_its_recorded_position(desk, amqp_uri, running):
    desk.route("Anna")
    first = running(OutboxRelay(desk, amqp_uri, poll_interval=0.1))
    wait_for(lambda: first.published == 1, what="first publish")
    first.stop()
    desk.route("Jan")
    second = running(OutboxRelay(desk, amqp_uri, poll_interval=0.1))
    wait_for(lambda: second.published == 1, what="the new event published")
    eventlet.sleep(0.3)
    assert second.published == 1  # the event published before the restart is not sent again


def test_every_routed_case_opens_once_across_gaps(desk, casework, amqp_uri, running):
    consumer = running(consumer_for(casework, amqp_uri, desk))
    wait_for(lambda: consumer.connected, what="consumer connected")
    expected = []
    for i in range(15):
        desk.register()  # not for casework: never bound to its queue, a gap in its ids
        expected.append(f"person {i:02}")
        desk.route(expected[-1], urgent=(i % 5 == 0))
    running(OutboxRelay(desk, amqp_uri))
    wait_for(lambda: len(casework.open_cases(LEADER)) == 15, what="15 open cases")
    assert names(casework) == expected
    assert casework.position("intake") == desk.recorder.max_notification_id()
    assert [c["urgent"] for c in casework.open_cases(LEADER)][:3] == [True, True, True]


def test_duplicates_are_no_ops(desk, casework, amqp_uri):
    desk.route("Anna")
    envelope = desk.log_for("casework", after=0, limit=10)[0][0]
    consumer = consumer_for(casework, amqp_uri, desk)
    consumer.receive("intake", envelope.to_bytes())
    position = casework.position("intake")
    max_id = casework.recorder.max_notification_id()
    consumer.receive("intake", envelope.to_bytes())
    assert names(casework) == ["Anna"]
    assert casework.position("intake") == position
    assert casework.recorder.max_notification_id() == max_id


def test_out_of_order_delivery_gives_the_same_result_as_in_order(desk, casework, make_database_url, amqp_uri):
    for name in ("Anna", "Jan", "Olena"):
        desk.register()
        desk.route(name)
    envelopes, _ = desk.log_for("casework", after=0, limit=10)
    in_order = CaseworkApplication(make_database_url("casework-in-order"), team=TEAM)
    try:
        for e in envelopes:
            consumer_for(in_order, amqp_uri, desk).receive("intake", e.to_bytes())
        shuffled = consumer_for(casework, amqp_uri, desk)
        for e in (envelopes[2], envelopes[0], envelopes[1], envelopes[2]):
            shuffled.receive("intake", e.to_bytes())
        assert casework.open_cases(LEADER) == in_order.open_cases(LEADER)
        assert casework.position("intake") == in_order.position("intake") == envelopes[2].notification_id
        assert shuffled.handled == 3
    finally:
        in_order.close()


def test_a_message_that_follows_the_last_one_handled_needs_no_log_read(desk, casework, amqp_uri):
    for name in ("Anna", "Jan", "Olena"):
        desk.register()
        desk.route(name)
    first, second, third = desk.log_for("casework", after=0, limit=10)[0]
    log_answers = [True]

    def log(upstream, after):
        if not log_answers[0]:
            raise UpstreamLogUnavailable("intake is not answering")
        return desk.log_for("casework", after=after, limit=1)  # a page of one: only Anna

    consumer = OrderedConsumer(casework, amqp_uri, log)
    consumer.receive("intake", first.to_bytes())  # unstamped, past a gap: read from the log
    assert names(casework) == ["Anna"]

    log_answers[0] = False
    with pytest.raises(UpstreamLogUnavailable):  # it follows Jan, not yet handled: a gap
        consumer.receive("intake", dataclasses.replace(third, previous={"casework": second.notification_id}).to_bytes())
    assert names(casework) == ["Anna"]
    consumer.receive("intake", dataclasses.replace(second, previous={"casework": first.notification_id}).to_bytes())
    consumer.receive("intake", dataclasses.replace(third, previous={"casework": second.notification_id}).to_bytes())
    assert names(casework) == ["Anna", "Jan", "Olena"]
    assert casework.position("intake") == third.notification_id


def test_a_gap_that_cannot_be_filled_leaves_the_message_for_later(desk, casework, amqp_uri):
    desk.route("Anna")
    desk.route("Jan")
    envelopes, _ = desk.log_for("casework", after=0, limit=10)

    def unreachable(*_):
        raise UpstreamLogUnavailable("intake is not answering")

    consumer = OrderedConsumer(casework, amqp_uri, unreachable)
    with pytest.raises(UpstreamLogUnavailable):
        consumer.receive("intake", envelopes[1].to_bytes())
    assert casework.open_cases(LEADER) == [] and casework.position("intake") == 0
    consumer_for(casework, amqp_uri, desk).receive("intake", envelopes[1].to_bytes())
    assert names(casework) == ["Anna", "Jan"]


def test_a_poison_message_is_dead_lettered_the_rest_flow_and_it_can_be_replayed(
    desk, casework, amqp_uri, running, monkeypatch, capsys
):
    policy = CaseworkApplication.policy

    def choking_on_marek(self, envelope):
        if envelope.data.get("full_name") == "Marek":
            raise RuntimeError("cannot open Marek's case")
        return policy(self, envelope)

    monkeypatch.setattr(CaseworkApplication, "policy", choking_on_marek)
    consumer = running(consumer_for(casework, amqp_uri, desk))
    running(OutboxRelay(desk, amqp_uri))
    for name in ("Anna", "Marek", "Jan"):
        desk.route(name)
    wait_for(lambda: names(casework) == ["Anna", "Jan"], what="the cases after the poison one")
    assert consumer.dead_lettered == 1
    letters = dead_letters.list_dead_letters(amqp_uri, "casework")
    assert len(letters) == 1
    assert letters[0].error == "RuntimeError: cannot open Marek's case"
    assert letters[0].event_type == CASE_ROUTED["casework"].type

    monkeypatch.setattr(CaseworkApplication, "policy", policy)  # the cause is fixed
    assert dead_letters.main(["--amqp-uri", amqp_uri, "replay", "casework", "--id", letters[0].id]) == 0
    wait_for(lambda: names(casework) == ["Anna", "Jan", "Marek"], what="the replayed case")
    assert dead_letters.list_dead_letters(amqp_uri, "casework") == []
    assert dead_letters.main(["--amqp-uri", amqp_uri, "list", "casework"]) == 0
    assert "0 dead letter(s) for casework" in capsys.readouterr().out


def test_a_message_that_is_not_our_event_is_dead_lettered_and_changes_nothing(desk, casework, amqp_uri, running):
    consumer = running(consumer_for(casework, amqp_uri, desk))
    wait_for(lambda: consumer.connected, what="consumer connected")
    with Connection(amqp_uri) as connection:
        connection.Producer().publish(
            b'{"hello": "world"}', exchange=events_exchange("intake"), routing_key=CASE_ROUTED["casework"].type,
            content_type=CONTENT_TYPE, content_encoding="utf-8")
    running(OutboxRelay(desk, amqp_uri))
    desk.route("Anna")
    wait_for(lambda: names(casework) == ["Anna"], what="the next case")
    [letter] = dead_letters.list_dead_letters(amqp_uri, "casework")
    assert letter.error.startswith("MalformedEnvelope") and letter.notification_id is None


def test_the_queue_is_durable_single_active_and_bound_only_to_casework_routings(casework, amqp_uri, desk, running):
    consumer = running(consumer_for(casework, amqp_uri, desk))
    wait_for(lambda: consumer.connected, what="consumer connected")
    with Connection(amqp_uri) as connection:
        name = queue_name("casework", "intake")
        Queue(name, durable=True, queue_arguments={"x-single-active-consumer": True})(connection).declare()
        with pytest.raises(PreconditionFailed):  # it is not a plain queue: it exists exactly as designed
            Queue(name, durable=True)(connection.channel()).declare()
        for team in ("decisions", "care"):
            connection.Producer().publish(b"{}", exchange=events_exchange("intake"),
                                          routing_key=CASE_ROUTED[team].type)
    eventlet.sleep(0.5)
    assert consumer.dead_lettered == 0  # other teams' routings never reach casework's queue


def test_a_consumer_started_after_events_were_published_catches_up_from_the_log(desk, casework, amqp_uri, running):
    relay = running(OutboxRelay(desk, amqp_uri))
    desk.route("Anna")
    desk.route("Jan")
    wait_for(lambda: relay.published == 2, what="published before casework's queue existed")
    running(consumer_for(casework, amqp_uri, desk))
    wait_for(lambda: names(casework) == ["Anna", "Jan"], what="the cases the broker could not deliver")


def test_a_message_claiming_a_position_the_upstream_log_lacks_is_dead_lettered(desk, casework, amqp_uri):
    desk.route("Anna")
    [real], _ = desk.log_for("casework", after=0, limit=10)
    forged = dataclasses.replace(real, notification_id=real.notification_id + 100,
                                 data={**real.data, "case_id": str(uuid.uuid4()), "full_name": "Nobody"})
    consumer = consumer_for(casework, amqp_uri, desk)
    consumer.receive("intake", forged.to_bytes())
    assert names(casework) == ["Anna"]  # the log's events are handled, the forged one is not
    assert casework.position("intake") == real.notification_id
    [letter] = dead_letters.list_dead_letters(amqp_uri, "casework")
    assert letter.error.startswith("NotInUpstreamLog")


class ContractDesk(ServiceApplication):
    """A stand-in for casework's contract step (issue 4): publishes its art. 11 facts."""

    service = "casework"

    def refuse(self, person_id: str) -> None:
        from shared.contracts.casework import CONTRACT_REFUSED

        self.save(Talk("kontrakt"), self.integration_event(CONTRACT_REFUSED, {
            "person_id": person_id, "case_id": str(uuid.uuid4()), "contract_ref": "KS/2026/17",
            "occurred_on": "2026-04-02"}))


def test_a_refused_contract_reaches_decisions_over_rabbitmq_as_a_review_task(make_database_url, amqp_uri, running):
    from services.decisions.application import DecisionsApplication

    contracts = ContractDesk(make_database_url("casework"))
    decisions = DecisionsApplication(make_database_url("decisions"))
    try:
        def read(upstream, after):
            source = {"casework": contracts}.get(upstream)
            if source is None:
                raise UpstreamLogUnavailable(f"{upstream} is not running in this test")
            return source.log_for("decisions", after=after, limit=500)

        consumer = running(OrderedConsumer(decisions, amqp_uri, read, retry_delay=0.01))
        wait_for(lambda: consumer.connected, what="decisions' consumer connected")
        running(OutboxRelay(contracts, amqp_uri))
        person_id = str(uuid.uuid4())
        contracts.refuse(person_id)
        wait_for(lambda: decisions.review_tasks(), what="the review task")
        [task] = decisions.review_tasks()
        assert (str(task["person_id"]), task["fact"]) == (person_id, "refused")
    finally:
        contracts.close()
        decisions.close()
