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
    "mieszkanie_treningowe", "mieszkanie_wspomagane",
)

_BENEFIT = Field("benefit", {"enum": list(DECIDED_FORMS)}, DataClass.REFERENCE)
_OUTCOME = Field("outcome", {"enum": ["grant", "partial_grant", "refusal"]}, DataClass.REFERENCE)
_WHO = (uuid_field("proceeding_id"), uuid_field("person_id"), _BENEFIT)


def _broadcast(name: str, description: str, fields: tuple) -> Contract:
    """A fact about a proceeding for UI clients and auditors only: no team consumes it."""
    return Contract(producer="decisions", name=name, version=1, description=description, fields=fields,
                    consumers=frozenset(), subject_field="proceeding_id")


PROCEEDING_UPDATED = _broadcast(
    "ProceedingUpdated",
    ("A proceeding was opened or moved by a step (interview, assessment, delivery, ...): its reference and the "
     "state it is in now, so that the team's pages show it the moment decisions records it."),
    (uuid_field("proceeding_id"), Field("state", {"enum": [
        "awaiting_interview", "interviewed", "assessed", "decided", "appeal_window", "appealed", "at_appeals_board",
        "final", "suspended", "revoked", "annulled"]}, DataClass.REFERENCE)),
)

DECISION_ISSUED = _broadcast(
    "DecisionIssued",
    ("A decision was delivered to the party (it takes effect on delivery): kind, outcome, "
     "period, dates and the appeal deadline."),
    (*_WHO, _OUTCOME, date_field("period_from", nullable=True), date_field("period_to", nullable=True),
     date_field("issued_on"), date_field("delivered_on"), date_field("appeal_deadline")),
)

DECISION_BECAME_FINAL = _broadcast(
    "DecisionBecameFinal",
    "A decision became final: not appealed in time, or upheld by the appeals board.",
    (*_WHO, _OUTCOME, date_field("final_on")),
)

DECISION_APPEALED = _broadcast(
    "DecisionAppealed",
    "The party appealed a decision to the appeals board (SKO), through the centre.",
    (*_WHO, date_field("filed_on")),
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

DECISION_CHANGED = _broadcast(
    "DecisionChanged",
    ("A later decision on a final grant: changed, revoked (payments stop), suspended or resumed, "
     "from a date. An earlier DecisionIssued stands only as this leaves it."),
    (*_WHO, Field("change", {"enum": list(LATER_DECISIONS)}, DataClass.REFERENCE),
     date_field("effective_from"), date_field("issued_on")),
)

DECISION_SET_ASIDE = _broadcast(
    "DecisionSetAside",
    ("The appeals board (SKO) set a decision aside: overturned, or returned to the centre for "
     "reconsideration (a new DecisionIssued follows). The earlier DecisionIssued no longer stands."),
    (*_WHO, Field("outcome", {"enum": ["overturned", "returned"]}, DataClass.REFERENCE), date_field("decided_on")),
)

CONTRACTS = (PROCEEDING_UPDATED, DECISION_ISSUED, DECISION_BECAME_FINAL, DECISION_APPEALED, DECISION_BY_OFFICER, DECISION_CHANGED,
             DECISION_SET_ASIDE)

