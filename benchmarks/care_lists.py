"""Whether care's lists stay fast and small as its files grow (the issue: every list paged, p95
under 50 ms at 100,000 records, nothing held in memory growing with the log, the first query
after a restart under 200 ms).

    .venv/bin/python benchmarks/care_lists.py [--files 1000 100000] [--rounds 50]
    .venv/bin/python benchmarks/care_lists.py --files 10000 --code /work/main   # "before": another checkout

For each size, a care store (SQLite, encrypted) of that many files: 60% care services (half of
them granted, with a roster and two visits: one in a hundred of these in March 2026, the others
in December 2025), 20% care-home referrals, 20% family
assistance; 50 carers. It is built once, from the domain's aggregates saved in batches, and kept
in var/bench-care/<size>/ (its read model built too); later runs reuse it. Each size is then
measured in a process of its own, opened afresh as a restarted service is: the first query, then
the p50 and p95 of each list's first page (50 rows), of the March hours report, and of a command
(a visit recorded), and the process's peak RSS. A command adds to the kept store (a few hundred
events a run, nothing against its size). With --code, the lists are those of that checkout
(before the tables: every file loaded, the whole list answered), on the store built here."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-care"
AUTHORITY = "z upoważnienia Burmistrza"
BATCH = 500


def _store(size: int) -> tuple[str, Path]:
    folder = VAR / str(size)
    return f"sqlite:///{folder}/care.sqlite", folder


def build(size: int) -> None:
    """The store of `size` files, unless it was built before (its marker there)."""
    url, folder = _store(size)
    if (folder / "built").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("care.sqlite*"):
        stale.unlink()
    sys.path.insert(0, str(ROOT))
    from services.care.application import CareApplication
    from services.care.domain import Carer, CareService, DpsReferral, FamilyAssistance

    started = time.perf_counter()
    app = CareApplication(url, secrets_dir=str(folder), on_authority_of=AUTHORITY)
    carers = [Carer.register(f"Opiekunka {n}", "staff") for n in range(50)]
    app.save(*carers)
    batch = []
    for n in range(size):
        person = {"full_name": f"Osoba {n}", "pesel": None}
        day = date(2025, 1 + n % 12, 1 + n % 28)
        if n % 5 < 3:
            file = CareService.request(uuid.uuid4(), person, "uslugi_opiekuncze", n % 7 == 0, day, "care_team")
            if n % 2:
                # most granted for 2025; one in a hundred still running in March 2026, the report's month
                running = n % 200 == 1
                file.assess(assessed_on=day, kind="uslugi_opiekuncze", activities=["meals"], hours_per_week="4",
                            period_from=day, period_to=None if running else date(2025, 12, 31))
                file.state_income(members=2, monthly_income="1500", stated_on=day)
                file.grant_service(app.rules, issued_on=day, signed_by="Maria Kowalczyk", on_authority_of=AUTHORITY)
                carer = carers[n % len(carers)].id
                file.set_roster(carer, [{"weekday": "mon", "hours": "2"}, {"weekday": "thu", "hours": "2"}])
                for on in (date(2026, 3, 2), date(2026, 3, 5)) if running else (date(2025, 12, 29),
                                                                                   date(2025, 12, 30)):
                    file.record_visit(carer, on=on, hours="2", activities=["meals"])
        elif n % 5 == 3:
            file = DpsReferral(request_ref=None, case_id=None, person_id=uuid.uuid4(), person=person, started_on=day)
            file.gather("wniosek", day)
        else:
            file = FamilyAssistance(request_ref=None, case_id=None, person_id=uuid.uuid4(), person=person,
                                    requested_on=day)
            file.assign(f"Asystent {n % 200}", day, 0, 15)
        batch.append(file)
        if len(batch) == BATCH:
            app.save(*batch)
            batch = []
    app.save(*batch)
    saved = time.perf_counter() - started
    app.services()  # the read model built, as the service does at its start
    app.close()
    (folder / "built").write_text(json.dumps({"files": size, "saved_s": round(saved, 1),
                                              "read_model_s": round(time.perf_counter() - started - saved, 1)}))


def _ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _p(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50": round(statistics.median(ordered), 2), "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def measure(size: int, rounds: int, code: Path) -> dict:
    """In this process (a child of main): the store opened afresh, the lists and a command timed."""
    sys.path.insert(0, str(code))
    from services.care.application import CareApplication

    url, folder = _store(size)
    app = CareApplication(url, secrets_dir=str(folder), on_authority_of=AUTHORITY)
    tables = hasattr(app, "read_model")
    # each list's first page (before the tables: every file of its kind loaded, the whole list answered)
    lists = {"services": app.services, "services?state=granted": lambda: app.services("granted"),
             "dps-referrals": app.referrals, "family-assistance": app.assistances, "carers": app.carers}
    figures: dict = {"files": size, "code": "tables" if tables else str(code),
                     "first_query_after_restart_ms": round(_ms(lists["services"]), 1)}
    for name, ask in lists.items():
        figures[name] = _p([_ms(ask) for _ in range(rounds)])
    figures["hours 2026-03"] = _p([_ms(lambda: app.hours(date(2026, 3, 1), date(2026, 3, 31)))
                                   for _ in range(3)])
    if tables:
        [granted, *_] = app.read_model.services_granted_for(date(2026, 3, 9), date(2026, 3, 9))
        carer = app.carers(limit=1)["carers"][0]["carer_id"]
        figures["command: record a visit"] = _p([_ms(lambda: app.record_visit(
            granted, carer, on=date(2026, 3, 9), hours="0.1", activities=["meals"])) for _ in range(rounds)])
    app.close()
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose care is measured")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the child's size
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.rounds, args.code)))
        return
    results = []
    for size in args.files:
        build(size)
        child = subprocess.run([sys.executable, __file__, "--measure", str(size), "--rounds", str(args.rounds),
                                "--code", str(args.code)], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONPATH": str(args.code)})
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(figures)
        print(f"{size:>7} files ({figures['code']}): first query after restart "
              f"{figures['first_query_after_restart_ms']} ms, peak RSS {figures['peak_rss_mb']} MB")
        for name, value in figures.items():
            if isinstance(value, dict):
                print(f"    {name:<28} p50 {value['p50']:>8} ms   p95 {value['p95']:>8} ms")
    print(json.dumps({"care_lists": results}))


if __name__ == "__main__":
    main()
