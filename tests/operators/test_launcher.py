"""The launcher the tests, `make up` and `make demo` start services with."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.sqlite_only


def test_starting_a_running_service_again_starts_no_second_process(centre):
    """Starting every service after intake (which starts the gateway) started a second gateway: the
    first lost its handle and ran on after the test, retrying a broker account that was gone."""
    centre.start("intake")
    running = centre.processes["gateway"].process
    centre.start("gateway")
    assert centre.processes["gateway"].process is running
    assert running.poll() is None
