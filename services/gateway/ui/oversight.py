"""The director's, the auditor's and the operator's pages: figures only for the director (each
team's MRPiPS-03 part for the half-year, the half-year report), each service's access log and the
audit tools for the auditor (an exported log verified here), the services' health
and the staff accounts for the operator. None of them shows a person's file."""

from __future__ import annotations

import tempfile
from collections import Counter, deque
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from eventlet import tpool
from werkzeug.wrappers import Response

from services.gateway.domain import AccountNotFound
from services.gateway.pages import ENVIRONMENT, money, render
from services.gateway.ui.common import Pages
from services.gateway.schemas import ACCESS_LOG_PAGE_QUERY, ACCOUNTS_PAGE_QUERY, DIRECTOR_REPORT_QUERY, PAGE
from services.gateway.web import MRPIPS03_TEAMS, SessionApi, TeamUnavailable, gateway_api
from shared import audit
from shared.contracts.gateway import TEAMS
from shared.mrpips03 import COLUMN_LABELS, COLUMNS, ReportError, combine, half_year, to_html
from shared.roles import AUDITOR, DIRECTOR, OPERATOR
from shared.web import api

OVERSEEN = ("intake", "casework", "decisions", "care", "training")  # the services behind the gateway
SERVICE_NAMES = {"intake": "pierwszy kontakt", "casework": "praca socjalna", "decisions": "świadczenia (decyzje)",
                 "care": "usługi", "training": "kadry i szkolenia", "gateway": "brama (logowanie i strony)"}
TEAM_NAMES = {**SERVICE_NAMES, "decisions": "świadczenia", "management": "dyrekcja"}
COLUMN_NAMES = dict(zip(COLUMNS, COLUMN_LABELS))
LATEST_READS = 100  # the access log page shows the newest this many
READS_PAGE = 500  # the most /access-log gives at once
READS_PAGES = 20  # pages walked for one view: past that, the page says so and offers the next stretch
UPLOAD_LIMIT = 50 * 1024 * 1024  # an exported log the auditor uploads
WARSAW = ZoneInfo("Europe/Warsaw")

# What a member of staff opened, as the access log names it (services' record_read), in Polish.
WHAT = {"person": "akta osoby", "person search": "wyszukiwanie osób", "routings": "lista skierowań",
        "case": "sprawa (praca socjalna)", "open cases": "lista otwartych spraw", "groups": "grupy",
        "proceeding": "postępowanie", "proceedings": "lista postępowań", "bank transfer file": "plik przelewów",
        "health contributions": "składki zdrowotne", "payment list": "lista wypłat",
        "review tasks": "przeglądy art. 11", "care hours": "godziny usług", "care service": "usługa",
        "care services": "lista usług", "dps referral": "skierowanie do DPS", "dps referrals": "skierowania do DPS",
        "family assistance": "asystentura rodziny", "fee statement": "rozliczenie odpłatności",
        "due payments": "należne wypłaty", "payment schedule": "harmonogram wypłat"}
# The kinds of records a log holds, in Polish.
KINDS = {"IntegrationEvent": "zdarzenia opublikowane dla innych zespołów", "Person": "osoby w rejestrze", "FirstContact": "rozmowy pierwszego kontaktu", "FileRead": "odczyty akt",
         "Case": "sprawy pracy socjalnej", "Group": "grupy", "TeamMember": "członkowie zespołu",
         "Proceeding": "postępowania", "ReviewTask": "przeglądy art. 11", "CareService": "usługi",
         "Carer": "opiekunki i opiekunowie", "DpsReferral": "skierowania do DPS",
         "FamilyAssistance": "asystentury rodziny", "Employee": "pracownicy", "Training": "szkolenia",
         "Supervision": "superwizje", "StudyVisit": "wizyty studyjne", "WorkloadFact": "fakty obciążenia pracą"}
AUDIT_ERRORS = {"AuditLogAltered": "Dziennik został zmieniony", "AuditLogIncomplete": "Dziennikowi czegoś brakuje",
                "NotAnAuditLog": "To nie jest dziennik audytowy"}


# --- how figures and moments are written ----------------------------------------------------

def number(value) -> str:
    """A figure as Poles write it: 1 234,5 (no trailing zeros); '—' for none."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{amount.normalize():,f}" if amount != amount.to_integral() else f"{int(amount):,}"
    return text.replace(",", "\u00a0").replace(".", ",")


def moment(value) -> str:
    """A moment (ISO, with its offset) at the centre's time: DD.MM.RRRR HH:MM:SS."""
    try:
        found = datetime.fromisoformat(value) if isinstance(value, str) else value
        return found.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M:%S")
    except (TypeError, ValueError):
        return "—" if value in (None, "") else str(value)


ENVIRONMENT.filters.update(liczba=number, chwila=moment)


def current_half(today: date) -> tuple[int, int]:
    return today.year, 1 if today.month <= 6 else 2


class NotAnAuditLog(ValueError):
    """The uploaded file cannot be read as an exported log at all."""


class LogUpload(SessionApi):
    """The auditor's upload of an exported log: past its limit, a page that says so."""

    def too_large(self, request, limit: int) -> Response:
        return Response(render("oversight/too_large.html", None, None, title="Plik jest za duży",
                               limit=limit // (1024 * 1024)), status=413, mimetype="text/html")


def checked(path: Path) -> dict:
    """An exported log verified (shared.audit.verify) and, when whole, what it holds, counted by
    kind. Nothing of its content: the messages name lines and events by number only."""
    try:
        log = audit.verify(path)
    except (audit.AuditLogAltered, audit.AuditLogIncomplete) as error:
        return {"valid": False, "error": type(error).__name__, "message": str(error)}
    except UnicodeDecodeError:
        return {"valid": False, "error": "NotAnAuditLog", "message": "the file is not UTF-8 text"}
    except Exception as error:  # a line sealed right but not an event's: say what, never quote it
        return {"valid": False, "error": "NotAnAuditLog", "message": f"unreadable ({type(error).__name__})"}
    result = {"valid": True, "service": log.service, "up_to": log.up_to, "exported_at": log.exported_at,
              "events": len(log.events),
              "first": log.notification_ids[0] if log.notification_ids else None,
              "last": log.notification_ids[-1] if log.notification_ids else None, "final_hash": log.final_hash}
    # What the log holds, by the kinds of its records, read from the events' topics: the gateway
    # imports no team's code.
    records = {(e.topic.split(":")[-1].split(".")[0], e.originator_id) for e in log.events}
    result["kinds"] = sorted(Counter(kind for kind, _ in records).items())
    return result


class OversightPages(Pages):
    # --- the director: figures only ------------------------------------------------------------

    @gateway_api("GET", "/wskazniki", roles={DIRECTOR}, answer=PAGE)
    def director_indicators(self, request):
        year, half = current_half(date.today())
        first, last = half_year(year, half)
        parts, missing = self._oversight_parts(request.staff, year, half)
        try:
            rows, problem = combine(parts, year, half)["rows"], None
        except ReportError as error:
            rows, problem = [], str(error)
        by_team = {team: [r for r in rows if r["team"] == team] for team in MRPIPS03_TEAMS}
        columns = {team: [c for c in COLUMNS if any(r[c] is not None for r in found)]
                   for team, found in by_team.items()}
        staff = self._oversight_staff(request.staff, first, last)
        return self.page(request, "oversight/indicators.html", "Wskaźniki", year=year, half=half, first=first,
                         last=last, by_team=by_team, columns=columns, missing=missing, problem=problem,
                         staff_figures=staff, team_names=TEAM_NAMES, column_names=COLUMN_NAMES,
                         headline=_headline(by_team, missing))

    @gateway_api("GET", "/sprawozdanie", roles={DIRECTOR}, query=DIRECTOR_REPORT_QUERY, answer=PAGE)
    def director_report(self, request):
        year, half = current_half(date.today())
        errors = {}
        try:
            year = int(request.args.get("rok") or year)
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors["rok"] = "Podaj rok, np. 2026."
        try:
            half = int(request.args.get("polrocze") or half)
            if half not in (1, 2):
                raise ValueError
        except ValueError:
            errors["polrocze"] = "Wybierz 1. albo 2. półrocze."
        context = {"year": request.args.get("rok") or year, "half": half, "errors": errors}
        if not errors:
            parts, missing = self._oversight_parts(request.staff, year, half)
            context.update(missing=missing, team_names=TEAM_NAMES)
            if not missing:
                try:
                    context["report_html"] = to_html(combine(parts, year, half))
                except ReportError as error:
                    context["problem"] = str(error)
        return self.page(request, "oversight/report.html", "Sprawozdanie MRPiPS-03", status=400 if errors else 200,
                         **context)

    def _oversight_parts(self, staff, year: int, half: int) -> tuple[dict, list[str]]:
        """Each team's MRPiPS-03 part, asked with the director's own token as the gateway's report
        asks it; a team that does not answer is left out and named."""
        parts, missing = {}, []
        for team in MRPIPS03_TEAMS:
            try:
                answer = self._ask(staff, team, "GET", "/mrpips03-part", {"year": year, "half": half})
            except TeamUnavailable:
                answer = None
            if answer is not None and answer.status_code == 200:
                parts[team] = answer.json()
            else:
                missing.append(team)
        return parts, missing

    def _oversight_staff(self, staff, first: date, last: date) -> dict | None:
        """The staff report's indicators for the centre (no name in them), or None if training does not answer."""
        try:
            answer = self._ask(staff, "training", "GET", "/report", {"from": first.isoformat(), "to": last.isoformat()})
        except TeamUnavailable:
            return None
        return answer.json().get("centre") if answer.status_code == 200 else None

    # --- the auditor: access logs and the audit tools ----------------------------------------------

    @gateway_api("GET", "/audyt", roles={AUDITOR}, query=ACCESS_LOG_PAGE_QUERY, answer=PAGE)
    def auditor_access_log(self, request):
        service = request.args.get("usluga") or OVERSEEN[0]
        errors, params = {}, {}
        if service not in OVERSEEN:
            errors["usluga"], service = "Wybierz usługę z listy.", OVERSEEN[0]
        for field, key in (("osoba", "person_id"), ("pracownik", "staff_id")):
            value = (request.args.get(field) or "").strip()
            if value:
                try:
                    params[key] = str(UUID(value))
                except ValueError:
                    errors[field] = "Podaj identyfikator w postaci UUID, np. 3f2b…-…"
        try:
            start = max(int(request.args.get("od") or 0), 0)
        except ValueError:
            start = 0
        context = {"services": {s: SERVICE_NAMES[s] for s in OVERSEEN}, "service": service, "errors": errors,
                   "person": request.args.get("osoba", ""), "staff_member": request.args.get("pracownik", ""),
                   "start": start, "what_names": WHAT, "latest": LATEST_READS}
        if errors:
            return self.page(request, "oversight/access_log.html", "Rejestr dostępu", status=400, **context)
        try:
            return self.service_page(request, "Rejestr dostępu", lambda: self.page(
                request, "oversight/access_log.html", "Rejestr dostępu",
                **context, **self._oversight_reads(request.staff, service, params, start)))
        except TeamUnavailable:
            return self.page(request, "oversight/access_log.html", "Rejestr dostępu", status=503, unavailable=True,
                             **context)

    def _oversight_reads(self, staff, service: str, params: dict, start: int) -> dict:
        """The newest reads, newest first: /access-log pages oldest first, so the pages are walked
        from `start` (at most READS_PAGES of them) keeping the last LATEST_READS."""
        newest, after, walked, total = deque(maxlen=LATEST_READS), start, 0, 0
        while True:
            answer = self._answer(staff, service, "/access-log", {**params, "after": after, "limit": READS_PAGE})
            newest.extend(answer["reads"])
            total += len(answer["reads"])
            walked += 1
            if answer["next_after"] is None:
                return {"reads": list(reversed(newest)), "total": total, "more_after": None}
            after = answer["next_after"]
            if walked == READS_PAGES:
                return {"reads": list(reversed(newest)), "total": total, "more_after": after}

    @gateway_api("GET", "/audyt/weryfikacja", roles={AUDITOR}, answer=PAGE)
    def auditor_verification_form(self, request):
        return self.page(request, "oversight/verification.html", "Weryfikacja dziennika",
                         limit=UPLOAD_LIMIT // (1024 * 1024))

    @api("POST", "/audyt/weryfikacja", roles={AUDITOR}, entrypoint=LogUpload, max_bytes=UPLOAD_LIMIT, answer=PAGE)
    def auditor_verification(self, request):
        """The uploaded export checked here (a temporary file, removed at once); the page shows the
        verdict and, for a whole log, its records counted by kind, never a line of the file."""
        upload = request.files.get("plik")
        if upload is None or not upload.filename:
            return self.page(request, "oversight/verification.html", "Weryfikacja dziennika", status=400,
                             limit=UPLOAD_LIMIT // (1024 * 1024), missing_file=True)
        with tempfile.TemporaryDirectory(prefix="ops-audit-") as folder:
            path = Path(folder) / "log.jsonl"
            upload.save(str(path))
            upload.close()
            result = tpool.execute(checked, path)  # a big log must not stop every other page meanwhile
        event = _event_number(result.get("message", ""))
        return self.page(request, "oversight/verification.html", "Weryfikacja dziennika",
                         limit=UPLOAD_LIMIT // (1024 * 1024), result=result, event=event,
                         error_names=AUDIT_ERRORS, kinds=KINDS, service_names=SERVICE_NAMES)

    # --- the operator: health and accounts -----------------------------------------------------

    @gateway_api("GET", "/administracja", roles={OPERATOR}, answer=PAGE)
    def operator_health(self, request):
        services = [{"service": "gateway", "up": True,
                     "workers": {w.name: w.health() for w in self.store.workers}}]
        for service in OVERSEEN:
            try:
                answer = self._ask(request.staff, service, "GET", "/health", None)
                up = answer.status_code == 200
                workers = {k: v for k, v in answer.json().items() if isinstance(v, dict)} if up else {}
            except (TeamUnavailable, ValueError):
                up, workers = False, {}
            services.append({"service": service, "up": up, "workers": workers})
        for s in services:
            s["dead_letters"] = sum(w.get("dead_lettered") or 0 for w in s["workers"].values())
        return self.page(request, "oversight/health.html", "Stan usług", services=services, names=SERVICE_NAMES)

    @gateway_api("GET", "/konta", roles={OPERATOR}, query=ACCOUNTS_PAGE_QUERY, answer=PAGE)
    def operator_accounts(self, request):
        """A page of the accounts by login (from `?po=`), with a link to the next."""
        found = self.store.accounts(after=request.args.get("po"))
        return self.page(request, "oversight/accounts.html", "Konta pracowników", accounts=found["accounts"],
                         after=request.args.get("po"), more_after=found["next_after"],
                         teams={t: TEAM_NAMES[t] for t in TEAMS})

    @gateway_api("GET", "/konta/<uuid:account_id>", roles={OPERATOR}, answer=PAGE)
    def operator_account(self, request, account_id: UUID):
        try:
            account = self.store.account(account_id)
        except AccountNotFound:
            return self.page(request, "refused.html", "Konto", status=404,
                             answer={"error": "AccountNotFound", "message": ""})
        return self.page(request, "oversight/account.html", f"Konto: {account.login}", account=account,
                         teams={t: TEAM_NAMES[t] for t in TEAMS})


def _headline(by_team: dict, missing: list[str]) -> list[tuple[str, str | None]]:
    """The few figures the director reads first (None: the team did not answer)."""
    def total(team: str, column: str, keys=None, write=number) -> str | None:
        if team in missing:
            return None
        values = [r[column] for r in by_team[team] if (keys is None or r["key"] in keys) and r[column] is not None]
        return write(sum((Decimal(str(v)) for v in values), Decimal(0)))

    return [("Osoby, którym decyzją przyznano świadczenia", total("decisions", "persons", {"ogolem"})),
            ("Kwota przyznanych świadczeń", total("decisions", "amount", {"ogolem"}, money)),
            ("Rodziny objęte pracą socjalną", total("casework", "families", {"praca_socjalna"})),
            ("Osoby objęte usługami (suma według rodzajów usług)", total("care", "persons"))]


def _event_number(message: str) -> int | None:
    """The event a verifier's 'line N' is (line 1 is the file's header)."""
    if message.startswith("line "):
        try:
            return int(message[5:].split(":", 1)[0]) - 1
        except ValueError:
            return None
    return None
