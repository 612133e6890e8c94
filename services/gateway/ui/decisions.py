"""The benefit officer's and the decision signatory's pages: the week's deadlines and the open
proceedings (live), a proceeding's file with the steps the signed-in roles may take (corrections of the
interview and its incomes before the decision among them, and their history), the month's
payment list and its bank transfer file, art. 11 reviews, and the draft decisions waiting for a signature
(the officer drafts on the proceeding's page; the signatory signs a draft or returns it with a remark)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from uuid import UUID

from werkzeug.wrappers import Response

from services.gateway.pages import ENVIRONMENT
from services.gateway.ui.common import Pages
from services.gateway.schemas import FORWARDED, PAGE, PAYMENTS_QUERY, REVIEWS_QUERY, TRANSFER_FILE
from services.gateway.web import ServiceRefused, command_headers, gateway_api
from shared.contracts import REGISTRY
from shared.contracts.audience import audience
from shared.roles import BENEFIT_OFFICER, DECISION_SIGNATORY
from shared.web import json_response

OFFICER = {BENEFIT_OFFICER}
SIGNATORY = {DECISION_SIGNATORY}
TEAM = OFFICER | SIGNATORY
SHOWN = 100  # a page shows the first N of a list, and says so
PAGE_MAX = 200  # the most a decisions list gives at once
WEEK = 7


def _types(role: str, *, decisions_only: bool = False, casework_facts: bool = False) -> str:
    """The event types a role's stream carries that move the decisions team's lists."""
    chosen = []
    for contract in REGISTRY:
        if role not in audience(contract):
            continue
        if contract.producer == "decisions" or contract.type == "pl.ops.intake.CaseRouted.decisions.v1":
            if not casework_facts:
                chosen.append(contract.type)
        elif casework_facts and contract.producer == "casework":
            chosen.append(contract.type)
    if decisions_only:
        chosen = [t for t in chosen if t.startswith("pl.ops.decisions.")]
    return " ".join(chosen)


# A proceeding moves when a case is routed to the team and at each of the team's published steps.
LIVE_PROCEEDINGS = _types(BENEFIT_OFFICER)
LIVE_FILE = _types(BENEFIT_OFFICER, decisions_only=True)
LIVE_TO_SIGN = _types(DECISION_SIGNATORY)
LIVE_REVIEWS = _types(BENEFIT_OFFICER, casework_facts=True)  # art. 11: contracts refused or broken

STATES = {
    "awaiting_interview": "oczekuje na wywiad",
    "interviewed": "po wywiadzie",
    "assessed": "po ocenie uprawnień — do decyzji",
    "decided": "decyzja wydana — do doręczenia",
    "appeal_window": "biegnie termin na odwołanie",
    "appealed": "wniesiono odwołanie",
    "at_appeals_board": "odwołanie w SKO",
    "final": "decyzja ostateczna",
    "suspended": "wypłata wstrzymana",
    "revoked": "decyzja uchylona",
    "annulled": "uchylona przez SKO",
}
OPEN_STATES = ("awaiting_interview", "interviewed", "assessed", "decided", "appeal_window", "appealed",
               "at_appeals_board")
DUE_WHAT = {  # the service's deadlines, by the start of their name: (a short key, the Polish name)
    "environmental interview": ("wywiad", "Wywiad środowiskowy (art. 107 u.p.s.)"),
    "decision": ("decyzja", "Załatwienie sprawy — decyzja (art. 35 KPA)"),
    "forward the appeal": ("sko", "Przekazanie odwołania do SKO (art. 133 KPA)"),
}
OUTCOMES = {"grant": "przyznanie", "partial_grant": "przyznanie w części", "refusal": "odmowa"}
APPEAL_OUTCOMES = {"upheld": "utrzymana w mocy", "overturned": "uchylona", "returned": "przekazana do ponownego rozpatrzenia"}
PAYMENT_METHODS = {"bank_transfer": "przelew na rachunek", "cash": "gotówka w kasie"}
BASES = {"application": "wniosek", "ex_officio": "z urzędu (art. 102 u.p.s.)"}
LATER_KINDS = {"change": "zmiana", "revocation": "uchylenie", "suspension": "wstrzymanie", "resumption": "wznowienie"}
REVIEW_FACTS = {"refused": "odmowa zawarcia kontraktu socjalnego", "broken": "niedotrzymanie kontraktu socjalnego"}
# Benefits granted by decision (decisions' DECIDED_FORMS, the forms in force today).
BENEFITS = ("zasilek_staly", "zasilek_okresowy", "zasilek_celowy", "specjalny_zasilek_celowy",
            "zasilek_na_ekonomiczne_usamodzielnienie", "pomoc_na_usamodzielnienie_i_nauke", "posilek",
            "schronienie", "niezbedne_ubranie", "sprawienie_pogrzebu", "pomoc_rzeczowa",
            "skladki_zdrowotne_i_spoleczne", "mieszkanie_treningowe", "mieszkanie_wspomagane")
INCOME_SOURCES = {
    "wynagrodzenie": "wynagrodzenie", "emerytura_renta": "emerytura lub renta",
    "zasilek_dla_bezrobotnych": "zasiłek dla bezrobotnych", "alimenty": "alimenty",
    "swiadczenia_rodzinne": "świadczenia rodzinne", "dzialalnosc_gospodarcza": "działalność gospodarcza",
    "inne": "inne",
}

# The entries a correction names, in Polish: the interview's and an income's (decisions' own
# corrections), and the identity's (first contact's PersonCorrected).
CORRECTED_FIELDS = {
    "held_on": "data wywiadu", "household": "skład gospodarstwa", "assets": "majątek",
    "farmland_ha": "gospodarstwo rolne (ha przeliczeniowe)", "unable_to_work": "niezdolność do pracy",
    "member": "osoba", "source": "źródło", "amount": "kwota",
    "full_name": "imię i nazwisko", "birth_date": "data urodzenia", "pesel": "PESEL",
    "document_number": "dokument", "address": "adres", "contact": "kontakt",
}

ENVIRONMENT.filters.update(stan=lambda code: STATES.get(code, code or "—"))
ENVIRONMENT.globals.update(DECISION_OUTCOMES=OUTCOMES, PAYMENT_METHODS=PAYMENT_METHODS, DECISION_BENEFITS=BENEFITS,
                           INCOME_SOURCES=INCOME_SOURCES, APPEAL_OUTCOMES=APPEAL_OUTCOMES, DECISION_BASES=BASES,
                           LATER_KINDS=LATER_KINDS, REVIEW_FACTS=REVIEW_FACTS, CORRECTED_FIELDS=CORRECTED_FIELDS)


class InvalidInterviewLines(ValueError):
    """A line of the household or of the incomes is not as the form asks."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class DecisionsPages(Pages):
    # --- the officer's start page: the week's deadlines and the open proceedings (live) ----------

    @gateway_api("GET", "/postepowania", roles=OFFICER, answer=PAGE)
    def benefits_proceedings(self, request):
        return self.service_page(request, "Postępowania", lambda: self.page(
            request, "decisions/proceedings.html", "Postępowania — terminy tygodnia", live_types=LIVE_PROCEEDINGS,
            **self._benefits_week(request)))

    @gateway_api("GET", "/fragmenty/postepowania", roles=OFFICER, answer=PAGE)
    def benefits_proceedings_fragment(self, request):
        return self.fragment("decisions/proceedings_lists.html", today=date.today(),
                             **self._benefits_week(request))

    def _benefits_week(self, request) -> dict:
        today = date.today()
        horizon = today + timedelta(days=WEEK)
        staff = request.staff
        due, _ = self._pages(staff, "/deadlines", "deadlines", {"today": today.isoformat(), "within_days": WEEK})
        # The open proceedings only, a state at a time: the work in hand, not every proceeding ever opened.
        # One that moves on between two of these reads is in both: the later read has it as it is now.
        by_id = {p["proceeding_id"]: p for state in OPEN_STATES
                 for p in self._pages(staff, "/proceedings", "proceedings", {"state": state})[0]}
        proceedings = list(by_id.values())
        rows = []
        for entry in due:
            p = by_id.get(entry["proceeding_id"], {})
            kind, what = next((named for start, named in DUE_WHAT.items() if entry["what"].startswith(start)),
                              ("inne", entry["what"]))
            rows.append(_row(entry["proceeding_id"], kind, what, entry["due"], today, p, entry["person"],
                             entry["benefit"]))
        # Art. 107 ust. 4: the interview of a person on permanent help, updated every 6 months.
        updates, _ = self._pages(staff, "/interview-updates", "updates", {"today": today.isoformat(),
                                                                         "within_days": WEEK})
        rows += [_row(entry["proceeding_id"], "aktualizacja", "Aktualizacja wywiadu (art. 107 ust. 4 u.p.s.)",
                      entry["due"], today, {}, entry["person"], entry["benefit"]) for entry in updates]
        for p in proceedings:  # the appeal window and finality, from the proceedings themselves
            if p["state"] != "appeal_window" or not p["appeal_deadline"]:
                continue
            deadline = date.fromisoformat(p["appeal_deadline"])
            if today <= deadline <= horizon:
                rows.append(_row(p["proceeding_id"], "odwolanie", "Koniec terminu na odwołanie (art. 129 § 2 KPA)",
                                 p["appeal_deadline"], today, p))
            elif deadline < today:
                first_final_day = (deadline + timedelta(days=1)).isoformat()
                rows.append({**_row(p["proceeding_id"], "prawomocnosc",
                                    "Prawomocność — do odnotowania (termin na odwołanie upłynął)", first_final_day,
                                    today, p), "overdue": False, "to_record": True})
        rows.sort(key=lambda r: (r["due"], r["person"] or ""))
        open_ = sorted((p for p in proceedings if p["state"] in OPEN_STATES),
                       key=lambda p: (_next_date(p) or "9999", (p["person"] or {}).get("full_name") or ""))
        return {"week": rows, "horizon": horizon, "open": open_[:SHOWN], "open_count": len(open_),
                "shown": SHOWN}

    # --- a proceeding's file and its steps ---------------------------------------------------

    @gateway_api("GET", "/postepowanie/<uuid:proceeding_id>", roles=TEAM, answer=PAGE)
    def benefits_proceeding(self, request, proceeding_id: UUID):
        def build():
            p = self._answer(request.staff, "decisions", f"/proceedings/{proceeding_id}")
            return self.page(request, "decisions/proceeding.html", "Postępowanie", p=p, live_types=LIVE_FILE,
                             officer=BENEFIT_OFFICER in request.staff.roles,
                             signatory=DECISION_SIGNATORY in request.staff.roles)
        return self.service_page(request, "Postępowanie", build)

    @gateway_api("GET", "/fragmenty/postepowanie/<uuid:proceeding_id>", roles=TEAM, answer=PAGE)
    def benefits_proceeding_fragment(self, request, proceeding_id: UUID):
        return self.fragment("decisions/proceeding_file.html",
                             p=self._answer(request.staff, "decisions", f"/proceedings/{proceeding_id}"))

    @gateway_api("POST", "/postepowanie/<uuid:proceeding_id>/wywiad", roles=OFFICER, answer=FORWARDED)
    def benefits_interview(self, request, proceeding_id: UUID):
        """The interview form's lines made into the household and incomes the service takes (a
        page's form cannot post a list of objects), then forwarded as the officer's own request."""
        body = _form_body(request)
        try:
            household = [_member(line) for line in _lines(body.get("household"))]
            incomes = [_income(line) for line in _lines(body.get("incomes"))]
        except InvalidInterviewLines as error:
            return _lines_refused(error)
        interview = {"held_on": body.get("held_on"), "household": household, "incomes": incomes,
                     "assets": body.get("assets") or "", "farmland_ha": body.get("farmland_ha") or "0",
                     "unable_to_work": bool(body.get("unable_to_work")), "recorded_on": date.today().isoformat()}
        return self._benefits_interview_step(request, proceeding_id, "interview", interview)

    @gateway_api("POST", "/postepowanie/<uuid:proceeding_id>/wywiad/poprawka", roles=OFFICER, answer=FORWARDED)
    def benefits_interview_correction(self, request, proceeding_id: UUID):
        """The interview correction form: its household lines made into members as the interview's
        form does; every entry is sent as the form shows it (prefilled with the interview), so one
        left as it was changes nothing; who corrects is the officer's own token."""
        body = _form_body(request)
        try:
            household = [_member(line) for line in _lines(body.get("household"))]
        except InvalidInterviewLines as error:
            return _lines_refused(error)
        correction = {"held_on": body.get("held_on"), "household": household, "assets": body.get("assets") or "",
                      "farmland_ha": body.get("farmland_ha") or "0", "unable_to_work": bool(body.get("unable_to_work")),
                      "reason": body.get("reason") or "", "corrected_on": body.get("corrected_on")}
        return self._benefits_interview_step(request, proceeding_id, "corrections/interview",
                                             {k: v for k, v in correction.items() if v is not None})

    def _benefits_interview_step(self, request, proceeding_id: UUID, step: str, body: dict) -> Response:
        """The step forwarded as the officer's own request; InvalidInterview shown beside the form's field
        (the incomes' lines when the form has them, the household otherwise)."""
        answer = self._ask(request.staff, "decisions", "POST", f"/proceedings/{proceeding_id}/{step}", None,
                           command_headers(request), data=json.dumps(body).encode())
        if answer.status_code == 400 and answer.json().get("error") == "InvalidInterview":
            refusal = answer.json()
            refusal["field"] = "incomes" if "income" in refusal.get("message", "") and "incomes" in body \
                else "household"
            return json_response(refusal, 400)
        return Response(answer.content, status=answer.status_code,
                        content_type=answer.headers.get("Content-Type", "application/json"))

    # --- payments ----------------------------------------------------------------------------

    @gateway_api("GET", "/wyplaty", roles=OFFICER, query=PAYMENTS_QUERY, answer=PAGE)
    def benefits_payments(self, request):
        month, as_of = _month_and_day(request.args)

        def build():
            listed = self._answer(request.staff, "decisions", "/payment-list", {"month": month, "as_of": as_of})
            return self.page(request, "decisions/payments.html", "Lista wypłat", listed=listed, month=month,
                             as_of=as_of, file=_file_fields(request.args))
        return self._benefits_refusable(request, "decisions/payments.html", "Lista wypłat", build,
                                        listed=None, month=month, as_of=as_of, file=_file_fields(request.args))

    @gateway_api("GET", "/wyplaty/plik-przelewow", roles=OFFICER, query=PAYMENTS_QUERY, answer=TRANSFER_FILE)
    def benefits_bank_file(self, request):
        """The month's bank transfers (pain.001) as a file to download: the service's answer, with
        its file name; a refusal (no account of a person, no payer) is shown on the list's page."""
        month, as_of = _month_and_day(request.args)
        fields = _file_fields(request.args)
        answer = self._ask(request.staff, "decisions", "GET", "/bank-transfer-file",
                           {"month": month, "as_of": as_of, **fields})
        if answer.ok:
            return Response(answer.content, status=200, mimetype="application/xml", headers={
                "Content-Disposition": answer.headers.get("Content-Disposition",
                                                          f'attachment; filename="przelewy-{month}.xml"')})
        refusal = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") \
            else {"error": "Error", "message": answer.text}
        listed = None
        try:
            listed = self._answer(request.staff, "decisions", "/payment-list", {"month": month, "as_of": as_of})
        except ServiceRefused:
            pass
        return self.page(request, "decisions/payments.html", "Lista wypłat", status=answer.status_code,
                         listed=listed, month=month, as_of=as_of, file=fields, file_refusal=refusal)

    # --- art. 11 reviews -----------------------------------------------------------------------

    @gateway_api("GET", "/przeglady", roles=OFFICER, query=REVIEWS_QUERY, answer=PAGE)
    def benefits_reviews(self, request):
        every = request.args.get("wszystkie") is not None
        return self.service_page(request, "Przeglądy art. 11", lambda: self.page(
            request, "decisions/reviews.html", "Przeglądy art. 11 u.p.s.", live_types=LIVE_REVIEWS, every=every,
            **self._benefits_reviews(request, every)))

    @gateway_api("GET", "/fragmenty/przeglady", roles=OFFICER, query=REVIEWS_QUERY, answer=PAGE)
    def benefits_reviews_fragment(self, request):
        every = request.args.get("wszystkie") is not None
        return self.fragment("decisions/reviews_rows.html", **self._benefits_reviews(request, every))

    def _benefits_reviews(self, request, every: bool) -> dict:
        # The open reviews are the work in hand, all of them; of every review ever made, the first SHOWN.
        tasks, more = self._pages(request.staff, "/review-tasks", "tasks", {"all": "1"} if every else {},
                                  at_most=SHOWN if every else None)
        tasks = sorted(tasks, key=lambda t: t["occurred_on"])
        names = {t["person_id"]: t.get("person") for t in tasks}
        return {"tasks": tasks[:SHOWN], "task_count": len(tasks) + more, "more": bool(more), "names": names,
                "shown": SHOWN}

    # --- the signatory --------------------------------------------------------------------------

    @gateway_api("GET", "/do-podpisu", roles=SIGNATORY, answer=PAGE)
    def benefits_to_sign(self, request):
        return self.service_page(request, "Decyzje do podpisu", lambda: self.page(
            request, "decisions/to_sign.html", "Decyzje do podpisu", live_types=LIVE_TO_SIGN,
            **self._benefits_to_sign(request)))

    @gateway_api("GET", "/fragmenty/do-podpisu", roles=SIGNATORY, answer=PAGE)
    def benefits_to_sign_fragment(self, request):
        return self.fragment("decisions/to_sign_rows.html", today=date.today(), **self._benefits_to_sign(request))

    def _benefits_to_sign(self, request) -> dict:
        waiting, _ = self._pages(request.staff, "/drafts", "drafts", {})
        waiting.sort(key=lambda p: (p["settlement_due"] or "9999", (p["person"] or {}).get("full_name") or ""))
        return {"waiting": waiting[:SHOWN], "waiting_count": len(waiting), "shown": SHOWN}

    def _pages(self, staff, path: str, items: str, params: dict, at_most: int | None = None) -> tuple[list, int]:
        """A decisions list read page after page (all of it, or its first `at_most`), and 1 if more was left."""
        found, after = [], None
        while True:
            limit = PAGE_MAX if at_most is None else min(PAGE_MAX, at_most - len(found))
            answer = self._answer(staff, "decisions", path,
                                  {**params, "limit": limit, **({"after": after} if after else {})})
            found += answer[items]
            after = answer["next_after"]
            if after is None:
                return found, 0
            if at_most is not None and len(found) >= at_most:
                return found, 1

    def _benefits_refusable(self, request, template: str, title: str, build, **context) -> Response:
        """A page whose query the service may refuse (a month mistyped): the refusal shown on it."""
        try:
            return build()
        except ServiceRefused as refused:
            if refused.status != 400:
                return self.page(request, "refused.html", title, status=refused.status, answer=refused.answer)
            return self.page(request, template, title, status=400, refusal=refused.answer, **context)


# --- helpers -----------------------------------------------------------------------------------

def _row(proceeding_id, kind: str, what: str, due: str, today: date, p: dict, person: str | None = None,
         benefit: str | None = None) -> dict:
    day = date.fromisoformat(due)
    return {"key": f"{proceeding_id}-{kind}", "kind": kind, "proceeding_id": proceeding_id, "what": what, "due": due,
            "days": (day - today).days, "overdue": day < today, "to_record": False,
            "person": person or (p.get("person") or {}).get("full_name"), "benefit": benefit or p.get("benefit"),
            "urgent": p.get("urgent"), "state": p.get("state")}


def _next_date(p: dict) -> str | None:
    state = p["state"]
    if state == "awaiting_interview":
        return p["interview_due"]
    if state in ("interviewed", "assessed"):
        return p["settlement_due"]
    if state == "appeal_window":
        return p["appeal_deadline"]
    if state == "appealed":
        return (p["appeal"] or {}).get("forwarding_due")
    return None


def _form_body(request) -> dict:
    """A page form's JSON body, or nothing (the service's schema then names what is missing)."""
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except json.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


def _lines_refused(error: InvalidInterviewLines) -> Response:
    return json_response({"error": "InvalidInterview", "message": str(error), "field": error.field}, 400)


def _lines(value) -> list[str]:
    if isinstance(value, list):
        lines = [str(v) for v in value]
    else:
        lines = str(value or "").splitlines()
    return [line.strip() for line in lines if line.strip()]


def _member(line: str) -> dict:
    name, _, relation = (part.strip() for part in line.partition(";"))
    if not name:
        raise InvalidInterviewLines(f"W wierszu „{line}” brak imienia i nazwiska.", "household")
    return {"name": name, "relation": relation}


SOURCE_BY_LABEL = {**{label: code for code, label in INCOME_SOURCES.items()}, **{c: c for c in INCOME_SOURCES}}


def _income(line: str) -> dict:
    parts = [part.strip() for part in line.split(";")]
    if len(parts) != 3:
        raise InvalidInterviewLines(f"Wiersz dochodu „{line}”: podaj osobę; źródło; kwotę (rozdzielone średnikami).",
                                    "incomes")
    member, source, amount = parts
    code = SOURCE_BY_LABEL.get(source.lower())
    if code is None:
        raise InvalidInterviewLines(f"Nieznane źródło dochodu „{source}” — jedno z: "
                                    f"{', '.join(INCOME_SOURCES.values())}.", "incomes")
    amount = re.sub(r"[\s\u00a0]|zł", "", amount).replace(",", ".")
    return {"member": member, "source": code, "amount": amount}


def _month_and_day(args) -> tuple[str, str]:
    today = date.today()
    month = (args.get("month") or "").strip() or today.strftime("%Y-%m")
    as_of = (args.get("as_of") or "").strip() or today.isoformat()
    return month, as_of


def _file_fields(args) -> dict:
    """The bank file's own fields: the centre's (the payer's) name and account, the execution day."""
    return {k: (args.get(k) or "").strip() for k in ("execution_date", "debtor_name", "debtor_account")}
