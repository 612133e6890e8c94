"""The ordered, idempotent consumer of upstream teams' integration events (DESIGN.md invariant 4).

Per upstream: one durable single-active-consumer queue bound to the event types whose
contracts name this service as a consumer. Each message is handled in notification order:
- at or below the recorded position: a duplicate, acknowledged and dropped;
- right after it (its `prev<team>` stamp names the position handled last): handled at once;
- otherwise past a gap: the gap is filled from the upstream's own log, never skipped, and
  the log's copy of the events is what is handled (a message the log lacks is dead-lettered);
- handled: the policy's events and the tracking row are saved in one transaction.
On connecting, and when idle, it also catches up from the upstream's log, so events
published before its queue existed arrive too. A message whose handling keeps failing goes to the dead-letter queue with its error, and
its position is recorded so the rest flow on. Infrastructure failures (database, upstream
log unreachable) are not the message's fault: it is requeued and the consumer pauses.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from datetime import datetime, timezone
from typing import Callable, Protocol

from kombu import Connection, Consumer, Queue, binding
from kombu.message import Message
from sqlalchemy.exc import DBAPIError

from shared.broker import BrokerWorker, broker_connection, events_exchange
from shared.contracts import REGISTRY
from shared.envelope import CONTENT_TYPE, Envelope, MalformedEnvelope, parse
from shared.store import ServiceApplication

log = logging.getLogger(__name__)

REPLAY_HEADER = "x-replay"


class UpstreamLogUnavailable(RuntimeError):
    """The upstream's log could not be read to fill a gap; try again later."""


class NotInUpstreamLog(ValueError):
    """A message claims a position its upstream's log does not have: it was not published by it."""


class UpstreamLog(Protocol):
    def __call__(self, upstream: str, after: int) -> tuple[list[Envelope], int]: ...


TRANSIENT = (DBAPIError, UpstreamLogUnavailable)


def queue_name(service: str, upstream: str) -> str:
    return f"{service}.{upstream}-events"


def dead_letter_queue_name(service: str, upstream: str) -> str:
    return f"{queue_name(service, upstream)}.dead-letter"


def upstream_queues(service: str) -> dict[str, tuple[Queue, Queue]]:
    """The consumer's queue and dead-letter queue for each upstream it consumes."""
    queues = {}
    for upstream in REGISTRY.upstreams_of(service):
        exchange = events_exchange(upstream)
        bindings = [c.type for c in REGISTRY.consumed_by(service, producer=upstream)]
        queue = Queue(
            queue_name(service, upstream),
            durable=True,
            # One active consumer keeps order while standby instances wait to take over.
            queue_arguments={"x-single-active-consumer": True},
            bindings=[binding(exchange, routing_key=t) for t in bindings],
        )
        dead_letters = Queue(dead_letter_queue_name(service, upstream), durable=True)
        queues[upstream] = (queue, dead_letters)
    return queues


class OrderedConsumer(BrokerWorker):
    name = "consumer"

    def __init__(
        self,
        app: ServiceApplication,
        amqp_uri: str,
        upstream_log: UpstreamLog,
        attempts: int = 3,
        retry_delay: float = 0.1,
        max_backoff: float = 5.0,
        prefetch: int = 100,
        catch_up_interval: float = 30.0,
    ):
        super().__init__(app, amqp_uri, max_backoff)
        self.upstream_log = upstream_log
        self.attempts = attempts
        self.retry_delay = retry_delay
        self.prefetch = prefetch
        self.catch_up_interval = catch_up_interval
        self.queues = upstream_queues(app.service)
        self.handled = 0  # since start, for operators and tests
        self.dead_lettered = 0

    def health(self) -> dict:
        return {"connected": self.connected, "handled": self.handled, "dead_lettered": self.dead_lettered}

    def work(self, connection: Connection) -> None:
        channel = connection.channel()
        channel.basic_qos(prefetch_size=0, prefetch_count=self.prefetch, a_global=False)
        consumers = []
        for upstream, (queue, dead_letters) in self.queues.items():
            queue(channel).declare()
            dead_letters(channel).declare()
            consumers.append(Consumer(channel, queues=[queue], on_message=self._on_message_from(upstream)))
        for consumer in consumers:
            consumer.consume()
        self.now_connected()
        self.catch_up()
        idle_since = time.monotonic()
        try:
            while not self._stopped.is_set():
                try:
                    connection.drain_events(timeout=1)
                    idle_since = time.monotonic()
                except socket.timeout:
                    connection.heartbeat_check()
                    if time.monotonic() - idle_since >= self.catch_up_interval:
                        self.catch_up()
                        idle_since = time.monotonic()
        finally:
            for consumer in consumers:
                consumer.cancel()

    def _on_message_from(self, upstream: str) -> Callable[[Message], None]:
        def on_message(message: Message) -> None:
            try:
                self.receive(upstream, message.body, replay=bool((message.headers or {}).get(REPLAY_HEADER)))
            except TRANSIENT as error:
                log.warning("%s: cannot handle a message from %s now (%s); it stays queued",
                            self.app.service, upstream, error)
                message.requeue()
                self.backoff.wait(self._stopped)
                return
            message.ack()
            self.backoff.reset()

        return on_message

    # --- handling, independent of the transport --------------------------------------

    def receive(self, upstream: str, body: bytes, replay: bool = False) -> None:
        try:
            envelope = parse(body)
            if envelope.producer != upstream:
                raise MalformedEnvelope(f"{envelope.type} arrived on {upstream}'s queue")
        except MalformedEnvelope as error:
            # Not an event of this system: its upstream's log still has the real one.
            self.dead_letter(upstream, body, error, notification_id=None)
            return
        if replay:
            self.handle(upstream, envelope, track=False)
            return
        last = self.app.position(upstream)
        if envelope.notification_id <= last:
            return
        if envelope.notification_id == last + 1 or envelope.previous.get(self.app.service) == last:
            self.handle(upstream, envelope)  # the next one for this team: no gap
            return
        # A gap (as a rule: the upstream's own domain events sit between its published ones).
        # Its log is the truth; reading it by whole pages past this event also takes in the
        # messages queued behind it, which then arrive as cheap duplicates.
        self.read_log(upstream, after=last, until=envelope.notification_id)
        if self.app.position(upstream) < envelope.notification_id:
            error = NotInUpstreamLog(f"{upstream}'s log has no {envelope.type} #{envelope.notification_id}")
            self.dead_letter(upstream, body, error, notification_id=None)

    def catch_up(self) -> None:
        """Reads every upstream's log past this service's position: events published before
        its queue existed, or lost on the way, arrive all the same."""
        for upstream in self.queues:
            try:
                self.read_log(upstream, after=self.app.position(upstream))
            except UpstreamLogUnavailable as error:
                log.info("%s: catching up with %s later (%s)", self.app.service, upstream, error)

    def read_log(self, upstream: str, after: int, until: int | None = None) -> None:
        """Handles the upstream's log after a position, to its end or at least up to `until`."""
        while until is None or after < until:
            envelopes, read_up_to = self.upstream_log(upstream, after)
            for envelope in envelopes:
                if envelope.notification_id > self.app.position(upstream):
                    self.handle(upstream, envelope)
            if read_up_to <= after:
                return  # nothing more yet
            after = read_up_to

    def handle(self, upstream: str, envelope: Envelope, track: bool = True) -> None:
        error: Exception | None = None
        for attempt in range(self.attempts):
            try:
                self.app.process(envelope, track=track)
                self.handled += 1
                return
            except TRANSIENT:
                raise
            except Exception as e:  # the policy refused or failed: retry, then dead-letter
                error = e
                log.warning("%s: %s #%s failed (attempt %d): %s", self.app.service, envelope.type,
                            envelope.notification_id, attempt + 1, e)
                self._stopped.wait(self.retry_delay * 2**attempt)
        self.dead_letter(upstream, envelope.to_bytes(), error, notification_id=envelope.notification_id)
        if track:
            self.app.record_position(upstream, envelope.notification_id)

    def dead_letter(self, upstream: str, body: bytes, error: Exception, notification_id: int | None) -> None:
        _, dead_letters = self.queues[upstream]
        headers = {
            "x-dead-letter-id": str(uuid.uuid4()),
            "x-upstream": upstream,
            "x-error": f"{type(error).__name__}: {error}",
            "x-failed-at": datetime.now(timezone.utc).isoformat(),
        }
        if notification_id is not None:
            headers["x-notification-id"] = notification_id
        self.dead_lettered += 1
        log.error("%s: dead-lettered a message from %s: %s", self.app.service, upstream, headers["x-error"])
        with broker_connection(self.amqp_uri) as connection:
            connection.Producer().publish(
                body,
                exchange="",
                routing_key=dead_letters.name,
                declare=[dead_letters],
                content_type=CONTENT_TYPE,
                content_encoding="utf-8",
                delivery_mode=2,
                headers=headers,
                retry=False,
            )
