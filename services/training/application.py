"""Staff development's application: the staff registry, trainings, supervision, study visits,
the workload facts other teams report, and the report a manager reads for a period.

It keeps no client's file (only staff's), so it records no reads. The report takes `reader`,
the member of staff asking: the staff-development officer gets it whole; anyone else (the
director) gets its indicators, without a name (docs: the director's page never shows a name)."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterable
from uuid import UUID

from dateutil.relativedelta import relativedelta

from services.training.domain import (
    Employee,
    NotFound,
    StudyVisit,
    Supervision,
    Training,
    WorkloadFact,
    a_period,
    name_key,
    staffing,
    supervision_behind,
    supervision_months_missed,
)
from services.training.read_model import Fact, TrainingReadModel
from services.training.rules import TrainingRules
from shared.contracts.care import CARE_HOURS_CORRECTED, CARE_HOURS_DELIVERED
from shared.contracts.casework import CASE_CLOSED, WORKER_ASSIGNED
from shared.contracts.decisions import DECISION_BY_OFFICER
from shared.dates import months_between
from shared.envelope import Envelope
from shared.roles import STAFF_DEVELOPMENT_OFFICER
from shared.store import ServiceApplication

# Which reported facts each upstream event is: (kind, who, on, amount, kind of care service) each. A
# correction of care hours takes back the hours as recorded (a negative amount on that carer and day)
# and counts them as corrected, so every sum over a period, a carer, a team or a kind follows it.
FACTS: dict[str, Callable[[dict], list[tuple]]] = {
    WORKER_ASSIGNED.type: lambda d: [("case_assigned", d["worker"], d["assigned_on"], 1, None)],
    CASE_CLOSED.type: lambda d: [("case_closed", d["worker"], d["closed_on"], 1, None)],
    DECISION_BY_OFFICER.type: lambda d: [("decision_issued", d["officer"], d["issued_on"], 1, None)],
    CARE_HOURS_DELIVERED.type: lambda d: [("care_hours", d["carer"], d["delivered_on"], d["hours"], d["kind"])],
    CARE_HOURS_CORRECTED.type: lambda d: [
        ("care_hours", d["old_carer"], d["old_delivered_on"], -d["old_hours"], d["kind"]),
        ("care_hours", d["carer"], d["delivered_on"], d["hours"], d["kind"])],
}
NOT_REPORTED = "not_reported"  # care hours delivered before care reported their kind of service
DEFAULT_TEAMS = ("intake", "casework", "decisions", "care", "management")


class TrainingApplication(ServiceApplication):
    service = "training"

    def __init__(self, database_url: str, teams: Iterable[str] = DEFAULT_TEAMS, population: int = 20000,
                 supervision_every_months: int = 1, rules_file: str | None = None, **settings: Any):
        super().__init__(database_url, **settings)
        self.rules = TrainingRules.load(rules_file or None)  # art. 110 ust. 11, effective-dated
        self.teams = tuple(teams)  # the centre's own structure: 3 or 4 teams (art. 110a) and management
        self.population = int(population)  # the municipality's inhabitants, for art. 110 ust. 11
        self.supervision_every_months = int(supervision_every_months)

    @functools.cached_property
    def read_model(self) -> TrainingReadModel:
        """The reported facts and the registry's records as tables (made when first read)."""
        return TrainingReadModel(self)

    def read_models(self) -> list:
        return [self.read_model]

    # --- facts from other teams ---------------------------------------------------------------

    def policy(self, envelope: Envelope) -> list[Any]:
        if envelope.type not in FACTS:
            return []
        # One fact per event keeps the event's id; a second one of the same event is told apart by its number.
        return [WorkloadFact(source_event_id=envelope.id if n == 0 else f"{envelope.id}/{n}", kind=kind, who=who,
                             on=date.fromisoformat(on), case_id=envelope.data.get("case_id"),
                             amount=Decimal(str(amount)), care_kind=care_kind)
                for n, (kind, who, on, amount, care_kind) in enumerate(FACTS[envelope.type](envelope.data))]

    # --- commands --------------------------------------------------------------------------------

    def register_employee(self, **employee: Any) -> UUID:
        registered = Employee.register(teams=self.teams, **employee)
        self.save(registered)
        return registered.id

    def move(self, employee_id: UUID, team: str, on: date) -> None:
        self._do(Employee, employee_id, lambda e: e.move(team, on, self.teams))

    def specialise(self, employee_id: UUID, degree: str, obtained_on: date) -> None:
        self._do(Employee, employee_id, lambda e: e.specialise(degree, obtained_on))

    def leave(self, employee_id: UUID, on: date) -> None:
        self._do(Employee, employee_id, lambda e: e.leave(on))

    def plan_training(self, **training: Any) -> UUID:
        planned = Training.plan(**training)
        self.save(planned)
        return planned.id

    def enrol(self, training_id: UUID, employee_id: UUID) -> None:
        self.aggregate(Employee, employee_id, NotFound)
        self._do(Training, training_id, lambda t: t.enrol(employee_id))

    def attend(self, training_id: UUID, employee_id: UUID, day: date) -> None:
        self._do(Training, training_id, lambda t: t.attend(employee_id, day))

    def complete(self, training_id: UUID, employee_id: UUID, certificate: str) -> None:
        self._do(Training, training_id, lambda t: t.complete(employee_id, certificate))

    def hold_supervision(self, participants: Iterable[UUID], **session: Any) -> UUID:
        participants = list(participants)
        for employee_id in participants:
            self.aggregate(Employee, employee_id, NotFound)
        held = Supervision.hold(participants=participants, teams=self.teams, **session)
        self.save(held)
        return held.id

    def record_study_visit(self, participants: Iterable[UUID], **visit: Any) -> UUID:
        participants = list(participants)
        for employee_id in participants:
            self.aggregate(Employee, employee_id, NotFound)
        made = StudyVisit.record(participants=participants, **visit)
        self.save(made)
        return made.id

    # --- queries -----------------------------------------------------------------------------------

    def employees(self) -> list[Employee]:
        return self._all(Employee)

    def trainings(self) -> list[Training]:
        return self._all(Training)

    def study_visits(self) -> list[StudyVisit]:
        return self._all(StudyVisit)

    def study_visits_in(self, first: date, last: date) -> list[dict]:
        """Study visits that took place (wholly or partly) in a period: host centre, dates,
        participants by name, and what was learned."""
        first, last = a_period(first, last)
        names = {e.id: e.name for e in self.employees()}
        return [{"study_visit_id": v.id, "host": v.host, "starts_on": v.starts_on, "ends_on": v.ends_on,
                 "participants": [{"employee_id": p, "name": names.get(p)} for p in v.participants],
                 "learned": v.learned}
                for v in sorted(self.study_visits(), key=lambda v: (v.starts_on, v.ends_on, v.host))
                if v.starts_on <= last and v.ends_on >= first]

    def supervision_status(self, today: date) -> list[dict]:
        last: dict[str, date | None] = {team: None for team in self.teams if team != "management"}
        for session in self._all(Supervision):
            if session.kind == "group" and session.held_on <= today and session.team in last:
                last[session.team] = max(filter(None, (last[session.team], session.held_on)))
        return supervision_behind(last, today, self.supervision_every_months)

    def open_cases_per_worker(self, on: date) -> dict[str, int]:
        """Families and single persons in social work per worker at the end of a day."""
        load: dict[str, int] = defaultdict(int)
        for worker in self.read_model.case_workers(on):
            load[worker] += 1
        return dict(load)

    def report(self, first: date, last: date, reader: Any = None) -> dict:
        """Staff and FTE, trainings and hours, supervision, specialisation and workload, per team
        and for the centre, for a period. Whole for the staff-development officer (and the system,
        reader None); for any other reader its indicators only (`indicators`)."""
        report = self._report(first, last)
        if reader is not None and not reader.has(STAFF_DEVELOPMENT_OFFICER):
            return indicators(report)
        return report

    def _report(self, first: date, last: date) -> dict:
        first, last = a_period(first, last)
        employees = [e for e in self.employees() if e.joined_on <= last and (e.left_on is None or e.left_on >= first)]
        names = {e.id: e.name for e in employees}
        team_of = {e.id: e.team_on(last) for e in employees}
        teams = {team: {"staff": 0, "fte": Decimal(0), "trained_people": set(), "training_hours": Decimal(0),
                        "group_supervision": 0, "individual_supervision": 0, "degree_I": 0, "degree_II": 0}
                 for team in self.teams}
        for e in employees:
            row = teams[team_of[e.id]]
            row["staff"] += 1
            row["fte"] += e.fte
            degree = e.degree_on(last)
            if degree:
                row[f"degree_{degree}"] += 1
        hours_per_person: dict[str, Decimal] = defaultdict(Decimal)
        for t in self.trainings():
            for employee_id, done in t.completed.items():
                employee_id = UUID(employee_id)
                if first <= done["on"] <= last and employee_id in team_of:
                    row = teams[team_of[employee_id]]
                    row["trained_people"].add(employee_id)
                    row["training_hours"] += t.hours
                    hours_per_person[names[employee_id]] += t.hours
        group_sessions: dict[str, list[date]] = {team: [] for team in self.teams if team != "management"}
        for s in self._all(Supervision):
            if first <= s.held_on <= last:
                teams[s.team][f"{s.kind}_supervision"] += 1
            if s.kind == "group" and s.team in group_sessions and s.held_on <= last:
                group_sessions[s.team].append(s.held_on)  # an earlier one may cover the period's first months
        missed = supervision_months_missed(group_sessions, first, last, self.supervision_every_months)
        for team, row in teams.items():
            row["supervision_months_missed"] = len(missed[team]) if team in missed else None
        facts = self.read_model.facts_between(first, last)

        def per(kind: str) -> dict[str, Decimal]:  # a carer whose hours were all corrected away is not listed
            return {who: n for who, n in sorted(_sum_by_who(f for f in facts if f.kind == kind).items()) if n}

        open_cases = self.open_cases_per_worker(last)
        by_team, not_matched = self._workload_by_team(open_cases, facts, last)
        for team, row in teams.items():
            row.update({k: by_team[team][k] for k in ("families", "decisions_issued", "care_hours")})
        visits = self.study_visits_in(first, last)
        standard = self.rules.social_worker_staffing.on(last)
        social_worker_fte = sum((e.fte for e in employees if e.role == "social_worker" and e.employed_on(last)),
                                Decimal(0))
        for row in teams.values():
            row["trained_people"] = len(row["trained_people"])
        return {
            "from": first, "to": last,
            "teams": teams,
            "centre": {
                "staff": sum(r["staff"] for r in teams.values()),
                "fte": sum((r["fte"] for r in teams.values()), Decimal(0)),
                "trained_people": sum(r["trained_people"] for r in teams.values()),
                "training_hours": sum((r["training_hours"] for r in teams.values()), Decimal(0)),
                "study_visits": len(visits),
                "families_in_social_work": sum(open_cases.values()),
                "decisions_issued": int(sum(f.amount for f in facts if f.kind == "decision_issued")),
                "care_hours": sum((f.amount for f in facts if f.kind == "care_hours"), Decimal(0)),
                "care_hours_by_kind": _care_hours_by_kind(facts),
                "training_hours_per_person": dict(sorted(hours_per_person.items())),
                "staffing": staffing(social_worker_fte, self.population, sum(open_cases.values()), standard),
            },
            "workload": {
                "families_per_social_worker": dict(sorted(open_cases.items())),
                "limit": standard.families_per_worker,
                "decisions_per_officer": per("decision_issued"),
                "care_hours_per_carer": per("care_hours"),
                "care_hours_per_carer_by_kind": {carer: _care_hours_by_kind(f for f in facts if f.who == carer)
                                                 for carer in per("care_hours")},
                "by_team": by_team,
                "not_matched_to_staff": not_matched,
                "monthly": [{"month": m.strftime("%Y-%m"), "families_per_social_worker": self.open_cases_per_worker(
                    min(m + relativedelta(months=1, days=-1), last))} for m in months_between(first, last)],
            },
            "supervision_behind": self.supervision_status(last),
            "supervision_by_month": {"every_months": self.supervision_every_months,
                                     "months": [m.strftime("%Y-%m") for m in months_between(first, last)],
                                     "missed": missed},
            "study_visits": visits,
            "names": {str(k): v for k, v in names.items()},
        }

    # --- internals -----------------------------------------------------------------------------------

    def _workload_by_team(self, open_cases: dict[str, int], facts: list[Fact],
                          last: date) -> tuple[dict[str, dict], list[str]]:
        """The workload each team carries: families in social work at the period's end per social
        worker and in total, decisions issued and care hours delivered in the period. A reported
        name is matched to the staff registry; the team is the one the person was in on the day
        (for families, on the period's last day). Names the registry does not know are listed."""
        staff = {name_key(e.name): e for e in sorted(self.employees(), key=lambda e: e.joined_on)}
        by_team = {team: {"families_per_social_worker": {}, "families": 0, "decisions_issued": 0,
                          "care_hours": Decimal(0)} for team in self.teams}
        not_matched: set[str] = set()

        def team_of(name: str, day: date) -> str | None:
            employee = staff.get(name_key(name))
            team = employee.team_on(day) if employee else None
            if team not in by_team:
                not_matched.add(name)
                return None
            return team

        for worker, families in sorted(open_cases.items()):
            team = team_of(worker, last)
            if team:
                by_team[team]["families_per_social_worker"][worker] = families
                by_team[team]["families"] += families
        for fact in facts:
            if fact.kind in ("decision_issued", "care_hours"):
                team = team_of(fact.who, fact.on)
                if team and fact.kind == "decision_issued":
                    by_team[team]["decisions_issued"] += int(fact.amount)
                elif team:
                    by_team[team]["care_hours"] += fact.amount
        return by_team, sorted(not_matched)

    def _all(self, kind: type) -> list:
        return [self.repository.get(i) for i in self.read_model.records(kind)]

    def _do(self, kind: type, thing_id: UUID, command: Callable[[Any], None]) -> None:
        thing = self.aggregate(kind, thing_id, NotFound)
        command(thing)
        self.save(thing)


def indicators(report: dict) -> dict:
    """The staff report without a name (the director's): per team and for the centre, the
    staffing standard, supervision by team and month; workload as totals and counts of social
    workers over the limit instead of per person; study visits as host, dates and the number
    of participants (not who, nor the free text of what was learned)."""
    workload, limit = report["workload"], report["workload"]["limit"]

    def over(load: dict[str, int]) -> int:
        return sum(1 for n in load.values() if n > limit)

    centre = {k: v for k, v in report["centre"].items() if k != "training_hours_per_person"}
    return {
        "view": "indicators",
        "from": report["from"], "to": report["to"],
        "teams": report["teams"],
        "centre": centre,
        "workload": {
            "limit": limit,
            "social_workers": len(workload["families_per_social_worker"]),
            "social_workers_over_limit": over(workload["families_per_social_worker"]),
            "by_team": {team: {k: v for k, v in load.items() if k != "families_per_social_worker"}
                        for team, load in workload["by_team"].items()},
            "monthly": [{"month": m["month"], "families": sum(m["families_per_social_worker"].values()),
                         "social_workers_over_limit": over(m["families_per_social_worker"])}
                        for m in workload["monthly"]],
        },
        "supervision_behind": report["supervision_behind"],
        "supervision_by_month": report["supervision_by_month"],
        "study_visits": [{"study_visit_id": v["study_visit_id"], "host": v["host"], "starts_on": v["starts_on"],
                          "ends_on": v["ends_on"], "participants": len(v["participants"])}
                         for v in report["study_visits"]],
    }


def _care_hours_by_kind(facts: Iterable[Fact]) -> dict[str, Decimal]:
    """Care hours per kind of care service; those reported without one under NOT_REPORTED."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for fact in facts:
        if fact.kind == "care_hours":
            totals[fact.care_kind or NOT_REPORTED] += fact.amount
    return dict(sorted(totals.items()))


def _sum_by_who(facts: Iterable[Fact]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for fact in facts:
        totals[fact.who] += fact.amount
    return dict(totals)
