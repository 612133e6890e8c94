"""The gateway's rules: staff accounts, their roles, signing in and out. Pure Python.

An account belongs to one member of staff: a login, a name, a team, roles. Every change of
roles is an event with who made it and when, so what anyone could do on any date can be
rebuilt from the log. Signing in fails the same way whatever was wrong (no one learns which
logins exist); after a few failures the account is locked for a while that doubles with each
further failure. A session ends when signed out, when idle too long, or at its latest end.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any, Iterable

from eventsourcing.domain import Aggregate, event

from shared.contracts.gateway import TEAMS
from shared.roles import ROLES
from shared.values import LINE_MAX, UnknownCode, a_text

NAMESPACE = uuid.UUID("8c3f0a8e-7d1b-4a55-b7a0-3f61d9a2c4e5")
FREE_ATTEMPTS = 5  # failures before the first lockout
FIRST_LOCKOUT = timedelta(seconds=30)
LONGEST_LOCKOUT = timedelta(minutes=15)
IDLE = timedelta(minutes=15)
LONGEST_SESSION = timedelta(hours=10)


class AccountError(ValueError):
    """A change to a staff account that is not allowed."""


class AccountExists(AccountError):
    """There is already an account with this login."""


class SignInRefused(PermissionError):
    """The login and password do not open an account (which, is not said)."""


class AccountNotFound(LookupError):
    """No staff account with this reference."""


def account_id(login: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"login:{login.casefold()}")


def external_account_id(issuer: str, subject: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"oidc:{issuer}:{subject}")


def session_id(token: str) -> uuid.UUID:
    """A session's reference from its token: the store never holds the token itself."""
    return uuid.UUID(bytes=hashlib.sha256(token.encode()).digest()[:16], version=4)


def roles_of(values: Iterable[Any]) -> list[str]:
    if isinstance(values, str) or not isinstance(values, (list, tuple, set, frozenset)):
        raise UnknownCode("roles are a list of role codes")
    roles = sorted(set(values))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise UnknownCode(f"unknown role(s) {', '.join(map(str, unknown))}; one of {', '.join(ROLES)}")
    return roles


def a_team(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if value not in TEAMS:
        raise UnknownCode(f"unknown team {value!r}; one of {', '.join(TEAMS)}")
    return value


def lockout(failures: int) -> timedelta:
    """How long an account stays locked after this many failures in a row."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    return min(FIRST_LOCKOUT * 2 ** (failures - FREE_ATTEMPTS), LONGEST_LOCKOUT)


class StaffAccount(Aggregate):
    @event("Opened")
    def __init__(self, id: uuid.UUID, login: str, name: str, source: str, opened_by: str,  # noqa: A002
                 opened_at: datetime):
        self.login = login
        self.name = name
        self.source = source  # "local" (a password here) or the identity provider's issuer
        self.opened_by = opened_by
        self.roles: list[str] = []
        self.team: str | None = None
        self.role_history: list[dict] = []
        self.password_hash: str | None = None
        self.failures = 0
        self.locked_until: datetime | None = None
        self.disabled = False

    @classmethod
    def open(cls, login: str, name: str, by: str, at: datetime, source: str = "local",
             external_id: uuid.UUID | None = None) -> "StaffAccount":
        login = a_text(login, "the login", LINE_MAX).casefold()
        return cls(id=external_id or account_id(login), login=login, name=a_text(name, "the name", LINE_MAX),
                   source=source, opened_by=by, opened_at=at)

    def assign_roles(self, roles: Iterable[str], team: Any, by: str, at: datetime) -> bool:
        """Sets the roles and team; False if they are already these."""
        roles, team = roles_of(roles), a_team(team)
        if roles == self.roles and team == self.team:
            return False
        self._roles_assigned(roles=roles, team=team, by=by, at=at)
        return True

    @event("RolesAssigned")
    def _roles_assigned(self, roles: list[str], team: str | None, by: str, at: datetime) -> None:
        self.roles, self.team = roles, team
        self.role_history.append({"roles": roles, "team": team, "by": by, "at": at})

    def roles_at(self, moment: datetime) -> tuple[list[str], str | None]:
        """The roles and team the account had at a moment (none before its first assignment)."""
        held: tuple[list[str], str | None] = ([], None)
        for change in self.role_history:
            if change["at"] <= moment:
                held = (change["roles"], change["team"])
        return held

    @event("PasswordSet")
    def set_password(self, password_hash: str, by: str, at: datetime) -> None:
        if self.source != "local":
            raise AccountError("this account signs in with the centre's identity provider, not a password")
        self.password_hash = password_hash
        self.failures, self.locked_until = 0, None

    def may_try(self, at: datetime) -> bool:
        return not self.disabled and (self.locked_until is None or at >= self.locked_until)

    def sign_in_failed(self, at: datetime) -> None:
        failures = self.failures + 1
        locked = lockout(failures)
        self._failed(failures=failures, locked_until=at + locked if locked else None, at=at)

    @event("SignInFailed")
    def _failed(self, failures: int, locked_until: datetime | None, at: datetime) -> None:
        self.failures, self.locked_until = failures, locked_until

    @event("SignedIn")
    def signed_in(self, session_id: uuid.UUID, method: str, at: datetime) -> None:
        self.failures, self.locked_until = 0, None

    @event("Disabled")
    def disable(self, by: str, at: datetime) -> None:
        self.disabled = True


class Session(Aggregate):
    """A signed-in session: who, how, until when at the latest."""

    @event("Started")
    def __init__(self, id: uuid.UUID, account_id: uuid.UUID, method: str, started_at: datetime,  # noqa: A002
                 ends_at: datetime):
        self.account_id = account_id
        self.method = method
        self.started_at = started_at
        self.ends_at = ends_at
        self.ended: dict | None = None

    @classmethod
    def start(cls, token: str, account: StaffAccount, method: str, at: datetime,
              longest: timedelta = LONGEST_SESSION) -> "Session":
        return cls(id=session_id(token), account_id=account.id, method=method, started_at=at, ends_at=at + longest)

    def open_at(self, at: datetime, last_seen: datetime, idle: timedelta = IDLE) -> bool:
        return self.ended is None and at < self.ends_at and at - last_seen < idle

    @event("Ended")
    def end(self, reason: str, at: datetime) -> None:
        self.ended = {"reason": reason, "at": at}
