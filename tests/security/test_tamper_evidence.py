"""Someone who can write to a service's database (its SQLite file, or its tables through a plain SQL
connection) changes its history; the store's hash chain (docs/architecture.md, "Tamper-evident")
says where, from the live store and from an export made afterwards, on SQLite and PostgreSQL.
Each attack below went unnoticed before the chain: the states are encrypted, but an UPDATE with
another event's bytes, a DELETE, or a renumbering left a store that opened and exported cleanly."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date

import psycopg2
import pytest

from services.intake.application import IntakeApplication
from shared import audit, chain
from shared.store import sqlite_path
from tests.support.people import pesel_for

PEOPLE = 4  # each registration stores 2 events: ids 1–8


@pytest.fixture
def store(make_database_url, tmp_path):
    url = make_database_url("intake")
    app = IntakeApplication(url, secrets_dir=tmp_path / "secrets")
    for number in range(1, PEOPLE + 1):
        app.register_person(registered_on=date(2026, 11, 2), name=f"Osoba {number}", pesel=pesel_for(number))
    yield app, url
    app.close()


def sql(url: str, statement: str, *params) -> list[tuple]:
    """Runs a statement as the attacker would, outside the service: `{events}`, `{chain}`, `{id}`
    stand for the backend's table and id column names."""
    path = sqlite_path(url)
    names = ({"events": "stored_events", "chain": "stored_events_chain", "id": "rowid"} if path else
             {"events": "intake_events", "chain": "intake_events_chain", "id": "notification_id"})
    statement = statement.format(**names)
    if path:
        with closing(sqlite3.connect(path)) as db, db:
            return db.execute(statement, params).fetchall()
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute(statement.replace("?", "%s"), params)
        return cursor.fetchall() if cursor.description else []


def broken_at(app, tmp_path) -> tuple[int, str]:
    """Where the live store's chain breaks, and what an export made afterwards says."""
    with pytest.raises(chain.ChainBroken) as live:
        chain.verify(app.recorder)
    out = tmp_path / "after.jsonl"
    with pytest.raises(chain.ChainBroken):
        audit.export(app, out)  # the file is written whole, as evidence, then the break is named
    with pytest.raises(audit.AuditLogAltered) as exported:
        audit.verify(out)
    return live.value.notification_id, str(exported.value)


def test_an_untouched_store_verifies_and_its_head_is_the_exports(store, tmp_path):
    app, _ = store
    head = chain.verify(app.recorder)
    assert head.events == 2 * PEOPLE and head.notification_id == 2 * PEOPLE
    assert (head.notification_id, head.hash) == app.recorder.head()
    count, exported_head = audit.export(app, tmp_path / "log.jsonl")
    assert (count, exported_head) == (head.events, head.hash)
    assert audit.verify(tmp_path / "log.jsonl", expect=head.hash).final_hash == head.hash


def test_a_state_updated_is_named_by_its_id(store, tmp_path):
    app, url = store
    other = sql(url, "SELECT state FROM {events} WHERE {id} = 5")[0][0]
    sql(url, "UPDATE {events} SET state = ? WHERE {id} = 3", other)  # a real ciphertext, someone else's
    notification_id, exported = broken_at(app, tmp_path)
    assert notification_id == 3 and "event #3:" in exported


def test_a_middle_event_deleted_with_its_link_is_named_by_the_next_id(store, tmp_path):
    app, url = store
    sql(url, "DELETE FROM {events} WHERE {id} = 4")
    sql(url, "DELETE FROM {chain} WHERE notification_id = 4")
    notification_id, exported = broken_at(app, tmp_path)
    assert notification_id == 5 and "event #5:" in exported and "#4–#4 are not in the store" in exported


def test_a_middle_event_deleted_alone_is_named_by_its_id(store, tmp_path):
    app, url = store
    sql(url, "DELETE FROM {events} WHERE {id} = 4")
    with pytest.raises(chain.ChainBroken, match="#4: chained, but no event") as live:
        chain.verify(app.recorder)
    assert live.value.notification_id == 4


def test_the_last_event_deleted_is_caught_by_the_head_hash_kept(store, tmp_path):
    app, url = store
    kept = chain.verify(app.recorder).hash
    audit.export(app, tmp_path / "before.jsonl")
    last = 2 * PEOPLE
    sql(url, "DELETE FROM {events} WHERE {id} = ?", last)
    sql(url, "DELETE FROM {chain} WHERE notification_id = ?", last)
    assert chain.verify(app.recorder).notification_id == last - 1  # whole, but shorter
    with pytest.raises(chain.ExpectedHashMissing):
        chain.verify(app.recorder, expect=kept)
    audit.export(app, tmp_path / "after.jsonl")
    with pytest.raises(chain.ExpectedHashMissing):
        audit.verify(tmp_path / "after.jsonl", expect=kept)
    audit.verify(tmp_path / "before.jsonl", expect=kept)  # the file kept still checks out


@pytest.mark.parametrize("with_link", [False, True], ids=["event-only", "event-and-link"])
def test_an_event_renumbered_is_named(store, tmp_path, with_link):
    app, url = store
    sql(url, "UPDATE {events} SET {id} = 100 WHERE {id} = 3")
    if with_link:
        sql(url, "UPDATE {chain} SET notification_id = 100 WHERE notification_id = 3")
    with pytest.raises(chain.ChainBroken) as live:
        chain.verify(app.recorder)
    assert live.value.notification_id == (4 if with_link else 3)


def test_a_gap_in_the_ids_is_no_break_when_the_chain_is_whole(store, tmp_path):
    """PostgreSQL may leave ids unused; the chain, not the numbering, says whether anything is missing."""
    app, url = store
    last = 2 * PEOPLE
    row = sql(url, "SELECT originator_id, originator_version, topic, state FROM {events} WHERE {id} = ?", last)[0]
    previous = bytes(sql(url, "SELECT hash FROM {chain} WHERE notification_id = ?", last - 1)[0][0])
    sql(url, "DELETE FROM {events} WHERE {id} = ?", last)  # the last event, moved to id 20 and chained there
    sql(url, "DELETE FROM {chain} WHERE notification_id = ?", last)
    sql(url, "INSERT INTO {events} ({id}, originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)",
        20, *row)
    sql(url, "INSERT INTO {chain} (notification_id, hash) VALUES (?, ?)", 20,
        chain.link(previous, 20, str(row[0]), row[1], row[2], bytes(row[3])))
    app.register_person(registered_on=date(2026, 11, 3), name="Osoba 9", pesel=pesel_for(9))  # ids 21, 22
    head = chain.verify(app.recorder)
    assert (head.events, head.notification_id) == (2 * PEOPLE + 2, 22)
    audit.export(app, tmp_path / "log.jsonl")
    assert audit.verify(tmp_path / "log.jsonl", expect=head.hash).final_hash == head.hash


def test_the_command_line_checks_a_live_store_without_creating_one(store, tmp_path):
    app, url = store
    head = chain.verify(app.recorder).hash

    def run(*args):
        return subprocess.run([sys.executable, "-m", "shared.audit", *args], capture_output=True, text=True,
                              timeout=60)

    checked = run("verify", "--database-url", url, "--expect", head)
    assert checked.returncode == 0 and f"head hash {head} (#{2 * PEOPLE})" in checked.stdout, checked.stderr
    sql(url, "DELETE FROM {events} WHERE {id} = 4")
    refused = run("verify", "--database-url", url)
    assert refused.returncode == 1 and refused.stderr.startswith("ChainBroken: #4:")
    missing = tmp_path / "nothing-here.sqlite"
    nowhere = run("verify", "--database-url", f"sqlite:///{missing}")
    assert nowhere.returncode == 2 and nowhere.stderr.startswith("StoreNotFound") and not missing.exists()


def test_a_store_written_before_the_chain_is_chained_once_when_opened(store, tmp_path):
    app, url = store
    head = chain.verify(app.recorder).hash
    sql(url, "DROP TABLE {chain}")
    reader = IntakeApplication(url, existing=True)  # a tool's reading creates nothing
    try:
        with pytest.raises(chain.ChainMissing):
            chain.verify(reader.recorder)
    finally:
        reader.close()
    again = IntakeApplication(url, secrets_dir=tmp_path / "secrets")
    try:
        assert chain.verify(again.recorder).hash == head  # the same bytes give the same chain
    finally:
        again.close()
