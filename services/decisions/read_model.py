"""The decisions team's read model (docs/architecture.md, "Read models"): the proceedings' lists,
the deadlines, the art. 11 reviews, and which proceedings a month's payments or a report can concern.

Tables in decisions' own database: `decisions_proceedings` (a proceeding's person, name as it
stands, sealed, officer, state, benefit, whether a draft awaits the signature, the decision's
period and the day it is carried out from, whether it may still pay, the day its part of the
file closed), `decisions_due` (each deadline a proceeding has: KPA's, and the art. 107 interview
update, by day) and `decisions_review_tasks`. A row is what the proceeding's aggregate says after
each event (services/decisions/domain.py keeps every rule), so nothing here re-states the law."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from services.decisions.domain import CASH_FORMS, Proceeding, ReviewTask
from shared.erasure import Erasure
from shared.views import Statement, TableProjection, key_after, page

# The deadlines of a proceeding, in the order the list shows a proceeding's deadlines of one day.
DEADLINES = ("forward the appeal to the appeals board (KPA art. 133)", "environmental interview",
             "decision (KPA art. 35)")
INTERVIEW_UPDATE = "interview update (art. 107 ust. 4 u.p.s.)"
NO_END = "9999-12-31"  # an update's `ends` for help without an end: one range of an index finds those running
_PROCEEDING_EVENTS = tuple(e for name, e in vars(Proceeding).items() if isinstance(e, type)
                           and issubclass(e, Aggregate.Event) and name not in ("Event", "Created"))
_KNOWN = 1000  # aggregates kept as the catch-up left them, so the next event of one is applied, not reloaded
_ROW = ("proceeding_id", "person_id", "full_name", "officer", "state", "benefit", "granted", "draft_pending",
        "enforceable_from", "period_from", "period_end", "payable", "closed_on")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class DecisionsReadModel(TableProjection):
    name = "decisions"
    topics = tuple(get_topic(e) for e in (*_PROCEEDING_EVENTS, ReviewTask.Opened, ReviewTask.Closed,
                                          Erasure.PersonErased))
    version = 2  # 2: period_end (a one-off grant's day) instead of the decision's period_to
    tables = (
        # opened: the position of the proceeding's first event, the lists' order (the order opened).
        "CREATE TABLE IF NOT EXISTS decisions_proceedings (proceeding_id TEXT PRIMARY KEY, opened BIGINT NOT NULL, "
        "person_id TEXT NOT NULL, full_name TEXT NOT NULL, officer TEXT, state TEXT NOT NULL, benefit TEXT, "
        "granted INTEGER NOT NULL, draft_pending INTEGER NOT NULL, enforceable_from TEXT, period_from TEXT, "
        "period_end TEXT, payable INTEGER NOT NULL, closed_on TEXT)",
        "CREATE UNIQUE INDEX IF NOT EXISTS decisions_proceedings_order ON decisions_proceedings (opened)",
        "CREATE INDEX IF NOT EXISTS decisions_proceedings_by_person ON decisions_proceedings (person_id, opened)",
        "CREATE INDEX IF NOT EXISTS decisions_proceedings_by_officer ON decisions_proceedings (officer, opened)",
        "CREATE INDEX IF NOT EXISTS decisions_proceedings_by_state ON decisions_proceedings (state, opened)",
        "CREATE INDEX IF NOT EXISTS decisions_drafts ON decisions_proceedings (draft_pending, opened)",
        # A month's payments: the cash grants not yet paid in full, by the day they are carried out from.
        "CREATE INDEX IF NOT EXISTS decisions_payable ON decisions_proceedings (payable, enforceable_from)",
        # The health contributions and the half-year report: grants by benefit and the end of their period.
        "CREATE INDEX IF NOT EXISTS decisions_grants ON decisions_proceedings (granted, benefit, period_end)",
        # kind: the deadline's place among a proceeding's (DEADLINES), or -1 for the interview update.
        # ends: the end of the grant's period, for the interview update (asked only while it runs).
        "CREATE TABLE IF NOT EXISTS decisions_due (proceeding_id TEXT NOT NULL, kind INTEGER NOT NULL, "
        "due TEXT NOT NULL, opened BIGINT NOT NULL, ends TEXT, PRIMARY KEY (proceeding_id, kind))",
        "CREATE INDEX IF NOT EXISTS decisions_due_by_day ON decisions_due (due, opened, kind)",
        # The updates of grants still running, without walking past those of the years' ended grants.
        "CREATE INDEX IF NOT EXISTS decisions_updates_running ON decisions_due (kind, ends, due)",
        "CREATE TABLE IF NOT EXISTS decisions_review_tasks (task_id TEXT PRIMARY KEY, position BIGINT NOT NULL, "
        "person_id TEXT NOT NULL, fact TEXT NOT NULL, occurred_on TEXT NOT NULL, closed_on TEXT)",
        "CREATE INDEX IF NOT EXISTS decisions_review_tasks_order ON decisions_review_tasks (position)",
        "CREATE INDEX IF NOT EXISTS decisions_review_tasks_open ON decisions_review_tasks (closed_on, position)",
        "CREATE INDEX IF NOT EXISTS decisions_review_tasks_by_person ON decisions_review_tasks (person_id)",
    )

    def __init__(self, app: Any):
        super().__init__(app)
        self._known: dict[UUID, Proceeding] = {}

    # --- the rows each event changes -----------------------------------------------------------

    def changes(self, event: Any, position: int) -> list[Statement]:
        if isinstance(event, _PROCEEDING_EVENTS):
            return self._proceeding_changes(self._proceeding(event), position if isinstance(event, Proceeding.Opened)
                                            else None)
        task = {"task": str(event.originator_id)}
        if isinstance(event, ReviewTask.Opened):
            return [("INSERT INTO decisions_review_tasks (task_id, position, person_id, fact, occurred_on) "
                     "VALUES (:task, :position, :person, :fact, :occurred_on)",
                     {**task, "position": position, "person": str(event.person_id), "fact": event.fact,
                      "occurred_on": event.occurred_on.isoformat()})]
        if isinstance(event, ReviewTask.Closed):
            return [("UPDATE decisions_review_tasks SET closed_on = :on WHERE task_id = :task",
                     {**task, "on": event.closed_on.isoformat()})]
        # Erasure.PersonErased: the name goes; the rows stay (the payments and the reports add up).
        return [("UPDATE decisions_proceedings SET full_name = :name WHERE person_id = :person",
                 {"person": str(event.person_id), "name": self.seal("")})]

    def _proceeding(self, event: Any) -> Proceeding:
        """The proceeding as this event left it: the one the catch-up kept, with the event applied,
        or read from the store at that version."""
        known = self._known.pop(event.originator_id, None)
        if isinstance(event, Proceeding.Opened):
            proceeding = event.mutate(None)
        elif known is not None and known.version == event.originator_version - 1:
            proceeding = event.mutate(known)
        else:
            proceeding = self._app.repository.get(event.originator_id, version=event.originator_version)
        self._known[event.originator_id] = proceeding
        if len(self._known) > _KNOWN:
            del self._known[next(iter(self._known))]
        return proceeding

    def _proceeding_changes(self, p: Proceeding, opened: int | None) -> list[Statement]:
        d = p.decision or {}
        row = {"proceeding_id": str(p.id), "person_id": str(p.person_id),
               "full_name": self.seal(p.person.get("full_name") or ""), "officer": p.officer, "state": p.state,
               "benefit": p.benefit, "granted": int(p.granted), "draft_pending": int(p.draft_pending),
               "enforceable_from": _iso(p.enforceable_from), "period_from": _iso(d.get("period_from")),
               "period_end": _iso(p.period_end), "closed_on": _iso(p.closed_on)}
        # A closed part of the file has every month paid: no month's run concerns it any more.
        row["payable"] = int(p.granted and p.benefit in CASH_FORMS and p.closed_on is None)
        if opened is not None:
            statements = [(f"INSERT INTO decisions_proceedings (opened, {', '.join(_ROW)}) "
                           f"VALUES (:opened, {', '.join(':' + c for c in _ROW)})", {**row, "opened": opened})]
        else:
            statements = [(f"UPDATE decisions_proceedings SET {', '.join(f'{c} = :{c}' for c in _ROW[2:])} "
                           "WHERE proceeding_id = :proceeding_id", row)]
        statements.append(("DELETE FROM decisions_due WHERE proceeding_id = :proceeding_id", row))
        ends = row["period_end"] or NO_END
        statements += [("INSERT INTO decisions_due (proceeding_id, kind, due, opened, ends) SELECT :proceeding_id, "
                         ":kind, :due, opened, :ends FROM decisions_proceedings WHERE proceeding_id = :proceeding_id",
                         {**row, "kind": kind, "due": due.isoformat(), "ends": ends if kind < 0 else None})
                       for kind, due in self._due(p)]
        return statements

    def _due(self, p: Proceeding) -> Iterator[tuple[int, date]]:
        """The proceeding's deadlines, as the officer's lists show them (DEADLINES), and the interview update."""
        if p.state in ("annulled", "revoked"):
            return
        if p.appeal and not p.appeal["forwarded_on"] and p.appeal.get("forwarding_due"):
            yield 0, p.appeal["forwarding_due"]
        if not p.decided:
            if not p.interviews:
                yield 1, p.interview_due
            yield 2, p.settlement_due
        update = p.interview_update_due(self._app.rules)
        if update:
            yield -1, update

    # --- the lists, a page at a time -----------------------------------------------------------

    def proceedings(self, limit: int, after: str | None, person_id: UUID | None = None, officer: str | None = None,
                    state: str | None = None, draft_pending: bool = False) -> tuple[list[UUID], str | None]:
        """Proceedings in the order opened, of a person, an officer, in a state, or with a draft awaiting
        the signature; each filter along its index."""
        key = key_after(after, 1)
        where = {"person_id": str(person_id) if person_id else None, "officer": officer, "state": state,
                 "draft_pending": 1 if draft_pending else None}
        conditions = [f"{column} = :{column}" for column, value in where.items() if value is not None]
        if key is not None:
            conditions.append("opened > :opened")
        sql = (f"SELECT proceeding_id, opened FROM decisions_proceedings "
               f"{'WHERE ' + ' AND '.join(conditions) if conditions else ''} ORDER BY opened LIMIT :limit")
        rows, next_after = page(self.current().rows(sql, **where, opened=key[0] if key else None, limit=limit + 1),
                                limit, ("opened",))
        return [UUID(r["proceeding_id"]) for r in rows], next_after

    def proceedings_of(self, person_id: UUID) -> list[UUID]:
        rows = self.current().rows("SELECT proceeding_id FROM decisions_proceedings WHERE person_id = :person "
                                   "ORDER BY opened", person=str(person_id))
        return [UUID(r["proceeding_id"]) for r in rows]

    def due(self, updates: bool, today: date, horizon: date, limit: int,
            after: str | None) -> tuple[list[dict], str | None]:
        """The deadlines up to `horizon` (the interview updates of grants still running `today`, or
        the others), soonest first, then in the order the proceedings were opened, each with the
        proceeding's person, benefit, officer."""
        key = key_after(after, 3)
        past = " AND (d.due, d.opened, d.kind) > (:due, :opened, :kind)" if key else ""
        which = "d.kind = -1 AND d.ends >= :today" if updates else "d.kind >= 0"
        rows = self.current().rows(
            "SELECT d.proceeding_id, d.kind, d.due, d.opened, p.person_id, p.full_name, p.benefit, p.officer "
            f"FROM decisions_due d JOIN decisions_proceedings p ON p.proceeding_id = d.proceeding_id "
            f"WHERE {which} AND d.due <= :horizon{past} ORDER BY d.due, d.opened, d.kind LIMIT :limit",
            today=today.isoformat(), horizon=horizon.isoformat(), limit=limit + 1,
            **dict(zip(("due", "opened", "kind"), key or (None,) * 3)))
        rows, next_after = page(rows, limit, ("due", "opened", "kind"))
        return [{"proceeding_id": UUID(r["proceeding_id"]), "person_id": UUID(r["person_id"]),
                 "person": self.unseal(r["full_name"]) or None, "benefit": r["benefit"], "officer": r["officer"],
                 "what": INTERVIEW_UPDATE if r["kind"] < 0 else DEADLINES[r["kind"]], "due": _day(r["due"])}
                for r in rows], next_after

    def review_tasks(self, open_only: bool, limit: int, after: str | None) -> tuple[list[dict], str | None]:
        """Art. 11 reviews in the order reported (open ones, or all), each with the person's granted
        benefits and name as their latest proceeding has it."""
        key = key_after(after, 1)
        conditions = [c for c, wanted in (("closed_on IS NULL", open_only), ("position > :position", key)) if wanted]
        view = self.current()
        rows, next_after = page(view.rows(
            f"SELECT task_id, position, person_id, fact, occurred_on, closed_on FROM decisions_review_tasks "
            f"{'WHERE ' + ' AND '.join(conditions) if conditions else ''} ORDER BY position LIMIT :limit",
            position=key[0] if key else None, limit=limit + 1), limit, ("position",))
        persons = sorted({r["person_id"] for r in rows})
        proceedings: dict[str, list[dict]] = {}
        if persons:
            marks = ", ".join(f":p{i}" for i in range(len(persons)))
            for p in view.rows(f"SELECT proceeding_id, person_id, full_name, benefit, state, granted "
                               f"FROM decisions_proceedings WHERE person_id IN ({marks}) ORDER BY opened",
                               **{f"p{i}": person for i, person in enumerate(persons)}):
                proceedings.setdefault(p["person_id"], []).append(p)
        tasks = []
        for r in rows:
            theirs = proceedings.get(r["person_id"], [])
            tasks.append({"task_id": UUID(r["task_id"]), "person_id": UUID(r["person_id"]),
                          "person": (self.unseal(theirs[-1]["full_name"]) or None) if theirs else None,
                          "fact": r["fact"], "occurred_on": _day(r["occurred_on"]),
                          "closed": r["closed_on"] is not None,
                          "benefits": [{"proceeding_id": UUID(p["proceeding_id"]), "benefit": p["benefit"],
                                        "state": p["state"]} for p in theirs if p["granted"]]})
        return tasks, next_after

    # --- the whole reports: only the proceedings they can concern ------------------------------

    def payable(self, month_end: date, as_of: date) -> list[UUID]:
        """Cash grants carried out by `as_of`, whose period began by the month's end, with a month
        still to pay (paid in full, a proceeding's part of the file is closed)."""
        return self._ids("payable = 1 AND enforceable_from <= :as_of AND period_from <= :end",
                         as_of=as_of.isoformat(), end=month_end.isoformat())

    def granted_between(self, first: date, last: date, benefit: str | None = None) -> list[UUID]:
        """Grants carried out by `last` whose period touches the days from `first` to `last` (of one benefit)."""
        return self._ids(f"granted = 1 {'AND benefit = :benefit ' if benefit else ''}AND enforceable_from <= :last "
                         "AND period_from <= :last AND (period_end IS NULL OR period_end >= :first)",
                         first=first.isoformat(), last=last.isoformat(), benefit=benefit)

    def _ids(self, condition: str, **parameters: Any) -> list[UUID]:
        rows = self.current().rows(f"SELECT proceeding_id FROM decisions_proceedings WHERE {condition} "
                                   "ORDER BY opened", **parameters)
        return [UUID(r["proceeding_id"]) for r in rows]

    # --- retention (shared/retention.py) -------------------------------------------------------

    # A person's file here: their proceedings and reviews.
    _FILES = ("(SELECT person_id, closed_on FROM decisions_proceedings UNION ALL "
              "SELECT person_id, closed_on FROM decisions_review_tasks) AS files")
    _ALL_CLOSED = "MAX(CASE WHEN closed_on IS NULL THEN 1 ELSE 0 END) = 0"

    def files_closed(self, page_size: int = 1000) -> Iterator[tuple[UUID, date]]:
        """Each person whose every proceeding and review here is closed, with the day the last closed,
        a page at a time."""
        return self.persons_closed(self._FILES, self._ALL_CLOSED, page_size)

    def file_closed(self, person_id: UUID) -> date | None:
        """The day the person's file here closed; None while any part of it is open (or none is here)."""
        rows = self.current().rows(f"SELECT MAX(closed_on) AS closed_on FROM {self._FILES} WHERE person_id = :person "
                                   f"GROUP BY person_id HAVING {self._ALL_CLOSED}", person=str(person_id))
        return date.fromisoformat(rows[0]["closed_on"]) if rows else None
