"""The service store's recorder on SQLite: eventsourcing's own (docs/architecture.md, "The store")."""

from __future__ import annotations

from typing import Sequence

from eventsourcing.sqlite import SQLiteProcessRecorder, SQLiteRecorder, SQLiteTrackingRecorder

from shared.views import TableView


class ServiceProcessRecorder(SQLiteProcessRecorder):
    """eventsourcing's SQLite process recorder that, the first time it opens a store the previous
    recorder (eventsourcing-sqlalchemy) wrote, takes that store's events, with their notification
    ids, and its positions, in one transaction; the old tables stay as they were."""

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%application\\_events' "
                           "ESCAPE '\\'")
            previous = [row[0] for row in cursor.fetchall()]
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


class SQLiteTableView(TableView, SQLiteTrackingRecorder):
    """A read model's tables in the store's SQLite file, its position in the store's `tracking`."""

    def __init__(self, recorder: SQLiteRecorder, tables: Sequence[str]):
        self.tables = tuple(tables)  # before the constructor, which collects the create statements
        super().__init__(recorder.datastore)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.tables]

    def _sql(self, statement: str) -> str:
        return statement  # sqlite3 reads :name itself
