"""Erasure by destroying keys (docs/architecture.md, "Erasure"): each person's personal fields are
sealed with a key of that person, kept in the service's own key table; erasing the person destroys
the key and records why in the log. No stored event is ever updated or deleted, so the log stays
whole and verifiable, and what an event says of no one in particular (dates, kinds, workers,
teams) still reads and still counts.

- An aggregate that is a person's file declares `PERSONAL`: for each of its events (by name) the
  fields sealed with the person's key and what each reads as once the key is gone. Its
  `person_id` names whose file it is. A field is named by its path: `notes` (the whole field),
  `decision.party` (a key of a dict), `household[].name` (that key of each entry of a list), so a
  list's length and an entry's other keys (amounts, codes) stay under the store's key.
- A published event (`IntegrationEvent`) with a `person_id` seals its fields of content (every
  data class but references and staff, shared/contracts), so what was published reads, once the
  person is erased, as its opaque references only.
"""

from __future__ import annotations

import base64
import contextvars
import copy
import sys
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from eventsourcing.cryptography import AESCipher
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import (Cipher, IntegrityError, Mapper, MapperDeserialisationError, ProgrammingError,
                                      StoredEvent)
from eventsourcing.utils import Environment, get_topic

from shared.contracts import REGISTRY, DataClass, UnknownEventType
from shared.values import LINE_MAX, a_date, one_line

if TYPE_CHECKING:
    from shared.views import Statement

NAMESPACE = uuid.UUID("0c3b9f5e-2f0a-4d5e-9a51-7e0f4d1b8a21")
SEALED = "_sealed"  # the stored state's entry holding [person_id, the personal fields encrypted]
PERSON_KEY_SIZE = 32  # bytes: AES-256, as the store's own key
# Content, not references: what a published event says of the person (shared/contracts).
_CONTENT = frozenset(DataClass) - {DataClass.REFERENCE, DataClass.STAFF}
# What a person's identity (as intake's contracts carry it) reads as once the person is erased.
ERASED_IDENTITY = {"full_name": None, "birth_date": None, "pesel": None, "document_number": None, "address": None,
                   "contact": None}


class PersonAlreadyErased(LookupError):
    """This person's key is destroyed already: there is nothing left to erase."""

    polish = "Dane tej osoby zostały już usunięte."


class NoFileOfPerson(LookupError):
    """This service keeps no file of a person with this reference (or only one written before
    per-person keys, which a key cannot erase)."""

    polish = "Nie ma akt tej osoby do usunięcia."


class PersonFileErased(ValueError):
    """The person's file is erased: nothing more is written to it."""

    polish = "Dane tej osoby zostały usunięte — nie można niczego dopisać."


class MissingErasureGround(ValueError):
    """An erasure names its legal ground (the retention period over, RODO art. 17 ...)."""

    field = "ground"
    polish = "Podaj podstawę prawną usunięcia danych."


class PersonKeyMissing(MapperDeserialisationError, LookupError):
    """An event sealed with a person's key, and the key table has no row for that person: the key
    table was lost or not restored with the store (an erased person keeps a row without a key)."""


def erasure_id(person_id: uuid.UUID) -> uuid.UUID:
    """One erasure record a person: a second erasure conflicts with the first."""
    return uuid.uuid5(NAMESPACE, f"erasure:{person_id}")


class Erasure(Aggregate):
    """The record in the log that a person's key was destroyed, why, by whom and on which day. It
    names the person by the opaque reference only."""

    @staticmethod
    def create_id(person_id: uuid.UUID, **_: Any) -> uuid.UUID:
        return erasure_id(person_id)

    @event("PersonErased")
    def __init__(self, person_id: uuid.UUID, ground: str, erased_on: date, erased_by: str):
        self.person_id = person_id
        self.ground = ground
        self.erased_on = erased_on
        self.erased_by = erased_by

    @classmethod
    def record(cls, person_id: uuid.UUID, ground: str, erased_on: Any, erased_by: str) -> "Erasure":
        ground = one_line(ground, "the erasure's ground")
        if not ground:
            raise MissingErasureGround("an erasure names its legal ground")
        return cls(person_id=person_id, ground=ground, erased_on=a_date(erased_on, "the erasure's date"),
                   erased_by=one_line(erased_by, "who erases", LINE_MAX) or "operator")


ERASED_TOPIC = get_topic(Erasure.PersonErased)


# --- the key table -----------------------------------------------------------------------------

# The keys a save in progress made for persons it is the first to seal for (PersonKeys.first_keys).
_MADE: contextvars.ContextVar[Mapping[uuid.UUID, AESCipher]] = contextvars.ContextVar("made_keys", default={})


class PersonKeys:
    """The persons' keys in a table of the service's own database (`<service>_person_keys`), each
    key encrypted with the store's cipher, so the database alone opens nothing. An erased person
    keeps a row without a key: the table tells erased (no key) from never written (no row).

    Keys read are kept in a cache of at most `CACHE` entries for `TTL` seconds: it never grows with
    the log, and another process of the service stops using a key destroyed here within `TTL`."""

    CACHE = 1024
    TTL = 30.0

    def __init__(self, recorder: Any, service: str, store_cipher: Cipher | None, writable: bool = True,
                 missing_is_withheld: bool = False):
        from shared.views import view_recorder_class

        self.table = f"{service}_person_keys"
        self._view = view_recorder_class(recorder)(recorder, ())
        self._store_cipher = store_cipher
        self.writable = writable
        # An audit replay (or a store in memory) with no key table to read: sealed fields read as withheld.
        self.missing_is_withheld = missing_is_withheld
        self._made = False
        self._cache: OrderedDict[uuid.UUID, tuple[AESCipher | None, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _table(self) -> None:
        if not self._made:
            if self.writable:
                try:
                    self._view.execute([(f"CREATE TABLE IF NOT EXISTS {self.table} (person_id TEXT PRIMARY KEY, "
                                         "key TEXT, erased_on TEXT)", {})])
                except (IntegrityError, ProgrammingError):
                    # PostgreSQL: another request made it at the same moment (IF NOT EXISTS does not
                    # wait for it); anything else, and the table is still missing: this raises
                    self._view.rows(f"SELECT 1 FROM {self.table} LIMIT 1")
            self._made = True

    def _cipher(self, sealed_key: str) -> AESCipher:
        key = sealed_key
        if self._store_cipher is not None:
            key = self._store_cipher.decrypt(base64.b64decode(sealed_key)).decode()
        return AESCipher(Environment("person", {AESCipher.CIPHER_KEY: key}))

    def _rows(self, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict]:
        """The key rows of these persons there are, by person, 500 persons a query."""
        self._table()
        wanted, found = list(person_ids), {}
        for chunk in range(0, len(wanted), 500):
            ids = {str(p): p for p in wanted[chunk:chunk + 500]}
            names = {f"p{n}": i for n, i in enumerate(ids)}
            try:
                rows = self._view.rows(f"SELECT person_id, key, erased_on FROM {self.table} WHERE person_id IN "
                                       f"({', '.join(':' + n for n in names)})", **names)
            except Exception:  # noqa: BLE001 (a store that never sealed anything has no table)
                if self.writable:
                    raise
                return {}
            found.update((ids[row["person_id"]], row) for row in rows)
        return found

    def _row(self, person_id: uuid.UUID) -> dict | None:
        return self._rows([person_id]).get(person_id)

    def _cached(self, person_id: uuid.UUID) -> tuple[bool, AESCipher | None]:
        with self._lock:
            found = self._cache.get(person_id)
            if found and found[1] > time.monotonic():
                self._cache.move_to_end(person_id)
                return True, found[0]
        return False, None

    def _remember(self, person_id: uuid.UUID, cipher: AESCipher | None) -> None:
        with self._lock:
            self._cache[person_id] = (cipher, time.monotonic() + self.TTL)
            self._cache.move_to_end(person_id)
            while len(self._cache) > self.CACHE:
                self._cache.popitem(last=False)

    def opening(self, person_id: uuid.UUID) -> AESCipher | None:
        """The person's cipher; None if the person is erased (or, in a keyless replay, unknown)."""
        return self.openings([person_id])[person_id]

    def openings(self, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, AESCipher | None]:
        """Each person's cipher, as `opening`; those not cached read together (an audit replay's page)."""
        found: dict[uuid.UUID, AESCipher | None] = {}
        wanted = []
        for person_id in person_ids:
            hit, cipher = self._cached(person_id)
            if hit:
                found[person_id] = cipher
            else:
                wanted.append(person_id)
        rows = self._rows(wanted) if wanted else {}
        for person_id in wanted:
            row = rows.get(person_id)
            if row is None and not self.missing_is_withheld:
                raise PersonKeyMissing(f"no key row for person {person_id}: restore the key table with the store")
            found[person_id] = cipher = self._cipher(row["key"]) if row and row["key"] else None
            if cipher is not None:  # an erased person is never cached: a new key can never be made for them anyway
                self._remember(person_id, cipher)
        return found

    def _new_key(self, person_id: uuid.UUID, or_theirs: bool = False) -> tuple[AESCipher, Statement]:
        """A new key, and its row (the key sealed with the store's cipher). A row there already is
        IntegrityError, as events sealed with this key must not commit; or, `or_theirs`, the row
        there stays (and is read back)."""
        key = AESCipher.create_key(PERSON_KEY_SIZE)
        sealed = key if self._store_cipher is None else base64.b64encode(
            self._store_cipher.encrypt(key.encode())).decode()
        keep = " ON CONFLICT (person_id) DO NOTHING" if or_theirs else ""
        return (AESCipher(Environment("person", {AESCipher.CIPHER_KEY: key})),
                (f"INSERT INTO {self.table} (person_id, key) VALUES (:id, :key){keep}",
                 {"id": str(person_id), "key": sealed}))

    @contextmanager
    def first_keys(self, person_ids: Iterable[uuid.UUID]) -> Iterator[list[Statement]]:
        """The keys of the persons a save is about to seal for. Those kept here are read, a page of
        persons a query; for those with none yet a key is made, sealing this save's events only,
        and their rows are given to join the save's own transaction: a key is never kept without
        the events it seals, and a person's first save is one commit, not two. Kept for the next
        saves once the block ends without an error (the save committed)."""
        missing = [p for p in dict.fromkeys(person_ids) if not self._cached(p)[0]]
        if not missing or not self.writable:
            yield []
            return
        known = self._rows(missing)
        for person_id, row in known.items():
            if row["key"]:  # an erased person's file takes nothing more: sealing says so
                self._remember(person_id, self._cipher(row["key"]))
        made = {p: self._new_key(p) for p in missing if p not in known}
        token = _MADE.set({p: cipher for p, (cipher, _) in made.items()})
        try:
            yield [(self._view._sql(sql), parameters) for _, (sql, parameters) in made.values()]
        finally:
            _MADE.reset(token)
        for person_id, (cipher, _) in made.items():
            self._remember(person_id, cipher)

    def made_elsewhere(self, key_rows: Iterable[Statement]) -> bool:
        """Whether another process has kept a key for a person whose first key a save here made
        (`first_keys`' rows): a first save of theirs there at the same moment. This save's keys
        lost, it is tried again with theirs."""
        return bool(self._rows(uuid.UUID(parameters["id"]) for _, parameters in key_rows))

    def sealing(self, person_id: uuid.UUID) -> AESCipher:
        """The person's cipher for a new event, a new key if the person has none yet."""
        made = _MADE.get().get(person_id)
        if made is not None:
            return made
        hit, cipher = self._cached(person_id)
        if hit and cipher is not None:
            return cipher
        if not self.writable:
            raise PersonFileErased("a replay writes nothing")
        row = self._row(person_id)
        if row is None:  # a person the save did not name (first_keys): their key made at once, on its own
            self._view.execute([self._new_key(person_id, or_theirs=True)[1]])
            row = self._row(person_id)
        if not row["key"]:
            raise PersonFileErased(f"person {person_id} is erased: nothing more is written to their file")
        cipher = self._cipher(row["key"])
        self._remember(person_id, cipher)
        return cipher

    def encipher(self) -> None:
        """Encrypts the keys of a store kept in clear until now, as `encipher` does its events."""
        self._table()
        rows = self._view.rows(f"SELECT person_id, key FROM {self.table} WHERE key IS NOT NULL")
        self._view.execute([(f"UPDATE {self.table} SET key = :key WHERE person_id = :id",
                             {"id": r["person_id"],
                              "key": base64.b64encode(self._store_cipher.encrypt(r["key"].encode())).decode()})
                            for r in rows])

    def state(self, person_id: uuid.UUID) -> str | None:
        """'kept', 'erased', or None: no key of this person was ever made here."""
        row = self._row(person_id)
        return None if row is None else ("kept" if row["key"] else "erased")

    def destroy(self, person_id: uuid.UUID, on: date) -> None:
        """Destroys the person's key, keeping the row (without the key) as the mark of the erasure."""
        self._view.execute([(f"UPDATE {self.table} SET key = NULL, erased_on = :on WHERE person_id = :id",
                             {"id": str(person_id), "on": on.isoformat()})])
        with self._lock:
            self._cache.pop(person_id, None)


# --- which fields of which events are sealed ---------------------------------------------------

# The aggregates saved by the command being recorded, by id: whose file each is (ServiceApplication._record).
OWNERS: contextvars.ContextVar[Mapping[uuid.UUID, uuid.UUID]] = contextvars.ContextVar("owners", default={})


def owners(aggregates: Iterable[Any]) -> dict[uuid.UUID, uuid.UUID]:
    return {a.id: a.person_id for a in aggregates if getattr(type(a), "PERSONAL", None)}


@lru_cache(maxsize=None)
def personal_fields(event_class: type) -> Mapping[str, Any] | None:
    """For an event of a person's file: its sealed fields (none for an event that says nothing of
    the person) and what each reads as when erased; None for an event of no person's file."""
    owner: Any = sys.modules.get(event_class.__module__)
    for part in event_class.__qualname__.split(".")[:-1]:
        owner = getattr(owner, part, None)
    declared = getattr(owner, "PERSONAL", None)
    return declared.get(event_class.__name__, {}) if isinstance(declared, dict) else None


_ABSENT = object()


@lru_cache(maxsize=None)
def _steps(path: str) -> tuple[str, ...]:
    """`household[].name` -> ("household", "[]", "name")."""
    return tuple(path.replace("[]", ".[]").split("."))


def _take(node: Any, steps: tuple[str, ...]) -> Any:
    """Takes out of `node` (changed) the values at a path, nested in lists as the path's `[]` are;
    _ABSENT if the path reaches nothing (a correction that did not change that field)."""
    head, rest = steps[0], steps[1:]
    if head == "[]":
        return [_take(item, rest) for item in node] if isinstance(node, list) else _ABSENT
    if not isinstance(node, dict) or head not in node:
        return _ABSENT
    return node.pop(head) if not rest else _take(node[head], rest)


def _put(node: Any, steps: tuple[str, ...], value: Any, each: bool = False) -> None:
    """Puts back at a path the values _take took (nested alike), or, `each`, one value (a fresh copy)
    at every place the path reaches."""
    head, rest = steps[0], steps[1:]
    if head == "[]":
        if isinstance(node, list):
            for n, item in enumerate(node):
                _put(item, rest, value if each else value[n], each)
    elif isinstance(node, dict) and not rest:
        node[head] = copy.deepcopy(value) if each else value
    elif isinstance(node, dict) and head in node:
        _put(node[head], rest, value, each)


def seal_paths(fields: Iterable[str], state: dict) -> dict:
    """The personal values of an event's `state` by path, taken out of it (its nested parts are
    copied first: the event itself is not changed)."""
    taken = {}
    for path in fields:
        steps = _steps(path)
        if len(steps) > 1 and steps[0] in state:
            state[steps[0]] = copy.deepcopy(state[steps[0]])
        value = _take(state, steps)
        if value is not _ABSENT:
            taken[path] = value
    return taken


def unseal_paths(state: dict, personal: Mapping[str, Any], erased: bool) -> None:
    """Puts the personal values back into `state`, or, `erased`, what each path reads as once erased."""
    for path, value in personal.items():
        _put(state, _steps(path), value, each=erased)


@lru_cache(maxsize=256)
def published_content(event_type: str) -> frozenset[str]:
    """The fields of a published event that say something of the person (not references, not staff)."""
    try:
        contract, _ = REGISTRY.version_of(event_type)
    except UnknownEventType:
        return frozenset()
    return frozenset(f.name for f in contract.fields if f.data_class in _CONTENT)


class PersonalMapper(Mapper):
    """eventsourcing's mapper, which also seals an event's personal fields with its person's key
    (inside the store's own cipher) and, once the key is destroyed, reads them as erased."""

    keys: PersonKeys | None = None  # the application's key table (ServiceApplication sets it)

    def _split(self, domain_event: Any, state: dict) -> tuple[uuid.UUID | None, dict]:
        """The person an event belongs to, and its personal fields taken out of `state`."""
        fields = personal_fields(type(domain_event))
        if fields is not None:
            person_id = OWNERS.get().get(domain_event.originator_id)
            if person_id is None:
                raise PersonKeyMissing(f"no person is known for {type(domain_event).__qualname__}")
            return person_id, seal_paths(fields, state)
        data = state.get("data")
        if isinstance(data, dict) and data.get("person_id") and hasattr(domain_event, "subject"):
            content = {f: data.pop(f) for f in published_content(state.get("type", "")) if f in data}
            if content:
                state["data"] = data
                return uuid.UUID(str(data["person_id"])), {"data": content}
        return None, {}

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = dict(vars(domain_event))
        if "data" in state and isinstance(state["data"], dict):
            state["data"] = dict(state["data"])  # the event's own dict is not to change
        person_id, personal = self._split(domain_event, state) if self.keys is not None else (None, {})
        if person_id is not None:
            cipher = self.keys.sealing(person_id)  # PersonFileErased: an erased file takes nothing more
            if personal:
                sealed = cipher.encrypt(self.transcoder.encode(personal))
                state[SEALED] = [str(person_id), base64.b64encode(sealed).decode()]
        originator_id, version = state.pop("originator_id"), state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        stored = self.transcoder.encode(state)
        if self.compressor:
            stored = self.compressor.compress(stored)
        if self.cipher:
            stored = self.cipher.encrypt(stored)
        return StoredEvent(originator_id=originator_id, originator_version=version,
                           topic=get_topic(type(domain_event)), state=stored)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        domain_event, person_id, blob = self._opened(super().to_domain_event(stored_event))
        if person_id is None:
            return domain_event
        return self._unsealed(domain_event, blob, self.keys.opening(person_id) if self.keys is not None else None)

    def to_domain_events(self, stored_events: Iterable[StoredEvent]) -> list[Any]:
        """Many stored events at once (an audit replay's page), their persons' keys read together."""
        events = [self._opened(event) for event in map(super().to_domain_event, stored_events)]
        persons = {person_id for _, person_id, _ in events if person_id is not None}
        ciphers = self.keys.openings(persons) if self.keys is not None else dict.fromkeys(persons)
        return [event if person_id is None else self._unsealed(event, blob, ciphers[person_id])
                for event, person_id, blob in events]

    @staticmethod
    def _opened(domain_event: Any) -> tuple[Any, uuid.UUID | None, str | None]:
        """The event under the store's key, whose person (if any) sealed which fields (base64)."""
        sealed = domain_event.__dict__.pop(SEALED, None)
        return (domain_event, None, None) if sealed is None else (domain_event, uuid.UUID(sealed[0]), sealed[1])

    def _unsealed(self, domain_event: Any, sealed: str, cipher: AESCipher | None) -> Any:
        """The event with its sealed personal fields put back, opened with the person's cipher
        (None: the person is erased, or unknown to a replay: they read as erased)."""
        state, blob = domain_event.__dict__, base64.b64decode(sealed)
        if isinstance(state.get("data"), dict) and hasattr(domain_event, "subject"):  # a published event
            content = (self.transcoder.decode(cipher.decrypt(blob))["data"] if cipher is not None
                       else {f: None for f in published_content(state.get("type", ""))})
            state["data"] = {**state["data"], **content}
        elif cipher is not None:
            unseal_paths(state, self.transcoder.decode(cipher.decrypt(blob)), erased=False)
        else:
            unseal_paths(state, personal_fields(type(domain_event)) or {}, erased=True)
        return domain_event


# --- the operator's commands -------------------------------------------------------------------

ERASING_SERVICES = ("intake", "casework", "decisions", "care")  # those with a retention table and a person's file to close


def main(argv: list[str] | None = None) -> int:
    """python -m shared.erasure due SERVICE --on DATE ... | erase SERVICE PERSON_ID --ground TEXT --on DATE ..."""
    import argparse
    from pathlib import Path

    from shared import erasure as named  # the classes the application raises (run as __main__, this module is another)
    from shared.audit import application_class
    from shared.retention import due, retention_table, service_retention

    parser = argparse.ArgumentParser(prog="python -m shared.erasure",
                                     description="Who is due for erasure, and erasing a person (destroying their key).")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("due", "erase"):
        command = commands.add_parser(name)
        command.add_argument("service", choices=ERASING_SERVICES)
        if name == "erase":
            command.add_argument("person_id", type=uuid.UUID, help="the person's opaque reference")
            command.add_argument("--ground", required=True, help="the legal ground, e.g. the JRWA period over")
            command.add_argument("--by", default="operator", help="who erases (the operator's name)")
        command.add_argument("--on", required=True, type=date.fromisoformat, help="the day, YYYY-MM-DD")
        command.add_argument("--database-url", required=True, help="the service's own store")
        command.add_argument("--secrets", required=True, type=Path, help="the service's secrets folder")
        command.add_argument("--store-key-file", type=Path, help="the store's key file, if not in the secrets folder")
        if name == "due":
            command.add_argument("--rules", type=Path, help="the retention table (default: the service's retention.toml)")
    args = parser.parse_args(argv)
    app = application_class(args.service)(args.database_url, secrets_dir=args.secrets, existing=True,
                                          store_key_file=args.store_key_file)
    try:
        if args.command == "due":
            rules = retention_table(args.rules) if args.rules else service_retention(args.service)
            found = 0
            for person_id, closed_on, ends in due(app, args.on, rules):
                print(f"{person_id}\tclosed {closed_on}\tperiod ended {ends}")
                found += 1
            print(f"{found} person(s) of {args.service} due for erasure on {args.on}", file=sys.stderr)
            return 0
        try:
            app.erase(args.person_id, ground=args.ground, erased_on=args.on, erased_by=args.by)
        except (named.PersonAlreadyErased, named.NoFileOfPerson, named.MissingErasureGround) as error:
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            return 1
        print(f"person {args.person_id} erased in {args.service} on {args.on}")
        return 0
    finally:
        app.close()


if __name__ == "__main__":
    sys.exit(main())
