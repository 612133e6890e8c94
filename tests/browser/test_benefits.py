"""The benefit officer's and the decision signatory's pages in a real browser: the week's
deadlines that follow the proceeding live, a proceeding's steps and their refusals in Polish, a
stream that never carries social work's events, and each page's role rule."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Page, expect

from shared.contracts import REGISTRY
from shared.contracts.audience import audience
from shared.roles import BENEFIT_OFFICER, SOCIAL_WORKER
from tests.browser.conftest import accessible, received, screenshot
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

TODAY = date.today()  # the pages count the deadlines from today: the proceedings start today too
ROUTED_TO_DECISIONS = "pl.ops.intake.CaseRouted.decisions.v1"


def polish(day: str) -> str:
    return date.fromisoformat(day).strftime("%d.%m.%Y")


def routed_to_decisions(centre, full_name: str, number: int, benefit: str = "zasilek_okresowy") -> dict:
    """A person registered, talked to and routed to the benefits team today, urgently; the proceeding
    decisions opened for it."""
    desk, officer = centre.desk, centre.as_role("benefit_officer")
    person_id = centre.register(full_name, number, registered_on=TODAY.isoformat())
    contact = centre.talk(person_id, held_on=TODAY.isoformat(), reasons_for_help=["bezrobocie"],
                          help_requested=[benefit], urgent=True)
    desk.ok(desk.post("intake", f"/first-contacts/{contact}/routings", {
        "team": "decisions", "reason": "wniosek o zasiłek", "routed_on": TODAY.isoformat()}), 201)
    found: list = []

    def opened() -> bool:
        found[:] = officer.get("decisions", "/proceedings", params={"person_id": person_id}).json()["proceedings"]
        return bool(found)

    wait_for(opened, what="the proceeding in decisions")
    return found[0]


def step(centre, role: str, proceeding: dict, name: str, body: dict | None = None) -> dict:
    who = centre.as_role(role)
    return who.ok(who.post("decisions", f"/proceedings/{proceeding['proceeding_id']}/{name}", body or {}), 200)


def interviewed_and_assessed(centre, proceeding: dict, full_name: str) -> dict:
    step(centre, "benefit_officer", proceeding, "interview", {
        "held_on": TODAY.isoformat(), "household": [{"name": full_name}, {"name": "Zofia Testowa", "relation": "córka"}],
        "incomes": [{"member": full_name, "source": "alimenty", "amount": "500"}]})
    return step(centre, "benefit_officer", proceeding, "assessment")["assessment"]


PERIOD_END = (TODAY.replace(day=1) + relativedelta(months=6, days=-1)).isoformat()


def draft(amount: str) -> dict:
    """A draft decision granting zasiłek okresowy for six months from this month."""
    return {"outcome": "grant", "legal_basis": "art. 38 u.p.s.", "amount": amount,
            "period_from": TODAY.replace(day=1).isoformat(), "period_to": PERIOD_END,
            "payment_method": "bank_transfer", "justification": ""}


def answered(page: Page, form: str, done: str) -> None:
    """The form's own "done" text, or the test fails with the refusal the page shows."""
    page.wait_for_selector(f"{form} span[data-done]:not(:empty), {form} .error")
    errors = page.locator(f"{form} .error")
    assert errors.count() == 0, errors.first.inner_text()
    assert page.inner_text(f"{form} span[data-done]") == done


def test_the_officer_sees_the_weeks_deadlines_and_they_follow_the_proceeding_live(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("decisions")
    proceeding = routed_to_decisions(centre, "Anna Terminowa", 31)
    interview_due = polish(proceeding["interview_due"])  # urgent: 2 working days, within this week

    page = open_page(centre, "benefit_officer")
    assert page.url.endswith("/postepowania")  # the officer's start page
    week = page.locator("#terminy tbody")
    interview_row = week.locator(f'tr[data-id="{proceeding["proceeding_id"]}-wywiad"]')
    expect(interview_row).to_contain_text(interview_due)
    expect(interview_row).to_contain_text("Wywiad środowiskowy")
    expect(interview_row).to_contain_text("pilna")
    open_row = page.locator(f'#otwarte tr[data-id="{proceeding["proceeding_id"]}"]')
    expect(open_row.locator(".stan")).to_have_text("oczekuje na wywiad")
    expect(open_row).to_contain_text(polish(proceeding["settlement_due"]))  # KPA art. 35: a month
    expect(open_row.locator("a")).to_have_attribute("href", f"/postepowanie/{proceeding['proceeding_id']}")
    accessible(page)
    screenshot(page, "postepowania", tmp_path)
    page.evaluate("window.notReloaded = true")

    # The proceeding moves (interview, assessment: the team's own steps, each a ProceedingUpdated on
    # the stream), the officer drafts and the signatory signs: the lists follow without a reload.
    assessed = interviewed_and_assessed(centre, proceeding, "Anna Terminowa")
    expect(open_row.locator(".stan")).to_have_text("po ocenie uprawnień — do decyzji", timeout=5_000)
    step(centre, "benefit_officer", proceeding, "draft", draft(assessed["min_amount"]))
    step(centre, "decision_signatory", proceeding, "signature")
    expect(open_row.locator(".stan")).to_have_text("decyzja wydana — do doręczenia", timeout=10_000)
    expect(interview_row).to_have_count(0)  # a decided proceeding has no interview nor KPA deadline
    expect(week.locator(f'tr[data-id="{proceeding["proceeding_id"]}-decyzja"]')).to_have_count(0)

    delivered = step(centre, "benefit_officer", proceeding, "delivery", {"delivered_on": TODAY.isoformat()})
    expect(open_row.locator(".stan")).to_have_text("biegnie termin na odwołanie", timeout=10_000)
    expect(open_row.locator(".odwolanie")).to_have_text(polish(delivered["appeal_deadline"]))
    assert page.evaluate("window.notReloaded === true")
    types = {e["type"] for e in received(page)}
    assert {"pl.ops.decisions.DecisionIssuedByOfficer.v1", "pl.ops.decisions.DecisionIssued.v1"} <= types
    accessible(page)
    screenshot(page, "postepowania-po-doreczeniu", tmp_path)


def test_the_proceeding_page_records_steps_and_shows_refusals_in_polish(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("decisions")
    proceeding = routed_to_decisions(centre, "Jan Krokowy", 32)
    path = f"{centre.url('gateway')}/postepowanie/{proceeding['proceeding_id']}"

    signatory = open_page(centre, "decision_signatory")
    signatory.goto(path)
    assert "Jan Krokowy" in signatory.inner_text("dl.file")
    assert signatory.locator("#pd-kwota").count() == 0 and signatory.locator("#w-gosp").count() == 0
    assert "przygotowuje specjalista" in signatory.inner_text("#podpis + p")  # nothing to sign yet

    officer = open_page(centre, "benefit_officer")
    officer.goto(path)
    assert officer.locator('button:has-text("Podpisz")').count() == 0  # the officer does not sign
    draft_form = 'form[data-api$="/draft"]'
    officer.click('summary:has-text("Projekt decyzji")')  # open once the assessment is made
    officer.select_option("#pd-rozstrzygniecie", "refusal")
    officer.fill("#pd-podstawa", "art. 38 u.p.s.")
    officer.fill("#pd-uzasadnienie", "dochód powyżej kryterium")
    officer.click('button:has-text("Zapisz projekt decyzji")')
    officer.wait_for_selector(f"{draft_form} .error")
    assert officer.inner_text(f"{draft_form} [data-errors]").startswith(
        "Decyzję można wydać dopiero po wywiadzie środowiskowym.")
    accessible(officer)
    screenshot(officer, "postepowanie-projekt-przed-wywiadem", tmp_path)

    interview_form = 'form[data-api$="/wywiad"]'
    officer.fill("#w-gosp", "Jan Krokowy\nZofia Krokowa; żona")
    officer.fill("#w-doch", "Jan Krokowy; zasiłek dla bezrobotnych; 300\nZofia Krokowa; nieznane; 100")
    officer.click('button:has-text("Zapisz wywiad")')
    officer.wait_for_selector(f"{interview_form} .error")
    assert "Nieznane źródło dochodu" in officer.inner_text(f"{interview_form} .error")
    assert officer.get_attribute("#w-doch", "aria-invalid") == "true"  # beside its field
    officer.fill("#w-doch", "Jan Krokowy; zasiłek dla bezrobotnych; 300\nZofia Krokowa; wynagrodzenie; 250,50")
    officer.click('button:has-text("Zapisz wywiad")')
    answered(officer, interview_form, "Zapisano wywiad.")
    expect(officer.locator("#stan")).to_have_text("po wywiadzie")  # the file follows the step
    officer.click('summary:has-text("Ocena uprawnień")')
    officer.click('button:has-text("Oceń uprawnienia")')
    answered(officer, 'form[data-api$="/assessment"]', "Oceniono.")
    expect(officer.locator("#ocena")).to_contain_text("uprawniony")
    accessible(officer)
    screenshot(officer, "postepowanie-po-ocenie", tmp_path)

    officer.reload()  # the draft's form prefilled from the assessment
    assessment = centre.as_role("benefit_officer").get(
        "decisions", f"/proceedings/{proceeding['proceeding_id']}").json()["assessment"]
    assert officer.input_value("#pd-podstawa") == assessment["legal_basis"]
    assert officer.input_value("#pd-rozstrzygniecie") == "grant"
    assert officer.input_value("#pd-od") == TODAY.replace(day=1).isoformat()
    officer.fill("#pd-kwota", "99999")
    officer.fill("#pd-do", (TODAY.replace(day=1) + relativedelta(months=3, days=-1)).isoformat())
    officer.select_option("#pd-sposob", "cash")
    officer.click('button:has-text("Zapisz projekt decyzji")')
    officer.wait_for_selector(f"{draft_form} .error")
    assert officer.inner_text(f"{draft_form} [data-errors]").startswith(
        "Kwota jest poza granicami, które dopuszcza ustawa.")
    screenshot(officer, "postepowanie-kwota-poza-granicami", tmp_path)
    officer.fill("#pd-kwota", assessment["min_amount"])
    with officer.expect_navigation():  # the page again, with the draft as saved
        officer.click('button:has-text("Zapisz projekt decyzji")')
    expect(officer.locator("#projekt")).to_contain_text("czeka na podpis")

    signatory.reload()
    with signatory.expect_navigation():
        signatory.click('#podpis ~ form button:has-text("Podpisz")')
    expect(signatory.locator("#decyzja")).to_contain_text("Maria Kowalczyk")
    expect(officer.locator("#decyzja")).to_contain_text("Maria Kowalczyk", timeout=10_000)  # live, no reload
    accessible(signatory)
    screenshot(signatory, "postepowanie-decyzja", tmp_path)


def test_the_signatory_returns_a_draft_with_a_remark_and_signs_the_officers_revision(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("decisions")
    proceeding = routed_to_decisions(centre, "Ewa Projektowa", 36)
    assessed = interviewed_and_assessed(centre, proceeding, "Ewa Projektowa")
    pid = proceeding["proceeding_id"]
    remark = "Kwota najwyższa bez uzasadnienia — przyznaj najniższą albo uzasadnij."

    signatory = open_page(centre, "decision_signatory")
    assert signatory.url.endswith("/do-podpisu")
    row = signatory.locator(f'tr[data-id="{pid}"]')
    expect(row).to_have_count(0)  # assessed, but nothing drafted: nothing to sign
    signatory.evaluate("window.notReloaded = true")

    officer = open_page(centre, "benefit_officer")
    officer.goto(f"{centre.url('gateway')}/postepowanie/{pid}")
    officer.fill("#pd-kwota", assessed["max_amount"])
    officer.fill("#pd-do", PERIOD_END)
    officer.select_option("#pd-sposob", "cash")
    with officer.expect_navigation():
        officer.click('button:has-text("Zapisz projekt decyzji")')
    expect(officer.locator("#projekt")).to_contain_text("czeka na podpis")

    # The signatory's list follows the draft live, with its content.
    expect(row).to_contain_text("Ewa Projektowa", timeout=10_000)
    expect(row).to_contain_text("przyznanie")
    expect(row).to_contain_text(f"do {polish(PERIOD_END)}")
    assert signatory.evaluate("window.notReloaded === true")
    signatory.reload()
    accessible(signatory)
    screenshot(signatory, "do-podpisu-projekt", tmp_path)
    signatory.fill("#uwaga-1", remark)
    with signatory.expect_navigation():
        signatory.click('button:has-text("Zwróć z uwagą")')
    expect(row).to_have_count(0)
    assert "Żaden projekt nie czeka na podpis." in signatory.inner_text("tbody")

    # The officer sees the remark (the file follows live) and drafts again from the returned draft.
    expect(officer.locator("#uwaga")).to_contain_text(remark, timeout=10_000)
    expect(officer.locator("#uwaga")).to_contain_text("Maria Kowalczyk")
    officer.goto(f"{centre.url('gateway')}/postepowania")  # the start page says it too
    expect(officer.locator(f'#otwarte tr[data-id="{pid}"] .decyzja')).to_contain_text("projekt zwrócony z uwagą")
    officer.goto(f"{centre.url('gateway')}/postepowanie/{pid}")
    assert remark in officer.inner_text("#zwrot")
    assert officer.input_value("#pd-kwota") == assessed["max_amount"]  # the returned draft, to revise
    officer.fill("#pd-kwota", assessed["min_amount"])
    with officer.expect_navigation():
        officer.click('button:has-text("Zapisz poprawiony projekt")')
    expect(officer.locator("#projekt")).to_contain_text("czeka na podpis")
    assert officer.locator("#zwrot").count() == 0 and officer.input_value("#pd-kwota") == assessed["min_amount"]
    accessible(officer)
    screenshot(officer, "postepowanie-projekt-poprawiony", tmp_path)

    expect(row).to_contain_text("Ewa Projektowa", timeout=10_000)  # back on the list, live
    signatory.reload()
    with signatory.expect_navigation():
        signatory.click('button:has-text("Podpisz")')
    expect(row).to_have_count(0)
    decided = centre.as_role("benefit_officer").get("decisions", f"/proceedings/{pid}").json()
    assert (decided["decision"]["amount"], decided["decision"]["signed_by"]) == (assessed["min_amount"],
                                                                                "Maria Kowalczyk")
    assert [(d["amount"], (d["returned"] or {}).get("remark"), bool(d["signed"])) for d in decided["drafts"]] == [
        (assessed["max_amount"], remark, False), (assessed["min_amount"], None, True)]
    expect(officer.locator("#decyzja")).to_contain_text("Maria Kowalczyk", timeout=10_000)
    expect(officer.locator("#historia-projektu")).to_contain_text(remark)


def test_the_officers_stream_never_carries_a_social_work_event(centre, open_page):
    for service in ("intake", "casework", "decisions"):
        centre.start(service)
    page = open_page(centre, "benefit_officer")
    casework_only = {c.type for c in REGISTRY
                     if SOCIAL_WORKER in audience(c) and BENEFIT_OFFICER not in audience(c)}
    assert "pl.ops.intake.CaseRouted.casework.v1" in casework_only

    # Routed to casework first: intake's log has it before the routing to decisions, so had the
    # stream carried it, it would have come before the event the test waits for.
    centre.first_contact_to_casework("Ewa Socjalna", 33)
    wait_for(lambda: len(centre.open_cases()) == 1, what="the social-work case")
    routed_to_decisions(centre, "Piotr Świadczeniowy", 34)
    wait_for(lambda: ROUTED_TO_DECISIONS in {e["type"] for e in received(page)}, what="the routing on the stream")
    types = {e["type"] for e in received(page)}
    assert not types & casework_only, types


def test_each_page_keeps_its_role_rule(centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("decisions")
    proceeding = routed_to_decisions(centre, "Maria Podpisowa", 35)
    assessed = interviewed_and_assessed(centre, proceeding, "Maria Podpisowa")
    step(centre, "benefit_officer", proceeding, "draft", draft(assessed["min_amount"]))
    gateway = centre.url("gateway")

    worker = open_page(centre, "social_worker")
    assert worker.goto(f"{gateway}/postepowania").status == 403
    assert worker.goto(f"{gateway}/postepowanie/{proceeding['proceeding_id']}").status == 403
    assert worker.goto(f"{gateway}/do-podpisu").status == 403

    signatory = open_page(centre, "decision_signatory")
    assert signatory.url.endswith("/do-podpisu")  # the signatory's start page
    row = signatory.locator(f'tr[data-id="{proceeding["proceeding_id"]}"]')
    expect(row).to_contain_text("Maria Podpisowa")
    expect(row.locator("a")).to_have_attribute("href", f"/postepowanie/{proceeding['proceeding_id']}")
    assert signatory.goto(f"{gateway}/postepowania").status == 403  # the officer's deadlines are not theirs
    signatory.goto(f"{gateway}/do-podpisu")
    accessible(signatory)
    screenshot(signatory, "do-podpisu", tmp_path)

    officer = open_page(centre, "benefit_officer")
    assert officer.goto(f"{gateway}/przeglady").status == 200
    accessible(officer)
    screenshot(officer, "przeglady", tmp_path)

    # The month's bank file: a refusal (the centre's account mistyped) in Polish, then the file.
    assert officer.goto(f"{gateway}/wyplaty").status == 200
    officer.fill("#b-platnik", "Ośrodek Pomocy Społecznej w Testowie")
    officer.fill("#b-rachunek", "PL00 1234")
    officer.click('button:has-text("Pobierz plik przelewów")')
    officer.wait_for_selector("p.error")
    assert "Nieprawidłowy numer rachunku" in officer.inner_text("p.error")
    accessible(officer)
    screenshot(officer, "wyplaty", tmp_path)
    officer.fill("#b-rachunek", "PL61109010140000071219812874")
    with officer.expect_download() as download:
        officer.click('button:has-text("Pobierz plik przelewów")')
    assert download.value.suggested_filename == f"przelewy-{TODAY:%Y-%m}.xml"


def test_the_officer_corrects_an_income_and_the_interview_before_the_decision_and_sees_them_in_the_history(
        centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("decisions")
    proceeding = routed_to_decisions(centre, "Olga Poprawna", 37)
    interviewed_and_assessed(centre, proceeding, "Olga Poprawna")
    pid = proceeding["proceeding_id"]
    # First contact corrects the person's name: the proceeding shows it, and the old one in its history.
    desk = centre.desk
    desk.ok(desk.post("intake", f"/persons/{proceeding['person_id']}/corrections/identity", {
        "full_name": "Olga Poprawna-Nowak", "reason": "nazwisko z dowodu", "corrected_on": TODAY.isoformat()}), 200)
    wait_for(lambda: step(centre, "benefit_officer", proceeding, "assessment")["person"]["full_name"]
             == "Olga Poprawna-Nowak", what="the correction in decisions")

    officer = open_page(centre, "benefit_officer")
    officer.goto(f"{centre.url('gateway')}/postepowanie/{pid}")
    assert "Olga Poprawna-Nowak" in officer.inner_text("dl.file")
    history = officer.locator("#historia-poprawek")
    expect(history).to_contain_text("pierwszy kontakt poprawił dane osoby — imię i nazwisko: było Olga Poprawna")
    assert "dowodu" not in officer.inner_text("dl.file")  # the reason stays at the desk

    officer.click('summary:has-text("Poprawki wywiadu i dochodów")')
    income_form = 'form[data-api$="/corrections/income"]'
    officer.fill("#pdo-1-powod", "zaświadczenie z sądu")
    officer.click('button:has-text("Popraw dochód 1")')
    officer.wait_for_selector(f"{income_form} .error")
    assert "nie ma czego poprawiać" in officer.inner_text(f"{income_form} [data-errors]")  # NothingToCorrect
    officer.fill("#pdo-1-kwota", "450")
    officer.fill("#pdo-1-powod", "   ")
    officer.click('button:has-text("Popraw dochód 1")')
    officer.wait_for_selector(f"{income_form} .error")
    assert "Podaj powód poprawki" in officer.inner_text(f"{income_form} .error")
    assert officer.get_attribute("#pdo-1-powod", "aria-invalid") == "true"  # beside its field
    officer.fill("#pdo-1-powod", "zaświadczenie z sądu")
    with officer.expect_navigation():
        officer.click('button:has-text("Popraw dochód 1")')
    expect(history).to_contain_text("B. Wójcik: dochód 1 — kwota: było 500,00 zł, jest 450,00 zł; "
                                    "powód: zaświadczenie z sądu")
    expect(officer.locator("#ocena-nieaktualna")).to_have_text("ocena nieaktualna")
    expect(officer.locator("#stan")).to_have_text("po wywiadzie")
    expect(officer.locator("#dochody")).to_contain_text("alimenty, 450,00 zł")

    # A draft waits for the assessment made anew.
    draft_form = 'form[data-api$="/draft"]'
    officer.click('summary:has-text("Projekt decyzji")')
    officer.fill("#pd-kwota", "600")
    officer.fill("#pd-do", PERIOD_END)
    officer.select_option("#pd-sposob", "cash")
    officer.click('button:has-text("Zapisz projekt decyzji")')
    officer.wait_for_selector(f"{draft_form} .error")
    assert officer.inner_text(f"{draft_form} [data-errors]").startswith(
        "Dane wywiadu poprawiono po ocenie uprawnień — oceń uprawnienia ponownie.")
    accessible(officer)
    screenshot(officer, "postepowanie-poprawka-dochodu", tmp_path)

    # The interview's household: the rules of a recorded interview hold (the income's member stays).
    interview_form = 'form[data-api$="/wywiad/poprawka"]'
    assert officer.input_value("#pw-gosp") == "Olga Poprawna\nZofia Testowa; córka"  # prefilled, one a line
    officer.fill("#pw-gosp", "Zofia Testowa; córka")
    officer.fill("#pw-powod", "pomyłka przy wpisie")
    officer.click('button:has-text("Popraw wywiad")')
    officer.wait_for_selector(f"{interview_form} .error")
    assert officer.get_attribute("#pw-gosp", "aria-invalid") == "true"
    officer.fill("#pw-gosp", "Olga Poprawna\nZofia Testowa; córka\nJan Testowy; syn")
    with officer.expect_navigation():
        officer.click('button:has-text("Popraw wywiad")')
    expect(history).to_contain_text("wywiad — skład gospodarstwa: było Olga Poprawna, Zofia Testowa, "
                                    "jest Olga Poprawna, Zofia Testowa, Jan Testowy; powód: pomyłka przy wpisie")
    officer.click('button:has-text("Oceń uprawnienia")')  # open: the state is back to "po wywiadzie"
    answered(officer, 'form[data-api$="/assessment"]', "Oceniono.")
    expect(officer.locator("#ocena-nieaktualna")).to_have_count(0)
    expect(officer.locator("#ocena")).to_contain_text("(3 os.)")
    accessible(officer)
    screenshot(officer, "postepowanie-historia-poprawek", tmp_path)


def test_an_issued_decision_keeps_the_name_it_was_issued_to_while_the_file_shows_the_corrected_one(
        centre, open_page, tmp_path):
    centre.start("intake")
    centre.start("decisions")
    proceeding = routed_to_decisions(centre, "Irena Wydana", 38, benefit="posilek")
    step(centre, "benefit_officer", proceeding, "interview", {
        "held_on": TODAY.isoformat(), "household": [{"name": "Irena Wydana"}], "incomes": []})
    step(centre, "benefit_officer", proceeding, "draft", {"outcome": "grant", "legal_basis": "art. 48 u.p.s.",
                                                          "period_from": TODAY.isoformat()})
    step(centre, "decision_signatory", proceeding, "signature")
    desk = centre.desk
    desk.ok(desk.post("intake", f"/persons/{proceeding['person_id']}/corrections/identity", {
        "full_name": "Irena Poprawiona", "reason": "akt małżeństwa", "corrected_on": TODAY.isoformat()}), 200)
    officer = centre.as_role("benefit_officer")
    wait_for(lambda: officer.get("decisions", f"/proceedings/{proceeding['proceeding_id']}").json()["person"][
        "full_name"] == "Irena Poprawiona", what="the correction in decisions")

    page = open_page(centre, "benefit_officer")
    page.goto(f"{centre.url('gateway')}/postepowanie/{proceeding['proceeding_id']}")
    assert "Irena Poprawiona" in page.inner_text("dl.file")
    expect(page.locator("#strona-decyzji")).to_contain_text("wydana dla: Irena Wydana")
    expect(page.locator("#historia-poprawek")).to_contain_text("imię i nazwisko: było Irena Wydana")
    assert page.locator("#poprawki").count() == 0  # decided: nothing is corrected, a change is a new decision
    accessible(page)
    screenshot(page, "postepowanie-decyzja-po-poprawce-danych", tmp_path)
