"""The social-work team's read model (docs/architecture.md, "Read models"): the cases' worklist and
each worker's load, the team's roster, the groups.

Tables in casework's own database: `casework_cases` (a case's person, name as it stands, sealed,
date, urgency, worker, open or closed), `casework_members` (the roster's names, sealed, and whether
each is an active worker or leader of the team), `casework_groups` (the groups in the order formed)."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.utils import get_topic

from services.casework.domain import Case, Group, TeamMember
from shared.erasure import Erasure
from shared.roles import SOCIAL_WORK_TEAM_LEADER, SOCIAL_WORKER
from shared.views import Statement, TableProjection, key_after, page

_ORDER = "not_urgent, opened_on, case_id"  # the worklist: urgent first, then oldest first
_CASE = "SELECT case_id, person_id, full_name, opened_on, not_urgent, worker FROM casework_cases"


class CaseworkReadModel(TableProjection):
    name = "casework"
    topics = tuple(get_topic(e) for e in (Case.Opened, Case.Assigned, Case.Closed, Case.PersonCorrected,
                                          Group.Formed, TeamMember.Registered, TeamMember.Changed,
                                          Erasure.PersonErased))
    # 2: the persons' and the members' names sealed (1 held them in clear); 3: the closing day (retention)
    version = 3
    tables = (
        "CREATE TABLE IF NOT EXISTS casework_cases (case_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, "
        "full_name TEXT NOT NULL, opened_on TEXT NOT NULL, not_urgent INTEGER NOT NULL, worker TEXT NOT NULL, "
        "open INTEGER NOT NULL, closed_on TEXT)",
        f"CREATE INDEX IF NOT EXISTS casework_open_cases ON casework_cases (open, {_ORDER})",
        f"CREATE INDEX IF NOT EXISTS casework_cases_by_worker ON casework_cases (open, worker, {_ORDER})",
        "CREATE INDEX IF NOT EXISTS casework_cases_by_person ON casework_cases (person_id)",
        "CREATE TABLE IF NOT EXISTS casework_members (staff_id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "worker INTEGER NOT NULL, leader INTEGER NOT NULL)",
        # The position of the roster's last change: the roster, its names opened, is kept in memory
        # (a team's, small) for as long as this says it is the same.
        "CREATE TABLE IF NOT EXISTS casework_roster (one INTEGER PRIMARY KEY, position BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS casework_groups (position BIGINT PRIMARY KEY, group_id TEXT NOT NULL)",
    )

    def __init__(self, app: Any):
        super().__init__(app)
        self._roster: tuple[list[int], list[dict] | None] = ([], None)  # (casework_roster's position, members)

    def changes(self, event: Any, position: int) -> list[Statement]:
        case = {"case": str(event.originator_id)}
        if isinstance(event, Case.Opened):
            return [("INSERT INTO casework_cases (case_id, person_id, full_name, opened_on, not_urgent, worker, open) "
                     "VALUES (:case, :person, :name, :opened_on, :not_urgent, '', 1)",
                     {**case, "person": str(event.person_id), "name": self.seal(event.person["full_name"] or ""),
                      "opened_on": event.opened_on.isoformat(), "not_urgent": 0 if event.urgent else 1})]
        if isinstance(event, Case.Assigned):
            return [("UPDATE casework_cases SET worker = :worker WHERE case_id = :case",
                     {**case, "worker": event.worker})]
        if isinstance(event, Case.Closed):
            return [("UPDATE casework_cases SET open = 0, closed_on = :on WHERE case_id = :case",
                     {**case, "on": event.closed_on.isoformat()})]
        if isinstance(event, Case.PersonCorrected):
            return [("UPDATE casework_cases SET full_name = :name WHERE case_id = :case",
                     {**case, "name": self.seal(event.person["full_name"] or "")})]
        if isinstance(event, Erasure.PersonErased):
            # The name goes; the case's row stays (dates, worker, open or closed): the loads and counts add up.
            return [("UPDATE casework_cases SET full_name = :name WHERE person_id = :person",
                     {"person": str(event.person_id), "name": self.seal("")})]
        if isinstance(event, Group.Formed):
            return [("INSERT INTO casework_groups (position, group_id) VALUES (:position, :group)",
                     {"position": position, "group": str(event.originator_id)})]
        if isinstance(event, (TeamMember.Registered, TeamMember.Changed)):
            described = (event.team, event.roles, event.active)
            return [("INSERT INTO casework_members (staff_id, name, worker, leader) VALUES (:id, :name, :worker, "
                     ":leader) ON CONFLICT (staff_id) DO UPDATE SET name = :name, worker = :worker, leader = :leader",
                     {"id": str(event.originator_id), "name": self.seal(event.name),
                      "worker": int(TeamMember.holds(SOCIAL_WORKER, *described)),
                      "leader": int(TeamMember.holds(SOCIAL_WORK_TEAM_LEADER, *described))}),
                    ("INSERT INTO casework_roster (one, position) VALUES (1, :position) ON CONFLICT (one) "
                     "DO UPDATE SET position = :position", {"position": position})]
        return []

    # --- the cases ---------------------------------------------------------------------------

    def open_cases(self, workers: tuple[str, ...] | None, limit: int,
                   after: str | None) -> tuple[list[dict], str | None]:
        """Open cases, urgent first, then oldest first, a page at a time: all of them (`workers`
        None), or those of these workers ('' is the queue awaiting assignment)."""
        key = key_after(after, 3)
        parameters: dict[str, Any] = {"limit": limit + 1}
        past = ""
        if key is not None:
            past = f" AND ({_ORDER}) > (:not_urgent, :opened_on, :case_id)"
            parameters.update(not_urgent=key[0], opened_on=key[1], case_id=key[2])
        if workers is None:
            sql = f"{_CASE} WHERE open = 1{past} ORDER BY {_ORDER} LIMIT :limit"
        else:  # each worker's part read along its index, then the parts merged
            parts = []
            for i, worker in enumerate(workers):
                parameters[f"w{i}"] = worker
                parts.append(f"SELECT * FROM ({_CASE} WHERE open = 1 AND worker = :w{i}{past} "
                             f"ORDER BY {_ORDER} LIMIT :limit) AS part{i}")
            sql = f"{' UNION ALL '.join(parts)} ORDER BY {_ORDER} LIMIT :limit"
        rows, next_after = page(self.current().rows(sql, **parameters), limit, ("not_urgent", "opened_on", "case_id"))
        return [{"case_id": UUID(r["case_id"]), "person_id": UUID(r["person_id"]),
                 "full_name": self.unseal(r["full_name"]) or None,  # none: the person is erased
                 "opened_on": date.fromisoformat(r["opened_on"]), "urgent": not r["not_urgent"],
                 "worker": r["worker"] or None, "status": "in_progress" if r["worker"] else "awaiting_assignment"}
                for r in rows], next_after

    def files_closed(self, page_size: int = 1000) -> Iterator[tuple[UUID, date]]:
        """Each person all of whose cases are closed, with the day the last was closed, a page at a time."""
        return self.persons_closed("casework_cases", "MAX(open) = 0", page_size)

    def file_closed(self, person_id: UUID) -> date | None:
        """The day the person's last case here was closed; None while one is open (or none is here)."""
        [row] = self.current().rows("SELECT MAX(open) AS open, MAX(closed_on) AS closed_on FROM casework_cases "
                                    "WHERE person_id = :person", person=str(person_id))
        return None if row["open"] != 0 or row["closed_on"] is None else date.fromisoformat(row["closed_on"])

    def cases_of(self, person_id: UUID) -> list[UUID]:
        rows = self.current().rows("SELECT case_id FROM casework_cases WHERE person_id = :person",
                                   person=str(person_id))
        return [UUID(r["case_id"]) for r in rows]

    def case_ids(self) -> list[UUID]:
        return [UUID(r["case_id"]) for r in self.current().rows("SELECT case_id FROM casework_cases")]

    def load(self, worker: str, person_id: UUID | None = None) -> tuple[int, bool]:
        """A worker's open families and single persons, and whether this person is one of them."""
        [row] = self.current().rows(
            "SELECT COUNT(DISTINCT person_id) AS persons, COUNT(CASE WHEN person_id = :person THEN 1 END) AS theirs "
            "FROM casework_cases WHERE open = 1 AND worker = :worker", worker=worker, person=str(person_id))
        return row["persons"], bool(row["theirs"])

    def loads(self) -> dict[str, tuple[int, int]]:
        """Each worker with open cases: (families and single persons, cases)."""
        rows = self.current().rows("SELECT worker, COUNT(DISTINCT person_id) AS persons, COUNT(*) AS cases "
                                   "FROM casework_cases WHERE open = 1 AND worker <> '' GROUP BY worker")
        return {r["worker"]: (r["persons"], r["cases"]) for r in rows}

    # --- the roster and the groups -------------------------------------------------------------

    def members(self, name: str | None = None) -> list[dict]:
        """The roster (`staff_id`, `name`, `worker`, `leader`), or those of it with this name (the
        names sealed, the roster, a team's, is read whole)."""
        view = self.current()
        changed = [r["position"] for r in view.rows("SELECT position FROM casework_roster")]
        position, members = self._roster
        if changed != position or members is None:
            members = [{**r, "name": self.unseal(r["name"]), "worker": bool(r["worker"]), "leader": bool(r["leader"])}
                       for r in view.rows("SELECT * FROM casework_members")]
            self._roster = changed, members
        return [dict(m) for m in members if name is None or m["name"] == name]

    def groups(self, limit: int, after: str | None) -> tuple[list[UUID], str | None]:
        """The groups in the order formed, a page at a time."""
        key = key_after(after, 1)
        rows = self.current().rows(
            f"SELECT position, group_id FROM casework_groups {'WHERE position > :position' if key else ''} "
            "ORDER BY position LIMIT :limit", limit=limit + 1, position=key[0] if key else None)
        rows, next_after = page(rows, limit, ("position",))
        return [UUID(r["group_id"]) for r in rows], next_after
