"""Someone who takes a service's database (the SQLite files with their WAL, or the PostgreSQL
tables through a plain SQL connection) but not its key finds no one in it
(docs/architecture.md, "Encrypted at rest"): real `nameko run` processes, a person registered
at the desk and worked with in casework, found by name and listed, so the read models' tables
(docs/architecture.md, "Read models") hold them too."""

from __future__ import annotations

import sqlite3
import stat

import psycopg2
import pytest

from shared.keys import store_key_path
from shared.store import sqlite_path
from tests.support.people import pesel_for
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

NAME, NUMBER = "Krystyna Przybyszewska", 61
INTAKE_NOTE = "nadużywa alkoholu od wiosny"
DIAGNOSIS = "zaburzenia depresyjne nawracające"
CASE_NOTE = "zgłosiła przemoc ze strony partnera"
REASON = "samotnie wychowuje troje dzieci"
VIEW_TABLES = {"intake": ("intake_persons", "intake_name_index", "intake_routings"),
               "casework": ("casework_cases", "casework_members")}


def stolen(url: str) -> bytes:
    """What a thief of the store reads: every byte of the SQLite file, its WAL and shared memory
    while the service runs; on PostgreSQL, every row of every table of the service's database."""
    path = sqlite_path(url)
    if path is not None:
        files = sorted(path.parent.glob(path.name + "*"))
        assert all(stat.S_IMODE(file.stat().st_mode) == 0o600 for file in files), files
        return b"".join(file.read_bytes() for file in files)
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        rows = []
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT t::text FROM "{table}" t')
            rows += [row[0] for row in cursor.fetchall()]
    return "\n".join(rows).encode()


def row_count(url: str, table: str) -> int:
    path = sqlite_path(url)
    if path is not None:
        with sqlite3.connect(path) as db:
            return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def test_a_stolen_store_shows_no_pesel_name_note_or_diagnosis(centre):
    for service in ("intake", "casework"):
        centre.start(service)
    leader, worker = centre.as_role("social_work_team_leader"), centre.as_login("t.nowicki")
    person = centre.register(NAME, NUMBER)
    contact = centre.talk(person, reasons_for_help=["przemoc_w_rodzinie"], notes=INTAKE_NOTE)
    case_id = centre.route(contact, "casework", REASON).json()["case_id"]
    wait_for(lambda: centre.open_cases(), what="the case in casework")
    wait_for(lambda: leader.post("casework", f"/cases/{case_id}/assignment",
                                 {"worker": "Tomasz Nowicki", "on": "2026-11-03"}).status_code == 200,
             what="the worker in casework's roster")
    worker.ok(worker.post("casework", f"/cases/{case_id}/diagnosis",
                          {"areas": {"health": DIAGNOSIS}, "recorded_on": "2026-11-04", "with_person": True}), 200)
    worker.ok(worker.post("casework", f"/cases/{case_id}/notes", {"text": CASE_NOTE, "written_on": "2026-11-04"}),
              200)
    case = worker.ok(worker.get("casework", f"/cases/{case_id}"), 200)
    assert case["person"]["pesel"] == pesel_for(NUMBER) and DIAGNOSIS in str(case)  # the service reads it
    desk = centre.desk  # the lists, read, fill the read models' tables
    found = desk.ok(desk.post("intake", "/persons/search", {"name": "przybysz"}), 200)["persons"]
    assert [p["full_name"] for p in found] == [NAME]
    routings = desk.ok(desk.get("intake", "/routed-cases"), 200)["routings"]
    assert [(r["full_name"], r["reason"]) for r in routings] == [(NAME, REASON)]
    assert [c["full_name"] for c in centre.open_cases()] == [NAME]
    assert "Tomasz Nowicki" in str(leader.ok(leader.get("casework", "/workload"), 200))

    for service in ("intake", "casework"):
        taken = stolen(centre.database_urls[service])
        assert all(row_count(centre.database_urls[service], table) for table in VIEW_TABLES[service])
        for secret in (NAME, "Przybyszewska", "przybyszewska", pesel_for(NUMBER), INTAKE_NOTE, DIAGNOSIS, CASE_NOTE,
                       REASON):
            assert secret.encode() not in taken, (service, secret)
        key_file = store_key_path(centre.data_dir / "secrets", service)
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
