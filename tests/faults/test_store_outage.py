"""The database goes away under a running service (its PostgreSQL connection runs through a proxy
the test cuts): /health says so before the container's health check gives up, a command is refused
with a named error and leaves nothing behind, and the service works again as soon as the database
is back, without a restart."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.support.centre import Centre, TODAY
from tests.support.infra import drop_postgres_database, new_postgres_database
from tests.support.people import pesel_for
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

HEALTH_CHECK_TIMEOUT = 5  # seconds: shared/healthcheck.py's, which the compose file's health check runs


@pytest.fixture
def intake_database(broker, tmp_path):
    """A centre on PostgreSQL whose intake reaches its database through a proxy: (centre, proxy)."""
    made = [new_postgres_database() for _ in range(2)]
    intake_url, gateway_url = (url for _, _, url in made)
    parts = urlsplit(intake_url)
    proxy = TcpProxy(parts.hostname, parts.port or 5432).start()
    credentials = parts.netloc.rsplit("@", 1)[0]
    through_proxy = urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{proxy.port}"))
    centre = Centre(broker=broker, data_dir=tmp_path / "var",
                    database_urls={"intake": through_proxy, "gateway": gateway_url})
    yield centre, proxy
    centre.stop()
    proxy.close()
    for admin, name, _ in made:
        drop_postgres_database(admin, name)


def test_a_lost_database_is_reported_at_once_and_the_service_works_again_when_it_is_back(intake_database):
    centre, proxy = intake_database
    centre.start("intake")
    health = f"{centre.url('intake')}/health"
    before = centre.register("Anna Nowak", 1)
    assert requests.get(health, timeout=HEALTH_CHECK_TIMEOUT).json()["status"] == "ok"

    proxy.cut()
    down = requests.get(health, timeout=HEALTH_CHECK_TIMEOUT)
    assert down.status_code == 503 and down.json()["store"] == {"answers": False}, down.text
    refused = centre.desk.post("intake", "/persons", {"full_name": "Jan Kowalski", "pesel": pesel_for(2),
                                                      "registered_on": TODAY})
    assert refused.status_code == 503 and refused.json()["error"] == "StoreUnavailable", refused.text
    assert "Jan Kowalski" not in refused.text and pesel_for(2) not in refused.text

    proxy.restore()
    wait_for(lambda: requests.get(health, timeout=HEALTH_CHECK_TIMEOUT).status_code == 200, timeout=15,
             what="intake's store answering again")
    # The refused registration left nothing: the same PESEL registers now (a second would be refused).
    again = centre.desk.post("intake", "/persons", {"full_name": "Jan Kowalski", "pesel": pesel_for(2),
                                                    "registered_on": TODAY})
    assert centre.desk.ok(again, 201)["new"] is True
    assert centre.desk.get("intake", f"/persons/{before}").status_code == 200


def test_the_first_request_of_an_outage_no_health_check_has_seen_is_refused_within_seconds(intake_database):
    """Nobody asked /health since the database went: the first command finds out by itself, and
    is refused well before the gateway gives up on it (30 s): one wait of 5 s for a connection,
    then short ones (about 10 s here), not the recorder's ten tries of 5 s each (the gateway
    answered TeamUnavailable after 30 s, before). The next one is refused at once."""
    centre, proxy = intake_database
    centre.start("intake")
    centre.register("Anna Nowak", 1)

    proxy.cut()
    started = time.monotonic()
    refused = centre.desk.post("intake", "/persons", {"full_name": "Jan Kowalski", "pesel": pesel_for(2),
                                                      "registered_on": TODAY}, timeout=40)
    first = time.monotonic() - started
    assert refused.status_code == 503 and refused.json()["error"] == "StoreUnavailable", refused.text
    assert first < 15, f"the first request of the outage waited {first:.1f} s"
    started = time.monotonic()
    assert centre.desk.post("intake", "/persons", {"full_name": "Jan Kowalski", "pesel": pesel_for(2),
                                                   "registered_on": TODAY}).status_code == 503
    assert time.monotonic() - started < 3

    proxy.restore()
    wait_for(lambda: centre.desk.post("intake", "/persons", {"full_name": "Jan Kowalski", "pesel": pesel_for(2),
                                                             "registered_on": TODAY}).status_code == 201,
             timeout=15, what="intake taking commands again")
