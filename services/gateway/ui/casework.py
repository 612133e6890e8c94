"""The social worker's and the social-work team leader's pages: the open cases (live), the case
file with a form for each step of the method (a note corrected with a reason; the history shows
the note's corrections and first contact's corrections of the person), the team's workload
against art. 110 ust. 11, and group work. The data is casework's, asked with the signed-in member
of staff's token: casework decides what each may see (a worker their own cases and the
unassigned queue, the leader the team's)."""

from __future__ import annotations

from uuid import UUID

from services.gateway.ui.common import Pages
from services.gateway.schemas import PAGE
from services.gateway.web import gateway_api
from shared.contracts.casework import CASE_CLOSED, CASE_OPENED, WORKER_ASSIGNED
from shared.roles import SOCIAL_WORK_TEAM_LEADER, SOCIAL_WORKER

TEAM = {SOCIAL_WORKER, SOCIAL_WORK_TEAM_LEADER}
LEADER = {SOCIAL_WORK_TEAM_LEADER}
SHOWN = 100  # a page shows casework's first page of this many rows, and says when there are more
WORKLOAD_LIMIT = 50  # art. 110 ust. 11 u.p.s. (casework's answer carries its configured limit)
# The events that add a case to the worklist, assign it or close it: casework's own, so the list
# drawn when one arrives already holds what it announces (intake's routing would come first).
WORKLIST_EVENTS = " ".join(c.type for c in (CASE_OPENED, WORKER_ASSIGNED, CASE_CLOSED))

# Polish names of casework's codes.
DIAGNOSIS_AREAS = {
    "housing": "mieszkanie", "health": "zdrowie", "work": "praca", "family_relations": "relacje rodzinne",
    "parenting": "opieka i wychowanie dzieci", "addiction": "uzależnienia", "violence": "przemoc",
    "money_management": "gospodarowanie pieniędzmi", "education": "edukacja", "disability": "niepełnosprawność",
    "social_contacts": "kontakty społeczne", "legal_matters": "sprawy prawne",
}
STATUSES = {"awaiting_assignment": "czeka na przydział", "in_progress": "w toku", "closed": "zamknięta"}
ORIGINS = {"first_contact": "skierowanie z pierwszego kontaktu", "worker_initiative": "z inicjatywy pracownika"}
CONTRACT_STATUSES = {"draft": "projekt", "signed": "podpisany", "refused": "odmowa podpisania",
                     "broken": "niedotrzymany", "fulfilled": "wykonany", "expired": "wygasły"}
CONTRACT_STEPS = {"sign": "podpisanie", "refuse": "odmowa podpisania", "break": "niedotrzymanie",
                  "fulfil": "wykonanie", "expire": "wygaśnięcie", "amend": "aneks"}
PROGRESS = {"achieved": "osiągnięty", "partly": "osiągnięty częściowo", "not_achieved": "nieosiągnięty",
            "in_progress": "w trakcie realizacji"}
OUTCOMES = {"goals_achieved": "cele osiągnięte", "goals_partly_achieved": "cele osiągnięte częściowo",
            "goals_not_achieved": "cele nieosiągnięte"}
CARE_STATUSES = {"granted": "przyznana", "ended": "zakończona", "dps_referral_submitted": "skierowanie do DPS złożone",
                 "placed": "umieszczenie w DPS", "dps_referral_withdrawn": "skierowanie do DPS wycofane"}
GROUP_KINDS = {"support": "grupa wsparcia", "self_help": "grupa samopomocowa"}
GROUP_SCOPES = {"categorical": "kategorialna", "territorial": "terytorialna"}
NAMES = dict(DIAGNOSIS_AREAS=DIAGNOSIS_AREAS, STATUSES=STATUSES, ORIGINS=ORIGINS, CONTRACT_STATUSES=CONTRACT_STATUSES,
             CONTRACT_STEPS=CONTRACT_STEPS, PROGRESS=PROGRESS, OUTCOMES=OUTCOMES, CARE_STATUSES=CARE_STATUSES,
             GROUP_KINDS=GROUP_KINDS, GROUP_SCOPES=GROUP_SCOPES, WORKLOAD_LIMIT=WORKLOAD_LIMIT)


class CaseworkPages(Pages):
    # Method names carry the team's prefix: every team's pages are mixed into one service class.

    @gateway_api("GET", "/sprawy", roles=TEAM, answer=PAGE)
    def casework_worklist(self, request):
        leader = request.staff.has(SOCIAL_WORK_TEAM_LEADER)
        return self.service_page(request, "Sprawy", lambda: self.page(
            request, "casework/worklist.html", "Sprawy zespołu" if leader else "Moje sprawy",
            live_types=WORKLIST_EVENTS, leader=leader, shown=SHOWN, **self._casework_open(request), **NAMES))

    @gateway_api("GET", "/fragmenty/sprawy", roles=TEAM, answer=PAGE)
    def casework_worklist_fragment(self, request):
        return self.service_page(request, "Sprawy", lambda: self.fragment(
            "casework/worklist_rows.html", leader=request.staff.has(SOCIAL_WORK_TEAM_LEADER),
            **self._casework_open(request), **NAMES))

    @gateway_api("GET", "/sprawa/<uuid:case_id>", roles=TEAM, answer=PAGE)
    def casework_case(self, request, case_id: UUID):
        def build():
            case = self._answer(request.staff, "casework", f"/cases/{case_id}")
            leader = request.staff.has(SOCIAL_WORK_TEAM_LEADER)
            workload = self._answer(request.staff, "casework", "/workload") if leader else {}
            return self.page(request, "casework/case.html", f"Sprawa: {case['person']['full_name']}", case=case,
                             leader=leader, workload=workload, **NAMES)
        return self.service_page(request, "Sprawa", build)

    @gateway_api("GET", "/obciazenie", roles=LEADER, answer=PAGE)
    def casework_workload(self, request):
        return self.service_page(request, "Obciążenie pracą", lambda: self.page(
            request, "casework/workload.html", "Obciążenie pracą",
            workload=self._answer(request.staff, "casework", "/workload"), **NAMES))

    @gateway_api("GET", "/grupy", roles=TEAM, answer=PAGE)
    def casework_groups(self, request):
        def build():
            answer = self._answer(request.staff, "casework", f"/groups?limit={SHOWN}")
            return self.page(request, "casework/groups.html", "Grupy", groups=answer["groups"],
                             more=answer["next_after"] is not None, shown=SHOWN, **NAMES)
        return self.service_page(request, "Grupy", build)

    def _casework_open(self, request) -> dict:
        """The first SHOWN open cases casework shows this member of staff, and whether there are more."""
        answer = self._answer(request.staff, "casework", f"/cases/open?limit={SHOWN}")
        return {"cases": answer["cases"], "more": answer["next_after"] is not None}
