"""A service's backup and its restore, proved by the hash of its log:

    python -m deploy.backup make SERVICE --database-url URL --secrets DIR --out FOLDER
    python -m deploy.backup restore FOLDER --database-url NEW_URL --secrets NEW_DIR

`make` writes into FOLDER (which must not exist yet) the service's database (a consistent copy
of a SQLite file taken while the service runs, or `pg_dump`'s custom format of its PostgreSQL
database), its keys (the secrets folder: the store's key ring `<service>-store.key`, intake's
person-reference key and name-index key, the gateway's signing keys; without them a restored store
cannot be read, find a returning person or a name, or sign a token; a store key file the operator keeps elsewhere is named
with `--store-key-file` and goes into the backup's secrets under the folder's own name), the
audit export of its log up to the store's head when the backup began, and `backup.json`
with that head, the number of events and the export's final hash. It prints the hash: keep it
apart from the backup.

`restore` puts the database into a new, empty store (a SQLite file that does not exist yet,
or an empty PostgreSQL database, with `pg_restore`) and the keys into a secrets folder that
holds none of other values, then exports the restored log up to the same head and compares it
with the backup's export byte for byte and with the hash: a backup changed since it was made,
or restored wrong, is refused by name. Run both with the service's own database credentials
(in compose, where `pg_dump`/`pg_restore` of the server's major version are installed).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from shared import audit, chain
from shared.keys import StoreKeyMissing, StoreKeyWrong, store_key_path
from shared.store import private_sqlite_file, sqlite_path

MANIFEST = "backup.json"
LOG = "log.audit.jsonl"
SQLITE_COPY = "store.sqlite"
POSTGRES_DUMP = "store.pgdump"


class BackupRefused(ValueError):
    """The backup or the restore cannot be made as asked (a folder or a store already there)."""


class BackupDoesNotMatch(ValueError):
    """The restored log is not the log the backup was made of: the backup was changed, or restored wrong."""


def _libpq_url(url: str) -> str:
    """The URL as pg_dump reads it (no `+driver`)."""
    scheme, _, rest = url.partition("://")
    return f"{scheme.partition('+')[0]}://{rest}"


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:  # its own message: names the database, never the password in the URL
        raise BackupRefused(f"{command[0]} failed: {result.stderr.strip().splitlines()[-1] if result.stderr else ''}")


def _copy_secrets(source: Path, target: Path) -> list[str]:
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    copied = []
    for path in sorted(p for p in source.iterdir() if p.is_file()) if source.exists() else ():
        there = target / path.name
        if there.exists() and there.read_bytes() != path.read_bytes():
            raise BackupRefused(f"{there} holds another key: restore into a secrets folder without it")
        shutil.copy2(path, there)
        there.chmod(0o600)
        copied.append(path.name)
    return copied


def make(service: str, database_url: str, secrets: Path, out: Path, store_key_file: Path | None = None) -> dict:
    if out.exists():
        raise BackupRefused(f"{out} exists: a backup goes into a new folder")
    out.mkdir(parents=True, mode=0o700)
    # Opened with its key: a backup whose key does not open its store is refused now, not at restore.
    app = audit.application_class(service)(database_url, secrets_dir=secrets, store_key_file=store_key_file,
                                            existing=True)
    try:
        head = app.recorder.max_notification_id() or 0  # everything up to here is in the copy below
        sqlite_file = sqlite_path(database_url)
        if sqlite_file is not None:
            private_sqlite_file(f"sqlite:///{out / SQLITE_COPY}")
            with sqlite3.connect(sqlite_file) as source, sqlite3.connect(out / SQLITE_COPY) as copy:
                source.backup(copy)
            database = SQLITE_COPY
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out / POSTGRES_DUMP),
                  f"--dbname={_libpq_url(database_url)}"])
            database = POSTGRES_DUMP
        events, final_hash = audit.export(app, out / LOG, up_to=head)
    finally:
        app.close()
    keys = _copy_secrets(secrets, out / "secrets")
    if store_key_file is not None:
        there = store_key_path(out / "secrets", service)
        shutil.copy2(store_key_file, there)
        there.chmod(0o600)
        keys = sorted({*keys, there.name})
    manifest = {"service": service, "database": database, "up_to": head, "events": events, "final_hash": final_hash,
                "keys": keys, "made_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def restore(backup: Path, database_url: str, secrets: Path) -> dict:
    manifest = json.loads((backup / MANIFEST).read_text())
    sqlite_file = sqlite_path(database_url)
    if manifest["database"] == SQLITE_COPY:
        if sqlite_file is None or sqlite_file.exists():
            raise BackupRefused("a SQLite backup is restored into a new file: sqlite:///PATH that does not exist yet")
        private_sqlite_file(database_url)
        with sqlite3.connect(backup / SQLITE_COPY) as source, sqlite3.connect(sqlite_file) as copy:
            source.backup(copy)
    else:
        if sqlite_file is not None:
            raise BackupRefused("a PostgreSQL backup is restored into a PostgreSQL database")
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq_url(database_url)}",
              str(backup / POSTGRES_DUMP)])
    _copy_secrets(backup / "secrets", secrets)
    try:
        kept = audit.verify(backup / LOG, keep_events=False)
    except (audit.AuditLogAltered, audit.AuditLogIncomplete) as error:
        raise BackupDoesNotMatch(f"the backup's log of {manifest['service']} was changed: {error}") from None
    if kept.final_hash != manifest["final_hash"]:
        raise BackupDoesNotMatch(f"the backup's log of {manifest['service']} has the final hash {kept.final_hash}, "
                                 f"its manifest {manifest['final_hash']}")
    before_chain = kept.format in audit.SEALED
    # A backup made before the store's chain holds a store without one: it is chained as it opens.
    app = audit.application_class(manifest["service"])(database_url, secrets_dir=secrets, existing=not before_chain)
    try:
        check = backup / f".{LOG}.restored"
        events, final_hash = audit.export(app, check, up_to=manifest["up_to"])
    except chain.ChainBroken as error:  # the restored store's own chain says where it was changed
        check.unlink(missing_ok=True)
        raise BackupDoesNotMatch(f"the restored store of {manifest['service']} was changed: {error}") from None
    finally:
        app.close()
    try:
        if before_chain:  # another format: the same events, byte for byte, in the same places (held
            # in memory, once, for a backup of that time)
            same = _events(audit.verify(check)) == _events(audit.verify(backup / LOG))
        else:
            same = final_hash == manifest["final_hash"] and check.read_bytes() == (backup / LOG).read_bytes()
        if not same:
            raise BackupDoesNotMatch(f"the restored log of {manifest['service']} up to #{manifest['up_to']} has the "
                                     f"final hash {final_hash}, the backup's is {manifest['final_hash']}")
    finally:
        check.unlink()
    return {**manifest, "restored_events": events}


def _events(log: audit.VerifiedLog) -> list[tuple]:
    return [(n, e.originator_id, e.originator_version, e.topic, bytes(e.state))
            for n, e in zip(log.notification_ids, log.events)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.backup", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    making = commands.add_parser("make", help="back a service up into a new folder")
    making.add_argument("service", choices=audit.SERVICES)
    making.add_argument("--database-url", required=True)
    making.add_argument("--secrets", required=True, type=Path, help="the service's secrets folder")
    making.add_argument("--out", required=True, type=Path)
    making.add_argument("--store-key-file", type=Path,
                        help="the store's key file, if not the secrets folder's <service>-store.key")
    restoring = commands.add_parser("restore", help="restore a backup into a new store and check it")
    restoring.add_argument("backup", type=Path)
    restoring.add_argument("--database-url", required=True)
    restoring.add_argument("--secrets", required=True, type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "make":
            made = make(args.service, args.database_url, args.secrets, args.out, args.store_key_file)
            print(f"{made['service']}: {made['events']} event(s) up to #{made['up_to']} and {len(made['keys'])} key(s) "
                  f"in {args.out}; final hash {made['final_hash']} (keep it apart from the backup)")
        else:
            done = restore(args.backup, args.database_url, args.secrets)
            print(f"{done['service']}: restored and verified, {done['restored_events']} event(s) up to "
                  f"#{done['up_to']}; final hash {done['final_hash']}")
        return 0
    except (BackupRefused, BackupDoesNotMatch, StoreKeyMissing, StoreKeyWrong, OSError, sqlite3.Error) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
