"""The half-year statutory report MRPiPS-03 ("Sprawozdanie półroczne i roczne z udzielonych
świadczeń pomocy społecznej – pieniężnych, w naturze i usługach"), combined from the parts each
team computes from its own store: numbers only, never a person. Pure Python.

Sources for the form: the data format of the report for statistics Poland's portal (MRiPS-03,
2022: for each form of help "osoby, którym decyzją przyznano świadczenie" (kol. 1), "liczba
świadczeń" (kol. 2), "kwota świadczeń" (kol. 3), "liczba rodzin" (kol. 4), "liczba osób w
rodzinach" (kol. 5), separately for tasks commissioned to municipalities (dział 1A) and their own
tasks (dział 1B), each for a year and the first half-year;
http://form.stat.gov.pl/formaty/zmienne-zestaw.php?rok-pbssp=2022&rok-p=2022&idzst=184), and the
ministry's explanations for filling in the MPiPS-03 form (sections on the reasons for help, art. 7,
and on social work: families and persons in them; an older edition at
http://docplayer.pl/5415426-Objasnienia-do-sporzadzenia-sprawozdania-na-formularzu-mpips-03-z-udzielonych-swiadczen-pomocy-spolecznej-pienieznych-w-naturze-i-uslugach.html).
The row order below follows those; the row numbers of the current form were not read
[unconfirmed], so the CSV gives the section and the row's label, and a centre checks the
order once against its form before copying figures into the ministry's system (CAS).

Rows no team here fills stay empty.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.vocabulary import REASONS_FOR_HELP

COLUMNS = ("persons", "benefits", "amount", "families", "persons_in_families")
COLUMN_LABELS = ("osoby, którym decyzją przyznano świadczenie", "liczba świadczeń", "kwota świadczeń (zł)",
                 "liczba rodzin", "liczba osób w rodzinach")


@dataclass(frozen=True)
class Row:
    section: str
    key: str
    label: str


ROWS: tuple[Row, ...] = (
    Row("1A", "specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne",
        "specjalistyczne usługi opiekuńcze dla osób z zaburzeniami psychicznymi"),
    Row("1B", "ogolem", "ogółem (formy pomocy przyznane decyzją, zadania własne)"),
    Row("1B", "zasilek_staly", "zasiłki stałe"),
    Row("1B", "skladki_zdrowotne", "składki na ubezpieczenie zdrowotne opłacane za osoby pobierające zasiłek stały"),
    Row("1B", "zasilek_okresowy", "zasiłki okresowe"),
    Row("1B", "zasilek_celowy", "zasiłki celowe"),
    Row("1B", "specjalny_zasilek_celowy", "specjalne zasiłki celowe"),
    Row("1B", "zasilek_na_ekonomiczne_usamodzielnienie", "zasiłki i pożyczki na ekonomiczne usamodzielnienie"),
    Row("1B", "pomoc_rzeczowa", "pomoc rzeczowa"),
    Row("1B", "posilek", "posiłek"),
    Row("1B", "schronienie", "schronienie"),
    Row("1B", "niezbedne_ubranie", "niezbędne ubranie"),
    Row("1B", "sprawienie_pogrzebu", "sprawienie pogrzebu"),
    Row("1B", "mieszkanie", "mieszkanie chronione, treningowe lub wspomagane"),
    Row("1B", "pomoc_na_usamodzielnienie_i_nauke", "pomoc na usamodzielnienie i kontynuowanie nauki"),
    Row("1B", "uslugi_opiekuncze", "usługi opiekuńcze"),
    Row("1B", "specjalistyczne_uslugi_opiekuncze", "specjalistyczne usługi opiekuńcze"),
    *(Row("powody", f"powod_{code}", label) for code, label in REASONS_FOR_HELP.items()),
    Row("praca_socjalna", "praca_socjalna", "rodziny objęte pracą socjalną"),
)


class ReportError(ValueError):
    """Parts that cannot make one report: a row unknown to the form, or given by two teams."""


def half_year(year: int, half: int) -> tuple[date, date]:
    if half not in (1, 2) or not isinstance(year, int):
        raise ReportError(f"a half-year is 1 or 2 of a year, not {year!r}/{half!r}")
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def combine(parts: dict[str, dict[str, dict]], year: int, half: int) -> dict:
    """The director's report: each team's part ({row key: {column: figure}}) in the form's row
    order; a row no part gives is empty (None in every column)."""
    first, last = half_year(year, half)
    known = {row.key for row in ROWS}
    given: dict[str, tuple[str, dict]] = {}
    for team, part in parts.items():
        for key, figures in part.items():
            if key not in known:
                raise ReportError(f"{team} gives a row the form does not have: {key!r}")
            if key in given:
                raise ReportError(f"both {given[key][0]} and {team} give the row {key!r}")
            if set(figures) - set(COLUMNS):
                raise ReportError(f"{team}'s row {key!r} has columns the form does not: {sorted(set(figures) - set(COLUMNS))}")
            given[key] = (team, figures)
    rows = [{"section": r.section, "key": r.key, "label": r.label, "team": given.get(r.key, (None,))[0],
             **{c: given.get(r.key, (None, {}))[1].get(c) for c in COLUMNS}} for r in ROWS]
    return {"form": "MRPiPS-03", "year": year, "half": half, "from": first, "to": last, "rows": rows}


def _cell(value) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def to_csv(report: dict) -> str:
    """One line per row of the form, in its order, for copying figures into the ministry's system."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dział", "wiersz", *COLUMN_LABELS])
    for row in report["rows"]:
        writer.writerow([row["section"], row["label"], *(_cell(row[c]) for c in COLUMNS)])
    return out.getvalue()


def to_html(report: dict) -> str:
    """A page to read and print: the form's rows by section."""
    title = (f"MRPiPS-03 – {report['half']}. półrocze {report['year']} "
             f"({report['from'].isoformat()} – {report['to'].isoformat()})")
    head = "".join(f"<th>{html.escape(label)}</th>" for label in ("dział", "wiersz", *COLUMN_LABELS))
    body = "".join(
        "<tr>" + f"<td>{html.escape(row['section'])}</td><td>{html.escape(row['label'])}</td>"
        + "".join(f'<td class="n">{html.escape(_cell(row[c]))}</td>' for c in COLUMNS) + "</tr>"
        for row in report["rows"])
    return (f'<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
            "td.n{text-align:right}</style></head>"
            f"<body><h1>{html.escape(title)}</h1><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></body></html>\n")
