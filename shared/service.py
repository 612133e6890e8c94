"""What a thin nameko service needs beside its HTTP endpoints (shared/web.py): its event store,
with the outbox relay, the log server and the ordered consumer running beside it."""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Response

from shared import audit
from shared.broker import Accounts, BrokerSettings, log_readers
from shared.consumer import OrderedConsumer
from shared.contracts import REGISTRY
from shared.credentials import refuse_known_password, with_password_file
from shared.log_reading import BrokerUpstreamLog, LogServer
from shared.logs import RequestLogging
from shared.metrics import exposition
from shared.redaction import describe
from shared.relay import OutboxRelay
from shared.store import ServiceApplication, database_url
from shared.roles import AUDITOR, OPERATOR
from shared.schemas import (
    COUNT, ERASED, ERASURE, FLAG, OBJECT, TEXT, UUID, line, listed, obj, or_null, page, record, whole,
)
from shared.web import PUBLIC, api, api_document, date_from, request_json

log = logging.getLogger(__name__)


def broker_settings(config: dict) -> BrokerSettings:
    """The service's own broker account (AMQP_URI, its password from AMQP_PASSWORD_FILE), TLS
    (AMQP_CA_FILE) and the deployment's accounts."""
    uri = with_password_file("AMQP_URI", config["AMQP_URI"], config.get("AMQP_PASSWORD_FILE"))
    refuse_known_password("AMQP_URI", uri)
    ca_file = config.get("AMQP_CA_FILE")
    return BrokerSettings(uri, Accounts(config.get("BROKER_ACCOUNT_PREFIX") or ""),
                          {"ca_certs": ca_file} if ca_file else None)


class EventStore(DependencyProvider):
    """Gives a service its eventsourcing application on its own database, and runs the
    outbox relay and log server (if it publishes) and the ordered consumer (if it consumes)."""

    def __init__(self, application_class: type[ServiceApplication]):
        self.application_class = application_class

    def setup(self) -> None:
        config = self.container.config
        service = self.application_class.service
        data_dir = config.get("DATA_DIR") or "var"
        url = with_password_file("DATABASE_URL", database_url(service, config.get("DATABASE_URL"), data_dir),
                                 config.get("DATABASE_PASSWORD_FILE"))
        refuse_known_password("DATABASE_URL", url)
        broker = broker_settings(config)
        secrets_dir = config.get("SECRETS_DIR") or Path(data_dir) / "secrets"
        self.app = self.application_class(url, secrets_dir=secrets_dir,
                                          store_key_file=config.get("STORE_KEY_FILE") or None,
                                          **(config.get("SETTINGS") or {}))
        self.workers: list[Any] = []
        if REGISTRY.produced_by(service):
            self.workers.append(OutboxRelay(self.app, broker))
        if log_readers(service):
            self.workers.append(LogServer(self.app, broker))
        self.upstream_logs = [BrokerUpstreamLog(broker, service) for _ in REGISTRY.upstreams_of(service)]
        self.workers += [OrderedConsumer(self.app, broker, upstream, log)
                         for upstream, log in zip(REGISTRY.upstreams_of(service), self.upstream_logs)]
        self.app.workers = self.workers

    def start(self) -> None:
        self.threads = [self.container.spawn_managed_thread(worker.run) for worker in self.workers]
        self.container.spawn_managed_thread(self._read_models_current)

    def _read_models_current(self) -> None:
        """Brings the read models up to date now, not in the first request: after an upgrade that
        changes a view's shape, rebuilding it from a large log takes a while (a request meanwhile
        waits for it, as before)."""
        for read_model in self.app.read_models():
            try:
                read_model.current()
            except Exception as error:  # noqa: BLE001 - the first query tries again, and says why
                log.warning("%s: read model not brought up to date at start (%s)", self.app.service,
                            describe(error))

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        for thread in getattr(self, "threads", ()):
            # Let a message in hand finish and be acknowledged rather than be killed mid-way.
            with eventlet.Timeout(5, False):
                thread.wait()
        for upstream_log in self.upstream_logs:
            upstream_log.close()
        self.app.close()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx) -> ServiceApplication:
        return self.app


# ?person_id=&staff_id=&after=&limit=: a page of the reads, 'after' a position (0: from the start), at
# most 'limit' reads (1–500).
ACCESS_LOG_QUERY = obj(person_id=UUID, staff_id=line(100), after=whole(0, 2**62), limit=whole(1, 500))
ACCESS_LOG = record(["reads", "next_after"], reads=listed(record(["position"], position=COUNT)),
                    next_after=or_null(COUNT))
HEALTH = record(["service", "status", "store"], service=TEXT, status={"enum": ["ok", "degraded", "failing"]},
                store=record(["answers"], answers=FLAG, head=COUNT))


class PersonErasure:
    """For the operator only: POST /persons/<id>/erasure destroys the person's key in this service's
    store at the end of the retention period (docs/architecture.md, "Erasure"): the operator, who
    keeps the stores, carries out what the centre decided, with its legal ground."""

    store: ServiceApplication

    @api("POST", "/persons/<uuid:person_id>/erasure", roles={OPERATOR}, body=ERASURE, answer=ERASED)
    def erase_person(self, request, person_id):
        body = request_json(request)
        erased_on = date_from(body, "erased_on")
        self.store.erase(person_id, ground=body.get("ground") or "", erased_on=erased_on, erased_by=request.staff.name)
        return 200, {"person_id": person_id, "erased_on": erased_on}


class AccessLog:
    """For the auditor only: GET /access-log, who read which person's file in this service
    (?person_id= answers a person's access request; ?staff_id= one member of staff's reads);
    GET /audit-export, the whole log as the hash-chained file `python -m shared.audit verify`
    checks (its final hash also in the X-Audit-Final-Hash header: keep it apart from the file)."""

    name: str
    store: ServiceApplication

    @api("GET", "/access-log", roles={AUDITOR}, query=ACCESS_LOG_QUERY, answer=ACCESS_LOG)
    def access_log(self, request):
        args = request.args
        return 200, self.store.access_log(person_id=args.get("person_id") or None, staff_id=args.get("staff_id") or None,
                                          after=args.get("after", 0, type=int), limit=args.get("limit", 100, type=int))

    @api("GET", "/audit-export", roles={AUDITOR}, answer=page("application/x-ndjson"))
    def audit_export(self, request):
        self.store.record_read(request.staff, "the whole log (audit export)", [], [])
        folder = Path(tempfile.mkdtemp(prefix="audit-export-"))
        path = folder / f"{self.name}.jsonl"
        count, final_hash = audit.export(self.store, path)  # on disk, not in memory: a log only grows

        def chunks():
            try:
                with open(path, "rb") as file:
                    while chunk := file.read(65536):
                        yield chunk
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        return Response(chunks(), content_type="application/x-ndjson", headers={
            "Content-Disposition": f'attachment; filename="{self.name}-{date.today().isoformat()}.jsonl"',
            "X-Audit-Final-Hash": final_hash, "X-Audit-Events": str(count)})


class Health:
    """GET /health: whether the service can work (its store answers, its workers are connected
    to the broker) and what its relay, log server and consumers have done since start; GET
    /metrics: the same and the store's positions for Prometheus. Both name no one."""

    name: str
    store: ServiceApplication
    request_logging = RequestLogging()

    @api("GET", "/health", roles=PUBLIC, answer=HEALTH)
    def health(self, request):
        workers = {w.name: w.health() for w in self.store.workers}
        try:
            store = {"answers": True, "head": self.store.answering()}
        except Exception as error:  # the database is down or unreachable: the service cannot work
            log.error("%s: the store does not answer: %s", self.name, describe(error))
            return 503, {"service": self.name, "status": "failing", "store": {"answers": False}, **workers}
        status = "ok" if all(w["connected"] for w in workers.values()) else "degraded"
        return 200, {"service": self.name, "status": status, "store": store, **workers}

    @api("GET", "/openapi.json", roles=PUBLIC, answer=record(["openapi", "paths"], openapi=TEXT, paths=OBJECT))
    def openapi(self, request):
        """This service's endpoints, the roles each allows and the schema of each request body."""
        return 200, api_document(type(self), f"OPS {self.name}")

    @api("GET", "/metrics", roles=PUBLIC, answer=page("text/plain"))
    def metrics(self, request):
        body, content_type = exposition(self.store)
        return Response(body, content_type=content_type)
