"""The service store's recorder on PostgreSQL: eventsourcing's own, numbering notifications without
gaps (docs/architecture.md, "The store").

Imported only when a store on PostgreSQL is opened (shared/store.py names it in the recorder's
settings), so after shared/store.py has told psycopg to wait cooperatively under eventlet.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Sequence

import psycopg
from eventsourcing.persistence import Cipher, OperationalError, ProgrammingError, StoredEvent
from eventsourcing.postgres import ConnectionPool, PostgresDatastore, PostgresProcessRecorder, PostgresTrackingRecorder
from psycopg import Cursor
from psycopg.errors import InsufficientPrivilege
from psycopg.sql import SQL, Identifier, Literal
from psycopg_pool import PoolTimeout

from shared import chain
from shared.keys import enciphered
from shared.views import TableView


class StoreNotMigrated(ProgrammingError):
    """The store's tables are missing and this role may not create them: the database's owner
    makes them first (python -m deploy.migrate, deploy/README.md)."""


def insert_lock_key(schema: str, table: str) -> int:
    """The advisory lock every writer of an events table takes: a constant of the table's name."""
    return int.from_bytes(hashlib.sha256(f"{schema}.{table}".encode()).digest()[:8], "big", signed=True)


DOWN_WAIT_S = 0.25  # a connection's wait once one was not had in time: the database is taken for gone


class QuickToGiveUpPool(ConnectionPool):
    """eventsourcing's pool, waiting its whole timeout (POSTGRES_CONNECT_TIMEOUT) for a connection
    only while connections come: once one did not, each further wait is short until one comes
    again. eventsourcing tries each read and write ten times, each waiting the timeout: with a
    lost database the first request (before any health check saw it) waited most of a minute."""

    full_timeout: float

    def getconn(self, timeout: float | None = None) -> Any:
        try:
            connection = super().getconn(timeout)
        except PoolTimeout:
            self.timeout = min(self.full_timeout, DOWN_WAIT_S)
            raise
        self.timeout = self.full_timeout
        return connection

    @classmethod
    def installed_in(cls, pool: ConnectionPool) -> None:
        # eventsourcing makes the pool itself and takes no pool class: this one is put in its place.
        pool.__class__, pool.full_timeout = cls, pool.timeout


class ServiceProcessRecorder(PostgresProcessRecorder):
    """eventsourcing's process recorder, giving a transaction's events the notification ids after
    the highest stored one, under a lock every insert takes, instead of from a sequence: ids
    still commit in order, and a transaction rolled back (a version conflict, a duplicate
    delivery) leaves no gap. Each event's link of the store's hash chain (shared/chain.py) is
    written in the transaction that inserts it, under the same lock.

    The lock is a transaction-scoped advisory lock named after the events table, not
    eventsourcing's `LOCK TABLE ... IN EXCLUSIVE MODE`, which PostgreSQL grants only to a role
    that may UPDATE, DELETE or TRUNCATE the table: the service's role may only INSERT and SELECT
    (deploy/migrate.py). A role that does not own the tables uses them as the owner made them."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        if not isinstance(datastore.pool, QuickToGiveUpPool):
            QuickToGiveUpPool.installed_in(datastore.pool)
        self.chain_table_name = f"{self.events_table_name}_chain"
        self.check_identifier_length(self.chain_table_name)
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (notification_id bigint PRIMARY KEY, hash bytea NOT NULL)"
        ).format(Identifier(self.datastore.schema), Identifier(self.chain_table_name)))
        # The relay, the views and the access log read the log by topic from a position (shared/sqlite.py).
        self.sql_create_statements.append(SQL("CREATE INDEX IF NOT EXISTS {} ON {}.{} (topic, notification_id)").format(
            Identifier(f"{self.events_table_name}_topic"), Identifier(self.datastore.schema),
            Identifier(self.events_table_name)))
        # Serialises inserts as the table lock did (readers are not blocked by either); the
        # lock_timeout eventsourcing sets first applies to it too. Released at commit or rollback.
        self.lock_table_statements = [self.lock_table_statements[0], SQL("SELECT pg_advisory_xact_lock({})").format(
            Literal(insert_lock_key(self.datastore.schema, self.events_table_name)))]
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

    def create_table(self) -> None:
        """The first time it opens a store the previous recorder (eventsourcing-sqlalchemy) wrote,
        it takes that store's events, with their notification ids, and its positions, in one
        transaction; the old tables stay as they were until the store is encrypted (`encipher`).
        A role that does not own the events table (the service's, deploy/migrate.py) creates
        nothing: PostgreSQL would refuse even `CREATE ... IF NOT EXISTS` of what exists."""
        if self._may_create():
            try:
                super().create_table()
            except ProgrammingError as error:
                if isinstance(error.__cause__, InsufficientPrivilege):
                    raise StoreNotMigrated(f"{self.events_table_name} is not there and this role may not create "
                                           f"it: run python -m deploy.migrate as the database's owner") from None
                raise
        with self.datastore.transaction(commit=True) as cursor:
            self._lock_table(cursor)  # before looking: two instances starting at once take over and chain once
            self._take_previous(cursor)
            cursor.execute(SQL("SELECT 1 FROM {}.{} LIMIT 1").format(self._schema, self._chain))
            if not cursor.fetchone():  # a store written before the chain: chained once, now
                self._chain_all(cursor)

    def _may_create(self) -> bool:
        """The events table is missing, or this role owns it (or is a member of its owner)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT COALESCE((SELECT pg_has_role(relowner, 'USAGE') FROM pg_class "
                           "WHERE oid = to_regclass(%s)), true) AS may",
                           (f'"{self.datastore.schema}"."{self.events_table_name}"',))
            return cursor.fetchone()["may"]

    @property
    def _schema(self) -> Identifier:
        return Identifier(self.datastore.schema)

    @property
    def _chain(self) -> Identifier:
        return Identifier(self.chain_table_name)

    def _take_previous(self, cursor: Cursor) -> None:
        schema = self._schema
        previous = self._previous_tables(cursor)
        cursor.execute(SQL("SELECT 1 FROM {}.{} LIMIT 1").format(schema, Identifier(self.events_table_name)))
        if len(previous) == 1 and not cursor.fetchone():
            events, tracking = previous[0], previous[0].removesuffix("_events") + "_tracking"
            cursor.execute(SQL(
                "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state, notification_id)"
                " SELECT originator_id, originator_version, topic, state, id FROM {schema}.{events} ORDER BY id"
            ).format(schema=schema, table=Identifier(self.events_table_name), events=Identifier(events)))
            cursor.execute(SQL(
                "INSERT INTO {schema}.{table} (application_name, notification_id)"
                " SELECT application_name, notification_id FROM {schema}.{tracking}"
                " ON CONFLICT (application_name) DO UPDATE SET notification_id = EXCLUDED.notification_id"
            ).format(schema=schema, table=Identifier(self.tracking_table_name), tracking=Identifier(tracking)))

    def _insert_events(self, curs: Cursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        for sql, parameters in kwargs.get("joining", ()):  # rows of the store's other tables (a first key) this save makes
            curs.execute(sql, parameters)
        super()._insert_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(self, curs: Cursor, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        # Still under the lock `_insert_stored_events` took: the last link is this one's predecessor.
        curs.execute(SQL("SELECT hash FROM {}.{} ORDER BY notification_id DESC LIMIT 1").format(self._schema,
                                                                                                 self._chain))
        last = curs.fetchone()
        curs.executemany(SQL("INSERT INTO {}.{} (notification_id, hash) VALUES (%s, %s)").format(self._schema,
                                                                                                  self._chain),
                         chain.links(last["hash"] if last else chain.GENESIS, ids, stored_events))
        return ids

    def _chain_all(self, cursor: Cursor) -> None:
        """Links every event onto an empty chain, a page at a time (the caller holds the insert lock)."""
        previous, after = chain.GENESIS, 0
        while True:
            cursor.execute(SQL("SELECT notification_id AS id, originator_id, originator_version, topic, state "
                               "FROM {}.{} WHERE notification_id > %s ORDER BY notification_id LIMIT 1000")
                           .format(self._schema, Identifier(self.events_table_name)), (after,))
            fetched = cursor.fetchall()
            if not fetched:
                return
            ids = [row["id"] for row in fetched]
            rows = [StoredEvent(row["originator_id"], row["originator_version"], row["topic"], bytes(row["state"]))
                    for row in fetched]
            made = chain.links(previous, ids, rows)
            cursor.executemany(SQL("INSERT INTO {}.{} (notification_id, hash) VALUES (%s, %s)")
                               .format(self._schema, self._chain), made)
            after, previous = made[-1]

    def has_chain(self) -> bool:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT to_regclass(%s) AS chain",
                           (f'"{self.datastore.schema}"."{self.chain_table_name}"',))
            return cursor.fetchone()["chain"] is not None

    def select_links(self, after: int, limit: int) -> list[tuple[int, bytes]]:
        """The chain's links after a notification id, in order (shared/chain.py verifies them)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(SQL("SELECT notification_id, hash FROM {}.{} WHERE notification_id > %s "
                               "ORDER BY notification_id LIMIT %s").format(self._schema, self._chain), (after, limit))
            return [(row["notification_id"], bytes(row["hash"])) for row in cursor.fetchall()]

    def probe(self, timeout: float) -> int:
        """The log's last position, asked once, waiting at most `timeout` seconds for a connection
        (GET /health): the recorder's own reads try ten times over, which hides a lost database
        from the health check for most of a minute."""
        try:
            with self.datastore.pool.connection(timeout=timeout) as connection:
                row = connection.execute(self.max_notification_id_statement).fetchone()
        except psycopg.Error as error:
            raise OperationalError(str(error)) from error
        return row["max"] or 0

    def head(self) -> tuple[int | None, str]:
        """The chain's last link: (its notification id, its hash), or (None, the empty chain's)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(SQL("SELECT notification_id, hash FROM {}.{} ORDER BY notification_id DESC LIMIT 1")
                           .format(self._schema, self._chain))
            row = cursor.fetchone()
        return (row["notification_id"], bytes(row["hash"]).hex()) if row else (None, chain.GENESIS.hex())

    def _previous_tables(self, cursor: Cursor) -> list[str]:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                       "AND table_name LIKE '%%application\\_events'", (self.datastore.schema,))
        return [row["table_name"] for row in cursor.fetchall()]

    def encipher(self, cipher: Cipher) -> None:
        """Encrypts, in one transaction, every event stored in clear, in its place (same notification
        id, same version), and drops the previous recorder's tables, which hold the same in clear.
        The rows' old versions stay in the table's files until VACUUM reuses their space (VACUUM
        FULL rewrites the table at once: deploy/README.md). It UPDATEs the events, so only the
        tables' owner can: deploy/migrate.py opens the store with its key."""
        schema, table = Identifier(self.datastore.schema), Identifier(self.events_table_name)
        with self.datastore.transaction(commit=True) as cursor:
            # No command writes meanwhile: another instance starting at once finds the events encrypted.
            self._lock_table(cursor)
            cursor.execute(SQL("SELECT notification_id AS id, state FROM {}.{} ORDER BY notification_id")
                           .format(schema, table))
            cursor.executemany(SQL("UPDATE {}.{} SET state = %s WHERE notification_id = %s").format(schema, table),
                               enciphered(cursor.fetchall(), cipher))
            cursor.execute(SQL("DELETE FROM {}.{}").format(schema, self._chain))  # chained as now stored
            self._chain_all(cursor)
            for events in self._previous_tables(cursor):
                tracking = events.removesuffix("_events") + "_tracking"
                cursor.execute(SQL("DROP TABLE IF EXISTS {}.{}, {}.{}").format(schema, Identifier(events), schema,
                                                                     Identifier(tracking)))

class PostgresTableView(TableView, PostgresTrackingRecorder):
    """A read model's tables in the store's database, its position in the store's table of positions."""

    _for_update = " FOR UPDATE"

    def __init__(self, recorder: PostgresProcessRecorder, tables: Sequence[str]):
        super().__init__(recorder.datastore, tracking_table_name=recorder.tracking_table_name)
        self.tables, self.tracking_table = tuple(tables), recorder.tracking_table_name

    def _sql(self, statement: str) -> str:
        return _NAMED.sub(r"%(\1)s", statement)  # psycopg's style for :name

    # A role that does not own the tables (the service's, deploy/migrate.py) cannot run even a
    # `CREATE ... IF NOT EXISTS` of a table that is there (PostgreSQL checks it may create first):
    # what the owner made already is not made again. For the owner nothing changes.

    def create_table(self) -> None:
        if self._exists(self.tracking_table):
            self.tracking_migration_current = self.tracking_migration_previous = (
                self.max_tracking_id(self.table_migration_identifier))
            if self.tracking_migration_current is not None:  # made, and in its current shape
                self.tracking_table_exists = True
                return
        super().create_table()

    def build(self, name: str, version: str) -> None:
        if not self._made(self.tables, name, version):
            super().build(name, version)

    def execute(self, statements: Sequence[tuple[str, dict]]) -> None:
        if not self._made([sql for sql, _ in statements]):
            super().execute(statements)

    def _made(self, statements: Sequence[str], name: str | None = None, version: str | None = None) -> bool:
        """Every statement makes a table or index if missing, each is there, and (for a view) the
        view's tables are of this version."""
        names = [_MAKES.fullmatch(statement) for statement in statements]
        if not names or not all(names):
            return False
        if name is not None:
            names.append(_MAKES.fullmatch("CREATE TABLE IF NOT EXISTS view_versions"))
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT bool_and(to_regclass(n) IS NOT NULL) AS made FROM unnest(%s::text[]) AS n",
                           ([found.group(1) for found in names],))
            if not cursor.fetchone()["made"]:
                return False
            if name is None:
                return True
            cursor.execute("SELECT version FROM view_versions WHERE name = %s", (name,))
            row = cursor.fetchone()
            return row is not None and row["version"] == version

    def _exists(self, table: str) -> bool:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL AS made", (f'"{self.datastore.schema}"."{table}"',))
            return cursor.fetchone()["made"]


_NAMED = re.compile(r"(?<![:\w]):(\w+)")
_MAKES = re.compile(r"\s*CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\s+IF\s+NOT\s+EXISTS\s+(\w+)\b.*", re.S | re.I)
