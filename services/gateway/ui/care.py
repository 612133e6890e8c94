"""The care coordinator's pages: care service requests and their state (live), one service's file
with a form for each step (assessment, income statement, roster, visits, missed visits, end), the
corrections of a visit or a roster recorded wrongly with their history, and its fee statement;
care-home (DPS) referrals, family assistance, and the carers. The data is care's, asked with the
signed-in coordinator's token; the decision granting a service is the signatory's (care's role
rule), so the coordinator's page shows it and offers its form only to an account that also holds
the signatory's role."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from uuid import UUID

from werkzeug.wrappers import Response

from services.gateway.ui.common import Pages
from services.gateway.schemas import FORWARDED, PAGE, SERVICE_PAGE_QUERY
from services.gateway.web import ServiceRefused, command_headers, gateway_api
from shared.contracts.care import (
    CARE_REQUEST_RECEIVED,
    CARE_SERVICE_ENDED,
    CARE_SERVICE_GRANTED,
    DPS_PLACEMENT_MADE,
    DPS_REFERRAL_SUBMITTED,
    DPS_REFERRAL_WITHDRAWN,
)
from shared.roles import CARE_COORDINATOR, DECISION_SIGNATORY
from shared.schemas import line, obj

CARE = {CARE_COORDINATOR}
# A list's page shows this many rows, and a link to the next ones (?po=: care's `next_after`).
SHOWN = 100
LIST_QUERY = obj(po=line(500))
CARERS_PAGE = 200  # the carers, read whole where a form offers each (a team's, small), this many at a time
# Care's own events, so a list drawn when one arrives already holds what it announces (a routing
# or a social worker's request would reach the page before care has recorded it).
SERVICE_EVENTS = " ".join(c.type for c in (CARE_REQUEST_RECEIVED, CARE_SERVICE_GRANTED, CARE_SERVICE_ENDED))
DPS_EVENTS = " ".join(c.type for c in (CARE_REQUEST_RECEIVED, DPS_REFERRAL_SUBMITTED, DPS_PLACEMENT_MADE,
                                       DPS_REFERRAL_WITHDRAWN))
ASSISTANCE_EVENTS = CARE_REQUEST_RECEIVED.type

# Polish names of care's codes.
STATES = {"requested": "zgłoszona", "assessed": "po ocenie potrzeb", "granted": "przyznana", "ended": "zakończona"}
ORIGINS = {"casework": "z zespołu pracy socjalnej", "first_contact": "z pierwszego kontaktu",
           "care_team": "z inicjatywy zespołu usług"}
ACTIVITIES = {"personal_care": "pielęgnacja i higiena", "meals": "posiłki", "shopping": "zakupy",
              "cleaning": "sprzątanie", "medical_help": "pomoc w zaleceniach lekarskich"}
WEEKDAYS = {"mon": "poniedziałek", "tue": "wtorek", "wed": "środa", "thu": "czwartek", "fri": "piątek",
            "sat": "sobota", "sun": "niedziela"}
SERVICE_KINDS = {"uslugi_opiekuncze": "usługi opiekuńcze",
                 "specjalistyczne_uslugi_opiekuncze": "specjalistyczne usługi opiekuńcze",
                 "specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne":
                     "specjalistyczne usługi opiekuńcze dla osób z zaburzeniami psychicznymi"}
DPS_STATES = {"gathering_documents": "kompletowanie dokumentów", "submitted": "złożone",
              "waiting": "na liście oczekujących", "placed": "osoba umieszczona w DPS", "withdrawn": "wycofane"}
DPS_DOCUMENTS = {"wniosek": "wniosek osoby", "wywiad_srodowiskowy": "rodzinny wywiad środowiskowy",
                 "zaswiadczenie_lekarskie": "zaświadczenie lekarskie",
                 "zgoda_na_umieszczenie": "zgoda na umieszczenie w DPS",
                 "decyzja_o_oplacie": "decyzja o opłacie za pobyt"}
EMPLOYERS = {"staff": "pracownik ośrodka"}
# A service's corrections in its history: what was corrected, each field by its Polish name.
CORRECTED = {"visit": "wizyta", "roster": "harmonogram"}
CORRECTED_FIELDS = {"carer_id": "opiekun(ka)", "on": "data", "hours": "godziny", "activities": "czynności",
                    "plan": "plan tygodnia", "valid_from": "obowiązuje od"}
NAMES = dict(STATES=STATES, ORIGINS=ORIGINS, ACTIVITIES=ACTIVITIES, WEEKDAYS=WEEKDAYS, SERVICE_KINDS=SERVICE_KINDS,
             DPS_STATES=DPS_STATES, DPS_DOCUMENTS=DPS_DOCUMENTS, EMPLOYERS=EMPLOYERS,
             CORRECTED=CORRECTED, CORRECTED_FIELDS=CORRECTED_FIELDS)

# A roster refused by care: the field of the roster form it is about (care's errors name none).
ROSTER_FIELDS = {"RosterExceedsGrant": "hours", "InvalidNumber": "hours", "OutsidePeriod": "valid_from",
                 "InvalidDate": "valid_from", "NotFound": "carer_id", "ValueError": "carer_id",
                 "NotGranted": "carer_id", "ServiceEnded": "carer_id"}
ROSTER_MESSAGES = {
    "RosterExceedsGrant": "Harmonogram przekracza liczbę godzin tygodniowo przyznaną w decyzji.",
    "OutsidePeriod": "Data spoza okresu, na który przyznano usługę.",
    "InvalidDate": "Podaj datę, od której obowiązuje zmiana harmonogramu (w okresie przyznania usługi).",
    "InvalidNumber": "Liczba godzin musi być większa od zera.",
    "NotGranted": "Harmonogram ustala się dopiero po decyzji przyznającej usługę.",
    "ServiceEnded": "Usługa została zakończona.",
    "NotFound": "Wybierz opiekunkę lub opiekuna z listy.",
    "ValueError": "Wybierz opiekunkę lub opiekuna z listy.",
    "CareError": "Wpisz godziny co najmniej jednego dnia tygodnia.",
}


class CarePages(Pages):
    # Method names carry the team's prefix: every team's pages are mixed into one service class.

    @gateway_api("GET", "/uslugi", roles=CARE, query=LIST_QUERY, answer=PAGE)
    def care_services(self, request):
        def build():
            services = self._care_services(request)
            carers = self._care_carers(request)
            return self.page(request, "care/services.html", "Usługi opiekuńcze", live_types=SERVICE_EVENTS,
                             carers=carers, **services, **NAMES)
        return self.service_page(request, "Usługi opiekuńcze", build)

    @gateway_api("GET", "/fragmenty/uslugi", roles=CARE, query=LIST_QUERY, answer=PAGE)
    def care_services_fragment(self, request):
        return self.service_page(request, "Usługi opiekuńcze", lambda: self.fragment(
            "care/services_rows.html", **self._care_services(request), **NAMES))

    @gateway_api("GET", "/usluga/<uuid:service_id>", roles=CARE, query=SERVICE_PAGE_QUERY, answer=PAGE)
    def care_service(self, request, service_id: UUID):
        def build():
            service = self._answer(request.staff, "care", f"/services/{service_id}")
            for entries in (service["visits"], service["rosters"]):  # a correction names an entry by its number
                for number, entry in enumerate(entries, start=1):
                    entry["number"] = number
            carers = self._care_carers(request)
            month = _month(request.args.get("miesiac"), service)
            statement, refusal = None, None
            if service["grant"] and month:
                try:
                    statement = self._answer(request.staff, "care", f"/services/{service_id}/statements/{month}")
                except ServiceRefused as refused:
                    refusal = refused.answer
            name = (service["person"] or {}).get("full_name") or "osoba"
            return self.page(request, "care/service.html", f"Usługa: {name}", service=service, carers=carers,
                             carer_names={c["carer_id"]: c["name"] for c in carers}, month=month,
                             statement=statement, statement_refusal=refusal,
                             planned=sum((Decimal(str(v["hours"])) for v in service["roster"]), Decimal(0)),
                             signatory=request.staff.has(DECISION_SIGNATORY), **NAMES)
        return self.service_page(request, "Usługa", build)

    @gateway_api("POST", "/usluga/<uuid:service_id>/harmonogram", roles=CARE, answer=FORWARDED)
    def care_roster(self, request, service_id: UUID):
        """The roster form's fields (hours per weekday) as the list of visits care takes; a
        refusal comes back naming the form's field it is about."""
        body = _form(request)
        visits = _roster_visits(body)
        if not visits:
            return _refusal(400, {"error": "CareError", "message": ROSTER_MESSAGES["CareError"]}, "hours.mon")
        forwarded = {"carer_id": body.get("carer_id") or "", "visits": visits}
        if body.get("valid_from"):
            forwarded["valid_from"] = body["valid_from"]
        return self._care_roster_forward(request, f"/services/{service_id}/roster", forwarded, visits)

    @gateway_api("POST", "/usluga/<uuid:service_id>/harmonogram/poprawka", roles=CARE, answer=FORWARDED)
    def care_roster_correction(self, request, service_id: UUID):
        """The roster correction form: which roster, its right hours per weekday (none typed: the
        plan stays) or day, why and when; forwarded as care's correction of that roster."""
        body = _form(request)
        visits = _roster_visits(body)
        forwarded = {k: body[k] for k in ("roster", "valid_from", "reason", "corrected_on") if body.get(k)}
        if visits:
            forwarded["visits"] = visits
        return self._care_roster_forward(request, f"/services/{service_id}/roster/correction", forwarded, visits)

    @gateway_api("GET", "/dps", roles=CARE, query=LIST_QUERY, answer=PAGE)
    def care_referrals(self, request):
        return self.service_page(request, "Skierowania do DPS", lambda: self.page(
            request, "care/referrals.html", "Skierowania do domów pomocy społecznej", live_types=DPS_EVENTS,
            **self._care_referrals(request), **NAMES))

    @gateway_api("GET", "/fragmenty/dps", roles=CARE, query=LIST_QUERY, answer=PAGE)
    def care_referrals_fragment(self, request):
        return self.service_page(request, "Skierowania do DPS", lambda: self.fragment(
            "care/referrals_rows.html", **self._care_referrals(request), **NAMES))

    @gateway_api("GET", "/dps/<uuid:referral_id>", roles=CARE, answer=PAGE)
    def care_referral(self, request, referral_id: UUID):
        def build():
            referral = self._answer(request.staff, "care", f"/dps-referrals/{referral_id}")
            return self.page(request, "care/referral.html",
                             f"Skierowanie do DPS: {(referral['person'] or {}).get('full_name') or 'osoba'}",
                             referral=referral, **NAMES)
        return self.service_page(request, "Skierowanie do DPS", build)

    @gateway_api("GET", "/asystenci", roles=CARE, query=LIST_QUERY, answer=PAGE)
    def care_assistance(self, request):
        return self.service_page(request, "Asystenci rodziny", lambda: self.page(
            request, "care/assistance.html", "Asystenci rodziny", live_types=ASSISTANCE_EVENTS,
            **self._care_assistance(request), **NAMES))

    @gateway_api("GET", "/fragmenty/asystenci", roles=CARE, query=LIST_QUERY, answer=PAGE)
    def care_assistance_fragment(self, request):
        return self.service_page(request, "Asystenci rodziny", lambda: self.fragment(
            "care/assistance_rows.html", **self._care_assistance(request), **NAMES))

    @gateway_api("GET", "/asystenci/<uuid:assistance_id>", roles=CARE, answer=PAGE)
    def care_family(self, request, assistance_id: UUID):
        def build():
            family = self._answer(request.staff, "care", f"/family-assistance/{assistance_id}")
            return self.page(request, "care/family.html",
                             f"Asystent rodziny: {(family['person'] or {}).get('full_name') or 'rodzina'}",
                             family=family, **self._answer(request.staff, "care", "/family-assistants"), **NAMES)
        return self.service_page(request, "Asystent rodziny", build)

    # --- internals ------------------------------------------------------------------------------

    def _care_roster_forward(self, request, path: str, forwarded: dict, visits: list[dict]) -> Response:
        """Forwards a roster form's request to care; a refusal comes back naming the form's field
        it is about (the first weekday's hours for the hours)."""
        answer = self._ask(request.staff, "care", "POST", path, None, command_headers(request),
                           data=json.dumps(forwarded).encode())
        if answer.ok:
            return Response(answer.content, status=answer.status_code, mimetype="application/json")
        refused = answer.json()
        error = refused.get("error", "")
        if error in ROSTER_MESSAGES:
            refused = {**refused, "message": ROSTER_MESSAGES[error]}
        field = ROSTER_FIELDS.get(error)
        if field == "hours":
            field = f"hours.{visits[0]['weekday'] if visits else 'mon'}"
        return _refusal(answer.status_code, refused, field)

    def _care_list(self, request, path: str, items: str) -> dict:
        """A page of one of care's lists, in care's order (services: the ended last, urgent first,
        then oldest first; referrals and families: newest first), from where `?po=` says; with
        the cursor of this page and of the next (None: the last), for the "next" link and for
        the live rows, which redraw this same page."""
        after = request.args.get("po")
        answer = self._answer(request.staff, "care", path, {"limit": SHOWN, "after": after})
        return {items: answer[items], "after": after, "more_after": answer["next_after"]}

    def _care_services(self, request) -> dict:
        return self._care_list(request, "/services", "services")

    def _care_referrals(self, request) -> dict:
        return self._care_list(request, "/dps-referrals", "referrals")

    def _care_assistance(self, request) -> dict:
        return {**self._care_list(request, "/family-assistance", "families"),
                **self._answer(request.staff, "care", "/family-assistants")}

    def _care_carers(self, request) -> list[dict]:
        """Every carer, page after page (a form offers each of them, and a file names them)."""
        carers, after = [], None
        while True:
            answer = self._answer(request.staff, "care", "/carers", {"limit": CARERS_PAGE, "after": after})
            carers += answer["carers"]
            after = answer["next_after"]
            if after is None:
                return carers


def _form(request) -> dict:
    """A roster form's fields as the page's script posts them (JSON), or none."""
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except json.JSONDecodeError:
        body = {}
    return body if isinstance(body, dict) else {}


def _roster_visits(body: dict) -> list[dict]:
    """The hours typed for each weekday, as the list of visits a roster is."""
    hours = body.get("hours") if isinstance(body.get("hours"), dict) else {}
    return [{"weekday": day, "hours": hours[day]} for day in WEEKDAYS if str(hours.get(day) or "").strip()]


def _month(asked: str | None, service: dict) -> str | None:
    """The month whose fee statement the page shows: the one asked (YYYY-MM), else that of the
    latest visit, else this month."""
    if asked:
        try:
            return date.fromisoformat(f"{asked}-01").strftime("%Y-%m")
        except ValueError:
            pass
    if service.get("visits"):
        return max(v["on"] for v in service["visits"])[:7]
    return date.today().strftime("%Y-%m")


def _refusal(status: int, answer: dict, field: str | None) -> Response:
    if field:
        answer = {**answer, "field": field}
    return Response(json.dumps(answer, ensure_ascii=False), status=status, mimetype="application/json")
