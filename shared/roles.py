"""The roles of the centre's staff, named in Polish and English, with the service whose files
each works with. What each may do is the role rule of every endpoint (docs/architecture.md,
"Identity at the door")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Role:
    code: str
    polish: str
    english: str
    where: str  # the service (or "all") whose files the role works with


FIRST_CONTACT_OFFICER = "first_contact_officer"
SOCIAL_WORKER = "social_worker"
SOCIAL_WORK_TEAM_LEADER = "social_work_team_leader"
BENEFIT_OFFICER = "benefit_officer"
DECISION_SIGNATORY = "decision_signatory"
CARE_COORDINATOR = "care_coordinator"
STAFF_DEVELOPMENT_OFFICER = "staff_development_officer"
DIRECTOR = "director"
AUDITOR = "auditor"
OPERATOR = "operator"

ROLES: dict[str, Role] = {r.code: r for r in (
    Role(FIRST_CONTACT_OFFICER, "pracownik pierwszego kontaktu", "first-contact officer", "intake"),
    Role(SOCIAL_WORKER, "pracownik socjalny", "social worker", "casework"),
    Role(SOCIAL_WORK_TEAM_LEADER, "kierownik zespołu pracy socjalnej", "social-work team leader", "casework"),
    Role(BENEFIT_OFFICER, "specjalista ds. świadczeń", "benefit officer", "decisions"),
    Role(DECISION_SIGNATORY, "osoba upoważniona do podpisu decyzji", "person authorised to sign decisions",
         "decisions"),
    Role(CARE_COORDINATOR, "koordynator usług", "care coordinator", "care"),
    Role(STAFF_DEVELOPMENT_OFFICER, "specjalista ds. kadr i szkoleń", "staff-development officer", "training"),
    Role(DIRECTOR, "dyrektor", "director", "all"),
    Role(AUDITOR, "audytor", "auditor", "all"),
    Role(OPERATOR, "administrator", "operator", "all"),
)}


def role_names(codes: Iterable[str]) -> list[str]:
    return [f"{ROLES[c].polish} ({ROLES[c].english})" for c in sorted(codes) if c in ROLES]
