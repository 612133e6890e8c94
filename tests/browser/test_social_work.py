"""The social-work team's pages in a real browser: the open cases live (a routed case appears
within 2 s, and a benefit officer signed in at the same time gets none of social work's events),
signing out ends the stream, the case file worked through its forms, the leader's workload and
the groups, and the role rule that keeps other roles out."""

from __future__ import annotations

import time

import pytest

from shared.contracts import REGISTRY
from shared.contracts.audience import audience
from shared.contracts.intake import CASE_ROUTED_TO_CASEWORK, CASE_ROUTED_TO_DECISIONS
from shared.roles import BENEFIT_OFFICER
from tests.browser.conftest import accessible, received, screenshot
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

ROUTED = CASE_ROUTED_TO_CASEWORK.type
LIVE_WITHIN_S = 2.0
# Keeps each EventSource a page opens, so a test can see whether it is open (1) or closed (2).
WATCH_STREAMS = """(() => {
  const Native = window.EventSource;
  if (!Native || Native.watched) { return; }
  window.streams = [];
  function Watched(url, options) { const s = new Native(url, options); window.streams.push(s); return s; }
  Watched.prototype = Native.prototype;
  Watched.CONNECTING = 0; Watched.OPEN = 1; Watched.CLOSED = 2; Watched.watched = true;
  window.EventSource = Watched;
})();"""
STREAM_OPEN = "window.streams && window.streams.length > 0 && window.streams[window.streams.length - 1].readyState === 1"
STREAMS_CLOSED = "window.streams && window.streams.length > 0 && window.streams.every(s => s.readyState === 2)"


def watched(page, path: str):
    """The page again at `path`, its live stream watched and open (so nothing routed after is missed)."""
    page.context.add_init_script(WATCH_STREAMS)
    response = page.goto(path)
    page.wait_for_function(STREAM_OPEN, timeout=10_000)
    return response


def officer_listening(page, gateway: str) -> None:
    """The benefit officer on their start page, its live stream open. Should that page not open
    (it belongs to the decisions team's pages), a public page of the gateway opens the officer's
    stream (the session's cookie) as ops.js does, recording every event type any role may get."""
    page.context.add_init_script(WATCH_STREAMS)
    if page.goto(f"{gateway}/postepowania").status == 200 and page.get_attribute("body", "data-live"):
        page.wait_for_function(STREAM_OPEN, timeout=10_000)
        return
    page.goto(f"{gateway}/deklaracja-dostepnosci")
    page.evaluate("""types => {
        window.opsEvents = [];
        const source = new EventSource("/events");
        types.forEach(t => source.addEventListener(t, e => window.opsEvents.push({type: e.type, id: e.lastEventId})));
    }""", [c.type for c in REGISTRY])
    page.wait_for_function(STREAM_OPEN, timeout=10_000)


def types(page) -> list[str]:
    return [e["type"] for e in received(page)]


def test_a_routed_case_appears_live_for_social_work_and_never_for_a_benefit_officer(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("casework")
    centre.start("decisions")  # the benefit officer's start page is the decisions team's
    gateway = centre.url("gateway")
    worker = open_page(centre, "social_worker")
    assert worker.url.endswith("/sprawy")
    watched(worker, f"{gateway}/sprawy")
    assert "Brak otwartych spraw" in worker.inner_text("table")
    accessible(worker)

    officer = open_page(centre, "benefit_officer")
    # The officer's start page belongs to the decisions team's pages; any page of theirs opens the stream.
    officer_listening(officer, gateway)

    case_id = centre.first_contact_to_casework("Jan Żywy", 41)  # returns on intake's 201
    routed_at = time.monotonic()
    row = f'tr[data-id="{case_id}"]'
    worker.wait_for_selector(row, timeout=LIVE_WITHIN_S * 1000 + 500)
    elapsed = time.monotonic() - routed_at
    assert elapsed < LIVE_WITHIN_S, f"the routed case took {elapsed:.2f}s to appear"
    assert "Jan Żywy" in worker.inner_text(row)
    assert worker.inner_text(f"{row} .new-badge") == "nowa"
    assert worker.get_attribute(f"{row} a", "href") == f"/sprawa/{case_id}"
    accessible(worker)
    screenshot(worker, "sprawy-nowa-sprawa", tmp_path)

    # A case routed to the decisions team: the officer's stream carries it, the worker's does not.
    decisions_case = centre.route(centre.talk(centre.register("Ewa Decyzyjna", 42)), team="decisions")
    assert decisions_case.status_code == 201, decisions_case.text
    officer.wait_for_function(f"(window.opsEvents || []).some(e => e.type === '{CASE_ROUTED_TO_DECISIONS.type}')",
                              timeout=5_000)
    wait_for(lambda: ROUTED in types(worker), timeout=5, what="the routing on the worker's stream")
    time.sleep(1.0)  # time enough for anything else the streams might still carry

    worker_saw, officer_saw = types(worker), types(officer)
    assert ROUTED in worker_saw  # the worker's stream did carry the routing: the check below is not vacuous
    assert CASE_ROUTED_TO_DECISIONS.type not in worker_saw
    social_work_only = {c.type for c in REGISTRY if BENEFIT_OFFICER not in audience(c)}
    assert ROUTED not in officer_saw
    assert not [t for t in officer_saw if t.startswith("pl.ops.casework.") or t in social_work_only], officer_saw
    assert officer_saw == [CASE_ROUTED_TO_DECISIONS.type]
