"""The live event stream for UI clients: `GET /events` at the gateway (server-sent events).

The gateway follows every service's log for the events some page may show (`UiFeed`, one per
upstream, its own exclusive queue as a wake-up and the upstream's log as the truth, read as
the gateway's own account), and fans each event out to the signed-in sessions whose roles its
contract's audience names (`shared/contracts/audience.py`).

Each event's SSE id is the client's position in every upstream's log ("intake:12;casework:5").
A client that comes back with `Last-Event-ID` is given, from the upstreams' logs, exactly what
came after that position and then the live events, so a dropped connection, or a restarted
gateway, loses nothing and repeats nothing. A client too slow to keep up (its buffer full) is
told to come back with its last id and is disconnected; the others are not held up. Signing
out ends the session's streams.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import eventlet
from eventlet.queue import Empty, Full, LightQueue
from kombu import Connection, Consumer, Queue
from kombu.message import Message

from nameko.extensions import DependencyProvider

from shared.broker import MAX_BACKOFF, BrokerSettings, BrokerWorker, events_exchange, ui_feeds, ui_types
from shared.consumer import UpstreamLogUnavailable
from shared.contracts.audience import UI_READER, visible
from shared.envelope import Envelope
from shared.identity import Staff
from shared.log_reading import BrokerUpstreamLog
from shared.redaction import describe
from shared.service import EventStore, broker_settings

log = logging.getLogger(__name__)

BUFFER = 1000  # events a client may fall behind before it is told to come back
HEARTBEAT_S = 15.0
Positions = dict[str, int]


class MalformedPosition(ValueError):
    """A Last-Event-ID that is not a position this gateway gave: 'service:number;...'."""


def encode(positions: Positions) -> str:
    return ";".join(f"{u}:{n}" for u, n in sorted(positions.items()))


def decode(text: str, upstreams: list[str]) -> Positions:
    positions = {}
    for part in filter(None, (text or "").split(";")):
        upstream, _, number = part.partition(":")
        if upstream not in upstreams or not number.isdigit():
            raise MalformedPosition(f"{part!r} is not a position of this stream; reconnect without Last-Event-ID")
        positions[upstream] = int(number)
    return positions


@dataclass(eq=False)
class Subscription:
    staff: Staff
    session_token: str
    events: LightQueue = field(default_factory=lambda: LightQueue(BUFFER))
    overflowed: bool = False
    closed: bool = False

    def takes(self, envelope: Envelope) -> bool:
        return not self.closed and visible(envelope.type, self.staff.roles)

    def offer(self, upstream: str, envelope: Envelope, encoded: str) -> None:
        self._put((upstream, envelope, encoded))

    def found(self, upstream: str, head: int) -> None:
        """Where a service's log stood when the gateway first reached it (it was not answering before)."""
        if not self.closed:
            self._put((upstream, head, None))

    def _put(self, item) -> None:
        try:
            self.events.put_nowait(item)
        except Full:
            self.overflowed = True
            self.close()

    def close(self) -> None:
        self.closed = True
        try:
            self.events.put_nowait(None)  # wakes the stream up
        except Full:
            pass


class Hub:
    """Where the feeds publish and the streams listen: how far each upstream's log has been read."""

    def __init__(self):
        self.heads: Positions = {}
        self.subscriptions: set[Subscription] = set()

    def publish(self, upstream: str, envelope: Envelope) -> None:
        takers = [subscription for subscription in self.subscriptions if subscription.takes(envelope)]
        if takers:
            encoded = envelope.to_bytes().decode()  # once, however many streams carry it; none, when nobody may
            for subscription in takers:
                subscription.offer(upstream, envelope, encoded)
        self.heads[upstream] = max(self.heads.get(upstream, 0), envelope.notification_id)

    def advance(self, upstream: str, position: int) -> None:
        if upstream not in self.heads:
            for subscription in list(self.subscriptions):
                subscription.found(upstream, position)
        self.heads[upstream] = max(self.heads.get(upstream, 0), position)

    def subscribe(self, staff: Staff, session_token: str) -> Subscription:
        subscription = Subscription(staff, session_token)
        self.subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self.subscriptions.discard(subscription)

    def end_session(self, session_token: str) -> None:
        for subscription in list(self.subscriptions):
            if subscription.session_token == session_token:
                subscription.close()


def sse(event_id: str, event: str, data: str) -> bytes:
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n".encode()


class UiStream:
    """One client's stream: the replay from its position, then the live events."""

    def __init__(self, hub: Hub, subscription: Subscription, start: Positions, reader: Callable[[], BrokerUpstreamLog],
                 still_signed_in: Callable[[], bool]):
        self.hub = hub
        self.subscription = subscription
        self.positions = dict(start)
        self.reader = reader
        self.still_signed_in = still_signed_in
        self.upto = dict(hub.heads)  # what the replay reads; the live events take over from there

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield b"retry: 2000\n\n"
            yield from self._replay()
            yield sse(encode(self.positions), "ready", json.dumps({"positions": self.positions}))
            yield from self._live()
        finally:
            self.hub.unsubscribe(self.subscription)

    def _event(self, upstream: str, envelope: Envelope, encoded: str | None = None) -> bytes:
        self.positions[upstream] = envelope.notification_id
        return sse(encode(self.positions), envelope.type, encoded or envelope.to_bytes().decode())

    def _replay(self) -> Iterator[bytes]:
        behind = {u: p for u, p in self.positions.items() if p < self.upto.get(u, 0)}
        if not behind:
            return
        reader = self.reader()
        try:
            for upstream, after in behind.items():
                while after < self.upto[upstream]:
                    envelopes, read_up_to, _ = reader(upstream, after)
                    for envelope in envelopes:
                        if envelope.notification_id > self.upto[upstream]:
                            break  # the live events carry on from here
                        if visible(envelope.type, self.subscription.staff.roles):
                            yield self._event(upstream, envelope)
                    if read_up_to <= after:
                        break
                    after = min(read_up_to, self.upto[upstream])
                    self.positions[upstream] = max(self.positions[upstream], after)
        finally:
            reader.close()

    def _live(self) -> Iterator[bytes]:
        while True:
            try:
                # Closed while its buffer was full (the closing mark did not fit): once drained it
                # ends here, never moving its position past the events it did not get.
                item = None if self.subscription.closed and self.subscription.events.empty() else \
                    self.subscription.events.get(timeout=HEARTBEAT_S)
            except Empty:
                if self.subscription.closed:
                    continue
                if not self.still_signed_in():
                    return
                if self.hub.heads != self.positions and self.subscription.events.empty():
                    # Nothing this client may see came since: its position moves on all the same,
                    # so a reconnection does not read what it never gets again.
                    self.positions.update(self.hub.heads)
                    yield sse(encode(self.positions), "position", "{}")
                else:
                    yield b": still here\n\n"
                continue
            if item is None:  # closed: signed out, or too slow
                if self.subscription.overflowed:
                    yield sse(encode(self.positions), "resume", json.dumps(
                        {"reason": "too far behind: reconnect with Last-Event-ID"}))
                return
            upstream, envelope, encoded = item
            if isinstance(envelope, int):  # a service the gateway reached only now: from here on
                self.positions.setdefault(upstream, envelope)
                yield sse(encode(self.positions), "position", "{}")
            elif envelope.notification_id > self.positions.get(upstream, 0):
                yield self._event(upstream, envelope, encoded)


class UiFeed(BrokerWorker):
    """Follows one upstream's log for the UIs: its own exclusive queue bound to the event types
    some page may show wakes it; it reads the log (as the gateway) and publishes to the hub."""

    def __init__(self, app, broker: BrokerSettings, upstream: str, hub: Hub, max_backoff: float = MAX_BACKOFF,
                 catch_up_interval: float = 10.0):
        super().__init__(app, broker, max_backoff)
        self.name = f"feed of {upstream}"
        self.upstream = upstream
        self.hub = hub
        self.catch_up_interval = catch_up_interval
        self.log = BrokerUpstreamLog(broker, UI_READER)
        self.published = 0

    def health(self) -> dict:
        return {"connected": self.connected, "published": self.published,
                "position": self.hub.heads.get(self.upstream)}

    def stop(self) -> None:
        super().stop()
        self.log.close()

    def work(self, connection: Connection) -> None:
        if self.upstream not in self.hub.heads:  # start at the log's end: older events are read on resume
            self.hub.advance(self.upstream, self.log.head(self.upstream))
        channel = connection.channel()
        name = channel.queue_declare(queue="", exclusive=True, auto_delete=True).queue
        for event_type in ui_types(self.upstream):
            channel.queue_bind(name, events_exchange(self.upstream).name, routing_key=event_type)
        consumer = Consumer(channel, queues=[Queue(name, no_declare=True)], on_message=self._on_message,
                            accept=None, no_ack=True)
        consumer.consume()
        self.now_connected()
        self.catch_up()  # what came while this queue did not exist
        idle_since = time.monotonic()
        while not self._stopped.is_set():
            try:
                connection.drain_events(timeout=1)
                idle_since = time.monotonic()
            except socket.timeout:
                connection.heartbeat_check()
                if time.monotonic() - idle_since >= self.catch_up_interval:
                    self.catch_up()
                    idle_since = time.monotonic()

    def _on_message(self, message: Message) -> None:
        if message.properties.get("user_id") != self.broker.accounts.of(self.upstream):
            log.warning("gateway: dropped a message on the %s feed from account %r", self.upstream,
                        message.properties.get("user_id"))
            return
        try:
            notification_id = int(json.loads(message.body)["notificationid"])
        except (ValueError, KeyError, TypeError):
            return
        if notification_id > self.hub.heads.get(self.upstream, 0):
            self.catch_up(until=notification_id)  # the log, not the message, is what the pages are given

    def catch_up(self, until: int | None = None) -> None:
        """Reads the upstream's log past the hub's head: to its end, or at least up to `until` (a
        message's position). A page reaching the message is enough: one more read, to find the log
        ends there, would be one more request to the upstream for every message."""
        after = self.hub.heads.get(self.upstream, 0)
        try:
            while until is None or after < until:
                envelopes, read_up_to, _ = self.log(self.upstream, after)
                for envelope in envelopes:
                    if envelope.notification_id > self.hub.heads.get(self.upstream, 0):
                        self.hub.publish(self.upstream, envelope)
                        self.published += 1
                if read_up_to <= after:
                    return
                self.hub.advance(self.upstream, read_up_to)
                after = read_up_to
                eventlet.sleep(0)  # let the streams write between pages
        except UpstreamLogUnavailable as error:
            log.info("gateway: the %s feed catches up later (%s)", self.upstream, describe(error))


class EventStream(DependencyProvider):
    """The hub and one feed per upstream, running beside the gateway."""

    def setup(self) -> None:
        self.hub = Hub()
        self.upstreams = ui_feeds(UI_READER)
        self.broker = broker_settings(self.container.config)
        self.feeds: list[UiFeed] = []

    def start(self) -> None:
        # The store is set up by now (extensions are set up in no set order, all before any starts).
        store = next(d for d in self.container.dependencies if isinstance(d, EventStore))
        self.feeds = [UiFeed(store.app, self.broker, upstream, self.hub) for upstream in self.upstreams]
        store.app.workers = [*store.app.workers, *self.feeds]
        self.threads = [self.container.spawn_managed_thread(feed.run) for feed in self.feeds]

    def stop(self) -> None:
        for feed in self.feeds:
            feed.stop()
        for subscription in list(self.hub.subscriptions):
            subscription.close()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx) -> "EventStream":
        return self

    def open(self, staff: Staff, session_token: str, last_event_id: str | None,
             still_signed_in: Callable[[], bool]) -> UiStream:
        """A stream for this member of staff, from their last position (or from now). A service the
        gateway has not reached yet joins the stream when it answers."""
        start = {**self.hub.heads, **decode(last_event_id or "", self.upstreams)}
        subscription = self.hub.subscribe(staff, session_token)
        return UiStream(self.hub, subscription, start, lambda: BrokerUpstreamLog(self.broker, UI_READER),
                        still_signed_in)
