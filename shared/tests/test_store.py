"""The service store on SQLite and PostgreSQL: eventsourcing's own recorder test cases,
then the outbox and tracking behaviour the backbone relies on."""

import uuid
from datetime import datetime, timezone

import eventlet
import psycopg2
import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    ProcessRecorderTestCase,
)

from shared.contracts import ContractViolation
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED
from shared.store import (
    INTEGRATION_TOPIC,
    RELAY_POSITION,
    EarlierVersion,
    IntegrationEvent,
    ServiceApplication,
    StoreNotFound,
    UnsupportedDatabaseURL,
    database_url,
    recorder_settings,
)
from tests.support.infra import drop_postgres_database, new_postgres_database


class Register(Aggregate):
    @event("Registered")
    def __init__(self, name: str):
        self.name = name


class IntakeLikeApplication(ServiceApplication):
    service = "intake"

    def register(self, name: str) -> uuid.UUID:
        entry = Register(name)
        published = self.integration_event(
            CLIENT_REGISTERED, {"person_id": str(entry.id), "registered_on": "2026-11-02"}
        )
        self.save(entry, published)
        return entry.id


class _ServiceStore:
    """Runs eventsourcing's recorder test cases against the recorder our services use."""

    backend = "sqlite"

    @pytest.fixture(autouse=True)
    def _database(self, tmp_path):
        if self.backend == "postgres":
            admin, name, self.url = new_postgres_database()
            yield
            self._app.close()
            drop_postgres_database(admin, name)
        else:
            self.url = f"sqlite:///{tmp_path}/store.sqlite"
            yield

    def create_recorder(self):
        self._app = IntakeLikeApplication(self.url)
        return self._app.recorder

    # Timings belong in benchmarks, not in the suite.
    test_performance = None
    test_concurrent_throughput = None


class TestSQLiteProcessRecorder(_ServiceStore, ProcessRecorderTestCase):
    pass


@pytest.mark.postgres
class TestPostgresProcessRecorder(_ServiceStore, ProcessRecorderTestCase):
    backend = "postgres"


@pytest.mark.postgres
class TestPostgresApplicationRecorder(_ServiceStore, ApplicationRecorderTestCase):
    backend = "postgres"


@pytest.fixture
def app(make_database_url):
    application = IntakeLikeApplication(make_database_url("intake"))
    yield application
    application.close()


def test_a_command_and_its_integration_event_are_one_transaction(app):
    person = app.register("Anna Nowak")
    notifications = app.recorder.select_notifications(start=None, limit=10)
    assert [n.topic for n in notifications][-1] == INTEGRATION_TOPIC
    envelopes, read_up_to = app.integration_envelopes(after=0, limit=10)
    assert [e.data["person_id"] for e in envelopes] == [str(person)]
    assert read_up_to == notifications[-1].id


def test_data_outside_its_contract_is_never_stored(app):
    before = app.recorder.max_notification_id()
    with pytest.raises(ContractViolation):
        app.integration_event(CLIENT_REGISTERED, {"person_id": str(uuid.uuid4()), "registered_on": "today"})
    assert app.recorder.max_notification_id() == before


def test_a_service_cannot_publish_another_services_contract(make_database_url):
    class Casework(IntakeLikeApplication):
        service = "casework"

    other = Casework(make_database_url("casework"))
    try:
        with pytest.raises(ValueError, match="cannot publish"):
            other.integration_event(CLIENT_REGISTERED, {"person_id": str(uuid.uuid4()), "registered_on": "2026-11-02"})
    finally:
        other.close()


def test_the_log_is_read_by_type_a_page_at_a_time(app):
    ids = [app.register(f"person {i}") for i in range(5)]
    everything, read_up_to = app.integration_envelopes(after=0, limit=100)
    assert [e.data["person_id"] for e in everything] == [str(i) for i in ids]
    assert read_up_to == everything[-1].notification_id
    none_of_them, read_up_to = app.integration_envelopes(after=0, limit=100, types=[CASE_ROUTED["casework"].type])
    assert none_of_them == [] and read_up_to == everything[-1].notification_id  # read past, all the same
    first_page, read_up_to = app.integration_envelopes(after=0, limit=2)
    assert len(first_page) == 2 and read_up_to == first_page[-1].notification_id
    rest, _ = app.integration_envelopes(after=read_up_to, limit=100)
    assert first_page + rest == everything


def test_the_log_is_read_by_topic_through_an_index_not_a_scan_from_the_position(app):
    """The relay's poll, a view's catch-up and the access log read one topic from a position; the
    other topics' events after it (a worklist's reads, say) must not be scanned on every poll."""
    table = app.recorder.events_table_name
    with app.recorder.datastore.transaction(commit=False) as cursor:
        if app.recorder.datastore.__class__.__name__.startswith("SQLite"):
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT rowid, * FROM {table} WHERE rowid>? AND topic IN (?) "
                           f"ORDER BY rowid LIMIT ?", (0, INTEGRATION_TOPIC, 100))  # eventsourcing's statement
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert f"USING INDEX {table}_topic (topic=? AND rowid>?)" in plan, plan
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", (table,))
            assert any("(topic, notification_id)" in row["indexdef"] for row in cursor.fetchall())


def test_an_event_stored_as_an_earlier_version_stays_so_and_is_read_as_the_current_one(make_database_url):
    """Care's outbox holds CareHoursDelivered v1 events from before v2: the store keeps them as they
    were published; the relay and the log read them as v2 (with the readers' filter by type)."""
    from shared.contracts.care import CARE_HOURS_DELIVERED

    class Care(ServiceApplication):
        service = "care"

    care = Care(make_database_url("care"))
    try:
        v1 = {"carer": "Halina Kot", "hours": 2, "delivered_on": "2026-03-02"}
        with pytest.raises(EarlierVersion, match="publish pl.ops.care.CareHoursDelivered.v2"):
            care.integration_event(CARE_HOURS_DELIVERED.earlier[0], v1)
        # As the previous version stored it.
        care.save(IntegrationEvent(originator_id=uuid.uuid4(), originator_version=1,
                                   timestamp=datetime.now(timezone.utc), type=CARE_HOURS_DELIVERED.earlier[0].type,
                                   subject="", data=v1))
        care.save(care.integration_event(CARE_HOURS_DELIVERED, {**v1, "kind": "uslugi_opiekuncze"}))
        stored = [care.mapper.to_domain_event(n) for n in care.recorder.select_notifications(start=None, limit=10)]
        assert [e.type for e in stored] == list(CARE_HOURS_DELIVERED.types)
        assert stored[0].data == v1  # never rewritten
        for envelopes, _ in (care.integration_envelopes(after=0, limit=10),
                             care.log_for("training", after=0, limit=10)):
            assert [e.type for e in envelopes] == [CARE_HOURS_DELIVERED.type] * 2
            assert [e.data["kind"] for e in envelopes] == [None, "uslugi_opiekuncze"]
    finally:
        care.close()


def test_positions_only_move_forward(app):
    assert app.position(RELAY_POSITION) == 0
    app.record_position(RELAY_POSITION, 7)
    app.record_position(RELAY_POSITION, 3)
    assert app.position(RELAY_POSITION) == 7
    assert app.position("casework") == 0


def test_a_service_gets_a_sqlite_file_of_its_own_by_default(tmp_path):
    url = database_url("intake", None, tmp_path / "data")
    assert url == f"sqlite:///{tmp_path}/data/intake.sqlite"
    assert database_url("intake", "postgresql://intake@db/intake") == "postgresql://intake@db/intake"


def test_the_relay_never_gets_an_event_it_could_not_publish(app, monkeypatch):
    from shared.envelope import Envelope

    def broken(self):
        raise ValueError("not a CloudEvent")

    monkeypatch.setattr(Envelope, "to_bytes", broken)
    before = app.recorder.max_notification_id()
    with pytest.raises(ValueError, match="not a CloudEvent"):
        app.integration_event(CLIENT_REGISTERED, {"person_id": str(uuid.uuid4()), "registered_on": "2026-11-02"})
    assert app.recorder.max_notification_id() == before


def test_a_rolled_back_transaction_leaves_no_gap_in_the_log(app):
    """A gap in a log is an event missing from it (shared/audit.py): a conflicting insert, rolled
    back, must not use up a notification id, on PostgreSQL either (shared/postgres.py)."""
    person = app.register("Anna Nowak")
    with pytest.raises(IntegrityError):
        app.recorder.insert_events(app.recorder.select_events(person, limit=1))
    app.register("Jan Wiśniewski")
    ids = [n.id for n in app.recorder.select_notifications(start=None, limit=100)]
    assert ids == list(range(1, len(ids) + 1)) and len(ids) == 4


def test_an_acknowledged_command_survives_a_power_loss_on_sqlite(tmp_path):
    """WAL with synchronous FULL: every commit syncs the log before it returns."""
    application = IntakeLikeApplication(f"sqlite:///{tmp_path}/store.sqlite")
    try:
        application.register("Anna Nowak")
        with application.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
        assert (journal, synchronous) == ("wal", 2)  # 2: FULL
    finally:
        application.close()


def test_a_tool_reading_a_store_never_makes_one(make_database_url, tmp_path):
    mistyped = tmp_path / "intkae.sqlite"
    with pytest.raises(StoreNotFound, match="no store of intake at that database URL"):
        IntakeLikeApplication(f"sqlite:///{mistyped}", existing=True)
    assert not mistyped.exists()
    empty = make_database_url("empty")  # a database, but not a store
    with pytest.raises(StoreNotFound):
        IntakeLikeApplication(empty, existing=True)
    made = IntakeLikeApplication(empty)
    made.register("Anna Nowak")
    made.close()
    opened = IntakeLikeApplication(empty, existing=True)
    try:
        assert opened.recorder.max_notification_id() == 2
    finally:
        opened.close()


def test_the_database_url_is_the_store_s_one_setting():
    settings = recorder_settings("postgresql+psycopg2://care:demo-has%C5%82o@db.internal:6432/care")
    assert settings["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (settings["POSTGRES_USER"], settings["POSTGRES_PASSWORD"], settings["POSTGRES_HOST"],
            settings["POSTGRES_PORT"], settings["POSTGRES_DBNAME"]) == ("care", "demo-hasło", "db.internal", "6432",
                                                                        "care")
    assert recorder_settings("sqlite:///var/care.sqlite")["SQLITE_DBNAME"] == "file:var/care.sqlite"
    for wrong in ("mysql://care:s3cret@db/care", "postgresql://care:s3cret@db/care?sslmode=disable", "care.sqlite"):
        with pytest.raises(UnsupportedDatabaseURL) as refused:
            recorder_settings(wrong)
        assert "s3cret" not in str(refused.value)


@pytest.mark.postgres
def test_a_postgresql_query_lets_the_other_green_threads_run():
    """Under eventlet, as the services run, psycopg 3 waits with select() (shared/store.py)."""
    admin, name, url = new_postgres_database()
    application = IntakeLikeApplication(url)
    ticks = 0

    def tick():
        nonlocal ticks
        while True:
            eventlet.sleep(0.01)
            ticks += 1

    ticker = eventlet.spawn(tick)
    try:
        with application.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")
        assert ticks >= 20
    finally:
        ticker.kill()
        application.close()
        drop_postgres_database(admin, name)


def _previous_recorder_store(url: str, rows: list, positions: dict) -> None:
    """A store as eventsourcing-sqlalchemy left it: its tables, named after the application class."""
    if url.startswith("sqlite:///"):
        import sqlite3
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        blob = lambda originator_id: originator_id.bytes  # noqa: E731
        mark = "?"
    else:
        connection = psycopg2.connect(url)
        blob = str
        mark = "%s"
    with connection:
        cursor = connection.cursor()
        uuid_type, serial = ("BINARY(16)", "INTEGER") if mark == "?" else ("uuid", "bigserial")
        cursor.execute(f"CREATE TABLE intakelikeapplication_events (id {serial} PRIMARY KEY, originator_id {uuid_type} "
                       "NOT NULL, originator_version INTEGER NOT NULL, topic TEXT NOT NULL, state "
                       f"{'BLOB' if mark == '?' else 'bytea'} NOT NULL)")
        cursor.execute("CREATE TABLE intakelikeapplication_tracking (application_name VARCHAR(32) PRIMARY KEY, "
                       "notification_id INTEGER)")
        for n in rows:
            cursor.execute(f"INSERT INTO intakelikeapplication_events VALUES ({', '.join([mark] * 5)})",
                           (n.id, blob(n.originator_id), n.originator_version, n.topic, n.state))
        for name, position in positions.items():
            cursor.execute(f"INSERT INTO intakelikeapplication_tracking VALUES ({mark}, {mark})", (name, position))
    connection.close()


def test_a_store_the_previous_recorder_wrote_is_taken_over_with_its_ids_and_positions(app, make_database_url):
    person = app.register("Anna Nowak")
    app.register("Jan Wiśniewski")
    written = app.recorder.select_notifications(start=None, limit=100)
    url = make_database_url("previous")
    _previous_recorder_store(url, written, {RELAY_POSITION: 2, "casework": 7})
    reopened = IntakeLikeApplication(url)
    try:
        assert reopened.recorder.select_notifications(start=None, limit=100) == written
        assert reopened.repository.get(person).name == "Anna Nowak"
        assert (reopened.position(RELAY_POSITION), reopened.position("casework")) == (2, 7)
        reopened.register("Ewa Zielińska")
        assert reopened.recorder.max_notification_id() == len(written) + 2
    finally:
        reopened.close()
    again = IntakeLikeApplication(url)  # taken over once: nothing copied twice
    try:
        assert again.recorder.max_notification_id() == len(written) + 2
    finally:
        again.close()
