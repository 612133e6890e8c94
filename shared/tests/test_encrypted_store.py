"""The store encrypted at rest (docs/architecture.md, "Encrypted at rest"), tried as someone who
has the database but not the key would: on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import psycopg2
import pytest

from shared import audit
from shared.keys import StoreKeyMissing, StoreKeyWrong, is_plaintext, key_ring, rotate, store_key_path
from shared.store import sqlite_path
from shared.tests.test_store import IntakeLikeApplication, _previous_recorder_store

NAME = "Bożena Kwiatkowska-Żmuda"


def raw_states(url: str) -> list[bytes]:
    """The events' states as a plain SQL connection sees them."""
    path = sqlite_path(url)
    if path is not None:
        import sqlite3
        with sqlite3.connect(path) as db:
            return [bytes(row[0]) for row in db.execute("SELECT state FROM stored_events ORDER BY rowid")]
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT state FROM intake_events ORDER BY notification_id")
        return [bytes(row[0]) for row in cursor.fetchall()]


def files_of(url: str) -> bytes:
    path = sqlite_path(url)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*")) if path else b""


def test_a_new_store_gets_a_key_file_of_its_own_and_keeps_nothing_in_clear(make_database_url, tmp_path):
    url, secrets = make_database_url("intake"), tmp_path / "secrets"
    app = IntakeLikeApplication(url, secrets_dir=secrets)
    try:
        person = app.register(NAME)
        key_file = store_key_path(secrets, "intake")
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_ring(key_file)) == 1
        assert all(not is_plaintext(state) and NAME.encode() not in state for state in raw_states(url))
        assert NAME.encode() not in files_of(url)
        path = sqlite_path(url)
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")) if path else ():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
        assert app.repository.get(person).name == NAME
    finally:
        app.close()


def test_a_wrong_key_and_a_lost_key_are_named_errors_and_make_no_new_key(make_database_url, tmp_path):
    url, secrets = make_database_url("intake"), tmp_path / "secrets"
    app = IntakeLikeApplication(url, secrets_dir=secrets)
    app.register(NAME)
    app.close()
    key = key_ring(store_key_path(secrets, "intake"))[0]

    other = tmp_path / "other-secrets"
    IntakeLikeApplication(make_database_url("another"), secrets_dir=other).close()  # a key of another store
    with pytest.raises(StoreKeyWrong) as wrong:
        IntakeLikeApplication(url, secrets_dir=other)
    assert str(store_key_path(other, "intake")) in str(wrong.value)

    lost = tmp_path / "lost-secrets"
    with pytest.raises(StoreKeyMissing) as missing:
        IntakeLikeApplication(url, secrets_dir=lost)
    assert str(store_key_path(lost, "intake")) in str(missing.value) and not lost.exists()
    with pytest.raises(StoreKeyMissing):  # nor can a store without a key write clear text beside the events
        IntakeLikeApplication(url)
    assert key not in str(wrong.value) + str(missing.value)


def test_after_a_rotation_new_events_take_the_new_key_and_the_old_ones_still_open(make_database_url, tmp_path):
    url, secrets = make_database_url("intake"), tmp_path / "secrets"
    app = IntakeLikeApplication(url, secrets_dir=secrets)
    before = app.register(NAME)
    app.close()
    key_file = store_key_path(secrets, "intake")
    old = key_ring(key_file)
    new = rotate(key_file)
    assert new[1:] == old and stat.S_IMODE(key_file.stat().st_mode) == 0o600

    app = IntakeLikeApplication(url, secrets_dir=secrets)
    try:
        after = app.register("Jan Wiśniewski")
        assert app.repository.get(before).name == NAME and app.repository.get(after).name == "Jan Wiśniewski"
        last = app.recorder.select_notifications(start=None, limit=100)[-1]
    finally:
        app.close()
    only_new = tmp_path / "only-new.key"
    only_new.write_text(new[0])
    opened = IntakeLikeApplication(f"sqlite:///{tmp_path}/elsewhere.sqlite", store_key_file=only_new)
    try:
        assert opened.mapper.cipher.decrypt(last.state)  # written with the new key
    finally:
        opened.close()
    with pytest.raises(StoreKeyWrong):  # the first event needs the old key
        IntakeLikeApplication(url, store_key_file=only_new)


def test_a_store_written_in_clear_is_encrypted_in_place_with_every_event_and_id(make_database_url, tmp_path):
    url, secrets = make_database_url("intake"), tmp_path / "secrets"
    clear = IntakeLikeApplication(url)  # as every store was written before it had a key
    people = [clear.register(NAME), clear.register("Jan Wiśniewski")]
    clear.record_position("casework", 7)
    before = clear.recorder.select_notifications(start=None, limit=100)
    clear.close()
    assert NAME.encode() in b"".join(raw_states(url))

    app = IntakeLikeApplication(url, secrets_dir=secrets)
    try:
        after = app.recorder.select_notifications(start=None, limit=100)
        assert [(n.id, n.originator_id, n.originator_version, n.topic) for n in after] == [
            (n.id, n.originator_id, n.originator_version, n.topic) for n in before]
        assert [app.mapper.cipher.decrypt(n.state) for n in after] == [n.state for n in before]
        assert [app.repository.get(p).version for p in people] == [1, 1] and app.position("casework") == 7
        app.register("Ewa Lis")
        assert app.recorder.max_notification_id() == before[-1].id + 2
        count, _ = audit.export(app, tmp_path / "log.jsonl")
        log = audit.verify(tmp_path / "log.jsonl")
        assert log.notification_ids == list(range(1, before[-1].id + 3)) and count == len(log.events)
    finally:
        app.close()
    assert not any(NAME.encode() in state for state in raw_states(url))
    assert NAME.encode() not in files_of(url)  # rewritten (VACUUM): no page keeps the clear text


def test_a_store_the_previous_recorder_wrote_loses_its_clear_copy_when_encrypted(make_database_url, tmp_path):
    written_by = IntakeLikeApplication(make_database_url("source"))
    written_by.register(NAME)
    written = written_by.recorder.select_notifications(start=None, limit=100)
    written_by.close()
    url = make_database_url("previous")
    _previous_recorder_store(url, written, {"casework": 3})
    app = IntakeLikeApplication(url, secrets_dir=tmp_path / "secrets")
    try:
        assert [n.id for n in app.recorder.select_notifications(start=None, limit=100)] == [n.id for n in written]
        assert app.position("casework") == 3
    finally:
        app.close()
    path = sqlite_path(url)
    if path is not None:
        import sqlite3
        with sqlite3.connect(path) as db:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    else:
        with psycopg2.connect(url) as db, db.cursor() as cursor:
            cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            tables = {name for (name,) in cursor.fetchall()}
    assert not {"intakelikeapplication_events", "intakelikeapplication_tracking"} & tables
    assert NAME.encode() not in files_of(url)
