"""Throw-away broker virtual hosts and PostgreSQL databases on this machine's servers."""

import os
import subprocess
import uuid

import psycopg2

BROKER_HOST = os.environ.get("OPS_TEST_BROKER", "127.0.0.1:5672")
POSTGRES_DSN = os.environ.get("OPS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def new_vhost() -> str:
    """A fresh RabbitMQ virtual host on the machine's broker, open to guest."""
    vhost = f"ops-test-{uuid.uuid4().hex[:10]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    return vhost


def amqp_uri_for(vhost: str) -> str:
    return f"pyamqp://guest:guest@{BROKER_HOST}/{vhost}"


def delete_vhost(vhost: str) -> None:
    _rabbitmqctl("delete_vhost", vhost)


def new_postgres_database():
    name = f"ops_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES_DSN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg2://", 1)
    return admin, name, f"{base}/{name}"


def drop_postgres_database(admin, name):
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
