"""The database over TLS, as compose runs it: a PostgreSQL server of its own (the same
pg_hba.conf and settings as deploy/compose.yaml's) that refuses connections without TLS, and a
service's store that reaches it only when it verifies the server against the deployment's CA
(libpq's PGSSLMODE=verify-full, PGSSLROOTCERT)."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from deploy import certs
from services.training.application import TrainingApplication
from tests.support.centre import free_port

pytestmark = [pytest.mark.slow]

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def tls_postgres():
    """A throwaway server on a free port with the deployment's certificate for 127.0.0.1."""
    binaries = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="ops-pg-tls-"))
    certs.make(folder / "certs", ["postgres"])
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for path in (folder / "certs").iterdir():
            shutil.chown(path, "postgres")
    data, port, password = folder / "data", free_port(), secrets.token_urlsafe(16)
    (folder / "password").write_text(password)
    if os.geteuid() == 0:
        shutil.chown(folder / "password", "postgres")
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth", "trust",
                                 f"--pwfile={folder}/password"]), check=True, capture_output=True, timeout=120)
    options = " ".join(f"-c {setting}" for setting in (
        "ssl=on", f"ssl_cert_file={folder}/certs/postgres.pem", f"ssl_key_file={folder}/certs/postgres.key",
        f"hba_file={DEPLOY}/postgres/pg_hba.conf", "listen_addresses=127.0.0.1", f"port={port}",
        f"unix_socket_directories={folder}"))
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                                 str(folder / "server.log"), "start"]), check=True, capture_output=True, timeout=120)
    try:
        yield (f"postgresql://postgres:{password}@127.0.0.1:{port}/postgres", str(folder / "certs" / "ca.pem"),
               folder / "server.log")
    finally:
        subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_store_reaches_the_database_only_over_verified_tls(tls_postgres, monkeypatch, tmp_path):
    url, ca_file, server_log = tls_postgres

    monkeypatch.setenv("PGSSLMODE", "disable")  # plain: pg_hba.conf's hostnossl line rejects it
    with pytest.raises(Exception):
        TrainingApplication(url)
    assert "no encryption" in server_log.read_text()  # the server's own reason (the pool says only "no connection")

    other_ca = tmp_path / "other"
    certs.make(other_ca, [])
    monkeypatch.setenv("PGSSLMODE", "verify-full")  # TLS to a server the deployment's CA did not sign: refused
    monkeypatch.setenv("PGSSLROOTCERT", str(other_ca / "ca.pem"))
    with pytest.raises(Exception):
        TrainingApplication(url)
    # the client broke the handshake off: the certificate is not the deployment's
    assert "could not accept SSL connection" in server_log.read_text()

    monkeypatch.setenv("PGSSLROOTCERT", ca_file)  # as compose sets it for every service
    store = TrainingApplication(url)
    try:
        employee_id = store.register_employee(name="Anna Kos", team="casework", role="social_worker", fte="1",
                                              joined_on="2026-01-01")
        assert [e.id for e in store.employees()] == [employee_id]
    finally:
        store.close()


def test_compose_runs_the_database_with_tls_only_and_every_service_verifies_it():
    import yaml

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    postgres = compose["services"]["postgres"]
    assert {"-c", "ssl=on"} <= set(postgres["command"])
    assert "hba_file=/etc/ops/pg_hba.conf" in postgres["command"]
    assert "./postgres/pg_hba.conf:/etc/ops/pg_hba.conf:ro" in postgres["volumes"]
    for service in ("intake", "casework", "decisions", "care", "training", "gateway"):
        env = compose["services"][service]["environment"]
        assert (env["PGSSLMODE"], env["PGSSLROOTCERT"]) == ("verify-full", "/etc/ops/certs/ca.pem"), service
