"""A service's log for auditors, without the services (docs/architecture.md, invariant 6, and
"Tamper-evident").

    python -m shared.audit export SERVICE --database-url URL --out FILE [--up-to N] [--sign-key KEY]
    python -m shared.audit verify FILE [--expect HASH] [--public-key KEY.pub]
    python -m shared.audit verify --database-url URL [--service SERVICE] [--expect HASH]
    python -m shared.audit replay FILE [--as-of-date 2026-11-05 | --as-recorded-at 2026-11-05T12:00:00+00:00]
                                  [--id UUID] [--format json|table] --store-key-file FILE

`export` writes every stored event of the service's own store, in notification order, as JSON
lines: a header naming the service and the last notification it covers (the store's head when
the export began, or `--up-to`), one line per event (its notification id, aggregate, version,
topic, the state exactly as stored, and its link of the store's hash chain, shared/chain.py),
and a closing line with the count and the head hash: the last event's link. Nothing in it
depends on when it was made: two exports of the same store up to the same notification are
the same file (a backup is checked so, deploy/backup.py). `verify` recomputes every link, from a
file or from a live store, and prints the head hash; `--expect` fails unless the chain passes
through the hash the auditor kept (the head of an earlier export or check of the same store).
`--sign-key` signs the file (Ed25519, `FILE.sig`); `verify --public-key` checks the signature.
`replay` rebuilds the state in the service's own domain model (its application, on a temporary
SQLite file deleted when it closes) from the events up to a business date or a moment of
recording, checking the file as `verify` does in the same reading; then reads the aggregates back
a page at a time and writes them whole to a file of that folder, and only then prints them: a
file that does not check out, or an aggregate that cannot be read back, prints nothing. Its
memory does not grow with the log. The events are exported as stored, so encrypted
(docs/architecture.md, "Encrypted at rest"): export and verify need no key, replay needs the
service's store key file.

Exit status: 0 done; 1 the log, its chain, its signature or the hash kept do not check out (or
no such aggregate); 2 nothing could be checked (no store at the URL, no file, no key); 3 the
standard output took only part of a replay's answer (OutputCutShort): what it printed is not
the whole (a JSON answer is valid only whole, a table ends with "end: N aggregate(s)").
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import gc
import hashlib
import importlib
import itertools
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO, Iterator
from uuid import UUID
from zoneinfo import ZoneInfo

import orjson
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent
from eventsourcing.sqlite import SQLiteAggregateRecorder

from shared import chain, signing
from shared.keys import StoreKeyMissing, StoreKeyWrong, is_plaintext, key_ring
from shared.store import INTEGRATION_TOPIC, ServiceApplication, StoreNotFound, UnsupportedDatabaseURL

FORMAT = "ops-audit-log/3"
SEALED = ("ops-audit-log/2", "ops-audit-log/1")  # files before the store's chain: lines sealed one to the next
SERVICES = ("intake", "casework", "decisions", "care", "training", "gateway")
CENTRE_TIME = ZoneInfo("Europe/Warsaw")  # the day an event without a date of its own was recorded, at the centre
_PAGE = 1000
_INSERT_PAGE = 10_000  # events a transaction of the rebuilt store: a tenth of the transactions, about 10 MB held


class AuditLogAltered(ValueError):
    """A line of the audit log is not what was exported: changed, removed, added or moved."""


class AuditLogIncomplete(ValueError):
    """The audit log is cut short, or events are missing from it."""


class AggregateNotFound(LookupError):
    """No aggregate with that id existed at the date or moment replayed."""


class OutputCutShort(RuntimeError):
    """The standard output took only part of a replay's answer: what it shows is not the whole."""


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
    """A line of an /1 or /2 file: sealed with the hash of the line before it and of itself."""
    body = json.dumps({**record, "previous_hash": previous}, sort_keys=True, ensure_ascii=False)
    return {**record, "previous_hash": previous, "hash": hashlib.sha256(body.encode()).hexdigest()}


def _state_fields(state: bytes | str) -> dict[str, str]:
    if isinstance(state, str):  # SQLite hands back text where someone wrote text over the stored bytes
        return {"state": state}
    try:
        return {"state": state.decode("utf-8")}  # the JSON eventsourcing stored, readable as it is
    except UnicodeDecodeError:  # a compressed or enciphered store
        return {"state_base64": base64.b64encode(state).decode()}


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"


def export(app: ServiceApplication, out: Path, up_to: int | None = None) -> tuple[int, str]:
    """Writes the log of the service's store up to a notification (its head if None), each event
    with its link of the store's chain; returns how many events it holds and the head hash (keep
    it apart from the file). The file is written whole even if the store's chain is broken (it is
    the evidence); then ChainBroken names where."""
    recorder = app.recorder
    if not recorder.has_chain():
        raise chain.ChainMissing(f"the store of {app.service} has no chain: open it once with its service")
    up_to = (recorder.max_notification_id() or 0) if up_to is None else up_to
    events = chain.paged(lambda after, limit: recorder.select_notifications(
        start=after, limit=limit, stop=up_to, inclusive_of_start=False), lambda n: n.id)
    links = chain.paged(lambda after, limit: [row for row in recorder.select_links(after, limit) if row[0] <= up_to],
                        lambda row: row[0])
    walk, broken, written, last, head = chain.Walk(), None, 0, 0, chain.GENESIS.hex()
    with open(out, "w", encoding="utf-8") as file:
        file.write(_line({"format": FORMAT, "service": app.service, "up_to": up_to}))
        for notification_id, n, claimed in chain.merged(events, links):
            try:
                if n is None:
                    raise chain.ChainBroken(notification_id, "chained, but no event has this id: removed or "
                                                             "renumbered")
                file.write(_line({"notification_id": n.id, "originator_id": str(n.originator_id),
                                  "originator_version": n.originator_version, "topic": n.topic,
                                  **_state_fields(n.state), "chain_hash": claimed and claimed.hex()}))
                written, last, head = written + 1, n.id, claimed and claimed.hex()
                if broken is None:
                    walk.step(n.id, n, claimed)
            except chain.ChainBroken as error:
                broken = broken or error
        file.write(_line({"end": True, "events": written, "last_notification_id": last, "head_hash": head}))
    if broken is not None:
        raise broken
    return written, head


@dataclass(frozen=True)
class VerifiedLog:
    service: str
    up_to: int | None  # the last notification the export covers (None in an /1 file)
    exported_at: str | None  # when an /1 file was made (later files do not say)
    events: list[StoredEvent]  # empty unless kept (verify(..., keep_events=True))
    notification_ids: list[int]
    final_hash: str  # the head hash (an /1 or /2 file: its last line's seal)
    count: int = 0
    expected_at: int | None = field(default=None)  # where --expect's hash is on the chain
    format: str = FORMAT
    path: Path | None = None  # the file verified
    sha256: str | None = None  # its bytes' digest, for reading it again (stored_events)

    def stored_events(self) -> Iterator[StoredEvent]:
        """The log's events: those kept, else read again from the file one line at a time, which
        must be the file verified (AuditLogAltered otherwise, once read to its end)."""
        if self.events or self.path is None:
            yield from self.events
            return
        digest = hashlib.sha256()
        with open(self.path, "rb") as file:
            for number, raw in enumerate(file, start=1):
                digest.update(raw)
                if number > 1 and number <= self.count + 1:  # the header and the closing line hold none
                    yield _event(orjson.loads(raw))
        if digest.hexdigest() != self.sha256:
            raise AuditLogAltered(f"{self.path} changed after it was verified")


def _event(line: dict[str, Any]) -> StoredEvent:
    state = line["state"].encode("utf-8") if "state" in line else base64.b64decode(line["state_base64"])
    return StoredEvent(UUID(line["originator_id"]), line["originator_version"], line["topic"], state)


class _Reading:
    """An exported log read once, a line at a time: its header when opened (`service`), then
    `events()` hands on each event only once its line and its link check out, and, read to its
    end, checks the closing line and the hash kept and sets `log`. The checks of `verify`."""

    def __init__(self, path: Path, expect: str | None = None, public_key: Path | None = None):
        if public_key is not None:
            signing.check(path, public_key)
        self.path, self.expect, self.log, self.header = Path(path), expect, None, None
        self._file = open(path, "rb")
        self._digest, self._sealed, self._number = hashlib.sha256(), "", 0
        try:
            self.header = self._next()
            if self.header is None:
                raise AuditLogIncomplete("the file is empty")
            if self.header.get("format") not in (FORMAT, *SEALED):
                raise AuditLogAltered(f"line 1: not an {FORMAT} file")
            self.service = self.header.get("service")
        except BaseException:
            self._file.close()
            raise

    def _next(self) -> dict[str, Any] | None:
        """The next line, parsed, with its seal checked (an /1 or /2 file); None at the end."""
        text = self._file.readline()
        if not text:
            return None
        self._digest.update(text)
        self._number += 1
        try:
            line = orjson.loads(text)
            if not isinstance(line, dict):
                raise TypeError
            if (self.header or line).get("format") in SEALED:
                claimed = line.pop("hash")
                if line.get("previous_hash") != self._sealed or _sealed(
                        {k: v for k, v in line.items() if k != "previous_hash"}, self._sealed)["hash"] != claimed:
                    raise AuditLogAltered(f"line {self._number}: its content or its place in the log was changed")
                self._sealed = claimed
            return line
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, AttributeError, TypeError):
            raise AuditLogAltered(f"line {self._number}: not a line of an audit log") from None

    def events(self) -> Iterator[tuple[int, StoredEvent]]:
        """(notification id, event) of each event line, once checked; raises a named error."""
        header, end, first, last, count, walk = self.header, None, None, None, 0, chain.Walk(self.expect)
        up_to, sealed = header.get("up_to"), header["format"] in SEALED
        with self._file:
            while (line := self._next()) is not None:
                number = self._number
                if end is not None:
                    raise AuditLogAltered(f"line {number}: a line after the closing line")
                if line.get("end"):
                    end = line
                    continue
                try:
                    notification_id, event = line["notification_id"], _event(line)
                except (KeyError, AttributeError, TypeError, ValueError):
                    raise AuditLogAltered(f"line {number}: not a line of an audit log") from None
                if up_to is not None and notification_id > up_to:
                    raise AuditLogAltered(f"line {number}: event #{notification_id} is past the export's #{up_to}")
                if sealed:
                    if last is not None and notification_id != last + 1:
                        raise AuditLogIncomplete(f"line {number}: event #{last + 1} to #{notification_id - 1} "
                                                 f"missing from the log")
                else:
                    try:
                        claimed = line["chain_hash"]
                        walk.step(notification_id, event, bytes.fromhex(claimed) if claimed else None)
                    except (chain.ChainBroken, ValueError, KeyError, TypeError) as error:
                        raise AuditLogAltered(f"line {number}: event {error}") from None
                first = notification_id if first is None else first
                last, count = notification_id, count + 1
                yield notification_id, event
        if end is None or end.get("events") != count:
            raise AuditLogIncomplete("the log is cut short: its closing line is missing")
        if sealed:
            if self.expect is not None and self.expect.lower() != self._sealed:
                raise chain.ExpectedHashMissing(f"the hash kept, {self.expect}, is not this file's final hash "
                                                f"{self._sealed}")
            final, expected_at = self._sealed, None
        else:
            head = walk.head()  # ExpectedHashMissing
            if end.get("head_hash") != head.hash or end.get("last_notification_id") != (head.notification_id or 0):
                raise AuditLogAltered("the closing line: its head or last event is not the chain's")
            final, expected_at = head.hash, head.expected_at
        self.log = VerifiedLog(self.service, up_to, header.get("exported_at"), [],
                               [n for n in (first, last) if n is not None], final, count, expected_at,
                               header["format"], self.path, self._digest.hexdigest())


def verify(path: Path, expect: str | None = None, keep_events: bool = True,
           public_key: Path | None = None) -> VerifiedLog:
    """Checks an exported log: every event's link of the store's chain (an /1 or /2 file: its
    lines' seals and that no id is skipped), its closing line, the hash kept (`expect`) and the
    signature (`public_key`); raises a named error. Reads one line at a time; holds the events
    only if `keep_events` (else replay reads them again: VerifiedLog.stored_events)."""
    reading = _Reading(path, expect, public_key)
    if not keep_events:
        collections.deque(reading.events(), maxlen=0)
        return reading.log
    ids, events = [], []
    for notification_id, event in reading.events():
        ids.append(notification_id)
        events.append(event)
    return replace(reading.log, events=events, notification_ids=ids)


def open_store(database_url: str, service: str | None = None) -> ServiceApplication:
    """A service's store that is there already, opened without its domain model and without
    creating anything (StoreNotFound otherwise); without `service`, whichever service's it is."""
    last: Exception | None = None
    for name in (service,) if service else SERVICES:
        try:
            return type(f"{name.title()}Store", (ServiceApplication,), {"service": name})(database_url, existing=True)
        except StoreNotFound as error:
            last = error
    raise StoreNotFound("no service's store at that database URL") from last


def business_date(event: Any) -> date:
    """The date an event counts on: its own `on`, else its first `…_on` date (registered_on,
    decided_on, written_on…); without one, the day it was recorded at the centre."""
    fields = vars(event)
    named = [value for name, value in fields.items() if (name == "on" or name.endswith("_on")) and type(value) is date]
    if type(fields.get("on")) is date:
        return fields["on"]
    return named[0] if named else event.timestamp.astimezone(CENTRE_TIME).date()


class _Rebuilt:
    """A service's application on a temporary SQLite file of its own, deleted when it closes."""

    folder: tempfile.TemporaryDirectory

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        finally:
            self.folder.cleanup()


def replay(log: VerifiedLog, as_recorded_at: datetime | None = None, store_key_file: Path | None = None, *,
           as_of_date: date | None = None, **settings: Any) -> ServiceApplication:
    """The service's domain model rebuilt from the log's events (all if no cut), decrypted with
    the key ring in `store_key_file`: up to a moment of recording, or up to a business date. An
    aggregate's events count in their order: its first one after the cut ends it (an event
    dated earlier that comes after it does not count either), so each aggregate is as it was.
    The store is a temporary file, written a page at a time, deleted when the application closes."""
    return _rebuild(log.service, log.stored_events(), as_recorded_at, store_key_file, as_of_date, settings)


def replay_file(path: Path, expect: str | None = None, as_recorded_at: datetime | None = None,
                store_key_file: Path | None = None, *, as_of_date: date | None = None,
                **settings: Any) -> tuple[VerifiedLog, ServiceApplication]:
    """`verify` and `replay` in one reading of the file: each event goes into the rebuilt store once
    its line and link check out, and a file that does not check out to its closing line raises
    its error with the store deleted, so nothing is ever shown from it."""
    reading = _Reading(path, expect)
    events = reading.events()
    try:
        app = _rebuild(reading.service, (event for _, event in events), as_recorded_at, store_key_file, as_of_date,
                       settings)
    finally:
        events.close()
    return reading.log, app


def _rebuild(service_name: str, events: Iterator[StoredEvent], as_recorded_at: datetime | None,
             store_key_file: Path | None, as_of_date: date | None, settings: dict[str, Any]) -> ServiceApplication:
    first = next(events, None)
    if store_key_file is not None:
        key_ring(store_key_file)  # StoreKeyMissing: a new store would get a new key, which opens nothing
    elif first is not None and not is_plaintext(first.state):
        raise StoreKeyMissing(f"the events of {service_name} are encrypted: replay them with its store key file")
    service = application_class(service_name)
    folder = tempfile.TemporaryDirectory(prefix=f"replay-{service_name}-")
    try:
        app = type(service.__name__, (_Rebuilt, service), {"folder": folder})(
            f"sqlite:///{folder.name}/{service_name}.sqlite", store_key_file=store_key_file, rebuilt=True, **settings)
    except BaseException:
        folder.cleanup()
        raise
    ended: set[UUID] = set()

    def counts(stored: StoredEvent) -> bool:
        if stored.originator_id in ended:
            return False
        event = app.mapper.to_domain_event(stored)
        if (as_recorded_at is not None and event.timestamp > as_recorded_at) or (
                as_of_date is not None and business_date(event) > as_of_date):
            ended.add(stored.originator_id)
            return False
        return True

    try:
        chosen = itertools.chain([first] if first is not None else [], events)
        if as_recorded_at is not None or as_of_date is not None:  # without a cut, every event counts
            chosen = filter(counts, chosen)
        while page := list(itertools.islice(chosen, _INSERT_PAGE)):
            # In bulk, unchained, unsynced: the log was checked as it was read, and the rebuilt
            # store is thrown away after (the service's recorder inserts, chains and syncs each event).
            with app.recorder.datastore.get_connection(commit=True) as connection:
                connection.cursor().execute("PRAGMA synchronous = OFF")  # outside the transaction, or refused
                with connection.transaction(commit=True) as cursor:
                    SQLiteAggregateRecorder._insert_events(app.recorder, cursor, page)
    except BaseException:
        app.close()
        raise
    return app


def aggregates(app: ServiceApplication, only: UUID | None = None) -> Iterator[Any]:
    """Every aggregate of a rebuilt store (not the published events), or the one `only`, at its
    latest version, in the order each began: a page of aggregates at a time, all their events
    read by one query (not a select each), so memory holds one page."""
    recorder, table, after = app.recorder, app.recorder.events_table_name, 0
    firsts = f"SELECT rowid, originator_id FROM {table} WHERE originator_version = 1 AND topic != ? AND rowid > ?"
    if only is not None:
        firsts += " AND originator_id = ?"
    query = (f"SELECT first.rowid, e.originator_id, e.originator_version, e.topic, e.state FROM ({firsts} ORDER BY "
             f"rowid LIMIT ?) AS first JOIN {table} AS e ON e.originator_id = first.originator_id "
             f"ORDER BY first.rowid, e.originator_version")
    while True:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (INTEGRATION_TOPIC, after, *([only.hex] if only else []), _PAGE))
            rows = cursor.fetchall()
        # the page's events decoded together: the persons' keys they need are read by one query
        ids = {row[1]: UUID(row[1]) for row in rows}  # once an aggregate, not once an event
        events = app.mapper.to_domain_events([StoredEvent(ids[originator_id], version, topic, state)
                                              for _, originator_id, version, topic, state in rows])
        aggregate, began, count = None, 0, 0
        for number, (row, event) in enumerate(zip(rows, events)):
            aggregate, began = event.mutate(aggregate if row[0] == began else None), row[0]
            if number + 1 == len(rows) or rows[number + 1][0] != began:
                yield aggregate
                count += 1
        if count < _PAGE:
            return
        after = began


def aggregate_state(aggregate: Any) -> dict[str, Any]:
    """An aggregate as plain data: its id, kind, version and public fields (dates, ids and amounts as text)."""
    return _plain({"id": aggregate.id, "type": type(aggregate).__name__, "version": aggregate.version,
                   **{name: value for name, value in vars(aggregate).items() if not name.startswith("_")}})


_SCALARS = frozenset({str, int, float, bool, type(None)})  # exactly: an Enum deriving from str or int is not


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:  # most values, first
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, Enum):
        return _plain(value.value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "__dict__"):
        return _plain({k: v for k, v in vars(value).items() if not k.startswith("_")})
    return str(value)


def _block(state: dict[str, Any]) -> str:
    """An aggregate for a reader: a field a line, nested values as compact JSON."""
    rest = {k: v for k, v in state.items() if k not in ("id", "type", "version")}
    width = max((len(k) for k in rest), default=0)
    lines = [f"{state['type']} {state['id']} (version {state['version']})"]
    lines += [f"  {k.ljust(width)}  {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
              for k, v in rest.items()]
    return "\n".join(lines) + "\n"


def _indented(value: Any) -> bytes:
    """As json.dumps(value, ensure_ascii=False, indent=2) writes it, several times faster."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2)


def _render(app: ServiceApplication, out: BinaryIO, table: bool, head: dict[str, Any], only: UUID | None) -> int:
    """Writes the aggregates (all, or the one `only`) to `out`, as JSON (`head` with its
    "aggregates", as json.dumps(..., indent=2) would write it) or as a table, a block each;
    returns how many. Output cut short cannot pass for whole: JSON is valid only whole, and the
    table ends with the line "end: N aggregate(s)"."""
    states, count = (aggregate_state(a) for a in aggregates(app, only)), 0
    if not table and only is None:
        out.write(_indented({**head, "aggregates": []}).removesuffix(b"[]\n}"))
    while page := list(itertools.islice(states, _PAGE)):
        if table:
            out.write((("\n" if count else "") + "\n".join(map(_block, page))).encode())
        elif only is not None:
            out.write(_indented(page[0]) + b"\n")
        else:  # a page at the array's own indent, as one document, its array's brackets cut off
            out.write(b"," if count else b"[")
            out.write(_indented({"aggregates": page}).removeprefix(b'{\n  "aggregates": [').removesuffix(b"\n  ]\n}"))
        count += len(page)
    if only is not None and not count:
        raise AggregateNotFound(f"no aggregate {only} in the log of {head['service']} at that cut")
    if table:
        out.write(f"{chr(10) if count else ''}end: {count} aggregate(s)\n".encode())
    elif only is None:
        out.write(b"\n  ]\n}\n" if count else b"[]\n}\n")
    return count


def _print_whole(output: BinaryIO) -> None:
    """Copies a rendered answer to the standard output; OutputCutShort if it takes only part."""
    try:
        sys.stdout.flush()
        shutil.copyfileobj(output, sys.stdout.buffer, 1 << 20)
        sys.stdout.buffer.flush()
    except OSError as error:
        raise OutputCutShort(f"the output stopped part way ({type(error).__name__}): what was printed is not the "
                             f"whole answer") from None


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """The garbage collector tuned for a replay, which makes millions of objects that die young
    while a page of aggregates lives: with its defaults it ran about 14 full collections over
    every object the imports made, 0.5-0.9 s of a 100,000-event replay; the objects there before
    are set aside (gc.freeze) and it runs less often (cycles are still collected): 0.03 s."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _head_line(head_id: int | None, head_hash: str, expected_at: int | None, expect: str | None) -> str:
    text = f"head hash {head_hash} (#{head_id})" if head_id else f"head hash {head_hash} (no events)"
    if expect:
        text += ("; the hash kept is the head" if expected_at in (None, head_id) or not head_id
                 else f"; the hash kept is #{expected_at}'s, events after it since")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.audit", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    exporting = commands.add_parser("export", help="write a service's log to a file")
    exporting.add_argument("service", choices=SERVICES)
    exporting.add_argument("--database-url", required=True, help="the service's own store")
    exporting.add_argument("--out", required=True, type=Path)
    exporting.add_argument("--up-to", type=int, help="the last notification to export (default: the store's head)")
    exporting.add_argument("--sign-key", type=Path, help="Ed25519 key file (made if missing); writes OUT.sig")
    verifying = commands.add_parser("verify", help="check a file or a live store: nothing altered, nothing missing")
    verifying.add_argument("file", type=Path, nargs="?")
    verifying.add_argument("--database-url", help="check a live store instead of a file (creates nothing)")
    verifying.add_argument("--service", choices=SERVICES, help="whose store (default: whichever is at the URL)")
    verifying.add_argument("--expect", help="the head hash kept from an earlier export or check")
    verifying.add_argument("--public-key", type=Path, help="the signer's public key file: check FILE.sig")
    replaying = commands.add_parser("replay", help="rebuild the aggregates at a date or moment from a verified file")
    replaying.add_argument("file", type=Path)
    cut = replaying.add_mutually_exclusive_group()
    cut.add_argument("--as-of-date", type=date.fromisoformat, help="business date (YYYY-MM-DD): events dated up to it")
    cut.add_argument("--as-recorded-at", "--until", dest="as_recorded_at", type=datetime.fromisoformat,
                     help="ISO date-time with offset: events stored up to then")
    replaying.add_argument("--id", type=UUID, help="print this aggregate only")
    replaying.add_argument("--format", choices=("json", "table"), default="json")
    replaying.add_argument("--store-key-file", type=Path, help="the service's store key file (<service>-store.key)")
    replaying.add_argument("--expect", help="the head hash kept: the file must hold the chain through it")
    replaying.add_argument("--person-keys-url", help="the service's live store, read only for its persons' keys "
                                                     "(without it personal fields read as withheld)")
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            app = application_class(args.service)(args.database_url, existing=True)  # a mistyped URL makes nothing
            try:
                count, head = export(app, args.out, args.up_to)
            finally:
                app.close()
            signed = ""
            if args.sign_key:
                public = signing.sign(args.out, args.sign_key)
                signed = f"; signed in {args.out}.sig (public key {public})"
            print(f"{count} event(s) of {args.service} written to {args.out}; head hash {head}{signed}")
            return 0
        if args.command == "verify":
            if (args.file is None) == (args.database_url is None):
                parser.error("verify takes a FILE or --database-url")
            if args.database_url:
                app = open_store(args.database_url, args.service)
                try:
                    head = chain.verify(app.recorder, args.expect)
                finally:
                    app.close()
                print(f"{app.recorder.events_table_name}: {head.events} event(s), chain whole; "
                      + _head_line(head.notification_id, head.hash, head.expected_at, args.expect))
                return 0
            log = verify(args.file, args.expect, keep_events=False, public_key=args.public_key)
            span = f"#{log.notification_ids[0]}–#{log.notification_ids[-1]}" if log.notification_ids else "none"
            covers = f"exported {log.exported_at}" if log.up_to is None else f"up to #{log.up_to}"
            signature = "; signature good" if args.public_key else ""
            print(f"{args.file}: {log.service}, {covers}: {log.count} event(s) {span}; nothing altered, nothing "
                  f"missing{signature}; "
                  + _head_line(log.notification_ids[-1] if log.notification_ids else None, log.final_hash,
                               log.expected_at, args.expect))
            return 0
        moment = args.as_recorded_at
        if moment is not None and moment.tzinfo is None:
            parser.error("--as-recorded-at needs a UTC offset, e.g. 2026-11-05T12:00:00+00:00")
        with _few_collections():
            log, app = replay_file(args.file, args.expect, moment, args.store_key_file, as_of_date=args.as_of_date,
                                   person_keys_url=args.person_keys_url)
            try:
                # Written whole to a file of the rebuilt store's temporary folder (deleted with it)
                # before a byte is printed: a failure on the way (a key that opens nothing) prints nothing.
                with open(Path(app.folder.name) / "output", "w+b", buffering=1 << 20) as output:
                    _render(app, output, args.format == "table", {
                        "service": log.service, "as_of_date": args.as_of_date and args.as_of_date.isoformat(),
                        "as_recorded_at": moment and moment.isoformat(), "head_hash": log.final_hash}, args.id)
                    output.seek(0)
                    _print_whole(output)
            finally:
                app.close()
        return 0
    except (AuditLogAltered, AuditLogIncomplete, chain.ChainBroken, chain.ChainMissing, chain.ExpectedHashMissing,
            signing.SignatureInvalid, AggregateNotFound) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    except (StoreNotFound, UnsupportedDatabaseURL, StoreKeyMissing, StoreKeyWrong, MapperDeserialisationError,
            OSError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 2
    except OutputCutShort as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
