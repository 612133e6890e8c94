"""The gateway's accounts, sign-in rules and tokens, against both stores."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from services.gateway.application import GatewayApplication, WeakPassword
from services.gateway.domain import AccountExists, SignInRefused, StaffAccount, lockout
from shared.contracts.gateway import STAFF_MEMBER_CHANGED
from shared.identity import PUBLIC_KEYS, TokenIssuer, TokenVerifier, Unauthenticated, rotate_signing_key, signing_key
from shared.roles import AUDITOR, SOCIAL_WORKER
from shared.views import PageLimitOutOfRange, UnknownCursor

PASSWORD = "correct horse battery"


@pytest.fixture
def gateway(make_database_url, tmp_path):
    app = GatewayApplication(make_database_url("gateway"), secrets_dir=tmp_path, session_idle_s=0.5)
    yield app
    app.close()


@pytest.fixture
def tomasz(gateway):
    return gateway.open_account("t.nowicki", "Tomasz Nowicki", [SOCIAL_WORKER], "casework", PASSWORD, by="admin")


def test_a_member_of_staff_signs_in_and_the_session_names_them_with_their_roles(gateway, tomasz):
    token = gateway.sign_in("T.Nowicki", PASSWORD)
    staff = gateway.staff(token)
    assert (staff.name, staff.roles, staff.team) == ("Tomasz Nowicki", frozenset({SOCIAL_WORKER}), "casework")
    gateway.end_session(token)
    assert gateway.staff(token) is None
    assert gateway.staff("not a token") is None


def test_a_wrong_password_and_an_unknown_login_are_refused_alike(gateway, tomasz):
    with pytest.raises(SignInRefused) as wrong:
        gateway.sign_in("t.nowicki", "wrong password!!")
    with pytest.raises(SignInRefused) as unknown:
        gateway.sign_in("nobody", "wrong password!!")
    assert str(wrong.value) == str(unknown.value)


def test_repeated_failures_lock_the_account_with_a_growing_pause(gateway, tomasz):
    for _ in range(5):
        with pytest.raises(SignInRefused):
            gateway.sign_in("t.nowicki", "wrong password!!")
    account = gateway.account(tomasz)
    assert account.locked_until is not None
    with pytest.raises(SignInRefused):  # even the right password, while locked
        gateway.sign_in("t.nowicki", PASSWORD)
    assert [lockout(n).total_seconds() for n in (4, 5, 6, 7, 20)] == [0, 30, 60, 120, 900]


def test_a_session_ends_when_idle(gateway, tomasz):
    token = gateway.sign_in("t.nowicki", PASSWORD)
    assert gateway.staff(token) is not None
    time.sleep(0.6)
    assert gateway.staff(token) is None


def test_passwords_are_stored_as_argon2_hashes_and_must_be_long(gateway, tomasz):
    assert gateway.account(tomasz).password_hash.startswith("$argon2id$")
    with pytest.raises(WeakPassword):
        gateway.open_account("short", "Short Password", [AUDITOR], None, "short", by="admin")
    with pytest.raises(AccountExists):
        gateway.open_account("t.nowicki", "Someone Else", [AUDITOR], None, PASSWORD, by="admin")


def test_who_could_do_what_on_any_date_is_rebuilt_from_the_role_events(gateway, tomasz):
    before = datetime.now(timezone.utc)
    gateway.assign_roles(tomasz, [AUDITOR], None, by="admin")
    assert gateway.roles_on(tomasz, before)["roles"] == [SOCIAL_WORKER]
    assert gateway.roles_on(tomasz, datetime.now(timezone.utc))["roles"] == [AUDITOR]
    assert gateway.roles_on(tomasz, before - timedelta(days=1))["roles"] == []


def test_each_change_of_roles_is_published_for_the_social_work_team(gateway, tomasz):
    gateway.assign_roles(tomasz, [SOCIAL_WORKER], "casework", by="admin")  # no change: nothing published
    gateway.disable(tomasz, by="admin")
    published, _ = gateway.integration_envelopes(after=0, limit=100)
    assert [(e.type, e.data["active"]) for e in published] == [(STAFF_MEMBER_CHANGED.type, True),
                                                              (STAFF_MEMBER_CHANGED.type, False)]


def test_the_token_is_for_one_service_and_a_minute_or_two(gateway, tomasz, tmp_path):
    staff = gateway.staff(gateway.sign_in("t.nowicki", PASSWORD))
    token = gateway.issuer.mint(staff, audience="casework")
    verifier = TokenVerifier(tmp_path / PUBLIC_KEYS)
    assert verifier.verify(token, "casework").name == "Tomasz Nowicki"
    with pytest.raises(Unauthenticated):
        verifier.verify(token, "decisions")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= 120
    with pytest.raises(Unauthenticated):
        verifier.verify(gateway.issuer.mint(staff, audience="casework", lifetime=-60), "casework")


def test_after_a_key_rotation_tokens_of_both_keys_are_accepted(gateway, tomasz, tmp_path):
    staff = gateway.staff(gateway.sign_in("t.nowicki", PASSWORD))
    old = TokenIssuer(signing_key(tmp_path)).mint(staff, audience="casework")
    verifier = TokenVerifier(tmp_path / PUBLIC_KEYS)
    verifier.verify(old, "casework")
    rotate_signing_key(tmp_path)
    new = TokenIssuer(signing_key(tmp_path)).mint(staff, audience="casework")
    verifier._read_at = float("-inf")  # as a minute later
    assert verifier.verify(new, "casework").name == verifier.verify(old, "casework").name
    rotate_signing_key(tmp_path)  # a second rotation drops the first key
    verifier._read_at = float("-inf")
    with pytest.raises(Unauthenticated):
        verifier.verify(old, "casework")


def test_an_account_from_the_identity_provider_gets_the_roles_its_groups_give(make_database_url, tmp_path):
    app = GatewayApplication(make_database_url("gateway"), secrets_dir=tmp_path, oidc_group_roles={
        "ops-pracownicy-socjalni": {"roles": [SOCIAL_WORKER], "team": "casework"}})
    try:
        staff = app.staff(app.sign_in_external("https://idp", "agata", "Agata Mazur", ["ops-pracownicy-socjalni",
                                                                                        "other"]))
        assert (staff.roles, staff.team) == (frozenset({SOCIAL_WORKER}), "casework")
        with pytest.raises(SignInRefused):
            app.sign_in_external("https://idp", "jan", "Jan", ["other"])
        [account] = app.accounts()["accounts"]
        assert isinstance(account, StaffAccount) and account.source == "https://idp"
    finally:
        app.close()


def test_the_accounts_are_read_by_login_a_page_at_a_time_and_after_a_restart(make_database_url, tmp_path):
    url = make_database_url("gateway_accounts")
    app = GatewayApplication(url, secrets_dir=tmp_path)
    try:
        for login in ("zofia", "adam", "marek"):
            app.open_account(login, login.title(), [], None, None, by="Operator")
        first = app.accounts(limit=2)
        assert [a.login for a in first["accounts"]] == ["adam", "marek"]
        app.open_account("bartek", "Bartek", [], None, None, by="Operator")  # before the page read: not repeated
        app.open_account("tomasz", "Tomasz", [], None, None, by="Operator")  # after it: on the next page
        rest = app.accounts(limit=2, after=first["next_after"])
        assert [a.login for a in rest["accounts"]] == ["tomasz", "zofia"] and rest["next_after"] is None
        with pytest.raises(UnknownCursor):
            app.accounts(after="bm90LWEta2V5")
        with pytest.raises(PageLimitOutOfRange):
            app.accounts(limit=0)
    finally:
        app.close()
    again = GatewayApplication(url, secrets_dir=tmp_path)  # the table kept: nothing replayed but what came since
    try:
        assert again.read_model.view.max_tracking_id(again.name) == again.recorder.max_notification_id()
        assert [a.login for a in again.accounts()["accounts"]] == ["adam", "bartek", "marek", "tomasz", "zofia"]
    finally:
        again.close()
