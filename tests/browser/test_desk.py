"""The first-contact desk in a real browser: find, register, talk, route — in Polish, through the
gateway, accessible."""

from __future__ import annotations

import pytest

from tests.browser.conftest import accessible, screenshot, submitted
from tests.support.people import pesel_for
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def test_the_desk_registers_a_person_records_the_talk_and_routes_the_case(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("casework")
    page = open_page(centre, "first_contact_officer")
    assert page.url.endswith("/pierwszy-kontakt")
    accessible(page)
    screenshot(page, "pierwszy-kontakt", tmp_path)

    page.fill("#szukaj-pesel", pesel_for(91))
    page.click("text=Szukaj")
    assert "Nie znaleziono" in page.inner_text("main")
    page.fill("#r-imie", "Anna Przeglądarkowa")
    page.fill("#r-pesel", "85071512349")  # a mistyped PESEL
    page.click("button:has-text(\"Zarejestruj\")")
    page.wait_for_selector("form[data-api] .error")
    assert "PESEL" in page.inner_text("form[data-api] .error")
    assert page.get_attribute("#r-pesel", "aria-invalid") == "true"  # the error sits by its field
    page.fill("#r-pesel", pesel_for(91))
    page.click("button:has-text(\"Zarejestruj\")")
    page.wait_for_url("**/osoba/*")
    assert pesel_for(91) in page.inner_text("dl.file")  # the desk's own file: the PESEL whole
    accessible(page)
    screenshot(page, "osoba", tmp_path)

    page.check("#p-bezrobocie")
    page.check("#p-przemoc_w_rodzinie")
    page.check("#f-praca_socjalna")
    page.click("text=Zapisz rozmowę")
    page.wait_for_url("**/rozmowa/*")
    accessible(page)
    page.select_option("#s-zespol", "casework")
    page.fill("#s-powod", "przemoc w rodzinie, potrzebne wsparcie")
    assert submitted(page, "Skieruj") == "Skierowano."
    screenshot(page, "skierowanie", tmp_path)
    wait_for(lambda: len(centre.open_cases()) == 1, what="the case in casework")

    page.goto(f"{centre.url('gateway')}/skierowania")
    assert "Anna Przeglądarkowa" in page.inner_text("table")
    accessible(page)
    screenshot(page, "skierowania", tmp_path)


def test_the_desk_corrects_a_name_with_a_reason_and_the_history_and_casework_show_it(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("casework")
    person_id = centre.register("Anna Literówka", 92, contact="+48 600 100 200")
    case_id = centre.route(centre.talk(person_id), "casework").json()["case_id"]
    page = open_page(centre, "first_contact_officer")
    page.goto(f"{centre.url('gateway')}/osoba/{person_id}")
    assert page.input_value("#pd-imie") == "Anna Literówka"

    # The same contact again is no correction: the page says so, in Polish, and nothing changes.
    page.fill("#pk-powod", "sprawdzenie")
    page.click('button:has-text("Popraw kontakt")')
    page.wait_for_selector("form .error")
    assert "nie ma czego poprawiać" in page.inner_text("form .error")
    # A correction without its reason is not sent (the field is required); with it, it is made.
    page.fill("#pd-imie", "Anna Litera")
    page.click('button:has-text("Popraw dane osobowe")')
    assert page.evaluate("document.querySelector('#pd-powod').validity.valueMissing")
    page.fill("#pd-powod", "nazwisko z dowodu osobistego")
    with page.expect_navigation():
        page.click('button:has-text("Popraw dane osobowe")')
    assert "Anna Litera" in page.inner_text("dl.file")
    history = page.inner_text("table")
    assert "poprawka danych osobowych" in history and "Anna Literówka" in history
    assert "nazwisko z dowodu osobistego" in history
    accessible(page)
    screenshot(page, "osoba-poprawka", tmp_path)

    leader = centre.as_role("social_work_team_leader")
    wait_for(lambda: leader.ok(leader.get("casework", f"/cases/{case_id}"), 200)["person"]["full_name"]
             == "Anna Litera", what="the corrected name in casework")


def test_a_talk_whose_answer_was_lost_is_sent_again_and_stored_once(centre, open_page):
    centre.start("intake")
    intake = centre.processes["intake"]
    person_id = centre.register("Zofia Zgubiona", 93)
    page = open_page(centre, "first_contact_officer")
    page.goto(f"{centre.url('gateway')}/osoba/{person_id}")
    keys, heads = [], []

    def lose_the_first_answer(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the gateway and intake carry it out; the answer never reaches the page
            heads.append(intake.health()["store"]["head"])
            route.abort()
        else:
            route.continue_()

    page.route("**/first-contacts", lose_the_first_answer)
    page.check("#p-bezrobocie")
    page.check("#f-praca_socjalna")
    page.click("text=Zapisz rozmowę")
    page.wait_for_selector("form[data-api] .error")
    assert "Brak odpowiedzi" in page.inner_text("form[data-api] .error")
    page.click("text=Zapisz rozmowę")  # as it was: the same command, the same key
    page.wait_for_url("**/rozmowa/*")
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    assert intake.health()["store"]["head"] == heads[0]  # the talk was stored once, by the first
