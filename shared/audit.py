"""A service's log for auditors, without the services (docs/architecture.md, invariant 6).

    python -m shared.audit export SERVICE --database-url URL --out FILE [--up-to N]
    python -m shared.audit verify FILE
    python -m shared.audit replay FILE [--until 2026-11-05T12:00:00+00:00] [--store-key-file FILE]

`export` writes every stored event of the service's own store, in notification order, as
JSON lines: a header naming the service and the last notification it covers (the store's
head when the export began, or `--up-to`), one line per event (its notification id,
aggregate, version, topic and the stored state exactly as stored), and a closing line with
the count. Each line carries the SHA-256 of the line before it and of itself, so `verify`
finds a line altered, removed, inserted or reordered, and a file cut short. Nothing in it
depends on when it was made: two exports of the same store up to the same notification
are the same file, with the same final hash (a backup is checked so, deploy/backup.py). `replay` verifies the file, then
rebuilds the state in the service's own domain model (its application, on an in-memory
store) from the events up to a moment, and prints what existed then. The events are exported as
stored, so encrypted (docs/architecture.md, "Encrypted at rest"): export and verify need no key,
replay needs the service's store key file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError, StoredEvent

from shared.keys import StoreKeyMissing, StoreKeyWrong, is_plaintext, key_ring
from shared.store import INTEGRATION_TOPIC, ServiceApplication, StoreNotFound, UnsupportedDatabaseURL

FORMAT = "ops-audit-log/2"
FORMATS = (FORMAT, "ops-audit-log/1")  # /1 files (headed by the time of the export) still verify
SERVICES = ("intake", "casework", "decisions", "care", "training", "gateway")
_PAGE = 1000


class AuditLogAltered(ValueError):
    """A line of the audit log is not what was exported: changed, removed, added or moved."""


class AuditLogIncomplete(ValueError):
    """The audit log is cut short, or events are missing from it."""


def application_class(service: str) -> type[ServiceApplication]:
    """The service's own application (its domain model), found by the service's name."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    module = importlib.import_module(f"services.{service}.application")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, ServiceApplication) and getattr(value, "service", None) == service:
            return value
    raise LookupError(f"services.{service}.application has no application for {service}")


def _sealed(record: dict[str, Any], previous: str) -> dict[str, Any]:
    body = json.dumps({**record, "previous_hash": previous}, sort_keys=True, ensure_ascii=False)
    return {**record, "previous_hash": previous, "hash": hashlib.sha256(body.encode()).hexdigest()}


def _state_fields(state: bytes | str) -> dict[str, str]:
    if isinstance(state, str):  # SQLite hands back text where someone wrote text over the stored bytes
        return {"state": state}
    try:
        return {"state": state.decode("utf-8")}  # the JSON eventsourcing stored, readable as it is
    except UnicodeDecodeError:  # a compressed or enciphered store
        return {"state_base64": base64.b64encode(state).decode()}


def export(app: ServiceApplication, out: Path, up_to: int | None = None) -> tuple[int, str]:
    """Writes the log of the service's store up to a notification (its head if None); returns
    how many events it holds and the file's final hash (keep it apart from the file: whoever
    rewrites the whole file changes it)."""
    count, previous, after = 0, "", 0
    up_to = (app.recorder.max_notification_id() or 0) if up_to is None else up_to
    with open(out, "w", encoding="utf-8") as file:
        def write(record: dict[str, Any]) -> None:
            nonlocal previous
            line = _sealed(record, previous)
            previous = line["hash"]
            file.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")

        write({"format": FORMAT, "service": app.service, "up_to": up_to})
        while True:
            page = app.recorder.select_notifications(start=after, limit=_PAGE, stop=up_to, inclusive_of_start=False)
            for n in page:
                write({"notification_id": n.id, "originator_id": str(n.originator_id),
                       "originator_version": n.originator_version, "topic": n.topic, **_state_fields(n.state)})
                after = n.id
                count += 1
            if len(page) < _PAGE:
                break
        write({"end": True, "events": count, "last_notification_id": after})
    return count, previous


@dataclass(frozen=True)
class VerifiedLog:
    service: str
    up_to: int | None  # the last notification the export covers (None in an /1 file)
    exported_at: str | None  # when an /1 file was made (a /2 file does not say)
    events: list[StoredEvent]
    notification_ids: list[int]
    final_hash: str


def verify(path: Path) -> VerifiedLog:
    """Checks every line's hash chain and that no event is missing; raises a named error."""
    previous, header, events, ids, end = "", None, [], [], None
    with open(path, encoding="utf-8") as file:
        for number, text in enumerate(file, start=1):
            if end is not None:
                raise AuditLogAltered(f"line {number}: a line after the closing line")
            try:
                line = json.loads(text)
                claimed = line.pop("hash")
            except (json.JSONDecodeError, KeyError, AttributeError, TypeError):
                raise AuditLogAltered(f"line {number}: not a sealed line of an audit log") from None
            if line.get("previous_hash") != previous or _sealed(
                    {k: v for k, v in line.items() if k != "previous_hash"}, previous)["hash"] != claimed:
                raise AuditLogAltered(f"line {number}: its content or its place in the log was changed")
            previous = claimed
            if header is None:
                if line.get("format") not in FORMATS:
                    raise AuditLogAltered(f"line {number}: not an {FORMAT} file")
                header = line
            elif line.get("end"):
                end = line
            else:
                if ids and line["notification_id"] != ids[-1] + 1:
                    raise AuditLogIncomplete(f"line {number}: event #{ids[-1] + 1} to "
                                             f"#{line['notification_id'] - 1} missing from the log")
                ids.append(line["notification_id"])
                state = (line["state"].encode("utf-8") if "state" in line
                         else base64.b64decode(line["state_base64"]))
                events.append(StoredEvent(UUID(line["originator_id"]), line["originator_version"], line["topic"], state))
    if header is None:
        raise AuditLogIncomplete("the file is empty")
    if end is None or end["events"] != len(events):
        raise AuditLogIncomplete("the log is cut short: its closing line is missing")
    return VerifiedLog(header["service"], header.get("up_to"), header.get("exported_at"), events, ids, previous)


def replay(log: VerifiedLog, until: datetime | None = None, store_key_file: Path | None = None,
           **settings: Any) -> ServiceApplication:
    """The service's domain model rebuilt from the log's events up to a moment (all if None),
    decrypted with the key ring in `store_key_file`."""
    if store_key_file is not None:
        key_ring(store_key_file)  # StoreKeyMissing: a store in memory would get a new key, which opens nothing
    elif log.events and not is_plaintext(log.events[0].state):
        raise StoreKeyMissing(f"the events of {log.service} are encrypted: replay them with its store key file")
    app = application_class(log.service)("sqlite:///:memory:", store_key_file=store_key_file, **settings)
    chosen = [e for e in log.events if until is None or app.mapper.to_domain_event(e).timestamp <= until]
    for start in range(0, len(chosen), _PAGE):
        app.recorder.insert_events(chosen[start:start + _PAGE])
    return app


def aggregates(app: ServiceApplication) -> Iterator[Any]:
    """Every aggregate in the (rebuilt) store, at its latest version (not the published events)."""
    seen: set = set()
    for n in app.recorder.select_notifications(start=None, limit=1_000_000):
        if n.topic != INTEGRATION_TOPIC and n.originator_id not in seen and n.originator_version == 1:
            seen.add(n.originator_id)
            yield app.repository.get(n.originator_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.audit", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    exporting = commands.add_parser("export", help="write a service's log to a file")
    exporting.add_argument("service", choices=SERVICES)
    exporting.add_argument("--database-url", required=True, help="the service's own store")
    exporting.add_argument("--out", required=True, type=Path)
    exporting.add_argument("--up-to", type=int, help="the last notification to export (default: the store's head)")
    commands.add_parser("verify", help="check a file: nothing altered, nothing missing").add_argument("file", type=Path)
    replaying = commands.add_parser("replay", help="rebuild the state at a moment from a verified file")
    replaying.add_argument("file", type=Path)
    replaying.add_argument("--until", type=datetime.fromisoformat, help="ISO date-time with offset; default: all")
    replaying.add_argument("--store-key-file", type=Path, help="the service's store key file (<service>-store.key)")
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            app = application_class(args.service)(args.database_url, existing=True)  # a mistyped URL makes nothing
            try:
                count, final_hash = export(app, args.out, args.up_to)
            finally:
                app.close()
            print(f"{count} event(s) of {args.service} written to {args.out}; final hash {final_hash}")
            return 0
        log = verify(args.file)
        if args.command == "verify":
            span = f"#{log.notification_ids[0]}–#{log.notification_ids[-1]}" if log.notification_ids else "none"
            covers = f"exported {log.exported_at}" if log.up_to is None else f"up to #{log.up_to}"
            print(f"{args.file}: {log.service}, {covers}: {len(log.events)} event(s) {span}; "
                  f"nothing altered, nothing missing; final hash {log.final_hash}")
            return 0
        until = args.until
        if until is not None and until.tzinfo is None:
            parser.error("--until needs a UTC offset, e.g. 2026-11-05T12:00:00+00:00")
        app = replay(log, until, args.store_key_file)
        try:
            kinds = Counter(type(a).__name__ for a in aggregates(app))
        finally:
            app.close()
        moment = until.isoformat() if until else "the end of the log"
        print(f"{log.service} as at {moment}: " + (", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "empty"))
        return 0
    except (AuditLogAltered, AuditLogIncomplete, StoreNotFound, UnsupportedDatabaseURL, StoreKeyMissing, StoreKeyWrong,
            MapperDeserialisationError, OSError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
