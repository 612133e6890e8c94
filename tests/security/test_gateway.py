"""Signing in at the gateway, tried as staff and as an attacker would, against real processes:
wrong passwords, lockout, idle sessions, a forged change without the anti-forgery token,
signing out, the centre's identity provider (a real OpenID Connect provider process), and the
access log that only the auditor reads."""

from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from deploy.client import StaffClient
from tests.support.centre import free_port
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def gateway(centre):
    centre.gateway_environment["GATEWAY_SESSION_IDLE_S"] = "3"
    centre.start("intake")
    return centre


def sign_in(gateway_url: str, login: str, password: str) -> requests.Response:
    return requests.post(f"{gateway_url}/sign-in", json={"login": login, "password": password}, timeout=10)


@pytest.mark.sqlite_only
def test_wrong_passwords_lock_the_account_and_say_nothing_of_which_logins_exist(gateway):
    url = gateway.url("gateway")
    wrong, unknown = sign_in(url, "k.zielinska", "not her password"), sign_in(url, "nobody", "not her password")
    assert wrong.status_code == unknown.status_code == 403
    assert wrong.json() == unknown.json()
    for _ in range(4):
        sign_in(url, "k.zielinska", "not her password")
    locked = sign_in(url, "k.zielinska", "demo-hasło-2026")  # the right password, while locked
    assert locked.status_code == 403 and locked.json() == wrong.json()
    assert sign_in(url, "t.nowicki", "demo-hasło-2026").status_code == 201  # others are not affected


@pytest.mark.sqlite_only
def test_a_session_ends_when_idle_and_when_signed_out(gateway):
    url = gateway.url("gateway")
    client = StaffClient(url, "k.zielinska")
    assert client.get("intake", "/routed-cases").status_code == 200
    time.sleep(3.5)
    assert client.get("intake", "/routed-cases").status_code == 401
    again = StaffClient(url, "k.zielinska")
    assert again.http.post(f"{url}/sign-out", json={}, timeout=10).status_code == 200
    assert again.get("intake", "/routed-cases").status_code == 401


@pytest.mark.sqlite_only
def test_a_page_s_session_cookie_is_strict_and_a_change_without_the_anti_forgery_token_is_refused(gateway):
    url = gateway.url("gateway")
    browser = requests.Session()
    form = browser.post(f"{url}/sign-in", data={"login": "k.zielinska", "password": "demo-hasło-2026", "next": "/"},
                        allow_redirects=False, timeout=10)
    assert form.status_code == 303
    cookie = form.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    body = {"full_name": "Z Innej Strony", "pesel": "85071512348", "registered_on": "2026-11-02"}
    forged = browser.post(f"{url}/api/intake/persons", json=body, timeout=10)
    assert forged.status_code == 403 and forged.json()["error"] == "MissingCsrfToken"
    csrf = browser.get(f"{url}/api/me", timeout=10).json()["csrf_token"]
    assert browser.post(f"{url}/api/intake/persons", json=body, headers={"X-CSRF-Token": csrf},
                        timeout=10).status_code == 201
    assert browser.get(f"{url}/api/me", headers={"Accept": "text/html"}, timeout=10).status_code == 200
    assert requests.get(f"{url}/api/me", headers={"Accept": "text/html"}, allow_redirects=False,
                        timeout=10).status_code == 303  # a page without a session goes to the sign-in page


@pytest.mark.sqlite_only
def test_the_access_log_records_a_read_and_only_the_auditor_reads_it(gateway):
    person = gateway.register("Czytana Osoba", 11)
    gateway.desk.get("intake", f"/persons/{person}")
    auditor = gateway.as_role("auditor")
    reads = auditor.ok(auditor.get("intake", "/access-log", params={"person_id": person}), 200)["reads"]
    assert [(r["staff_name"], r["what"]) for r in reads] == [("K. Zielińska", "person")]
    for role in ("first_contact_officer", "social_worker", "director", "operator"):
        assert gateway.as_role(role).get("intake", "/access-log", params={"person_id": person}).status_code == 403


@pytest.fixture
def provider():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return requests.get(f"{url}/.well-known/openid-configuration", timeout=1).ok
        except requests.ConnectionError:
            return False

    try:
        wait_for(answers, what="the identity provider")
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.sqlite_only
def test_signing_in_with_the_centre_s_identity_provider_maps_its_groups_to_roles(centre, provider):
    gateway_port = centre.ports["gateway"]
    centre.gateway_environment.update({
        "GATEWAY_OIDC_ISSUER": provider, "GATEWAY_OIDC_CLIENT_ID": "ops-gateway",
        "GATEWAY_OIDC_CLIENT_SECRET": "s3cret",
        "GATEWAY_OIDC_REDIRECT_URI": f"http://127.0.0.1:{gateway_port}/sign-in/provider/callback"})
    centre.start("intake")
    gateway = centre.url("gateway")
    requests.put(f"{provider}/users/agata", timeout=10,
                 json={"name": "Agata Mazur", "groups": ["ops-pracownicy-socjalni", "unrelated"]})
    requests.put(f"{provider}/users/intruz", timeout=10, json={"name": "Ktoś", "groups": ["unrelated"]})

    def sign_in_as(subject: str) -> requests.Session:
        browser = requests.Session()
        to_provider = browser.get(f"{gateway}/sign-in/provider", allow_redirects=False, timeout=10)
        assert to_provider.status_code == 303
        authorize = to_provider.headers["Location"]
        back = browser.post(authorize, data={"sub": subject}, allow_redirects=False, timeout=10)
        callback = back.headers["Location"]
        assert parse_qs(urlsplit(callback).query).get("code"), callback
        browser.landed = browser.get(callback, allow_redirects=False, timeout=10)
        return browser

    agata = sign_in_as("agata")
    assert agata.landed.status_code == 303, agata.landed.text
    me = agata.get(f"{gateway}/api/me", timeout=10).json()
    assert (me["name"], me["roles"], me["team"]) == ("Agata Mazur", ["social_worker"], "casework")
    assert sign_in_as("intruz").landed.status_code == 403  # no group of the centre: no role, no session
    # A callback that this browser did not start is refused.
    stranger = requests.Session()
    assert stranger.get(f"{gateway}/sign-in/provider/callback?code=x&state=y", timeout=10).status_code == 403


@pytest.mark.sqlite_only
def test_an_account_command_the_schema_refuses_names_its_field_and_opens_nothing(gateway):
    operator = gateway.as_role("operator")
    url = f"{gateway.url('gateway')}/accounts"
    before = operator.http.get(url, timeout=10).json()
    for body, field in [({"login": "x.nowy", "name": "X", "roles": ["king"]}, "roles"),
                        ({"login": "x.nowy", "name": "X", "team": 5}, "team"),
                        ({"login": "x.nowy", "name": {"first": "X"}}, "name"),
                        ({"login": "x.nowy", "name": "X", "is_admin": True}, "is_admin"),
                        ({"name": "X"}, "login")]:
        answer = operator.http.post(url, json=body, timeout=10)
        assert answer.status_code == 400 and answer.json()["error"] == "InvalidRequest", answer.text
        assert answer.json()["field"] == field and answer.json()["message_pl"]
    assert operator.http.get(url, timeout=10).json() == before
