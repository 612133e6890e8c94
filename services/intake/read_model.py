"""First contact's read model (docs/architecture.md, "Read models"): the register's names, for the
search by name, and the routings, for the desk's list and for the teams a correction goes to.

Tables in intake's own database: `intake_persons` (a person's name as it stands, and folded for the
search), `intake_talks` (whose talk it was), `intake_routings` (one row per routing, keyed by its
position in intake's log)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from services.intake.domain import FirstContact, Person, routing_id
from shared.views import Statement, TableProjection, key_after, page


def folded(name: str) -> str:
    return name.casefold()


class IntakeReadModel(TableProjection):
    name = "intake"
    topics = tuple(get_topic(e) for e in (Person.Registered, Person.IdentityCorrected, FirstContact.Recorded,
                                          FirstContact.Routed))
    tables = (
        "CREATE TABLE IF NOT EXISTS intake_persons (person_id TEXT PRIMARY KEY, full_name TEXT NOT NULL, "
        "folded TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS intake_persons_by_name ON intake_persons (folded, person_id)",
        "CREATE TABLE IF NOT EXISTS intake_talks (contact_id TEXT PRIMARY KEY, person_id TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS intake_routings (position BIGINT PRIMARY KEY, case_id TEXT NOT NULL, "
        "contact_id TEXT NOT NULL, person_id TEXT NOT NULL, team TEXT NOT NULL, routed_on TEXT NOT NULL, "
        "reason TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS intake_routings_by_team ON intake_routings (team, position)",
        "CREATE INDEX IF NOT EXISTS intake_routings_by_person ON intake_routings (person_id)",
    )

    def changes(self, event: Any, position: int) -> list[Statement]:
        if isinstance(event, Person.Registered):
            return [("INSERT INTO intake_persons (person_id, full_name, folded) VALUES (:id, :name, :folded)",
                     {"id": str(event.originator_id), "name": event.name, "folded": folded(event.name)})]
        if isinstance(event, Person.IdentityCorrected) and "full_name" in event.new:
            name = event.new["full_name"]
            return [("UPDATE intake_persons SET full_name = :name, folded = :folded WHERE person_id = :id",
                     {"id": str(event.originator_id), "name": name, "folded": folded(name)})]
        if isinstance(event, FirstContact.Recorded):
            return [("INSERT INTO intake_talks (contact_id, person_id) VALUES (:contact, :person)",
                     {"contact": str(event.originator_id), "person": str(event.person_id)})]
        if isinstance(event, FirstContact.Routed):
            return [("INSERT INTO intake_routings (position, case_id, contact_id, person_id, team, routed_on, reason) "
                     "SELECT :position, :case, contact_id, person_id, :team, :routed_on, :reason FROM intake_talks "
                     "WHERE contact_id = :contact",
                     {"position": position, "case": str(routing_id(event.originator_id, event.team)),
                      "contact": str(event.originator_id), "team": event.team,
                      "routed_on": event.routed_on.isoformat(), "reason": event.reason})]
        return []

    # --- queries ---------------------------------------------------------------------------

    def persons_named(self, words: list[str], limit: int, after: str | None) -> tuple[list[UUID], str | None]:
        """The persons whose name holds every word (folded), by name, a page at a time."""
        parameters: dict[str, Any] = {f"w{i}": f"%{_escaped(folded(w))}%" for i, w in enumerate(words)}
        where = [f"folded LIKE :w{i} ESCAPE '!'" for i in range(len(words))]
        key = key_after(after, 2)
        if key is not None:
            where.append("(folded, person_id) > (:folded, :person_id)")
            parameters.update(folded=key[0], person_id=key[1])
        rows = self.current().rows(f"SELECT person_id, folded FROM intake_persons WHERE {' AND '.join(where)} "
                                   "ORDER BY folded, person_id LIMIT :limit", limit=limit + 1, **parameters)
        rows, next_after = page(rows, limit, ("folded", "person_id"))
        return [UUID(r["person_id"]) for r in rows], next_after

    def routings(self, team: str | None, limit: int, after: str | None) -> tuple[list[dict], str | None]:
        """Routings, newest first, with the person's name as it stands, a page at a time."""
        where, parameters = [], {}
        if team is not None:
            where.append("r.team = :team")
            parameters["team"] = team
        key = key_after(after, 1)
        if key is not None:
            where.append("r.position < :position")
            parameters["position"] = key[0]
        rows = self.current().rows(
            "SELECT r.position, r.case_id, r.contact_id, r.person_id, p.full_name, r.team, r.routed_on, r.reason "
            "FROM intake_routings r JOIN intake_persons p ON p.person_id = r.person_id "
            f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY r.position DESC LIMIT :limit",
            limit=limit + 1, **parameters)
        rows, next_after = page(rows, limit, ("position",))
        return [{**r, "case_id": UUID(r["case_id"]), "contact_id": UUID(r["contact_id"]),
                 "person_id": UUID(r["person_id"]), "routed_on": date.fromisoformat(r["routed_on"])}
                for r in rows], next_after

    def routed_teams(self, person_id: UUID) -> list[str]:
        rows = self.current().rows("SELECT DISTINCT team FROM intake_routings WHERE person_id = :person ORDER BY team",
                                   person=str(person_id))
        return [r["team"] for r in rows]


def _escaped(word: str) -> str:
    return word.replace("!", "!!").replace("%", "!%").replace("_", "!_")
