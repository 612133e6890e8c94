"""The gateway's application: staff accounts and roles, signing in (a password here, or the
centre's identity provider), sessions, and the tokens it signs for the services."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.gateway.domain import (
    IDLE,
    LONGEST_SESSION,
    AccountExists,
    AccountNotFound,
    Session,
    SignInRefused,
    StaffAccount,
    account_id,
    external_account_id,
    session_id,
)
from shared.contracts.gateway import STAFF_MEMBER_CHANGED
from shared.identity import Staff, TokenIssuer, signing_key
from services.gateway.read_model import GatewayReadModel
from shared.store import ServiceApplication
from shared.views import page_limit

MIN_PASSWORD = 12
SESSION_CACHE_S = 5.0


class WeakPassword(ValueError):
    """A password must have at least 12 characters."""


def now() -> datetime:
    return datetime.now(timezone.utc)


class GatewayApplication(ServiceApplication):
    service = "gateway"

    def __init__(self, database_url: str, oidc_group_roles: dict | None = None, session_idle_s: float | None = None,
                 session_longest_s: float | None = None, **settings: Any):
        super().__init__(database_url, **settings)
        self.idle = timedelta(seconds=session_idle_s) if session_idle_s else IDLE
        self.longest = timedelta(seconds=session_longest_s) if session_longest_s else LONGEST_SESSION
        # OWASP's argon2id profile (19 MiB, 2 passes): argon2-cffi's default takes 64 MiB a sign-in.
        self.hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
        # Signing in as nobody costs what signing in as someone does: timing names no login.
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        # The identity provider's groups, each giving roles and a team: {"group": {"roles": [...], "team": ...}}.
        self.oidc_group_roles = oidc_group_roles or {}
        self._last_seen: dict[UUID, datetime] = {}
        self._sessions: dict[UUID, tuple[Session, float]] = {}  # read from the store at most every few seconds
        self._session_accounts: dict[UUID, tuple[StaffAccount, float]] = {}
        self._lock = threading.Lock()

    @functools.cached_property
    def read_model(self) -> GatewayReadModel:
        """The accounts by login, as a table (made when first read: a tool reading the store makes none)."""
        return GatewayReadModel(self)

    def read_models(self) -> list:
        return [self.read_model]

    @functools.cached_property
    def issuer(self) -> TokenIssuer:
        """The signer of the services' tokens (its key made in the secrets folder on first use;
        a rotated key is used from the gateway's next start)."""
        if self.secrets_dir is None:
            raise RuntimeError("the gateway needs its secrets folder for its signing key")
        return TokenIssuer(signing_key(self.secrets_dir))

    # --- accounts ------------------------------------------------------------------------

    def open_account(self, login: str, name: str, roles: Iterable[str], team: str | None, password: str | None,
                     by: str) -> UUID:
        at = now()
        account = StaffAccount.open(login, name, by, at)
        if self._exists(account.id):
            raise AccountExists(f"there is already an account {account.login!r}")
        account.assign_roles(roles, team, by, at)
        if password is not None:
            account.set_password(self._hash(password), by, at)
        try:
            self.save(account, self._staff_changed(account))
        except IntegrityError:
            raise AccountExists(f"there is already an account {account.login!r}") from None
        return account.id

    def assign_roles(self, account_ref: UUID, roles: Iterable[str], team: str | None, by: str) -> None:
        account = self.account(account_ref)
        if account.assign_roles(roles, team, by, now()):
            self.save(account, self._staff_changed(account))

    def set_password(self, account_ref: UUID, password: str, by: str) -> None:
        account = self.account(account_ref)
        account.set_password(self._hash(password), by, now())
        self.save(account)

    def disable(self, account_ref: UUID, by: str) -> None:
        account = self.account(account_ref)
        account.disable(by, now())
        self.save(account, self._staff_changed(account))

    def account(self, account_ref: UUID) -> StaffAccount:
        return self.aggregate(StaffAccount, account_ref, AccountNotFound)

    def accounts(self, limit: int | None = None, after: str | None = None) -> dict:
        """The staff accounts in the order of their logins, a page at a time:
        `{"accounts": [...], "next_after": ...}`; only the page's accounts are loaded."""
        ids, next_after = self.read_model.accounts(page_limit(limit), after)
        return {"accounts": [self.repository.get(i) for i in ids], "next_after": next_after}

    def roles_on(self, account_ref: UUID, moment: datetime) -> dict:
        account = self.account(account_ref)
        roles, team = account.roles_at(moment)
        return {"account_id": account.id, "login": account.login, "at": moment.isoformat(), "roles": roles,
                "team": team}

    def _staff_changed(self, account: StaffAccount):
        return self.integration_event(STAFF_MEMBER_CHANGED, {
            "staff_id": str(account.id), "name": account.name, "team": account.team, "roles": list(account.roles),
            "active": not account.disabled})

    def _hash(self, password: str) -> str:
        if not isinstance(password, str) or len(password) < MIN_PASSWORD:
            raise WeakPassword(f"a password must have at least {MIN_PASSWORD} characters")
        return self.hasher.hash(password)

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    # --- signing in --------------------------------------------------------------------------

    def sign_in(self, login: str, password: str) -> str:
        """A new session's token, or SignInRefused saying nothing of which part was wrong."""
        at = now()
        try:
            account = self.account(account_id(str(login or "")))
        except AccountNotFound:
            account = None
        if account is None or account.password_hash is None or not account.may_try(at):
            self._verify(self._dummy_hash, password)
            raise SignInRefused("the login or the password is wrong, or the account is locked for a while")
        if not self._verify(account.password_hash, password):
            account.sign_in_failed(at)
            self.save(account)
            raise SignInRefused("the login or the password is wrong, or the account is locked for a while")
        return self._start(account, "password", at)

    def sign_in_external(self, issuer: str, subject: str, name: str, groups: Iterable[str]) -> str:
        """Signs in a member of staff the centre's identity provider vouched for; their roles are
        what their groups give, recorded as any change of roles is."""
        at = now()
        roles, teams = set(), []
        for group in groups:
            given = self.oidc_group_roles.get(group) or {}
            roles.update(given.get("roles") or ())
            if given.get("team"):
                teams.append(given["team"])
        if not roles:
            raise SignInRefused("your account at the centre's identity provider gives no role here")
        ref = external_account_id(issuer, subject)
        try:
            account = self.account(ref)
        except AccountNotFound:
            account = StaffAccount.open(f"{subject}@{issuer}", name or subject, issuer, at, source=issuer,
                                        external_id=ref)
        if account.disabled:
            raise SignInRefused("this account is disabled")
        changed = account.assign_roles(sorted(roles), teams[0] if teams else None, issuer, at)
        if changed:
            self.save(account, self._staff_changed(account))
        return self._start(account, "oidc", at)

    def _verify(self, password_hash: str, password: Any) -> bool:
        try:
            return self.hasher.verify(password_hash, str(password or ""))
        except (VerificationError, InvalidHashError):
            return False

    def _start(self, account: StaffAccount, method: str, at: datetime) -> str:
        token = secrets.token_urlsafe(32)
        session = Session.start(token, account, method, at, self.longest)
        account.signed_in(session.id, method, at)
        self.save(account, session)
        with self._lock:
            self._last_seen[session.id] = at
        return token

    # --- sessions ----------------------------------------------------------------------------

    def staff(self, token: str | None, touch: bool = True) -> Staff | None:
        """Who a session token belongs to, if the session is open; a request touches it (the idle
        time starts again), a look from an open stream does not."""
        if not token:
            return None
        ref, at = session_id(token), now()
        session = self._session(ref)
        if session is None:
            return None
        with self._lock:
            last_seen = self._last_seen.setdefault(ref, at)  # after a restart the idle time starts again
        if not session.open_at(at, last_seen, self.idle):
            if session.ended is None:
                self.end_session(token, "idle" if at < session.ends_at else "expired")
            return None
        account = self._account_of(session)
        if account.disabled:
            return None
        if touch:
            with self._lock:
                self._last_seen[ref] = at
        return Staff(id=str(account.id), name=account.name, roles=frozenset(account.roles), team=account.team)

    def _account_of(self, session: Session) -> StaffAccount:
        """The session's account, read with the session (so a change of roles or a disabling
        counts within the same few seconds)."""
        with self._lock:
            cached = self._session_accounts.get(session.id)
        if cached is not None and time.monotonic() - cached[1] < SESSION_CACHE_S:
            return cached[0]
        account = self.account(session.account_id)
        with self._lock:
            self._session_accounts[session.id] = (account, time.monotonic())
        return account

    def end_session(self, token: str, reason: str = "signed_out") -> None:
        ref = session_id(token)
        session = self._session(ref)
        if session is None or session.ended is not None:
            return
        session.end(reason, now())
        self.save(session)
        with self._lock:
            self._sessions.pop(ref, None)
            self._last_seen.pop(ref, None)
            self._session_accounts.pop(ref, None)

    def _session(self, ref: UUID) -> Session | None:
        """The session, read again from the store after a few seconds, so a sign-out at another
        gateway instance counts here too."""
        with self._lock:
            cached = self._sessions.get(ref)
        if cached is not None and time.monotonic() - cached[1] < SESSION_CACHE_S:
            return cached[0]
        try:
            session = self.repository.get(ref)
        except AggregateNotFoundError:
            return None
        if not isinstance(session, Session):
            return None
        with self._lock:
            if len(self._sessions) > 10_000:  # sessions long gone: forget them
                self._prune()
            self._sessions[ref] = (session, time.monotonic())
        return session

    def _prune(self) -> None:
        at = now()
        for ref, (session, _) in list(self._sessions.items()):
            if session.ended is not None or at >= session.ends_at:
                self._sessions.pop(ref, None)
                self._last_seen.pop(ref, None)
                self._session_accounts.pop(ref, None)

    @staticmethod
    def csrf_token(token: str) -> str:
        """The session's anti-forgery token: derived from the session, never stored."""
        return hmac.new(token.encode(), b"csrf", hashlib.sha256).hexdigest()
