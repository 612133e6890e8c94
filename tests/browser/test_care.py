"""The care coordinator's pages in a real browser: a request routed to care by the desk appears
in the list without a reload; the service's steps through the page's forms (a refused roster
shows its error beside the field), the fee statement; a visit and a roster corrected with a
reason and shown in the history; DPS referrals and family assistance; a social worker is refused
the coordinator's pages."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import accessible, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

PERSON = "Helena Opiekuńcza"


def saved(page, button: str) -> None:
    """Clicks a step form's button; the step saved, the page shows the file again."""
    with page.expect_navigation():
        page.click(f'button:has-text("{button}")')
    page.wait_for_load_state("load")


def test_a_routed_request_reaches_the_coordinator_and_is_served_step_by_step(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("care")
    coordinator, signatory = centre.as_role("care_coordinator"), centre.as_role("decision_signatory")
    gateway = centre.url("gateway")

    page = open_page(centre, "care_coordinator")
    assert page.url.endswith("/uslugi")
    assert "Brak próśb o usługi" in page.inner_text("table")
    with page.expect_response(lambda r: "/events" in r.url):  # the page's live stream answers
        page.reload()

    # The desk routes a person asking for care services and a care home: both reach care.
    contact = centre.talk(centre.register(PERSON, 77), reasons_for_help=["niepelnosprawnosc"],
                          help_requested=["uslugi_opiekuncze", "pobyt_w_dps"])
    assert centre.route(contact, "care", "mieszka sama, nie wychodzi z domu").status_code == 201

    row = page.locator("tbody[data-live-types] tr[data-id]", has_text=PERSON)
    row.wait_for()  # without a reload
    assert "nowa" in row.inner_text() and "usługi opiekuńcze" in row.inner_text()
    assert "pl.ops.intake.CaseRouted.care.v1" in [e["type"] for e in page.evaluate("window.opsEvents")]
    assert "•" in row.locator("td").nth(1).inner_text()  # the PESEL masked in the list
    accessible(page)

    # A carer, added through the list's form.
    page.fill("#o-imie", "Halina Kot")
    saved(page, "Dodaj")
    assert "Halina Kot" in page.locator("table", has_text="Zatrudnienie").inner_text()
    screenshot(page, "uslugi", tmp_path)

    # The service's file: the assessment and income through the page's forms.
    page.click(f"text={PERSON}")
    page.wait_for_url("**/usluga/*")
    service_id = page.url.rsplit("/", 1)[1]
    page.fill("#oc-data", "2026-11-05")
    page.check("#oc-personal_care")
    page.check("#oc-meals")
    page.fill("#oc-godziny", "4")
    page.fill("#oc-od", "2026-11-09")
    page.fill("#oc-do", "2027-02-28")
    saved(page, "Zapisz ocenę")
    assert "od 09.11.2026 do 28.02.2027" in page.inner_text("main")
    page.fill("#do-dochod", "1600.00")
    page.fill("#do-data", "2026-11-05")
    saved(page, "Zapisz oświadczenie")
    assert "1\u00a0600,00\u00a0zł" in page.inner_text("main")
    assert "Czeka na decyzję osoby upoważnionej" in page.inner_text("main")
    assert "Podpisz decyzję" not in page.inner_text("main")  # the signatory's, not the coordinator's

    # The decision is the signatory's (over HTTP); the page shows it.
    signatory.ok(signatory.post("care", f"/services/{service_id}/decision", {"issued_on": "2026-11-06"}), 200)
    page.reload()
    assert "Maria Kowalczyk" in page.inner_text("main") and "7,60\u00a0zł" in page.inner_text("main")

    # A roster over the granted 4 hours a week is refused beside the hours it is about.
    page.select_option("#h-opiekun", label="Halina Kot")
    page.fill("#h-mon", "3")
    page.fill("#h-thu", "2")
    page.click('button:has-text("Zapisz harmonogram")')
    error = page.locator("#h-mon + .error")
    error.wait_for()
    assert "przekracza" in error.inner_text()
    assert page.get_attribute("#h-mon", "aria-invalid") == "true"
    screenshot(page, "usluga-odmowa", tmp_path)
    page.fill("#h-mon", "2")
    saved(page, "Zapisz harmonogram")
    assert "zaplanowano 4 z 4 godz." in page.inner_text("main")
    roster = page.locator("table", has_text="Harmonogram obowiązujący").inner_text()
    assert "poniedziałek" in roster and "czwartek" in roster and "Halina Kot" in roster

    # A visit through the page's form, then the month's fee statement.
    page.select_option("#w-opiekun", label="Halina Kot")
    page.fill("#w-data", "2026-11-09")
    page.fill("#w-godziny", "2")
    page.check("#w-personal_care")
    saved(page, "Zapisz wizytę")
    visits = page.locator("table", has_text="Wizyty zrealizowane")
    assert "09.11.2026" in visits.inner_text()
    assert "pielęgnacja" in visits.inner_text()
    statement = coordinator.ok(coordinator.get("care", f"/services/{service_id}/statements/2026-11"), 200)
    assert statement["amount"] == "15.20"
    assert "15,20\u00a0zł" in page.inner_text("main")  # 2 h at 7,60 zł
    accessible(page)
    screenshot(page, "usluga", tmp_path)

    # The visit lasted 1 h, not 2: corrected with a reason. The same hours again change nothing,
    # and the page says so in Polish; the history shows what was, what is, why and who.
    page.select_option("#pw-wizyta", "1")
    page.fill("#pw-godziny", "2")
    page.fill("#pw-powod", "karta pracy opiekunki")
    page.click('button:has-text("Popraw wizytę")')
    refusal = page.locator("form[data-api$='/visits/correction'] .error")
    refusal.wait_for()
    assert "nie ma czego poprawiać" in refusal.inner_text()
    page.fill("#pw-godziny", "1")
    saved(page, "Popraw wizytę")
    history = page.locator("table", has_text="Historia poprawek").inner_text()
    assert "wizyta nr 1" in history and "godziny: 2" in history and "godziny: 1" in history
    assert "karta pracy opiekunki" in history and "Joanna Wrona" in history  # the signed-in coordinator
    statement = coordinator.ok(coordinator.get("care", f"/services/{service_id}/statements/2026-11"), 200)
    assert (statement["delivered_hours"], statement["amount"]) == ("1", "7.60")
    assert "7,60\u00a0zł" in page.locator("dt:has-text('Do zapłaty') + dd").inner_text()

    # The roster was Monday 1 h and Thursday 3 h from the start: over the grant is refused beside
    # the hours, then the right plan is saved and ordered from the period's start.
    page.select_option("#ph-wpis", "1")
    page.fill("#ph-mon", "2")
    page.fill("#ph-thu", "3")
    page.fill("#ph-powod", "plan z umowy z opiekunką")
    page.click('button:has-text("Popraw harmonogram")')
    page.locator("#ph-mon + .error").wait_for()
    assert "przekracza" in page.inner_text("#ph-mon + .error")
    page.fill("#ph-mon", "1")
    saved(page, "Popraw harmonogram")
    history = page.locator("table", has_text="Historia poprawek").inner_text()
    assert "harmonogram nr 1" in history and "plan z umowy z opiekunką" in history
    assert "czwartek 3 godz." in history and "czwartek 2 godz." in history
    accessible(page)
    screenshot(page, "usluga-poprawki", tmp_path)

    # The care-home referral from the same routing.
    page.goto(f"{gateway}/dps")
    assert PERSON in page.inner_text("table") and "kompletowanie dokumentów" in page.inner_text("table")
    accessible(page)
    screenshot(page, "dps", tmp_path)
    page.click(f"text={PERSON}")
    page.wait_for_url("**/dps/*")
    page.select_option("#d-dokument", "wniosek")
    saved(page, "Zapisz dokument")
    assert f"{date.today():%d.%m.%Y}" in page.locator("tr", has_text="wniosek osoby").inner_text()
    page.click('button:has-text("Złóż skierowanie")')  # documents still missing: refused
    refusal = page.locator("form[data-api$='/submission'] .error")
    refusal.wait_for()
    assert "wywiad_srodowiskowy" in refusal.inner_text()
    accessible(page)
    screenshot(page, "dps-skierowanie", tmp_path)

    page.goto(f"{gateway}/asystenci")
    assert "Brak rodzin" in page.inner_text("main")
    accessible(page)
    screenshot(page, "asystenci", tmp_path)


def test_a_social_worker_is_refused_the_coordinators_pages(centre, open_page):
    centre.start("care")
    page = open_page(centre, "social_worker")
    for path in ("/uslugi", "/dps", "/asystenci", "/fragmenty/uslugi"):
        assert page.goto(f"{centre.url('gateway')}{path}").status == 403, path
