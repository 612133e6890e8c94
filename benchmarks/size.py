"""`make bench-size`: whether the services stay flat as the centre's records grow (issue 12).

    .venv/bin/python benchmarks/size.py [--records 100000] [--small 1000] [--requests 100]

Builds, once, an intake store of N people (each registered, with a first-contact talk routed to
casework) and a casework store of N cases (8 in 10 closed after their final evaluation, 1 open
with a social worker, 1 awaiting assignment; a worker per 200 cases, so each has about 20 open),
written straight through the applications in batches, the read models caught up, under
var/bench-size/N (kept for the next run). Each run copies the stores, starts the real intake,
casework and gateway processes on them, and measures:
- first_query_after_restart_ms: each list's first answer from the freshly started processes;
- list_p95_ms: each list endpoint, paged (`--requests` pages, following `next_after`);
- command_p50_ms: registering a person at intake; assigning a case at casework;
- peak_rss_mb: each service process's VmHWM at the end.
The same at `--small` records, for the commands' comparison. The last line is one JSON object
with `size`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.backbone import DESK, RSS_LIMIT_MB, SIZE_FIGURES, peak_rss_mb, percentile  # noqa: E402
from services.casework.application import CaseworkApplication  # noqa: E402
from services.casework.domain import Case, TeamMember  # noqa: E402
from services.intake.application import IntakeApplication  # noqa: E402
from services.intake.domain import FirstContact, Person  # noqa: E402
from shared.identity import Staff, TokenIssuer, signing_key  # noqa: E402
from shared.roles import SOCIAL_WORKER  # noqa: E402
from shared.store import RELAY_POSITION  # noqa: E402
from tests.support.centre import TODAY, Centre  # noqa: E402
from tests.support.infra import new_deployment  # noqa: E402
from tests.support.people import LEADER, pesel_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BATCH = 500
LIST_GOAL_MS, FIRST_QUERY_GOAL_MS = 50, 200
FIRST = ["Anna", "Jan", "Maria", "Piotr", "Katarzyna", "Andrzej", "Małgorzata", "Krzysztof", "Agnieszka", "Tomasz",
         "Barbara", "Paweł", "Ewa", "Michał", "Zofia", "Marek", "Olena", "Łukasz", "Joanna", "Grzegorz"]
LAST = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
        "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
        "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński",
        "Wróbel", "Nowicki", "Majewski", "Olszewski", "Stępień", "Malinowski"]
ON = date.fromisoformat(TODAY)


def name_of(number: int) -> str:
    return f"{FIRST[number % len(FIRST)]} {LAST[number // len(FIRST) % len(LAST)]} {number}"


def worker_of(number: int) -> str:
    return f"Pracownik {number:04}"


# --- building the stores, once -------------------------------------------------------------------

def build_intake(url: str, secrets_dir: Path, records: int) -> None:
    intake = IntakeApplication(url, secrets_dir=secrets_dir)
    try:
        for start in range(0, records, BATCH):
            batch = []
            for number in range(start, min(start + BATCH, records)):
                person = Person.register(intake.person_id_key, registered_on=ON, name=name_of(number),
                                         pesel=pesel_for(number))
                talk = FirstContact.record(person=person, held_on=ON, officer=DESK.name,
                                           reasons_for_help=["ubostwo"], help_requested=["praca_socjalna"])
                talk.route(team="casework", reason="wsparcie rodziny", routed_on=ON, teams={"casework"})
                batch += [person, talk]
            intake.save(*batch)
        # Built without integration events: nothing for the relay to publish.
        intake.record_position(RELAY_POSITION, intake.recorder.max_notification_id())
        intake.read_model.current()
    finally:
        intake.close()


def build_casework(url: str, secrets_dir: Path, records: int, workers: int) -> list[str]:
    """Returns the cases awaiting assignment."""
    casework = CaseworkApplication(url, secrets_dir=secrets_dir)  # encrypted, as the service opens it
    waiting = []
    try:
        casework.save(*(TeamMember.register(uuid.uuid5(uuid.NAMESPACE_URL, worker_of(w)), worker_of(w), "casework",
                                            [SOCIAL_WORKER], True) for w in range(workers)))
        for start in range(0, records, BATCH):
            batch = []
            for number in range(start, min(start + BATCH, records)):
                case = Case.open_from_routing(
                    case_id=uuid.uuid4(), person_id=uuid.uuid4(),
                    person={"full_name": name_of(number), "birth_date": None, "pesel": pesel_for(number),
                            "document_number": None, "address": None, "contact": None},
                    routed_on=ON, urgent=number % 7 == 0, reasons_for_help=["ubostwo"],
                    routing_reason="wsparcie rodziny")
                if number % 10 == 9:
                    waiting.append(str(case.id))
                else:
                    case.assign(worker_of(number // 10 % workers), ON, assigned_by=LEADER.name)
                if number % 10 < 8:
                    case.record_diagnosis(areas={"housing": "mieszkanie socjalne"}, strengths="", resources="",
                                          recorded_on=ON, with_person=True)
                    goal = case.add_goal("samodzielność", date(2027, 6, 30))
                    case.evaluate(on=ON, final=True, summary="cel osiągnięty", progress={goal: "achieved"})
                    case.close(outcome="goals_achieved", reason="cel osiągnięty", closed_on=ON)
                batch.append(case)
            casework.save(*batch)
        casework.record_position(RELAY_POSITION, casework.recorder.max_notification_id())
        casework.read_model.current()
    finally:
        casework.close()
    return waiting


def built(records: int) -> Path:
    """The stores of this size, built now unless an earlier run left them."""
    where = ROOT / "var" / "bench-size" / str(records)
    if (where / "built.json").exists():
        return where
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    started = time.monotonic()
    build_intake(f"sqlite:///{where}/intake.sqlite", where / "secrets", records)
    waiting = build_casework(f"sqlite:///{where}/casework.sqlite", where / "secrets", records, workers=max(5, records // 200))
    (where / "built.json").write_text(json.dumps({"workers": max(5, records // 200), "waiting": waiting,
                                                  "build_s": round(time.monotonic() - started, 1)}))
    return where


# --- measuring the running services ----------------------------------------------------------------

def timed(call) -> tuple[float, dict]:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{response.request.method} {response.request.path_url}: {response.status_code} "
                           f"{response.text[:200]}")
    return elapsed, response.json()


def measure(records: int, pages: int) -> dict:
    store = built(records)
    plan = json.loads((store / "built.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "var"
        for service in ("intake", "casework"):
            shutil.copy(store / f"{service}.sqlite", workdir / f"{service}.sqlite")
        shutil.copytree(store / "secrets", data_dir / "secrets")
        urls = {s: f"sqlite:///{workdir}/{s}.sqlite" for s in ("intake", "casework", "gateway")}
        broker = new_deployment()
        centre = Centre(broker, data_dir, urls)
        issuer = TokenIssuer(signing_key(data_dir / "secrets"))
        worker = Staff(id=str(uuid.uuid5(uuid.NAMESPACE_URL, worker_of(1))), name=worker_of(1),
                       roles=frozenset({SOCIAL_WORKER}), team="casework")
        try:
            centre.start("intake")
            centre.start("casework")
            sessions = {}
            for who, staff, service in (("desk", DESK, "intake"), ("leader", LEADER, "casework"),
                                        ("worker", worker, "casework")):
                sessions[who] = requests.Session()
                sessions[who].headers["Authorization"] = f"Bearer {issuer.mint(staff, service)}"
            intake, casework = centre.url("intake"), centre.url("casework")
            lists = {
                "intake search, common name": lambda after: sessions["desk"].post(
                    f"{intake}/persons/search", json={"name": "nowak", **({"after": after} if after else {})}),
                "intake search, one person": lambda after: sessions["desk"].post(
                    f"{intake}/persons/search", json={"name": name_of(records // 2)}),
                "intake routed cases": lambda after: sessions["desk"].get(
                    f"{intake}/routed-cases", params={"after": after} if after else {}),
                "casework open cases, leader": lambda after: sessions["leader"].get(
                    f"{casework}/cases/open", params={"after": after} if after else {}),
                "casework open cases, worker": lambda after: sessions["worker"].get(
                    f"{casework}/cases/open", params={"after": after} if after else {}),
            }
            first = {name: round(timed(lambda: ask(None))[0], 1) for name, ask in lists.items()}
            p95 = {}
            for name, ask in lists.items():
                times, after = [], None
                for _ in range(pages):  # page after page; from the start again at the end
                    elapsed, answer = timed(lambda: ask(after))
                    times.append(elapsed)
                    after = answer.get("next_after")
                p95[name] = round(percentile(times, 95), 1)
            registering = [timed(lambda: sessions["desk"].post(f"{intake}/persons", json={
                "full_name": f"Nowa Osoba {n}", "pesel": pesel_for(records + n), "registered_on": TODAY}))[0]
                for n in range(pages)]
            assigning = [timed(lambda: sessions["leader"].post(f"{casework}/cases/{case_id}/assignment", json={
                "worker": worker_of(n % plan["workers"]), "on": TODAY}))[0]
                for n, case_id in enumerate(plan["waiting"][:pages])]
            rss = {s: round(peak_rss_mb(p.process.pid), 1) for s, p in centre.processes.items()}
        finally:
            centre.stop()
            broker.remove()
    return {"records": records, "build_s": plan["build_s"], "first_query_ms": first, "list_p95_ms": p95,
            "command_p50_ms": {"register a person": round(statistics.median(registering), 1),
                               "assign a case": round(statistics.median(assigning), 1)},
            "peak_rss_mb": rss}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    if args.small < 100 or args.records < args.small or args.requests < 20:
        parser.error("--small at least 100, --records at least --small, --requests at least 20")
    small, large = measure(args.small, args.requests), measure(args.records, args.requests)
    for run in (small, large):
        print(f"== {run['records']} people and cases (built in {run['build_s']} s, kept in var/bench-size)")
        for name, ms in run["list_p95_ms"].items():
            print(f"  {name:<30} p95 {ms:6.1f} ms, first after the start {run['first_query_ms'][name]:6.1f} ms")
        for name, ms in run["command_p50_ms"].items():
            print(f"  {name:<30} p50 {ms:6.1f} ms")
        for service, mb in run["peak_rss_mb"].items():
            print(f"  peak RSS {service:<21} {mb:6.1f} MB (limit {RSS_LIMIT_MB} MB)")
    size = {
        "records": args.records,
        "list_p95_ms": max(large["list_p95_ms"].values()),
        "first_query_after_restart_ms": max(large["first_query_ms"].values()),
        "command_p50_ms_small": small["command_p50_ms"],
        "command_p50_ms_large": large["command_p50_ms"],
        "peak_rss_mb": large["peak_rss_mb"],
        "goals": {"list_p95_ms": LIST_GOAL_MS, "first_query_after_restart_ms": FIRST_QUERY_GOAL_MS,
                  "peak_rss_mb": RSS_LIMIT_MB},
        "lists_p95_ms": large["list_p95_ms"], "first_queries_ms": large["first_query_ms"],
        "build_s": large["build_s"],
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    SIZE_FIGURES.parent.mkdir(parents=True, exist_ok=True)
    SIZE_FIGURES.write_text(json.dumps(size, indent=2) + "\n")  # make bench reports the last of these
    print(json.dumps({"size": size}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
