"""Running services and a token that opens every endpoint of a service (every role), for the tests
of the edge: what every service answers whatever it is asked."""

from __future__ import annotations

import uuid

import pytest

from shared.identity import Staff, TokenIssuer, signing_key
from shared.roles import ROLES

TEAM_SERVICES = ("intake", "casework", "decisions", "care", "training")


@pytest.fixture
def everyone(centre):
    """`everyone(service)`: the Authorization header of a member of staff holding every role."""
    issuer = TokenIssuer(signing_key(centre.data_dir / "secrets"))
    staff = Staff(id=str(uuid.uuid4()), name="Edge Tester", roles=frozenset(ROLES), team="casework")
    return lambda service: {"Authorization": f"Bearer {issuer.mint(staff, service, lifetime=3600)}"}
