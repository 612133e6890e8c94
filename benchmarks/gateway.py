"""`make bench-gateway`: what the door costs. The same requests to intake, straight (with a
token the gateway's key signs) and through the gateway (signed in), alternating in rounds in
the same run; prints the added latency (p50, p95) one at a time and with several in flight, and
the gateway's peak RSS (prints figures; asserts nothing). The last line is one JSON object.

    .venv/bin/python benchmarks/gateway.py [--requests 2000] [--in-flight 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.backbone import peak_rss_mb, percentile  # noqa: E402
from deploy.staff import BY_ROLE  # noqa: E402
from shared.identity import Staff, TokenIssuer, signing_key  # noqa: E402
from shared.roles import FIRST_CONTACT_OFFICER  # noqa: E402
from tests.support.centre import Centre  # noqa: E402
from tests.support.infra import new_deployment  # noqa: E402

GOAL_ADDED_P50_MS = 5
RSS_LIMIT_MB = 150


def timed(session: requests.Session, url: str, headers: dict) -> float:
    started = time.perf_counter()
    response = session.get(url, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return (time.perf_counter() - started) * 1000


def run(round_size: int, in_flight: int, straight, through) -> tuple[list[float], list[float]]:
    """Alternating rounds of the same request, straight and through the gateway."""
    direct, gated = [], []
    with ThreadPoolExecutor(in_flight) as pool:
        for _ in range(4):
            direct += list(pool.map(lambda _: straight(), range(round_size)))
            gated += list(pool.map(lambda _: through(), range(round_size)))
    return direct, gated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per path and concurrency")
    parser.add_argument("--in-flight", type=int, default=20)
    args = parser.parse_args()
    broker = new_deployment()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        centre = Centre(broker, workdir / "var", {s: f"sqlite:///{workdir}/{s}.sqlite"
                                                  for s in ("intake", "casework", "decisions", "care", "training",
                                                            "gateway")})
        try:
            centre.start("intake")
            person = centre.register("Osoba Pomiarowa", 1)
            desk = centre.desk
            path = f"/persons/{person}"
            issuer = TokenIssuer(signing_key(centre.data_dir / "secrets"))
            staff = Staff(id=str(uuid.uuid4()), name=BY_ROLE[FIRST_CONTACT_OFFICER].name,
                          roles=frozenset({FIRST_CONTACT_OFFICER}))
            sessions: dict[str, requests.Session] = {}

            def session(kind: str) -> requests.Session:  # one keep-alive connection per client thread
                return sessions.setdefault(f"{kind}-{threading.get_ident()}", requests.Session())

            def straight() -> float:
                # A fresh token each time, as the gateway mints one per request.
                return timed(session("direct"), f"{centre.url('intake')}{path}",
                             {"Authorization": f"Bearer {issuer.mint(staff, 'intake')}"})

            def through() -> float:
                return timed(session("gateway"), desk.url("intake", path), {"Authorization": f"Bearer {desk.token}"})

            for _ in range(50):  # warm up both paths
                straight(), through()
            figures = {}
            for label, in_flight in (("one_at_a_time", 1), (f"{args.in_flight}_in_flight", args.in_flight)):
                direct, gated = run(args.requests // 4, in_flight, straight, through)
                figures[label] = {
                    "direct_p50_ms": round(statistics.median(direct), 2),
                    "gateway_p50_ms": round(statistics.median(gated), 2),
                    "added_p50_ms": round(statistics.median(gated) - statistics.median(direct), 2),
                    "added_p95_ms": round(percentile(gated, 95) - percentile(direct, 95), 2),
                }
            figures["gateway_peak_rss_mb"] = round(peak_rss_mb(centre.processes["gateway"].process.pid), 1)
            figures["intake_peak_rss_mb"] = round(peak_rss_mb(centre.processes["intake"].process.pid), 1)
        finally:
            centre.stop()
            broker.remove()
    for label in ("one_at_a_time", f"{args.in_flight}_in_flight"):
        f = figures[label]
        print(f"{label:<16} straight p50 {f['direct_p50_ms']:6.2f} ms, through the gateway p50 "
              f"{f['gateway_p50_ms']:6.2f} ms: added p50 {f['added_p50_ms']:6.2f} ms (goal < {GOAL_ADDED_P50_MS}), "
              f"added p95 {f['added_p95_ms']:6.2f} ms")
    print(f"gateway peak RSS {figures['gateway_peak_rss_mb']} MB (limit {RSS_LIMIT_MB} MB)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
