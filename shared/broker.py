"""The broker as this system uses it: its accounts, its topology (every exchange, queue and
binding, derived from the event contracts), and the connection the relay, the consumer and
the log server keep open, retrying with back-off while the broker is unreachable.

The topology is the operator's: `deploy/broker.py` writes it into the definitions the broker
loads at boot, and services only check that it is there (docs/architecture.md, "Trust
boundaries"). Names:

- `<service>.events`            topic exchange of a service's integration events (key = type)
- `<consumer>.<upstream>-events` a consumer's queue of one upstream's events, bound by type
- `<service>.log`               topic exchange of requests for a service's log (key = reader)
- `<service>.log-requests.<reader>` the queue of one reader's requests
- `<service>.log-replies`       topic exchange of the replies (key = `<reader>.<reply queue>`)
- `<service>.dead-letters`      direct exchange of a service's dead letters
- `<consumer>.<upstream>-events.dead-letter`, `<service>.outbox.dead-letter` their queues
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any, Mapping

from kombu import Connection, Exchange, Queue

from shared.contracts import REGISTRY
from shared.contracts.audience import UI_READER, ui_contracts
from shared.redaction import describe_with_frames

log = logging.getLogger(__name__)

OPERATOR = "operator"
OUTBOX = "outbox"  # the relay's dead letters: events it could not publish
SERVICES = ("intake", "casework", "decisions", "care", "training", "gateway")


@dataclass(frozen=True)
class Accounts:
    """Broker account names: each service its own, the operator one. A deployment may prefix
    them (several deployments, or test runs, on one broker)."""

    prefix: str = ""

    def of(self, service: str) -> str:
        return f"{self.prefix}{service}"

    @property
    def operator(self) -> str:
        return self.of(OPERATOR)

    def service_of(self, account: str | None) -> str | None:
        """The service (or 'operator') an account belongs to, or None for a stranger."""
        if not account or not account.startswith(self.prefix):
            return None
        return account[len(self.prefix):] or None


def events_exchange(service: str) -> Exchange:
    return Exchange(f"{service}.events", type="topic", durable=True)


def log_exchange(service: str) -> Exchange:
    return Exchange(f"{service}.log", type="topic", durable=True)


def log_replies_exchange(service: str) -> Exchange:
    return Exchange(f"{service}.log-replies", type="topic", durable=True)


def dead_letter_exchange(service: str) -> Exchange:
    return Exchange(f"{service}.dead-letters", type="direct", durable=True)


def queue_name(service: str, upstream: str) -> str:
    return f"{service}.{upstream}-events"


def dead_letter_queue_name(service: str, source: str) -> str:
    """Dead letters of a consumer's upstream, or (source 'outbox') of the relay."""
    return f"{service}.{OUTBOX}.dead-letter" if source == OUTBOX else f"{queue_name(service, source)}.dead-letter"


def log_request_queue_name(service: str, reader: str) -> str:
    return f"{service}.log-requests.{reader}"


def log_request_queue(service: str, reader: str) -> Queue:
    return Queue(log_request_queue_name(service, reader), durable=True, no_declare=True)


def log_readers(service: str) -> list[str]:
    """Who may read a service's log: the teams that consume its events, and the gateway for the
    events some page may show."""
    consumers = sorted({c for contract in REGISTRY.produced_by(service) for c in contract.consumers})
    gateway = [UI_READER] if ui_contracts(service) and service != UI_READER else []
    return [*consumers, *gateway]


def ui_types(service: str) -> list[str]:
    return [t for c in ui_contracts(service) for t in c.types]


def log_sources(service: str) -> list[str]:
    """The services whose logs a service reads: its upstreams, and for the gateway every one
    with events some page may show."""
    return [s for s in SERVICES if service in log_readers(s)]


def ui_feeds(service: str) -> list[str]:
    """The services whose events a service's UI feed follows live: the gateway's only."""
    return [s for s in SERVICES if s != service and ui_contracts(s)] if service == UI_READER else []


def consumer_queue(service: str, upstream: str) -> Queue:
    # One active consumer keeps order while standby instances wait to take over.
    return Queue(queue_name(service, upstream), durable=True, queue_arguments={"x-single-active-consumer": True},
                 no_declare=True)  # the operator's definitions declare it


def dead_letter_queue(service: str, source: str) -> Queue:
    return Queue(dead_letter_queue_name(service, source), exchange=dead_letter_exchange(service),
                 routing_key=source, durable=True, no_declare=True)


def dead_letter_sources(service: str) -> list[str]:
    """Where a service's dead letters come from: each upstream it consumes, and its relay."""
    sources = list(REGISTRY.upstreams_of(service))
    if REGISTRY.produced_by(service):
        sources.append(OUTBOX)
    return sources


@dataclass(frozen=True)
class Binding:
    exchange: str
    queue: str
    routing_key: str


@dataclass(frozen=True)
class Topology:
    exchanges: tuple[Exchange, ...]
    queues: tuple[Queue, ...]
    bindings: tuple[Binding, ...]


def topology(services: tuple[str, ...]) -> Topology:
    """Every exchange, queue and binding of a deployment of these services."""
    exchanges: list[Exchange] = []
    queues: list[Queue] = []
    bindings: list[Binding] = []
    for service in services:
        if REGISTRY.produced_by(service):
            exchanges.append(events_exchange(service))
        if log_readers(service):
            exchanges += [log_exchange(service), log_replies_exchange(service)]
            for reader in log_readers(service):
                queue = log_request_queue(service, reader)
                queues.append(queue)
                bindings.append(Binding(log_exchange(service).name, queue.name, reader))
        sources = dead_letter_sources(service)
        if sources:
            exchanges.append(dead_letter_exchange(service))
        for source in sources:
            queue = dead_letter_queue(service, source)
            queues.append(queue)
            bindings.append(Binding(dead_letter_exchange(service).name, queue.name, source))
        for upstream in REGISTRY.upstreams_of(service):
            queue = consumer_queue(service, upstream)
            queues.append(queue)
            # Every version's type: a producer not yet upgraded still publishes the earlier one.
            bindings += [Binding(events_exchange(upstream).name, queue.name, event_type)
                         for c in REGISTRY.consumed_by(service, producer=upstream) for event_type in c.types]
    return Topology(tuple(exchanges), tuple(queues), tuple(bindings))


class TopologyMissing(RuntimeError):
    """An exchange or queue the operator's broker definitions should have made is not there."""

    safe_to_log = True


def check_declared(connection: Connection, *entities: Exchange | Queue) -> None:
    """Checks (without creating or changing anything) that the operator's topology is there."""
    for entity in entities:
        channel = connection.channel()
        try:
            if isinstance(entity, Queue):
                channel.queue_declare(entity.name, passive=True)
            else:
                channel.exchange_declare(entity.name, entity.type, passive=True)
        except Exception as error:
            raise TopologyMissing(
                f"{type(entity).__name__.lower()} {entity.name!r} is missing on the broker: load the deployment's "
                f"definitions (python -m deploy.broker); waiting for it") from error
        finally:
            try:
                channel.close()
            except Exception:  # the broker closed it already
                pass


def ssl_options(options: Mapping[str, Any] | None) -> dict | bool:
    """kombu's TLS options from a service's config: `ca_certs` (the deployment's CA) and
    optionally `certfile`/`keyfile`; an empty mapping means no TLS."""
    if not options:
        return False
    return {"ca_certs": options["ca_certs"], "cert_reqs": ssl.CERT_REQUIRED,
            **{k: options[k] for k in ("certfile", "keyfile") if options.get(k)}}


def broker_connection(amqp_uri: str, confirm_publish: bool = True, tls: Mapping[str, Any] | None = None) -> Connection:
    # confirm_publish makes every publish wait for the broker's ack (raises on nack).
    return Connection(amqp_uri, transport_options={"confirm_publish": confirm_publish}, connect_timeout=5,
                      heartbeat=20, ssl=ssl_options(tls))


def publishing_without_a_poll(connection: Connection) -> None:
    """py-amqp polls the socket before every publish (a read that times out) to catch a
    'connection.blocked' notice, which it then only passes to a callback nobody sets: 3 % of a
    busy service's CPU for its relay and log server, and inside a delivery that poll may hand
    over the next one, nested. Every worker reads its connection itself (confirms, deliveries),
    where such a notice is still read. Only the client's own check is turned off: what was agreed
    with the broker at the handshake is unchanged."""
    connection.connection.client_properties.get("capabilities", {})["connection.blocked"] = False


# A worker tries the broker again at least this often while it is unreachable: a centre's
# broker is near, a try costs one refused connection, and after an outage the backlog must be
# cleared within seconds (tests/faults/test_chaos.py).
MAX_BACKOFF = 2.0


class Backoff:
    def __init__(self, initial: float = 0.2, maximum: float = MAX_BACKOFF):
        self.initial, self.maximum = initial, maximum
        self.delay = initial

    def reset(self) -> None:
        self.delay = self.initial

    def wait(self, stopped: threading.Event) -> None:
        stopped.wait(self.delay)
        self.delay = min(self.delay * 2, self.maximum)


@dataclass(frozen=True)
class BrokerSettings:
    """How a service reaches the broker: its own account's URI, TLS, and the deployment's
    account names (to know who sent a message)."""

    amqp_uri: str
    accounts: Accounts = Accounts()
    tls: Mapping[str, Any] | None = None

    def connection(self, confirm_publish: bool = True) -> Connection:
        return broker_connection(self.amqp_uri, confirm_publish, self.tls)

    @property
    def nodes(self) -> int:
        """How many brokers the URI names (a cluster's nodes, `;` between them): a connection tries
        each before it gives up."""
        return len(self.amqp_uri.split(";"))


class BrokerWorker:
    """Runs `work(connection)` on a live connection; reconnects after any failure."""

    name: str
    confirm_each_publish = True

    def __init__(self, app, broker: BrokerSettings, max_backoff: float = MAX_BACKOFF):
        self.app = app
        self.broker = broker
        self.backoff = Backoff(maximum=max_backoff)
        self.connected = False
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        while not self._stopped.is_set():
            started = time.monotonic()
            try:
                with self.broker.connection(self.confirm_each_publish) as connection:
                    # each node once, without kombu's pause between rounds: the back-off below
                    connection.ensure_connection(max_retries=self.broker.nodes - 1)
                    publishing_without_a_poll(connection)
                    self.work(connection)
            except Exception as error:  # broker or store unreachable: retry, never die
                self.connected = False
                if self._stopped.is_set():
                    return
                if time.monotonic() - started > 10:
                    self.backoff.reset()  # it worked for a while: start again from a short pause
                log.warning("%s %s paused (%s); retrying in %.1fs", self.app.service, self.name,
                            describe_with_frames(error), self.backoff.delay)
                self.backoff.wait(self._stopped)

    def now_connected(self) -> None:
        log.info("%s %s connected to the broker", self.app.service, self.name)
        self.connected = True

    def work(self, connection: Connection) -> None:
        raise NotImplementedError
