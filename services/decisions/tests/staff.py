"""The members of staff the decisions tests act as, as the gateway's token names them."""

from shared.identity import Staff
from shared.roles import BENEFIT_OFFICER, DECISION_SIGNATORY, DIRECTOR

AUTHORITY = "Prezydenta Miasta"  # the centre's setting on_authority_of
OFFICER = Staff(id="b.wojcik", name="B. Wójcik", roles=frozenset({BENEFIT_OFFICER}), team="decisions")
SIGNATORY = Staff(id="m.kowalczyk", name="Maria Kowalczyk", roles=frozenset({DECISION_SIGNATORY}), team="decisions")
DIRECTOR_STAFF = Staff(id="a.dabrowska", name="Anna Dąbrowska", roles=frozenset({DIRECTOR}), team="management")
