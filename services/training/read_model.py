"""Staff development's read model (docs/architecture.md, "Read models"): the facts other teams
report, by day, and the registry's records in the order they were made.

Tables in training's own database: `training_facts` (each reported fact: its kind, the member of
staff it names, sealed, its day, case, amount and kind of care), `training_records` (each
employee, training, supervision session and study visit, by position). A report reads the facts of
its period only, and the load on a day from the facts about cases, so neither the memory nor a
report's time grows with the years of facts before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from services.training.domain import Employee, StudyVisit, Supervision, Training, WorkloadFact
from shared.views import Statement, TableProjection

RECORDS = {Employee: Employee.Registered, Training: Training.Planned, Supervision: Supervision.Held,
           StudyVisit: StudyVisit.Made}
_CASE_FACTS = ("case_assigned", "case_closed")
_FACT = "SELECT kind, who, on_day, case_id, amount, care_kind FROM training_facts"


@dataclass(frozen=True)
class Fact:
    """A reported fact as the report reads it (WorkloadFact's fields)."""

    kind: str
    who: str
    on: date
    case_id: str | None
    amount: Decimal
    care_kind: str | None


class TrainingReadModel(TableProjection):
    name = "training"
    topics = tuple(get_topic(e) for e in (*RECORDS.values(), WorkloadFact.Reported))
    version = 1
    tables = (
        "CREATE TABLE IF NOT EXISTS training_facts (position BIGINT PRIMARY KEY, kind TEXT NOT NULL, "
        "who TEXT NOT NULL, on_day TEXT NOT NULL, case_id TEXT, amount TEXT NOT NULL, care_kind TEXT)",
        "CREATE INDEX IF NOT EXISTS training_facts_by_day ON training_facts (on_day, position)",
        # The load on a day: each case's last assignment or closing up to it.
        "CREATE INDEX IF NOT EXISTS training_facts_by_case ON training_facts (case_id, on_day, position) "
        "WHERE case_id IS NOT NULL",
        # Each case's last assignment or closing by day (ties: the later reported): on a day after it,
        # the case's state is read here; only cases with facts after the day need their history.
        "CREATE TABLE IF NOT EXISTS training_cases (case_id TEXT PRIMARY KEY, last_on TEXT NOT NULL, "
        "last_position BIGINT NOT NULL, assigned INTEGER NOT NULL, who TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS training_cases_by_day ON training_cases (last_on)",
        "CREATE INDEX IF NOT EXISTS training_cases_assigned ON training_cases (assigned, last_on)",
        "CREATE TABLE IF NOT EXISTS training_records (position BIGINT PRIMARY KEY, kind TEXT NOT NULL, "
        "record_id TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS training_records_by_kind ON training_records (kind, position)",
    )

    def changes(self, event: Any, position: int) -> list[Statement]:
        if isinstance(event, WorkloadFact.Reported):
            row = {"position": position, "kind": event.kind, "who": self.seal(event.who), "on_day": event.on.isoformat(),
                   "case_id": event.case_id, "amount": str(event.amount), "care_kind": event.care_kind}
            statements = [("INSERT INTO training_facts (position, kind, who, on_day, case_id, amount, care_kind) "
                           "VALUES (:position, :kind, :who, :on_day, :case_id, :amount, :care_kind)", row)]
            if event.case_id is not None and event.kind in _CASE_FACTS:
                statements.append((
                    "INSERT INTO training_cases (case_id, last_on, last_position, assigned, who) "
                    "VALUES (:case_id, :on_day, :position, :assigned, :who) ON CONFLICT (case_id) DO UPDATE "
                    "SET last_on = :on_day, last_position = :position, assigned = :assigned, who = :who "
                    "WHERE training_cases.last_on <= :on_day",  # a fact reported late about an earlier day
                    {**row, "assigned": int(event.kind == "case_assigned")}))
            return statements
        kind = next(k.__name__ for k, created in RECORDS.items() if isinstance(event, created))
        return [("INSERT INTO training_records (position, kind, record_id) VALUES (:position, :kind, :id)",
                 {"position": position, "kind": kind, "id": str(event.originator_id)})]

    def records(self, kind: type) -> list[UUID]:
        """The ids of the employees (trainings, sessions, visits) in the order they were made."""
        rows = self.current().rows("SELECT record_id FROM training_records WHERE kind = :kind ORDER BY position",
                                   kind=kind.__name__)
        return [UUID(r["record_id"]) for r in rows]

    def facts_between(self, first: date, last: date) -> list[Fact]:
        """The facts of the days from `first` to `last`, in the order they were reported."""
        rows = self.current().rows(f"{_FACT} WHERE on_day BETWEEN :first AND :last ORDER BY on_day, position",
                                   first=first.isoformat(), last=last.isoformat())
        return [self._fact(r) for r in rows]

    def case_workers(self, on: date) -> list[str]:
        """The worker of each case in social work at the end of a day: its last assignment up to
        that day, unless it was closed after (or on the day of) it. The cases with facts after the
        day are read first (CROSS JOIN: SQLite's order), so a recent day reads few facts."""
        rows = self.current().rows(
            "SELECT who FROM training_cases WHERE assigned = 1 AND last_on <= :on UNION ALL "
            "SELECT who FROM (SELECT f.kind, f.who, ROW_NUMBER() OVER (PARTITION BY f.case_id "
            "ORDER BY f.on_day DESC, f.position DESC) AS latest FROM training_cases c CROSS JOIN training_facts f "
            "WHERE f.case_id = c.case_id AND c.last_on > :on AND f.kind IN ('case_assigned', 'case_closed') "
            "AND f.on_day <= :on) AS facts WHERE latest = 1 AND kind = 'case_assigned'", on=on.isoformat())
        return [self.unseal(r["who"]) for r in rows]

    def _fact(self, row: dict) -> Fact:
        return Fact(kind=row["kind"], who=self.unseal(row["who"]), on=date.fromisoformat(row["on_day"]),
                    case_id=row["case_id"], amount=Decimal(row["amount"]), care_kind=row["care_kind"])
