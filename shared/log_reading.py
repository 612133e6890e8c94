"""Reading another team's log over the broker: the server runs in the publishing service, the
client in each team that consumes its events (docs/architecture.md, "Trust boundaries").

A request goes to the upstream's `<service>.log` exchange with the reader's name as routing
key, which the broker lets each account use for its own name only, and with the reader's
`user_id`, which the broker validates. The server answers the account the broker
authenticated, with the events whose contracts name that team, never what a request says
about who asks. The reply goes to `<service>.log-replies` under `<reader>.<reply queue>`: only
the reader's account may bind that key, and its reply queue is exclusive to its connection.
A request the server cannot read is answered with an error, or dropped; it never stops it.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time
import uuid
from typing import Any

from kombu import Connection, Consumer, Producer, Queue
from kombu.message import Message

from shared.broker import (
    MAX_BACKOFF,
    BrokerSettings,
    BrokerWorker,
    check_declared,
    log_exchange,
    log_readers,
    log_replies_exchange,
    log_request_queue,
    publishing_without_a_poll,
)
from shared.consumer import UpstreamLogUnavailable
from shared.envelope import Envelope, MalformedEnvelope
from shared.redaction import describe
from shared.relay import MAX_EVENT_BYTES
from shared.store import ServiceApplication

log = logging.getLogger(__name__)

LOG_PAGE = 500  # events per reply at most
MAX_REQUEST_BYTES = 1024
_REPLY_QUEUE = re.compile(r"^amq\.gen-[A-Za-z0-9_-]{1,64}$")
_ACCEPT = ("application/json",)


class MalformedLogRequest(ValueError):
    """A log request that is not {"after": N, "limit": N} from a reader of this log."""

    safe_to_log = True


def _position(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise MalformedLogRequest(f"'{what}' must be a whole number from {low} to {high}")
    return value


def read_request(body: bytes) -> tuple[int, int] | None:
    """`after` and `limit` of a log request; None for a request of the log's head, `{"head": true}`;
    MalformedLogRequest for anything else."""
    if len(body) > MAX_REQUEST_BYTES:
        raise MalformedLogRequest(f"a log request is at most {MAX_REQUEST_BYTES} bytes")
    try:
        request = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedLogRequest("a log request is a JSON object") from None
    if request == {"head": True}:
        return None
    if not isinstance(request, dict) or set(request) - {"after", "limit"}:
        raise MalformedLogRequest("a log request has 'after' and optionally 'limit' (or 'head': true), nothing else")
    return (_position(request.get("after"), "after", 0, 2**63 - 1),
            _position(request.get("limit", LOG_PAGE), "limit", 1, LOG_PAGE))


class LogServer(BrokerWorker):
    """Serves this service's log to the teams that consume its events."""

    name = "log"
    # A reply is not confirmed: one lost is asked for again when its reader's wait runs out. A reply
    # that waited for its confirm inside the request's delivery took the next requests in nested
    # waits, and one acknowledgement of several replies (`multiple`) left the outer ones waiting for
    # ever: the server stopped answering (tests/backbone, a burst of requests).
    confirm_each_publish = False

    def __init__(self, app: ServiceApplication, broker: BrokerSettings, max_backoff: float = MAX_BACKOFF,
                 max_reply_bytes: int = 2 * MAX_EVENT_BYTES):
        super().__init__(app, broker, max_backoff)
        self.readers = log_readers(app.service)
        self.max_reply_bytes = max_reply_bytes
        self.served = 0  # since start, for operators and tests
        self.refused = 0

    def health(self) -> dict:
        return {"connected": self.connected, "served": self.served, "refused": self.refused}

    def work(self, connection: Connection) -> None:
        service = self.app.service
        queues = {reader: log_request_queue(service, reader) for reader in self.readers}
        check_declared(connection, log_exchange(service), log_replies_exchange(service), *queues.values())
        channel = connection.channel()
        channel.basic_qos(prefetch_size=0, prefetch_count=10, a_global=False)
        replies = Producer(connection.channel(), exchange=log_replies_exchange(service), auto_declare=False)
        consumers = [Consumer(channel, queues=[queue], accept=None,
                              on_message=self._on_request_to(reader, replies, connection.userid))
                     for reader, queue in queues.items()]
        for consumer in consumers:
            consumer.consume()
        self.now_connected()
        try:
            while not self._stopped.is_set():
                try:
                    connection.drain_events(timeout=1)
                except socket.timeout:
                    connection.heartbeat_check()
        finally:
            for consumer in consumers:
                consumer.cancel()

    def _on_request_to(self, reader: str, replies: Producer, own_account: str):
        def on_request(message: Message) -> None:
            reply_to = message.properties.get("reply_to") or ""
            sender = self.broker.accounts.service_of(message.properties.get("user_id"))
            if sender != reader or not _REPLY_QUEUE.match(reply_to):
                # The broker's permissions make this impossible for the deployment's accounts.
                self.refused += 1
                log.warning("%s log: dropped a request on %s's queue from account %r", self.app.service, reader,
                            message.properties.get("user_id"))
                message.ack()
                return
            answer = self.answer(reader, message.body)
            replies.publish(json.dumps(answer).encode(), routing_key=f"{reader}.{reply_to}",
                            correlation_id=message.properties.get("correlation_id"), user_id=own_account,
                            content_type="application/json", retry=False)
            message.ack()

        return on_request

    def answer(self, reader: str, body: bytes) -> dict:
        """The part of the log this reader may read, or an error it can act on."""
        try:
            page = read_request(body)
        except MalformedLogRequest as error:
            self.refused += 1
            return {"error": type(error).__name__, "message": str(error)}
        try:
            if page is None:
                self.served += 1
                return {"head": self.app.recorder.max_notification_id() or 0}
            after, limit = page
            envelopes, read_up_to = self.app.log_for(reader, after=after, limit=limit)
        except Exception as error:  # the store, not the request: the reader asks again later
            log.warning("%s log: cannot read the store (%s)", self.app.service, describe(error))
            return {"error": "LogUnavailable", "message": f"{self.app.service}'s store cannot be read now"}
        events, withheld, size = [], [], 0
        for envelope in envelopes:
            doc = envelope.as_json()
            event_size = len(json.dumps(doc))
            if event_size > MAX_EVENT_BYTES:
                withheld.append(envelope.notification_id)
                continue
            if events and size + event_size > self.max_reply_bytes:
                read_up_to = envelope.notification_id - 1  # the rest in the next reply
                break
            events.append(doc)
            size += event_size
        self.served += 1
        return {"events": events, "read_up_to": read_up_to, "withheld": withheld}


class BrokerUpstreamLog:
    """Reads an upstream's log as this service's account; one connection, one exclusive reply queue."""

    def __init__(self, broker: BrokerSettings, reader: str, timeout: float = 10.0):
        self.broker = broker
        self.reader = reader
        self.timeout = timeout
        self._connection: Connection | None = None
        self._queue: str | None = None
        self._bound: set[str] = set()
        self._awaiting: str | None = None
        self._reply: Message | None = None
        self._ahead: tuple[str, int] | None = None  # the page last asked for, before it was wanted

    def __call__(self, upstream: str, after: int) -> tuple[list[Envelope], int, list[int]]:
        ahead, self._ahead = self._ahead, None
        try:
            if ahead != (upstream, after):
                self._send(upstream, {"after": after, "limit": LOG_PAGE})
            reply = self._answer(upstream)
        except Exception as error:
            self.close()
            raise UpstreamLogUnavailable(f"cannot read {upstream}'s log: {describe(error)}") from error
        if "error" in reply:
            raise UpstreamLogUnavailable(f"{upstream} answered {reply['error']}: {reply.get('message')}")
        try:
            # An event breaking its contract is the upstream's fault: pause and retry, never skip.
            envelopes = [Envelope.from_json(doc) for doc in reply["events"]]
            return envelopes, int(reply["read_up_to"]), [int(n) for n in reply.get("withheld", ())]
        except (MalformedEnvelope, KeyError, TypeError, ValueError) as error:
            raise UpstreamLogUnavailable(f"{upstream}'s log reply is not readable: {describe(error)}") from error

    def head(self, upstream: str) -> int:
        """The position the upstream's log has reached (its last notification, whatever its kind)."""
        self._ahead = None
        try:
            self._send(upstream, {"head": True})
            reply = self._answer(upstream)
        except Exception as error:
            self.close()
            raise UpstreamLogUnavailable(f"cannot read {upstream}'s log: {describe(error)}") from error
        if "head" not in reply:
            raise UpstreamLogUnavailable(f"{upstream} answered {reply.get('error')}: {reply.get('message')}")
        return int(reply["head"])

    def prefetch(self, upstream: str, after: int) -> None:
        """Asks now for the page after `after`, which the caller will ask for next: the upstream reads
        it while the caller handles the page in hand (the two run in parallel, in two processes)."""
        try:
            self._send(upstream, {"after": after, "limit": LOG_PAGE})
            self._ahead = (upstream, after)
        except Exception:  # noqa: BLE001 - the call that follows asks again, and says why it cannot
            self.close()

    def _send(self, upstream: str, request: dict) -> None:
        connection = self._connect()
        if upstream not in self._bound:
            connection.default_channel.queue_bind(self._queue, log_replies_exchange(upstream).name,
                                                  routing_key=f"{self.reader}.{self._queue}")
            self._bound.add(upstream)
        correlation_id = self._awaiting = uuid.uuid4().hex
        self._reply = None
        Producer(connection.default_channel, exchange=log_exchange(upstream), auto_declare=False).publish(
            json.dumps(request).encode(), routing_key=self.reader, reply_to=self._queue,
            correlation_id=correlation_id, user_id=connection.userid, content_type="application/json",
            expiration=self.timeout, retry=False)

    def _answer(self, upstream: str) -> dict:
        """The reply to the request last sent (a late reply to an earlier one is dropped)."""
        connection = self._connect()
        deadline = time.monotonic() + self.timeout
        while self._reply is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no answer from {upstream} in {self.timeout:.0f}s")
            try:  # short reads: py-amqp restarts its timeout on every heartbeat frame
                connection.drain_events(timeout=min(remaining, 1.0))
            except socket.timeout:
                connection.heartbeat_check()
        return json.loads(self._reply.body)

    def _connect(self) -> Connection:
        if self._connection is None:
            connection = self.broker.connection(confirm_publish=False)
            # One retry per node after 0.2 s, not kombu's 2 s: the consumer has its own back-off, and a
            # reader waiting here holds up its stream's catching up after an outage.
            connection.ensure_connection(max_retries=self.broker.nodes, interval_start=0.2)
            publishing_without_a_poll(connection)
            channel = connection.default_channel
            self._queue = channel.queue_declare(queue="", exclusive=True, auto_delete=True).queue
            Consumer(channel, queues=[Queue(self._queue, no_declare=True)], no_ack=True, accept=_ACCEPT,
                     on_message=self._on_reply).consume()
            self._connection, self._bound = connection, set()
        return self._connection

    def _on_reply(self, message: Message) -> None:
        if message.properties.get("correlation_id") == self._awaiting:
            self._reply = message  # a late reply to an abandoned request is dropped

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # the connection is already gone
                pass
        self._connection = self._queue = self._ahead = None
