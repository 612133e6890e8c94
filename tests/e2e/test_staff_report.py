"""Workload in the staff report comes from real events over RabbitMQ, and the report file a
manager prints carries the same figures: separate processes."""

import subprocess
import sys

import requests

from tests.support.people import LEADER, WORKERS
from tests.support.waiting import wait_for


def test_the_staff_report_counts_what_casework_reported(centre, tmp_path):
    for service in ("intake", "casework", "training"):
        centre.start(service)
    casework, training = centre.url("casework"), centre.url("training")
    requests.post(f"{training}/employees", json={"name": WORKERS[0], "team": "casework", "role": "social_worker",
                                                 "fte": "1", "joined_on": "2026-01-01"}, timeout=10).raise_for_status()
    cases = [centre.first_contact_to_casework(f"Osoba {i}", 40 + i) for i in range(3)]
    wait_for(lambda: len(centre.open_cases()) == 3, what="three cases")
    for case_id in cases:
        requests.post(f"{casework}/cases/{case_id}/assignment", json={"worker": WORKERS[0], "on": "2026-11-03"},
                      headers={"X-Staff": LEADER}, timeout=10).raise_for_status()

    def report():
        return requests.get(f"{training}/report", params={"from": "2026-11-01", "to": "2026-11-30"}, timeout=10).json()

    wait_for(lambda: report()["workload"]["families_per_social_worker"] == {WORKERS[0]: 3}, what="the workload")
    page = tmp_path / "report.html"
    printed = subprocess.run(
        [sys.executable, "-m", "services.training.report", "--from", "2026-11-01", "--to", "2026-11-30",
         "--url", training, "--html", str(page)], capture_output=True, text=True, timeout=60, check=True).stdout
    assert f"{WORKERS[0]:<24}   3" in printed
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and WORKERS[0] in html and "   3" in html
    chart = html[html.index("<svg"):html.index("</svg>")]
    # One month still draws: the worker's point for November carries the value 3, on a y-axis scale.
    assert f'data-worker="{WORKERS[0]}" data-month="2026-11" data-value="3"' in chart
    assert f"<title>{WORKERS[0]}, 2026-11: 3</title>" in chart
    assert chart.count('class="y-tick"') >= 3 and ">50</text>" in chart and "limit 50" in chart
    bad = subprocess.run([sys.executable, "-m", "services.training.report", "--from", "listopad", "--to", "x",
                          "--url", training], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "not a date" in bad.stderr
