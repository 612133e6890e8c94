"""Test people with valid identifiers."""

from datetime import date, timedelta

from shared.identity import Staff
from shared.roles import SOCIAL_WORK_TEAM_LEADER


def pesel_for(number: int) -> str:
    """A valid PESEL for the n-th test person (born in the 1980s; from the 30,000th on, earlier:
    each number has its own, up to a few hundred thousand)."""
    born = date(1980, 1, 1) + timedelta(days=number % 3000 - 3000 * (number // 30000))
    digits = f"{born:%y%m%d}{number % 10000:04d}"
    check = (10 - sum(int(d) * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3))) % 10) % 10
    return f"{digits}{check}"


# The social-work team leader of the tests' in-process casework (as the gateway's token names her).
LEADER = Staff(id="3f8a1c2e-0000-4000-8000-000000000001", name="Ewa Lis", roles=frozenset({SOCIAL_WORK_TEAM_LEADER}),
               team="casework")
