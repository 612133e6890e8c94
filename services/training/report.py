"""The staff report a manager reads: a table on the command line, or a page to print (HTML
with a chart of families per social worker, month by month, against the limit of 50).

    python -m services.training.report --from 2026-01-01 --to 2026-12-31 [--html report.html] [--url URL]

It asks the running training service for the figures (only that service reads its store).
"""

from __future__ import annotations

import argparse
import html
import sys
from datetime import date

from decimal import Decimal

import requests

TEAM_COLUMNS = (("staff", "staff"), ("fte", "FTE"), ("trained_people", "trained"), ("training_hours", "training h"),
                ("group_supervision", "group sup."), ("individual_supervision", "indiv. sup."),
                ("degree_I", "spec. I"), ("degree_II", "spec. II"), ("supervision_months_missed", "sup. missed"),
                ("families", "families"), ("decisions_issued", "decisions"), ("care_hours", "care h"))


def _cell(value) -> str:
    """A team's figure; a rule that does not apply to the team (management's supervision) is a dash."""
    return "–" if value is None else str(value)


def _visit(v: dict) -> str:
    who = ", ".join(p["name"] or p["employee_id"] for p in v["participants"])
    return f"{v['starts_on']} – {v['ends_on']} {v['host']} ({who}): {v['learned']}"


def _per_fte(value) -> str:
    return "no social worker" if value is None else str(value)


def render_table(report: dict) -> str:
    lines = [f"Staff report {report['from']} – {report['to']}", ""]
    lines.append(f"{'team':<12}" + "".join(f"{label:>12}" for _, label in TEAM_COLUMNS))
    for team, row in report["teams"].items():
        lines.append(f"{team:<12}" + "".join(f"{_cell(row.get(key)):>12}" for key, _ in TEAM_COLUMNS))
    centre, staffing = report["centre"], report["centre"]["staffing"]
    lines += ["", f"centre: {centre['staff']} staff, {centre['fte']} FTE; {centre['trained_people']} people trained, "
                  f"{centre['training_hours']} training hours; {centre['study_visits']} study visit(s)",
              f"social workers (art. 110 ust. 11): {staffing['social_worker_fte']} FTE, required "
              f"{staffing['required_fte']} FTE: {'met' if staffing['met'] else 'NOT met'}",
              f"  by inhabitants: {staffing['population']} / {staffing['inhabitants_per_worker']} = "
              f"{staffing['required_by_population']} FTE ({_per_fte(staffing['inhabitants_per_fte'])} "
              f"inhabitants per FTE)",
              f"  by families: {staffing['families_in_social_work']} / {staffing['families_per_worker']} = "
              f"{staffing['required_by_families']} FTE ({_per_fte(staffing['families_per_fte'])} families per FTE)",
              f"  either ratio suffices, never fewer than {staffing['minimum_workers']}", ""]
    lines.append("training hours per person: " + (", ".join(
        f"{name} {hours}" for name, hours in centre["training_hours_per_person"].items()) or "none"))
    workload = report["workload"]
    lines.append(f"families per social worker (limit {workload['limit']}):")
    lines += [f"  {w:<24}{n:>4}{'  OVER THE LIMIT' if n > workload['limit'] else ''}"
              for w, n in workload["families_per_social_worker"].items()] or ["  (none)"]
    lines.append("decisions per benefit officer:")
    lines += [f"  {w:<24}{n:>6}" for w, n in workload["decisions_per_officer"].items()] or ["  (none)"]
    lines.append("care hours per carer:")
    lines += [f"  {w:<24}{n:>6}" for w, n in workload["care_hours_per_carer"].items()] or ["  (none)"]
    lines.append(f"workload per team (families at the period's end; decisions and care hours in the period): "
                 f"centre {centre['families_in_social_work']} families, {centre['decisions_issued']} decisions, "
                 f"{centre['care_hours']} care hours")
    for team, load in workload["by_team"].items():
        if load["families"] or load["decisions_issued"] or Decimal(str(load["care_hours"])):
            per_worker = ", ".join(f"{w} {n}" for w, n in load["families_per_social_worker"].items())
            lines.append(f"  {team:<12} families {load['families']}" + (f" ({per_worker})" if per_worker else "")
                         + f", decisions {load['decisions_issued']}, care hours {load['care_hours']}")
    if workload["not_matched_to_staff"]:
        lines.append("  reported names not in the staff registry: " + ", ".join(workload["not_matched_to_staff"]))
    by_month = report["supervision_by_month"]
    lines.append(f"group supervision rule (at least once every {by_month['every_months']} month(s)), "
                 f"months not met:")
    lines += [f"  {team:<12}{', '.join(months) or 'none'}" for team, months in by_month["missed"].items()]
    behind = report["supervision_behind"]
    lines.append("teams behind on group supervision: " + (", ".join(
        f"{b['team']} (last {b['last_session'] or 'never'})" for b in behind) or "none"))
    lines.append("study visits:")
    lines += [f"  {_visit(v)}" for v in report["study_visits"]] or ["  (none)"]
    return "\n".join(lines)


def _scale(top: float) -> tuple[float, float]:
    """A round tick step for the y axis (1, 2, 5 x 10^n, at most about 6 ticks) and the axis top."""
    step = 1.0
    while top / step > 6:
        for factor in (2, 2.5, 2):
            step *= factor
            if top / step <= 6:
                break
    ticks = -(-top // step)
    return step, max(ticks, 1) * step


def workload_chart(report: dict, width: int = 640, height: int = 260) -> str:
    """An SVG chart of families per social worker at each month's end against the limit: a marker
    with its value for every worker and month (so a one-month report shows), lines joining the
    months, and a y axis with its scale."""
    months = report["workload"]["monthly"]
    workers = sorted({w for m in months for w in m["families_per_social_worker"]})
    limit = report["workload"]["limit"]
    step, top = _scale(max([limit] + [n for m in months for n in m["families_per_social_worker"].values()]) * 1.05)
    left, bottom, right, upper = 50, height - 30, width - 130, 20
    slot = (right - left) / max(len(months), 1)

    def x(i: int) -> float:
        return left + (i + 0.5) * slot  # each month in the middle of its slot: one month is centred

    def y(value: float) -> float:
        return bottom - value / top * (bottom - upper)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="families per social worker by month">',
             f'<line x1="{left}" y1="{upper}" x2="{left}" y2="{bottom}" stroke="#555"/>',
             f'<text x="{left - 36}" y="{upper - 6}" font-size="11">families</text>']
    tick = 0.0
    while tick <= top + 1e-9:
        parts.append(f'<line x1="{left - 4}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" '
                     f'stroke="{"#555" if tick == 0 else "#e3e3e3"}"/>'
                     f'<text class="y-tick" x="{left - 8}" y="{y(tick) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{tick:g}</text>')
        tick += step
    parts.append(f'<line x1="{left}" y1="{y(limit):.1f}" x2="{right}" y2="{y(limit):.1f}" stroke="#c0392b" '
                 f'stroke-dasharray="6 4"/><text x="{left + 4}" y="{y(limit) - 4:.1f}" font-size="12" '
                 f'fill="#c0392b">limit {limit}</text>')  # inside the plot: the legend is to the right
    for i, m in enumerate(months):
        parts.append(f'<text x="{x(i):.1f}" y="{bottom + 18}" font-size="11" text-anchor="middle">'
                     f'{m["month"]}</text>')
    colours = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")
    for n, worker in enumerate(workers):
        colour = colours[n % len(colours)]
        values = [m["families_per_social_worker"].get(worker, 0) for m in months]
        if len(months) > 1:
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, (m, value) in enumerate(zip(months, values)):
            label = html.escape(f"{worker}, {m['month']}: {value}")
            parts.append(f'<circle class="point" cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="{colour}" '
                         f'data-worker="{html.escape(worker)}" data-month="{m["month"]}" data-value="{value}">'
                         f'<title>{label}</title></circle>'
                         f'<text x="{x(i) + 7:.1f}" y="{y(value) - 6:.1f}" font-size="11" fill="{colour}">'
                         f'{value}</text>')
        parts.append(f'<text x="{right + 6}" y="{40 + n * 16}" font-size="12" fill="{colour}">'
                     f'{html.escape(worker)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def supervision_grid(report: dict) -> str:
    """Each team against each month of the period: met, or NOT met (the centre's rule)."""
    by_month = report["supervision_by_month"]
    heads = "".join(f"<th>{m}</th>" for m in by_month["months"])
    rows = "".join(
        f"<tr><th>{html.escape(team)}</th>" + "".join(
            '<td class="missed">NOT met</td>' if m in missed else '<td class="met">met</td>'
            for m in by_month["months"]) + "</tr>" for team, missed in by_month["missed"].items())
    return (f"<p>Rule: each team a group supervision at least once every {by_month['every_months']} month(s).</p>"
            f"<table><tr><th>team</th>{heads}</tr>{rows}</table>")


def visits_table(report: dict) -> str:
    if not report["study_visits"]:
        return "<p>none</p>"
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in (
            v["host"], v["starts_on"], v["ends_on"],
            ", ".join(p["name"] or p["employee_id"] for p in v["participants"]), v["learned"])) + "</tr>"
        for v in report["study_visits"])
    return ("<table><tr><th>host centre</th><th>from</th><th>to</th><th>participants</th><th>what was learned</th>"
            f"</tr>{rows}</table>")


def render_html(report: dict) -> str:
    rows = "".join(
        "<tr><th>" + html.escape(team) + "</th>" + "".join(f"<td>{html.escape(_cell(row.get(key)))}</td>"
                                                           for key, _ in TEAM_COLUMNS) + "</tr>"
        for team, row in report["teams"].items())
    heads = "".join(f"<th>{html.escape(label)}</th>" for _, label in TEAM_COLUMNS)
    text = html.escape(render_table(report).split("\n\n", 2)[-1])
    return f"""<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Staff report {report['from']} – {report['to']}</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:4px 8px;text-align:right}} th:first-child{{text-align:left}}
td.missed{{color:#c0392b;font-weight:bold}}
pre{{background:#f6f6f6;padding:1em;white-space:pre-wrap}}</style></head><body>
<h1>Staff report {report['from']} – {report['to']}</h1>
<h2>Teams</h2><table><tr><th>team</th>{heads}</tr>{rows}</table>
<h2>Group supervision, month by month</h2>{supervision_grid(report)}
<h2>Study visits</h2>{visits_table(report)}
<h2>Families per social worker, month by month</h2>{workload_chart(report)}
<h2>Centre, workload and supervision</h2><pre>{text}</pre>
</body></html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.training.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="first", required=True, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, help="YYYY-MM-DD")
    parser.add_argument("--url", default="http://127.0.0.1:8005", help="the training service")
    parser.add_argument("--html", help="also write the printable report to this file")
    args = parser.parse_args(argv)
    for value, flag in ((args.first, "--from"), (args.last, "--to")):
        try:
            date.fromisoformat(value)
        except ValueError:
            parser.error(f"{flag}: {value!r} is not a date YYYY-MM-DD")
    try:
        response = requests.get(f"{args.url}/report", params={"from": args.first, "to": args.last}, timeout=30)
    except requests.ConnectionError:
        parser.error(f"the training service does not answer at {args.url}")
    if response.status_code != 200:
        parser.error(response.json().get("message", response.text))
    report = response.json()
    print(render_table(report))
    if args.html:
        with open(args.html, "w", encoding="utf-8") as page:
            page.write(render_html(report))
        print(f"\nprintable report: {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
