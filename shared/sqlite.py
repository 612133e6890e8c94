"""The service store's recorder on SQLite: eventsourcing's own (docs/architecture.md, "The store")."""

from __future__ import annotations

from typing import Sequence

from eventsourcing.persistence import Cipher
from eventsourcing.sqlite import (SQLiteCursor, SQLiteDatastore, SQLiteProcessRecorder, SQLiteRecorder,
                                  SQLiteTrackingRecorder)

from shared.keys import enciphered
from shared.views import TableView


class ServiceProcessRecorder(SQLiteProcessRecorder):
    """eventsourcing's SQLite process recorder that, the first time it opens a store the previous
    recorder (eventsourcing-sqlalchemy) wrote, takes that store's events, with their notification
    ids, and its positions, in one transaction; the old tables stay as they were until the store
    is encrypted (`encipher`)."""

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as cursor:
            previous = self._previous_tables(cursor)
            cursor.execute(f"SELECT 1 FROM {self.events_table_name} LIMIT 1")
            if len(previous) != 1 or cursor.fetchone():
                return
            events, tracking = previous[0], previous[0].removesuffix("_events") + "_tracking"
            # The previous recorder kept an originator id as 16 bytes; this one as 32 hex digits.
            cursor.execute(f'INSERT INTO {self.events_table_name} (rowid, originator_id, originator_version, topic, '
                           f'state) SELECT id, lower(hex(originator_id)), originator_version, topic, state FROM "{events}" '
                           f"ORDER BY id")
            cursor.execute(f'INSERT INTO tracking (application_name, notification_id) SELECT application_name, '
                           f'notification_id FROM "{tracking}" WHERE true ON CONFLICT (application_name) DO UPDATE '
                           f"SET notification_id = excluded.notification_id")

    @staticmethod
    def _previous_tables(cursor: SQLiteCursor) -> list[str]:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%application\\_events' "
                       "ESCAPE '\\'")
        return [row[0] for row in cursor.fetchall()]

    def encipher(self, cipher: Cipher) -> None:
        """Encrypts, in one transaction, every event stored in clear, in its place (same notification
        id, same version), and drops the previous recorder's tables, which hold the same in clear;
        then rewrites the file (VACUUM) and empties the WAL, so no page keeps the clear text."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"SELECT rowid AS id, state FROM {self.events_table_name} ORDER BY rowid")
            cursor.executemany(f"UPDATE {self.events_table_name} SET state = ? WHERE rowid = ?",
                               enciphered(cursor.fetchall(), cipher))
            for events in self._previous_tables(cursor):
                cursor.execute(f'DROP TABLE "{events}"')
                cursor.execute(f'DROP TABLE IF EXISTS "{events.removesuffix("_events")}_tracking"')
        rewrite(self.datastore)


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
