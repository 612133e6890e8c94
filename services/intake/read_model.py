"""First contact's read model (docs/architecture.md, "Read models"): the register's names, for the
search by name, and the routings, for the desk's list and for the teams a correction goes to.

Tables in intake's own database: `intake_persons` (a person's name as it stands, sealed),
`intake_name_index` (keyed hashes of the name's parts, for the search), `intake_talks` (whose talk
it was), `intake_routings` (one row per routing, keyed by its position in intake's log, its reason
sealed)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.utils import get_topic

from services.intake.domain import FirstContact, Person, routing_id
from shared.erasure import Erasure
from shared.views import Statement, TableProjection, key_after, page


def folded(name: str) -> str:
    return name.casefold()


TRIGRAM = 3  # the shortest part of a name searched for: shorter ones are in too many names to index


class SearchTooShort(ValueError):
    """No word of a name search has 3 characters or more."""

    polish = "Podaj co najmniej 3 litery imienia lub nazwiska."


def trigrams(name: str) -> set[str]:
    """The parts of 3 characters of a folded name's words: a part of a name, searched for, is within one word."""
    return {word[i:i + TRIGRAM] for word in folded(name).split() for i in range(len(word) - TRIGRAM + 1)}


class IntakeReadModel(TableProjection):
    name = "intake"
    topics = tuple(get_topic(e) for e in (Person.Registered, Person.IdentityCorrected, FirstContact.Recorded,
                                          FirstContact.Routed, Person.AddressCorrected, Person.ContactCorrected,
                                          Person.HouseholdCorrected, Erasure.PersonErased))
    # 2: names and reasons sealed, the search by the name index (1 held them in clear); 3: the files'
    # last entries (retention), erased persons' names and reasons gone
    version = 3
    tables = (
        "CREATE TABLE IF NOT EXISTS intake_persons (person_id TEXT PRIMARY KEY, full_name TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS intake_name_index (token TEXT NOT NULL, person_id TEXT NOT NULL, "
        "PRIMARY KEY (token, person_id))",
        "CREATE INDEX IF NOT EXISTS intake_name_index_by_person ON intake_name_index (person_id)",
        "CREATE TABLE IF NOT EXISTS intake_talks (contact_id TEXT PRIMARY KEY, person_id TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS intake_routings (position BIGINT PRIMARY KEY, case_id TEXT NOT NULL, "
        "contact_id TEXT NOT NULL, person_id TEXT NOT NULL, team TEXT NOT NULL, routed_on TEXT NOT NULL, "
        "reason TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS intake_routings_by_team ON intake_routings (team, position)",
        "CREATE INDEX IF NOT EXISTS intake_routings_by_person ON intake_routings (person_id)",
        # A person's file at intake, by the day of its last entry: the retention period counts from it.
        "CREATE TABLE IF NOT EXISTS intake_files (person_id TEXT PRIMARY KEY, last_on TEXT NOT NULL)",
    )

    def __init__(self, app: Any, name_index_key: bytes):
        super().__init__(app)
        self._index_key = name_index_key

    def _token(self, trigram: str) -> str:
        # 64 bits: a collision only adds a candidate, which the name's check then leaves out.
        return hmac.new(self._index_key, trigram.encode(), hashlib.sha256).hexdigest()[:16]

    def _indexed(self, person_id: str, name: str) -> list[Statement]:
        tokens = sorted({self._token(t) for t in trigrams(name)})
        if not tokens:
            return []
        values = ", ".join(f"(:t{i}, :id)" for i in range(len(tokens)))
        return [(f"INSERT INTO intake_name_index (token, person_id) VALUES {values}",
                 {"id": person_id, **{f"t{i}": t for i, t in enumerate(tokens)}})]

    @staticmethod
    def _entry(person: str, on: date) -> Statement:
        """The file's last entry moves to `on` if it is later (ISO dates compare as texts)."""
        return ("INSERT INTO intake_files (person_id, last_on) VALUES (:person, :on) ON CONFLICT (person_id) DO "
                "UPDATE SET last_on = CASE WHEN excluded.last_on > intake_files.last_on THEN excluded.last_on "
                "ELSE intake_files.last_on END", {"person": person, "on": on.isoformat()})

    def changes(self, event: Any, position: int) -> list[Statement]:
        person = {"id": str(event.originator_id)}
        if isinstance(event, Person.Registered):
            entry = self._entry(person["id"], event.registered_on)
            if event.name is None:  # read after the person's erasure (a rebuild): no name to keep
                return [entry]
            return [("INSERT INTO intake_persons (person_id, full_name) VALUES (:id, :name)",
                     {**person, "name": self.seal(event.name)}), *self._indexed(person["id"], event.name), entry]
        if isinstance(event, (Person.IdentityCorrected, Person.AddressCorrected, Person.ContactCorrected,
                              Person.HouseholdCorrected)):
            entry = self._entry(person["id"], event.corrected_on)
            if not (isinstance(event, Person.IdentityCorrected) and "full_name" in event.new):
                return [entry]
            name = event.new["full_name"]
            return [("UPDATE intake_persons SET full_name = :name WHERE person_id = :id",
                     {**person, "name": self.seal(name)}),
                    ("DELETE FROM intake_name_index WHERE person_id = :id", person), *self._indexed(person["id"], name),
                    entry]
        if isinstance(event, FirstContact.Recorded):
            return [("INSERT INTO intake_talks (contact_id, person_id) VALUES (:contact, :person)",
                     {"contact": str(event.originator_id), "person": str(event.person_id)}),
                    self._entry(str(event.person_id), event.held_on)]
        if isinstance(event, FirstContact.Routed):
            return [("INSERT INTO intake_routings (position, case_id, contact_id, person_id, team, routed_on, reason) "
                     "SELECT :position, :case, contact_id, person_id, :team, :routed_on, :reason FROM intake_talks "
                     "WHERE contact_id = :contact",
                     {"position": position, "case": str(routing_id(event.originator_id, event.team)),
                      "contact": str(event.originator_id), "team": event.team,
                      "routed_on": event.routed_on.isoformat(), "reason": self.seal(event.reason or "")}),
                    ("INSERT INTO intake_files (person_id, last_on) SELECT person_id, :on FROM intake_talks "
                     "WHERE contact_id = :contact ON CONFLICT (person_id) DO UPDATE SET last_on = CASE WHEN "
                     "excluded.last_on > intake_files.last_on THEN excluded.last_on ELSE intake_files.last_on END",
                     {"contact": str(event.originator_id), "on": event.routed_on.isoformat()})]
        if isinstance(event, Erasure.PersonErased):
            # The name and the routings' reasons go; the routings stay (teams and dates), so the counts still add up.
            erased = {"id": str(event.person_id)}
            return [("DELETE FROM intake_persons WHERE person_id = :id", erased),
                    ("DELETE FROM intake_name_index WHERE person_id = :id", erased),
                    ("UPDATE intake_routings SET reason = :reason WHERE person_id = :id",
                     {**erased, "reason": self.seal("")}),
                    ("DELETE FROM intake_files WHERE person_id = :id", erased)]
        return []

    def files_closed(self, page_size: int = 1000) -> Iterator[tuple[UUID, date]]:
        """Every person's file with the day of its last entry (the erased have none), a page at a time."""
        after = ""
        while True:
            rows = self.current().rows("SELECT person_id, last_on FROM intake_files WHERE person_id > :after "
                                       "ORDER BY person_id LIMIT :n", after=after, n=page_size)
            yield from ((UUID(r["person_id"]), date.fromisoformat(r["last_on"])) for r in rows)
            if len(rows) < page_size:
                return
            after = rows[-1]["person_id"]

    # --- queries ---------------------------------------------------------------------------

    def persons_named(self, words: list[str], limit: int, after: str | None) -> tuple[list[UUID], str | None]:
        """The persons whose name holds every word (folded), a page at a time in the order of their
        ids (a name's order would tell names apart), each page by name. Candidates are those whose
        index holds every part of 3 characters of the words; a candidate's name, opened, is then
        checked, so a collision or parts from different words show no one."""
        words = [folded(w) for w in words]
        tokens = sorted({self._token(t) for w in words for t in trigrams(w)})
        if not tokens:
            raise SearchTooShort(f"give at least {TRIGRAM} characters of a name to search for")
        joins = " ".join(f"JOIN intake_name_index t{i} ON t{i}.token = :t{i} AND t{i}.person_id = t0.person_id"
                         for i in range(1, len(tokens)))
        sql = (f"SELECT p.person_id, p.full_name FROM intake_name_index t0 {joins} "
               "JOIN intake_persons p ON p.person_id = t0.person_id "
               "WHERE t0.token = :t0 AND t0.person_id > :after ORDER BY t0.person_id LIMIT :batch")
        key = key_after(after, 1)
        parameters: dict[str, Any] = {f"t{i}": t for i, t in enumerate(tokens)}
        parameters.update(after=key[0] if key else "", batch=2 * (limit + 1))
        view, found = self.current(), []
        while len(found) <= limit:
            candidates = view.rows(sql, **parameters)
            for row in candidates:
                name = self.unseal(row["full_name"])
                if all(w in folded(name) for w in words):
                    found.append({"person_id": row["person_id"], "name": folded(name)})
            if len(candidates) < parameters["batch"]:
                break
            parameters["after"] = candidates[-1]["person_id"]
        rows, next_after = page(found, limit, ("person_id",))
        return [UUID(r["person_id"]) for r in sorted(rows, key=lambda r: (r["name"], r["person_id"]))], next_after

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
            "FROM intake_routings r LEFT JOIN intake_persons p ON p.person_id = r.person_id "
            f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY r.position DESC LIMIT :limit",
            limit=limit + 1, **parameters)
        rows, next_after = page(rows, limit, ("position",))
        # An erased person's routing stays in the list (the counts add up), without name or reason.
        return [{**r, "full_name": None if r["full_name"] is None else self.unseal(r["full_name"]),
                 "reason": self.unseal(r["reason"]) or None,
                 "case_id": UUID(r["case_id"]), "contact_id": UUID(r["contact_id"]),
                 "person_id": UUID(r["person_id"]), "routed_on": date.fromisoformat(r["routed_on"])}
                for r in rows], next_after

    def routed_teams(self, person_id: UUID) -> list[str]:
        rows = self.current().rows("SELECT DISTINCT team FROM intake_routings WHERE person_id = :person ORDER BY team",
                                   person=str(person_id))
        return [r["team"] for r in rows]

