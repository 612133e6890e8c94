"""Throw-away broker virtual hosts and PostgreSQL databases on this machine's servers."""

import os
import uuid

import psycopg2

from deploy.broker import SERVICES, LocalDeployment
from shared.broker import OPERATOR, Accounts

BROKER_HOST = os.environ.get("OPS_TEST_BROKER", "127.0.0.1:5672")
POSTGRES_DSN = os.environ.get("OPS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def new_deployment() -> LocalDeployment:
    """The deployment's broker definitions (accounts, permissions, topology) in a fresh virtual
    host of the machine's broker, with accounts of its own: `remove()` it afterwards."""
    vhost = f"ops-test-{uuid.uuid4().hex[:10]}"
    passwords = {account: uuid.uuid4().hex for account in (*SERVICES, OPERATOR)}
    return LocalDeployment(vhost, passwords, Accounts(f"{vhost}."), host=BROKER_HOST).load()


def new_postgres_database():
    name = f"ops_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES_DSN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_DSN.rsplit("/", 1)[0]
    return admin, name, f"{base}/{name}"


def drop_postgres_database(admin, name):
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
