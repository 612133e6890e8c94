"""An operator backs a service up while it works, restores it into a fresh database, and the
restore is proved by the hash of the log kept at backup time; a backup changed since is refused."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from deploy import backup
from shared import audit, chain
from services.intake.application import IntakeApplication
from tests.support.people import pesel_for

pytestmark = [pytest.mark.slow]


def register(app, name, number):
    return app.register_person(registered_on=date(2026, 11, 2), name=name, pesel=pesel_for(number))[0]


def test_a_restored_service_has_its_log_and_its_keys_and_proves_it(make_database_url, tmp_path):
    secrets, url = tmp_path / "secrets", make_database_url("intake")
    intake = IntakeApplication(url, secrets_dir=secrets)
    anna = register(intake, "Anna Nowak", 1)
    register(intake, "Jan Wiśniewski", 2)
    made = subprocess.run([sys.executable, "-m", "deploy.backup", "make", "intake", "--database-url", url,
                           "--secrets", str(secrets), "--out", str(tmp_path / "backup")],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    manifest = json.loads((tmp_path / "backup" / "backup.json").read_text())
    assert manifest["final_hash"] in made.stdout and manifest["events"] >= 2

    register(intake, "Ewa Lis", 3)  # the service goes on working after the backup
    intake.close()

    restored_url, restored_secrets = make_database_url("intake-restored"), tmp_path / "restored-secrets"
    result = subprocess.run([sys.executable, "-m", "deploy.backup", "restore", str(tmp_path / "backup"),
                             "--database-url", restored_url, "--secrets", str(restored_secrets)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"final hash {manifest['final_hash']}" in result.stdout

    assert "intake-store.key" in manifest["keys"]
    if restored_url.startswith("sqlite:///"):  # the copies of the store are the owner's only, as the store is
        for copy in (tmp_path / "backup" / backup.SQLITE_COPY, Path(restored_url.removeprefix("sqlite:///"))):
            assert stat.S_IMODE(copy.stat().st_mode) == 0o600, copy
    restored = IntakeApplication(restored_url, secrets_dir=restored_secrets)
    try:
        # the store's key and the person-reference key came back with the store: the events open,
        # and a returning person is found again
        assert restored.person(anna).name == "Anna Nowak"
        assert register(restored, "Anna Nowak", 1) == anna
    finally:
        restored.close()


def test_a_backup_changed_since_it_was_made_is_not_restored(make_database_url, tmp_path):
    secrets, url = tmp_path / "secrets", make_database_url("intake")
    intake = IntakeApplication(url, secrets_dir=secrets)
    register(intake, "Anna Nowak", 1)
    intake.close()
    manifest = backup.make("intake", url, secrets, tmp_path / "backup")

    copy = tmp_path / "backup" / manifest["database"]
    if manifest["database"] == backup.SQLITE_COPY:  # an insider edits an event in the copied store
        with sqlite3.connect(copy) as db:
            table = next(name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                         if "state" in {column[1] for column in db.execute(f"PRAGMA table_info('{name}')")})
            # Encrypted, an event is changed blindly: one bit of the last one's ciphertext.
            rowid, state = db.execute(f"SELECT rowid, state FROM {table} ORDER BY rowid DESC LIMIT 1").fetchone()
            db.execute(f"UPDATE {table} SET state = ? WHERE rowid = ?", (state[:-1] + bytes([state[-1] ^ 1]), rowid))
    else:  # a dump cannot be edited in place: the kept export is, instead
        log = tmp_path / "backup" / backup.LOG
        lines = log.read_text().splitlines(keepends=True)
        event = json.loads(lines[-2])
        event["state_base64"] = event["state_base64"][::-1]
        log.write_text("".join([*lines[:-2], json.dumps(event) + "\n", lines[-1]]))
    with pytest.raises(backup.BackupDoesNotMatch):
        backup.restore(tmp_path / "backup", make_database_url("intake-restored"), tmp_path / "restored-secrets")

    with pytest.raises(backup.BackupRefused):  # and never over a store that is there
        backup.restore(tmp_path / "backup", url, tmp_path / "restored-secrets")


def _as_before_the_chain(backup_dir: Path) -> str:
    """Turns a backup into one the tool made before the store's chain: its log an ops-audit-log/2
    file (each line sealed to the one before it, no links), its SQLite copy without the chain's
    table. Returns the /2 file's final hash, which that manifest held."""
    log = backup_dir / backup.LOG
    lines, previous, out = [json.loads(line) for line in log.read_text().splitlines()], "", []
    for line in lines:
        line.pop("chain_hash", None)
        line.pop("head_hash", None)
        if "format" in line:
            line["format"] = "ops-audit-log/2"
        sealed = audit._sealed(line, previous)
        previous = sealed["hash"]
        out.append(json.dumps(sealed, sort_keys=True, ensure_ascii=False) + "\n")
    log.write_text("".join(out), encoding="utf-8")
    copy = backup_dir / backup.SQLITE_COPY
    if copy.exists():
        with sqlite3.connect(copy) as db:
            db.execute("DROP TABLE stored_events_chain")
    manifest = json.loads((backup_dir / backup.MANIFEST).read_text())
    (backup_dir / backup.MANIFEST).write_text(json.dumps({**manifest, "final_hash": previous}))
    return previous


def test_a_backup_made_before_the_stores_chain_is_restored_and_chained(make_database_url, tmp_path):
    secrets, url = tmp_path / "secrets", make_database_url("intake")
    intake = IntakeApplication(url, secrets_dir=secrets)
    anna = register(intake, "Anna Nowak", 1)
    intake.close()
    backup.make("intake", url, secrets, tmp_path / "backup")
    final_hash = _as_before_the_chain(tmp_path / "backup")

    restored_url = make_database_url("intake-restored")
    done = backup.restore(tmp_path / "backup", restored_url, tmp_path / "restored-secrets")
    assert done["final_hash"] == final_hash
    restored = IntakeApplication(restored_url, secrets_dir=tmp_path / "restored-secrets")
    try:
        assert restored.person(anna).name == "Anna Nowak"
        assert chain.verify(restored.recorder).notification_id == done["up_to"]  # chained as it opened
    finally:
        restored.close()


def test_a_backup_made_before_the_chain_whose_store_was_changed_is_not_restored(make_database_url, tmp_path):
    secrets, url = tmp_path / "secrets", make_database_url("intake")
    if not url.startswith("sqlite"):
        pytest.skip("a dump cannot be edited in place; the SQLite copy can")
    intake = IntakeApplication(url, secrets_dir=secrets)
    register(intake, "Anna Nowak", 1)
    intake.close()
    backup.make("intake", url, secrets, tmp_path / "backup")
    _as_before_the_chain(tmp_path / "backup")
    with sqlite3.connect(tmp_path / "backup" / backup.SQLITE_COPY) as db:
        rowid, state = db.execute("SELECT rowid, state FROM stored_events ORDER BY rowid DESC LIMIT 1").fetchone()
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state[:-1] + bytes([state[-1] ^ 1]), rowid))
    with pytest.raises(backup.BackupDoesNotMatch):
        backup.restore(tmp_path / "backup", make_database_url("intake-restored"), tmp_path / "restored-secrets")
