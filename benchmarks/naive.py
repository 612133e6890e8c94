"""The naive pipeline `make bench` measures the backbone against: what a first nameko project
would write, and what this project's backbone must not be slower than (issue 12).

    HTTP → save → EventDispatcher → event_handler → save

Each save goes to an eventsourcing store on SQLite, as the real services' do, but the event is
published after the commit with nothing to remember it: a crash or a broker outage between
the two loses it, and nothing checks who sent it, what it holds, or whether it came twice.
Both services run as `nameko run` processes under the deployment's operator account, on the
broker virtual host the real pipeline uses in the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
import yaml
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from nameko.events import EventDispatcher, event_handler
from nameko.extensions import DependencyProvider
from nameko.web.handlers import http

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `nameko run benchmarks.naive:...` from the repository
    sys.path.insert(0, str(ROOT))

from shared.store import recorder_settings  # noqa: E402


class Routing(Aggregate):
    @event("Routed")
    def __init__(self, contact_id: str, team: str):
        self.contact_id = contact_id
        self.team = team


class Case(Aggregate):
    @staticmethod
    def create_id(case_id: str) -> uuid.UUID:
        return uuid.UUID(case_id)

    @event("Opened")
    def __init__(self, case_id: str):
        self.case_id = case_id


class Store(DependencyProvider):
    """An eventsourcing application on the SQLite file the config names."""

    def setup(self) -> None:
        self.app = Application(env=recorder_settings(self.container.config["DATABASE_URL"]))

    def stop(self) -> None:
        self.app.close()

    def get_dependency(self, worker_ctx) -> Application:
        return self.app


class NaiveIntake:
    name = "naive_intake"
    store = Store()
    dispatch = EventDispatcher()

    @http("GET", "/health")
    def health(self, request):
        return 200, "ok"

    @http("POST", "/first-contacts/<contact_id>/routings")  # the real intake's path: the same desk calls both
    def route(self, request, contact_id):
        routing = Routing(contact_id, json.loads(request.get_data())["team"])
        self.store.save(routing)
        self.dispatch("case_routed", {"case_id": str(routing.id)})  # lost if the process dies here
        return 201, json.dumps({"case_id": str(routing.id)})


class NaiveCasework:
    name = "naive_casework"
    store = Store()

    @http("GET", "/health")
    def health(self, request):
        return 200, "ok"

    @event_handler("naive_intake", "case_routed")
    def open_case(self, payload: dict) -> None:
        self.store.save(Case(payload["case_id"]))


def opened_and_routed(workdir: Path) -> tuple[dict[str, float], dict[str, float]]:
    """case id → when the routing was stored, and when the case was opened (the stores' clocks)."""
    times = []
    for service, kind in (("naive_intake", Routing.Routed), ("naive_casework", Case.Opened)):
        app = Application(env=recorder_settings(f"sqlite:///{workdir / service}.sqlite", existing=True))
        try:
            stored = (app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(None, 1_000_000))
            times.append({str(e.originator_id): e.timestamp.timestamp() for e in stored if isinstance(e, kind)})
        finally:
            app.close()
    routed, opened = times
    return routed, opened


class NaiveProcess:
    """One of the naive services as a `nameko run` process with a config of its own."""

    def __init__(self, service: str, amqp_uri: str, port: int, workdir: Path):
        self.service, self.port = service, port
        config = workdir / f"{service}.yaml"
        config.write_text(yaml.safe_dump({
            "AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "max_workers": 10,
            "DATABASE_URL": f"sqlite:///{workdir / service}.sqlite"}))
        self._log = open(workdir / f"{service}.log", "ab")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "nameko"), "run", "--config", str(config),
             f"benchmarks.naive:{'NaiveIntake' if service == 'naive_intake' else 'NaiveCasework'}"],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{service} exited; see {self._log.name}")
            try:
                if requests.get(f"{self.url}/health", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{service} did not answer in 30 s; see {self._log.name}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
