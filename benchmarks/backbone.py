"""`make bench`: the backbone end to end on this machine (prints figures; asserts nothing).

    .venv/bin/python benchmarks/backbone.py [--people 2000] [--in-flight 50]

intake and casework run as separate `nameko run` processes on SQLite, on a fresh broker
virtual host. A first-contact desk of `--in-flight` clients registers each person and
records the talk over HTTP, then routes every case to casework. Measured in the same run:
- raw_save_per_s: eventsourcing `save()` of a new aggregate into one SQLite store;
- registered_per_s: people registered with their talk recorded (two commands each);
- e2e_per_s: routed cases / (first routing sent → last case opened at casework);
- latency (p50/p95/p99): routing accepted at intake (its stored CaseRouted event) →
  case opened at casework (its stored Case.Opened event), both the stores' own clocks;
- the same latency when routings are offered at a steady `--offered` per second (100) instead of
  as fast as the desk can send them: `offered`, one more run of the real pipeline;
- where the time goes: how long the desk took to have every routing accepted, and how
  long casework needed after that to open the rest;
- cpu_ms_per_case: the CPU time (user + system, from /proc) of every service process from the
  first registration to the last case opened, per case; client_cpu_ms_per_case the same for
  this benchmark's own process (the desk), which must not be the limit;
- the peak RSS of each service process (VmHWM);
- catch_up_per_s: a fresh casework (empty store, a queue that never held a message) reading intake's
  log over the broker and opening every case, from its consumer's connecting to the last case opened.
- the same for the naive lossy pipeline of benchmarks/naive.py (HTTP → save → EventDispatcher →
  handler → save), run alternately with the real one, `--rounds` times each on fresh stores and
  a fresh virtual host: `naive_e2e_per_s`, and `vs_naive`, the ratio of the two medians.
- `size`: the flat-with-size figures of the last `make bench-size` (benchmarks/size.py), which
  builds its 100,000-record stores once and runs apart.
The last line is one JSON object with the figures (medians over the rounds; each round's own in
`rounds`).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import closing
from datetime import datetime
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import naive  # noqa: E402
from services.casework.application import CaseworkApplication  # noqa: E402
from services.casework.domain import Case  # noqa: E402
from services.intake.application import IntakeApplication  # noqa: E402
from shared.contracts.intake import CASE_ROUTED  # noqa: E402
from shared.identity import Staff, TokenIssuer, signing_key  # noqa: E402
from shared.broker import OPERATOR  # noqa: E402
from shared.roles import FIRST_CONTACT_OFFICER  # noqa: E402
from shared.store import INTEGRATION_TOPIC, recorder_settings  # noqa: E402
from deploy.launcher import ServiceProcess  # noqa: E402
from tests.support.centre import TODAY, Centre, free_port  # noqa: E402
from tests.support.infra import new_deployment  # noqa: E402
from tests.support.people import pesel_for  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZE_FIGURES = ROOT / "var" / "bench-size" / "figures.json"  # written by benchmarks/size.py (make bench-size)
GOAL_PER_S = 500
RSS_LIMIT_MB = 150
DESK = Staff(id="3f8a1c2e-0000-4000-8000-000000000002", name="K. Zielińska", roles=frozenset({FIRST_CONTACT_OFFICER}),
             team="intake")


class Registration(Aggregate):
    @event("Registered")
    def __init__(self, name: str):
        self.name = name


def raw_save_rate(url: str, saves: int) -> float:
    app = Application(env=recorder_settings(url))
    try:
        started = time.perf_counter()
        for i in range(saves):
            app.save(Registration(f"person {i}"))
        return saves / (time.perf_counter() - started)
    finally:
        app.close()


class FirstContactDesk:
    """One officer per thread, each with a kept-alive HTTP session, calling intake straight
    with a token the gateway's key signs (the backbone is measured, not the door:
    `make bench-gateway` measures that)."""

    def __init__(self, intake_url: str, issuer: TokenIssuer):
        self.url = intake_url
        self.issuer = issuer
        self._local = threading.local()

    def _post(self, path: str, body: dict) -> dict:
        local = self._local
        if getattr(local, "session", None) is None:
            local.session, local.minted = requests.Session(), float("-inf")
        if time.monotonic() - local.minted > 60:  # a token lives 90 s
            local.session.headers["Authorization"] = f"Bearer {self.issuer.mint(DESK, 'intake')}"
            local.minted = time.monotonic()
        response = local.session.post(f"{self.url}{path}", json=body, timeout=60)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{path}: {response.status_code} {response.text}")
        return response.json()

    def first_contact(self, number: int) -> str:
        """Registers the n-th person and records the talk; the talk's reference."""
        person = self._post("/persons", {"full_name": f"Osoba {number:04}", "pesel": pesel_for(number),
                                         "registered_on": TODAY})
        talk = self._post(f"/persons/{person['person_id']}/first-contacts", {
            "held_on": TODAY, "reasons_for_help": ["ubostwo"], "help_requested": ["praca_socjalna"]})
        return talk["contact_id"]

    def route_to_casework(self, contact_id: str) -> str:
        routed = self._post(f"/first-contacts/{contact_id}/routings",
                            {"team": "casework", "reason": "wsparcie rodziny", "routed_on": TODAY})
        return routed["case_id"]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def stored_times(urls: dict[str, str], secrets_dir: Path) -> tuple[dict[str, float], dict[str, float]]:
    """case id → when intake accepted the routing, and when casework opened the case."""
    intake = IntakeApplication(urls["intake"], secrets_dir=secrets_dir)  # the stores' keys, to read their events
    try:
        routed = {}
        for n in intake.recorder.select_notifications(None, 1_000_000, topics=[INTEGRATION_TOPIC]):
            stored = intake.mapper.to_domain_event(n)
            if stored.type == CASE_ROUTED["casework"].type:
                routed[stored.data["case_id"]] = stored.timestamp.timestamp()
    finally:
        intake.close()
    casework = CaseworkApplication(urls["casework"], secrets_dir=secrets_dir)
    try:
        opened = {
            str(n.originator_id): casework.mapper.to_domain_event(n).timestamp.timestamp()
            for n in casework.recorder.select_notifications(None, 1_000_000, topics=[get_topic(Case.Opened)])
        }
    finally:
        casework.close()
    return routed, opened


def stored_count(sqlite_file: Path, topic: str) -> int:
    """Events of a topic a service has stored so far, counted in its SQLite file while it runs."""
    if not sqlite_file.exists():
        return 0
    with closing(sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True, timeout=5)) as db:
        return db.execute("SELECT count(*) FROM stored_events WHERE topic = ?", (topic,)).fetchone()[0]


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def outcome(people: int, started: float, accepted: float, case_ids: list[str], stored: tuple[dict, dict],
            cpu: float, client_cpu: float, rss: dict[str, float]) -> dict:
    routed, opened = stored
    assert set(case_ids) == set(routed) == set(opened), "a case was lost or opened twice"
    last_opened = max(opened.values())
    return {
        "e2e_per_s": people / (last_opened - started),
        "accepting_s": accepted - started,
        "draining_s": max(0.0, last_opened - accepted),
        "latencies": [(opened[c] - routed[c]) * 1000 for c in case_ids],
        "cpu_ms_per_case": cpu * 1000 / people,
        "client_cpu_ms_per_case": client_cpu * 1000 / people,
        "rss_mb": rss,
    }


def paced(rate: float | None, started: float, work):
    """`work` for the n-th item, sent no sooner than n/rate seconds after `started` (as offered
    load, not as fast as the desk can: None)."""
    def send(numbered):
        n, item = numbered
        if rate is not None:
            time.sleep(max(0.0, started + n / rate - time.time()))
        return work(item)
    return send


def end_to_end(people: int, in_flight: int, workdir: Path, rate: float | None = None) -> dict:
    broker = new_deployment()
    urls = {s: f"sqlite:///{workdir}/{s}.sqlite" for s in ("intake", "casework", "gateway")}
    centre = Centre(broker, workdir / "var", dict(urls))  # its own: the catch-up run swaps casework's store
    issuer = TokenIssuer(signing_key(centre.data_dir / "secrets"))
    try:
        centre.start("intake")
        centre.start("casework")
        wait_for(lambda: centre.processes["casework"].health()["consumer of intake"]["connected"], what="casework connected")
        desk = FirstContactDesk(centre.url("intake"), issuer)
        pids = [p.process.pid for p in centre.processes.values()]
        cpu_before, client_before = sum(map(cpu_seconds, pids)), time.process_time()
        registering = time.time()
        with ThreadPoolExecutor(in_flight) as pool:
            contacts = list(pool.map(desk.first_contact, range(people)))
        started, cpu_routing = time.time(), sum(map(cpu_seconds, pids))
        with ThreadPoolExecutor(in_flight) as pool:
            case_ids = list(pool.map(paced(rate, started, desk.route_to_casework), enumerate(contacts)))
        accepted = time.time()
        # Counted in casework's file, as the naive pipeline's are: paging /cases/open until all are
        # there would have casework serve the watcher (a page and an access-log entry per 50 cases,
        # every poll) while it drains, and count that work as the pipeline's.
        wait_for(lambda: stored_count(workdir / "casework.sqlite", get_topic(Case.Opened)) == people,
                 timeout=600, what="every case open at casework")
        cpu = sum(map(cpu_seconds, pids)) - cpu_before
        client_cpu = time.process_time() - client_before
        rss = {s: round(peak_rss_mb(p.process.pid), 1) for s, p in centre.processes.items()}
        catch_up = fresh_consumer_catch_up(centre, people, workdir)
    finally:
        centre.stop()
        broker.remove()
    return {**outcome(people, started, accepted, case_ids, stored_times(urls, centre.data_dir / "secrets"), cpu,
                      client_cpu, rss),
            "registered_per_s": people / (started - registering),
            "routing_cpu_ms_per_case": (cpu_before + cpu - cpu_routing) * 1000 / people,
            "catch_up_per_s": catch_up}


def fresh_consumer_catch_up(centre: Centre, people: int, workdir: Path) -> float:
    """Events per second a casework with an empty store, on a queue that never held a message,
    reads from intake's log and turns into open cases: from its consumer's connecting (when it starts
    reading the log) to the last case opened, both casework's own clock. Not from the first case
    opened, which left out reading the first page and handling it."""
    centre.processes.pop("casework").stop()
    centre.database_urls["casework"] = fresh = f"sqlite:///{workdir}/casework-fresh.sqlite"
    process = centre.start("casework")
    wait_for(lambda: stored_count(workdir / "casework-fresh.sqlite", get_topic(Case.Opened)) == people,
             timeout=600, what="the fresh casework to catch up")
    opened = stored_times({"intake": centre.database_urls["intake"], "casework": fresh},
                          centre.data_dir / "secrets")[1].values()
    return people / max(max(opened) - logged_at(process, "casework consumer of intake connected"), 1e-3)


def logged_at(process: ServiceProcess, message: str) -> float:
    """When a service process last logged a message starting so (its JSON log's local time)."""
    log_file = process.log_path or process.data_dir / f"{process.service}.log"  # as ServiceProcess names it
    for line in reversed(log_file.read_text().splitlines()):
        record = json.loads(line) if line.startswith("{") else {}
        if record.get("message", "").startswith(message):
            return datetime.strptime(record["time"], "%Y-%m-%d %H:%M:%S,%f").timestamp()
    raise RuntimeError(f"{process.service} never logged {message!r}")


def naive_end_to_end(people: int, in_flight: int, workdir: Path) -> dict:
    """The same routings through benchmarks/naive.py's pipeline, on a virtual host of its own."""
    broker = new_deployment()
    processes = []
    try:
        uri = broker.uri(OPERATOR)
        processes.append(naive.NaiveProcess("naive_casework", uri, free_port(), workdir))  # its queue first
        processes.append(naive.NaiveProcess("naive_intake", uri, free_port(), workdir))
        desk = FirstContactDesk(processes[1].url, TokenIssuer(signing_key(workdir / "secrets")))
        pids = [p.process.pid for p in processes]
        cpu_before, client_before = sum(map(cpu_seconds, pids)), time.process_time()
        started = time.time()
        with ThreadPoolExecutor(in_flight) as pool:
            case_ids = list(pool.map(desk.route_to_casework, (str(uuid.uuid4()) for _ in range(people))))
        accepted = time.time()
        wait_for(lambda: stored_count(workdir / "naive_casework.sqlite", get_topic(naive.Case.Opened)) >= people,
                 timeout=600, what="every naive case opened")
        cpu = sum(map(cpu_seconds, pids)) - cpu_before
        client_cpu = time.process_time() - client_before
        rss = {p.service: round(peak_rss_mb(p.process.pid), 1) for p in processes}
    finally:
        for process in processes:
            process.stop()
        broker.remove()
    return outcome(people, started, accepted, case_ids, naive.opened_and_routed(workdir), cpu, client_cpu, rss)


def last_size_figures() -> dict | None:
    """The flat-with-size figures of the last make bench-size (its stores take minutes to build, so
    it runs apart; its figures are reported here with when they were measured)."""
    try:
        return json.loads(SIZE_FIGURES.read_text())
    except FileNotFoundError:
        return None


def median_of(rounds: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each pipeline, alternating")
    parser.add_argument("--offered", type=float, default=100.0,
                        help="routings per second offered in one more run of the real pipeline, for its latency")
    args = parser.parse_args()
    if args.people < 2 or args.in_flight < 1 or args.saves < 1 or args.rounds < 1:
        parser.error("--people must be at least 2, --in-flight, --saves and --rounds at least 1")
    real, lossy = [], []
    with tempfile.TemporaryDirectory() as tmp:
        raw = raw_save_rate(f"sqlite:///{tmp}/raw.sqlite", args.saves)
        for n in range(args.rounds):
            for runs, run in ((real, end_to_end), (lossy, naive_end_to_end)):
                workdir = Path(tmp) / f"{run.__name__}-{n}"
                workdir.mkdir()
                runs.append(run(args.people, args.in_flight, workdir))
                print(f"round {n + 1} {run.__name__:<16} {runs[-1]['e2e_per_s']:8.0f}/s", flush=True)
        workdir = Path(tmp) / "offered"
        workdir.mkdir()
        offered = end_to_end(args.people, args.in_flight, workdir, rate=args.offered)
    e2e = next(r for r in real if r["e2e_per_s"] == sorted(x["e2e_per_s"] for x in real)[len(real) // 2])
    lat = e2e["latencies"]
    figures = {
        "people": args.people,
        "in_flight": args.in_flight,
        "rounds": args.rounds,
        "e2e_per_s": round(median_of(real, "e2e_per_s"), 1),
        "naive_e2e_per_s": round(median_of(lossy, "e2e_per_s"), 1),
        "vs_naive": round(median_of(real, "e2e_per_s") / median_of(lossy, "e2e_per_s"), 2),
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "offered": {"per_s": args.offered, **{f"p{p}_ms": round(percentile(offered["latencies"], p), 1)
                                               for p in (50, 95, 99)}},
        "raw_save_per_s": round(raw, 1),
        "ratio": round(median_of(real, "e2e_per_s") / raw, 3),
        "cpu_ms_per_case": round(median_of(real, "cpu_ms_per_case"), 2),
        "routing_cpu_ms_per_case": round(median_of(real, "routing_cpu_ms_per_case"), 2),
        "naive_cpu_ms_per_case": round(median_of(lossy, "cpu_ms_per_case"), 2),
        "client_cpu_ms_per_case": round(median_of(real, "client_cpu_ms_per_case"), 2),
        "registered_per_s": round(median_of(real, "registered_per_s"), 1),
        "catch_up_per_s": round(median_of(real, "catch_up_per_s"), 1),
        "accepting_s": round(e2e["accepting_s"], 2),
        "draining_s": round(e2e["draining_s"], 2),
        "peak_rss_mb": {s: max(r["rss_mb"][s] for r in real) for s in e2e["rss_mb"]},
        "per_round": [{"e2e_per_s": round(r["e2e_per_s"], 1), "naive_e2e_per_s": round(n["e2e_per_s"], 1)}
                      for r, n in zip(real, lossy)],
    }
    print(f"raw eventsourcing save() on SQLite   {raw:8.0f}/s")
    print(f"registered with their first-contact talk (2 commands each)   {figures['registered_per_s']:8.0f}/s")
    print(f"routed to casework end to end, {args.in_flight} in flight      {figures['e2e_per_s']:8.0f}/s "
          f"(goal {GOAL_PER_S}/s: {figures['e2e_per_s'] / GOAL_PER_S:.2f}x; raw save: {figures['ratio']:.2f}x)")
    print(f"the naive lossy pipeline (benchmarks/naive.py), same run   {figures['naive_e2e_per_s']:8.0f}/s "
          f"(vs_naive {figures['vs_naive']:.2f}x)")
    print(f"a fresh casework catching up from intake's log   {figures['catch_up_per_s']:8.0f} events/s")
    print(f"  every routing accepted at intake after {figures['accepting_s']} s; "
          f"the last case opened at casework {figures['draining_s']} s later (median round)")
    print(f"routing accepted -> case opened   p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
          f"p99 {figures['p99_ms']} ms (median round)")
    print(f"at {args.offered:.0f} routings/s offered: routing accepted -> case opened   p50 "
          f"{figures['offered']['p50_ms']} ms, p99 {figures['offered']['p99_ms']} ms (goal p99 < 50 ms)")
    print(f"CPU per case (register, talk, route, open)   services {figures['cpu_ms_per_case']} ms, "
          f"this desk {figures['client_cpu_ms_per_case']} ms")
    print(f"CPU per case (route, open)   services {figures['routing_cpu_ms_per_case']} ms, "
          f"the naive pipeline's {figures['naive_cpu_ms_per_case']} ms")
    for service, mb in figures["peak_rss_mb"].items():
        print(f"peak RSS {service:<9} {mb:6.1f} MB (limit {RSS_LIMIT_MB} MB)")
    figures["size"] = last_size_figures()
    if figures["size"] is None:
        print(f"size: no figures yet in {SIZE_FIGURES.relative_to(ROOT)}: run make bench-size (it builds the "
              f"100,000-record stores once, ~minutes, and measures on copies of them)")
    else:
        print(f"size ({figures['size']['records']} records, make bench-size of {figures['size']['measured_at']}): "
              f"lists p95 {figures['size']['list_p95_ms']} ms, first query after a restart "
              f"{figures['size']['first_query_after_restart_ms']} ms")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
