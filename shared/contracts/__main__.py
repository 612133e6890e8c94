"""Lists the integration-event contracts, or writes their JSON schemas for UI clients and auditors.

    python -m shared.contracts                 # type, producer, consumers, fields with data classes
    python -m shared.contracts --schemas DIR   # DIR/<type>.schema.json, one per contract
    python -m shared.contracts --asyncapi      # the AsyncAPI 3.0 document of the events, as JSON
"""

import argparse
import json
import sys
from pathlib import Path

from shared.contracts import REGISTRY, separation_violations
from shared.contracts.asyncapi import asyncapi_document


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.contracts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemas", type=Path, help="write one JSON schema per contract into this folder")
    parser.add_argument("--asyncapi", action="store_true", help="print the AsyncAPI 3.0 document of the events")
    args = parser.parse_args(argv)
    if args.asyncapi:
        print(json.dumps(asyncapi_document(REGISTRY), indent=2, ensure_ascii=False))
        return 0
    if args.schemas:
        args.schemas.mkdir(parents=True, exist_ok=True)
        for contract in REGISTRY:
            path = args.schemas / f"{contract.type}.schema.json"
            path.write_text(json.dumps(contract.schema, indent=2, ensure_ascii=False) + "\n")
            print(path)
        return 0
    for contract in REGISTRY:
        consumers = ", ".join(sorted(contract.consumers)) or "(UI clients and auditors only)"
        print(f"{contract.type}\n  from {contract.producer} to {consumers}\n  {contract.description}")
        for field in contract.fields:
            print(f"    {field.name:<18} {field.data_class.value}")
    violations = separation_violations(REGISTRY)
    for violation in violations:
        print(f"SEPARATION VIOLATED: {violation}", file=sys.stderr)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
