"""Workload in the staff report comes from real events over RabbitMQ, and the report file a
manager prints carries the same figures: separate processes, signed in at the gateway."""

import os
import subprocess
import sys

from tests.support.waiting import wait_for

WORKER = "Tomasz Nowicki"  # the demo social worker (deploy/staff.py)


def test_the_staff_report_counts_what_casework_reported(centre, tmp_path):
    for service in ("intake", "casework", "training"):
        centre.start(service)
    staff_officer, leader = centre.as_role("staff_development_officer"), centre.as_role("social_work_team_leader")
    staff_officer.ok(staff_officer.post("training", "/employees", {
        "name": WORKER, "team": "casework", "role": "social_worker", "fte": "1", "joined_on": "2026-01-01"}))
    cases = [centre.first_contact_to_casework(f"Osoba {i}", 40 + i) for i in range(3)]
    wait_for(lambda: len(centre.open_cases()) == 3, what="three cases")
    for case_id in cases:
        wait_for(lambda: leader.post("casework", f"/cases/{case_id}/assignment",
                                     {"worker": WORKER, "on": "2026-11-03"}).status_code == 200, what="assigned")

    def report(who=staff_officer):
        return who.ok(who.get("training", "/report", params={"from": "2026-11-01", "to": "2026-11-30"}), 200)

    wait_for(lambda: report()["workload"]["families_per_social_worker"] == {WORKER: 3}, what="the workload")
    # The director sees the same figures without a name.
    director = report(centre.as_role("director"))
    assert WORKER not in str(director) and director["view"] == "indicators"

    page = tmp_path / "report.html"
    environment = {**os.environ, "OPS_TOKEN": staff_officer.token}
    printed = subprocess.run(
        [sys.executable, "-m", "services.training.report", "--from", "2026-11-01", "--to", "2026-11-30",
         "--gateway", centre.url("gateway"), "--html", str(page)], capture_output=True, text=True, timeout=60,
        check=True, env=environment).stdout
    assert f"{WORKER:<24}   3" in printed
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and WORKER in html and "   3" in html
    chart = html[html.index("<svg"):html.index("</svg>")]
    # One month still draws: the worker's point for November carries the value 3, on a y-axis scale.
    assert f'data-worker="{WORKER}" data-month="2026-11" data-value="3"' in chart
    assert f"<title>{WORKER}, 2026-11: 3</title>" in chart
    assert chart.count('class="y-tick"') >= 3 and ">50</text>" in chart and "limit 50" in chart
    bad = subprocess.run([sys.executable, "-m", "services.training.report", "--from", "listopad", "--to", "x",
                          "--gateway", centre.url("gateway")], capture_output=True, text=True, timeout=60,
                         env=environment)
    assert bad.returncode == 2 and "not a date" in bad.stderr
    unsigned = subprocess.run([sys.executable, "-m", "services.training.report", "--from", "2026-11-01", "--to",
                               "2026-11-30", "--gateway", centre.url("gateway")], capture_output=True, text=True,
                              timeout=60, env={k: v for k, v in os.environ.items() if k != "OPS_TOKEN"})
    assert unsigned.returncode != 0 and "sign in" in unsigned.stderr.lower()
