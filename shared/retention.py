"""How long a person's file is kept, as a rule table with its sources (docs/architecture.md,
"Erasure"), and who is due for erasure on a date.

A centre's files are kept for the period its records classification (jednolity rzeczowy wykaz akt,
JRWA) gives their class; the period counts from the 1st of January of the year after the file was
closed (the usual rule of the instructions kancelaryjne: "okres przechowywania liczy się od 1
stycznia roku następnego po zakończeniu sprawy"). A category B with E (BE10) is reviewed by the
state archive at the end of the period before the file may be destroyed: "due" means due for that
step, and the erasure itself is the operator's, with its legal ground, once the centre decided.

A file's closing day is each service's own: at intake, the day of the last entry in the person's
file; in casework, the day the person's last case was closed (a person with an open case is not due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator
from uuid import UUID

from shared.rule_table import Periods, Rule, load_periods


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


def due(app: Any, on: date, table: Periods[RetentionPeriod]) -> Iterator[tuple[UUID, date, date]]:
    """The persons whose file at this service is past its retention period on `on`: (opaque
    reference, closing day, the day the period ended). The rule is the one in force on the closing
    day (the category a file gets when it is closed). Read a page at a time from the service's own
    tables; the erased are not there."""
    for person_id, closed_on in app.files_closed():
        ends = table.on(closed_on).ends(closed_on)
        if ends <= on:
            yield person_id, closed_on, ends
