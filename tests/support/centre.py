"""The centre's services as separate processes for end-to-end and fault tests."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from deploy.broker import SERVICES, LocalDeployment
from deploy.client import StaffClient
from deploy.launcher import ServiceProcess, demo_environment
from deploy.staff import BY_ROLE, seed_demo_accounts
from shared.identity import signing_key
from shared.roles import FIRST_CONTACT_OFFICER, SOCIAL_WORK_TEAM_LEADER
from tests.support.paging import every_page
from tests.support.people import pesel_for
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
    ports: dict[str, int] = field(default_factory=lambda: {s: free_port() for s in SERVICES})
    gateway_environment: dict[str, str] = field(default_factory=dict)  # the gateway's settings for a test
    amqp_ca_file: str = ""  # the deployment's CA, when the broker speaks TLS
    _clients: dict[str, StaffClient] = field(default_factory=dict)

    def amqp_uri(self, service: str) -> str:
        uri = self.broker.uri(service)
        return via(self.proxies[service], uri) if service in self.proxies else uri

    def start(self, service: str) -> ServiceProcess:
        """Starts a service; the gateway, with the demo accounts, whenever another starts first."""
        secrets_dir = self.data_dir / "secrets"
        signing_key(secrets_dir)
        if service == "gateway" and "gateway" not in self.processes:
            seed_demo_accounts(self.database_urls["gateway"], secrets_dir)
        process = self.processes.get(service) or ServiceProcess(
            service, self.amqp_uri(service), self.ports[service], self.data_dir, self.database_urls[service],
            broker_account_prefix=self.broker.accounts.prefix, amqp_ca_file=self.amqp_ca_file,
            extra_environment={**demo_environment(service, self.ports),
                               **(self.gateway_environment if service == "gateway" else {})})
        self.processes[service] = process.start()
        if service != "gateway" and "gateway" not in self.processes:
            self.start("gateway")
        return process

    def url(self, service: str) -> str:
        return self.processes[service].url

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    def as_role(self, role: str) -> StaffClient:
        """The demo account of a role, signed in (once per centre)."""
        return self.as_login(BY_ROLE[role].login)

    def as_login(self, login: str) -> StaffClient:
        if login not in self._clients:
            self._clients[login] = StaffClient(self.url("gateway"), login)
        return self._clients[login]

    # --- what a first-contact officer does -------------------------------------------

    @property
    def desk(self) -> StaffClient:
        return self.as_role(FIRST_CONTACT_OFFICER)

    def register(self, full_name: str, number: int, **extra) -> str:
        response = self.desk.post("intake", "/persons", {
            "full_name": full_name, "pesel": pesel_for(number), "registered_on": TODAY, **extra})
        return self.desk.ok(response)["person_id"]

    def talk(self, person_id: str, **extra) -> str:
        body = {"held_on": TODAY, "reasons_for_help": ["ubostwo"], "help_requested": ["praca_socjalna"], **extra}
        return self.desk.ok(self.desk.post("intake", f"/persons/{person_id}/first-contacts", body), 201)["contact_id"]

    def route(self, contact_id: str, team: str = "casework", reason: str = "wsparcie rodziny") -> requests.Response:
        return self.desk.post("intake", f"/first-contacts/{contact_id}/routings",
                              {"team": team, "reason": reason, "routed_on": TODAY})

    def first_contact_to_casework(self, full_name: str, number: int) -> str:
        response = self.route(self.talk(self.register(full_name, number)))
        assert response.status_code == 201, response.text
        return response.json()["case_id"]

    def open_cases(self) -> list[dict]:
        leader = self.as_role(SOCIAL_WORK_TEAM_LEADER)
        return every_page(lambda path: leader.ok(leader.get("casework", path), 200), "/cases/open", "cases")
