"""The centre's services as separate processes for end-to-end and fault tests."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from deploy.broker import LocalDeployment
from deploy.launcher import ServiceProcess
from tests.support.people import LEADER, pesel_for
from tests.support.tcp_proxy import TcpProxy

TODAY = "2026-11-02"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def via(proxy: TcpProxy, amqp_uri: str) -> str:
    parts = urlsplit(amqp_uri)
    credentials = parts.netloc.rsplit("@", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{proxy.port}"))


@dataclass
class Centre:
    broker: LocalDeployment
    data_dir: Path
    database_urls: dict[str, str]
    proxies: dict[str, TcpProxy] = field(default_factory=dict)  # a service's broker connection through a proxy
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    def amqp_uri(self, service: str) -> str:
        uri = self.broker.uri(service)
        return via(self.proxies[service], uri) if service in self.proxies else uri

    def start(self, service: str) -> ServiceProcess:
        process = self.processes.get(service) or ServiceProcess(
            service, self.amqp_uri(service), free_port(), self.data_dir, self.database_urls[service],
            broker_account_prefix=self.broker.accounts.prefix)
        self.processes[service] = process.start()
        return process

    def url(self, service: str) -> str:
        return self.processes[service].url

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    # --- what a first-contact officer does -------------------------------------------

    def register(self, full_name: str, number: int, **extra) -> str:
        response = requests.post(f"{self.url('intake')}/persons", json={
            "full_name": full_name, "pesel": pesel_for(number), "registered_on": TODAY, **extra}, timeout=10)
        assert response.status_code in (200, 201), response.text
        return response.json()["person_id"]

    def talk(self, person_id: str, **extra) -> str:
        body = {"held_on": TODAY, "officer": "K. Zielińska", "reasons_for_help": ["ubostwo"],
                "help_requested": ["praca_socjalna"], **extra}
        response = requests.post(f"{self.url('intake')}/persons/{person_id}/first-contacts", json=body, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["contact_id"]

    def route(self, contact_id: str, team: str = "casework", reason: str = "wsparcie rodziny") -> requests.Response:
        return requests.post(f"{self.url('intake')}/first-contacts/{contact_id}/routings",
                             json={"team": team, "reason": reason, "routed_on": TODAY}, timeout=10)

    def first_contact_to_casework(self, full_name: str, number: int) -> str:
        response = self.route(self.talk(self.register(full_name, number)))
        assert response.status_code == 201, response.text
        return response.json()["case_id"]

    def open_cases(self) -> list[dict]:
        return requests.get(f"{self.url('casework')}/cases/open", headers={"X-Staff": LEADER}, timeout=10).json()
