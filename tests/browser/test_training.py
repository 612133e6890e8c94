"""The staff-development officer's pages in a real browser: employees and a training through the
forms, the staff report with its charts (inline SVG, and a table of the same figures that GET
/api/training/report answers); a benefit officer is refused them."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import accessible, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

TEAMS = {"intake": "pierwszy kontakt", "casework": "praca socjalna", "decisions": "świadczenia", "care": "usługi",
         "management": "kierownictwo"}


def saved(page, button: str) -> None:
    """Clicks a form's button; the command saved, the page goes on (reloads or opens the next)."""
    with page.expect_navigation():
        page.click(f'button:has-text("{button}")')
    page.wait_for_load_state("load")


def chart_figures(page, chart_id: str) -> dict[str, str]:
    """The figures a chart's table gives, by row label."""
    return page.evaluate("""id => Object.fromEntries([...document.querySelectorAll('#' + id + '-dane tbody tr')]
        .map(r => [r.querySelector('th').innerText.trim(), r.querySelector('td').dataset.value]))""", chart_id)


def test_employees_and_a_training_through_the_forms_show_in_the_staff_report_and_its_chart(
        centre, open_page, tmp_path):
    centre.start("training")
    officer = centre.as_role("staff_development_officer")
    gateway = centre.url("gateway")
    officer.ok(officer.post("training", "/employees", {
        "name": "Beata Wójcik", "team": "decisions", "role": "benefit_officer", "fte": "0.5",
        "joined_on": "2026-02-01"}))

    page = open_page(centre, "staff_development_officer")
    assert page.url.endswith("/kadry")
    page.goto(f"{gateway}/pracownicy")
    for name, team, role in (("Tomasz Nowicki", "casework", "social_worker"),
                             ("Halina Kot", "care", "carer")):
        page.fill("#p-imie", name)
        page.select_option("#p-zespol", team)
        page.select_option("#p-stanowisko", role)
        page.fill("#p-od", "2026-03-01")
        saved(page, "Zarejestruj")
    page.fill("#p-imie", "Ktoś Zbyt Pracowity")
    page.fill("#p-etat", "2")  # more than a full-time post: refused, nothing registered
    page.click('button:has-text("Zarejestruj")')
    page.wait_for_selector("form .error")
    employees = page.locator("table", has_text="Pracownicy ośrodka").inner_text()
    assert "Tomasz Nowicki" in employees and "praca socjalna" in employees and "Beata Wójcik" in employees
    assert "Ktoś Zbyt Pracowity" not in employees
    accessible(page)
    screenshot(page, "pracownicy", tmp_path)

    # A two-day training planned, and Tomasz Nowicki enrolled, present both days, certified.
    page.goto(f"{gateway}/szkolenia")
    page.fill("#z-tytul", "Praca z rodziną w kryzysie")
    page.fill("#z-temat", "interwencja kryzysowa")
    page.fill("#z-prowadzacy", "Regionalny Ośrodek Polityki Społecznej")
    page.fill("#z-godziny", "16")
    page.fill("#z-dni", "2026-11-10\n2026-11-11")
    page.fill("#z-miejsce", "Kraków")
    saved(page, "Zaplanuj")
    assert "/szkolenie/" in page.url
    page.select_option("#e-pracownik", label="Tomasz Nowicki")
    saved(page, "Zapisz na szkolenie")
    for day in ("2026-11-10", "2026-11-11"):
        page.select_option("#a-dzien", day)
        saved(page, "Zapisz obecność")
    page.fill("#u-zaswiadczenie", "ROPS/2026/117")
    saved(page, "Zapisz ukończenie")
    assert "zaświadczenie ROPS/2026/117, 11.11.2026" in page.inner_text("table")
    accessible(page)
    screenshot(page, "szkolenie", tmp_path)
    page.goto(f"{gateway}/szkolenia")
    assert "Praca z rodziną w kryzysie" in page.inner_text("table")
    accessible(page)

    # The staff report: the charts drawn on the server, their tables the figures training answers.
    page.goto(f"{gateway}/kadry")
    report = officer.ok(officer.get("training", "/report", params={
        "from": date.today().replace(month=1, day=1).isoformat(), "to": date.today().isoformat()}), 200)
    svg = page.locator("svg#wykres-zespoly")
    assert svg.get_attribute("role") == "img"
    assert svg.locator("title").text_content() == "Pracownicy w zespołach"
    assert page.evaluate("document.querySelector('#wykres-zespoly').getAttribute('aria-describedby')")
    staff = {TEAMS[team]: str(row["staff"]) for team, row in report["teams"].items()}
    assert chart_figures(page, "wykres-zespoly") == staff
    assert staff["praca socjalna"] == staff["usługi"] == staff["świadczenia"] == "1"
    bars = page.evaluate("""[...document.querySelectorAll('#wykres-zespoly g.bar')]
        .map(g => [g.dataset.label, g.dataset.value, Number(g.querySelector('rect').getAttribute('width'))])""")
    assert [(label, value) for label, value, _ in bars] == list(staff.items())
    assert all((width > 0) == (value != "0") for _, value, width in bars)
    hours = {TEAMS[team]: str(row["training_hours"]) for team, row in report["teams"].items()}
    assert chart_figures(page, "wykres-szkolenia") == hours and hours["praca socjalna"] == "16"
    assert "Tomasz Nowicki" in page.locator("table", has_text="Godziny ukończonych szkoleń").inner_text()
    accessible(page)
    screenshot(page, "kadry", tmp_path)


def test_a_benefit_officer_is_refused_the_staff_pages(centre, open_page):
    centre.start("training")
    page = open_page(centre, "benefit_officer")
    for path in ("/kadry", "/pracownicy", "/szkolenia"):
        assert page.goto(f"{centre.url('gateway')}{path}").status == 403, path
