"""The director's, the auditor's and the operator's pages in a real browser: figures without a
person, the access log and an exported log verified, the services' health and the staff accounts
— in Polish, through the gateway, accessible, and closed to the other roles."""

from __future__ import annotations

import json

import pytest
import requests

from deploy.client import StaffClient
from deploy.staff import BY_ROLE
from tests.browser.conftest import accessible, received, screenshot
from tests.support.people import pesel_for
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

IDENTITY_KEYS = {"pesel", "full_name"}


def keys_in(value) -> set[str]:
    """Every key of every object inside a JSON value."""
    if isinstance(value, dict):
        return set(value).union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value)) if value else set()
    return set()


def open_with_stream(page, url: str):
    """Goes to a page and waits until its live stream answers (the gateway has subscribed it)."""
    with page.expect_response(lambda r: "/events" in r.url):
        response = page.goto(url)
    return response


def test_the_director_sees_figures_and_no_person(centre, open_page, tmp_path):
    for service in ("intake", "casework", "decisions"):  # care and training not yet: their parts are missing
        centre.start(service)
    gateway = centre.url("gateway")
    page = open_page(centre, "director")
    assert page.url.endswith("/wskazniki")
    open_with_stream(page, f"{gateway}/wskazniki")

    names = {"Zofia Wskaźnikowa": 71, "Marek Wskaźnikowy": 72}
    for name, number in names.items():
        contact = centre.talk(centre.register(name, number), reasons_for_help=["ubostwo", "bezrobocie"])
        assert centre.route(contact, "casework", "wsparcie rodziny").status_code == 201
    contact = centre.talk(centre.register("Ola Świadczeniowa", 73), help_requested=["zasilek_okresowy"])
    assert centre.route(contact, "decisions", "zasiłek okresowy").status_code == 201  # a proceeding opens
    wait_for(lambda: len(centre.open_cases()) == 2, what="two families in social work")

    # The stream: the director's audience is events with references only (ClientRegistered is one),
    # so the page must have had some — and none of them may carry an identity field.
    wait_for(lambda: len(received(page)) >= 3, what="the director's page received the registrations")
    events = received(page)
    assert {e["type"] for e in events} >= {"pl.ops.intake.ClientRegistered.v1"}
    for event in events:
        assert not keys_in(json.loads(event["data"])) & IDENTITY_KEYS, event

    page.reload()
    main = page.inner_text("main")
    assert "2. półrocze 2026" in main
    figures = dict(zip(page.locator("dl.file dt").all_inner_texts(), page.locator("dl.file dd").all_inner_texts()))
    assert figures["Rodziny objęte pracą socjalną"] == "2"
    assert figures["Osoby objęte usługami (suma według rodzajów usług)"] == "brak danych"  # care does not answer
    reasons = page.locator("table", has_text="powodów udzielenia pomocy")
    assert reasons.locator("tr", has_text="bezrobocie").locator("td").inner_text() == "2"
    assert "brak danych — usługa zespołu nie odpowiedziała" in main  # care's part
    assert "brak danych — usługa kadr i szkoleń nie odpowiedziała" in main
    html = page.content()
    for name, number in {**names, "Ola Świadczeniowa": 73}.items():
        assert name not in html and pesel_for(number) not in html
    accessible(page)
    screenshot(page, "dyrektor-wskazniki", tmp_path)

    # The half-year report needs every team's part: without care it says so rather than show half a form.
    page.goto(f"{gateway}/sprawozdanie")
    assert "Sprawozdania nie można zestawić" in page.inner_text("main")
    assert page.locator("iframe").count() == 0
    centre.start("care")
    page.goto(f"{gateway}/sprawozdanie")
    page.fill("#s-rok", "2026")
    page.select_option("#s-polrocze", "2")
    page.click('button:has-text("Pokaż sprawozdanie")')
    page.wait_for_selector("iframe")
    report = page.frame_locator("iframe")
    assert "MRPiPS-03 – 2. półrocze 2026" in report.locator("h1").inner_text()
    assert report.locator("tr", has_text="rodziny objęte pracą socjalną").locator("td").nth(5).inner_text() == "2"
    csv_link = page.get_attribute('a:has-text("Pobierz CSV")', "href")
    csv = page.request.get(f"{gateway}{csv_link}")
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "rodziny objęte pracą socjalną" in csv.text() and "Wskaźnikow" not in csv.text()
    assert "Wskaźnikow" not in page.content() and "Wskaźnikow" not in report.locator("body").inner_text()
    accessible(page)
    screenshot(page, "dyrektor-sprawozdanie", tmp_path)

    response = page.goto(f"{gateway}/sprawozdanie?rok=dwa&polrocze=2")
    assert response.status == 400
    assert page.get_attribute("#s-rok", "aria-invalid") == "true"
    assert "Podaj rok" in page.inner_text("#blad-rok")

    worker = open_page(centre, "social_worker")
    for path in ("/wskazniki", "/sprawozdanie", "/audyt", "/audyt/weryfikacja", "/administracja", "/konta"):
        assert worker.goto(f"{gateway}{path}").status == 403, path


def test_the_auditor_sees_who_opened_a_file_and_verifies_an_exported_log(centre, open_page, tmp_path):
    centre.start("intake")
    gateway = centre.url("gateway")
    person_id = centre.register("Jan Audytowany", 74)
    centre.desk.ok(centre.desk.get("intake", f"/persons/{person_id}"), 200)  # the desk opens the file

    page = open_page(centre, "auditor")
    assert page.url.endswith("/audyt")
    row = page.locator("tbody tr", has_text=person_id)
    assert row.count() == 1
    assert BY_ROLE["first_contact_officer"].name in row.inner_text()
    assert "akta osoby" in row.inner_text() and "pracownik pierwszego kontaktu" in row.inner_text()
    assert "Jan Audytowany" not in page.content()
    accessible(page)
    screenshot(page, "audytor-rejestr", tmp_path)

    page.select_option("#a-usluga", "casework")  # not started: said so, not a broken page
    page.click('button:has-text("Pokaż")')
    page.wait_for_load_state("load")
    assert "nie odpowiada" in page.inner_text("main")

    # The auditor downloads intake's whole log from the page (through the gateway, with the
    # auditor's token), then has it verified.
    exported = tmp_path / "intake.jsonl"
    with page.expect_download() as download:
        page.click('a[href="/api/intake/audit-export"]')
    assert download.value.suggested_filename.startswith("intake-")
    download.value.save_as(exported)
    page.goto(f"{gateway}/audyt/weryfikacja")
    accessible(page)
    page.set_input_files("#w-plik", str(exported))
    page.click('button:has-text("Sprawdź")')
    page.wait_for_selector("main h2")
    main = page.inner_text("main")
    assert "Nic nie zmieniono, niczego nie brakuje." in main
    assert page.locator("tr", has_text="osoby w rejestrze").locator("td").inner_text() == "1"
    assert "Jan Audytowany" not in page.content() and pesel_for(74) not in page.content()
    accessible(page)
    screenshot(page, "audytor-weryfikacja", tmp_path)

    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    # The person's registration, its state encrypted as stored: one character of it changed.
    altered = next(i for i, line in enumerate(lines) if "Person.Registered" in line)
    assert "Audytowany" not in lines[altered]
    at = lines[altered].index('"state_base64": "') + len('"state_base64": "') + 10
    lines[altered] = lines[altered][:at] + ("A" if lines[altered][at] != "A" else "B") + lines[altered][at + 1:]
    tampered = tmp_path / "intake-zmieniony.jsonl"
    tampered.write_text("".join(lines), encoding="utf-8")
    page.set_input_files("#w-plik", str(tampered))
    page.click('button:has-text("Sprawdź")')
    page.wait_for_selector("main h2")
    verdict = page.inner_text("main p.error")
    assert "Dziennik został zmieniony" in verdict and "AuditLogAltered" in verdict
    assert f"zdarzenie nr {altered}" in verdict and f"line {altered + 1}" in verdict
    assert "Audytowan" not in page.content()
    accessible(page)
    screenshot(page, "audytor-weryfikacja-zmieniony", tmp_path)

    # Past 50 MiB: refused before it is read, with a page that says why.
    auditor = centre.as_role("auditor")
    too_big = auditor.http.post(f"{gateway}/audyt/weryfikacja", files={"plik": ("duzy.jsonl", b"x" * (51 << 20))},
                                timeout=60)
    assert too_big.status_code == 413 and "Plik jest większy niż 50 MiB" in too_big.text


def test_the_operator_sees_the_services_health_and_opens_an_account(centre, open_page, tmp_path):
    for service in ("intake", "casework"):
        centre.start(service)
    gateway = centre.url("gateway")
    centre.register("Ewa Zdrowotna", 75)
    page = open_page(centre, "operator")
    assert page.url.endswith("/administracja")
    for service in ("gateway", "intake", "casework"):
        assert "działa" in page.inner_text(f'tr[data-id="{service}"]'), service
    for service in ("decisions", "care", "training"):
        assert "nie odpowiada" in page.inner_text(f'tr[data-id="{service}"]'), service
    assert "martwe listy" in page.inner_text('tr[data-id="intake"]')
    assert "Ewa Zdrowotna" not in page.content() and pesel_for(75) not in page.content()
    accessible(page)
    screenshot(page, "administrator-stan-uslug", tmp_path)

    page.goto(f"{gateway}/konta")
    assert "k.zielinska" in page.inner_text("table")
    accessible(page)
    screenshot(page, "administrator-konta", tmp_path)
    page.fill("#k-login", "n.pracownica")
    page.fill("#k-imie", "Nina Pracownica")
    page.fill("#k-haslo", "nowe-hasło-2026-długie")
    page.select_option("#k-zespol", "casework")
    page.check("#k-rola-social_worker")
    page.click('button:has-text("Załóż konto")')
    page.wait_for_url("**/konta/*")
    account = page.inner_text("dl.file")
    assert "Nina Pracownica" in account and "pracownik socjalny" in account and "praca socjalna" in account
    assert StaffClient(gateway, "n.pracownica", "nowe-hasło-2026-długie").token  # the account signs in
    accessible(page)
    screenshot(page, "administrator-konto", tmp_path)

    page.check("#z-rola-social_work_team_leader")
    page.uncheck("#z-rola-social_worker")
    page.click('button:has-text("Zapisz role")')
    page.wait_for_function("document.querySelector('dl.file').innerText.includes('kierownik zespołu')")
    assert "pracownik socjalny" not in page.inner_text("dl.file")
    assert page.locator("table tbody tr").count() == 2  # the history keeps both assignments
    page.click('button:has-text("Wyłącz konto")')
    page.wait_for_function("document.querySelector('dl.file').innerText.includes('wyłączone')")
    refused = requests.post(f"{gateway}/sign-in", json={"login": "n.pracownica", "password": "nowe-hasło-2026-długie"},
                            timeout=10)
    assert refused.status_code in (401, 403)

    page.goto(f"{gateway}/konta")
    assert "Nina Pracownica" in page.inner_text("table")
    page.fill("#k-login", "n.pracownica")  # the login is taken: refused, said in the form
    page.fill("#k-imie", "Nina Druga")
    page.click('button:has-text("Załóż konto")')
    page.wait_for_selector("form .error")
    assert "already an account" in page.inner_text("form .error")
