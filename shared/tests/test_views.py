"""A read model's view on SQLite and PostgreSQL: eventsourcing's own tracking recorder test case,
then the rows and their position written together, and paging's named errors."""

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.tests.persistence import TrackingRecorderTestCase

from shared.tests.test_store import IntakeLikeApplication, _ServiceStore
from shared.views import PageLimitOutOfRange, UnknownCursor, cursor, key_after, page_limit, view_recorder

TABLES = ("CREATE TABLE IF NOT EXISTS names (id TEXT PRIMARY KEY, name TEXT NOT NULL)",)


class _ViewStore(_ServiceStore):
    """The view a read model gets: on the service store's database, beside its events."""

    def create_recorder(self):
        return view_recorder(super().create_recorder(), TABLES, "intake", "1")


class TestSQLiteTableView(_ViewStore, TrackingRecorderTestCase):
    pass


@pytest.mark.postgres
class TestPostgresTableView(_ViewStore, TrackingRecorderTestCase):
    backend = "postgres"


@pytest.fixture
def view(make_database_url):
    app = IntakeLikeApplication(make_database_url("intake"))
    yield view_recorder(app.recorder, TABLES, "intake", "1")
    app.close()


def test_a_view_of_another_version_is_dropped_with_its_position_once(make_database_url):
    app = IntakeLikeApplication(make_database_url("intake"))
    old = view_recorder(app.recorder, TABLES, "intake", "1")
    old.record([("INSERT INTO names (id, name) VALUES (:id, :name)", {"id": "1", "name": "Anna"})],
               Tracking("intake", 5))
    app.record_position("casework", 7)  # an upstream's position, beside the view's, stays
    new = view_recorder(app.recorder, TABLES, "intake", "2")
    assert new.rows("SELECT id FROM names") == [] and new.max_tracking_id("intake") is None
    assert new.max_tracking_id("casework") == 7
    new.record([("INSERT INTO names (id, name) VALUES (:id, :name)", {"id": "2", "name": "Jan"})],
               Tracking("intake", 5))
    again = view_recorder(app.recorder, TABLES, "intake", "2")  # the same version: kept as it is
    assert again.rows("SELECT id FROM names") == [{"id": "2"}] and again.max_tracking_id("intake") == 5
    app.close()


def test_rows_and_their_position_are_one_transaction(view):
    view.record([("INSERT INTO names (id, name) VALUES (:id, :name)", {"id": "1", "name": "Anna"})],
                Tracking("intake", 5))
    with pytest.raises(IntegrityError):  # a position not past the recorded one: nothing changes
        view.record([("INSERT INTO names (id, name) VALUES (:id, :name)", {"id": "2", "name": "Jan"})],
                    Tracking("intake", 5))
    assert view.rows("SELECT id, name FROM names") == [{"id": "1", "name": "Anna"}]
    assert view.max_tracking_id("intake") == 5


def test_a_page_s_limit_and_cursor_are_checked():
    assert page_limit(None) == 50 and page_limit(200) == 200
    for wrong in (0, 201, -1, "10", True):
        with pytest.raises(PageLimitOutOfRange):
            page_limit(wrong)
    assert key_after(cursor([0, "2026-11-02", "abc"]), 3) == [0, "2026-11-02", "abc"]
    for wrong in ("not-a-cursor", cursor([1]), cursor([[1], "x", "y"]), "", "%%%"):
        with pytest.raises(UnknownCursor):
            key_after(wrong, 3)
