import os
from pathlib import Path

import eventlet
import pytest

from tests.support.infra import (
    drop_postgres_database,
    new_deployment,
    new_postgres_database,
)


# The browser tests run in a pass of their own (`make test` runs both): Playwright's sync API
# hangs at random beside eventlet's patched standard library (tests/support/green.py patches it
# first thing in the other pass), and nameko's tests hang without it.
BROWSER_PASS = os.environ.get("OPS_BROWSER_PASS") == "1"
BROWSER_TESTS = Path(__file__).resolve().parent / "tests" / "browser"


def pytest_ignore_collect(collection_path, config):
    inside = collection_path == BROWSER_TESTS or BROWSER_TESTS in collection_path.parents
    if BROWSER_PASS:
        return not (inside or collection_path in BROWSER_TESTS.parents)
    return inside or None


def pytest_report_header(config):
    return ("browser pass: only tests/browser, without eventlet" if BROWSER_PASS else
            "tests/browser runs in its own pass: OPS_BROWSER_PASS=1 pytest tests/browser (make test runs both)")


@pytest.fixture
def broker():
    """The deployment's broker definitions (accounts, permissions, topology) in a fresh virtual
    host of the machine's broker; `broker.uri("casework")` is casework's own account."""
    deployment = new_deployment()
    yield deployment
    deployment.remove()


@pytest.fixture
def running():
    """Runs relays and consumers in green threads; stops them after the test."""
    workers = []

    def run(worker):
        workers.append((worker, eventlet.spawn(worker.run)))
        return worker

    yield run
    for worker, _ in workers:
        worker.stop()
    for _, thread in workers:
        thread.wait()


@pytest.fixture
def make_database_url(request, tmp_path):
    """Makes empty databases of the backend the test is parametrised with ('sqlite' or 'postgres')."""
    backend = getattr(request, "param", "sqlite")
    made = []

    def make(service: str) -> str:
        if backend == "postgres":
            admin, name, url = new_postgres_database()
            made.append((admin, name))
            return url
        return f"sqlite:///{tmp_path / service}.sqlite"

    yield make
    for admin, name in made:
        drop_postgres_database(admin, name)


BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


def pytest_generate_tests(metafunc):
    # Every test that stores events runs against both stores.
    if "make_database_url" in metafunc.fixturenames and "backend" not in metafunc.fixturenames:
        # What does not depend on the store (signing in, the role walk) runs on SQLite only.
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("make_database_url", BACKENDS[:1] if only_sqlite else BACKENDS, indirect=True)


@pytest.fixture
def centre(broker, make_database_url, tmp_path):
    """The services as separate `nameko run` processes on this machine's broker."""
    from tests.support.centre import Centre

    made = Centre(
        broker=broker,
        data_dir=tmp_path / "var",
        database_urls={s: make_database_url(s) for s in ("intake", "casework", "decisions", "care", "training",
                                                         "gateway")},
    )
    yield made
    made.stop()
