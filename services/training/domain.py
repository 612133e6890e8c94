"""Staff development (kadra): who works in which team, trainings, supervision, study visits,
specialisation, and the workload facts other teams report. Pure Python.

Staff data is its own class: nothing here is about clients. Workload facts arrive from the
other teams as names, dates and counts only.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any, Collection, Iterable

from dateutil.relativedelta import relativedelta
from eventsourcing.domain import Aggregate, event

from services.training.rules import StaffingRule
from shared.values import InvalidDate, MissingText, UnknownCode, a_code, a_date, a_number, a_text  # noqa: F401  (re-exported)

NAMESPACE = uuid.UUID("9e5d1c2a-7b3f-4f0e-8a6d-2c1b0e9f7a44")

ROLES = ("social_worker", "benefit_officer", "carer", "family_assistant", "first_contact_officer",
         "team_leader", "manager")
DEGREES = ("I", "II")
SUPERVISION_KINDS = ("group", "individual")
FACT_KINDS = ("case_assigned", "case_closed", "decision_issued", "care_hours")


class TrainingError(ValueError):
    """A staff command the rules do not allow."""


class NotFound(LookupError):
    pass


class NotEnrolled(TrainingError):
    pass


class IncompleteAttendance(TrainingError):
    field = "employee_id"


class EmployeeLeft(TrainingError):
    pass


class SpecialisationOutOfOrder(TrainingError):
    """Degree II of the specialisation follows degree I, in order and in time."""


REPORT_YEARS_MAX = 10  # a report's period: a month, a half-year, a year, some years side by side


class PeriodOutOfOrder(TrainingError):
    """A period ends before it starts."""

    field = "to"


class PeriodTooLong(TrainingError):
    """A period longer than a report covers (a period of centuries kept the service busy for half a minute)."""

    field = "to"


def a_period(first: date, last: date) -> tuple[date, date]:
    """A period of the staff report or of the study visits: in order, at most REPORT_YEARS_MAX years."""
    if last < first:
        raise PeriodOutOfOrder("the period ends before it starts")
    if last > first + relativedelta(years=REPORT_YEARS_MAX):
        raise PeriodTooLong(f"a period is at most {REPORT_YEARS_MAX} years long")
    return first, last


def _decimal(value: Any, what: str, low: Decimal, high: Decimal) -> Decimal:
    number = a_number(value, what, TrainingError)  # "0,5" as the pages suggest, or 0.5
    if not (low < number <= high):
        raise TrainingError(f"{what} must be above {low} and at most {high}, not {value!r}")
    return number


class Employee(Aggregate):
    """An employee of the centre, in one of its configured teams."""

    @event("Registered")
    def __init__(self, name: str, team: str, role: str, fte: Decimal, joined_on: date):
        self.name = name
        self.team = team
        self.role = role
        self.fte = fte
        self.joined_on = joined_on
        self.left_on: date | None = None
        self.specialisations: list[dict] = []
        self.moves: list[dict] = []

    @classmethod
    def register(cls, name: str, team: str, role: str, fte: Any, joined_on: date, teams: Collection[str]) -> "Employee":
        return cls(name=a_text(name, "the employee's name"), team=a_code(team, teams, "team of this centre"),
                   role=a_code(role, ROLES, "role"), fte=_decimal(fte, "the full-time equivalent", Decimal(0),
                                                                 Decimal(1)),
                   joined_on=a_date(joined_on, "the joining date"))

    def employed_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)

    def team_on(self, day: date) -> str:
        team = self.team if not self.moves else self.moves[0]["from"]
        for move in self.moves:
            if move["on"] <= day:
                team = move["to"]
        return team

    def move(self, team: str, on: date, teams: Collection[str]) -> None:
        self._working()
        on = a_date(on, "the date of the move")
        if on < self.joined_on:
            raise InvalidDate("a move cannot precede joining")
        self._moved(team_from=self.team, to=a_code(team, teams, "team of this centre"), on=on)

    @event("Moved")
    def _moved(self, team_from: str, to: str, on: date) -> None:
        self.moves.append({"from": team_from, "to": to, "on": on})
        self.team = to

    def specialise(self, degree: str, obtained_on: date) -> None:
        """Specialisation in social work, degree I then II."""
        degree = a_code(degree, DEGREES, "specialisation degree")
        obtained_on = a_date(obtained_on, "the date obtained")
        held = [s["degree"] for s in self.specialisations]
        if degree in held:
            raise TrainingError(f"degree {degree} is recorded already")
        if degree == "II":
            first = next((s["obtained_on"] for s in self.specialisations if s["degree"] == "I"), None)
            if first is None:
                raise SpecialisationOutOfOrder("degree II follows degree I")
            if obtained_on < first:
                raise SpecialisationOutOfOrder(f"degree II ({obtained_on}) cannot precede degree I ({first})")
        self._specialised(degree=degree, obtained_on=obtained_on)

    @event("Specialised")
    def _specialised(self, degree: str, obtained_on: date) -> None:
        self.specialisations.append({"degree": degree, "obtained_on": obtained_on})

    def degree_on(self, day: date) -> str | None:
        held = [s["degree"] for s in self.specialisations if s["obtained_on"] <= day]
        return held[-1] if held else None

    def leave(self, on: date) -> None:
        self._working()
        on = a_date(on, "the leaving date")
        if on < self.joined_on:
            raise InvalidDate("leaving cannot precede joining")
        self._left(on=on)

    @event("Left")
    def _left(self, on: date) -> None:
        self.left_on = on

    def _working(self) -> None:
        if self.left_on:
            raise EmployeeLeft(f"{self.name} left on {self.left_on}")


class Training(Aggregate):
    """A training from the catalogue: its days, who enrolled, attended and completed."""

    @event("Planned")
    def __init__(self, title: str, topic: str, provider: str, hours: Decimal, days: list[date], place: str):
        self.title = title
        self.topic = topic
        self.provider = provider
        self.hours = hours
        self.days = days
        self.place = place
        self.enrolled: list[uuid.UUID] = []
        self.attendance: dict[str, list[date]] = {}
        self.completed: dict[str, dict] = {}

    @classmethod
    def plan(cls, title: str, topic: str, provider: str, hours: Any, days: Iterable[Any], place: str) -> "Training":
        days = sorted({a_date(d, "a training day") for d in days or ()})
        if not days:
            raise InvalidDate("a training has at least one day")
        return cls(title=a_text(title, "the title"), topic=a_text(topic, "the topic"),
                   provider=a_text(provider, "the provider"), hours=_decimal(hours, "hours", Decimal(0), Decimal(1000)),
                   days=days, place=a_text(place, "the place"))

    def enrol(self, employee_id: uuid.UUID) -> None:
        if employee_id in self.enrolled:
            raise TrainingError("enrolled already")
        self._enrolled(employee_id=employee_id)

    @event("Enrolled")
    def _enrolled(self, employee_id: uuid.UUID) -> None:
        self.enrolled.append(employee_id)

    def attend(self, employee_id: uuid.UUID, day: Any) -> None:
        if employee_id not in self.enrolled:
            raise NotEnrolled("only enrolled people attend")
        day = a_date(day, "the day")
        if day not in self.days:
            raise InvalidDate(f"{day} is not a day of this training")
        if day in self.attendance.get(str(employee_id), []):
            raise TrainingError("attendance on that day is recorded already")
        self._attended(employee_id=employee_id, day=day)

    @event("Attended")
    def _attended(self, employee_id: uuid.UUID, day: date) -> None:
        self.attendance = {**self.attendance, str(employee_id): [*self.attendance.get(str(employee_id), []), day]}

    def complete(self, employee_id: uuid.UUID, certificate: str) -> None:
        """Completed when present on every day; the certificate number is recorded."""
        if employee_id not in self.enrolled:
            raise NotEnrolled("only enrolled people complete a training")
        missed = [d for d in self.days if d not in self.attendance.get(str(employee_id), [])]
        if missed:
            raise IncompleteAttendance(f"absent on {', '.join(map(str, missed))}")
        if str(employee_id) in self.completed:
            raise TrainingError("completed already")
        self._completed(employee_id=employee_id, certificate=a_text(certificate, "the certificate number"))

    @event("Completed")
    def _completed(self, employee_id: uuid.UUID, certificate: str) -> None:
        self.completed = {**self.completed, str(employee_id): {"certificate": certificate, "on": self.days[-1]}}


class Supervision(Aggregate):
    """A supervision session: a team's group session, or an individual one."""

    @event("Held")
    def __init__(self, team: str, kind: str, held_on: date, supervisor: str, participants: list[uuid.UUID]):
        self.team = team
        self.kind = kind
        self.held_on = held_on
        self.supervisor = supervisor
        self.participants = participants

    @classmethod
    def hold(cls, team: str, kind: str, held_on: Any, supervisor: str, participants: Iterable[uuid.UUID],
             teams: Collection[str]) -> "Supervision":
        participants = list(dict.fromkeys(participants or ()))
        kind = a_code(kind, SUPERVISION_KINDS, "supervision kind")
        if not participants or (kind == "individual" and len(participants) != 1):
            raise TrainingError("a group session has participants; an individual one has exactly one")
        return cls(team=a_code(team, teams, "team of this centre"), kind=kind, held_on=a_date(held_on, "the date"),
                   supervisor=a_text(supervisor, "the supervisor"), participants=participants)


class StudyVisit(Aggregate):
    @event("Made")
    def __init__(self, host: str, starts_on: date, ends_on: date, participants: list[uuid.UUID], learned: str):
        self.host = host
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.participants = participants
        self.learned = learned

    @classmethod
    def record(cls, host: str, starts_on: Any, ends_on: Any, participants: Iterable[uuid.UUID],
               learned: str) -> "StudyVisit":
        starts_on, ends_on = a_date(starts_on, "the start"), a_date(ends_on, "the end")
        if ends_on < starts_on:
            raise InvalidDate("the visit ends before it starts")
        participants = list(dict.fromkeys(participants or ()))
        if not participants:
            raise TrainingError("a study visit has participants")
        return cls(host=a_text(host, "the host centre"), starts_on=starts_on, ends_on=ends_on,
                   participants=participants, learned=a_text(learned, "what was learned"))


class WorkloadFact(Aggregate):
    """A fact another team reported (a case assigned or closed, a decision, care hours, with the
    kind of care service when care reported it; care hours taken back, a negative amount, when
    care corrected what it had reported)."""

    class Reported(Aggregate.Created):
        source_event_id: str
        kind: str
        who: str
        on: date
        case_id: str | None
        amount: Decimal
        care_kind: str | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            """Facts stored before care reported the kind of its hours: not reported (None)."""
            state["care_kind"] = None

    @staticmethod
    def create_id(source_event_id: str, **_: Any) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, source_event_id)

    @event(Reported)
    def __init__(self, source_event_id: str, kind: str, who: str, on: date, case_id: str | None, amount: Decimal,
                 care_kind: str | None = None):
        self.kind = kind
        self.who = who
        self.on = on
        self.case_id = case_id
        self.amount = amount
        self.care_kind = care_kind


def supervision_behind(last_group_session: dict[str, date | None], today: date, every_months: int) -> list[dict]:
    """Teams with no group supervision within the centre's interval (e.g. every month)."""
    cutoff = today - relativedelta(months=every_months)
    return [{"team": team, "last_session": last,
             "was_due_by": last + relativedelta(months=every_months) if last else None}
            for team, last in sorted(last_group_session.items()) if last is None or last < cutoff]


def supervision_months_missed(group_sessions: dict[str, Iterable[date]], first: date, last: date,
                              every_months: int) -> dict[str, list[str]]:
    """Per team, the months of a period in which the centre's rule (a group supervision at least
    once every `every_months` calendar months) was not met: a month is met when the team had a
    group session in it or in the `every_months - 1` months before it (those may precede the
    period). A period ending within a month judges that month by the sessions up to its end."""
    if every_months < 1:
        raise TrainingError(f"the supervision interval is at least one month, not {every_months}")
    missed: dict[str, list[str]] = {}
    for team, sessions in group_sessions.items():
        sessions = sorted(sessions)
        missed[team] = []
        month = first.replace(day=1)
        while month <= last:
            window_from = month - relativedelta(months=every_months - 1)
            window_to = min(month + relativedelta(months=1, days=-1), last)
            if not any(window_from <= day <= window_to for day in sessions):
                missed[team].append(month.strftime("%Y-%m"))
            month += relativedelta(months=1)
    return missed


def name_key(name: Any) -> str:
    """Who a reported name is, however it was typed: "tomasz  NOWICKI " is Tomasz Nowicki."""
    return " ".join(str(name or "").split()).casefold()


def _up(number: Decimal) -> Decimal:
    """Shown to the hundredth, rounded up: a requirement of 4.5005 FTE is not met by 4.50."""
    return number.quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def staffing(social_worker_fte: Decimal, population: int, families_in_social_work: int,
             rule: StaffingRule) -> dict:
    """Art. 110 ust. 11: the centre employs one full-time social worker per 2,000 inhabitants
    OR per at most 50 families and single persons in social work, never fewer than 3. Either
    ratio satisfies the statute, so the requirement is the smaller one, but at least the
    minimum; it is compared with full-time equivalents, not with heads rounded up."""
    fte = Decimal(social_worker_fte)
    by_population = Decimal(population) / rule.inhabitants_per_worker
    by_families = Decimal(families_in_social_work) / rule.families_per_worker
    required = max(Decimal(rule.minimum_workers), min(by_population, by_families))
    return {"social_worker_fte": fte, "population": population, "families_in_social_work": families_in_social_work,
            "inhabitants_per_worker": rule.inhabitants_per_worker, "families_per_worker": rule.families_per_worker,
            "minimum_workers": rule.minimum_workers,
            "required_by_population": _up(by_population),
            "required_by_families": _up(by_families),
            "required_fte": _up(required),
            "inhabitants_per_fte": (Decimal(population) / fte).quantize(Decimal("1")) if fte else None,
            "families_per_fte": (Decimal(families_in_social_work) / fte).quantize(Decimal("0.1")) if fte else None,
            "met": fte >= required, "source": rule.source}
