"""Whether staff development's report stays flat as the years of reported facts grow (issue 12).

    .venv/bin/python benchmarks/training_report.py [--facts 2000 20000 100000]

For each size, a training store (SQLite, encrypted) with 40 social workers and that many
case facts (an assignment and a closing per case, 20 facts a day, ending on 2026-03-31), its
read model current; then the store is opened afresh and the March 2026 report is timed: the
first after the restart and the median of five. The last line is JSON with each size's figures
and the largest size's median over the smallest's (flat: about 1)."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.training.application import TrainingApplication  # noqa: E402
from services.training.domain import WorkloadFact  # noqa: E402

END = date(2026, 3, 31)
FACTS_A_DAY = 20
WORKERS = [f"Pracownik {i}" for i in range(40)]


def timed_ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(facts: int) -> dict:
    folder = tempfile.mkdtemp(prefix="bench-training-")
    url = f"sqlite:///{folder}/training.sqlite"
    app = TrainingApplication(url, population=9000, secrets_dir=folder)
    for worker in WORKERS:
        app.register_employee(name=worker, team="casework", role="social_worker", fte="1", joined_on="2015-01-01")
    batch = []
    for i in range(facts):
        assigned = i % 2 == 0
        batch.append(WorkloadFact(source_event_id=str(i), kind="case_assigned" if assigned else "case_closed",
                                  who=WORKERS[(i if assigned else i - 1) % len(WORKERS)],
                                  on=END - timedelta(days=(facts - i) // FACTS_A_DAY),
                                  case_id=str(uuid.UUID(int=i // 2 + 1)), amount=1))
        if len(batch) == 500:
            app.save(*batch)
            batch = []
    app.save(*batch)

    def report(on: TrainingApplication) -> None:
        on.report(date(2026, 3, 1), END)

    report(app)  # the read model current, as a running service keeps it
    app.close()
    again = TrainingApplication(url, population=9000, secrets_dir=folder)
    first = timed_ms(lambda: report(again))
    median = statistics.median(timed_ms(lambda: report(again)) for _ in range(5))
    again.close()
    return {"facts": facts, "first_report_after_restart_ms": round(first, 1), "report_p50_ms": round(median, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, nargs="+", default=[2000, 20000, 100000])
    args = parser.parse_args()
    figures = []
    for facts in args.facts:
        figures.append(measure(facts))
        print(f"{facts:>7} facts: first report after restart {figures[-1]['first_report_after_restart_ms']} ms, "
              f"then {figures[-1]['report_p50_ms']} ms (median of 5)")
    ratio = figures[-1]["report_p50_ms"] / figures[0]["report_p50_ms"]
    print(json.dumps({"training_report": figures, "largest_vs_smallest": round(ratio, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


if __name__ == "__main__":
    main()
