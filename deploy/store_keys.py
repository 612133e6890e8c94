"""A service's store key ring (docs/architecture.md, "Encrypted at rest"), for the operator:

    python -m deploy.store_keys rotate SERVICE --secrets DIR      (the folder's SERVICE-store.key)
    python -m deploy.store_keys rotate SERVICE --key-file FILE    (a key file kept elsewhere,
                                                                   e.g. compose's deploy/secrets/store-SERVICE.key)

`rotate` puts a new key first in the ring: the service encrypts with it once restarted, and
keeps the old keys to read the events written before. Never remove a key from the ring while
events it encrypted are stored. The command prints the file, never a key.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.broker import SERVICES
from shared.keys import StoreKeyMissing, StoreKeyWrong, rotate, store_key_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.store_keys", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rotating = commands.add_parser("rotate", help="a new key encrypts from now on; the old ones still decrypt")
    rotating.add_argument("service", choices=SERVICES)
    where = rotating.add_mutually_exclusive_group(required=True)
    where.add_argument("--secrets", type=Path, help="the service's secrets folder")
    where.add_argument("--key-file", type=Path, help="the service's store key file, if kept elsewhere")
    args = parser.parse_args(argv)
    path = args.key_file or store_key_path(args.secrets, args.service)
    try:
        keys = rotate(path)
    except (StoreKeyMissing, StoreKeyWrong, OSError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(f"{args.service}: a new key is first of {len(keys)} in {path}; restart {args.service} to encrypt with it "
          f"(the old keys still read the events they encrypted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
