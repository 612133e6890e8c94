"""The passwords of a service's connections: kept in files (compose secrets), put into the
connection's URI only inside the process; and refused when everyone knows them (env.example's
placeholder, a broker's or a database's factory default, a demo password). Errors name the
setting, never the password."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

KNOWN_PASSWORDS = frozenset({"change-me", "changeme", "guest", "password", "postgres", "admin", "secret",
                             "demo-hasło-2026", "12345678"})
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class KnownDefaultPassword(ValueError):
    """A setting holds a password everyone knows."""


class PasswordNotInItsFile(ValueError):
    """A setting's password file is set, but the password is missing from it or also in the URI."""


def with_password_file(setting: str, uri: str | None, password_file: str | Path | None) -> str | None:
    """The URI with the password read from `password_file` (a compose secret) in its place, so
    the password never sits in the environment, the compose file or `docker inspect`. A broker
    URI may list the nodes of a cluster, `;` between them (kombu's failover): each gets it."""
    if not password_file or not uri:
        return uri
    return ";".join(_with_password(setting, alternate, password_file) for alternate in uri.split(";"))


def _with_password(setting: str, uri: str, password_file: str | Path) -> str:
    parts = urlsplit(uri)
    if "@" not in parts.netloc:
        raise PasswordNotInItsFile(f"{setting} names no user for the password in its file")
    if parts.password is not None:
        raise PasswordNotInItsFile(f"{setting} carries a password and its password file is set: "
                                   f"keep the password in the file only")
    try:
        password = Path(password_file).read_text().strip()
    except OSError as error:
        raise PasswordNotInItsFile(f"the password file of {setting} cannot be read ({error.strerror})") from None
    if not password:
        raise PasswordNotInItsFile(f"the password file of {setting} is empty")
    user, host = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))


def refuse_known_password(setting: str, uri: str | None) -> None:
    """Refuses a URI whose password is a known one, unless it only reaches this machine (the
    development broker's `guest` answers on loopback only)."""
    for alternate in uri.split(";") if uri else ():
        parts = urlsplit(alternate)
        password = unquote(parts.password) if parts.password is not None else None
        if password is None:
            continue
        if password.strip().lower() in KNOWN_PASSWORDS and (parts.hostname or "") not in LOOPBACK:
            raise KnownDefaultPassword(f"{setting} uses a password everyone knows: set the deployment's own "
                                       f"(deploy/README.md)")
