"""The first-contact officer's pages: find or register a person, correct the register (with a
reason; the history shows each correction), the short talk with the art. 7 reasons, routing to a
team, and today's routings (live)."""

from __future__ import annotations

import json
from uuid import UUID

from services.gateway.pages import ENVIRONMENT, polish_date
from services.gateway.ui.common import Pages
from services.gateway.schemas import PAGE
from services.gateway.web import gateway_api
from shared.roles import FIRST_CONTACT_OFFICER
from shared.vocabulary import ROUTING_TEAMS

DESK = {FIRST_CONTACT_OFFICER}
TEAM_NAMES = {"casework": "zespół pracy socjalnej", "decisions": "zespół świadczeń (decyzje)",
              "care": "zespół usług"}
LATEST = 50
ROUTED = " ".join(f"pl.ops.intake.CaseRouted.{team}.v1" for team in ROUTING_TEAMS)
# A person's history: the registration and each correction, with the fields by their Polish names.
HISTORY_KINDS = {"registration": "rejestracja", "identity": "poprawka danych osobowych",
                 "address": "poprawka adresu", "contact": "poprawka kontaktu",
                 "household": "poprawka składu gospodarstwa domowego"}
FIELD_NAMES = {"full_name": "imię i nazwisko", "birth_date": "data urodzenia", "pesel": "PESEL",
               "document_number": "numer dokumentu", "address": "adres", "contact": "kontakt",
               "household": "gospodarstwo domowe"}


def recorded_value(value, field: str) -> str:
    """A field's value as the register holds it: an address on one line, a household by its
    members, a birth date as DD.MM.RRRR, an empty one as a dash."""
    if value in (None, "", []):
        return "—"
    if field == "address":
        return f"{value['street']}, {value['postal_code']} {value['city']}"
    if field == "household":
        return ", ".join(f"{m['name']} ({m['relation']})" for m in value)
    return polish_date(value) if field == "birth_date" else str(value)


ENVIRONMENT.filters.update(wartosc=recorded_value, pole=lambda code: FIELD_NAMES.get(code, code),
                           wpis=lambda kind: HISTORY_KINDS.get(kind, kind))


class DeskPages(Pages):
    @gateway_api("GET", "/pierwszy-kontakt", roles=DESK, answer=PAGE)
    def desk(self, request):
        return self.page(request, "desk/start.html", "Pierwszy kontakt")

    @gateway_api("POST", "/pierwszy-kontakt/szukaj", roles=DESK, answer=PAGE)
    def search(self, request):
        """A search by PESEL or name: posted, so neither ends up in a URL or a log."""
        query = {k: request.form.get(k, "").strip() for k in ("pesel", "name")}
        answer = self._ask(request.staff, "intake", "POST", "/persons/search", None,
                           {"Content-Type": "application/json"},
                           data=json.dumps({k: v for k, v in query.items() if v}).encode())
        found, refusal = (answer.json()["persons"], None) if answer.ok else ([], answer.json())
        return self.page(request, "desk/start.html", "Pierwszy kontakt", found=found, refusal=refusal,
                         searched=query)

    @gateway_api("GET", "/osoba/<uuid:person_id>", roles=DESK, answer=PAGE)
    def person(self, request, person_id: UUID):
        return self.service_page(request, "Osoba", lambda: self.page(
            request, "desk/person.html", "Osoba w rejestrze",
            person=self._answer(request.staff, "intake", f"/persons/{person_id}")))

    @gateway_api("GET", "/rozmowa/<uuid:contact_id>", roles=DESK, answer=PAGE)
    def routing(self, request, contact_id: UUID):
        return self.page(request, "desk/routing.html", "Skierowanie sprawy", contact_id=contact_id,
                         teams=TEAM_NAMES)

    @gateway_api("GET", "/skierowania", roles=DESK, answer=PAGE)
    def routings(self, request):
        return self.service_page(request, "Dzisiejsze skierowania", lambda: self.page(
            request, "desk/routings.html", "Ostatnie skierowania", live_types=ROUTED,
            routings=self._latest(request)))

    @gateway_api("GET", "/fragmenty/skierowania", roles=DESK, answer=PAGE)
    def routings_fragment(self, request):
        return self.fragment("desk/routings_rows.html", routings=self._latest(request), teams=TEAM_NAMES)

    def _latest(self, request) -> list[dict]:
        """The latest routings, newest first (intake's first page)."""
        return self._answer(request.staff, "intake", f"/routed-cases?limit={LATEST}")["routings"]
