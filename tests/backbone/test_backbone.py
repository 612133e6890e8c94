"""The backbone against the real broker and both stores: relay, ordered idempotent consumer,
gaps, duplicates, poison messages and dead letters, each service with its own account of the
deployment's broker definitions. Producer is a stand-in for intake's application (publishing
intake's real contracts, serving its log over the broker); the consumer is casework's real one."""

from __future__ import annotations

import dataclasses
import socket
import uuid
from urllib.parse import urlsplit

import eventlet
import pytest
from amqp.exceptions import PreconditionFailed
from eventsourcing.domain import Aggregate, event
from kombu import Connection, Queue

from services.casework.application import CaseworkApplication
from shared import dead_letters
from shared.broker import BrokerSettings, events_exchange, log_exchange, log_replies_exchange, queue_name
from shared.consumer import OrderedConsumer, UpstreamLogUnavailable
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED
from shared.envelope import CONTENT_TYPE, parse
from shared.log_reading import BrokerUpstreamLog, LogServer
from shared.relay import OutboxRelay
from shared.store import RELAY_POSITION, ServiceApplication
from tests.support.centre import via
from tests.support.people import LEADER
from tests.support.tcp_proxy import TcpProxy
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
    app = CaseworkApplication(make_database_url("casework"))
    yield app
    app.close()


def account(broker, service: str) -> BrokerSettings:
    return BrokerSettings(broker.uri(service), broker.accounts)


@pytest.fixture
def intake_log(desk, broker, running):
    """The desk's log served over the broker to the teams that may read it, as intake serves it."""
    server = running(LogServer(desk, account(broker, "intake"), max_backoff=0.5))
    wait_for(lambda: server.connected, what="the log server connected")
    return server


def consumer_for(casework, broker, **kw) -> OrderedConsumer:
    reader = BrokerUpstreamLog(account(broker, "casework"), "casework", timeout=5)
    return OrderedConsumer(casework, account(broker, "casework"), "intake", reader, retry_delay=0.01, max_backoff=0.5,
                           **kw)


def names(casework) -> list[str]:
    return sorted(c["full_name"] for c in casework.open_cases(LEADER)["cases"])


def publish_as(broker, service: str, body: bytes, routing_key: str, **properties) -> None:
    """Publishes on a service's exchange with that service's own account (user_id validated)."""
    with Connection(broker.uri(service)) as connection:
        connection.Producer().publish(body, exchange=events_exchange(service).name, routing_key=routing_key,
                                      content_type=CONTENT_TYPE, content_encoding="utf-8",
                                      user_id=connection.userid, **properties)


def test_relay_publishes_stored_events_in_order_persistent_confirmed_and_signed_by_its_account(
        desk, broker, running):
    with Connection(broker.uri("operator")) as connection:
        observer = Queue("ui-observer", exchange=events_exchange("intake"), routing_key="#", durable=True)
        observer(connection).declare()
        desk.register()
        desk.route("Anna")
        desk.register()
        desk.route("Jan")
        relay = running(OutboxRelay(desk, account(broker, "intake"), max_backoff=0.5))
        wait_for(lambda: relay.published == 4, what="four events published")
        received = []
        while (message := observer(connection).get(no_ack=True)) is not None:
            received.append(message)

    assert [m.delivery_info["routing_key"] for m in received] == [
        CLIENT_REGISTERED.type, CASE_ROUTED["casework"].type, CLIENT_REGISTERED.type, CASE_ROUTED["casework"].type]
    assert all(m.properties["delivery_mode"] == 2 and m.content_type == CONTENT_TYPE for m in received)
    assert {m.properties["user_id"] for m in received} == {broker.accounts.of("intake")}
    envelopes = [parse(m.body) for m in received]
    ids = [e.notification_id for e in envelopes]
    assert ids == sorted(ids) and len(set(ids)) == 4
    wait_for(lambda: desk.position(RELAY_POSITION) == ids[-1], timeout=3, what="the relay's position recorded")
    assert [e.data.get("full_name") for e in envelopes[1::2]] == ["Anna", "Jan"]


def test_the_relay_records_its_position_at_most_once_a_second_while_events_keep_coming(desk, broker, running):
    """Each record is a commit with its sync: one per batch cost a busy intake a second sync per command."""
    records = []
    record_position = desk.record_position
    desk.record_position = lambda name, at: (records.append(at), record_position(name, at))
    relay = running(OutboxRelay(desk, account(broker, "intake"), poll_interval=0.1))
    for n in range(8):  # one at a time, each published before the next is stored
        desk.route(f"Osoba {n}")
        wait_for(lambda: relay.published == n + 1, what=f"event {n + 1} published")
        eventlet.sleep(0.05)
    wait_for(lambda: desk.position(RELAY_POSITION) == desk.recorder.max_notification_id(), timeout=3,
             what="the last position recorded within a second")
    assert len(records) <= 3, records  # 0.6 s of publishing, then the last position


def test_a_restarted_relay_resumes_from_its_recorded_position(desk, broker, running):
    desk.route("Anna")
    first = running(OutboxRelay(desk, account(broker, "intake"), poll_interval=0.1))
    wait_for(lambda: first.published == 1, what="first publish")
    first.stop()
    wait_for(lambda: desk.position(RELAY_POSITION) == first.position, what="the position recorded as it stops")
    desk.route("Jan")
    second = running(OutboxRelay(desk, account(broker, "intake"), poll_interval=0.1))
    wait_for(lambda: second.published == 1, what="the new event published")
    eventlet.sleep(0.3)
    assert second.published == 1  # the event published before the restart is not sent again


def test_a_relay_whose_exchange_is_missing_waits_for_the_operator_and_creates_nothing(desk, broker, running):
    with Connection(broker.uri("operator")) as connection:
        connection.default_channel.exchange_delete(events_exchange("intake").name)
    desk.route("Anna")
    relay = running(OutboxRelay(desk, account(broker, "intake"), poll_interval=0.1, max_backoff=0.2))
    eventlet.sleep(1)
    assert not relay.connected and relay.published == 0
    broker.load()  # the operator loads the definitions again
    wait_for(lambda: relay.published == 1, what="the event published once the exchange is back")


def test_every_routed_case_opens_once_across_gaps(desk, casework, broker, running, intake_log):
    consumer = running(consumer_for(casework, broker))
    wait_for(lambda: consumer.connected, what="consumer connected")
    expected = []
    for i in range(15):
        desk.register()  # not for casework: never bound to its queue, a gap in its ids
        expected.append(f"person {i:02}")
        desk.route(expected[-1], urgent=(i % 5 == 0))
    running(OutboxRelay(desk, account(broker, "intake")))
    wait_for(lambda: len(casework.open_cases(LEADER)["cases"]) == 15, what="15 open cases")
    assert names(casework) == expected
    assert casework.position("intake") == desk.recorder.max_notification_id()
    assert [c["urgent"] for c in casework.open_cases(LEADER)["cases"]][:3] == [True, True, True]


def test_duplicates_are_no_ops(desk, casework, broker, intake_log):
    desk.route("Anna")
    envelope = desk.log_for("casework", after=0, limit=10)[0][0]
    consumer = consumer_for(casework, broker)
    intake = broker.accounts.of("intake")
    consumer.receive(envelope.to_bytes(), sender=intake)
    position = casework.position("intake")
    max_id = casework.recorder.max_notification_id()
    consumer.receive(envelope.to_bytes(), sender=intake)
    assert casework.recorder.max_notification_id() == max_id
    assert casework.position("intake") == position
    assert names(casework) == ["Anna"]


def test_out_of_order_delivery_gives_the_same_result_as_in_order(desk, casework, make_database_url, broker,
                                                                   intake_log):
    for name in ("Anna", "Jan", "Olena"):
        desk.register()
        desk.route(name)
    envelopes, _ = desk.log_for("casework", after=0, limit=10)
    intake = broker.accounts.of("intake")
    in_order = CaseworkApplication(make_database_url("casework-in-order"))
    try:
        for e in envelopes:
            consumer_for(in_order, broker).receive(e.to_bytes(), sender=intake)
        shuffled = consumer_for(casework, broker)
        for e in (envelopes[2], envelopes[0], envelopes[1], envelopes[2]):
            shuffled.receive(e.to_bytes(), sender=intake)
        assert casework.open_cases(LEADER) == in_order.open_cases(LEADER)
        assert casework.position("intake") == in_order.position("intake") == envelopes[2].notification_id
        assert shuffled.handled == 3
    finally:
        in_order.close()


def test_the_log_s_copy_is_handled_not_the_message_s(desk, casework, broker, intake_log):
    """Even a message with intake's own account cannot put words into intake's mouth."""
    desk.route("Anna")
    [real], _ = desk.log_for("casework", after=0, limit=10)
    altered = dataclasses.replace(real, data={**real.data, "full_name": "Ktoś Inny", "routing_reason": "forged"})
    consumer_for(casework, broker).receive(altered.to_bytes(), sender=broker.accounts.of("intake"))
    assert names(casework) == ["Anna"]


def test_a_gap_that_cannot_be_filled_leaves_the_message_for_later(desk, casework, broker, intake_log):
    desk.route("Anna")
    desk.route("Jan")
    envelopes, _ = desk.log_for("casework", after=0, limit=10)

    def unreachable(*_):
        raise UpstreamLogUnavailable("intake is not answering")

    consumer = OrderedConsumer(casework, account(broker, "casework"), "intake", unreachable)
    with pytest.raises(UpstreamLogUnavailable):
        consumer.receive(envelopes[1].to_bytes(), sender=broker.accounts.of("intake"))
    assert casework.open_cases(LEADER)["cases"] == [] and casework.position("intake") == 0
    consumer_for(casework, broker).receive(envelopes[1].to_bytes(), sender=broker.accounts.of("intake"))
    assert names(casework) == ["Anna", "Jan"]


def test_an_idle_catch_up_asks_the_upstream_only_for_what_is_new(desk, casework, broker, intake_log):
    """Catching up every few seconds while idle stays cheap: from as far as this run has read the
    log (it commits in id order), not again from the last event that was casework's."""
    desk.route("Anna")
    desk.register()  # further along intake's log, nothing of casework's
    reader = BrokerUpstreamLog(account(broker, "casework"), "casework", timeout=5)
    asked = []

    def upstream_log(upstream, after):
        asked.append(after)
        return reader(upstream, after)

    consumer = OrderedConsumer(casework, account(broker, "casework"), "intake", upstream_log)
    consumer.catch_up()
    assert names(casework) == ["Anna"] and casework.position("intake") < desk.recorder.max_notification_id()
    asked.clear()
    consumer.catch_up()
    assert asked == [desk.recorder.max_notification_id()]
    desk.route("Jan")
    consumer.catch_up()
    assert names(casework) == ["Anna", "Jan"]
    reader.close()


@pytest.fixture
def marek_chokes(monkeypatch):
    """Casework's policy fails on Marek's routing until the cause is fixed (call what it returns)."""
    policy = CaseworkApplication.policy

    def choking_on_marek(self, envelope):
        if envelope.data.get("full_name") == "Marek":
            raise RuntimeError("cannot open Marek's case")
        return policy(self, envelope)

    monkeypatch.setattr(CaseworkApplication, "policy", choking_on_marek)
    return lambda: monkeypatch.setattr(CaseworkApplication, "policy", policy)


def test_a_poison_message_is_dead_lettered_the_rest_flow_and_the_operator_replays_it(
    desk, casework, broker, running, marek_chokes, capsys, intake_log
):
    consumer = running(consumer_for(casework, broker))
    running(OutboxRelay(desk, account(broker, "intake")))
    for name in ("Anna", "Marek", "Jan"):
        desk.route(name)
    wait_for(lambda: names(casework) == ["Anna", "Jan"], what="the cases after the poison one")
    assert consumer.dead_lettered == 1
    operator = broker.uri("operator")
    letters = dead_letters.list_dead_letters(operator, "casework")
    assert len(letters) == 1
    assert letters[0].error == "RuntimeError"  # its message could quote the person: only the name travels
    assert letters[0].event_type == CASE_ROUTED["casework"].type
    assert letters[0].notification_id is not None

    marek_chokes()  # the cause is fixed
    assert dead_letters.main(["--amqp-uri", operator, "replay", "casework", "--id", letters[0].id]) == 0
    wait_for(lambda: names(casework) == ["Anna", "Jan", "Marek"], what="the replayed case")
    assert dead_letters.list_dead_letters(operator, "casework") == []
    assert dead_letters.main(["--amqp-uri", operator, "list", "casework"]) == 0
    assert "0 dead letter(s) for casework" in capsys.readouterr().out


def test_a_message_that_is_not_our_event_is_dead_lettered_and_changes_nothing(desk, casework, broker, running,
                                                                               intake_log):
    consumer = running(consumer_for(casework, broker))
    wait_for(lambda: consumer.connected, what="consumer connected")
    publish_as(broker, "intake", b'{"hello": "world"}', CASE_ROUTED["casework"].type)
    running(OutboxRelay(desk, account(broker, "intake")))
    desk.route("Anna")
    wait_for(lambda: names(casework) == ["Anna"], what="the next case")
    [letter] = dead_letters.list_dead_letters(broker.uri("operator"), "casework")
    assert letter.error.startswith("MalformedEnvelope") and letter.notification_id is None


def test_the_queue_is_durable_single_active_and_bound_only_to_casework_routings(casework, broker, desk, running,
                                                                                intake_log):
    consumer = running(consumer_for(casework, broker))
    wait_for(lambda: consumer.connected, what="consumer connected")
    with Connection(broker.uri("operator")) as connection:
        name = queue_name("casework", "intake")
        Queue(name, durable=True, queue_arguments={"x-single-active-consumer": True})(connection).declare()
        with pytest.raises(PreconditionFailed):  # it is not a plain queue: it exists exactly as designed
            Queue(name, durable=True)(connection.channel()).declare()
        for team in ("decisions", "care"):
            connection.Producer().publish(b"{}", exchange=events_exchange("intake"),
                                          routing_key=CASE_ROUTED[team].type)
    eventlet.sleep(0.5)
    assert consumer.dead_lettered == 0  # other teams' routings never reach casework's queue


def test_a_consumer_started_after_events_were_published_catches_up_from_the_log(desk, casework, broker, running,
                                                                                intake_log):
    relay = running(OutboxRelay(desk, account(broker, "intake")))
    desk.route("Anna")
    desk.route("Jan")
    wait_for(lambda: relay.published == 2, what="published before casework's consumer ran")
    with Connection(broker.uri("operator")) as connection:
        connection.default_channel.queue_purge(queue_name("casework", "intake"))  # as if lost on the way
    running(consumer_for(casework, broker))
    wait_for(lambda: names(casework) == ["Anna", "Jan"], what="the cases the broker could not deliver")


def test_a_page_caught_up_together_is_handled_one_by_one_when_one_of_its_events_fails(
    desk, casework, broker, marek_chokes, intake_log
):
    for name in ("Anna", "Marek", "Jan", "Zofia"):
        desk.route(name)
    consumer = consumer_for(casework, broker)
    consumer.catch_up()  # one page of the log, its routings recorded together if they can be
    assert names(casework) == ["Anna", "Jan", "Zofia"]
    assert consumer.dead_lettered == 1 and consumer.handled == 3
    assert casework.position("intake") == desk.recorder.max_notification_id()

    marek_chokes()  # the cause is fixed
    for name in ("Ewa", "Piotr"):
        desk.route(name)
    consumer.catch_up()
    assert names(casework) == ["Anna", "Ewa", "Jan", "Piotr", "Zofia"] and consumer.handled == 5


def test_a_message_claiming_a_position_the_upstream_log_lacks_is_dead_lettered(desk, casework, broker, intake_log):
    desk.route("Anna")
    [real], _ = desk.log_for("casework", after=0, limit=10)
    forged = dataclasses.replace(real, notification_id=real.notification_id + 100,
                                 data={**real.data, "case_id": str(uuid.uuid4()), "full_name": "Nobody"})
    consumer = consumer_for(casework, broker)
    consumer.receive(forged.to_bytes(), sender=broker.accounts.of("intake"))
    assert names(casework) == ["Anna"]  # the log's events are handled, the forged one is not
    assert casework.position("intake") == real.notification_id
    [letter] = dead_letters.list_dead_letters(broker.uri("operator"), "casework")
    assert letter.error.startswith("NotInUpstreamLog")


class ContractDesk(ServiceApplication):
    """A stand-in for casework's contract step (issue 4): publishes its art. 11 facts."""

    service = "casework"

    def refuse(self, person_id: str) -> None:
        from shared.contracts.casework import CONTRACT_REFUSED

        self.save(Talk("kontrakt"), self.integration_event(CONTRACT_REFUSED, {
            "person_id": person_id, "case_id": str(uuid.uuid4()), "contract_ref": "KS/2026/17",
            "occurred_on": "2026-04-02"}))


def test_a_refused_contract_reaches_decisions_over_rabbitmq_as_a_review_task(make_database_url, broker, running):
    from services.decisions.application import DecisionsApplication

    contracts = ContractDesk(make_database_url("casework"))
    decisions = DecisionsApplication(make_database_url("decisions"))
    try:
        running(LogServer(contracts, account(broker, "casework")))
        reader = BrokerUpstreamLog(account(broker, "decisions"), "decisions", timeout=2)
        consumer = running(OrderedConsumer(decisions, account(broker, "decisions"), "casework", reader,
                                           retry_delay=0.01))
        wait_for(lambda: consumer.connected, what="decisions' consumer connected")
        running(OutboxRelay(contracts, account(broker, "casework")))
        person_id = str(uuid.uuid4())
        contracts.refuse(person_id)
        wait_for(lambda: decisions.review_tasks()["tasks"], what="the review task")
        [task] = decisions.review_tasks()["tasks"]
        assert (str(task["person_id"]), task["fact"]) == (person_id, "refused")
    finally:
        contracts.close()
        decisions.close()


@pytest.mark.slow
def test_the_log_server_answers_again_after_its_reply_waited_on_a_stalled_link(desk, casework, broker, running):
    """A reply written while the broker does not read (flow control, a congested link) waits as long
    as it must, and the server answers the next request: a log server that stopped answering, with
    the broker holding its requests unacknowledged, was seen once in make bench (casework stopped
    opening cases); this is one way that could happen, and it does not."""
    long_reason = "ą" * 5000  # 30 kB an event in the reply's JSON: the reply outgrows every buffer
    desk.save(*[desk.integration_event(CASE_ROUTED["casework"], {
        "case_id": str(uuid.uuid4()), "person_id": str(uuid.uuid4()), "routed_on": "2026-11-02", "urgent": False,
        "full_name": f"Długa {n}", "birth_date": None, "pesel": None, "document_number": f"DOC{n:06d}",
        "address": None, "contact": None, "routing_reason": long_reason, "reasons_for_help": ["ubostwo"]})
        for n in range(250)])
    address = urlsplit(broker.uri("intake"))
    with TcpProxy(address.hostname, address.port, receive_buffer=64 * 1024) as link:
        server = running(LogServer(desk, BrokerSettings(via(link, broker.uri("intake")), broker.accounts),
                                   max_backoff=0.5))
        wait_for(lambda: server.connected, what="the log server connected")
        reader = BrokerUpstreamLog(account(broker, "casework"), "casework", timeout=30)
        try:
            link.stall()
            eventlet.spawn_after(3, link.unstall)
            envelopes, read_up_to, _ = reader("intake", after=0)  # answered once the link moves again
            assert envelopes and read_up_to > 0
            again, _, _ = reader("intake", after=read_up_to)  # and the next request too
            # served may be 3: py-amqp's TCP_USER_TIMEOUT (1 s) drops a connection whose write waits
            # longer, and the request, unacknowledged, comes again once the server reconnects.
            assert server.served >= 2 and server.connected
        finally:
            reader.close()


def test_the_log_server_answers_a_burst_of_requests_from_its_readers(desk, broker, intake_log):
    """Requests that arrive while the server is sending a reply are each answered: a reply that
    waited for the broker's confirm inside the delivery of a request took the next requests'
    deliveries in nested, and one acknowledgement covering several replies (`multiple`) left the
    outer ones waiting for ever; intake's log server stopped answering under make bench's offered
    load, and casework stopped opening cases."""
    for n in range(20):
        desk.route(f"Osoba {n}")
    requests = 2000  # 200 did not stall it; 2,000 did, every time
    with Connection(broker.uri("casework")) as connection:
        channel = connection.default_channel
        reply_queue = channel.queue_declare(queue="", exclusive=True, auto_delete=True).queue
        channel.queue_bind(reply_queue, log_replies_exchange("intake").name, routing_key=f"casework.{reply_queue}")
        answered: set[str] = set()
        with connection.Consumer(Queue(reply_queue, no_declare=True), no_ack=True, accept=["application/json"],
                                 callbacks=[lambda body, message: answered.add(message.properties["correlation_id"])]):
            producer = connection.Producer(exchange=log_exchange("intake"), auto_declare=False)
            for n in range(requests):  # all at once, as several readers' requests meet at the server
                producer.publish(b'{"after": 0, "limit": 5}', routing_key="casework", reply_to=reply_queue,
                                 correlation_id=str(n), user_id=connection.userid, content_type="application/json")
            try:
                while len(answered) < requests:
                    connection.drain_events(timeout=10)
            except socket.timeout:
                pass  # the server stopped answering
    assert len(answered) == requests and intake_log.served == requests
