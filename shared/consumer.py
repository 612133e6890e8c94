"""The ordered, idempotent consumer of upstream teams' integration events (docs/architecture.md,
"Consumers").

Per upstream: one durable single-active-consumer queue, bound by the operator's broker
definitions to the event types whose contracts name this service as a consumer. The broker
vouches for who sent a message (its validated `user_id`), not for what the message says, so:
- a message is accepted only from the upstream's own broker account, or, as a replay of a
  dead letter, from the operator's; anything else is dead-lettered and changes nothing;
- the upstream's log is the truth: a message past this service's position makes the consumer
  read the log from that position (a page at a time) and handle the log's events, so a
  position moves only as far as the log confirms; a message the log does not have is
  dead-lettered; messages already covered by a read are duplicates, acknowledged and dropped;
- handled: the policy's events and the tracking row are saved in one transaction.
On connecting, and every `catch_up_interval` while idle, it also catches up from the upstream's
log, so events published before its queue existed, or while the broker was away, arrive too;
from as far as it has read the log in this run, since the log commits in id order
(docs/architecture.md, "The store"): an idle catch-up asks only for what is new. An event whose handling keeps failing goes to
the dead-letter queue with its error, and its position is recorded so the rest flow on.
Messages are acknowledged together (`multiple`), every `prefetch // 2` and whenever the queue is
quiet for a moment: one frame for the broker to take instead of one per message; those not yet
acknowledged when the connection is lost come again, and are duplicates by then.
Infrastructure failures (database, upstream log unreachable) are not the message's fault: it
is requeued and the consumer pauses.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Protocol

from kombu import Connection, Consumer
from eventsourcing.persistence import InterfaceError, OperationalError
from kombu.message import Message

from shared.broker import (
    MAX_BACKOFF,
    BrokerSettings,
    BrokerWorker,
    check_declared,
    consumer_queue,
    dead_letter_exchange,
)
from shared.dead_letters import REPLAY_HEADER, dead_letter_headers
from shared.envelope import CONTENT_TYPE, Envelope, MalformedEnvelope, parse
from shared.redaction import describe
from shared.store import ServiceApplication

log = logging.getLogger(__name__)


class UpstreamLogUnavailable(RuntimeError):
    """The upstream's log could not be read to fill a gap; try again later."""

    safe_to_log = True


class NotInUpstreamLog(ValueError):
    """A message claims a position its upstream's log does not have: it was not published by it."""


class UnknownSender(PermissionError):
    """A message sent by a broker account other than its upstream's (or, for a replay, the operator's)."""


class TooLargeToRead(ValueError):
    """The upstream withheld an event from its log reply: it is larger than the broker takes."""


class UpstreamLog(Protocol):
    def __call__(self, upstream: str, after: int) -> tuple[list[Envelope], int, list[int]]: ...


ACK_WHEN_QUIET_S = 0.01  # handled messages are acknowledged once the queue has been quiet this long

# The store unreachable, locked or its connection lost: not the message's fault.
TRANSIENT = (OperationalError, InterfaceError, UpstreamLogUnavailable)


class OrderedConsumer(BrokerWorker):
    """Consumes one upstream's events; a service runs one per upstream, so an upstream that is
    down or slow holds up nothing but its own stream."""

    def __init__(
        self,
        app: ServiceApplication,
        broker: BrokerSettings,
        upstream: str,
        upstream_log: UpstreamLog,
        attempts: int = 3,
        retry_delay: float = 0.1,
        max_backoff: float = MAX_BACKOFF,
        prefetch: int = 100,
        catch_up_interval: float = 2.0,
    ):
        super().__init__(app, broker, max_backoff)
        self.name = f"consumer of {upstream}"
        self.upstream = upstream
        self.upstream_log = upstream_log
        self.attempts = attempts
        self.retry_delay = retry_delay
        self.prefetch = prefetch
        self.catch_up_interval = catch_up_interval
        self.handled = 0  # since start, for operators and tests
        self.dead_lettered = 0
        self.upstream_head: int | None = None  # the furthest position of the upstream's log seen
        self.log_read = 0  # how far this run has read the upstream's log and handled all of it that is ours
        self.reads_ahead = hasattr(upstream_log, "prefetch")  # the broker's reader does; tests' stand-ins need not
        self._handled: Message | None = None  # the last message handled and not yet acknowledged
        self._unacknowledged = 0

    def health(self) -> dict:
        return {"connected": self.connected, "handled": self.handled, "dead_lettered": self.dead_lettered}

    def work(self, connection: Connection) -> None:
        service, upstream = self.app.service, self.upstream
        queue = consumer_queue(service, upstream)
        check_declared(connection, dead_letter_exchange(service), queue)
        channel = connection.channel()
        channel.basic_qos(prefetch_size=0, prefetch_count=self.prefetch, a_global=False)
        consumer = Consumer(channel, queues=[queue], on_message=self._on_message)
        consumer.consume()
        self._handled, self._unacknowledged = None, 0  # delivery tags are the channel's
        self.now_connected()
        self.catch_up()
        idle_since = time.monotonic()
        try:
            while not self._stopped.is_set():
                try:
                    connection.drain_events(timeout=ACK_WHEN_QUIET_S if self._handled else 1)
                    idle_since = time.monotonic()
                except socket.timeout:
                    if self._handled:
                        self._acknowledge()
                        continue
                    connection.heartbeat_check()
                    if time.monotonic() - idle_since >= self.catch_up_interval:
                        self.catch_up()
                        idle_since = time.monotonic()
            self._acknowledge()
        finally:
            consumer.cancel()

    def _on_message(self, message: Message) -> None:
        try:
            self.receive(message.body, sender=message.properties.get("user_id"),
                         headers=message.headers or {})
        except TRANSIENT as error:
            log.warning("%s: cannot handle a message from %s now (%s); it stays queued",
                        self.app.service, self.upstream, describe(error))
            self._acknowledge()  # those handled before it
            message.requeue()
            self.backoff.wait(self._stopped)
            return
        self._handled, self._unacknowledged = message, self._unacknowledged + 1
        if self._unacknowledged >= max(1, self.prefetch // 2):
            self._acknowledge()
        self.backoff.reset()

    def _acknowledge(self) -> None:
        """Acknowledges every message handled so far on this channel, in one frame."""
        if self._handled is not None:
            self._handled.ack(multiple=True)
            self._handled, self._unacknowledged = None, 0

    # --- handling, independent of the transport --------------------------------------

    def receive(self, body: bytes, sender: str | None, headers: dict | None = None) -> None:
        headers, upstream = headers or {}, self.upstream
        accounts = self.broker.accounts
        if sender == accounts.operator and headers.get(REPLAY_HEADER):
            self.replay(headers.get("x-notification-id"))
            return
        if sender != accounts.of(upstream):
            self.dead_letter(body, UnknownSender(), notification_id=None)
            return
        try:
            envelope = parse(body)
            if envelope.producer != upstream:
                raise MalformedEnvelope(f"{envelope.type} arrived on {upstream}'s queue")
        except MalformedEnvelope as error:
            # Not an event of this system: its upstream's log still has the real one.
            self.dead_letter(body, error, notification_id=None)
            return
        self.upstream_head = max(self.upstream_head or 0, envelope.notification_id)
        last = self.app.position(upstream)
        if envelope.notification_id <= last:
            return  # handled already, from this message or the log
        # The log is the truth: read it from the position up to this event (or further, a whole
        # page, which takes in the messages queued behind this one, then cheap duplicates).
        self.read_log(after=last, until=envelope.notification_id)
        if self.app.position(upstream) < envelope.notification_id:
            error = NotInUpstreamLog(f"{upstream}'s log has no {envelope.type} #{envelope.notification_id}")
            self.dead_letter(body, error, notification_id=None, event_type=envelope.type)

    def replay(self, notification_id) -> None:
        """The operator's replay of a dead letter: the log's copy of that event, handled again."""
        upstream = self.upstream
        if not isinstance(notification_id, int) or notification_id < 1:
            self.dead_letter(b"", NotInUpstreamLog("a replay without a position"), notification_id=None)
            return
        envelopes, _, _ = self.upstream_log(upstream, notification_id - 1)
        found = [e for e in envelopes if e.notification_id == notification_id]
        if not found:
            error = NotInUpstreamLog(f"{upstream}'s log has no #{notification_id} for {self.app.service}")
            self.dead_letter(b"", error, notification_id=notification_id)
            return
        self.handle(found[0], track=False)

    def catch_up(self) -> None:
        """Reads the upstream's log past this service's position: events published before its
        queue existed, or lost on the way, arrive all the same."""
        try:
            self.read_log(after=max(self.app.position(self.upstream), self.log_read))
        except UpstreamLogUnavailable as error:
            log.info("%s: catching up with %s later (%s)", self.app.service, self.upstream, describe(error))

    def read_log(self, after: int, until: int | None = None) -> None:
        """Handles the upstream's log after a position, to its end or at least up to `until`."""
        upstream = self.upstream
        while until is None or after < until:
            envelopes, read_up_to, withheld = self.upstream_log(upstream, after)
            self.upstream_head = max(self.upstream_head or 0, read_up_to)
            if read_up_to > after and (until is None or read_up_to < until) and self.reads_ahead:
                # the page asked for next, read by the upstream while this one is handled
                self.upstream_log.prefetch(upstream, read_up_to)
            for notification_id in withheld:
                if notification_id > self.app.position(upstream):
                    self.dead_letter(b"", TooLargeToRead(), notification_id=notification_id)
                    self.app.record_position(upstream, notification_id)
            position, together = self.app.position(upstream), []
            for envelope in (e for e in envelopes if e.notification_id > position):
                if envelope.type in self.app.independent_events:
                    together.append(envelope)
                    continue
                self.handle_together(together)
                together = []
                self.handle(envelope)
            self.handle_together(together)
            self.log_read = max(self.log_read, read_up_to)
            if read_up_to <= after:
                return  # nothing more yet
            after = read_up_to

    def handle_together(self, envelopes: list[Envelope]) -> None:
        """Consecutive independent events in one transaction; one by one if that fails (a
        duplicate among them, a policy that refuses one), so each gets its retries and its
        dead letter as `handle` gives them."""
        if len(envelopes) > 1:
            try:
                self.app.process_together(envelopes)
                self.handled += len(envelopes)
                return
            except TRANSIENT:
                raise
            except Exception:  # noqa: BLE001 - each is tried again alone, and what fails is named there
                pass
        for envelope in envelopes:
            self.handle(envelope)

    def handle(self, envelope: Envelope, track: bool = True) -> None:
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
                            envelope.notification_id, attempt + 1, describe(e))
                self._stopped.wait(self.retry_delay * 2**attempt)
        # The event stays in the upstream's log; the dead letter says where, not what.
        self.dead_letter(b"", error, notification_id=envelope.notification_id, event_type=envelope.type)
        if track:
            self.app.record_position(self.upstream, envelope.notification_id)

    def dead_letter(self, body: bytes, error: Exception, notification_id: int | None,
                    event_type: str | None = None) -> None:
        upstream = self.upstream
        headers = dead_letter_headers(upstream, error, notification_id, event_type)
        self.dead_lettered += 1
        log.error("%s: dead-lettered a message from %s: %s", self.app.service, upstream, headers["x-error"])
        # A connection of its own: publishing on the consuming one, inside its delivery, would
        # wait for the confirm while deliveries queue behind it.
        with self.broker.connection() as connection:
            connection.Producer(exchange=dead_letter_exchange(self.app.service), auto_declare=False).publish(
                body, routing_key=upstream, content_type=CONTENT_TYPE, content_encoding="utf-8", delivery_mode=2,
                headers=headers, user_id=connection.userid, retry=False)
