"""How long a person's file is kept, as a rule table with its sources (docs/architecture.md,
"Erasure"), and who is due for erasure on a date.

A centre's files are kept for the period its records classification (jednolity rzeczowy wykaz akt,
JRWA) gives their class; the period counts from the 1st of January of the year after the file was
closed (the usual rule of the instructions kancelaryjne: "okres przechowywania liczy się od 1
stycznia roku następnego po zakończeniu sprawy"). A category B with E (BE10) is reviewed by the
state archive at the end of the period before the file may be destroyed: "due" means due for that
step, and the erasure itself is the operator's, with its legal ground, once the centre decided.

A file's closing day is each service's own: at intake, the day of the last entry in the person's
file; in casework, the day the person's last case was closed (a person with an open case is not due);
in decisions, the last day of the person's last proceeding, all of them final or set aside, their
periods ended and every month of them paid, nothing left to claim back (services/decisions/domain.py,
`Proceeding.closed_on`); in care, the day the person's last service ended, care-home referral was
placed or withdrawn, or family assistance ended (services/care/domain.py, `closed_on`).

A team that receives intake's PersonErased erases its own file of the person only once that file's
own retention period is over on the day (`erase_when_over`): one rule for every team.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator
from uuid import UUID

from shared.erasure import NoFileOfPerson, PersonAlreadyErased
from shared.rule_table import Periods, Rule, load_periods

SERVICES = Path(__file__).resolve().parent.parent / "services"


@dataclass(frozen=True)
class RetentionPeriod(Rule):
    """A class of the centre's JRWA: its symbol, its archival category and the years it is kept."""

    jrwa_symbol: str
    category: str
    years: int
    note: str

    def ends(self, closed_on: date) -> date:
        """The first day the file is past its period: 1 January of the year after closing, plus the years."""
        return date(closed_on.year + 1 + self.years, 1, 1)


def retention_table(path: Path | str) -> Periods[RetentionPeriod]:
    return load_periods(path, {"retention": RetentionPeriod})["retention"]


def service_retention(service: str) -> Periods[RetentionPeriod]:
    """A service's own retention table, `services/<service>/retention.toml`."""
    return retention_table(SERVICES / service / "retention.toml")


def period_ends(table: Periods[RetentionPeriod], closed_on: date) -> date:
    """The first day a file closed on `closed_on` is past its period, by the rule in force on the closing day
    (the category a file gets when it is closed)."""
    return table.on(closed_on).ends(closed_on)


def due(app: Any, on: date, table: Periods[RetentionPeriod]) -> Iterator[tuple[UUID, date, date]]:
    """The persons whose file at this service is past its retention period on `on`: (opaque
    reference, closing day, the day the period ended). The rule is the one in force on the closing
    day (the category a file gets when it is closed). Read a page at a time from the service's own
    tables; the erased are not there."""
    for person_id, closed_on in app.files_closed():
        ends = period_ends(table, closed_on)
        if ends <= on:
            yield person_id, closed_on, ends


def erase_when_over(app: Any, person_id: UUID, erased_on: date) -> bool:
    """A team's step on intake's PersonErased: its own file of the person is erased too, and the
    erasure recorded by "intake", only if that file's own retention period (`app.retention`,
    counted from `app.file_closed(person_id)`) is over on that day. A file still open, or within
    its period, stays until the team's `due` lists it and the operator erases it. A redelivery
    after the key went finds it erased already; a person with no file here under a key of theirs
    is left alone. True if erased now."""
    closed_on = app.file_closed(person_id)
    if closed_on is None or period_ends(app.retention, closed_on) > erased_on:
        return False
    try:
        app.erase(person_id, ground="erased at first contact (intake's log holds the ground)", erased_on=erased_on,
                  erased_by="intake")
    except (PersonAlreadyErased, NoFileOfPerson):
        return False
    return True


class Retention:
    """A team's application that keeps its persons' files for the period of its own retention table."""

    service: str

    @functools.cached_property
    def retention(self) -> Periods[RetentionPeriod]:
        return service_retention(self.service)


def closing_days(files: Iterable[Any]) -> dict[UUID, date | None]:
    """Each person's file at a team and the day it closed: the last of the closing days (`closed_on`)
    of the person's aggregates (`person_id`) there; None while any of them is open."""
    closed: dict[UUID, date | None] = {}
    for file in files:
        day, before = file.closed_on, closed.get(file.person_id, date.min)
        closed[file.person_id] = None if day is None or before is None else max(day, before)
    return closed


class ClosedByAggregates(Retention):
    """A team whose person's file is the aggregates of the person it keeps, each telling the day it
    closed (`closed_on`, None while open), read from `person_files` (all, or one person's)."""

    def person_files(self, person_id: UUID | None) -> Iterable[Any]:
        raise NotImplementedError

    def files_closed(self) -> Iterator[tuple[UUID, date]]:
        """Each person (not erased) whose every file here is closed, and the day the last closed, by reference."""
        closed = closing_days(self.person_files(None))
        for person_id in sorted(closed):
            if closed[person_id] is not None and not self.erased(person_id):
                yield person_id, closed[person_id]

    def file_closed(self, person_id: UUID) -> date | None:
        """The day the person's file here closed; None while any part of it is open (or none is here)."""
        return closing_days(self.person_files(person_id)).get(person_id)
