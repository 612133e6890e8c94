"""`make bench-chain`: what the store's hash chain costs (prints figures; asserts nothing).

    .venv/bin/python benchmarks/store_chain.py [--ops 2000] [--rounds 3] [--events 100000]

1. A save: `--ops` saves of a new aggregate (an encrypted SQLite store, one transaction and synced
   WAL each, as a service saves) with the chain and with the chain's write taken out, in turns;
   the median over `--rounds`, in µs per save.
2. Checking: a SQLite store of `--events` events (random 300-byte states, as encrypted ones look),
   written a thousand a transaction; then, each in a process of its own so its peak memory is its
   own, `shared.chain.verify` of the live store and `shared.audit.verify` of its export, timed,
   with the process's peak RSS; the same for a tenth of the events, to show memory does not grow
   with the log. The last line is one JSON object with the figures.

Figures measured: docs/architecture.md, "Tamper-evident".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsourcing.persistence import StoredEvent  # noqa: E402
from eventsourcing.sqlite import SQLiteProcessRecorder  # noqa: E402

from benchmarks.store_cipher import Registration, Store  # noqa: E402
from shared import sqlite  # noqa: E402


def saves(folder: Path, ops: int, chained: bool) -> float:
    """µs per save of a new aggregate, with the chain written or not."""
    chaining = sqlite.ServiceProcessRecorder._insert_events
    if not chained:  # the recorder as it was before the chain
        sqlite.ServiceProcessRecorder._insert_events = SQLiteProcessRecorder._insert_events
    try:
        app = Store(f"sqlite:///{folder}/store.sqlite", secrets_dir=folder / "secrets")
        try:
            started = time.perf_counter()
            for i in range(ops):
                app.save(Registration(f"Osoba {i} Kowalska", f"{i:011d}", "notatka z pierwszego kontaktu " * 4))
            return (time.perf_counter() - started) * 1e6 / ops
        finally:
            app.close()
    finally:
        sqlite.ServiceProcessRecorder._insert_events = chaining


def build(path: Path, events: int) -> None:
    app = Store(f"sqlite:///{path}")
    try:
        for start in range(0, events, 1000):
            app.recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "bench:Registration.Registered", os.urandom(300))
                                        for _ in range(min(1000, events - start))])
    finally:
        app.close()


def timed(code: str) -> dict:
    """Runs `code` in a process of its own: its seconds and peak RSS (MiB)."""
    done = subprocess.run([sys.executable, "-c", f"""
import json, resource, sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
from shared import audit, chain
from benchmarks.store_cipher import Store
started = time.perf_counter()
{code}
print(json.dumps({{"seconds": time.perf_counter() - started,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def checking(folder: Path, events: int) -> dict:
    path = folder / f"store-{events}.sqlite"
    build(path, events)
    url = f"sqlite:///{path}"
    live = timed(f"app = Store({url!r}, existing=True); head = chain.verify(app.recorder); app.close()")
    out = folder / f"log-{events}.jsonl"
    timed(f"app = Store({url!r}, existing=True); audit.export(app, {str(out)!r}); app.close()")
    file = timed(f"audit.verify({str(out)!r}, keep_events=False)")
    return {f"store_{events}_per_s": round(events / live["seconds"]), f"store_{events}_rss_mib": round(
        live["peak_rss_mib"], 1), f"file_{events}_per_s": round(events / file["seconds"]),
        f"file_{events}_rss_mib": round(file["peak_rss_mib"], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    runs: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.rounds):
        for chained in (False, True):  # in turns, so the machine's other load falls on both alike
            with tempfile.TemporaryDirectory() as tmp:
                runs[chained].append(saves(Path(tmp), args.ops, chained))
    figures: dict = {"ops": args.ops, "rounds": args.rounds,
                     "unchained_save_us": round(statistics.median(runs[False]), 1),
                     "chained_save_us": round(statistics.median(runs[True]), 1)}
    print(f"save on SQLite   without the chain {figures['unchained_save_us']:8.1f} µs   "
          f"with it {figures['chained_save_us']:8.1f} µs")
    with tempfile.TemporaryDirectory() as tmp:
        for events in (args.events // 10, args.events):
            figures.update(checking(Path(tmp), events))
            print(f"verify {events:>7} events   the store {figures[f'store_{events}_per_s']:>8}/s "
                  f"({figures[f'store_{events}_rss_mib']} MiB peak)   its export "
                  f"{figures[f'file_{events}_per_s']:>8}/s ({figures[f'file_{events}_rss_mib']} MiB peak)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
