"""A service refuses to start on a password everyone knows: env.example's placeholder, a
broker's or a database's factory default, a demo password. The error names the setting, never
the password."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

KNOWN_PASSWORDS = frozenset({"change-me", "changeme", "guest", "password", "postgres", "admin", "secret",
                             "demo-hasło-2026", "12345678"})
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class KnownDefaultPassword(ValueError):
    """A setting holds a password everyone knows."""


def refuse_known_password(setting: str, uri: str | None) -> None:
    """Refuses a URI whose password is a known one, unless it only reaches this machine (the
    development broker's `guest` answers on loopback only)."""
    if not uri:
        return
    parts = urlsplit(uri)
    password = unquote(parts.password) if parts.password is not None else None
    if password is None:
        return
    if password.strip().lower() in KNOWN_PASSWORDS and (parts.hostname or "") not in LOOPBACK:
        raise KnownDefaultPassword(f"{setting} uses a password everyone knows: set the deployment's own "
                                   f"(deploy/README.md)")
