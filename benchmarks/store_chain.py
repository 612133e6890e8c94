"""`make bench-chain`: what the store's hash chain costs (prints figures; asserts nothing).

    .venv/bin/python benchmarks/store_chain.py [--ops 2000] [--rounds 3] [--events 100000]

1. A save: `--ops` saves of a new aggregate (an encrypted SQLite store, one transaction and synced
   WAL each, as a service saves) with the chain and with the chain's write taken out, in turns;
   the median over `--rounds`, in µs per save.
2. Checking: a SQLite store of `--events` events (random 300-byte states, as encrypted ones look),
   written a thousand a transaction; then, each in a process of its own so its peak memory is its
   own, `shared.chain.verify` of the live store and `shared.audit.verify` of its export, timed,
   with the process's peak RSS; the same for a tenth of the events, to show memory does not grow
   with the log.
3. Replaying: a real intake store of about `--events` events (people registered, each with a
   first-contact talk routed to casework, written 500 people a save as benchmarks/size.py does;
   encrypted, each person's fields under their own key); then, each in a process of its own,
   `shared.audit export` of it, `verify` of the export, and `replay` of the export as an auditor
   runs it (`--store-key-file`, `--person-keys-url` the live store, every aggregate printed as
   JSON to /dev/null), and that replay's checking and rebuilding alone (`shared.audit.replay_file`,
   the file read once, nothing read back or printed), timed, with the peak RSS; the same for a
   tenth of the events.
The last line is one JSON object with the figures.

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

from benchmarks.size import BATCH, ON, name_of  # noqa: E402
from benchmarks.store_cipher import Registration, Store  # noqa: E402
from services.intake.application import IntakeApplication  # noqa: E402
from services.intake.domain import FirstContact, Person  # noqa: E402
from shared import sqlite  # noqa: E402
from tests.support.people import pesel_for  # noqa: E402


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
import contextlib, json, os, resource, sys, time
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
    exported = timed(f"app = Store({url!r}, existing=True); audit.export(app, {str(out)!r}); app.close()")
    file = timed(f"audit.verify({str(out)!r}, keep_events=False)")
    return {**rate(f"store_{events}", events, live), **rate(f"export_{events}", events, exported),
            **rate(f"file_{events}", events, file)}


def rate(name: str, events: int, run: dict) -> dict:
    """A timed step's figures: events per second and peak RSS (MiB)."""
    return {f"{name}_per_s": round(events / run["seconds"]), f"{name}_rss_mib": round(run["peak_rss_mib"], 1)}


def build_intake(folder: Path, events: int) -> tuple[str, int]:
    """An encrypted intake store of at least `events` events, written as the service writes them
    (benchmarks/size.py): its URL and how many events it holds."""
    url = f"sqlite:///{folder}/intake.sqlite"
    intake = IntakeApplication(url, secrets_dir=folder / "secrets")
    try:
        start = 0
        while (intake.recorder.max_notification_id() or 0) < events:
            batch = []
            for number in range(start, start + BATCH):
                person = Person.register(intake.person_id_key, registered_on=ON, name=name_of(number),
                                         pesel=pesel_for(number))
                talk = FirstContact.record(person=person, held_on=ON, officer="Biuro podawcze",
                                           reasons_for_help=["ubostwo"], help_requested=["praca_socjalna"])
                talk.route(team="casework", reason="wsparcie rodziny", routed_on=ON, teams={"casework"})
                batch += [person, talk]
            intake.save(*batch)
            start += BATCH
        return url, intake.recorder.max_notification_id()
    finally:
        intake.close()


def replaying(folder: Path, events: int) -> dict:
    """Export, verify and replay (as the auditor's commands run them) of a real intake store of
    about `events` events; the figures are named after `events`, the count it holds is given."""
    url, held = build_intake(folder / f"intake-{events}", events)
    out, key = folder / f"intake-{events}" / "log.jsonl", folder / f"intake-{events}" / "secrets" / "intake-store.key"
    cli = "with open(os.devnull, 'w') as null, contextlib.redirect_stdout(null): assert audit.main({!r}) == 0"
    exported = timed(cli.format(["export", "intake", "--database-url", url, "--out", str(out)]))
    file = timed(cli.format(["verify", str(out)]))
    replayed = timed(cli.format(["replay", str(out), "--store-key-file", str(key), "--person-keys-url", url]))
    rebuilt = timed(f"audit.replay_file({str(out)!r}, store_key_file={str(key)!r}, person_keys_url={url!r})[1].close()")
    return {f"intake_{events}_events": held, **rate(f"intake_export_{events}", held, exported),
            **rate(f"intake_file_{events}", held, file), **rate(f"intake_replay_{events}", held, replayed),
            **rate(f"intake_rebuild_{events}", held, rebuilt)}


def said(figures: dict, name: str) -> str:
    return f"{figures[f'{name}_per_s']:>7}/s ({figures[f'{name}_rss_mib']:5.1f} MiB peak)"


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
            print(f"random {events:>7} events   verify the store {said(figures, f'store_{events}')}   export "
                  f"{said(figures, f'export_{events}')}   verify the export {said(figures, f'file_{events}')}")
    with tempfile.TemporaryDirectory() as tmp:
        for events in (args.events // 10, args.events):
            figures.update(replaying(Path(tmp), events))
            print(f"intake {figures[f'intake_{events}_events']:>7} events   "
                  f"export {said(figures, f'intake_export_{events}')}   verify it "
                  f"{said(figures, f'intake_file_{events}')}   replay it {said(figures, f'intake_replay_{events}')}"
                  f"   (its checking and rebuilding alone {said(figures, f'intake_rebuild_{events}')})")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
