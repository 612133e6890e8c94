"""What a person's own key costs (docs/architecture.md, "Erasure"; prints figures, asserts nothing).

    .venv/bin/python benchmarks/person_keys.py [--ops 1000] [--rounds 3]

An encrypted SQLite store, saving `--ops` new aggregates holding a person's data (one transaction
each, synced WAL) and loading each back: once as an aggregate of no person's file (the store's key
only), once as a person's file (its fields sealed with the person's key as well, a key made at the
first save, read from the key cache at the loads; shared/erasure.py). Medians over `--rounds`, µs
per operation; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsourcing.domain import Aggregate, event  # noqa: E402

from shared.store import ServiceApplication  # noqa: E402


class Plain(Aggregate):
    @event("Registered")
    def __init__(self, name: str, pesel: str, note: str):
        self.name, self.pesel, self.note = name, pesel, note


class Personal(Aggregate):
    PERSONAL = {"Registered": {"name": None, "pesel": None, "note": None}}

    @event("Registered")
    def __init__(self, name: str, pesel: str, note: str):
        self.name, self.pesel, self.note = name, pesel, note

    @property
    def person_id(self) -> uuid.UUID:
        return self.id


class Store(ServiceApplication):
    service = "bench"


def run(folder: Path, kind: type, ops: int) -> tuple[float, float]:
    app = Store(f"sqlite:///{folder}/{kind.__name__}-{uuid.uuid4().hex}.sqlite", secrets_dir=folder / "secrets")
    try:
        made = [kind(f"Osoba {i} Kowalska", "00000000001", "notatka " * 16) for i in range(ops)]
        started = time.perf_counter()
        for aggregate in made:
            app.save(aggregate)
        saved = time.perf_counter()
        for aggregate in made:
            app.repository.get(aggregate.id)
        loaded = time.perf_counter()
        return (saved - started) / ops * 1e6, (loaded - saved) / ops * 1e6
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.rounds):
            for kind, label in ((Plain, "store_key"), (Personal, "person_key")):
                save, load = run(Path(folder), kind, args.ops)
                figures.setdefault(f"{label}_save_us", []).append(save)
                figures.setdefault(f"{label}_load_us", []).append(load)
    result = {k: round(statistics.median(v), 1) for k, v in figures.items()}
    for name, value in result.items():
        print(f"{name:>20}: {value} µs")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
