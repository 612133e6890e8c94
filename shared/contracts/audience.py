"""Which staff roles a UI may show each integration event to: the one rule the gateway's event
stream filters by, and the part of every log the gateway may read.

A role works for one team; it sees the events its team publishes and the events whose
contracts name its team as a consumer, nothing else, so the separation the contracts keep
between the teams' files holds on every page too. The director sees only events that carry
nothing but references (ids, dates, codes): no person's identity, no team's file. The auditor
and the operator see none.
"""

from __future__ import annotations

from shared.contracts import REGISTRY, Contract, DataClass
from shared.roles import (
    BENEFIT_OFFICER,
    CARE_COORDINATOR,
    DECISION_SIGNATORY,
    DIRECTOR,
    FIRST_CONTACT_OFFICER,
    SOCIAL_WORK_TEAM_LEADER,
    SOCIAL_WORKER,
    STAFF_DEVELOPMENT_OFFICER,
)

ROLE_TEAM = {
    FIRST_CONTACT_OFFICER: "intake",
    SOCIAL_WORKER: "casework",
    SOCIAL_WORK_TEAM_LEADER: "casework",
    BENEFIT_OFFICER: "decisions",
    DECISION_SIGNATORY: "decisions",
    CARE_COORDINATOR: "care",
    STAFF_DEVELOPMENT_OFFICER: "training",
}
UI_READER = "gateway"  # the account that reads every log on the UIs' behalf


def audience(contract: Contract) -> frozenset[str]:
    """The roles whose pages may receive this event (none of the gateway's own: staff accounts
    are the operator's pages' business, not a stream's)."""
    if contract.producer == UI_READER:
        return frozenset()
    roles = {role for role, team in ROLE_TEAM.items() if team == contract.producer or team in contract.consumers}
    if all(f.data_class is DataClass.REFERENCE for f in contract.fields):
        roles.add(DIRECTOR)
    return frozenset(roles)


def visible(event_type: str, roles: frozenset[str]) -> bool:
    return bool(audience(REGISTRY[event_type]) & roles)


def ui_contracts(producer: str) -> list[Contract]:
    """A producer's contracts some page may show: what the gateway reads of its log."""
    return [c for c in REGISTRY.produced_by(producer) if audience(c)]


def markdown_table() -> str:
    """The event types each role's stream may carry, as README's "For UI clients" shows them."""
    from shared.roles import ROLES

    lines = ["| role (code) | event types on its stream (`GET /events`) |", "|---|---|"]
    for code, role in ROLES.items():
        types = [c.type for c in REGISTRY if code in audience(c)]
        lines.append(f"| {role.polish} (`{code}`) | {', '.join(f'`{t}`' for t in types) or 'none'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
