"""Named demo accounts, one or more per role, for `make demo`, `make up` and the tests.

Never for a real centre: the password is printed and the same for all. A centre opens its
first administrator with `python -m services.gateway create-admin` and its staff through the
gateway's `/accounts` (or its identity provider).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.gateway.application import GatewayApplication
from services.gateway.domain import AccountExists
from shared.roles import (
    AUDITOR,
    BENEFIT_OFFICER,
    CARE_COORDINATOR,
    DECISION_SIGNATORY,
    DIRECTOR,
    FIRST_CONTACT_OFFICER,
    OPERATOR,
    SOCIAL_WORK_TEAM_LEADER,
    SOCIAL_WORKER,
    STAFF_DEVELOPMENT_OFFICER,
)

DEMO_PASSWORD = "demo-hasło-2026"
# On whose authority the demo centre's signatory signs decisions (each centre sets its own:
# DECISIONS_ON_AUTHORITY_OF, CARE_ON_AUTHORITY_OF).
DEMO_AUTHORITY = "Prezydenta m.st. Warszawy"


@dataclass(frozen=True)
class DemoAccount:
    login: str
    name: str
    role: str
    team: str | None


DEMO_STAFF = (
    DemoAccount("k.zielinska", "K. Zielińska", FIRST_CONTACT_OFFICER, "intake"),
    DemoAccount("e.lis", "Ewa Lis", SOCIAL_WORK_TEAM_LEADER, "casework"),
    DemoAccount("t.nowicki", "Tomasz Nowicki", SOCIAL_WORKER, "casework"),
    DemoAccount("a.mazur", "Agata Mazur", SOCIAL_WORKER, "casework"),
    DemoAccount("b.wojcik", "B. Wójcik", BENEFIT_OFFICER, "decisions"),
    DemoAccount("m.kowalczyk", "Maria Kowalczyk", DECISION_SIGNATORY, "decisions"),
    DemoAccount("j.wrona", "Joanna Wrona", CARE_COORDINATOR, "care"),
    DemoAccount("i.sowa", "Irena Sowa", STAFF_DEVELOPMENT_OFFICER, "training"),
    DemoAccount("a.dabrowska", "Anna Dąbrowska", DIRECTOR, "management"),
    DemoAccount("p.lewandowski", "Piotr Lewandowski", AUDITOR, None),
    DemoAccount("admin", "Administrator", OPERATOR, None),
)
BY_ROLE = {a.role: a for a in reversed(DEMO_STAFF)}  # the first account of each role


def seed_demo_accounts(database_url: str, secrets_dir: Path) -> None:
    """Opens the demo accounts in the gateway's store (those already there are left as they are)."""
    app = GatewayApplication(database_url, secrets_dir=secrets_dir)
    try:
        for account in DEMO_STAFF:
            try:
                app.open_account(account.login, account.name, [account.role], account.team, DEMO_PASSWORD,
                                 by="demo")
            except AccountExists:
                pass
    finally:
        app.close()


def sign_in_help() -> str:
    lines = [f"  {a.login:<14} {a.name:<18} {a.role}" for a in DEMO_STAFF]
    return "demo accounts (password for all: " + DEMO_PASSWORD + "):\n" + "\n".join(lines)
