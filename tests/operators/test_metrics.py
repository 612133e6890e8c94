"""What an operator's Prometheus and compose see (/metrics, /health) of real processes, and a
service that will not start on a password everyone knows."""

from __future__ import annotations

import re

import pytest
import requests

from deploy.launcher import ServiceDidNotStart, ServiceProcess
from shared import healthcheck
from tests.support.centre import free_port
from tests.support.people import pesel_for
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def scrape(process) -> dict[str, float]:
    """The samples of a /metrics page: 'name{labels}' → value."""
    response = requests.get(f"{process.url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in response.text.splitlines() if line and not line.startswith("#")}


def sample(samples: dict[str, float], name: str, **labels: str) -> float:
    for key, value in samples.items():
        metric, _, rest = key.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if metric == name and all(found.get(k) == v for k, v in labels.items()):
            return value
    raise KeyError(f"{name} {labels} not in {sorted(samples)}")


def test_positions_survive_a_restart_and_the_metrics_name_no_one(centre):
    centre.start("intake")
    centre.start("casework")
    intake, casework = centre.processes["intake"], centre.processes["casework"]
    case_ids = [centre.first_contact_to_casework("Halina Metryczna", 700 + n) for n in range(3)]
    wait_for(lambda: len(centre.open_cases()) == 3, what="three cases open")
    wait_for(lambda: sample(scrape(intake), "ops_relay_backlog", service="intake") == 0, what="the outbox empty")

    produced = scrape(intake)
    head = sample(produced, "ops_store_head", service="intake")
    relay_at = sample(produced, "ops_position", service="intake", log="intake", reader="relay")
    assert 0 < relay_at <= head
    assert sample(produced, "ops_events_published_total", service="intake") >= 3
    assert sample(produced, "ops_http_requests_total", service="intake", method="POST",
                  endpoint="/first-contacts/<uuid:contact_id>/routings", status="201") == 3
    consumed = scrape(casework)
    at = sample(consumed, "ops_position", service="casework", log="intake", reader="casework")
    assert at > 0 and sample(consumed, "ops_consumer_lag", service="casework", upstream="intake") == 0
    assert sample(consumed, "ops_worker_connected", service="casework", worker="consumer of intake") == 1

    casework.stop()
    casework.start()
    again = scrape(casework)
    assert sample(again, "ops_position", service="casework", log="intake", reader="casework") == at  # from the store
    assert sample(again, "ops_events_handled_total", service="casework", upstream="intake") == 0  # since start

    text = requests.get(f"{intake.url}/metrics", timeout=10).text
    assert "Metryczna" not in text and pesel_for(700) not in text
    assert not any(case_id in text for case_id in case_ids)


def test_health_says_whether_the_service_can_work_and_the_container_check_reads_it(centre):
    centre.start("intake")
    intake = centre.processes["intake"]
    health = intake.health()
    assert health["status"] == "ok"
    assert health["store"]["answers"] is True and health["store"]["head"] >= 0
    assert health["relay"]["connected"] is True
    assert healthcheck.main([str(centre.ports["intake"])]) == 0
    intake.stop()
    assert healthcheck.main([str(centre.ports["intake"])]) == 1


def test_a_service_refuses_to_start_on_a_password_everyone_knows(tmp_path):
    process = ServiceProcess("intake", "amqps://intake:change-me@rabbitmq.invalid:5671/ops", free_port(), tmp_path)
    with pytest.raises(ServiceDidNotStart):
        process.start(wait=20)
    logged = (tmp_path / "intake.log").read_text()
    assert "KnownDefaultPassword" in logged and "AMQP_URI" in logged
    assert "change-me" not in logged
