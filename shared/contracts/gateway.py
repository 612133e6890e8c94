"""Events published by the gateway (the staff accounts)."""

from shared.contracts import Contract, DataClass, Field, bool_field, codes_field, text_field, uuid_field
from shared.roles import ROLES

TEAMS = ("intake", "casework", "decisions", "care", "training", "management")

STAFF_MEMBER_CHANGED = Contract(
    producer="gateway",
    name="StaffMemberChanged",
    version=1,
    description=(
        "A member of staff's roles or team changed (or the account was disabled): the social-work "
        "team learns who its social workers and its leader are."
    ),
    fields=(uuid_field("staff_id"), text_field("name", DataClass.STAFF),
            Field("team", {"enum": list(TEAMS)}, DataClass.REFERENCE, nullable=True),
            codes_field("roles", ROLES, DataClass.REFERENCE), bool_field("active")),
    consumers=frozenset({"casework"}),
    subject_field="staff_id",
)

CONTRACTS = (STAFF_MEMBER_CHANGED,)
