"""`make bench-ui`: the gateway's event stream under many pages (prints figures; asserts nothing).

    .venv/bin/python benchmarks/ui.py [--subscribers 300] [--cases 2000] [--in-flight 50]

intake, casework and the gateway run as separate `nameko run` processes on SQLite, on a fresh
broker virtual host. `--subscribers` streams (`GET /events`) are opened, spread evenly over the
roles (one signed-in session per role, its streams sharing it), each read by a thread of this
process as a page would. Then a first-contact desk of `--in-flight` clients registers
`--cases` people, records each talk and routes each case to casework, through the gateway.
Measured:
- latency p50/p95/p99: the CaseRouted event's time in intake's store → its arrival at each
  subscriber that may see it (social workers, their leader, the desk), the same machine's clock;
- whether every such subscriber got every routing exactly once, and nobody got what their role
  may not see;
- the gateway's peak RSS (VmHWM) and the CPU it used during the run.
The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.backbone import peak_rss_mb, percentile, stored_times  # noqa: E402
from deploy.client import StaffClient  # noqa: E402
from deploy.staff import BY_ROLE  # noqa: E402
from shared.contracts import REGISTRY  # noqa: E402
from shared.contracts.audience import visible  # noqa: E402
from shared.contracts.intake import CASE_ROUTED  # noqa: E402
from tests.support.centre import Centre  # noqa: E402
from tests.support.infra import new_deployment  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402

GOAL_P95_MS = 500
RSS_LIMIT_MB = 200
ROUTED = CASE_ROUTED["casework"].type
FRAME = re.compile(rb"event: (\S+)\n(?:data: (.*))?", re.S)
CASE_ID = re.compile(rb'"case_id": ?"([0-9a-f-]{36})"')


@dataclass
class Subscriber:
    """One page's stream: what arrived when (only what the figures need, not the events)."""

    gateway: str
    role: str
    token: str
    ready: threading.Event = field(default_factory=threading.Event)
    routed: list[tuple[float, str]] = field(default_factory=list)  # (arrival, case id)
    types: Counter = field(default_factory=Counter)
    ended: bool = False

    def start(self) -> "Subscriber":
        host, port = self.gateway.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=600)
        connection.request("GET", "/events", headers={"Authorization": f"Bearer {self.token}"})
        response = connection.getresponse()
        assert response.status == 200, response.status
        threading.Thread(target=self._read, args=(response,), daemon=True).start()
        return self

    def _read(self, response) -> None:
        pending = b""
        try:
            while chunk := response.read1(65536):
                arrived = time.time()
                pending += chunk
                *frames, pending = pending.split(b"\n\n")
                for frame in frames:
                    self._frame(frame, arrived)
        except OSError:
            pass
        self.ended = True

    def _frame(self, frame: bytes, arrived: float) -> None:
        match = FRAME.search(frame)
        if not match:
            return
        kind = match.group(1).decode()
        if kind == "ready":
            self.ready.set()
        elif kind.startswith("pl.ops."):
            self.types[kind] += 1
            if kind == ROUTED:
                self.routed.append((arrived, CASE_ID.search(match.group(2)).group(1).decode()))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=300)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--in-flight", type=int, default=50)
    args = parser.parse_args()
    roles = sorted(BY_ROLE)
    broker = new_deployment()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        urls = {s: f"sqlite:///{workdir}/{s}.sqlite" for s in ("intake", "casework", "decisions", "care", "training",
                                                                "gateway")}
        centre = Centre(broker, workdir / "var", urls)
        try:
            centre.start("intake")
            centre.start("casework")
            gateway = centre.url("gateway")
            gateway_pid = centre.processes["gateway"].process.pid
            tokens = {role: StaffClient(gateway, BY_ROLE[role].login).token for role in roles}
            subscribers = [Subscriber(gateway, roles[n % len(roles)], tokens[roles[n % len(roles)]]).start()
                           for n in range(args.subscribers)]
            wait_for(lambda: all(s.ready.is_set() for s in subscribers), timeout=120, what="every stream ready")
            seeing = [s for s in subscribers if visible(ROUTED, frozenset({s.role}))]
            cpu_before, started = cpu_seconds(gateway_pid), time.perf_counter()

            def one_case(n: int) -> None:
                centre.route(centre.talk(centre.register(f"Osoba Strumieniowa {n}", 10_000 + n)))

            with ThreadPoolExecutor(args.in_flight) as pool:
                list(pool.map(one_case, range(args.cases)))
            routed_in = time.perf_counter() - started
            wait_for(lambda: all(len(s.routed) >= args.cases for s in seeing), timeout=600,
                     what="every routing at every page that may see it")
            wall = time.perf_counter() - started
            cpu = cpu_seconds(gateway_pid) - cpu_before
            rss = peak_rss_mb(gateway_pid)
            committed, _ = stored_times(urls)
        finally:
            centre.stop()
            broker.remove()
    latencies = [(arrived - committed[case]) * 1000 for s in seeing for arrived, case in s.routed]
    exactly_once = all(len(s.routed) == len({c for _, c in s.routed}) == args.cases for s in seeing)
    not_theirs = sum(n for s in subscribers for kind, n in s.types.items()
                     if not visible(kind, frozenset({s.role})) and kind in REGISTRY)
    figures = {
        "subscribers": args.subscribers, "cases": args.cases, "subscribers_seeing_routings": len(seeing),
        "deliveries": len(latencies), "every_routing_exactly_once": exactly_once, "events_not_theirs": not_theirs,
        "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies), 1),
        "desk_routed_in_s": round(routed_in, 1), "all_delivered_in_s": round(wall, 1),
        "gateway_cpu_s": round(cpu, 1), "gateway_cpu_share": round(cpu / wall, 2),
        "gateway_peak_rss_mb": round(rss, 1),
    }
    print(f"{args.subscribers} streams ({len(seeing)} of them may see routings), {args.cases} cases routed "
          f"in {routed_in:.1f} s, all {len(latencies)} deliveries in {wall:.1f} s")
    print(f"commit → page: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms (goal < {GOAL_P95_MS}), "
          f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms")
    print(f"every routing exactly once at every page that may see it: {exactly_once}; "
          f"events a page's role may not see: {not_theirs}")
    print(f"gateway: CPU {cpu:.1f} s ({figures['gateway_cpu_share']:.0%} of a core), "
          f"peak RSS {figures['gateway_peak_rss_mb']} MB (limit {RSS_LIMIT_MB} MB)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
