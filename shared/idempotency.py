"""Safe retries (docs/architecture.md, "Safe retries"). A desk whose answer was lost sends the
same command again with the same `Idempotency-Key` header: the first answer comes back and
nothing changes a second time; the same key with another request is refused.

The command's receipt is an aggregate of the service's own store, saved in the same
transaction as the command's first events (`ServiceApplication.save` adds it), so a command
is carried out with its receipt or not at all, and the receipt survives a restart. Its id is
derived from the service, the member of staff and the key, so two requests with the same key
that race each other cannot both be carried out: the second one's save conflicts on the
receipt and stores nothing. The answer is recorded on the receipt once the handler returns.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{8,200}$")  # printable ASCII, as the IETF draft's examples (UUIDs, ...)
_NAMESPACE = uuid.UUID("5b0d6c0e-6b3a-4f0e-9a55-1f9c1b6c2f70")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class InvalidIdempotencyKey(ValueError):
    """An Idempotency-Key is 8 to 200 printable ASCII characters (a UUID will do)."""

    polish = "Klucz Idempotency-Key ma od 8 do 200 drukowalnych znaków ASCII."


class IdempotencyKeyReused(ValueError):
    """This Idempotency-Key came with another request: a key names one command only."""

    polish = "Ten klucz Idempotency-Key przyszedł już z innym żądaniem."


class CommandInProgress(RuntimeError):
    """The request with this Idempotency-Key is being carried out now (or its answer was lost on
    the way to the store): ask again in a moment, or look the record up."""

    polish = "Żądanie z tym kluczem jest w toku — spróbuj za chwilę."


class CommandReceipt(Aggregate):
    """A command taken with an Idempotency-Key: what the request was and, once answered, its answer."""

    @staticmethod
    def create_id(service: str, staff_id: str, key: str, request_hash: str) -> uuid.UUID:
        return uuid.uuid5(_NAMESPACE, f"{service}\n{staff_id}\n{key}")  # one member of staff's key

    @event("Taken")
    def __init__(self, service: str, staff_id: str, key: str, request_hash: str):
        self.request_hash = request_hash
        self.status: int | None = None
        self.body: str | None = None
        self.mimetype: str | None = None

    @event("Answered")
    def answered(self, status: int, body: str, mimetype: str) -> None:
        self.status, self.body, self.mimetype = status, body, mimetype


@dataclass
class Pending:
    """The receipt a request's command is to be saved with (see `ServiceApplication.save`)."""

    args: dict[str, str]
    receipt: CommandReceipt = field(init=False)
    saved: bool = False

    def __post_init__(self) -> None:
        self.renew()

    def renew(self) -> None:
        """A receipt with its event again: a save that failed consumed it."""
        self.receipt = CommandReceipt(**self.args)


PENDING: ContextVar[Pending | None] = ContextVar("pending_receipt", default=None)


def take(app: Any, request) -> CommandReceipt | Pending | None:
    """None when the request is not a retryable command (no key, a safe method, nobody signed in);
    the receipt of the first request with this key when this is a retry of it (IdempotencyKeyReused
    when it is not the same request, CommandInProgress when it has no answer yet); else the
    pending receipt to save with this command."""
    key = request.headers.get(HEADER)
    if key is None or request.method in SAFE_METHODS or getattr(request, "staff", None) is None:
        return None
    if not _KEY.match(key):
        raise InvalidIdempotencyKey("an Idempotency-Key is 8 to 200 printable ASCII characters")
    digest = hashlib.sha256(b"\n".join([request.method.encode(), request.full_path.encode(), request.get_data()]))
    args = {"service": app.service, "staff_id": request.staff.id, "key": key, "request_hash": digest.hexdigest()}
    try:
        first = app.repository.get(CommandReceipt.create_id(**args))
    except AggregateNotFoundError:
        return Pending(args)
    if first.request_hash != args["request_hash"]:
        raise IdempotencyKeyReused("this Idempotency-Key came with another request; use a new key for a new command")
    if first.status is None:
        raise CommandInProgress("the request with this Idempotency-Key has no answer yet; ask again in a moment")
    return first


def conflicted(app: Any, pending: Pending) -> bool:
    """After a save failed on a conflict: whether another request with the same key took it."""
    try:
        app.repository.get(pending.receipt.id)
    except AggregateNotFoundError:
        return False
    return True
