"""The one rule the UIs' event stream filters by, against every contract in the registry."""

from pathlib import Path

import pytest

from shared.contracts import MAY_RECEIVE, REGISTRY, DataClass
from shared.contracts.audience import ROLE_TEAM, audience, markdown_table, visible
from shared.roles import AUDITOR, DIRECTOR, OPERATOR, ROLES

# The gateway's own events (staff accounts) go to no stream.
NOT_FOR_UIS = {"pl.ops.gateway.StaffMemberChanged.v1"}


def may_hold(team: str) -> set[DataClass]:
    """What a team's pages may show of another team's event: what its legal task lets it receive."""
    return set(MAY_RECEIVE[team])


@pytest.mark.parametrize("contract", list(REGISTRY), ids=lambda c: c.type)
def test_every_contract_has_a_ui_audience_that_keeps_the_files_apart(contract):
    roles = audience(contract)
    assert roles or contract.type in NOT_FOR_UIS, f"{contract.type}: no rule says which pages may show it"
    for role in roles:
        classes = {f.data_class for f in contract.fields}
        if role == DIRECTOR:
            assert classes == {DataClass.REFERENCE}, f"{contract.type} would show the director {classes}"
        elif ROLE_TEAM[role] != contract.producer:  # a team's own facts are its own pages' business
            team = ROLE_TEAM[role]
            assert team in contract.consumers
            assert classes <= may_hold(team), f"{contract.type} would show {role} {classes - may_hold(team)}"
    assert not roles & {AUDITOR, OPERATOR}


def test_a_benefit_officer_never_gets_a_social_work_event_and_a_social_worker_never_an_administrative_one():
    for contract in REGISTRY:
        classes = {f.data_class for f in contract.fields}
        if DataClass.SOCIAL_WORK in classes:
            assert not visible(contract.type, frozenset({"benefit_officer", "decision_signatory"}))
        if DataClass.ADMINISTRATIVE in classes:
            assert not visible(contract.type, frozenset({"social_worker", "social_work_team_leader"}))


def test_every_role_is_placed():
    assert set(ROLE_TEAM) | {DIRECTOR, AUDITOR, OPERATOR} == set(ROLES)


def test_the_readme_shows_each_roles_event_types_as_the_rule_gives_them():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = readme.split("<!-- audience table: generated -->\n", 1)[1].split("\n<!-- end of audience table -->")[0]
    assert shown == markdown_table(), "README is out of date: python -m shared.contracts.audience prints the table"
