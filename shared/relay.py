"""The outbox relay: publishes a service's stored integration events to RabbitMQ.

Reads the notification log from its recorded position, publishes each integration event
with publisher confirms and persistent delivery, then records the new position: at most once a
second, so within a second of its last publish, and when it stops (a record is a commit with its
sync: recorded per batch, it cost a busy service a second sync per command). A crash
between publish and record republishes (at-least-once; consumers drop duplicates). While
the broker is unreachable it backs off and retries by itself; nothing is lost because
nothing is published that is not already stored.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from amqp.exceptions import MessageNacked
from kombu import Connection, Producer

from shared.broker import (
    MAX_BACKOFF,
    OUTBOX,
    BrokerSettings,
    BrokerWorker,
    check_declared,
    dead_letter_exchange,
    events_exchange,
)
from shared.dead_letters import dead_letter_headers
from shared.envelope import CONTENT_TYPE
from shared.store import RELAY_POSITION, ServiceApplication

log = logging.getLogger(__name__)

# RabbitMQ takes messages of up to 128 MiB, but an event's data is bounded far below that by the
# services' limits on requests and texts: a larger one is a fault to see, not to send.
MAX_EVENT_BYTES = 4 * 1024 * 1024
RECORD_EVERY_S = 1.0  # while events keep coming, the relay records its position at most this often


class EventTooLarge(ValueError):
    """A stored event is larger than the broker takes; it stays in the store, unpublished."""

    safe_to_log = True

    def __init__(self, size: int, limit: int):
        super().__init__(f"{size} bytes, over the limit of {limit}")


class PublisherConfirms:
    """Publisher confirms for a whole batch: publish them all, then wait until the broker
    has acknowledged every one (waiting for each in turn would make the relay, sharing
    its process with the service's requests, as slow as the busiest of them)."""

    def __init__(self, connection: Connection, channel, timeout: float = 30.0):
        self.connection = connection
        self.timeout = timeout
        self.published = 0  # delivery tags are 1, 2, ... on the channel
        self.refused: list[int] = []
        self._unsettled: set[int] = set()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._ack)
        channel.events["basic_nack"].add(self._nack)

    def sent(self) -> None:
        self.published += 1
        self._unsettled.add(self.published)

    def _settle(self, tag: int, multiple: bool) -> list[int]:
        settled = [t for t in self._unsettled if t <= tag] if multiple else [tag]
        self._unsettled.difference_update(settled)
        return settled

    def _ack(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple)

    def _nack(self, tag: int, multiple: bool) -> None:
        self.refused += self._settle(tag, multiple)

    def wait(self) -> None:
        """Returns when every message sent is confirmed; raises if the broker refused one."""
        deadline = time.monotonic() + self.timeout
        while self._unsettled:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the broker confirmed {self.published - len(self._unsettled)} of "
                                   f"{self.published} messages in {self.timeout:.0f}s")
            try:  # short reads: py-amqp restarts its timeout on every heartbeat frame
                self.connection.drain_events(timeout=min(remaining, 1.0))
            except socket.timeout:
                pass
        if self.refused:
            raise MessageNacked(f"the broker refused {len(self.refused)} message(s)")


class OutboxRelay(BrokerWorker):
    name = "relay"
    confirm_each_publish = False  # PublisherConfirms waits for a batch's confirms at once

    def __init__(
        self,
        app: ServiceApplication,
        broker: BrokerSettings,
        batch_size: int = 200,
        poll_interval: float = 1.0,
        max_backoff: float = MAX_BACKOFF,
        max_event_bytes: int = MAX_EVENT_BYTES,
    ):
        super().__init__(app, broker, max_backoff)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_event_bytes = max_event_bytes
        self.exchange = events_exchange(app.service)
        self.published = 0  # since start, for operators and tests
        self.dead_lettered = 0
        self.position: int | None = None  # how far it has published and had confirmed (recorded soon after)
        self._wake = threading.Event()
        app.on_recorded(self._wake.set)

    def stop(self) -> None:
        super().stop()
        self._wake.set()

    def health(self) -> dict:
        return {"connected": self.connected, "published": self.published, "dead_lettered": self.dead_lettered}

    def work(self, connection: Connection) -> None:
        check_declared(connection, self.exchange, dead_letter_exchange(self.app.service))
        channel = connection.channel()
        confirms = PublisherConfirms(connection, channel)
        # The broker checks user_id against the account that sent it: consumers trust that, not the body.
        producer = Producer(channel, exchange=self.exchange, auto_declare=False)
        self.now_connected()
        self._relay(connection, producer, confirms)

    def _relay(self, connection: Connection, producer: Producer, confirms: PublisherConfirms) -> None:
        self.position = recorded = self.app.position(RELAY_POSITION)
        recorded_at = time.monotonic()
        try:
            while not self._stopped.is_set():
                published = self._publish_batch(connection, producer, confirms)
                due = RECORD_EVERY_S - (time.monotonic() - recorded_at)
                if recorded < self.position and due <= 0:
                    self.app.record_position(RELAY_POSITION, self.position)
                    recorded, recorded_at, due = self.position, time.monotonic(), RECORD_EVERY_S
                if not published:
                    connection.heartbeat_check()
                    self._wake.wait(min(self.poll_interval, due) if recorded < self.position else self.poll_interval)
                    try:  # reading finds a closed connection at once, so /health tells the truth
                        connection.drain_events(timeout=0.001)
                    except socket.timeout:
                        pass
        finally:
            if recorded < self.position:  # stopping, or the connection lost: what was confirmed is kept
                self.app.record_position(RELAY_POSITION, self.position)

    def _publish_batch(self, connection: Connection, producer: Producer, confirms: PublisherConfirms) -> bool:
        """Publishes the next batch of stored events and waits for their confirms; False when there
        was nothing after the position."""
        sender, position = connection.userid, self.position
        self._wake.clear()
        envelopes, read_up_to = self.app.integration_envelopes(after=position, limit=self.batch_size)
        too_large = 0
        for envelope in envelopes:
            body = envelope.to_bytes()
            if len(body) > self.max_event_bytes:
                self._dead_letter(producer, envelope, len(body), sender)
                too_large += 1
            else:
                producer.publish(body, routing_key=envelope.type, content_type=CONTENT_TYPE,
                                 content_encoding="utf-8", delivery_mode=2, message_id=envelope.id,
                                 user_id=sender, retry=False)
            confirms.sent()
        confirms.wait()
        if read_up_to <= position:
            return False
        self.published += len(envelopes) - too_large
        self.position = read_up_to
        return True

    def _dead_letter(self, producer: Producer, envelope, size: int, sender: str) -> None:
        """An event too large for the broker goes to the operator's queue (without its data, which
        stays in the store) and the relay goes on: one event must not stop the outbox."""
        log.error("%s relay: %s #%s is %d bytes, over the %d the broker takes; dead-lettered", self.app.service,
                  envelope.type, envelope.notification_id, size, self.max_event_bytes)
        self.dead_lettered += 1
        producer.publish(b"", exchange=dead_letter_exchange(self.app.service), routing_key=OUTBOX,
                         delivery_mode=2, user_id=sender, retry=False,
                         headers=dead_letter_headers(self.app.service, EventTooLarge(size, self.max_event_bytes),
                                                     envelope.notification_id, envelope.type))
