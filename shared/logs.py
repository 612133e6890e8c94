"""The services' logs: one JSON object per line, with the service and the request it belongs to
(the id the gateway gave the request, carried in its token), never a person's data: messages
name errors and positions, not what a record says (shared/redaction.py).

Each service's config.yaml sets this up with logging's dictConfig:
    formatters: {json: {"()": shared.logs.formatter, service: intake}}
    filters: {context: {"()": shared.logs.RequestContext}}
"""

from __future__ import annotations

import contextvars
import logging

from nameko.extensions import DependencyProvider
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def formatter(service: str) -> JsonFormatter:
    return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", static_fields={"service": service},
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})


class RequestContext(logging.Filter):
    """Adds the request id of the worker that logs (none outside a request: relay, consumers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class RequestLogging(DependencyProvider):
    """Sets the request id for everything a worker logs (a worker runs in a green thread, with
    a context of its own)."""

    def worker_setup(self, worker_ctx) -> None:
        request = worker_ctx.args[0] if worker_ctx.args else None
        staff = getattr(request, "staff", None)
        REQUEST_ID.set(getattr(staff, "request_id", None) or worker_ctx.call_id)
