"""The shapes of the decisions team's requests, as decisions publishes them (GET /openapi.json). The
domain keeps its own rules on top: a date's place among the proceeding's dates, an amount within what
the law allows, an IBAN's check digits, a household that names the applicant, a text that is there.

Amounts and hectares the domain reads as decimals come as JSON numbers or as texts ("900", "250,50"):
the pages send what was typed. Who signs a decision and on whose authority are never a body's:
`signed_by` and `on_authority_of` are not fields (nor is `officer` when a review is closed: who closes
it is who is signed in). A legal basis is a text, not a line: the signatory's form offers the
assessment's own, which names the criterion and the regulation and runs past 200 characters."""

from services.decisions.domain import (
    APPEAL_OUTCOMES,
    DECIDED_FORMS,
    INCOME_SOURCES,
    OUTCOMES,
    PAYMENT_METHODS,
    PERIODS_NOT_COUNTED,
    RANDOM_EVENTS,
)
from shared.schemas import (
    BOOLEAN, COUNT, DATE, DECIMAL, FLAG, ID, MONTH, OBJECT, PRESENT, TEXT, UUID, day, line, listed, many, obj, one_of, or_null, page,
    paged, record, text, whole,
)
from shared.views import PAGE_MAX

NUMBER = {"type": ["string", "number"], "maxLength": 30}  # 900 or "900,00": the domain reads both
ACCOUNT = line(50)  # an IBAN, spaces allowed (34 characters and the spaces between groups); checked by the domain
BENEFIT = one_of(DECIDED_FORMS)


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


# A person as intake registered them (the identity a routed case carries).
PERSON = obj(
    full_name=_nullable(line()), birth_date=_nullable(day()), pesel=_nullable(line(11, pattern=r"^[0-9]{11}$")),
    document_number=_nullable(line(30)),
    address=_nullable(obj(street=_nullable(line()), postal_code=_nullable(line(6)), city=_nullable(line()))),
    contact=_nullable(line()),
)

# --- the proceeding's steps (the benefit officer) ------------------------------------------------

EX_OFFICIO = obj(["person_id", "learned_on"], person_id=UUID, person=PERSON, benefit=BENEFIT, learned_on=day(),
                 urgent=BOOLEAN)
ASSIGNMENT = obj(["officer"], officer=line())
BENEFIT_CHOICE = obj(["benefit"], benefit=BENEFIT)
COMPLEX = obj(["reason"], reason=text())
DELAY_NOTICE = obj(["new_date", "reason", "notified_on"], new_date=day(), reason=text(), notified_on=day())
PERIOD_NOT_COUNTED = obj(["first_day", "last_day", "reason"], first_day=day(), last_day=day(),
                         reason=one_of(PERIODS_NOT_COUNTED))
RANDOM_EVENT = obj(["kind", "occurred_on"], kind=one_of(RANDOM_EVENTS), occurred_on=day())
INTERVIEW_PLAN = obj(["on"], on=day())
MEMBER = obj(["name"], name=line(), relation=line())
INCOME = obj(["member", "source", "amount"], member=line(), source=one_of(INCOME_SOURCES), amount=NUMBER)
INTERVIEW = obj(["held_on", "household"], held_on=day(), household=many(MEMBER, 20), incomes=many(INCOME, 50),
                assets=text(), farmland_ha=NUMBER, unable_to_work=BOOLEAN, recorded_on=day())
# Corrections before the decision (the latest interview's entries, one of its incomes): what is right
# now, why the entry was wrong, and the day. Who corrects is the signed-in benefit officer (the
# gateway's token), never the body. An income is named by its number in the interview's list, from 1
# (a page's form sends it as text).
_WHY = {"reason": text(), "corrected_on": day()}
# An interview (none: the latest) or an income is named by its number, from 1, as the file lists them.
_NUMBER = {"type": ["integer", "string"], "minimum": 1, "maximum": 50, "pattern": "^[1-9][0-9]?$"}
INTERVIEW_CORRECTION = obj(["reason", "corrected_on"], interview=_NUMBER, held_on=day(), household=many(MEMBER, 20),
                           assets=text(), farmland_ha=NUMBER, unable_to_work=BOOLEAN, **_WHY)
INCOME_CORRECTION = obj(["entry", "reason", "corrected_on"], interview=_NUMBER, entry=_NUMBER, member=line(),
                        source=one_of(INCOME_SOURCES), amount=NUMBER, **_WHY)
ASSESSMENT = obj()  # nothing to say: the assessment is made from the latest interview
DELIVERY = obj(["delivered_on"], delivered_on=day())
DEEMED_DELIVERY = obj(["notice_left_on"], notice_left_on=day())
FINALITY = obj(["today"], today=day())
APPEAL_WAIVER = obj(["received_on"], received_on=day())
APPEAL = obj(["filed_on"], filed_on=day(), received_on=day())
APPEAL_FORWARDING = obj(["forwarded_on"], forwarded_on=day())
APPEAL_OUTCOME = obj(["outcome", "decided_on"], outcome=one_of(APPEAL_OUTCOMES), decided_on=day())

# --- the decisions (the person authorised to sign) ---------------------------------------------

DECISION = obj(["outcome", "issued_on", "legal_basis"],
               outcome=one_of(OUTCOMES), issued_on=day(), legal_basis=text(), justification=text(), amount=NUMBER,
               period_from=day(), period_to=day(), payment_method=one_of(PAYMENT_METHODS), account=ACCOUNT,
               on_condition_of_repayment=BOOLEAN)
# The benefit officer drafts the decision (its content; the date and the signature come at signing); the
# signatory signs the pending draft as drafted or returns it with a remark. `on`: the day, today unless said.
DRAFT = obj(["outcome", "legal_basis"],
            outcome=one_of(OUTCOMES), legal_basis=text(), justification=text(), amount=NUMBER, period_from=day(),
            period_to=day(), payment_method=one_of(PAYMENT_METHODS), account=ACCOUNT,
            on_condition_of_repayment=BOOLEAN, on=day())
SIGNATURE = obj(on=day())
DRAFT_RETURN = obj(["remark"], remark=text(), on=day())
CHANGE = obj(["amount", "effective_from", "issued_on", "justification"],
             amount=NUMBER, effective_from=day(), issued_on=day(), justification=text())
LATER_DECISION = obj(["effective_from", "issued_on", "justification"],  # revocation, suspension, resumption
                     effective_from=day(), issued_on=day(), justification=text())
CLAIM_BACK = obj(["months", "amount", "issued_on", "justification"],
                 months=many(MONTH, 120), amount=NUMBER, issued_on=day(), justification=text())

# --- payments (the benefit officer) --------------------------------------------------------------

ACCOUNT_CHANGE = obj(["account"], account=ACCOUNT)
PAYMENT = obj(["month", "paid_on"], month=MONTH, paid_on=day())
PAYMENT_RETURN = obj(["month", "returned_on", "reason"], month=MONTH, returned_on=day(), reason=text())
REPAYMENT = obj(["amount", "repaid_on"], amount=NUMBER, repaid_on=day())
HEALTH_INSURANCE = obj(["insured_elsewhere", "from_month"], insured_elsewhere=BOOLEAN, from_month=MONTH)

# --- reviews (art. 11) ---------------------------------------------------------------------------

REVIEW_CLOSING = obj(["conclusion", "closed_on"], conclusion=text(), closed_on=day())


# --- queries (?name=value) ------------------------------------------------------------------------

# A list's page (?limit=50&after=...): how many at most, and after which (the `next_after` of the page before).
_PAGE = {"limit": whole(1, PAGE_MAX), "after": line(500)}
PAGE = obj(**_PAGE)
PROCEEDINGS_QUERY = obj(person_id=UUID, officer=line(), state=line(30), **_PAGE)
UNTIL_QUERY = obj(["until"], until=day())
MONTH_QUERY = obj(["month", "as_of"], month=MONTH, as_of=day())
DUE_QUERY = obj(["today"], today=day(), within_days=whole(0, 366), **_PAGE)  # 14 days ahead unless said
REVIEW_TASKS_QUERY = obj(all=PRESENT, **_PAGE)  # ?all: the closed ones too
BANK_TRANSFER_QUERY = obj(["month", "as_of", "execution_date"], month=MONTH, as_of=day(), execution_date=day(),
                          debtor_name=line(), debtor_account=ACCOUNT)
HEALTH_CONTRIBUTIONS_QUERY = obj(["month"], month=MONTH)


# --- answers ------------------------------------------------------------------------------------

# A proceeding as it now stands: what every step answers, and the lists of them.
PROCEEDING_FILE = record(["proceeding_id", "person_id", "person", "benefit", "state", "interviews", "corrections"],
                         proceeding_id=ID, person_id=ID, person=OBJECT, benefit=or_null(TEXT),
                         applied_on=or_null(DATE), urgent=FLAG, officer=or_null(TEXT), state=TEXT, interviews=listed(OBJECT),
                         assessment=or_null(OBJECT), decision=or_null(OBJECT), draft=or_null(OBJECT),
                         corrections=listed(OBJECT), person_corrections=listed(OBJECT))
PROCEEDINGS = paged("proceedings", PROCEEDING_FILE)
DRAFTS = paged("drafts", PROCEEDING_FILE)
PROCEEDING_REF = record(["proceeding_id"], proceeding_id=ID)
PAYMENTS = listed(OBJECT)  # a proceeding's payments: each month's due amount, from the decision
_DUE = record(["proceeding_id", "what", "due", "overdue"], proceeding_id=ID, person=or_null(TEXT), what=TEXT,
              due=DATE, overdue=FLAG)
DEADLINES = paged("deadlines", _DUE)  # the next deadlines, soonest first
INTERVIEW_UPDATES = paged("updates", _DUE)
REVIEW_TASKS = paged("tasks", record(["task_id", "person_id", "fact", "occurred_on", "closed", "benefits"], task_id=ID,
                                     person_id=ID, person=or_null(TEXT), fact=TEXT, occurred_on=DATE, closed=FLAG,
                                     benefits=listed(OBJECT)))
REVIEW_CLOSED = record(["task_id", "closed"], task_id=ID, closed=FLAG)
PAYMENT_LIST = record(["month", "as_of", "groups", "total", "count"], month=TEXT, as_of=DATE, groups=listed(OBJECT),
                      total=DECIMAL, count=COUNT)
HEALTH_CONTRIBUTIONS = record(["lines"], lines=listed(OBJECT))
BANK_TRANSFER_FILE = page("application/xml")  # pain.001.001.03
