"""Every password and store key of a compose deployment, one file each, made once (random,
readable by the owner only) and kept as they are afterwards:

    python -m deploy.secrets --out deploy/secrets

`postgres.password` (the database server's superuser), `db-<service>.password` (each service's
own database role), `db-<service>-owner.password` (the role owning its database, which its
migration logs in as: deploy/migrate.py), `broker-<account>.password` (each service's broker
account and the operator's), `store-<service>.key` (each service's store key ring,
docs/architecture.md, "Encrypted at rest"), and `rabbitmq.erlang-cookie` (the secret the nodes
of a broker cluster share, compose.cluster.yaml). compose.yaml hands each service only its own
three as files (`secrets:`), and its migration only the owner's password and the store key, so
no password or key sits in the compose file, the environment or `docker inspect`; `python -m
deploy.broker --secrets deploy/secrets` hashes the broker's into its definitions. Back the
folder up with the databases; never commit it.

Compose mounts a file secret with the host file's owner and mode, so run as root the command
hands each file to the containers' users that read it: the services' image user (uid 10001,
deploy/Dockerfile), the database server's (uid/gid 999 in the postgres image), which also
reads each service's database password to create its role, and the broker's (uid/gid 999 in the
rabbitmq image), which reads the cookie. Run otherwise, it prints the
`chown` to run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from deploy.broker import local_passwords
from shared.broker import SERVICES
from shared.keys import new_key_ring, secret


def database_password_file(folder: Path, role: str) -> Path:
    return folder / ("postgres.password" if role == "postgres" else f"db-{role.replace('_', '-')}.password")


def owner_role(service: str) -> str:
    """The role owning the service's database (deploy/postgres/init-databases.sh)."""
    return f"{service}_owner"


def store_key_file(folder: Path, service: str) -> Path:
    return folder / f"store-{service}.key"


SERVICE_UID = 10001  # deploy/Dockerfile's `ops` user
POSTGRES_UID = POSTGRES_GID = 999  # the postgres image's `postgres` user
RABBITMQ_UID = RABBITMQ_GID = 999  # the rabbitmq image's `rabbitmq` user


def erlang_cookie_file(folder: Path) -> Path:
    return folder / "rabbitmq.erlang-cookie"


def owners(folder: Path) -> dict[Path, tuple[int, int, int]]:
    """Each file's (uid, gid, mode) for the containers that read it."""
    handed = {database_password_file(folder, "postgres"): (POSTGRES_UID, POSTGRES_GID, 0o600)}
    for service in SERVICES:
        handed[database_password_file(folder, service)] = (SERVICE_UID, POSTGRES_GID, 0o640)
        handed[database_password_file(folder, owner_role(service))] = (SERVICE_UID, POSTGRES_GID, 0o640)
        handed[folder / f"broker-{service}.password"] = (SERVICE_UID, SERVICE_UID, 0o600)
        handed[store_key_file(folder, service)] = (SERVICE_UID, SERVICE_UID, 0o600)
    handed[erlang_cookie_file(folder)] = (RABBITMQ_UID, RABBITMQ_GID, 0o400)  # Erlang refuses a readable one
    return handed


def make(folder: Path) -> list[Path]:
    """The deployment's password and store key files in `folder`, made where missing; the files, not
    what they hold."""
    for role in ("postgres", *SERVICES, *map(owner_role, SERVICES)):
        secret(database_password_file(folder, role))
    local_passwords(folder)
    for service in SERVICES:
        if not store_key_file(folder, service).exists():
            new_key_ring(store_key_file(folder, service))
    secret(erlang_cookie_file(folder))
    return sorted([*folder.glob("*.password"), *folder.glob("store-*.key"), erlang_cookie_file(folder)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.secrets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("deploy/secrets"))
    args = parser.parse_args(argv)
    files = make(args.out)
    print(f"{len(files)} password and key files in {args.out}/ (kept if they were there already)")
    for path, (uid, gid, mode) in owners(args.out).items():
        if os.geteuid() == 0:
            os.chown(path, uid, gid)
            os.chmod(path, mode)
        else:
            print(f"chown {uid}:{gid} {path} && chmod {mode:o} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
