"""The street door over TLS: the gateway answers HTTPS with the deployment's certificate, a
client that does not speak TLS does not stop it, and its session cookie is then Secure."""

from __future__ import annotations

import socket

import pytest
import requests

from deploy import certs
from deploy.launcher import ServiceProcess, demo_environment
from deploy.staff import BY_ROLE, DEMO_PASSWORD, seed_demo_accounts
from shared import healthcheck
from shared.identity import signing_key
from shared.roles import FIRST_CONTACT_OFFICER
from tests.support.centre import free_port

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def test_the_gateway_answers_https_and_a_client_without_tls_does_not_stop_it(centre, tmp_path, monkeypatch, capsys):
    certs.make(tmp_path / "certs", ["gateway"])
    ca_file = str(tmp_path / "certs" / "ca.pem")
    secrets_dir = centre.data_dir / "secrets"
    signing_key(secrets_dir)
    seed_demo_accounts(centre.database_urls["gateway"], secrets_dir)
    port = free_port()
    gateway = ServiceProcess(
        "gateway", centre.amqp_uri("gateway"), port, centre.data_dir, centre.database_urls["gateway"],
        broker_account_prefix=centre.broker.accounts.prefix, amqp_ca_file=centre.amqp_ca_file,
        extra_environment={**demo_environment("gateway", centre.ports),
                           "GATEWAY_TLS_CERT_FILE": str(tmp_path / "certs" / "gateway.pem"),
                           "GATEWAY_TLS_KEY_FILE": str(tmp_path / "certs" / "gateway.key")},
        https_ca_file=ca_file)
    try:
        gateway.start()
        assert gateway.url.startswith("https://")

        with pytest.raises(requests.exceptions.SSLError):  # not the deployment's CA: refused
            requests.get(f"{gateway.url}/health", timeout=5)
        with pytest.raises(requests.exceptions.ConnectionError):  # plain HTTP gets no answer
            requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
        silent = socket.create_connection(("127.0.0.1", port))  # connects, never says hello

        assert requests.get(f"{gateway.url}/health", timeout=5, verify=ca_file).status_code == 200
        signed_in = requests.post(f"{gateway.url}/sign-in", timeout=10, verify=ca_file, allow_redirects=False,
                                  data={"login": BY_ROLE[FIRST_CONTACT_OFFICER].login, "password": DEMO_PASSWORD})
        assert signed_in.status_code in (302, 303), signed_in.text  # the page's form, as a browser sends it
        session = next(c for c in signed_in.cookies if c.name == "ops_session")
        assert session.secure, "a session cookie given over HTTPS must never go back over plain HTTP"
        silent.close()

        # The container's health check, as compose runs it: it reads the gateway's status over HTTPS
        # ("degraded" here: the teams whose events the pages follow are not running).
        healthcheck.main([str(port)])
        assert "no answer" in capsys.readouterr().err
        monkeypatch.setenv("OPS_HEALTH_CA_FILE", ca_file)
        healthcheck.main([str(port)])
        assert capsys.readouterr().err.strip() == f"status: {gateway.health()['status']}"
    finally:
        gateway.stop()
