"""Events published by decisions (administrative proceedings): the fact of a decision,
never its amount, the incomes behind it, or its justification."""

from shared.contracts import (
    Contract,
    DataClass,
    Field,
    date_field,
    text_field,
    uuid_field,
)

# The codes of the forms of help granted by decision (services/decisions/domain.py keeps
# their rules; a test there keeps the two lists the same).
DECIDED_FORMS = (
    "zasilek_staly", "zasilek_okresowy", "zasilek_celowy", "specjalny_zasilek_celowy",
    "zasilek_na_ekonomiczne_usamodzielnienie", "pomoc_na_usamodzielnienie_i_nauke",
    "posilek", "schronienie", "niezbedne_ubranie", "sprawienie_pogrzebu",
    "pomoc_rzeczowa", "skladki_zdrowotne_i_spoleczne", "mieszkanie_chronione",
)

_BENEFIT = Field("benefit", {"enum": list(DECIDED_FORMS)}, DataClass.REFERENCE)
_OUTCOME = Field("outcome", {"enum": ["grant", "partial_grant", "refusal"]}, DataClass.REFERENCE)
_WHO = (uuid_field("proceeding_id"), uuid_field("person_id"), _BENEFIT)

DECISION_ISSUED = Contract(
    producer="decisions",
    name="DecisionIssued",
    version=1,
    description=("A decision was delivered to the party (it takes effect on delivery): kind, outcome, "
                 "period, dates and the appeal deadline."),
    fields=(*_WHO, _OUTCOME, date_field("period_from", nullable=True), date_field("period_to", nullable=True),
            date_field("issued_on"), date_field("delivered_on"), date_field("appeal_deadline")),
    consumers=frozenset(),
    subject_field="proceeding_id",
)

DECISION_BECAME_FINAL = Contract(
    producer="decisions",
    name="DecisionBecameFinal",
    version=1,
    description="A decision became final: not appealed in time, or upheld by the appeals board.",
    fields=(*_WHO, _OUTCOME, date_field("final_on")),
    consumers=frozenset(),
    subject_field="proceeding_id",
)

DECISION_APPEALED = Contract(
    producer="decisions",
    name="DecisionAppealed",
    version=1,
    description="The party appealed a decision to the appeals board (SKO), through the centre.",
    fields=(*_WHO, date_field("filed_on")),
    consumers=frozenset(),
    subject_field="proceeding_id",
)

DECISION_BY_OFFICER = Contract(
    producer="decisions",
    name="DecisionIssuedByOfficer",
    version=1,
    description="A benefit officer issued a decision: who and when, for workload reports; nothing of the case.",
    fields=(text_field("officer", DataClass.STAFF), uuid_field("proceeding_id"), date_field("issued_on")),
    consumers=frozenset({"training"}),
    subject_field="proceeding_id",
)

LATER_DECISIONS = ("change", "revocation", "suspension", "resumption")

DECISION_CHANGED = Contract(
    producer="decisions",
    name="DecisionChanged",
    version=1,
    description=("A later decision on a final grant: changed, revoked (payments stop), suspended or resumed, "
                 "from a date. An earlier DecisionIssued stands only as this leaves it."),
    fields=(*_WHO, Field("change", {"enum": list(LATER_DECISIONS)}, DataClass.REFERENCE),
            date_field("effective_from"), date_field("issued_on")),
    consumers=frozenset(),
    subject_field="proceeding_id",
)

DECISION_SET_ASIDE = Contract(
    producer="decisions",
    name="DecisionSetAside",
    version=1,
    description=("The appeals board (SKO) set a decision aside: overturned, or returned to the centre for "
                 "reconsideration (a new DecisionIssued follows). The earlier DecisionIssued no longer stands."),
    fields=(*_WHO, Field("outcome", {"enum": ["overturned", "returned"]}, DataClass.REFERENCE),
            date_field("decided_on")),
    consumers=frozenset(),
    subject_field="proceeding_id",
)

CONTRACTS = (DECISION_ISSUED, DECISION_BECAME_FINAL, DECISION_APPEALED, DECISION_BY_OFFICER, DECISION_CHANGED,
             DECISION_SET_ASIDE)

