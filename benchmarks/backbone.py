"""Figures for the backbone on this machine (not a test: it prints, it asserts nothing).

    .venv/bin/python benchmarks/backbone.py [--events 2000] [--cases 200]

1. store:    commands/s saving a routed case with its integration event (one transaction)
2. relay:    events/s published with publisher confirms and persistent delivery
3. consumer: events/s handled in order with tracking (upstream log read in-process)
4. end to end through separate processes over HTTP and RabbitMQ (SQLite): cases/s from
   routing at intake to open at casework, and the latency of one case at a time.
Each on SQLite and PostgreSQL where it applies; ratios against DESIGN.md's reference rates.
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.casework.application import CaseworkApplication  # noqa: E402
from shared.consumer import OrderedConsumer  # noqa: E402
from shared.relay import OutboxRelay  # noqa: E402
from tests.backbone.test_backbone import FirstContactDesk  # noqa: E402
from tests.support.centre import Centre  # noqa: E402
from tests.support.infra import (  # noqa: E402
    amqp_uri_for,
    delete_vhost,
    drop_postgres_database,
    new_postgres_database,
    new_vhost,
)
from tests.support.waiting import wait_for  # noqa: E402

REFERENCE = {"save_sqlite": 2500, "save_postgres": 1600, "publish_confirms": 4000, "naive_pipeline": 280}


def backbone(backend: str, events: int, workdir: Path) -> dict:
    made = []

    def url(name):
        if backend == "postgres":
            admin, db, u = new_postgres_database()
            made.append((admin, db))
            return u
        return f"sqlite:///{workdir}/{backend}-{name}.sqlite"

    vhost = new_vhost()
    amqp_uri = amqp_uri_for(vhost)
    desk, casework = FirstContactDesk(url("intake")), CaseworkApplication(url("casework"))
    try:
        started = time.perf_counter()
        for i in range(events):
            desk.route(f"person {i}")
        store_rate = events / (time.perf_counter() - started)

        consumer = OrderedConsumer(
            casework, amqp_uri, lambda u, a, b: desk.log_for("casework", after=a, before=b, limit=500),
            catch_up_interval=3600)
        consumer_thread = eventlet.spawn(consumer.run)
        wait_for(lambda: consumer.connected)
        consumer.catch_up = lambda: None  # measure handling of delivered messages, not log reads

        relay = OutboxRelay(desk, amqp_uri, batch_size=500)
        started = time.perf_counter()
        relay_thread = eventlet.spawn(relay.run)
        wait_for(lambda: relay.published == events)
        publish_rate = events / (time.perf_counter() - started)
        wait_for(lambda: consumer.handled == events)
        pipeline_rate = events / (time.perf_counter() - started)
        for worker, thread in ((relay, relay_thread), (consumer, consumer_thread)):
            worker.stop()
            thread.wait()
        return {"store": store_rate, "publish": publish_rate, "pipeline": pipeline_rate}
    finally:
        desk.close()
        casework.close()
        delete_vhost(vhost)
        for admin, db in made:
            drop_postgres_database(admin, db)


def end_to_end(cases: int, workdir: Path) -> dict:
    vhost = new_vhost()
    centre = Centre(amqp_uri_for(vhost), workdir / "e2e",
                    {s: f"sqlite:///{workdir}/e2e-{s}.sqlite" for s in ("intake", "casework")})
    try:
        centre.start("intake")
        centre.start("casework")
        contacts = [centre.talk(centre.register(f"Osoba {i}", 1000 + i)) for i in range(cases + 30)]
        started = time.perf_counter()
        for contact in contacts[:cases]:
            assert centre.route(contact).status_code == 201
        routed = time.perf_counter()
        wait_for(lambda: len(centre.open_cases()) == cases)
        drained = time.perf_counter()
        latencies = []
        for contact in contacts[cases:]:
            before = len(centre.open_cases())
            sent = time.perf_counter()
            centre.route(contact)
            wait_for(lambda: len(centre.open_cases()) > before)
            latencies.append((time.perf_counter() - sent) * 1000)
        return {
            "routing": cases / (routed - started),
            "pipeline": cases / (drained - started),
            "latency_p50": statistics.median(latencies),
            "latency_p95": statistics.quantiles(latencies, n=20)[-1],
        }
    finally:
        centre.stop()
        delete_vhost(vhost)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for backend in ("sqlite", "postgres"):
            r = backbone(backend, args.events, workdir)
            ref = REFERENCE[f"save_{backend}"]
            print(f"{backend:<8} store    {r['store']:7.0f} commands/s  ({r['store'] / ref:.2f} x eventsourcing save() reference {ref}/s; two records each)")
            print(f"{backend:<8} relay    {r['publish']:7.0f} events/s    ({r['publish'] / REFERENCE['publish_confirms']:.2f} x kombu publish with confirms 4000/s)")
            print(f"{backend:<8} pipeline {r['pipeline']:7.0f} events/s    relay + consumer with tracking, {args.events} events")
        e = end_to_end(args.cases, workdir)
        print(f"processes routing  {e['routing']:7.0f} cases/s     HTTP at intake, one at a time")
        print(f"processes pipeline {e['pipeline']:7.0f} cases/s     routing to open at casework "
              f"({e['pipeline'] / REFERENCE['naive_pipeline']:.2f} x naive nameko pipeline 280/s)")
        print(f"processes latency  p50 {e['latency_p50']:.0f} ms, p95 {e['latency_p95']:.0f} ms   one case, routed to open")
    return 0


if __name__ == "__main__":
    sys.exit(main())
