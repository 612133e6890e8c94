"""The nameko side of the backbone: a service must outlive a broker that goes away under it."""

from __future__ import annotations

from unittest import mock

import pytest
import requests
from kombu.exceptions import OperationalError
from nameko.containers import ServiceContainer
from nameko.exceptions import RpcTimeout
from nameko.rpc import Responder
from nameko.standalone.rpc import ClusterRpcProxy

from services.intake.service import IntakeService
from tests.support.centre import free_port


@pytest.fixture
def intake(amqp_uri, tmp_path):
    port = free_port()
    config = {
        "AMQP_URI": amqp_uri,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "DATABASE_URL": f"sqlite:///{tmp_path}/intake.sqlite",
    }
    container = ServiceContainer(IntakeService, config)
    container.start()
    yield config, f"http://127.0.0.1:{port}"
    container.stop()


def test_a_log_reply_lost_with_the_broker_does_not_kill_the_service(intake):
    config, url = intake
    real_send = Responder.send_response
    calls = []

    def broker_gone_once(responder, result, exc_info):
        calls.append(result)
        if len(calls) == 1:
            raise OperationalError("[Errno 104] Connection reset by peer")
        return real_send(responder, result, exc_info)

    with mock.patch.object(Responder, "send_response", broker_gone_once):
        with ClusterRpcProxy(config, timeout=2) as cluster:
            with pytest.raises(RpcTimeout):
                cluster.intake.integration_log(after=0, consumer="casework")
            page = cluster.intake.integration_log(after=0, consumer="casework")

    assert page == {"events": [], "read_up_to": 0}
    assert len(calls) == 2
    assert requests.get(f"{url}/health", timeout=5).json()["service"] == "intake"
