"""On PostgreSQL the service's role may only INSERT and SELECT on its events and chain tables
(docs/architecture.md, "Tamper-evident"): the database and the tables belong to an owner role,
which makes them (python -m deploy.migrate); the service, logged in as its own role, still
registers, reads, searches, erases and numbers its events without gaps, but PostgreSQL refuses
it an UPDATE, DELETE, TRUNCATE, ALTER or DROP of its log. Before this, each service's role owned
its database (the control test below is that set-up: the same UPDATE goes through)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from psycopg.sql import SQL, Identifier

from deploy import migrate
from services.intake.application import IntakeApplication
from shared import chain
from tests.support.infra import POSTGRES_DSN
from tests.support.people import pesel_for

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
INIT = ROOT / "deploy" / "postgres" / "init-databases.sh"
LOG = ("intake_events", "intake_events_chain")


def server_url(role: str, database: str) -> str:
    host = POSTGRES_DSN.rsplit("@", 1)[1].rsplit("/", 1)[0]
    return f"postgresql://{role}@{host}/{database}"


@pytest.fixture
def roles():
    """A database and its two roles made by init-databases.sh's own SQL (names of the test's own),
    then dropped: {"owner": URL, "service": URL}."""
    tag = uuid.uuid4().hex[:10]
    database, owner, role = f"ops_test_{tag}", f"ops_test_{tag}_owner", f"ops_test_{tag}_intake"
    script = re.search(r"<<'SQL'\n(.*?)\nSQL\n", INIT.read_text(), re.S).group(1)
    variables = {"database": database, "role": role, "password": uuid.uuid4().hex, "owner": owner,
                 "owner_password": uuid.uuid4().hex}
    subprocess.run(["psql", POSTGRES_DSN, "-q", "-v", "ON_ERROR_STOP=1",
                    *[f"-v{name}={value}" for name, value in variables.items()]],
                   input=script, text=True, check=True, capture_output=True, timeout=60)
    yield {"owner": server_url(owner, database), "service": server_url(role, database)}
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        admin.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(database)))
        for name in (role, owner):
            admin.execute(SQL("DROP ROLE IF EXISTS {}").format(Identifier(name)))


@pytest.fixture
def migrated(roles, tmp_path, capsys):
    role = roles["service"].split("//")[1].split("@")[0]
    assert migrate.main(["intake", "--database-url", roles["owner"], "--grant-to", role,
                         "--secrets", str(tmp_path / "secrets")]) == 0
    assert "intake_events: SELECT, INSERT to" in capsys.readouterr().out
    with psycopg.connect(roles["owner"]) as db:
        granted = {(table, privilege): db.execute("SELECT has_table_privilege(%s, %s, %s)",
                                                  (role, table, privilege)).fetchone()[0]
                   for table in (*LOG, "intake_person_keys", "intake_tracking", "intake_persons")
                   for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")}
    assert {key for key, held in granted.items() if held} == {
        (table, privilege) for table in (*LOG, "intake_person_keys", "intake_tracking", "intake_persons")
        for privilege in (("SELECT", "INSERT") if table in LOG else ("SELECT", "INSERT", "UPDATE", "DELETE"))}
    return roles


def as_service(url: str, statement: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(statement)


def register(app: IntakeApplication, first: int, count: int) -> list:
    return [app.register_person(registered_on=date(2026, 11, 2), name=f"Osoba {n}", pesel=pesel_for(n))[0]
            for n in range(first, first + count)]


def test_the_service_s_role_runs_the_service_but_cannot_change_its_log(migrated, tmp_path):
    app = IntakeApplication(migrated["service"], secrets_dir=tmp_path / "secrets")
    try:
        people = register(app, 1, 3)
        found, _ = app.find_by_name("Osoba")  # the read model's tables: written and read
        assert {person.id for person in found} == set(people)
        app.erase(people[0], ground="okres przechowywania minął", erased_on=date(2033, 1, 1), erased_by="test")
        assert app.erased(people[0]) and not app.erased(people[1])  # the key table: updated
        assert chain.verify(app.recorder).events == app.recorder.max_notification_id()
    finally:
        app.close()
    for table in LOG:
        for attack in (f"UPDATE {table} SET notification_id = notification_id + 100",
                       f"DELETE FROM {table} WHERE notification_id = 1",
                       f"TRUNCATE {table}"):
            with pytest.raises(errors.InsufficientPrivilege):
                as_service(migrated["service"], attack)
        for attack in (f"ALTER TABLE {table} DISABLE TRIGGER ALL", f"DROP TABLE {table}"):
            with pytest.raises(errors.InsufficientPrivilege):  # "must be owner of table"
                as_service(migrated["service"], attack)
    with pytest.raises(errors.InsufficientPrivilege):  # nor a table of its own to copy the log into
        as_service(migrated["service"], "CREATE TABLE copy (id bigint)")
    # Opened again, it makes nothing, and needs to make nothing.
    IntakeApplication(migrated["service"], secrets_dir=tmp_path / "secrets").close()


def test_two_writers_as_the_service_s_role_number_without_gaps_and_chain_unbroken(migrated, tmp_path):
    apps = [IntakeApplication(migrated["service"], secrets_dir=tmp_path / "secrets") for _ in range(2)]
    failures = []

    def write(app, first):
        try:
            register(app, first, 15)
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    threads = [threading.Thread(target=write, args=(app, 1 + 100 * n)) for n, app in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert not failures
        ids = [n.id for n in apps[0].recorder.select_notifications(start=None, limit=1000)]
        assert ids == list(range(1, len(ids) + 1)) and len(ids) >= 2 * 15 * 2
    finally:
        for app in apps:
            app.close()
    verified = subprocess.run([sys.executable, "-m", "shared.audit", "verify", "--database-url", migrated["service"]],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_service_role_without_the_migration_is_told_to_run_it(roles, tmp_path):
    from shared.postgres import StoreNotMigrated

    with pytest.raises(StoreNotMigrated, match="deploy.migrate"):
        IntakeApplication(roles["service"], secrets_dir=tmp_path / "secrets")


def test_control_a_role_that_owns_its_database_as_before_can_rewrite_its_log(roles, tmp_path):
    """The set-up before the owner role: the service's role made, so owned, its tables."""
    app = IntakeApplication(roles["owner"], secrets_dir=tmp_path / "secrets")
    try:
        register(app, 1, 1)
    finally:
        app.close()
    as_service(roles["owner"], "UPDATE intake_events SET notification_id = notification_id + 100")
    as_service(roles["owner"], "DELETE FROM intake_events_chain")
