"""A storm of faults, one after another, while the desk keeps routing cases: after each fault
ends, casework has opened every case routed so far within five seconds (issue 12's "back
within seconds"), and at the end each exactly once."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.faults.test_faults import opened_in_store
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

BACK_WITHIN_S = 5.0


def test_after_each_fault_every_case_routed_so_far_is_open_within_five_seconds(centre):
    broker = urlsplit(centre.broker.uri("intake"))
    with TcpProxy(broker.hostname, broker.port) as intake_link, TcpProxy(broker.hostname, broker.port) as casework_link:
        centre.proxies.update(intake=intake_link, casework=casework_link)
        intake, casework = centre.start("intake"), centre.start("casework")
        wait_for(lambda: casework.health()["consumer of intake"]["connected"], what="casework connected")
        routed: list[str] = []

        def route(batch: int) -> None:
            start = len(routed)
            routed.extend(centre.first_contact_to_casework(f"Osoba {start + i:03}", 600 + start + i)
                          for i in range(batch))

        def back_after(fault: str) -> float:
            """Seconds from the fault's end until every case routed so far is open."""
            ended = time.monotonic()
            wait_for(lambda: len(centre.open_cases()) == len(routed), timeout=60,
                     what=f"every case after {fault}")
            return round(time.monotonic() - ended, 2)

        back = {}
        route(5)
        casework.kill()  # SIGKILL mid-stream: what it had not acknowledged goes back to its queue
        route(8)
        centre.start("casework")
        back["casework killed"] = back_after("casework killed")

        route(5)
        intake.kill()
        centre.start("intake")
        route(5)
        back["intake killed"] = back_after("intake killed")

        for cut in (7, 9):  # both services lose the broker; the desk keeps working at intake
            intake_link.cut()
            casework_link.cut()
            route(5)
            time.sleep(max(0.0, cut - 1))
            intake_link.restore()
            casework_link.restore()
            back[f"broker cut {cut} s"] = back_after(f"a {cut} s broker cut")

        casework.stop()
        route(8)
        time.sleep(5)
        centre.start("casework")
        back["casework stopped"] = back_after("casework stopped")

        assert max(back.values()) < BACK_WITHIN_S, back
        centre.processes["casework"].stop()
    assert sorted(opened_in_store(centre)) == sorted(routed)  # each exactly once
