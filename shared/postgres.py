"""The service store's recorder on PostgreSQL: eventsourcing's own, numbering notifications without
gaps (docs/architecture.md, "The store").

Imported only when a store on PostgreSQL is opened (shared/store.py names it in the recorder's
settings), so after shared/store.py has told psycopg to wait cooperatively under eventlet.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresDatastore, PostgresProcessRecorder
from psycopg.sql import SQL, Identifier


class GaplessProcessRecorder(PostgresProcessRecorder):
    """eventsourcing's process recorder, giving a transaction's events the notification ids after
    the highest stored one, under the table lock it already takes for every insert, instead of
    from a sequence: ids still commit in order, and a transaction rolled back (a version
    conflict, a duplicate delivery) leaves no gap, so a gap in a log is an event missing from it
    (shared/audit.py's `verify` says so)."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        self.insert_events_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state, notification_id)"
            " SELECT e.originator_id, e.originator_version, e.topic, e.state,"
            " (SELECT COALESCE(MAX(notification_id), 0) FROM {schema}.{table}) + e.position"
            " FROM unnest(%s::{schema}.{stored_event}[]) WITH ORDINALITY"
            " AS e(originator_id, originator_version, topic, state, position)"
            " ORDER BY e.position"
            " RETURNING notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            stored_event=Identifier(self.stored_event_type_name),
        )
