"""The staff-development officer's pages: the staff report for a period with its charts (inline
SVG drawn here, each with a table of the same figures), the employees (register, move, degree of
specialisation, leaving; group supervision and the teams behind with it), and the trainings
(plan, enrol, attendance, completion). The data is training's, asked with the signed-in
officer's token."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

from services.gateway.ui.care import SERVICE_KINDS
from services.gateway.ui.common import Pages
from services.gateway.schemas import PAGE, STAFF_REPORT_QUERY
from services.gateway.web import gateway_api
from shared.roles import STAFF_DEVELOPMENT_OFFICER

STAFF = {STAFF_DEVELOPMENT_OFFICER}
SHOWN = 100  # training's lists take no paging parameters: a page shows at most this many rows

# Polish names of training's codes.
TEAMS = {"intake": "pierwszy kontakt", "casework": "praca socjalna", "decisions": "świadczenia", "care": "usługi",
         "management": "kierownictwo"}
JOBS = {"social_worker": "pracownik socjalny", "benefit_officer": "specjalista ds. świadczeń",
        "carer": "opiekun(ka)", "family_assistant": "asystent rodziny",
        "first_contact_officer": "pracownik pierwszego kontaktu", "team_leader": "kierownik zespołu",
        "manager": "kadra kierownicza"}
DEGREES = {"I": "I stopnia", "II": "II stopnia"}
SUPERVISION_KINDS = {"group": "grupowa", "individual": "indywidualna"}
# Care hours by the kind of service care reported with them (before CareHoursDelivered v2: none).
CARE_HOURS_KINDS = {**SERVICE_KINDS, "not_reported": "rodzaj niepodany (sprzed zmiany zdarzenia)"}
NAMES = dict(TEAMS=TEAMS, JOBS=JOBS, DEGREES=DEGREES, SUPERVISION_KINDS=SUPERVISION_KINDS, SHOWN=SHOWN,
             CARE_HOURS_KINDS=CARE_HOURS_KINDS)

# The chart's geometry (px): a horizontal bar per row, its label on the left, its value after it.
CHART_WIDTH, LABEL_WIDTH, VALUE_WIDTH, ROW_HEIGHT, BAR_HEIGHT, TOP, BOTTOM = 720, 200, 70, 30, 20, 10, 30


class TrainingPages(Pages):
    # Method names carry the team's prefix: every team's pages are mixed into one service class.

    @gateway_api("GET", "/kadry", roles=STAFF, query=STAFF_REPORT_QUERY, answer=PAGE)
    def training_report(self, request):
        first, last, wrong = _period(request.args.get("od"), request.args.get("do"))

        def build():
            report = self._answer(request.staff, "training", "/report",
                                  {"from": first.isoformat(), "to": last.isoformat()})
            teams = report["teams"]
            staff_chart = bar_chart("wykres-zespoly", "Pracownicy w zespołach",
                                    f"Liczba pracowników w każdym zespole w okresie {_pl(first)} – {_pl(last)}.",
                                    [(TEAMS.get(t, t), _number(row["staff"])) for t, row in teams.items()],
                                    unit="os.")
            hours_chart = bar_chart("wykres-szkolenia", "Godziny szkoleń w zespołach",
                                    f"Godziny ukończonych szkoleń w każdym zespole w okresie {_pl(first)} – "
                                    f"{_pl(last)}.",
                                    [(TEAMS.get(t, t), _number(row["training_hours"])) for t, row in teams.items()],
                                    unit="godz.")
            load = report["workload"]["families_per_social_worker"]
            limit = report["workload"]["limit"]
            families_chart = bar_chart("wykres-rodziny", "Rodziny na pracownika socjalnego",
                                       f"Rodziny i osoby w pracy socjalnej u każdego pracownika socjalnego na "
                                       f"{_pl(last)}, wobec limitu {limit} (art. 110 ust. 11).",
                                       [(w, _number(n)) for w, n in load.items()], unit="", limit=limit) \
                if load else None
            return self.page(request, "training/report.html", "Raport kadrowy", report=report, first=first,
                             last=last, wrong_period=wrong, staff_chart=staff_chart, hours_chart=hours_chart,
                             families_chart=families_chart, **NAMES)
        return self.service_page(request, "Raport kadrowy", build)

    @gateway_api("GET", "/pracownicy", roles=STAFF, answer=PAGE)
    def training_employees(self, request):
        def build():
            employees = sorted(self._answer(request.staff, "training", "/employees"),
                               key=lambda e: (e["left_on"] is not None, e["name"]))
            behind = self._answer(request.staff, "training", "/supervision/behind",
                                  {"today": date.today().isoformat()})
            return self.page(request, "training/employees.html", "Pracownicy", employees=employees[:SHOWN],
                             total=len(employees), behind=behind, teams=self._training_teams(request), **NAMES)
        return self.service_page(request, "Pracownicy", build)

    @gateway_api("GET", "/pracownik/<uuid:employee_id>", roles=STAFF, answer=PAGE)
    def training_employee(self, request, employee_id: UUID):
        def build():
            employees = self._answer(request.staff, "training", "/employees")
            employee = next((e for e in employees if e["employee_id"] == str(employee_id)), None)
            if employee is None:
                return self.page(request, "refused.html", "Pracownik", status=404,
                                 answer={"error": "NotFound", "message": "Nie ma takiego pracownika."})
            trainings = [t for t in self._answer(request.staff, "training", "/trainings")
                         if employee["employee_id"] in t["enrolled"]]
            return self.page(request, "training/employee.html", f"Pracownik: {employee['name']}", employee=employee,
                             trainings=trainings, teams=self._training_teams(request), **NAMES)
        return self.service_page(request, "Pracownik", build)

    @gateway_api("GET", "/szkolenia", roles=STAFF, answer=PAGE)
    def training_trainings(self, request):
        def build():
            trainings = sorted(self._answer(request.staff, "training", "/trainings"), key=lambda t: t["days"][0],
                               reverse=True)
            return self.page(request, "training/trainings.html", "Szkolenia", trainings=trainings[:SHOWN],
                             total=len(trainings), **NAMES)
        return self.service_page(request, "Szkolenia", build)

    @gateway_api("GET", "/szkolenie/<uuid:training_id>", roles=STAFF, answer=PAGE)
    def training_training(self, request, training_id: UUID):
        def build():
            training = next((t for t in self._answer(request.staff, "training", "/trainings")
                             if t["training_id"] == str(training_id)), None)
            if training is None:
                return self.page(request, "refused.html", "Szkolenie", status=404,
                                 answer={"error": "NotFound", "message": "Nie ma takiego szkolenia."})
            employees = self._answer(request.staff, "training", "/employees")
            names = {e["employee_id"]: e["name"] for e in employees}
            return self.page(request, "training/training.html", f"Szkolenie: {training['title']}",
                             training=training, names=names,
                             employees=sorted((e for e in employees if not e["left_on"]), key=lambda e: e["name"]),
                             **NAMES)
        return self.service_page(request, "Szkolenie", build)

    def _training_teams(self, request) -> list[str]:
        """The centre's teams (its configuration, which training's report lists)."""
        today = date.today().isoformat()
        return list(self._answer(request.staff, "training", "/report", {"from": today, "to": today})["teams"])


def bar_chart(chart_id: str, title: str, description: str, rows: list[tuple[str, Decimal]], unit: str,
              limit: int | None = None) -> dict:
    """A horizontal bar chart's shapes, computed here and drawn by the template as inline SVG;
    the same rows go into the table that is its text alternative."""
    step = _nice_step(max([v for _, v in rows] + [Decimal(limit or 0), Decimal(1)]) / 4)
    top = step * _ceil(max([v for _, v in rows] + [Decimal(limit or 0), Decimal(1)]) / step)
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [{"label": label, "value": value, "y": TOP + i * ROW_HEIGHT,
             "width": float(value / top * span) if value > 0 else 0.0} for i, (label, value) in enumerate(rows)]
    height = TOP + len(rows) * ROW_HEIGHT + BOTTOM
    return {"id": chart_id, "title": title, "description": description, "bars": bars, "unit": unit,
            "width": CHART_WIDTH, "height": height, "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT,
            "span": span, "top": top,
            "limit_x": LABEL_WIDTH + float(Decimal(limit) / top * span) if limit else None, "limit": limit,
            "ticks": [{"x": LABEL_WIDTH + float(step * i / top * span), "value": _tick(step * i)}
                      for i in range(int(_ceil(top / step)) + 1)]}


def _nice_step(raw: Decimal) -> Decimal:
    """A round step for the axis (1, 2 or 5 times a power of ten), never below 1 (whole people)."""
    if raw <= 1:
        return Decimal(1)
    power = Decimal(10) ** (len(str(int(raw))) - 1)
    return next(power * m for m in (1, 2, 5, 10) if power * m >= raw)


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding="ROUND_CEILING")


def _tick(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}".replace(".", ",")


def _number(value) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def _pl(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _period(asked_from: str | None, asked_to: str | None) -> tuple[date, date, bool]:
    """The report's period (?od=&do=, dates): by default from the year's start to today."""
    today = date.today()
    first, last, wrong = today.replace(month=1, day=1), today, False
    try:
        if asked_from:
            first = date.fromisoformat(asked_from)
        if asked_to:
            last = date.fromisoformat(asked_to)
    except ValueError:
        return today.replace(month=1, day=1), today, True
    if last < first:
        return today.replace(month=1, day=1), today, True
    return first, last, wrong
