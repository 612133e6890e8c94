"""The service store's recorder on SQLite: eventsourcing's own (docs/architecture.md, "The store")."""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

from eventsourcing.persistence import Cipher, StoredEvent
from eventsourcing.sqlite import (SQLiteCursor, SQLiteDatastore, SQLiteProcessRecorder, SQLiteRecorder,
                                  SQLiteTrackingRecorder)

from shared import chain
from shared.keys import enciphered
from shared.views import TableView


class ServiceProcessRecorder(SQLiteProcessRecorder):
    """eventsourcing's SQLite process recorder that, the first time it opens a store the previous
    recorder (eventsourcing-sqlalchemy) wrote, takes that store's events, with their notification
    ids, and its positions, in one transaction; the old tables stay as they were until the store
    is encrypted (`encipher`). Each event's link of the store's hash chain (shared/chain.py) is
    written in the transaction that inserts it."""

    @property
    def chain_table_name(self) -> str:
        return f"{self.events_table_name}_chain"

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {self.chain_table_name} (notification_id INTEGER PRIMARY KEY, "
                f"hash BLOB NOT NULL)",
                # The relay, the views and the access log read the log by topic from a position: with
                # this (topic, rowid) index they skip the other topics' events instead of scanning them.
                f"CREATE INDEX IF NOT EXISTS {self.events_table_name}_topic ON {self.events_table_name} (topic)"]

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as cursor:
            self._take_previous(cursor)
            cursor.execute(f"SELECT 1 FROM {self.chain_table_name} LIMIT 1")
            if not cursor.fetchone():  # a store written before the chain: chained once, now
                self._chain_from(cursor, 0)

    def _take_previous(self, cursor: SQLiteCursor) -> None:
        previous = self._previous_tables(cursor)
        cursor.execute(f"SELECT 1 FROM {self.events_table_name} LIMIT 1")
        if len(previous) == 1 and not cursor.fetchone():
            events, tracking = previous[0], previous[0].removesuffix("_events") + "_tracking"
            # The previous recorder kept an originator id as 16 bytes; this one as 32 hex digits.
            cursor.execute(f'INSERT INTO {self.events_table_name} (rowid, originator_id, originator_version, topic, '
                           f'state) SELECT id, lower(hex(originator_id)), originator_version, topic, state FROM '
                           f'"{events}" ORDER BY id')
            cursor.execute(f'INSERT INTO tracking (application_name, notification_id) SELECT application_name, '
                           f'notification_id FROM "{tracking}" WHERE true ON CONFLICT (application_name) DO UPDATE '
                           f"SET notification_id = excluded.notification_id")

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        for sql, parameters in kwargs.get("joining", ()):  # rows of the store's other tables (a first key) this save makes
            c.execute(sql, parameters)
        ids = super()._insert_events(c, stored_events, **kwargs)
        if stored_events:  # after the insert: this transaction is the store's one writer until it commits
            c.execute(f"SELECT hash FROM {self.chain_table_name} ORDER BY notification_id DESC LIMIT 1")
            last = c.fetchone()
            c.executemany(f"INSERT INTO {self.chain_table_name} (notification_id, hash) VALUES (?, ?)",
                          chain.links(last[0] if last else chain.GENESIS, ids, stored_events))
        return ids

    def _chain_from(self, cursor: SQLiteCursor, after: int) -> None:
        """Links every event after `after` (0: all, onto an empty chain), a page at a time."""
        previous = chain.GENESIS
        while True:
            cursor.execute(f"SELECT rowid AS id, originator_id, originator_version, topic, state FROM "
                           f"{self.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT 1000", (after,))
            rows = [_Row(*row) for row in cursor.fetchall()]
            if not rows:
                return
            made = chain.links(previous, [row.id for row in rows], rows)
            cursor.executemany(f"INSERT INTO {self.chain_table_name} (notification_id, hash) VALUES (?, ?)", made)
            after, previous = made[-1]

    def has_chain(self) -> bool:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (self.chain_table_name,))
            return cursor.fetchone() is not None

    def select_links(self, after: int, limit: int) -> list[tuple[int, bytes]]:
        """The chain's links after a notification id, in order (shared/chain.py verifies them)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT notification_id, hash FROM {self.chain_table_name} WHERE notification_id > ? "
                           f"ORDER BY notification_id LIMIT ?", (after, limit))
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def probe(self, timeout: float) -> int:
        """The log's last position (GET /health); a local file needs no wait of its own."""
        return self.max_notification_id() or 0

    def head(self) -> tuple[int | None, str]:
        """The chain's last link: (its notification id, its hash), or (None, the empty chain's)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT notification_id, hash FROM {self.chain_table_name} "
                           f"ORDER BY notification_id DESC LIMIT 1")
            row = cursor.fetchone()
        return (row[0], row[1].hex()) if row else (None, chain.GENESIS.hex())

    @staticmethod
    def _previous_tables(cursor: SQLiteCursor) -> list[str]:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%application\\_events' "
                       "ESCAPE '\\'")
        return [row[0] for row in cursor.fetchall()]

    def encipher(self, cipher: Cipher) -> None:
        """Encrypts, in one transaction, every event stored in clear, in its place (same notification
        id, same version), chains the states as now stored, and drops the previous recorder's
        tables, which hold the same in clear; then rewrites the file (VACUUM) and empties the WAL,
        so no page keeps the clear text."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"SELECT rowid AS id, state FROM {self.events_table_name} ORDER BY rowid")
            cursor.executemany(f"UPDATE {self.events_table_name} SET state = ? WHERE rowid = ?",
                               enciphered(cursor.fetchall(), cipher))
            cursor.execute(f"DELETE FROM {self.chain_table_name}")
            self._chain_from(cursor, 0)
            for events in self._previous_tables(cursor):
                cursor.execute(f'DROP TABLE "{events}"')
                cursor.execute(f'DROP TABLE IF EXISTS "{events.removesuffix("_events")}_tracking"')
        rewrite(self.datastore)


class _Row(NamedTuple):
    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def rewrite(datastore: SQLiteDatastore) -> None:
    """Rewrites the file (VACUUM) and empties the WAL, so no page keeps what was deleted."""
    with datastore.get_connection(commit=True) as connection:
        cursor = connection.cursor()
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

class SQLiteTableView(TableView, SQLiteTrackingRecorder):
    """A read model's tables in the store's SQLite file, its position in the store's `tracking`."""

    tracking_table = "tracking"

    def __init__(self, recorder: SQLiteRecorder, tables: Sequence[str]):
        self.tables = tuple(tables)
        super().__init__(recorder.datastore)

    def _forget_dropped(self) -> None:
        rewrite(self.datastore)  # as `encipher`: no page keeps a view built in clear

    def _sql(self, statement: str) -> str:
        return statement  # sqlite3 reads :name itself
