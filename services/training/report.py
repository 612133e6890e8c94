"""The staff report a manager reads: a table on the command line, or a page to print (HTML
with a chart of families per social worker, month by month, against the limit of 50).

    python -m services.training.report --from 2026-01-01 --to 2026-12-31 [--html report.html]
        [--gateway URL | --url URL] [--token TOKEN]

It asks the running training service for the figures (only that service reads its store), and
the service answers only a signed-in member of staff: the staff-development officer gets the
whole report, the director its indicators without names. Sign in at the gateway (POST
URL/sign-in with {"login": ..., "password": ...} as JSON answers {"token": ...}) and pass the
token with --token or in OPS_TOKEN (the environment keeps it out of the process list); the
report is read through the gateway at URL/api/training/report. --url reads the training
service itself at URL/report; it then needs a token the gateway signed for training (tests).
"""

from __future__ import annotations

import argparse
import html
import os
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


NAMES_WITHHELD = "(per person: the staff-development officer's report only)"


def _indicators_only(report: dict) -> bool:
    """The director's report: indicators without names (services/training/application.py)."""
    return report.get("view") == "indicators"


def render_table(report: dict) -> str:
    if _indicators_only(report):
        return render_indicators_table(report)
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


def _team_rows(report: dict) -> list[str]:
    lines = [f"{'team':<12}" + "".join(f"{label:>12}" for _, label in TEAM_COLUMNS)]
    for team, row in report["teams"].items():
        lines.append(f"{team:<12}" + "".join(f"{_cell(row.get(key)):>12}" for key, _ in TEAM_COLUMNS))
    return lines


def render_indicators_table(report: dict) -> str:
    """The director's report as a table: teams, the centre, the staffing standard, workload
    totals, supervision and study visits, without a name."""
    centre, staffing, workload = report["centre"], report["centre"]["staffing"], report["workload"]
    lines = [f"Staff report {report['from']} – {report['to']} (indicators, without names)", "", *_team_rows(report)]
    lines += ["", f"centre: {centre['staff']} staff, {centre['fte']} FTE; {centre['trained_people']} people trained, "
                  f"{centre['training_hours']} training hours; {centre['study_visits']} study visit(s)",
              f"social workers (art. 110 ust. 11): {staffing['social_worker_fte']} FTE, required "
              f"{staffing['required_fte']} FTE: {'met' if staffing['met'] else 'NOT met'}",
              f"workload: {centre['families_in_social_work']} families, {centre['decisions_issued']} decisions, "
              f"{centre['care_hours']} care hours; {workload['social_workers_over_limit']} of "
              f"{workload['social_workers']} social worker(s) over the limit of {workload['limit']} families",
              "month by month (families; social workers over the limit): " + (", ".join(
                  f"{m['month']} {m['families']}; {m['social_workers_over_limit']}" for m in workload["monthly"])
                  or "none"), NAMES_WITHHELD]
    by_month = report["supervision_by_month"]
    lines.append(f"group supervision rule (at least once every {by_month['every_months']} month(s)), "
                 f"months not met:")
    lines += [f"  {team:<12}{', '.join(months) or 'none'}" for team, months in by_month["missed"].items()]
    lines.append("study visits:")
    lines += [f"  {v['starts_on']} – {v['ends_on']} {v['host']} ({v['participants']} participant(s))"
              for v in report["study_visits"]] or ["  (none)"]
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
    if _indicators_only(report):
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v[k]))}</td>" for k in (
            "host", "starts_on", "ends_on", "participants")) + "</tr>" for v in report["study_visits"])
        return f"<table><tr><th>host centre</th><th>from</th><th>to</th><th>participants</th></tr>{rows}</table>"
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
    chart = f"<p>{html.escape(NAMES_WITHHELD)}</p>" if _indicators_only(report) else workload_chart(report)
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
<h2>Families per social worker, month by month</h2>{chart}
<h2>Centre, workload and supervision</h2><pre>{text}</pre>
</body></html>
"""


DEFAULT_GATEWAY = "http://127.0.0.1:8000"


def report_url(gateway: str | None, service: str | None) -> str:
    """Where the report is read: through the gateway (its door to training), or at the service itself."""
    if service:
        return f"{service.rstrip('/')}/report"
    return f"{(gateway or DEFAULT_GATEWAY).rstrip('/')}/api/training/report"


def authorization(token: str) -> str:
    """The Authorization header's value for a token (a value already naming its scheme is kept)."""
    token = token.strip()
    return token if token.lower().startswith("bearer ") else f"Bearer {token}"


REFUSED = {
    401: "the token was not accepted (missing, expired, or the session has ended): sign in at the gateway again "
         "and pass the new token",
    403: "your role may not read the staff report: it is for the staff-development officer (and, as indicators "
         "without names, the director)",
}


def fetch_report(url: str, authorization_value: str, first: str, last: str) -> dict:
    """The report's JSON; a refusal raises RuntimeError with what to do."""
    response = requests.get(url, params={"from": first, "to": last},
                            headers={"Authorization": authorization_value}, timeout=30)
    if response.status_code != 200:
        try:
            answer = response.json()
            detail = f"{answer.get('error')}: {answer.get('message')}"
        except ValueError:
            detail = response.text[:200]
        hint = REFUSED.get(response.status_code)
        raise RuntimeError(f"{hint} ({detail})" if hint else detail)
    return response.json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.training.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="first", required=True, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, help="YYYY-MM-DD")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--gateway", help=f"the gateway (default {DEFAULT_GATEWAY}): the report is read at "
                                         "URL/api/training/report")
    where.add_argument("--url", help="the training service itself (URL/report), with a token the gateway signed "
                                     "for training")
    parser.add_argument("--token", default=os.environ.get("OPS_TOKEN"),
                        help="the token from signing in at the gateway (default: $OPS_TOKEN), sent as "
                             "'Authorization: Bearer TOKEN'")
    parser.add_argument("--html", help="also write the printable report to this file")
    args = parser.parse_args(argv)
    for value, flag in ((args.first, "--from"), (args.last, "--to")):
        try:
            date.fromisoformat(value)
        except ValueError:
            parser.error(f"{flag}: {value!r} is not a date YYYY-MM-DD")
    if not (args.token or "").strip():
        parser.error("the training service answers only a signed-in member of staff: sign in at the gateway "
                     "(POST <gateway>/sign-in with {\"login\": ..., \"password\": ...} as JSON answers a token) "
                     "and pass it with --token TOKEN or in OPS_TOKEN")
    url = report_url(args.gateway, args.url)
    try:
        report = fetch_report(url, authorization(args.token), args.first, args.last)
    except requests.ConnectionError:
        parser.error(f"nothing answers at {url}")
    except RuntimeError as refused:
        parser.error(str(refused))
    print(render_table(report))
    if args.html:
        with open(args.html, "w", encoding="utf-8") as page:
            page.write(render_html(report))
        print(f"\nprintable report: {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
