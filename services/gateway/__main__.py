"""The gateway's commands for the operator, run beside (or before) the gateway, on its store:

    python -m services.gateway create-admin --login admin        (asks for the password)
    python -m services.gateway create-account --login ewa.lis --name "Ewa Lis" \\
        --role social_work_team_leader --team casework --password-file FILE
    python -m services.gateway keys [--secrets DIR] [--rotate]

The store is GATEWAY_DATABASE_URL (its password from the file OPS_DATABASE_PASSWORD_FILE names,
as in compose), or a SQLite file in OPS_DATA_DIR (`var/` by default), encrypted with the key ring
OPS_STORE_KEY_FILE names (or OPS_DATA_DIR/secrets/gateway-store.key); its keys are in its
secrets folder (`--secrets`, or OPS_DATA_DIR/secrets). `keys` makes what the gateway needs
there if missing: its signing key, the public keys file the services read
(`gateway-public-keys.pem`) and the key of its sign-in cookies. `keys --rotate` makes a new
signing key and keeps the old public key beside the new one, so the services accept both
until the old tokens expire (they re-read the file every minute); restart the gateway (or its
instances one by one) to sign with the new key.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from services.gateway.application import GatewayApplication
from services.gateway.service import COOKIE_KEY
from shared.identity import PUBLIC_KEYS, rotate_signing_key, signing_key
from shared.credentials import with_password_file
from shared.keys import secret
from shared.roles import OPERATOR, ROLES
from shared.store import database_url


def _app() -> GatewayApplication:
    data_dir = os.environ.get("OPS_DATA_DIR") or "var"
    url = with_password_file("GATEWAY_DATABASE_URL", database_url("gateway", os.environ.get("GATEWAY_DATABASE_URL"),
                                                                  data_dir), os.environ.get("OPS_DATABASE_PASSWORD_FILE"))
    return GatewayApplication(url, secrets_dir=Path(data_dir) / "secrets",
                              store_key_file=os.environ.get("OPS_STORE_KEY_FILE") or None)


def _password(args) -> str:
    if args.password_file:
        return Path(args.password_file).read_text().strip()
    first = getpass.getpass("password (at least 12 characters): ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("the passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.gateway", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="the first administrator (role: operator)")
    account = commands.add_parser("create-account", help="an account with a password")
    for sub in (admin, account):
        sub.add_argument("--login", required=True)
        sub.add_argument("--name")
        sub.add_argument("--password-file", help="read the password from this file instead of asking")
    account.add_argument("--role", action="append", dest="roles", required=True, choices=sorted(ROLES))
    account.add_argument("--team")
    keys = commands.add_parser("keys", help="the gateway's keys: made if missing, or rotated")
    keys.add_argument("--secrets", type=Path, help="default: OPS_DATA_DIR/secrets")
    keys.add_argument("--rotate", action="store_true", help="a new signing key; the old one stays trusted a while")
    args = parser.parse_args(argv)
    if args.command == "keys":
        folder = args.secrets or Path(os.environ.get("OPS_DATA_DIR") or "var") / "secrets"
        (rotate_signing_key if args.rotate else signing_key)(folder)
        secret(folder / COOKIE_KEY)
        print(f"the gateway's keys are in {folder}; give the services {folder / PUBLIC_KEYS} only")
        return 0
    app = _app()
    try:
        roles = [OPERATOR] if args.command == "create-admin" else args.roles
        team = None if args.command == "create-admin" else args.team
        try:
            made = app.open_account(args.login, args.name or args.login, roles, team, _password(args),
                                    by="command line")
        except (ValueError, LookupError) as error:
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            return 2
        print(f"account {args.login} ({', '.join(roles)}) opened: {made}")
        return 0
    finally:
        app.close()


if __name__ == "__main__":
    sys.exit(main())
