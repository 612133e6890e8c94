"""Test people with valid identifiers."""

from datetime import date, timedelta


def pesel_for(number: int) -> str:
    """A valid PESEL for the n-th test person (born in the 1980s)."""
    born = date(1980, 1, 1) + timedelta(days=number % 3000)
    digits = f"{born:%y%m%d}{number % 10000:04d}"
    check = (10 - sum(int(d) * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3))) % 10) % 10
    return f"{digits}{check}"


# The social-work team the tests' casework is configured with (as in services/casework/config.yaml).
LEADER = "Ewa Lis"
WORKERS = ("Tomasz Nowicki", "Agata Mazur")
TEAM = {"leaders": [LEADER], "workers": list(WORKERS)}
