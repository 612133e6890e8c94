"""AMQP over TLS, as compose runs it: a broker that listens for TLS only, with the certificates
`python -m deploy.certs` makes, and the services connected to it with the deployment's CA."""

from __future__ import annotations

import ssl
import uuid

import pytest
from kombu import Connection

from deploy.broker import SERVICES, LocalDeployment
from deploy.certs import make
from shared.broker import OPERATOR, Accounts
from tests.support.centre import Centre, free_port
from tests.support.rabbit_node import RabbitNode
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def tls_broker(tmp_path):
    certs = tmp_path / "certs"
    make(certs, ["rabbitmq"])
    port = free_port()
    node = RabbitNode(f"ops-tls-{uuid.uuid4().hex[:6]}", amqp_port=free_port(), dist_port=free_port(), config=(
        "listeners.tcp = none\n"
        f"listeners.ssl.default = {port}\n"
        f"ssl_options.cacertfile = {certs / 'ca.pem'}\n"
        f"ssl_options.certfile = {certs / 'rabbitmq.pem'}\n"
        f"ssl_options.keyfile = {certs / 'rabbitmq.key'}\n"
        "ssl_options.verify = verify_none\n"
        "ssl_options.fail_if_no_peer_cert = false\n"))
    node.start()
    try:
        deployment = LocalDeployment("ops", {a: uuid.uuid4().hex for a in (*SERVICES, OPERATOR)}, Accounts(),
                                     host=f"127.0.0.1:{port}", scheme="amqps", ctl=node.ctl_command).load()
        yield deployment, certs / "ca.pem", port
    finally:
        node.remove()


def test_the_broker_speaks_tls_only_and_only_to_clients_that_trust_the_deployment_s_ca(tls_broker, tmp_path):
    deployment, ca, port = tls_broker
    with Connection(deployment.uri("intake"), ssl={"ca_certs": str(ca), "cert_reqs": ssl.CERT_REQUIRED},
                    connect_timeout=5) as trusted:
        trusted.ensure_connection(max_retries=1)
    plain = Connection(f"amqp://intake:{deployment.passwords['intake']}@127.0.0.1:{port}/ops", connect_timeout=3)
    with pytest.raises(Exception):
        plain.ensure_connection(max_retries=1)
    other_ca = tmp_path / "other"
    make(other_ca, [])
    stranger = Connection(deployment.uri("intake"), connect_timeout=3,
                          ssl={"ca_certs": str(other_ca / "ca.pem"), "cert_reqs": ssl.CERT_REQUIRED})
    with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
        stranger.ensure_connection(max_retries=1)


def test_a_case_routed_over_tls_opens_in_casework(tls_broker, tmp_path):
    deployment, ca, _ = tls_broker
    centre = Centre(deployment, tmp_path / "var", {s: f"sqlite:///{tmp_path}/{s}.sqlite" for s in SERVICES},
                    amqp_ca_file=str(ca))
    try:
        centre.start("intake")
        centre.start("casework")
        centre.first_contact_to_casework("Przez TLS", 9)
        wait_for(lambda: len(centre.open_cases()) == 1, what="the case over TLS")
    finally:
        centre.stop()
