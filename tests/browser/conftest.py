"""A real browser for the pages: Debian's Chromium, driven by Playwright with the system's
executable (no browser download), a fresh profile per test, and helpers every page test uses:
signing in through the page, an accessibility check with axe-core, a screenshot of each page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from deploy.staff import BY_ROLE, DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent.parent / "support" / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Chromium finds this machine's network closed: no background traffic, no first-run dialogs.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--lang=pl-PL"]

@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `bash deploy/ensure-services.sh chromium` installs Debian's package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, tmp_path):
    """A new browser window (its own cookies) signed in as a role's demo account."""
    contexts = []

    def open_as(centre, role: str, login: str | None = None) -> Page:
        context = chromium.new_context(locale="pl-PL", timezone_id="Europe/Warsaw")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{centre.url('gateway')}/sign-in")
        page.fill("#login", login or BY_ROLE[role].login)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")  # never "networkidle": the live stream stays open
        return page

    yield open_as
    for context in contexts:
        context.close()


def accessible(page: Page) -> None:
    """No serious or critical WCAG 2.1 A/AA violation on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                           .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""")
    assert result == [], f"{page.url}: {result}"


def screenshot(page: Page, name: str, tmp_path: Path) -> Path:
    """A picture of the page in the test's output folder (and in var/screenshots for people)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    shutil.copy(path, SCREENSHOTS / path.name)
    return path


def submitted(page: Page, button: str) -> str:
    """Clicks a data-api form's button and waits for its answer: the form's "done" text, or the
    test fails with the refusal the page shows."""
    page.click(f'button:has-text("{button}")')
    page.wait_for_selector("span[data-done]:not(:empty), form .error")
    errors = page.locator("form .error")
    assert errors.count() == 0, errors.first.inner_text()
    return page.inner_text("span[data-done]")


def received(page: Page) -> list[dict]:
    """Every event the page's stream carried (whether the page drew it or not)."""
    return page.evaluate("window.opsEvents || []")
