"""The care team's read model (docs/architecture.md, "Read models"): its lists, the files a report
or a person's correction concerns, each person's closing day, the family assistants' load.

Tables in care's own database: `care_files` (each care service, care-home referral and family
assistance: the person, their name and PESEL as they stand, sealed, the state, what each list
shows and is ordered by, the granted period, the closing day), `care_carers` (the carers in the
order registered, their names sealed). A list's row is flat (what the list shows, never the
visits or the documents): a page is read from the table, and only a file opened is loaded whole."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.utils import get_topic

from services.care.domain import (
    DPS_DOCUMENTS, Carer, CareService, DpsReferral, FamilyAssistance, PersonsFile, assistant_key,
)
from shared.erasure import Erasure
from shared.views import Statement, TableProjection, key_after, page

SERVICE, REFERRAL, ASSISTANCE = "service", "dps", "assistance"  # care_files.kind
# The services' list: the ended last, urgent first, then oldest first (the coordinator's order).
_SERVICE_ORDER = "closed, not_urgent, opened_on, file_id"
_SERVICE_KEY = ("closed", "not_urgent", "opened_on", "file_id")
_STATES = {  # the state a file's event leaves it in
    CareService.Assessed: "assessed", CareService.Granted: "granted", CareService.Ended: "ended",
    DpsReferral.Submitted: "submitted", DpsReferral.WaitingPositionRecorded: "waiting",
    DpsReferral.Placed: "placed", DpsReferral.Withdrawn: "withdrawn",
    FamilyAssistance.Assigned: "assigned", FamilyAssistance.Ended: "ended",
}
_CLOSING = (CareService.Ended, DpsReferral.Placed, DpsReferral.Withdrawn, FamilyAssistance.Ended)
_STARTED = {CareService.Requested: (SERVICE, "requested_on", "requested"),
            DpsReferral.Started: (REFERRAL, "started_on", "gathering_documents"),
            FamilyAssistance.Requested: (ASSISTANCE, "requested_on", "requested")}


class CareReadModel(TableProjection):
    name = "care"
    topics = tuple(get_topic(e) for e in (
        *_STARTED, *_STATES, CareService.IncomeStated, DpsReferral.DocumentGathered, FamilyAssistance.Visited,
        PersonsFile.PersonCorrected, Carer.Registered, Erasure.PersonErased))
    version = 1
    tables = (
        "CREATE TABLE IF NOT EXISTS care_files (file_id TEXT PRIMARY KEY, position BIGINT NOT NULL UNIQUE, "
        "kind TEXT NOT NULL, person_id TEXT NOT NULL, person TEXT NOT NULL, case_id TEXT, state TEXT NOT NULL, "
        "opened_on TEXT NOT NULL, closed INTEGER NOT NULL, closed_on TEXT, "
        # a care service's
        "not_urgent INTEGER NOT NULL, origin TEXT, service_kind TEXT, income_stated INTEGER NOT NULL, "
        "granted INTEGER NOT NULL, period_from TEXT, period_to TEXT, "
        # a care-home referral's (the documents gathered: codes, never their content)
        "documents TEXT NOT NULL, submitted_on TEXT, waiting_position INTEGER, waiting_on TEXT, "
        # a family's assistance: the assistant is a member of staff, read and counted by name (as
        # casework's worker), so in clear
        "assistant TEXT, assistant_key TEXT, assigned_on TEXT, visits INTEGER NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS care_services_order ON care_files (kind, {_SERVICE_ORDER})",
        f"CREATE INDEX IF NOT EXISTS care_services_by_state ON care_files (kind, state, {_SERVICE_ORDER})",
        "CREATE INDEX IF NOT EXISTS care_files_newest ON care_files (kind, position)",
        "CREATE INDEX IF NOT EXISTS care_files_by_person ON care_files (person_id)",
        # the reports: the services granted for a period that reaches the report's
        "CREATE INDEX IF NOT EXISTS care_services_granted ON care_files (kind, granted, period_from)",
        "CREATE INDEX IF NOT EXISTS care_assistants ON care_files (kind, closed, assistant_key)",
        "CREATE TABLE IF NOT EXISTS care_carers (position BIGINT PRIMARY KEY, carer_id TEXT NOT NULL UNIQUE, "
        "name TEXT NOT NULL, employer TEXT NOT NULL)",
    )

    def changes(self, event: Any, position: int) -> list[Statement]:
        file = {"id": str(event.originator_id)}
        if type(event) in _STARTED:
            kind, opened_on, state = _STARTED[type(event)]
            row = {**file, "position": position, "kind": kind, "person_id": str(event.person_id),
                   "person": self._person(event.person), "case_id": str(event.case_id) if event.case_id else None,
                   "state": state, "opened_on": getattr(event, opened_on).isoformat(),
                   "not_urgent": 0 if getattr(event, "urgent", False) else 1, "origin": getattr(event, "origin", None),
                   "service_kind": getattr(event, "kind", None)}
            return [("INSERT INTO care_files (file_id, position, kind, person_id, person, case_id, state, opened_on, "
                     "closed, not_urgent, origin, service_kind, income_stated, granted, documents, visits) VALUES "
                     "(:id, :position, :kind, :person_id, :person, :case_id, :state, :opened_on, 0, :not_urgent, "
                     ":origin, :service_kind, 0, 0, '', 0)", row)]
        if isinstance(event, Carer.Registered):
            return [("INSERT INTO care_carers (position, carer_id, name, employer) VALUES "
                     "(:position, :id, :name, :employer)",
                     {**file, "position": position, "name": self.seal(event.name), "employer": event.employer})]
        if isinstance(event, Erasure.PersonErased):
            # The name and PESEL go; the rows stay (states, periods, closing days): the lists and reports add up.
            return [("UPDATE care_files SET person = :person WHERE person_id = :person_id",
                     {"person_id": str(event.person_id), "person": self._person({})})]
        if isinstance(event, PersonsFile.PersonCorrected):  # the files' own, stored under PersonsFile's topic
            return [("UPDATE care_files SET person = :person WHERE file_id = :id",
                     {**file, "person": self._person(event.person)})]
        return self._step(event, file)

    def _step(self, event: Any, file: dict) -> list[Statement]:
        """A step in a file's life: its state, and what the lists show of it."""
        sets, values = [], dict(file)
        if type(event) in _STATES:
            sets.append("state = :state")
            values["state"] = _STATES[type(event)]
        if isinstance(event, _CLOSING):
            sets.append("closed = 1, closed_on = :closed_on")
            values["closed_on"] = event.on.isoformat()
        if isinstance(event, CareService.Assessed):
            sets.append("service_kind = :service_kind, period_from = :period_from, period_to = :period_to")
            values.update(service_kind=event.kind, period_from=event.period_from.isoformat(),
                          period_to=event.period_to.isoformat() if event.period_to else None)
        elif isinstance(event, CareService.IncomeStated):
            sets.append("income_stated = 1")
        elif isinstance(event, CareService.Granted):
            sets.append("granted = 1")
        elif isinstance(event, DpsReferral.DocumentGathered):
            sets.append("documents = CASE WHEN documents = '' THEN :document ELSE documents || ' ' || :document END")
            values["document"] = event.document
        elif isinstance(event, DpsReferral.Submitted):
            sets.append("submitted_on = :on")
            values["on"] = event.on.isoformat()
        elif isinstance(event, DpsReferral.WaitingPositionRecorded):
            sets.append("waiting_position = :waiting, waiting_on = :on")
            values.update(waiting=event.position, on=event.on.isoformat())
        elif isinstance(event, FamilyAssistance.Assigned):
            sets.append("assistant = :assistant, assistant_key = :key, assigned_on = :on")
            values.update(assistant=event.assistant, key=assistant_key(event.assistant), on=event.on.isoformat())
        elif isinstance(event, FamilyAssistance.Visited):
            sets.append("visits = visits + 1")
        return [(f"UPDATE care_files SET {', '.join(sets)} WHERE file_id = :id", values)] if sets else []

    def _person(self, person: dict) -> str:
        """Who a file is of, as the lists show them (name and PESEL), sealed."""
        return self.seal(json.dumps({"full_name": person.get("full_name"), "pesel": person.get("pesel")}))

    # --- the lists -----------------------------------------------------------------------------

    def services(self, state: str | None, limit: int, after: str | None) -> tuple[list[dict], str | None]:
        """The care services (of one state, or all): not ended first, urgent first, then oldest first."""
        key = key_after(after, len(_SERVICE_KEY))
        parameters: dict[str, Any] = {"limit": limit + 1, "state": state}
        where = "kind = 'service'" + (" AND state = :state" if state is not None else "")
        if key is not None:
            where += f" AND ({_SERVICE_ORDER}) > (:k0, :k1, :k2, :k3)"
            parameters.update(k0=key[0], k1=key[1], k2=key[2], k3=key[3])
        rows, next_after = page(self.current().rows(
            f"SELECT * FROM care_files WHERE {where} ORDER BY {_SERVICE_ORDER} LIMIT :limit", **parameters),
            limit, _SERVICE_KEY)
        return [{**self._file(r, "service_id"), "kind": r["service_kind"], "origin": r["origin"],
                 "urgent": not r["not_urgent"], "requested_on": date.fromisoformat(r["opened_on"]),
                 "income_stated": bool(r["income_stated"])} for r in rows], next_after

    def referrals(self, limit: int, after: str | None) -> tuple[list[dict], str | None]:
        """The care-home referrals, newest first."""
        rows, next_after = self._newest(REFERRAL, limit, after)
        return [{**self._file(r, "referral_id"), "started_on": date.fromisoformat(r["opened_on"]),
                 "missing_documents": [d for d in DPS_DOCUMENTS if d not in r["documents"].split()],
                 "submitted_on": _day(r["submitted_on"]),
                 "waiting": r["waiting_position"] and {"position": r["waiting_position"], "on": _day(r["waiting_on"])}}
                for r in rows], next_after

    def assistances(self, limit: int, after: str | None) -> tuple[list[dict], str | None]:
        """The families with (or waiting for) a family assistant, newest first."""
        rows, next_after = self._newest(ASSISTANCE, limit, after)
        return [{**self._file(r, "assistance_id"), "requested_on": date.fromisoformat(r["opened_on"]),
                 "assistant": r["assistant"], "assigned_on": _day(r["assigned_on"]), "visits": r["visits"],
                 "ended_on": _day(r["closed_on"])} for r in rows], next_after

    def carers(self, limit: int, after: str | None) -> tuple[list[dict], str | None]:
        """The carers in the order registered."""
        key = key_after(after, 1)
        rows, next_after = page(self.current().rows(
            f"SELECT * FROM care_carers {'WHERE position > :position' if key else ''} ORDER BY position "
            "LIMIT :limit", limit=limit + 1, position=key[0] if key else None), limit, ("position",))
        return [{"carer_id": UUID(r["carer_id"]), "name": self.unseal(r["name"]), "employer": r["employer"]}
                for r in rows], next_after

    def _newest(self, kind: str, limit: int, after: str | None) -> tuple[list[dict], str | None]:
        key = key_after(after, 1)
        rows = self.current().rows(
            f"SELECT * FROM care_files WHERE kind = :kind {'AND position < :position' if key else ''} "
            "ORDER BY position DESC LIMIT :limit", kind=kind, limit=limit + 1, position=key[0] if key else None)
        return page(rows, limit, ("position",))

    def _file(self, row: dict, id_name: str) -> dict:
        return {id_name: UUID(row["file_id"]), "person_id": UUID(row["person_id"]),
                "person": json.loads(self.unseal(row["person"])), "state": row["state"],
                "case_id": UUID(row["case_id"]) if row["case_id"] else None}

    # --- what a command, a report or the erasure reads -------------------------------------------

    def files_of(self, person_id: UUID, via_casework: bool | None = None) -> list[UUID]:
        """The person's files, in the order opened: all, or those a social worker's request opened
        (`via_casework` True) or not (False)."""
        told = {None: "", True: " AND case_id IS NOT NULL", False: " AND case_id IS NULL"}[via_casework]
        rows = self.current().rows(f"SELECT file_id FROM care_files WHERE person_id = :person{told} "
                                   "ORDER BY position", person=str(person_id))
        return [UUID(r["file_id"]) for r in rows]

    def services_granted_for(self, first: date, last: date, open_on_first: bool = False) -> list[UUID]:
        """The services granted for a period that reaches from `first` to `last` (and, with
        `open_on_first`, not ended before `first`), in the order requested."""
        ended = " AND (closed_on IS NULL OR closed_on >= :first)" if open_on_first else ""
        rows = self.current().rows(
            "SELECT file_id FROM care_files WHERE kind = 'service' AND granted = 1 AND period_from <= :last "
            f"AND (period_to IS NULL OR period_to >= :first){ended} ORDER BY position",
            first=first.isoformat(), last=last.isoformat())
        return [UUID(r["file_id"]) for r in rows]

    def all_carers(self) -> list[dict]:
        """Every carer (a team's roster, small: the hours report has a row for each)."""
        return [{"carer_id": UUID(r["carer_id"]), "name": self.unseal(r["name"]), "employer": r["employer"]}
                for r in self.current().rows("SELECT * FROM care_carers ORDER BY position")]

    def assistant_families(self, assistant: str, besides: UUID) -> int:
        """The families an assistant (however the name is typed) works with now, this one not counted."""
        [row] = self.current().rows(
            "SELECT COUNT(*) AS families FROM care_files WHERE kind = 'assistance' AND closed = 0 "
            "AND assistant_key = :key AND file_id <> :id", key=assistant_key(assistant), id=str(besides))
        return row["families"]

    def assistants_load(self) -> dict[str, int]:
        """Families each family assistant works with now, under the name first recorded for them."""
        rows = self.current().rows(
            "SELECT f.assistant, g.families FROM (SELECT assistant_key, COUNT(*) AS families, "
            "MIN(position) AS first FROM care_files WHERE kind = 'assistance' AND closed = 0 "
            "AND assistant_key IS NOT NULL GROUP BY assistant_key) AS g "
            "JOIN care_files f ON f.position = g.first ORDER BY g.first")
        return {r["assistant"]: r["families"] for r in rows}

    def files_closed(self, page_size: int = 1000) -> Iterator[tuple[UUID, date]]:
        """Each person all of whose files are closed, with the day the last closed, a page at a time."""
        return self.persons_closed("care_files", "MIN(closed) = 1", page_size)

    def file_closed(self, person_id: UUID) -> date | None:
        """The day the person's last file here closed; None while one is open (or none is here)."""
        [row] = self.current().rows("SELECT MIN(closed) AS closed, MAX(closed_on) AS closed_on FROM care_files "
                                    "WHERE person_id = :person", person=str(person_id))
        return date.fromisoformat(row["closed_on"]) if row["closed"] == 1 else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
