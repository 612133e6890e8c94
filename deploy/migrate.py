"""Makes or upgrades a service's tables on PostgreSQL as the database's owner, and lets the
service's own role use them, no more (docs/architecture.md, "Tamper-evident"):

    python -m deploy.migrate SERVICE --database-url postgresql://SERVICE_owner@HOST:PORT/SERVICE \\
        --password-file FILE --grant-to SERVICE --secrets DIR [--store-key-file FILE]

It opens the service's application with the owner's URL, as the service opens it (the same
secrets folder and store key, so a store written in clear is encrypted now, by the owner, and
the read models' tables are built in the shape the service reads): the events, chain, tracking,
read-model and person-key tables, the stored-event type and eventsourcing's function. Then it
grants the service's role SELECT and INSERT on the events and chain tables, which are the log,
and SELECT, INSERT, UPDATE and DELETE on every other table (positions, read models, persons'
keys: not the log). No sequence: the recorder numbers events itself (shared/postgres.py).
Run again at every upgrade, before the services start (compose's `<service>-migrate`).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from psycopg.sql import SQL, Identifier

from shared.credentials import refuse_known_password, with_password_file

NOBODY = uuid.UUID(int=0)  # a person who is never stored: asking for their key makes the key table


def grant(recorder, role: str) -> dict[str, str]:
    """The service role's privileges on every table of the store's schema this role owns, set
    afresh (what an earlier owner granted, or the role owned, is revoked first); {table: privileges}."""
    schema = recorder.datastore.schema
    log = {recorder.events_table_name, recorder.chain_table_name}
    granted = {}
    with recorder.datastore.transaction(commit=True) as cursor:
        previous = set(recorder._previous_tables(cursor))  # the earlier recorder's events: read once, taken over
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s AND pg_has_role(tableowner, 'USAGE') "
                       "ORDER BY tablename", (schema,))
        tables = [row["tablename"] for row in cursor.fetchall()]
        cursor.execute("SELECT current_database() AS name")
        cursor.execute(SQL("GRANT CONNECT ON DATABASE {} TO {}").format(Identifier(cursor.fetchone()["name"]),
                                                                       Identifier(role)))
        cursor.execute(SQL("GRANT USAGE ON SCHEMA {} TO {}").format(Identifier(schema), Identifier(role)))
        for table in tables:
            name = SQL("{}.{}").format(Identifier(schema), Identifier(table))
            privileges = ("SELECT, INSERT" if table in log else "SELECT" if table in previous
                          else "SELECT, INSERT, UPDATE, DELETE")
            cursor.execute(SQL("REVOKE ALL ON {} FROM {}").format(name, Identifier(role)))
            cursor.execute(SQL("GRANT " + privileges + " ON {} TO {}").format(name, Identifier(role)))
            granted[table] = privileges
    return granted


def migrate(service: str, database_url: str, grant_to: str | None, secrets_dir: Path | None = None,
            store_key_file: Path | None = None) -> dict[str, str]:
    from shared.audit import application_class

    app = application_class(service)(database_url, secrets_dir=secrets_dir, store_key_file=store_key_file)
    try:
        if hasattr(type(app), "read_model"):
            app.read_model  # its tables, built in this version's shape (the service fills them)
        app.mapper.keys.state(NOBODY)
        return grant(app.recorder, grant_to) if grant_to else {}
    finally:
        app.close()


def main(argv: list[str] | None = None) -> int:
    from shared.broker import SERVICES

    parser = argparse.ArgumentParser(prog="python -m deploy.migrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--database-url", required=True, help="the service's database, as its owner role")
    parser.add_argument("--password-file", help="the owner's password, kept in a file (a compose secret)")
    parser.add_argument("--grant-to", help="the service's own role (none: make the tables only)")
    parser.add_argument("--secrets", type=Path, help="the service's secrets folder (its DATA_DIR/secrets)")
    parser.add_argument("--store-key-file", type=Path, help="the store's key ring, if not in the secrets folder")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("the owner's URL is a postgresql:// one: a SQLite store has no roles")
    url = with_password_file("--database-url", args.database_url, args.password_file)
    refuse_known_password("--database-url", url)
    granted = migrate(args.service, url, args.grant_to, args.secrets, args.store_key_file)
    for table, privileges in granted.items():
        print(f"{table}: {privileges} to {args.grant_to}")
    print(f"the store of {args.service} is migrated" + (f"; {args.grant_to} may use it" if args.grant_to else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
