"""The pages staff work in, served by the gateway: server-rendered HTML (Jinja2) with a little
plain JavaScript (`static/ops.js`: forms that post JSON through the gateway with the session's
anti-forgery token, errors next to their fields, the live event stream), no build step, nothing
from a CDN.

Conventions every page keeps (UI.md of the centre's handbook, in the project's own words in
docs/architecture.md, "Pages"): Polish throughout; dates DD.MM.RRRR; money `1 229,00 zł`; the
art. 7 reasons and forms of help by their Polish names; a label on every field; a PESEL whole
only on the page of the file the role owns, masked elsewhere; no personal data in a URL; a new
item marked as new; a banner when the live connection is lost and when it is back; nothing a
person is typing replaced under their hands.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.contracts import REGISTRY
from shared.roles import (
    AUDITOR,
    BENEFIT_OFFICER,
    CARE_COORDINATOR,
    DECISION_SIGNATORY,
    DIRECTOR,
    FIRST_CONTACT_OFFICER,
    OPERATOR,
    ROLES,
    SOCIAL_WORK_TEAM_LEADER,
    SOCIAL_WORKER,
    STAFF_DEVELOPMENT_OFFICER,
)
from shared.vocabulary import CARE_SERVICE_KINDS, FORMS_OF_HELP, REASONS_FOR_HELP

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

# Each role's start page, and the places it works in (label, path), in the order of its menu.
MENUS: dict[str, list[tuple[str, str]]] = {
    FIRST_CONTACT_OFFICER: [("Pierwszy kontakt", "/pierwszy-kontakt"), ("Ostatnie skierowania", "/skierowania")],
    SOCIAL_WORKER: [("Moje sprawy", "/sprawy"), ("Grupy", "/grupy")],
    SOCIAL_WORK_TEAM_LEADER: [("Sprawy zespołu", "/sprawy"), ("Obciążenie pracą", "/obciazenie"), ("Grupy", "/grupy")],
    BENEFIT_OFFICER: [("Postępowania", "/postepowania"), ("Listy wypłat", "/wyplaty"), ("Przeglądy art. 11", "/przeglady")],
    DECISION_SIGNATORY: [("Decyzje do podpisu", "/do-podpisu")],
    CARE_COORDINATOR: [("Usługi", "/uslugi"), ("Skierowania do DPS", "/dps"), ("Asystenci rodziny", "/asystenci")],
    STAFF_DEVELOPMENT_OFFICER: [("Raport kadrowy", "/kadry"), ("Pracownicy", "/pracownicy"), ("Szkolenia", "/szkolenia")],
    DIRECTOR: [("Wskaźniki", "/wskazniki"), ("Sprawozdanie MRPiPS-03", "/sprawozdanie")],
    AUDITOR: [("Rejestr dostępu", "/audyt"), ("Weryfikacja dziennika", "/audyt/weryfikacja")],
    OPERATOR: [("Stan usług", "/administracja"), ("Konta pracowników", "/konta")],
}


def start_page(roles) -> str:
    for role in MENUS:
        if role in roles:
            return MENUS[role][0][1]
    return "/deklaracja-dostepnosci"


def menu(roles) -> list[tuple[str, str]]:
    seen, entries = set(), []
    for role, items in MENUS.items():
        if role in roles:
            for label, path in items:
                if path not in seen:
                    seen.add(path)
                    entries.append((label, path))
    return entries


# --- how things are written on a page --------------------------------------------------------

def polish_date(value: Any) -> str:
    """DD.MM.RRRR (and the time, HH:MM, of a moment)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def money(value: Any) -> str:
    """1 229,00 zł: a (non-breaking) space between thousands, a comma before the grosze."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    whole, grosze = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', chr(0xA0))},{grosze}\u00a0zł"


def masked_pesel(value: Any) -> str:
    """A PESEL on a page of another file than the one the role owns: the last four digits only."""
    if not value:
        return "—"
    return "•" * (len(str(value)) - 4) + str(value)[-4:]


def reason(code: str) -> str:
    return REASONS_FOR_HELP.get(code, code)


def form_of_help(code: str) -> str:
    return FORMS_OF_HELP.get(code, CARE_SERVICE_KINDS.get(code, code))


def role_name(code: str) -> str:
    return ROLES[code].polish if code in ROLES else code


ENVIRONMENT = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                          trim_blocks=True, lstrip_blocks=True)
ENVIRONMENT.filters.update(data=polish_date, zl=money, pesel=masked_pesel, powod=reason, forma=form_of_help,
                           rola=role_name)
ENVIRONMENT.globals.update(REASONS_FOR_HELP=REASONS_FOR_HELP, FORMS_OF_HELP=FORMS_OF_HELP,
                           CARE_SERVICE_KINDS=CARE_SERVICE_KINDS, ROLES=ROLES,
                           event_types=" ".join(c.type for c in REGISTRY))


def render(template: str, staff, csrf_token: str | None, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(
        staff=staff, csrf_token=csrf_token, menu=menu(staff.roles) if staff else [], **context)
