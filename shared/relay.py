"""The outbox relay: publishes a service's stored integration events to RabbitMQ.

Reads the notification log from its recorded position, publishes each integration event
with publisher confirms and persistent delivery, then records the new position. A crash
between publish and record republishes (at-least-once; consumers drop duplicates). While
the broker is unreachable it backs off and retries by itself; nothing is lost because
nothing is published that is not already stored.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time

from amqp.exceptions import MessageNacked
from kombu import Connection, Producer

from shared.broker import BrokerWorker, events_exchange
from shared.envelope import CONTENT_TYPE
from shared.store import RELAY_POSITION, ServiceApplication


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
            self.connection.drain_events(timeout=max(0.0, deadline - time.monotonic()))
        if self.refused:
            raise MessageNacked(f"the broker refused {len(self.refused)} message(s)")


class OutboxRelay(BrokerWorker):
    name = "relay"
    confirm_each_publish = False  # PublisherConfirms waits for a batch's confirms at once

    def __init__(
        self,
        app: ServiceApplication,
        amqp_uri: str,
        batch_size: int = 200,
        poll_interval: float = 1.0,
        max_backoff: float = 5.0,
    ):
        super().__init__(app, amqp_uri, max_backoff)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.exchange = events_exchange(app.service)
        self.published = 0  # since start, for operators and tests
        # Per consumer team, the last event published to it since this relay started reading.
        self._previous: dict[str, int] = {}
        self._wake = threading.Event()
        app.on_recorded(self._wake.set)

    def stop(self) -> None:
        super().stop()
        self._wake.set()

    def health(self) -> dict:
        return {"connected": self.connected, "published": self.published}

    def work(self, connection: Connection) -> None:
        channel = connection.channel()
        confirms = PublisherConfirms(connection, channel)
        producer = Producer(channel, exchange=self.exchange)
        self.exchange(channel).declare()
        self.now_connected()
        self._relay(connection, producer, confirms)

    def _relay(self, connection: Connection, producer: Producer, confirms: PublisherConfirms) -> None:
        position = self.app.position(RELAY_POSITION)
        # After a reconnection the relay publishes again from its recorded position: what it
        # sent past that may be sent again, so only stamps up to the position still hold.
        previous = self._previous = {team: sent for team, sent in self._previous.items() if sent <= position}
        while not self._stopped.is_set():
            self._wake.clear()
            envelopes, read_up_to = self.app.integration_envelopes(after=position, limit=self.batch_size)
            for envelope in envelopes:
                consumers = envelope.contract.consumers
                envelope = dataclasses.replace(envelope, previous={c: previous[c] for c in consumers if c in previous})
                previous.update(dict.fromkeys(consumers, envelope.notification_id))
                producer.publish(
                    envelope.to_bytes(),
                    routing_key=envelope.type,
                    content_type=CONTENT_TYPE,
                    content_encoding="utf-8",
                    delivery_mode=2,
                    message_id=envelope.id,
                    retry=False,
                )
                confirms.sent()
            confirms.wait()
            if read_up_to > position:
                self.app.record_position(RELAY_POSITION, read_up_to)
                self.published += len(envelopes)
                position = read_up_to
                continue
            connection.heartbeat_check()
            self._wake.wait(self.poll_interval)
            try:  # reading finds a closed connection at once, so /health tells the truth
                connection.drain_events(timeout=0.001)
            except socket.timeout:
                pass
