"""What a thin nameko service needs: its event store with relay and consumer, its log served
read-only to consumers filling a gap, and JSON over HTTP with named errors."""

from __future__ import annotations

import functools
import json
import logging
from datetime import date
from decimal import Decimal
from typing import Any, Callable
from uuid import UUID

import eventlet
from kombu.exceptions import OperationalError
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.web.handlers import http
from werkzeug.wrappers import Response

from shared.consumer import OrderedConsumer, UpstreamLogUnavailable
from shared.contracts import REGISTRY
from shared.envelope import Envelope
from shared.relay import OutboxRelay
from shared.store import ServiceApplication, database_url
from shared.values import InvalidDate

log = logging.getLogger(__name__)

LOG_PAGE = 500


class RpcUpstreamLog:
    """Reads an upstream's integration log over RPC (the only way to reach another team's data)."""

    def __init__(self, config: dict, consumer: str, timeout: float = 10):
        self.config = config
        self.consumer = consumer
        self.timeout = timeout
        self._cluster: ClusterRpcProxy | None = None
        self._proxy = None

    def __call__(self, upstream: str, after: int) -> tuple[list[Envelope], int]:
        try:
            if self._proxy is None:
                self._cluster = ClusterRpcProxy(self.config, timeout=self.timeout)
                self._proxy = self._cluster.start()
            page = getattr(self._proxy, upstream).integration_log(
                after=after, consumer=self.consumer, limit=LOG_PAGE
            )
            # An event breaking its contract is the upstream's fault: pause and retry, never skip.
            return [Envelope.from_json(doc) for doc in page["events"]], page["read_up_to"]
        except Exception as error:
            self.close()
            raise UpstreamLogUnavailable(f"cannot read {upstream}'s log: {type(error).__name__}: {error}") from error

    def close(self) -> None:
        if self._cluster is not None:
            try:
                self._cluster.stop()
            except Exception:  # the connection is already gone
                pass
        self._cluster = self._proxy = None


class EventStore(DependencyProvider):
    """Gives a service its eventsourcing application on its own database, and runs the
    outbox relay (if it publishes) and the ordered consumer (if it consumes)."""

    def __init__(self, application_class: type[ServiceApplication]):
        self.application_class = application_class

    def setup(self) -> None:
        config = self.container.config
        service = self.application_class.service
        url = database_url(service, config.get("DATABASE_URL"), config.get("DATA_DIR") or "var")
        self.app = self.application_class(url, **(config.get("SETTINGS") or {}))
        self.workers: list[Any] = []
        if REGISTRY.produced_by(service):
            self.workers.append(OutboxRelay(self.app, config["AMQP_URI"]))
        if REGISTRY.upstreams_of(service):
            self.upstream_log = RpcUpstreamLog(config, service)
            self.workers.append(OrderedConsumer(self.app, config["AMQP_URI"], self.upstream_log))
        self.app.workers = self.workers

    def start(self) -> None:
        self.threads = [self.container.spawn_managed_thread(worker.run) for worker in self.workers]

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        for thread in getattr(self, "threads", ()):
            # Let a message in hand finish and be acknowledged rather than be killed mid-way.
            with eventlet.Timeout(5, False):
                thread.wait()
        if hasattr(self, "upstream_log"):
            self.upstream_log.close()
        self.app.close()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx) -> ServiceApplication:
        return self.app


class Health:
    """GET /health: the service answers, and what its relay and consumer have done since start."""

    name: str
    store: ServiceApplication

    @http("GET", "/health")
    def health(self, request):
        return json_response({"service": self.name, **{w.name: w.health() for w in self.store.workers}})


class LogRpc(Rpc):
    """nameko's RPC entrypoint, except that a reply lost because the broker went away is
    only logged: nameko's own kills the whole service for it. The caller times out and
    asks again; the unacknowledged request goes back to the queue."""

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except (OperationalError, ConnectionError, OSError) as error:
            log.warning("%s: the reply to %s was lost (%s: %s)", self.container.service_name,
                        self.method_name, type(error).__name__, error)
            return result, exc_info


class ServesIntegrationLog:
    """Mixin for a publishing service: its integration log, read-only, for consumers
    filling a gap. A consumer gets only the events whose contracts name it."""

    name: str
    store: ServiceApplication

    @LogRpc.decorator
    def integration_log(self, after: int, consumer: str, limit: int = LOG_PAGE) -> dict:
        envelopes, read_up_to = self.store.log_for(consumer, after=int(after), limit=min(int(limit), LOG_PAGE))
        return {"events": [e.as_json() for e in envelopes], "read_up_to": read_up_to}


class UnknownStep(LookupError):
    """No such step of a case, a proceeding or a service."""


def run_step(steps: dict[str, Callable[[], Any]], step: str) -> Any:
    """Runs one named step of a process (an HTTP path segment) or names the steps there are."""
    if step not in steps:
        raise UnknownStep(f"no step {step!r}; steps: {', '.join(steps)}")
    return steps[step]()


def to_json(value: Any) -> Any:
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    return value


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(to_json(payload), ensure_ascii=False), status=status, mimetype="application/json")


def json_api(handler: Callable) -> Callable:
    """Runs an HTTP handler that returns (status, payload); a refused command (ValueError)
    answers 400, a missing record (LookupError) 404 and a refused reader (PermissionError)
    403, each with the error's name."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        try:
            status, payload = handler(self, request, *args, **kwargs)
        except PermissionError as error:
            return json_response({"error": type(error).__name__, "message": _message(error)}, 403)
        except LookupError as error:
            if isinstance(error, (KeyError, IndexError)):
                raise  # a bug, not a missing record
            return json_response({"error": type(error).__name__, "message": _message(error)}, 404)
        except ValueError as error:
            return json_response({"error": type(error).__name__, "message": _message(error)}, 400)
        return json_response(payload, status)

    return wrapper


def _message(error: Exception) -> str:
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)


class MalformedRequest(ValueError):
    """The request body is not a JSON object."""


def date_from(values, name: str, required: bool = True) -> date | None:
    """A date from a JSON body or query arguments."""
    value = values.get(name)
    if value in (None, ""):
        if required:
            raise InvalidDate(f"'{name}' is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidDate(f"'{name}' must be a date YYYY-MM-DD, not {value!r}") from None


def request_json(request) -> dict:
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except json.JSONDecodeError as error:
        raise MalformedRequest(f"the request body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise MalformedRequest("the request body must be a JSON object")
    return body
