"""The social-work team's pages in a real browser: the open cases live (a routed case appears
within 2 s, and a benefit officer signed in at the same time gets none of social work's events),
signing out ends the stream, the case file worked through its forms (a note corrected with a
reason, shown in the history), the leader's workload and the groups, and the role rule that keeps
other roles out."""

from __future__ import annotations

import time

import pytest

from shared.contracts import REGISTRY
from shared.contracts.audience import audience
from shared.contracts.decisions import PROCEEDING_UPDATED
from shared.contracts.intake import CASE_ROUTED_TO_CASEWORK, CASE_ROUTED_TO_DECISIONS
from shared.roles import BENEFIT_OFFICER
from tests.browser.conftest import accessible, received, screenshot
from tests.support.people import pesel_for
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
STREAM_OPEN = "window.streams && window.streams.length > 0 && window.streams.at(-1).readyState === 1"
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
    # The decisions routing, and decisions' own ProceedingUpdated as it opens the proceeding.
    assert CASE_ROUTED_TO_DECISIONS.type in officer_saw
    assert set(officer_saw) <= {CASE_ROUTED_TO_DECISIONS.type, PROCEEDING_UPDATED.type}, officer_saw


def test_signing_out_ends_the_stream_of_every_page_of_the_session(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("casework")
    gateway = centre.url("gateway")
    worklist = open_page(centre, "social_worker")
    watched(worklist, f"{gateway}/sprawy")
    other = worklist.context.new_page()  # a second tab of the same session, left open
    watched(other, f"{gateway}/grupy")
    token = next(c["value"] for c in worklist.context.cookies() if c["name"] == "ops_session")
    assert worklist.request.get(f"{gateway}/api/me").status == 200

    worklist.click('button:has-text("Wyloguj")')
    worklist.wait_for_url("**/sign-in*")
    # The server ended the other tab's stream; its browser asked again and was refused: closed for good.
    other.wait_for_function(STREAMS_CLOSED, timeout=10_000)
    seen = received(other)
    centre.first_contact_to_casework("Jan Po Wylogowaniu", 43)
    wait_for(lambda: len(centre.open_cases()) == 1, what="the case in casework")
    time.sleep(1.0)
    assert received(other) == seen  # nothing came after the sign-out
    assert not [e for e in received(other) if e["type"] == ROUTED]
    assert other.is_visible("#polaczenie") and "Sesja zakończona" in other.inner_text("#polaczenie")
    screenshot(other, "wylogowanie-strumien-zamkniety", tmp_path)

    # The stream answers 401 to the browser, and to the old session's cookie sent by hand.
    assert worklist.request.get(f"{gateway}/events", timeout=5_000).status == 401
    assert worklist.request.get(f"{gateway}/events", timeout=5_000,
                                headers={"Cookie": f"ops_session={token}"}).status == 401


def test_the_case_file_worked_through_its_steps_by_the_leader_and_the_worker(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("casework")
    gateway = centre.url("gateway")
    person = centre.register("Zofia Sprawna", 44)
    routed = centre.route(centre.talk(person, urgent=True, reasons_for_help=["bezrobocie", "ubostwo"]))
    assert routed.status_code == 201, routed.text
    case_id = routed.json()["case_id"]
    leader_http = centre.as_role("social_work_team_leader")
    wait_for(lambda: "Tomasz Nowicki" in leader_http.ok(leader_http.get("casework", "/workload")),
             what="the team's roster in casework")
    wait_for(lambda: len(centre.open_cases()) == 1, what="the case in casework")

    # The leader: the team's list, the workload, the case assigned through its form.
    leader = open_page(centre, "social_work_team_leader")
    assert leader.url.endswith("/sprawy")
    row = f'tr[data-id="{case_id}"]'
    assert "pilna" in leader.inner_text(f"{row} .urgent")
    leader.goto(f"{gateway}/obciazenie")
    assert "50" in leader.inner_text("main p")
    assert "Tomasz Nowicki" in leader.inner_text("table")
    accessible(leader)
    screenshot(leader, "obciazenie", tmp_path)
    leader.goto(f"{gateway}/sprawy")
    leader.click(f"{row} a")
    leader.wait_for_url(f"**/sprawa/{case_id}")
    assert "czeka na przydział" in leader.inner_text("#stan-sprawy")
    leader.select_option("#a-pracownik", "Tomasz Nowicki")
    with leader.expect_navigation():
        leader.click('button:has-text("Przydziel")')
    assert leader.inner_text("#pracownik") == "Tomasz Nowicki"
    accessible(leader)

    # The worker: from the list to the case, the steps in order.
    worker = open_page(centre, "social_worker")
    worker.click(f"{row} a")
    worker.wait_for_url(f"**/sprawa/{case_id}")
    assert pesel_for(44) in worker.inner_text("dl.file")  # the team's own file: the PESEL whole
    assert "bezrobocie" in worker.inner_text("main")
    accessible(worker)

    # A refused step: a diagnosis not made together with the person. The error stands in that form.
    worker.fill("#d-housing", "mieszkanie socjalne, zaległości czynszowe")
    worker.click('button:has-text("Zapisz diagnozę")')
    error = worker.wait_for_selector('form[data-api$="/diagnosis"] .error')
    assert "razem z osobą" in error.inner_text()  # in Polish, beside the box it is about
    assert worker.get_attribute('form[data-api$="/diagnosis"] [name="with_person"]', "aria-invalid") == "true"
    assert worker.locator("#diagnoza").count() == 0
    accessible(worker)
    screenshot(worker, "sprawa-odmowa", tmp_path)

    worker.check("#d-z-osoba")
    worker.fill("#d-mocne", "chęć do pracy")
    done(worker, "Zapisz diagnozę", "#diagnoza")
    assert "zaległości czynszowe" in worker.inner_text("#diagnoza")
    assert "chęć do pracy" in worker.inner_text("#diagnoza")

    worker.fill("#c-opis", "podjęcie zatrudnienia")
    worker.fill("#c-termin", "2027-03-31")
    done(worker, "Dodaj cel", "#cele")
    assert "podjęcie zatrudnienia" in worker.inner_text("#cele")
    assert "31.03.2027" in worker.inner_text("#cele")

    worker.fill("#pl-dzialanie", "rejestracja w urzędzie pracy")
    worker.fill("#pl-kto", "Zofia Sprawna")
    worker.fill("#pl-termin", "2026-12-15")
    done(worker, "Dodaj działanie", "#plan")
    assert "rejestracja w urzędzie pracy" in worker.inner_text("#plan")

    worker.fill("#n-tekst", "Pierwsza wizyta w domu.")
    done(worker, "Zapisz notatkę", ".notatka")
    assert "Tomasz Nowicki" in worker.inner_text(".notatka")

    # The note named the wrong day: corrected with a reason. The same text again changes nothing,
    # and the form says so in Polish; the history keeps what the note said, why and who.
    worker.click('summary:has-text("Popraw notatkę nr 1")')
    worker.fill("#pn-1-powod", "pomyłka w opisie")
    worker.click('button:has-text("Popraw notatkę nr 1")')
    refusal = worker.wait_for_selector('form[data-api$="/notes/correction"] .error')
    assert "nie ma czego poprawiać" in refusal.inner_text()
    worker.fill("#pn-1-tekst", "Pierwsza wizyta w domu, z córką.")
    done(worker, "Popraw notatkę nr 1", "#poprawki-notatek")
    assert "z córką" in worker.inner_text(".notatka")
    history = worker.inner_text("#poprawki-notatek")
    assert "Pierwsza wizyta w domu." in history and "pomyłka w opisie" in history and "Tomasz Nowicki" in history

    worker.fill("#k-osoba", "udział w warsztatach\nregularne wizyty")
    worker.fill("#k-pracownik", "pomoc w szukaniu pracy")
    worker.check("#k-cel-G1")
    worker.fill("#k-do", "2027-03-31")
    done(worker, "Zapisz projekt kontraktu", ".kontrakt")
    assert "projekt" in worker.inner_text(".kontrakt")
    assert "udział w warsztatach; regularne wizyty" in worker.inner_text(".kontrakt")
    worker.select_option("#ks-krok", "sign")
    done(worker, "Zapisz przebieg kontraktu", 'form[data-api$="/contract-amendment"]')
    assert "podpisany" in worker.inner_text(".kontrakt")
    accessible(worker)
    screenshot(worker, "sprawa", tmp_path)

    # Another role is refused the team's pages.
    officer = open_page(centre, "benefit_officer")
    assert officer.goto(f"{gateway}/sprawa/{case_id}").status == 403
    assert officer.goto(f"{gateway}/sprawy").status == 403
    assert officer.goto(f"{gateway}/fragmenty/sprawy").status == 403
    assert worker.goto(f"{gateway}/obciazenie").status == 403  # the leader's page only


def test_groups_are_listed_and_formed(centre, open_page, tmp_path):
    centre.start("casework")
    worker = open_page(centre, "social_worker")
    worker.goto(f"{centre.url('gateway')}/grupy")
    assert "nie prowadzi jeszcze żadnej grupy" in worker.inner_text("table")
    worker.fill("#g-nazwa", "Klub Aktywnych")
    worker.select_option("#g-rodzaj", "self_help")
    done(worker, "Utwórz grupę", "tr[data-id]")
    assert "Klub Aktywnych" in worker.inner_text("table")
    assert "grupa samopomocowa" in worker.inner_text("table")
    accessible(worker)
    screenshot(worker, "grupy", tmp_path)


def done(page, button: str, shown: str) -> None:
    """Submits a step's form (the page reloads with the file) and waits until `shown` is on the
    page; fails with the refusal the form shows instead."""
    page.click(f'button:has-text("{button}")')
    page.wait_for_selector(f"{shown}, form .error")
    errors = page.locator("form .error")
    assert errors.count() == 0, errors.first.inner_text()
