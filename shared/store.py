"""Each service's own event store, which is also its outbox (docs/architecture.md, invariants 1 and 3).

A command saves its aggregates' domain events and the integration events derived from
them in one `save()`, so one transaction. Integration events are stored as
`IntegrationEvent` records in the same notification log; the relay and the upstream-log
reader select them by topic, so domain events never leave the store.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable, Sequence
from urllib.parse import quote, unquote, urlsplit

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
)
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    PersistenceError,
    Tracking,
    Transcoder,
    Transcoding,
)
from eventsourcing.utils import Environment, EnvType, get_topic

from shared import idempotency
from shared.access import READ_TOPIC, entry, file_read
from shared.contracts import REGISTRY, Contract
from shared.contracts.audience import UI_READER, ui_contracts
from shared.envelope import Envelope, source_of
from shared.erasure import (
    OWNERS,
    Erasure,
    NoFileOfPerson,
    PersonalMapper,
    PersonAlreadyErased,
    PersonFileErased,
    PersonKeys,
    erasure_id,
    owners,
)
from shared.keys import (
    KeyRingCipher,
    StoreKeyMissing,
    StoreKeyWrong,
    is_plaintext,
    key_ring,
    new_key_ring,
    store_key_path,
)

RELAY_POSITION = "outbox-relay"  # tracking name under which the relay records its position

# psycopg 3 waits for the server in C, which blocks eventlet's whole process, unless it waits with
# select(), which eventlet makes cooperative (docs/architecture.md, "The store"). psycopg reads this
# when it is first imported: by eventsourcing.postgres, when a store on PostgreSQL is opened.
os.environ["PSYCOPG_WAIT_FUNC"] = "wait_select"


@dataclass(frozen=True)
class IntegrationEvent(DomainEvent):
    """A published fact, stored beside the domain events it was derived from."""

    type: str
    subject: str
    data: dict

    def envelope(self, notification_id: int) -> Envelope:
        """The event as its contract's current version: stored as it was published, an event of an
        earlier version is read upcast (docs/architecture.md, "Upgrading a contract")."""
        contract, data = REGISTRY.as_current(self.type, self.data)
        return Envelope(
            id=str(self.originator_id),
            source=source_of(contract.producer),
            type=contract.type,
            time=self.timestamp,
            subject=self.subject,
            data=dict(data),
            notification_id=notification_id,
        )


INTEGRATION_TOPIC = get_topic(IntegrationEvent)


class DateAsISO(Transcoding):
    """Dates (birth dates, routing dates) are everywhere in the domain."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def database_url(service: str, configured: str | None, data_dir: str | Path = "var") -> str:
    """The service's own database: the configured URL, or a SQLite file of its own."""
    if configured:
        return configured
    path = Path(data_dir) / f"{service}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class UnsupportedDatabaseURL(ValueError):
    """A database URL that names neither a SQLite file nor a PostgreSQL database."""


class EarlierVersion(ValueError):
    """A command would publish an earlier version of a contract: only its current version is written."""


class StoreNotFound(LookupError):
    """No store of this service at the database URL (a tool that reads a store never makes one)."""


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///PATH` URL (None for another database or a store in memory)."""
    scheme, _, rest = url.partition("://")
    return Path(rest[1:]) if scheme == "sqlite" and rest.startswith("/") and rest != "/:memory:" else None


def private_sqlite_file(url: str, existing: bool = False) -> None:
    """Makes a new SQLite file readable by its owner only, before SQLite makes it: SQLite gives its
    -wal and -shm files the database file's mode. A file made before this change is narrowed too."""
    path = sqlite_path(url)
    if path is None or (existing and not path.exists()):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # an empty file is a new SQLite database
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


def cipher_settings(keys: list[str]) -> dict[str, str]:
    """eventsourcing's cipher settings for a store's key ring (docs/architecture.md, "Encrypted at rest")."""
    return {"CIPHER_TOPIC": get_topic(KeyRingCipher), "CIPHER_KEY": " ".join(keys)}


def recorder_settings(url: str, existing: bool = False) -> dict[str, str]:
    """eventsourcing's own recorder settings for a database URL, the operator's one setting
    (docs/architecture.md, "The store"): `sqlite:///PATH` (`sqlite:///:memory:` for a store in
    memory) or `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` (a `+driver` is ignored).
    `existing`: the store must be there already; nothing is created. The URL, which may hold a
    password, never appears in an error."""
    scheme, _, rest = url.partition("://")
    settings = {"CREATE_TABLE": "no"} if existing else {}
    if scheme == "sqlite" and rest.startswith("/") and "?" not in rest:
        path = rest[1:]
        if path == ":memory:":  # one database per store, shared by the pool's connections
            name = f"file:{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            name = f"file:{quote(path)}" + ("?mode=rw" if existing else "")
        # eventsourcing's SQLite recorder puts the file in WAL mode and leaves `synchronous` at
        # SQLite's FULL: each commit syncs the WAL before it returns, so an acknowledged command
        # survives a power loss (shared/tests/test_store.py checks both).
        return {**settings, "PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": name,
                "PROCESS_RECORDER_TOPIC": "shared.sqlite:ServiceProcessRecorder"}
    if scheme.partition("+")[0] in ("postgresql", "postgres"):
        parts = urlsplit(url)
        database = unquote(parts.path.lstrip("/"))
        if parts.hostname and database and "/" not in database and not parts.query and not parts.fragment:
            return {**settings,
                    "PERSISTENCE_MODULE": "eventsourcing.postgres",
                    "PROCESS_RECORDER_TOPIC": "shared.postgres:ServiceProcessRecorder",
                    "POSTGRES_DBNAME": database, "POSTGRES_HOST": parts.hostname,
                    "POSTGRES_PORT": str(parts.port or 5432), "POSTGRES_USER": unquote(parts.username or ""),
                    "POSTGRES_PASSWORD": unquote(parts.password or ""),
                    "POSTGRES_CONNECT_TIMEOUT": "5"}  # seconds to wait for a connection of the pool
    raise UnsupportedDatabaseURL("a database URL is sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE, "
                                 "without options")


STORE_PROBE_S = 2.0  # the store's answer to a probe must come well inside the container's health check (5 s)


class ServiceApplication(Application):
    """An eventsourcing application on the service's own database, with outbox and tracking."""

    service: ClassVar[str]
    workers: Sequence[Any] = ()  # the relay and consumer running beside it, for /health
    # Set when the database was last found not answering: until it answers again, each request
    # asks it once (answering()) and is refused at once, instead of waiting out the recorder's
    # ten tries (most of a minute) while the database is gone.
    store_down = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # eventsourcing names an application's PostgreSQL tables after it (intake_events,
        # intake_tracking): after the service whose store it is, not after a Python class.
        if getattr(cls, "service", None):
            cls.name = cls.service

    def __init__(self, database_url: str, secrets_dir: str | Path | None = None, *, existing: bool = False,
                 store_key_file: str | Path | None = None, person_keys_url: str | None = None, rebuilt: bool = False,
                 **settings: Any):
        """`existing`: open a store that is there already, or raise StoreNotFound (for tools that read one).
        The store is encrypted with the key ring in `store_key_file`, or in the secrets folder's
        `<service>-store.key`; with neither (a store in memory, a tool that copies stored bytes) it
        is not, and a store that is cannot be written. `person_keys_url`: read the persons' keys
        from that store's key table, not this one's (an audit replay, shared/erasure.py). `rebuilt`:
        a store an audit replay rebuilds from a log (shared/audit.py), without the persons' keys."""
        self.settings = settings
        self.rebuilt = rebuilt
        self.secrets_dir = Path(secrets_dir) if secrets_dir else None  # the service's keys
        self._recorded_listeners: list[Callable[[], None]] = []
        key_file = Path(store_key_file) if store_key_file else (
            store_key_path(self.secrets_dir, self.service) if self.secrets_dir else None)
        keys = key_ring(key_file) if key_file and key_file.exists() else None
        private_sqlite_file(database_url, existing)
        try:
            super().__init__(env={**recorder_settings(database_url, existing),
                                  **(cipher_settings(keys) if keys else {})})
            if existing:
                self.recorder.max_notification_id()
        except PersistenceError:
            if not existing:
                raise
            raise StoreNotFound(f"no store of {self.service} at that database URL") from None
        self._keys_factory, self._keys_in_clear = None, False
        try:
            self._open_enciphered(key_file, existing)
            self.mapper.keys = self._person_keys(database_url, person_keys_url, existing)
            if self._keys_in_clear:
                self.mapper.keys.encipher()
        except Exception:
            self.close()
            raise

    def _person_keys(self, database_url: str, person_keys_url: str | None, existing: bool) -> PersonKeys:
        """The persons' keys (docs/architecture.md, "Erasure"): in this store's database, or read
        from another's (a replay). A replay (or a store in memory) with neither reads sealed fields
        as withheld, as they would be erased."""
        if person_keys_url:
            from eventsourcing.persistence import InfrastructureFactory

            self._keys_factory = InfrastructureFactory.construct(
                Environment(self.name, recorder_settings(person_keys_url, existing=True)))
            return PersonKeys(self._keys_factory.process_recorder(), self.service, self.mapper.cipher,
                              writable=False)
        in_memory = database_url.startswith("sqlite") and sqlite_path(database_url) is None
        return PersonKeys(self.recorder, self.service, self.mapper.cipher, writable=not existing,
                          missing_is_withheld=in_memory or self.rebuilt)

    def answering(self, timeout: float = STORE_PROBE_S) -> int:
        """The log's last position, asked once and waiting at most `timeout` seconds (GET /health,
        and each request while the store is down); OperationalError if the database does not answer."""
        try:
            head = self.recorder.probe(timeout)
        except (OperationalError, InterfaceError):
            self.store_down = True
            raise
        self.store_down = False
        return head

    def close(self) -> None:
        if getattr(self, "_keys_factory", None) is not None:
            self._keys_factory.close()
        super().close()

    def _open_enciphered(self, key_file: Path | None, existing: bool) -> None:
        """Checks the key against the store's first event. A store without a key file gets a new
        one if it is new or was written in clear (before stores were encrypted); one whose events
        are encrypted is StoreKeyMissing instead, as a new key would not open them. A key ring
        that opens nothing is StoreKeyWrong. A store written in clear is encrypted now, in one
        transaction (shared/sqlite.py, shared/postgres.py)."""
        first = self.recorder.select_notifications(start=None, limit=1)
        state = first[0].state if first else None
        if key_file is None:
            if state is not None and not existing and not is_plaintext(state):
                raise StoreKeyMissing(f"the store of {self.service} is encrypted: open it with its secrets folder "
                                      f"or its key file")
            return
        if self.mapper.cipher is None:
            if state is not None and not is_plaintext(state):
                key_ring(key_file)  # StoreKeyMissing, naming the file
            self.env.update(cipher_settings(new_key_ring(key_file)))
            self.mapper.cipher = self.factory.cipher()  # the mapper the event store and repository use
        if state is None:
            return
        try:
            self.mapper.cipher.decrypt(state)
        except StoreKeyWrong:
            if not is_plaintext(state):
                raise StoreKeyWrong(f"no key in {key_file} opens the store of {self.service}") from None
            self.recorder.encipher(self.mapper.cipher)
            self._keys_in_clear = True  # the persons' keys were kept in clear with the events

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # The database URL is the store's one setting: eventsourcing would also read the process's
        # environment, where a POSTGRES_PASSWORD meant for a database server, or a key prefixed with
        # the service's name, would quietly change which store this is.
        return Environment(name, {**type(self).env, **(env or {})})

    def register_transcodings(self, transcoder: Transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_mapper(self):
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PersonalMapper)

    def construct_recorder(self):
        # A process recorder keeps tracking rows in the same transaction as events.
        return self.factory.process_recorder()

    # --- writing -------------------------------------------------------------------

    def integration_event(self, contract: Contract, data: dict[str, Any]) -> IntegrationEvent:
        """An integration event for `save()`; refuses data its contract does not allow."""
        if contract.producer != self.service:
            raise ValueError(f"{self.service} cannot publish {contract.type}")
        if contract.upcast is not None:
            raise EarlierVersion(f"{contract.type} is an earlier version: publish "
                                 f"{REGISTRY.version_of(contract.type)[0].type}")
        contract.validate(data)
        published = IntegrationEvent(
            originator_id=uuid.uuid4(),
            originator_version=1,
            timestamp=datetime.now(timezone.utc),
            type=contract.type,
            subject=contract.subject(data),
            data=data,
        )
        # What the relay could not publish must not be stored: it would block the outbox.
        published.envelope(notification_id=1).to_bytes()
        return published

    def save(self, *objs: Any, **kwargs: Any):
        """Saves as eventsourcing does, with the receipt of the request's Idempotency-Key joining
        the command's first save (shared/idempotency.py)."""
        pending = idempotency.PENDING.get()
        if pending is None or pending.saved:
            return super().save(*objs, **kwargs)
        try:
            recordings = super().save(*objs, pending.receipt, **kwargs)
        except IntegrityError:
            if idempotency.conflicted(self, pending):  # the same key's other request took it first
                raise idempotency.CommandInProgress("another request with this Idempotency-Key is being "
                                                    "carried out") from None
            pending.renew()  # the command's own conflict: the caller may try again, receipt and all
            raise
        pending.saved = True
        return recordings

    def _record(self, processing_event):
        # Whose file each aggregate saved is: the mapper seals its events' personal fields with that
        # person's key (shared/erasure.py), a person's first key joining the events' transaction.
        whose = owners(processing_event.aggregates.values())
        keys = self.mapper.keys if whose else None
        token = OWNERS.set(whose)
        try:
            if keys is None:
                return super()._record(processing_event)
            for last_try in (False, True):
                key_rows = []
                try:
                    with keys.first_keys(whose.values()) as key_rows:
                        processing_event.saved_kwargs["joining"] = key_rows
                        return super()._record(processing_event)
                except IntegrityError:
                    if last_try or not keys.made_elsewhere(key_rows):
                        raise
        finally:
            OWNERS.reset(token)

    # --- erasure (docs/architecture.md, "Erasure") ----------------------------------------

    def erase(self, person_id: uuid.UUID, ground: str, erased_on: date, erased_by: str) -> None:
        """Destroys the person's key, after recording the erasure, its ground, day and author, in
        the log. No stored event changes. A person whose erasure was recorded but whose key was not
        yet destroyed (the process stopped between) has it destroyed now."""
        keys = self.mapper.keys
        state = keys.state(person_id)
        if state == "erased":
            raise PersonAlreadyErased(f"person {person_id} is erased already")
        if state is None:
            raise NoFileOfPerson(f"{self.service} keeps no file of person {person_id} under a key of theirs")
        erasure = Erasure.record(person_id, ground, erased_on, erased_by)
        if not self.recorder.select_events(erasure_id(person_id), limit=1):
            try:
                self.save(erasure, *self.erasure_notices(person_id, erasure.erased_on))
            except IntegrityError:  # recorded a moment ago by another request: the key goes all the same
                pass
        keys.destroy(person_id, erasure.erased_on)

    def read_models(self) -> Sequence[Any]:
        """The team's read models (shared/views.py), which the service brings up to date as it starts."""
        return ()

    def erasure_notices(self, person_id: uuid.UUID, erased_on: date) -> Sequence[IntegrationEvent]:
        """What the erasure tells the teams that keep a file of the person (saved with it)."""
        return ()

    def erased(self, person_id: uuid.UUID) -> bool:
        return self.mapper.keys.state(person_id) == "erased"

    def kept(self, person_id: uuid.UUID) -> None:
        """PersonFileErased if the person's file is erased: a command checks it before the law's own
        checks, which would read the erased fields (the mapper refuses the write anyway)."""
        if self.erased(person_id):
            raise PersonFileErased(f"person {person_id} is erased: nothing more is written to their file")

    def on_recorded(self, listener: Callable[[], None]) -> None:
        self._recorded_listeners.append(listener)

    def _notify(self, recordings) -> None:
        for listener in self._recorded_listeners:
            listener()

    def aggregate(self, kind: type, aggregate_id: Any, not_found: type[LookupError]) -> Any:
        """The aggregate of this kind with this id, or the team's named not-found error."""
        try:
            found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            found = None
        if not isinstance(found, kind):
            raise not_found(f"no {kind.__name__} {aggregate_id}")
        return found

    # --- the access log -----------------------------------------------------------------

    def record_read(self, staff: Any, what: str, subject_ids: Iterable[Any], person_ids: Iterable[Any]) -> None:
        """Records that a member of staff read these persons' files (nothing for the system's own reads)."""
        if staff is not None:  # a read is not a command: no Idempotency-Key receipt joins it
            Application.save(self, file_read(staff, what, subject_ids, person_ids))

    def access_log(self, person_id: str | None = None, staff_id: str | None = None, after: int = 0,
                   limit: int = 100) -> dict:
        """Reads of files, oldest first, of one person or by one member of staff, a page at a time."""
        found, position = [], after
        while len(found) < limit:
            notifications = self.recorder.select_notifications(start=position, limit=500, topics=(READ_TOPIC,),
                                                               inclusive_of_start=False)
            for notification in notifications:
                position = notification.id
                read = self.mapper.to_domain_event(notification)
                if (person_id is None or person_id in read.person_ids) and staff_id in (None, read.staff_id):
                    found.append(entry(read, notification.id))
                    if len(found) == limit:
                        break
            if len(notifications) < 500:
                break
        return {"reads": found, "next_after": found[-1]["position"] if len(found) == limit else None}

    # --- the outbox, read ------------------------------------------------------------

    def integration_envelopes(
        self, after: int, limit: int, types: Iterable[str] | None = None
    ) -> tuple[list[Envelope], int]:
        """Published events after a position (of the given types), and the position read up to."""
        notifications = self.recorder.select_notifications(
            start=after, limit=limit, topics=(INTEGRATION_TOPIC,), inclusive_of_start=False
        )
        wanted = None if types is None else set(types)
        envelopes = []
        for notification in notifications:
            event = self.mapper.to_domain_event(notification)
            if wanted is None or REGISTRY.version_of(event.type)[0].type in wanted:  # of any version
                envelopes.append(event.envelope(notification.id))
        read_up_to = notifications[-1].id if notifications else after
        return envelopes, read_up_to

    def log_for(self, reader: str, after: int, limit: int) -> tuple[list[Envelope], int]:
        """The part of this service's log a reader may read: events whose contracts name it as a
        consumer; for the gateway, the events some page may show."""
        if reader == UI_READER:
            types = [c.type for c in ui_contracts(self.service)]
        else:
            types = [c.type for c in REGISTRY.consumed_by(reader, producer=self.service)]
        return self.integration_envelopes(after=after, limit=limit, types=types)

    # --- consuming ---------------------------------------------------------------------

    def position(self, upstream: str) -> int:
        return self.recorder.max_tracking_id(upstream) or 0

    # Upstream event types whose policy makes new aggregates from the event's own data and reads
    # nothing from the store: consecutive ones can be recorded together (process_together).
    independent_events: ClassVar[frozenset[str]] = frozenset()

    def policy(self, envelope: Envelope) -> Sequence[Any]:
        """Turns an upstream integration event into aggregates (and events) to save."""
        return ()

    def process(self, envelope: Envelope, track: bool = True) -> bool:
        """Applies the policy and records the result with tracking in one transaction.

        Returns False if the notification was already processed (a duplicate).
        `track=False` is for replaying a dead letter, whose position is already recorded.
        """
        tracking = Tracking(envelope.producer, envelope.notification_id) if track else None
        if tracking and self.recorder.has_tracking_id(envelope.producer, envelope.notification_id):
            return False
        results = self.policy(envelope)
        creates = any(getattr(r, "version", 0) == len(getattr(r, "pending_events", ())) for r in results)
        try:
            self._save_tracked(tracking, *results)
        except IntegrityError:
            # Another delivery of the same notification won the race, or (on replay) the
            # aggregate it would create exists already: a duplicate. Anything else is a command
            # that changed the same aggregate meanwhile: the caller tries again.
            if tracking and self.recorder.has_tracking_id(tracking.application_name, tracking.notification_id):
                return False
            if not tracking and creates:
                return False
            raise
        return True

    def process_together(self, envelopes: Sequence[Envelope]) -> None:
        """Applies the policy to consecutive upstream events of `independent_events` and records
        the results in one transaction, tracked at the last: one commit (one fsync) for a page
        of the upstream's log instead of one per event. An IntegrityError (one of them was
        handled already) leaves nothing recorded: the caller handles them one by one."""
        results = [result for envelope in envelopes for result in self.policy(envelope)]
        self._save_tracked(Tracking(envelopes[-1].producer, envelopes[-1].notification_id), *results)

    def record_position(self, name: str, notification_id: int) -> None:
        """Moves a tracked position forward (the relay's, or past a dead-lettered event)."""
        try:
            self._save_tracked(Tracking(name, notification_id))
        except IntegrityError:
            pass  # already at or past it

    def _save_tracked(self, tracking: Tracking | None, *objs: Any) -> None:
        # As eventsourcing's own Follower does: the tracking row joins the events' transaction.
        processing_event = ProcessingEvent(tracking=tracking)
        processing_event.collect_events(*objs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
