"""What the relay and the consumer share: a broker connection they keep open, retrying
with back-off while the broker (or the store) is unreachable, until they are stopped."""

from __future__ import annotations

import logging
import threading
import time

from kombu import Connection, Exchange

from shared.store import ServiceApplication

log = logging.getLogger(__name__)


def events_exchange(service: str) -> Exchange:
    return Exchange(f"{service}.events", type="topic", durable=True)


def broker_connection(amqp_uri: str, confirm_publish: bool = True) -> Connection:
    # confirm_publish makes every publish wait for the broker's ack (raises on nack).
    return Connection(amqp_uri, transport_options={"confirm_publish": confirm_publish}, connect_timeout=5,
                      heartbeat=20)


class Backoff:
    def __init__(self, initial: float = 0.2, maximum: float = 5.0):
        self.initial, self.maximum = initial, maximum
        self.delay = initial

    def reset(self) -> None:
        self.delay = self.initial

    def wait(self, stopped: threading.Event) -> None:
        stopped.wait(self.delay)
        self.delay = min(self.delay * 2, self.maximum)


class BrokerWorker:
    """Runs `work(connection)` on a live connection; reconnects after any failure."""

    name: str
    confirm_each_publish = True

    def __init__(self, app: ServiceApplication, amqp_uri: str, max_backoff: float = 5.0):
        self.app = app
        self.amqp_uri = amqp_uri
        self.backoff = Backoff(maximum=max_backoff)
        self.connected = False
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        while not self._stopped.is_set():
            started = time.monotonic()
            try:
                with broker_connection(self.amqp_uri, self.confirm_each_publish) as connection:
                    connection.ensure_connection(max_retries=1)
                    self.work(connection)
            except Exception as error:  # broker or store unreachable: retry, never die
                self.connected = False
                if self._stopped.is_set():
                    return
                if time.monotonic() - started > 10:
                    self.backoff.reset()  # it worked for a while: start again from a short pause
                log.warning("%s %s paused (%s: %s); retrying in %.1fs", self.app.service, self.name,
                            type(error).__name__, error, self.backoff.delay)
                self.backoff.wait(self._stopped)

    def now_connected(self) -> None:
        log.info("%s %s connected to the broker", self.app.service, self.name)
        self.connected = True

    def work(self, connection: Connection) -> None:
        raise NotImplementedError
