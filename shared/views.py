"""Read models as tables in the service's own database (docs/architecture.md, "Read models").

A team's read model is an eventsourcing `Projection` whose view is a tracking recorder
(`shared/sqlite.py`, `shared/postgres.py`): the rows an event changes and the view's position in
the service's log are written in one transaction. Before a query reads the tables, the view
catches up from its own tracked position, so a query sees every event committed before it, in
this process or another; after a restart nothing is replayed but what came since.

Lists are read a page at a time, by key (keyset paging on an indexed column, never OFFSET): a
page's `next_after` is the key of its last row, given back as `after` for the next one.

A view's personal columns are sealed with the store's own cipher (`seal`, `unseal`), so the tables
reveal no more than the log does. A view whose shape (`version`) differs from the one its tables
were built in is dropped and rebuilt from the log, once, when the service opens it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from abc import abstractmethod
from datetime import date
from typing import Any, ClassVar, Iterator, Sequence
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Recorder, Tracking, TrackingRecorder
from eventsourcing.projection import Projection

Statement = tuple[str, dict]  # SQL with :named parameters, and the parameters

PAGE_DEFAULT = 50
PAGE_MAX = 200


_TABLE_NAME = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)")


class TableView(TrackingRecorder):
    """A tracking recorder with a team's own tables beside its position (shared/sqlite.py and
    shared/postgres.py give it a database). Statements name their parameters `:name`."""

    tables: tuple[str, ...]
    tracking_table: str  # where the store keeps positions, the view's among them

    def build(self, name: str, version: str) -> None:
        """The view's tables, made if missing; those of another version (or of none: built before
        views had versions) dropped first with the view's position, so the next read rebuilds
        them from the log. In one transaction, the version row locked, so one process does it."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS view_versions (name TEXT PRIMARY KEY, version TEXT NOT NULL)")
            cursor.execute(self._sql("INSERT INTO view_versions (name, version) VALUES (:name, '') "
                                     "ON CONFLICT (name) DO NOTHING"), {"name": name})
            cursor.execute(self._sql(f"SELECT version FROM view_versions WHERE name = :name{self._for_update}"),
                           {"name": name})
            rebuilt = cursor.fetchone()["version"] != version
            if rebuilt:
                for table in _TABLE_NAME.findall(" ".join(self.tables)):
                    cursor.execute(f"DROP TABLE IF EXISTS {table}")
                cursor.execute(self._sql(f"DELETE FROM {self.tracking_table} WHERE application_name = :name"),
                               {"name": name})
                cursor.execute(self._sql("UPDATE view_versions SET version = :version WHERE name = :name"),
                               {"name": name, "version": version})
            for statement in self.tables:
                cursor.execute(statement)
        if rebuilt:
            self._forget_dropped()

    _for_update = ""  # how a statement locks the row it reads, where the database needs it said

    def _forget_dropped(self) -> None:
        """Where the database keeps dropped rows' pages, makes it overwrite them."""

    @abstractmethod
    def _sql(self, statement: str) -> str:
        """The statement in the database driver's parameter style."""

    def record(self, statements: Sequence[Statement], tracking: Tracking) -> None:
        """The rows' changes and the position they bring the view to, in one transaction; a
        position not past the recorded one is IntegrityError, and nothing is changed."""
        with self.datastore.transaction(commit=True) as cursor:
            for sql, parameters in statements:
                cursor.execute(self._sql(sql), parameters)
            self._insert_tracking(cursor, tracking)

    def execute(self, statements: Sequence[Statement]) -> None:
        """Statements in one transaction, without a position (a table that is not a read model)."""
        with self.datastore.transaction(commit=True) as cursor:
            for sql, parameters in statements:
                cursor.execute(self._sql(sql), parameters)

    def rows(self, sql: str, **parameters: Any) -> list[dict]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._sql(sql), parameters)
            return [dict(row) for row in cursor.fetchall()]


def view_recorder_class(recorder: Recorder) -> type[TableView]:
    """The kind of view for the store's database."""
    from eventsourcing.sqlite import SQLiteRecorder

    if isinstance(recorder, SQLiteRecorder):
        from shared.sqlite import SQLiteTableView as view_class
    else:
        from shared.postgres import PostgresTableView as view_class
    return view_class


def view_recorder(recorder: Recorder, tables: Sequence[str], name: str, version: str) -> TableView:
    """A view on the same database (and connection pool) as the service's store, its position kept
    in the store's table of positions, its tables made if they are not there (and rebuilt if they
    are of another version)."""
    view = view_recorder_class(recorder)(recorder, tables)
    view.create_table()
    view.build(name, version)
    return view


class TableProjection(Projection[TableView]):
    """A team's read model: its tables (`tables`, statements that make them if missing) and the
    rows each event of `topics` changes (`changes`)."""

    tables: ClassVar[tuple[str, ...]] = ()
    version: ClassVar[int] = 1  # the tables' shape: raised when it changes, so views built before are rebuilt

    def __init__(self, app: Any):
        self._cipher = app.mapper.cipher  # the store's: None for a store kept in clear (in memory, tests)
        # Sealed or not is part of the shape: a view built while its store was in clear is rebuilt
        # once the store is encrypted.
        shape = f"{self.version}{' sealed' if self._cipher else ''}"
        super().__init__(view_recorder(app.recorder, self.tables, app.name, shape))
        self._app = app
        self._lock = threading.Lock()

    def seal(self, text: str) -> str:
        """A personal column's value as stored: encrypted as the store's events are (base64)."""
        if self._cipher is None:
            return text
        return base64.b64encode(self._cipher.encrypt(text.encode())).decode()

    def unseal(self, stored: str) -> str:
        if self._cipher is None:
            return stored
        return self._cipher.decrypt(base64.b64decode(stored)).decode()

    @abstractmethod
    def changes(self, event: Any, position: int) -> list[Statement]:
        """The statements an event of the log, at this position, makes to the tables."""

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.record(self.changes(domain_event, tracking.notification_id), tracking)

    def current(self, page: int = 1000) -> TableView:
        """The view, after it has caught up with every event committed so far, a page of the log
        per transaction. Its position moves past the events of other topics too (the access log's
        reads, the outbox's events), so that a catch-up never reads far for nothing; with no event
        of its own among them, only when they are a page's worth."""
        app = self._app
        with self._lock:
            while True:
                head = app.recorder.max_notification_id() or 0
                position = self.view.max_tracking_id(app.name) or 0
                if head <= position:
                    return self.view
                notifications = app.recorder.select_notifications(start=position, limit=page, stop=head,
                                                                  topics=self.topics, inclusive_of_start=False)
                if not notifications and head - position < page:
                    return self.view
                statements = [s for n in notifications
                              for s in self.changes(app.mapper.to_domain_event(n), n.id)]
                done = len(notifications) < page
                try:
                    self.view.record(statements, Tracking(app.name, head if done else notifications[-1].id))
                except IntegrityError:
                    continue  # another process of the service moved the view meanwhile: on from there
                if done:
                    return self.view

    def persons_closed(self, table: str, all_closed: str, page_size: int = 1000) -> Iterator[tuple[UUID, date]]:
        """Each person all of whose rows in `table` are closed (`all_closed`: the condition on the
        group of a person's rows), with the latest `closed_on`, by person, a page at a time (the
        erasure's list of the files due, shared/retention.py)."""
        after = ""
        while True:
            rows = self.current().rows(
                f"SELECT person_id, MAX(closed_on) AS closed_on FROM {table} WHERE person_id > :after "
                f"GROUP BY person_id HAVING {all_closed} ORDER BY person_id LIMIT :n", after=after, n=page_size)
            yield from ((UUID(r["person_id"]), date.fromisoformat(r["closed_on"])) for r in rows)
            if len(rows) < page_size:
                return
            after = rows[-1]["person_id"]


# --- paging ------------------------------------------------------------------------------------

class PageLimitOutOfRange(ValueError):
    """A page's `limit` is not a whole number from 1 to the most a list gives at once."""


class UnknownCursor(ValueError):
    """`after` is not a `next_after` this list gave."""


def page_limit(limit: Any) -> int:
    if limit is None:
        return PAGE_DEFAULT
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE_MAX:
        raise PageLimitOutOfRange(f"limit is a whole number from 1 to {PAGE_MAX}")
    return limit


def cursor(key: Sequence[Any]) -> str:
    """An opaque `next_after`: the key of a page's last row."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def key_after(after: str | None, length: int) -> list | None:
    """The key a `next_after` stands for (None: from the start)."""
    if after is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)))
    except (ValueError, binascii.Error, TypeError):
        key = None
    if not isinstance(key, list) or len(key) != length or not all(isinstance(k, (str, int)) for k in key):
        raise UnknownCursor("after is not a next_after this list gave")
    return key


def page(rows: list[dict], limit: int, key: Sequence[str]) -> tuple[list[dict], str | None]:
    """A page of rows read with one row more than `limit`, and the cursor to the next (None: the last)."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, cursor([rows[-1][k] for k in key])
