"""Whether decisions' lists stay flat as the years of proceedings grow (every list paged, p95 under
50 ms at 100,000 records, the first query after a restart under 200 ms).

    .venv/bin/python benchmarks/decisions_lists.py [--proceedings 1000 100000] [--runs 50]

For each size, a decisions store (SQLite, encrypted) of that many proceedings over seven years,
2019-2026 (each a person of its own; a third assigned to one of 20 officers, a fifth
interviewed, one in 25 a final grant of zasiłek stały for a year, paid up to the last month,
one in 200 with a draft awaiting the signature, one in 100 with an art. 11 review), built once through the application in batches
and kept in var/bench-decisions/ (the tables are built from the log when first read: timed as
"rebuild"). Then the store is opened afresh, the first list after the restart is timed, and the
first page (50) of each list, the month's payment list (whole) and a command (an officer
assigned) are timed `--runs` times: p50 and p95 in ms, and the process's peak RSS. The last line
is JSON. On a checkout without paged lists (main before decisions' tables) the same script times
the whole lists, for the before figures."""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.decisions.application import DecisionsApplication  # noqa: E402
from services.decisions.domain import Proceeding, ReviewTask  # noqa: E402
from services.decisions.payments import month_end  # noqa: E402

FIRST, LAST = date(2019, 1, 1), date(2026, 3, 1)  # the rule table starts in October 2018
TODAY = date(2026, 3, 2)
OFFICERS = [f"Urzędnik {i}" for i in range(20)]
AUTHORITY = "Prezydenta Miasta"
BATCH = 500


def timed_ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def items(answer, name: str) -> list:
    """A list's page (a paged answer) or the whole list (an answer from before paging)."""
    return answer[name] if isinstance(answer, dict) else answer


def proceeding(app: DecisionsApplication, i: int, count: int, rng: random.Random) -> list:
    applied_on = FIRST + timedelta(days=(LAST - FIRST).days * i // count)
    person = {"full_name": f"Osoba {i} Testowa", "birth_date": "1960-01-01", "pesel": None,
              "document_number": None, "address": None, "contact": None}
    grant = i % 25 == 0
    p = Proceeding.open(app.rules, uuid.uuid4(), person, applied_on, "zasilek_staly" if grant else
                        rng.choice(["zasilek_okresowy", "zasilek_celowy", "posilek"]))
    if i % 3 == 0:
        p.assign(OFFICERS[i % len(OFFICERS)])
    if grant or i % 5 == 0 or i % 200 == 1:
        p.record_interview(held_on=applied_on, household=[{"name": person["full_name"]}], incomes=[],
                           assets="", farmland_ha="0", unable_to_work=grant, recorded_on=applied_on)
    if grant:
        p.assess(app.rules)
        p.issue_decision(outcome="grant", issued_on=applied_on, legal_basis="art. 37", justification="",
                         amount=p.assessment["max_amount"], period_from=applied_on.replace(day=1),
                         period_to=applied_on.replace(day=1) + relativedelta(months=12, days=-1),
                         payment_method="cash", signed_by="Kierownik", on_authority_of=AUTHORITY)
        p.record_delivery(app.rules, applied_on)
        p.become_final(applied_on + timedelta(days=20))
        for entry in p.payment_schedule(LAST):  # paid month by month up to the last month
            if entry["month"] < LAST.strftime("%Y-%m"):
                paid_on = max(date.fromisoformat(f"{entry['month']}-10"), p.enforceable_from)
                p.record_payment(entry["month"], paid_on, until=month_end(entry["month"]))
    elif i % 200 == 1:
        p.assess(app.rules)
        p.draft_decision(OFFICERS[0], applied_on, outcome="refusal", legal_basis="art. 8", justification="dochód")
    made = [p]
    if i % 100 == 7:
        made.append(ReviewTask(contract_ref=f"KS/{i}", fact="refused", person_id=p.person_id,
                               occurred_on=applied_on))
    return made


def build(path: Path, count: int) -> None:
    """The store, once: `count` proceedings saved in batches through the application (no tables yet)."""
    if (path / "done").exists():
        return
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("decisions.sqlite*"):
        old.unlink()
    app = DecisionsApplication(f"sqlite:///{path}/decisions.sqlite", secrets_dir=path, on_authority_of=AUTHORITY)
    rng = random.Random(count)
    batch: list = []
    started = time.perf_counter()
    for i in range(count):
        batch += proceeding(app, i, count, rng)
        if len(batch) >= BATCH:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)
    app.close()
    (path / "done").write_text(f"{count} proceedings in {time.perf_counter() - started:.0f} s\n")


def percentiles(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(len(times) * 0.95) - 1], 2)}


def measure(count: int, runs: int) -> dict:
    path = ROOT / "var" / "bench-decisions" / str(count)
    build(path, count)
    url = f"sqlite:///{path}/decisions.sqlite"
    figures: dict = {"proceedings": count}

    def opened() -> DecisionsApplication:
        return DecisionsApplication(url, secrets_dir=path, on_authority_of=AUTHORITY)

    app = opened()
    figures["rebuild_s"] = round(timed_ms(lambda: app.proceedings()) / 1000, 2)  # the tables, from the log once
    app.close()
    app = opened()
    figures["first_after_restart_ms"] = round(timed_ms(lambda: app.proceedings()), 2)
    lists = {
        "proceedings": lambda: items(app.proceedings(), "proceedings"),
        "proceedings_of_officer": lambda: items(app.proceedings(officer=OFFICERS[3]), "proceedings"),
        "proceedings_in_state": lambda: items(app.proceedings(state="interviewed"), "proceedings"),
        "drafts": lambda: items(app.drafts_to_sign(), "drafts"),
        "deadlines": lambda: items(app.deadlines(TODAY, 14), "deadlines"),
        "interview_updates": lambda: items(app.interview_updates_due(TODAY, 30), "updates"),
        "review_tasks": lambda: items(app.review_tasks(), "tasks"),
        "payment_list_whole": lambda: app.payment_list("2026-03", TODAY),
    }
    some = items(app.proceedings(state="awaiting_interview"), "proceedings")[:runs] or [None]
    for name, ask in lists.items():
        shown = ask()
        figures[name] = {**percentiles([timed_ms(ask) for _ in range(runs)]),
                         "shown": shown["count"] if isinstance(shown, dict) else len(shown)}
    figures["command_assign"] = percentiles([timed_ms(lambda p=p: app.assign(p.id, OFFICERS[1]))
                                             for p in (some * runs)[:runs]])
    figures["command_then_list"] = percentiles([timed_ms(lambda p=p: (app.assign(p.id, OFFICERS[2]),
                                                                      app.proceedings()))
                                                for p in (some * runs)[:runs]])
    app.close()
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proceedings", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    results = []
    for count in args.proceedings:
        figures = measure(count, args.runs)
        results.append(figures)
        print(f"{count:,} proceedings: rebuild {figures['rebuild_s']} s, first list after restart "
              f"{figures['first_after_restart_ms']} ms, peak RSS {figures['peak_rss_mib']} MiB", flush=True)
        for name, f in figures.items():
            if isinstance(f, dict):
                print(f"  {name:24} p50 {f['p50_ms']:8.2f} ms  p95 {f['p95_ms']:8.2f} ms"
                      + (f"  ({f['shown']} shown)" if "shown" in f else ""), flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
