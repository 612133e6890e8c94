"""Administrative proceedings for benefits (zespół ds. świadczeń przyznawanych decyzją). Pure Python.

A proceeding runs from the application (or ex officio) through the environmental
interview, the assessment on the application's date, the written decision (drafted by the
benefit officer; signed as drafted, or returned with a remark, by the person authorised to
sign), its delivery and the 14-day appeal window to finality; or through an appeal to the
appeals board (SKO). A final grant can be changed or revoked. Before the decision the benefit officer
corrects entries of the interview and its incomes by events that keep the old values, who, when and why
(after it, a change is a new decision); first contact's corrections of the identity reach every proceeding
of the person. Every command checks the law first and raises a named error, so a refused command records
nothing. The rule table is passed in as data.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from dateutil.relativedelta import relativedelta
from eventsourcing.domain import Aggregate, event
from stdnum import iban
from stdnum.exceptions import ValidationError

from services.decisions.deadlines import (
    appeal_deadline,
    appeal_forwarding_due,
    deemed_delivery,
    interview_due,
    interview_update_due,
    settlement_due,
)
from services.decisions.rules import InvalidFigure, RuleTable, an_amount, assess, zl
from shared.dates import months_between
from shared.erasure import ERASED_IDENTITY
from shared.vocabulary import FORMS_OF_HELP, FORMS_OF_HELP_IN_FORCE, form_in_force
from shared.values import InvalidDate, a_date, one_line  # noqa: F401  (re-exported)

NAMESPACE = uuid.UUID("0d5c8f7e-2b8a-4a53-9d59-5a1f9c3e7b21")

# Art. 36 forms granted by decision (art. 106 ust. 1 exempts social work, counselling,
# crisis intervention, self-help clubs and bilet kredytowany; pobyt w DPS is the care team's),
# each with the calculator's benefit where the rule table sets eligibility or amounts; None:
# the centre sets the amount and terms (DOMAIN.md gives no figures for them).
DECIDED_FORMS = {
    "zasilek_staly": "staly",
    "zasilek_okresowy": "okresowy",
    "zasilek_celowy": "celowy",
    "specjalny_zasilek_celowy": "specjalny",
    "zasilek_na_ekonomiczne_usamodzielnienie": None,
    "pomoc_na_usamodzielnienie_i_nauke": None,
    "posilek": None,
    "schronienie": None,
    "niezbedne_ubranie": None,
    "sprawienie_pogrzebu": None,
    "pomoc_rzeczowa": None,
    "skladki_zdrowotne_i_spoleczne": None,
    "mieszkanie_chronione": None,  # decisions dated up to 2023-10-31 (shared.vocabulary.FORMS_OF_HELP_IN_FORCE)
    "mieszkanie_treningowe": None,
    "mieszkanie_wspomagane": None,
}
# Art. 53 ust. 8 u.p.s. (from 2023-11-01): support in a mieszkanie treningowe is granted for a fixed period.
FIXED_PERIOD_FORMS = ("zasilek_okresowy", "mieszkanie_treningowe")
CASH_FORMS = {"zasilek_staly", "zasilek_okresowy", "zasilek_celowy", "specjalny_zasilek_celowy",
              "zasilek_na_ekonomiczne_usamodzielnienie", "pomoc_na_usamodzielnienie_i_nauke"}
# Art. 41 pkt 2: okresowy, celowy or in-kind help may be granted on condition of repayment
# (in part or whole), also to a person or family with income above the criterion.
REPAYABLE_FORMS = ("zasilek_okresowy", "zasilek_celowy", "pomoc_rzeczowa")
# Art. 40: a zasiłek celowy after a random event, a natural or an ecological disaster.
RANDOM_EVENTS = ("zdarzenie_losowe", "kleska_zywiolowa", "kleska_ekologiczna")
# Art. 39-41: a zasiłek celowy meets one essential need. Granted without a period it is paid
# once, in the month its period starts (what a benefit officer expects of "zasiłek celowy na
# opał"); granted in instalments over a period (e.g. food for three months) it gives that
# period's end and is paid monthly like the others.
# The help to become economically independent (zasiłek / pożyczka) and to become independent
# and continue education follow the same rule: once without a period, monthly over one.
ONE_OFF_FORMS = {"zasilek_celowy", "specjalny_zasilek_celowy", "zasilek_na_ekonomiczne_usamodzielnienie",
                 "pomoc_na_usamodzielnienie_i_nauke"}
OUTCOMES = ("grant", "partial_grant", "refusal")
# What a draft decision says: a decision's content, without its date and signature (given at signing).
DRAFT_FIELDS = ("outcome", "legal_basis", "justification", "amount", "period_from", "period_to", "payment_method",
                "account", "on_condition_of_repayment")
APPEAL_OUTCOMES = ("upheld", "overturned", "returned")
# KPA art. 35 § 5: periods not counted into the deadline for settling the case.
PERIODS_NOT_COUNTED = {
    "statutory_time_for_action": "termin przewidziany w przepisach prawa dla dokonania określonej czynności",
    "suspension": "okres zawieszenia postępowania",
    "mediation": "okres trwania mediacji",
    "party_delay": "okres opóźnienia spowodowanego z winy strony",
    "beyond_authority_control": "okres opóźnienia z przyczyn niezależnych od organu",
}
# KPA art. 36 § 1: the notice of delay instructs the party of the right to a ponaglenie (art. 37),
# filed with the appeals board through the centre.
PONAGLENIE_INSTRUCTION = ("Pouczenie: na niezałatwienie sprawy w terminie stronie przysługuje prawo do wniesienia "
                          "ponaglenia do samorządowego kolegium odwoławczego za pośrednictwem organu prowadzącego "
                          "postępowanie (art. 36 § 1 i art. 37 § 1 i 4 KPA).")
PAYMENT_METHODS = ("bank_transfer", "cash")
INCOME_SOURCES = ("wynagrodzenie", "emerytura_renta", "zasilek_dla_bezrobotnych", "alimenty",
                  "swiadczenia_rodzinne", "dzialalnosc_gospodarcza", "inne")
# What a correction before the decision may change: an interview's entries and an income's fields.
INTERVIEW_ENTRIES = ("held_on", "household", "assets", "farmland_ha", "unable_to_work")
INCOME_ENTRIES = ("member", "source", "amount")
# The interview's entries the calculator reads besides the incomes: correcting one outdates the assessment.
ASSESSED_ENTRIES = ("household", "farmland_ha", "unable_to_work")


class DecisionsError(ValueError):
    """A command the law does not allow in this proceeding."""


class ProceedingNotFound(LookupError):
    pass


class UnknownBenefit(DecisionsError):
    pass


class BenefitNotSpecified(DecisionsError):
    pass


class InvalidAmount(DecisionsError):
    pass


class InvalidInterview(DecisionsError):
    pass


class InterviewInFuture(InvalidInterview):
    """An interview is recorded after it is held, never before."""


class InvalidPerson(DecisionsError):
    """The person's identity data is not an object of fields."""


class PeriodBeforeApplication(DecisionsError):
    """Art. 106 ust. 3 u.p.s.: a cash benefit is granted from the month of the application at
    the earliest, so no payment falls before it."""


class InterviewRequired(DecisionsError):
    """Art. 106 ust. 4 and art. 107 u.p.s.: no decision before the environmental interview."""


class AssessmentRequired(DecisionsError):
    pass


class NotEligible(DecisionsError):
    pass


class NotARandomEventBenefit(DecisionsError):
    """Art. 40: a random event or disaster is grounds for a zasiłek celowy, no other benefit."""


class FormNotInForce(DecisionsError):
    """The form of help does not exist on the decision's date (art. 53 u.p.s. since 2023-11-01)."""


class RepaymentNotAllowed(DecisionsError):
    """Art. 41 pkt 2: only a grant of okresowy, celowy or pomoc rzeczowa may be made repayable."""


class AmountOutsideLegalRange(DecisionsError):
    pass


class MissingSignature(DecisionsError):
    """A decision is signed by a named person on the mayor's authority."""


class MissingJustification(DecisionsError):
    pass


class AlreadyDecided(DecisionsError):
    pass


class DraftAfterDecision(AlreadyDecided):
    """The decision is issued: its draft can no longer be revised (a change is a new decision)."""
    polish = "Decyzja jest już wydana — projektu nie można zmienić."


class NoDraftPending(DecisionsError):
    """Nothing to sign or return: no draft decision awaits the signature."""
    polish = "Żaden projekt decyzji nie czeka na podpis."


class DraftAlreadyReturned(DecisionsError):
    """The draft went back to the benefit officer with a remark: it is signed only once drafted again."""
    polish = "Projekt zwrócono z uwagą — czeka na poprawiony projekt."


class DraftAwaitingSignature(DecisionsError):
    """A draft decision awaits the signature: the signatory signs it as drafted or returns it with a
    remark; they do not issue other content over it."""
    polish = "Projekt decyzji czeka na podpis — podpisz go albo zwróć z uwagą."


class MissingRemark(DecisionsError):
    """A draft goes back to the benefit officer with a remark saying what to revise."""
    field = "remark"
    polish = "Napisz uwagę: co poprawić w projekcie."


class AssessmentOutdated(AssessmentRequired):
    """An entry the assessment rests on was corrected after it: the calculator's result is recomputed
    (a new assessment) before a draft or a decision rests on it."""
    polish = "Dane wywiadu poprawiono po ocenie uprawnień — oceń uprawnienia ponownie."


class CorrectionAfterDecision(AlreadyDecided):
    """The interview and its incomes are corrected before the decision; once it is issued, a change of
    what it rests on is a new decision (a change or a revocation)."""
    polish = "Decyzja jest już wydana — zmiana danych wymaga nowej decyzji (zmieniającej albo uchylającej)."


class NoInterviewToCorrect(DecisionsError):
    """A correction corrects a recorded interview: without one, the interview is recorded."""
    polish = "Nie ma jeszcze wywiadu do poprawienia — najpierw go zapisz."


class NoSuchIncome(DecisionsError):
    """The income to correct is named by its number in the latest interview's list, from 1."""
    field = "entry"
    polish = "W wywiadzie nie ma dochodu o tym numerze."


class NoSuchInterview(DecisionsError):
    """The interview to correct is named by its number among the proceeding's interviews, from 1 (the
    first recorded); without a number, the latest."""
    field = "interview"
    polish = "W postępowaniu nie ma wywiadu o tym numerze."


class MissingCorrectionReason(DecisionsError):
    """A correction says why the entry was wrong (the document seen, the person's word)."""
    field = "reason"
    polish = "Podaj powód poprawki (np. zaświadczenie, które okazała osoba)."


class NothingToCorrect(DecisionsError):
    """The interview already says what the correction gives: no event, nothing stored."""
    polish = "Wywiad zawiera już takie dane — nie ma czego poprawiać."


class NotDelivered(DecisionsError):
    pass


class AppealWindowOpen(DecisionsError):
    pass


class AlreadyFinal(DecisionsError):
    pass


class NoAppeal(DecisionsError):
    pass


class NotForwarded(DecisionsError):
    pass


class NotAFinalGrant(DecisionsError):
    pass


class InvalidDelayNotice(DecisionsError):
    pass


class InvalidAccount(DecisionsError):
    """A bank account that is not a valid IBAN (checked digits and length for its country)."""


class PaymentError(DecisionsError):
    """A payment recorded for a month nothing is due in, twice, or returned without being paid."""


class InvalidClaim(DecisionsError):
    """Art. 98 u.p.s.: only what was paid can be claimed back, by a justified, signed decision."""


class ProceedingClosed(DecisionsError):
    pass


def _amount(value: Any, what: str) -> Decimal:
    """A non-negative amount in zł; anything else (text, NaN, 1e30, a list) is InvalidAmount."""
    try:
        return zl(an_amount(value, what))
    except InvalidFigure as error:
        raise InvalidAmount(str(error)) from None


def _numbered(value: Any, count: int, missing: DecisionsError) -> int:
    """An entry named by its number among `count`, from 1 (a page's form sends it as text), or `missing`."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= count):
        raise missing
    return value


def _entries(value: Any, what: str) -> list[dict]:
    """A list of JSON objects (household members, incomes), or InvalidInterview."""
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise InvalidInterview(f"{what} must be a list of objects, not {value!r}")
    entries = list(value)
    for entry in entries:
        if not isinstance(entry, dict):
            raise InvalidInterview(f"each entry of {what} must be an object with named fields, not {entry!r}")
    return entries


def _text(value: Any, what: str = "a text") -> str:
    return one_line(value, what)


def _in_range(amount: Decimal, low: Decimal | None, high: Decimal | None, when: str = "") -> None:
    """Within the amounts the law allows; either end may be open (None)."""
    if (low is not None and amount < low) or (high is not None and amount > high):
        raise AmountOutsideLegalRange(f"{amount} zł is outside what the law allows{when}: "
                                      f"{low if low is not None else 'from'}–{high if high is not None else 'up'} "
                                      "zł a month")


def an_account(value: Any) -> str:
    """A bank account as an IBAN (spaces allowed), checked with its digits; InvalidAccount if not."""
    try:
        return iban.validate(str(value or ""))
    except ValidationError as error:
        raise InvalidAccount(f"{value!r} is not a valid IBAN: {error}") from None


def _benefit(value: Any) -> str:
    if value not in DECIDED_FORMS:
        raise UnknownBenefit(f"{value!r} is not a benefit granted by decision; one of {', '.join(DECIDED_FORMS)}")
    return value


_ERASED_PARTY = {"full_name": None, "address": None}


class Proceeding(Aggregate):
    """One administrative proceeding on one benefit for one person."""

    # Sealed with the person's own key (shared/erasure.py): who the person and their household are,
    # the accounts, and what free text says of them (reasons, justifications, remarks, assets).
    # Amounts granted and paid, incomes' amounts, household sizes, dates, benefits, outcomes, legal
    # bases, codes and officers stay under the store's key: the payment lists' totals and the
    # MRPiPS-03 figures still add up once the person is erased.
    PERSONAL = {
        "Opened": {"person": ERASED_IDENTITY},
        "PersonCorrected": {"person": ERASED_IDENTITY, "old": {}},
        "MarkedComplex": {"reason": None},
        "DelayNotified": {"reason": None},
        "InterviewRecorded": {"household[].name": None, "incomes[].member": None, "assets": None},
        "InterviewCorrected": {"old.household[].name": None, "new.household[].name": None, "old.assets": None,
                               "new.assets": None, "reason": None},
        "IncomeCorrected": {"old.member": None, "new.member": None, "reason": None},
        "DecisionDrafted": {"content.justification": None, "content.account": None},
        "DraftReturned": {"remark": None},
        "DecisionIssued": {"decision.party": _ERASED_PARTY, "decision.justification": None,
                           "decision.account": None},
        "LaterDecisionIssued": {"justification": None},
        "AccountSet": {"account": None},
        "PaymentReturned": {"reason": None},
        "UndueBenefitClaimed": {"justification": None},
    }

    @staticmethod
    def create_id(source: str | None, benefit: str | None, **_: Any) -> uuid.UUID:
        # A proceeding opened from a routed case has a reference derived from it, so a
        # second delivery of the routing finds it taken.
        return uuid.uuid5(NAMESPACE, f"{source}:{benefit}") if source else uuid.uuid4()

    @event("Opened")
    def __init__(self, source: str | None, benefit: str | None, person_id: uuid.UUID, person: dict,
                 basis: str, applied_on: date, urgent: bool, interview_due: date, settlement_due: date):
        self.source = source
        self.benefit = benefit
        self.person_id = person_id
        self.person = person
        self.basis = basis
        self.applied_on = applied_on
        self.urgent = urgent
        self.interview_due = interview_due
        self.settlement_due = settlement_due
        self.settlement_start = applied_on  # KPA art. 35 counts from here (a returned case: from its return)
        self.periods_not_counted: list[dict] = []
        self.complex = False
        self.officer: str | None = None
        self.interview_planned_on: date | None = None
        self.interviews: list[dict] = []
        self.assessment: dict | None = None
        self.decision: dict | None = None
        self.drafts: list[dict] = []  # draft decisions, each with its return (remark) or signature
        self.delivered_on: date | None = None
        self.delivery_deemed_after_notice_of: date | None = None  # KPA art. 44 § 4
        self.appeal_deadline: date | None = None
        self.appeal: dict | None = None
        self.final_on: date | None = None
        self.appeal_waived = False
        self.annulled_on: date | None = None
        self.later_decisions: list[dict] = []
        self.delay_notices: list[dict] = []
        self.payments: list[dict] = []  # paid, possibly returned by the bank
        self.claims: list[dict] = []  # art. 98: undue benefit claimed back
        self.repayments: list[dict] = []
        self.health_insured_elsewhere: list[dict] = []  # zasiłek stały: who pays the health contribution
        self.random_event: dict | None = None
        self.corrections: list[dict] = []  # of the interview and its incomes, before the decision
        self.person_corrections: list[dict] = []  # the identity as first contact corrected it

    @classmethod
    def open(cls, rules: RuleTable, person_id: uuid.UUID, person: dict, applied_on: date, benefit: str | None,
             urgent: bool = False, basis: str = "application", source: str | None = None) -> "Proceeding":
        """On an application (art. 102: or ex officio), on the date the centre learned of the need."""
        applied_on = a_date(applied_on, "the application date")
        if basis not in ("application", "ex_officio"):
            raise DecisionsError(f"a proceeding starts on an application or ex officio, not {basis!r}")
        if benefit is not None:
            _benefit(benefit)
        if not isinstance(person, dict):
            raise InvalidPerson(f"the person's data must be an object of fields, not {person!r}")
        deadlines = rules.deadlines.on(applied_on)
        return cls(source=source, benefit=benefit, person_id=person_id, person=person, basis=basis,
                   applied_on=applied_on, urgent=bool(urgent),
                   interview_due=interview_due(deadlines, applied_on, bool(urgent)),
                   settlement_due=settlement_due(deadlines, applied_on, complex_case=False))

    # --- state -----------------------------------------------------------------------

    @property
    def state(self) -> str:
        if self.annulled_on:
            return "annulled"
        if any(d["kind"] == "revocation" for d in self.later_decisions):
            return "revoked"
        if self.suspended:
            return "suspended"
        if self.final_on:
            return "final"
        if self.appeal:
            return "at_appeals_board" if self.appeal.get("forwarded_on") else "appealed"
        if self.delivered_on:
            return "appeal_window"
        if self.decision:
            return "decided"
        if self.assessment and not self.assessment.get("outdated_on"):
            return "assessed"  # an assessment a correction outdated calls for a new one: "interviewed"
        if self.interviews:
            return "interviewed"
        return "awaiting_interview"

    @property
    def suspended(self) -> bool:
        pauses = [d["kind"] for d in self.later_decisions if d["kind"] in ("suspension", "resumption")]
        return bool(pauses) and pauses[-1] == "suspension"

    @property
    def decided(self) -> bool:
        return self.decision is not None

    @property
    def enforceable_from(self) -> date | None:
        """The day from which the decision is carried out (paid): when it is final, or, under KPA
        art. 130 § 4, from its delivery when it grants in full what the party asked for ("grant":
        a partial grant or a refusal is not what the party asked for). An appeal in time suspends that
        until the appeals board decides (art. 130 § 2; § 3 lifts it only for art. 108 and by statute,
        not for § 4); a late one does not. A waiver of the appeal (art. 127a) makes the decision final
        on the day the centre receives it. Nothing once the appeals board set the decision aside."""
        if not self.decided or self.annulled_on:
            return None
        appeal_pending = bool(self.appeal) and not self.appeal["late"] and self.appeal["outcome"] is None
        if self.decision["outcome"] == "grant" and self.delivered_on and not appeal_pending:
            return self.delivered_on
        return self.final_on

    @property
    def granted(self) -> bool:
        return bool(self.decision) and self.decision["outcome"] in ("grant", "partial_grant")

    def _not_closed(self) -> None:
        if self.state in ("annulled", "revoked"):
            raise ProceedingClosed(f"the proceeding is {self.state}")

    # --- before the decision ---------------------------------------------------------

    def assign(self, officer: str) -> None:
        self._not_closed()
        officer = _text(officer)
        if not officer:
            raise DecisionsError("name the benefit officer")
        self._assigned(officer=officer)

    @event("OfficerAssigned")
    def _assigned(self, officer: str) -> None:
        self.officer = officer

    def specify_benefit(self, benefit: str) -> None:
        if self.decided:
            raise AlreadyDecided("the benefit cannot change after the decision")
        self._benefit_specified(benefit=_benefit(benefit))

    @event("BenefitSpecified")
    def _benefit_specified(self, benefit: str) -> None:
        self.benefit = benefit
        self.assessment = None

    def mark_complex(self, rules: RuleTable, reason: str) -> None:
        """KPA art. 35 § 3: two months for an especially complex case."""
        if self.decided:
            raise AlreadyDecided("the decision is issued already")
        if not _text(reason):
            raise DecisionsError("say why the case is especially complex")
        due = self._statutory_settlement_due(rules, complex_case=True)
        self._marked_complex(reason=_text(reason), settlement_due=max(due, self.settlement_due))

    def _statutory_settlement_due(self, rules: RuleTable, complex_case: bool, extra_days: int = 0) -> date:
        days = extra_days + sum(p["days"] for p in self.periods_not_counted if p["from"] >= self.settlement_start)
        return settlement_due(rules.deadlines.on(self.settlement_start), self.settlement_start, complex_case, days)

    def record_period_not_counted(self, rules: RuleTable, first_day: date, last_day: date, reason: str) -> None:
        """KPA art. 35 § 5: a suspension, mediation, a time the law sets for an act, or a delay the
        party caused or the centre could not help is not counted: the deadline moves by its days."""
        self._not_closed()
        if self.decided:
            raise AlreadyDecided("the decision is issued already")
        first_day, last_day = a_date(first_day, "the period's first day"), a_date(last_day, "the period's last day")
        if reason not in PERIODS_NOT_COUNTED:
            raise DecisionsError(f"KPA art. 35 § 5 leaves out only these periods: {', '.join(PERIODS_NOT_COUNTED)}; "
                                 f"not {reason!r}")
        if last_day < first_day or first_day < self.settlement_start:
            raise InvalidDate(f"the period {first_day}–{last_day} must run forwards, from {self.settlement_start}")
        if any(p["from"] <= last_day and first_day <= p["to"] for p in self.periods_not_counted):
            raise InvalidDate("the period overlaps one recorded already: its days are not counted twice")
        days = (last_day - first_day).days + 1
        due = self._statutory_settlement_due(rules, self.complex, extra_days=days)
        self._period_not_counted(first_day=first_day, last_day=last_day, reason=reason, days=days,
                                 settlement_due=max(due, self.settlement_due))

    @event("PeriodNotCounted")
    def _period_not_counted(self, first_day: date, last_day: date, reason: str, days: int,
                            settlement_due: date) -> None:
        self.periods_not_counted.append({"from": first_day, "to": last_day, "reason": reason, "days": days})
        self.settlement_due = settlement_due

    @event("MarkedComplex")
    def _marked_complex(self, reason: str, settlement_due: date) -> None:
        self.complex = True
        self.settlement_due = settlement_due

    def notify_delay(self, new_date: date, reason: str, notified_on: date) -> None:
        """KPA art. 36 § 1: the party is told why the case is late, by when it will be settled, and
        of the right to a ponaglenie (the notice carries PONAGLENIE_INSTRUCTION)."""
        new_date, notified_on = a_date(new_date, "the new date"), a_date(notified_on, "the notice date")
        if self.decided:
            raise AlreadyDecided("the decision is issued already")
        if new_date <= self.settlement_due or new_date <= notified_on:
            raise InvalidDelayNotice(f"the new date must be after the current deadline {self.settlement_due} "
                                     "and after the notice")
        if not _text(reason):
            raise InvalidDelayNotice("give the reason for the delay (KPA art. 36)")
        self._delay_notified(new_date=new_date, reason=_text(reason), notified_on=notified_on)

    @event("DelayNotified")
    def _delay_notified(self, new_date: date, reason: str, notified_on: date) -> None:
        self.delay_notices.append({"new_date": new_date, "reason": reason, "notified_on": notified_on,
                                   "instruction": PONAGLENIE_INSTRUCTION})
        self.settlement_due = new_date

    def schedule_interview(self, on: date) -> None:
        self._not_closed()
        on = a_date(on, "the interview date")
        if on < self.applied_on:
            raise InvalidDate(f"the interview cannot be before the application ({self.applied_on})")
        self._interview_scheduled(on=on)

    def record_random_event(self, kind: str, occurred_on: date) -> None:
        """Art. 40: the need follows a random event, a natural or an ecological disaster, so a
        zasiłek celowy may be granted regardless of income. The assessment is made anew."""
        self._not_closed()
        if self.decided:
            raise AlreadyDecided("the decision is issued already")
        if self.benefit not in (None, "zasilek_celowy"):
            raise NotARandomEventBenefit(f"art. 40 grounds a zasiłek celowy, not {self.benefit!r}")
        if kind not in RANDOM_EVENTS:
            raise DecisionsError(f"the event is one of {', '.join(RANDOM_EVENTS)}, not {kind!r}")
        occurred_on = a_date(occurred_on, "the date of the event")
        if occurred_on > self.applied_on:
            raise InvalidDate(f"the event ({occurred_on}) cannot follow the application ({self.applied_on})")
        self._random_event_recorded(kind=kind, occurred_on=occurred_on)

    @event("RandomEventRecorded")
    def _random_event_recorded(self, kind: str, occurred_on: date) -> None:
        self.random_event = {"kind": kind, "occurred_on": occurred_on}
        self.assessment = None

    @event("InterviewScheduled")
    def _interview_scheduled(self, on: date) -> None:
        self.interview_planned_on = on

    def record_interview(self, held_on: date, household: Iterable[dict], incomes: Iterable[dict],
                         assets: str = "", farmland_ha: Any = "0", unable_to_work: bool = False,
                         recorded_on: date | None = None) -> None:
        """The environmental interview at the person's home (art. 107); updated on changes.
        `recorded_on`, when given, is the day it is entered: an interview is not held later."""
        self._not_closed()
        self._interview_recorded(**self._checked_interview(held_on, household, incomes, assets, farmland_ha,
                                                           unable_to_work, recorded_on))

    def _checked_interview(self, held_on: Any, household: Any, incomes: Any, assets: Any, farmland_ha: Any,
                           unable_to_work: Any, recorded_on: Any = None) -> dict:
        """An interview as it is recorded, or the named error of the rule it breaks: recording and
        correcting it check the same rules. Errors name the entry, never a person's data
        (docs/architecture.md, "Logs and dead letters name errors, never data")."""
        held_on = a_date(held_on, "the interview date")
        if held_on < self.applied_on:
            raise InvalidDate(f"the interview cannot be before the application ({self.applied_on})")
        if recorded_on not in (None, "") and held_on > a_date(recorded_on, "the recording date"):
            raise InterviewInFuture(f"an interview held on {held_on} cannot be recorded on {recorded_on}: "
                                    "record it after the visit")
        household, incomes = _entries(household, "the household"), _entries(incomes, "the incomes")
        members = [{"name": _text(m.get("name")), "relation": _text(m.get("relation")) or "wnioskodawca"}
                   for m in household]
        if not members or not all(m["name"] for m in members):
            raise InvalidInterview("list the household's members by name, the applicant included")
        if not any(m["relation"] == "wnioskodawca" for m in members):
            raise InvalidInterview("name the applicant among the household (relation \"wnioskodawca\", or none)")
        names = {m["name"] for m in members}
        recorded_incomes = []
        for number, income in enumerate(incomes, 1):
            if _text(income.get("member")) not in names:
                raise InvalidInterview(f"income {number} is of someone who is not in the household")
            if income.get("source") not in INCOME_SOURCES:
                raise InvalidInterview(f"income {number} has an unknown source; one of {', '.join(INCOME_SOURCES)}")
            recorded_incomes.append({"member": _text(income["member"]), "source": income["source"],
                                     "amount": _amount(income.get("amount"), "a monthly income")})
        return {"held_on": held_on, "household": members, "incomes": recorded_incomes, "assets": _text(assets),
                "farmland_ha": _amount(farmland_ha, "farmland (ha przeliczeniowe)"),
                "unable_to_work": bool(unable_to_work)}

    @event("InterviewRecorded")
    def _interview_recorded(self, held_on: date, household: list, incomes: list, assets: str,
                            farmland_ha: Decimal, unable_to_work: bool) -> None:
        self.interviews.append({"held_on": held_on, "household": household, "incomes": incomes, "assets": assets,
                                "farmland_ha": farmland_ha, "unable_to_work": unable_to_work})
        if not self.decided:
            self.assessment = None  # a new interview calls for a new assessment

    # --- corrections of the interview, before the decision ---------------------------------

    def correct_interview(self, values: dict, reason: str, corrected_by: str, corrected_on: date,
                          interview: Any = None) -> list[str]:
        """Corrects entries of an interview (the date it was held, the household, the assets, the
        farmland, the inability to work) that were recorded wrongly: an event with the old and the
        new values, why, who and when. `interview` is its number (from 1, the first recorded); none
        is the latest. An earlier interview, updated since, is corrected too: the file keeps what was
        found then (art. 107), and its date stays before the interview that updated it. The
        corrected interview keeps every rule of a recorded one. Returns the entries that changed."""
        number, reason, corrected_by, corrected_on = self._correcting(interview, reason, corrected_by, corrected_on)
        recorded = self.interviews[number - 1]
        given = {k: values[k] for k in INTERVIEW_ENTRIES if k in values}
        new = self._checked_interview(**{**recorded, **given}, recorded_on=corrected_on)
        if number < len(self.interviews) and new["held_on"] > self.interviews[number]["held_on"]:
            raise InvalidDate(f"interview {number} cannot be held after the interview that updated it "
                              f"({self.interviews[number]['held_on']})")
        changed = [k for k in INTERVIEW_ENTRIES if new[k] != recorded[k]]
        if not changed:
            raise NothingToCorrect("the interview already says this")
        self._interview_corrected(old={k: recorded[k] for k in changed}, new={k: new[k] for k in changed},
                                  reason=reason, corrected_by=corrected_by, corrected_on=corrected_on,
                                  interview=number)
        return changed

    def correct_income(self, entry: Any, values: dict, reason: str, corrected_by: str,
                       corrected_on: date, interview: Any = None) -> list[str]:
        """Corrects one income of an interview (its number, from 1, in the interview's list; the
        interview's number as correct_interview's, none the latest): whose it is, its source, its
        amount. Returns the fields that changed."""
        number, reason, corrected_by, corrected_on = self._correcting(interview, reason, corrected_by, corrected_on)
        recorded = self.interviews[number - 1]
        incomes = list(recorded["incomes"])
        entry = _numbered(entry, len(incomes), NoSuchIncome(f"the interview lists {len(incomes)} incomes; "
                                                            f"there is no income {entry!r}"))
        old = incomes[entry - 1]
        incomes[entry - 1] = {**old, **{k: values[k] for k in INCOME_ENTRIES if k in values}}
        checked = self._checked_interview(**{**recorded, "incomes": incomes}, recorded_on=corrected_on)
        new = checked["incomes"][entry - 1]
        changed = [k for k in INCOME_ENTRIES if new[k] != old[k]]
        if not changed:
            raise NothingToCorrect(f"income {entry} already says this")
        self._income_corrected(entry=entry, old={k: old[k] for k in changed}, new={k: new[k] for k in changed},
                               reason=reason, corrected_by=corrected_by, corrected_on=corrected_on,
                               interview=number)
        return changed

    def _correcting(self, interview: Any, reason: Any, corrected_by: Any,
                    corrected_on: Any) -> tuple[int, str, str, date]:
        """What every correction needs: an open proceeding with no decision yet (after it, a change is
        a new decision), the interview to correct (its number; none, the latest), a reason, who
        corrects and a day after that interview."""
        self._not_closed()
        if self.decided:
            raise CorrectionAfterDecision("the decision is issued: a change of what it rests on is a new decision "
                                          "(a change or a revocation)")
        if not self.interviews:
            raise NoInterviewToCorrect("no interview is recorded: record it rather than correct it")
        count = len(self.interviews)
        number = count if interview in (None, "") else _numbered(interview, count, NoSuchInterview(
            f"the proceeding has {count} interviews; there is no interview {interview!r}"))
        reason = one_line(reason, "the correction's reason")
        if not reason:
            raise MissingCorrectionReason("say why the entry was wrong (the document seen, the person's word)")
        corrected_by = _text(corrected_by, "who corrects")
        if not corrected_by:
            raise DecisionsError("a correction names the member of staff who made it")
        corrected_on = a_date(corrected_on, "the correction's date")
        held_on = self.interviews[number - 1]["held_on"]
        if corrected_on < held_on:
            raise InvalidDate(f"a correction is made after the interview it corrects ({held_on})")
        return number, reason, corrected_by, corrected_on

    # `interview` is the corrected interview's number; events stored before it was recorded
    # corrected the latest interview of their time.
    @event("InterviewCorrected")
    def _interview_corrected(self, old: dict, new: dict, reason: str, corrected_by: str, corrected_on: date,
                             interview: int | None = None) -> None:
        number = interview or len(self.interviews)
        self.interviews[number - 1] = {**self.interviews[number - 1], **new}
        self._corrected({"kind": "interview", "interview": number, "entry": None, "fields": list(new), "old": old,
                         "new": new, "reason": reason, "corrected_by": corrected_by, "corrected_on": corrected_on},
                        outdates=number == len(self.interviews) and any(k in ASSESSED_ENTRIES for k in new))

    @event("IncomeCorrected")
    def _income_corrected(self, entry: int, old: dict, new: dict, reason: str, corrected_by: str,
                          corrected_on: date, interview: int | None = None) -> None:
        number = interview or len(self.interviews)
        incomes = list(self.interviews[number - 1]["incomes"])
        incomes[entry - 1] = {**incomes[entry - 1], **new}
        self.interviews[number - 1] = {**self.interviews[number - 1], "incomes": incomes}
        self._corrected({"kind": "income", "interview": number, "entry": entry, "fields": list(new), "old": old,
                         "new": new, "reason": reason, "corrected_by": corrected_by, "corrected_on": corrected_on},
                        outdates=number == len(self.interviews))

    def _corrected(self, correction: dict, outdates: bool) -> None:
        """The correction joins the proceeding's history. An assessment made before it of what the
        calculator reads (the latest interview's; an earlier one's is history) is out of date: it stays on file, marked, and a draft or a decision waits
        for a new one (AssessmentOutdated), so the calculator's result always rests on the entries
        as corrected."""
        self.corrections.append(correction)
        if outdates and self.assessment:
            self.assessment = {**self.assessment, "outdated_on": correction["corrected_on"]}

    # --- the person's identity, as first contact corrects it ---------------------------------

    def correct_person(self, person: dict, corrected_on: date) -> bool:
        """First contact corrected the person's identity (intake's PersonCorrected): the proceeding
        shows it as it now is, and the event keeps the old values and the date, at any stage. A
        decision already issued keeps the party as it was issued to (`decision["party"]`): the
        decision is a document, and a correction of the register does not rewrite it; a later
        decision names the party as corrected. False, and no event, if the proceeding already says this."""
        corrected = [k for k, v in person.items() if self.person.get(k) != v]
        if not corrected:
            return False
        self._person_corrected(person={**self.person, **person}, corrected=corrected,
                               old={k: self.person.get(k) for k in corrected}, corrected_on=corrected_on)
        return True

    @event("PersonCorrected")
    def _person_corrected(self, person: dict, corrected: list[str], old: dict, corrected_on: date) -> None:
        self.person = person
        self.person_corrections.append({"corrected": corrected, "old": old, "corrected_on": corrected_on})

    def household_income(self, rules: RuleTable, on: date | None = None) -> Decimal:
        """Monthly income: every member's, plus farmland at the criterion's rate per ha (art. 8 ust. 9)."""
        interview = self.interviews[-1]
        per_hectare = rules.income_criterion.on(on or self.applied_on).per_hectare
        return zl(sum((i["amount"] for i in interview["incomes"]), Decimal(0)) + interview["farmland_ha"] * per_hectare)

    def applicant_income(self) -> Decimal:
        """The applicant's own monthly income in the latest interview: the incomes of the member
        listed as the applicant (relation "wnioskodawca"; the first such when several are)."""
        interview = self.interviews[-1]
        applicant = next(m["name"] for m in interview["household"] if m["relation"] == "wnioskodawca")
        return zl(sum((i["amount"] for i in interview["incomes"] if i["member"] == applicant), Decimal(0)))

    def assess(self, rules: RuleTable) -> dict:
        """Eligibility and amount on the application's date, from the latest interview."""
        self._not_closed()
        if self.decided:
            raise AlreadyDecided("the decision is issued already")
        if not self.interviews:
            raise InterviewRequired("the assessment needs the environmental interview (art. 107)")
        if self.benefit is None:
            raise BenefitNotSpecified("say which benefit the application is for")
        interview = self.interviews[-1]
        income = self.household_income(rules)
        if DECIDED_FORMS[self.benefit] is None:
            result = {"eligible": True, "reason": None, "min_amount": None, "max_amount": None,
                      "criterion": None,
                      "legal_basis": f"art. 36 u.p.s. ({FORMS_OF_HELP.get(self.benefit, self.benefit)}): "
                                     "the centre sets the amount and terms"}
        else:
            a = self._calculate(rules, income, self.applied_on)
            result = {"eligible": a.eligible, "reason": a.reason, "min_amount": a.min_amount,
                      "max_amount": a.max_amount, "criterion": a.criterion, "legal_basis": a.legal_basis}
        self._assessed(on=self.applied_on, income=income, members=len(interview["household"]), **result)
        return self.assessment

    def _calculate(self, rules: RuleTable, income: Decimal, on: date):
        interview = self.interviews[-1]
        benefit = DECIDED_FORMS[self.benefit]
        members = len(interview["household"])
        return assess(rules, benefit, members, income, on,
                      unable_to_work=interview["unable_to_work"],
                      random_event=benefit == "celowy" and self.random_event is not None,
                      applicant_income=income if members == 1 else self.applicant_income())

    @event("Assessed")
    def _assessed(self, on: date, income: Decimal, members: int, eligible: bool, reason: str | None,
                  min_amount: Decimal | None, max_amount: Decimal | None, criterion: Decimal | None,
                  legal_basis: str) -> None:
        self.assessment = {"on": on, "income": income, "members": members, "eligible": eligible, "reason": reason,
                           "min_amount": min_amount, "max_amount": max_amount, "criterion": criterion,
                           "legal_basis": legal_basis}

    # --- the decision ----------------------------------------------------------------

    @property
    def draft(self) -> dict | None:
        """The draft decision not (yet) signed: awaiting the signature, or returned with a remark."""
        if self.decided or not self.drafts or self.drafts[-1]["signed"]:
            return None
        return self.drafts[-1]

    @property
    def draft_pending(self) -> bool:
        """A draft awaits the signature (drafted, not returned, not signed)."""
        return self.draft is not None and not self.draft["returned"]

    def draft_decision(self, drafted_by: str, drafted_on: date, outcome: str, legal_basis: str,
                       justification: str = "", amount: Any = None, period_from: Any = None, period_to: Any = None,
                       payment_method: str | None = None, on_condition_of_repayment: bool = False,
                       account: str | None = None) -> None:
        """The benefit officer's draft decision (projekt decyzji): what the decision will say, checked
        now as the decision it would be on `drafted_on`. Drafted again while unsigned, it replaces the
        draft (returned or not); the signatory signs it as drafted or returns it with a remark. A draft
        does not stop the KPA deadline: the case is settled by the decision, not by its draft."""
        self._not_closed()
        if self.decided:
            raise DraftAfterDecision("the decision is issued already; change or revoke it by a new decision")
        if not _text(drafted_by):
            raise DecisionsError("a draft names the benefit officer who drafted it")
        drafted_on = a_date(drafted_on, "the date of the draft")
        decision = self._lawful_decision(outcome, drafted_on, legal_basis, justification, None, amount, period_from,
                                         period_to, payment_method, on_condition_of_repayment, account)
        self._drafted(content={k: decision.get(k) for k in DRAFT_FIELDS}, drafted_by=_text(drafted_by),
                      drafted_on=drafted_on)

    @event("DecisionDrafted")
    def _drafted(self, content: dict, drafted_by: str, drafted_on: date) -> None:
        self.drafts.append({**content, "drafted_by": drafted_by, "drafted_on": drafted_on, "returned": None,
                            "signed": None})

    def return_draft(self, remark: str, returned_by: str, returned_on: date) -> None:
        """The signatory sends the pending draft back to the benefit officer with a remark."""
        self._not_closed()
        draft = self._draft_to_sign()
        if not _text(remark):
            raise MissingRemark("say what to revise in the draft (the remark)")
        returned_on = a_date(returned_on, "the date of the return")
        if returned_on < draft["drafted_on"]:
            raise InvalidDate(f"a draft is returned after it is drafted ({draft['drafted_on']})")
        self._draft_returned(remark=_text(remark), returned_by=_text(returned_by), returned_on=returned_on)

    @event("DraftReturned")
    def _draft_returned(self, remark: str, returned_by: str, returned_on: date) -> None:
        self.drafts[-1] = {**self.drafts[-1],
                           "returned": {"remark": remark, "returned_by": returned_by, "returned_on": returned_on}}

    def sign_draft(self, signed_on: date, signed_by: str, on_authority_of: str) -> None:
        """The signatory signs the pending draft: the decision is issued exactly as drafted, dated the day
        it is signed, and every check of a decision applies on that day."""
        self._not_closed()
        draft = self._draft_to_sign()
        signed_on = a_date(signed_on, "the signing date")
        if signed_on < draft["drafted_on"]:
            raise InvalidDate(f"a draft is signed after it is drafted ({draft['drafted_on']})")
        content = {k: draft[k] for k in DRAFT_FIELDS}
        self._decision_issued(decision=self._lawful_decision(
            issued_on=signed_on, signature={"signed_by": signed_by, "on_authority_of": on_authority_of}, **content))

    def _draft_to_sign(self) -> dict:
        if self.decided:
            raise AlreadyDecided("a decision is issued already; change or revoke it by a new decision")
        if self.draft is None:
            raise NoDraftPending("no draft decision awaits the signature")
        if self.draft["returned"]:
            raise DraftAlreadyReturned(f"the draft was returned on {self.draft['returned']['returned_on']}: "
                                       "it is signed once drafted again")
        return self.draft

    def issue_decision(self, outcome: str, issued_on: date, legal_basis: str, justification: str,
                       signed_by: str, on_authority_of: str, amount: Any = None, period_from: Any = None,
                       period_to: Any = None, payment_method: str | None = None,
                       on_condition_of_repayment: bool = False, account: str | None = None) -> None:
        """A signatory who prepared the decision themselves signs it at once (no draft goes between);
        refused while a draft awaits the signature, which is signed as drafted or returned."""
        if self.draft_pending:
            raise DraftAwaitingSignature("a draft decision awaits the signature: sign it or return it with a remark")
        signature = {"signed_by": signed_by, "on_authority_of": on_authority_of}
        self._decision_issued(decision=self._lawful_decision(
            outcome, issued_on, legal_basis, justification, signature, amount, period_from, period_to, payment_method,
            on_condition_of_repayment, account))

    def _lawful_decision(self, outcome: str, issued_on: date, legal_basis: str, justification: str,
                         signature: dict | None, amount: Any = None, period_from: Any = None, period_to: Any = None,
                         payment_method: str | None = None, on_condition_of_repayment: bool = False,
                         account: str | None = None) -> dict:
        """The decision as it would be issued on `issued_on`, or the named error of the law it breaks.
        `signature` (signed_by, on_authority_of) is None for a draft, which nobody has signed yet.
        `on_condition_of_repayment`: art. 41 pkt 2, a grant of okresowy, celowy or pomoc
        rzeczowa the person repays in part or whole; it may go to income above the criterion.
        `account`: the IBAN a bank transfer goes to (it may also be given later, set_account)."""
        self._not_closed()
        if self.decided:
            raise AlreadyDecided("a decision is issued already; change or revoke it by a new decision")
        signed_by, on_authority_of = (signature or {}).get("signed_by"), (signature or {}).get("on_authority_of")
        if outcome not in OUTCOMES:
            raise DecisionsError(f"the outcome is one of {', '.join(OUTCOMES)}, not {outcome!r}")
        if self.benefit is None:
            raise BenefitNotSpecified("say which benefit the decision is on")
        if not self.interviews:
            raise InterviewRequired("a decision is issued only after the environmental interview "
                                    "(art. 106 ust. 4, art. 107 u.p.s.)")
        issued_on = a_date(issued_on, "the decision date")
        if issued_on < self.interviews[-1]["held_on"]:
            raise InvalidDate("a decision cannot be dated before the interview it rests on")
        if not form_in_force(self.benefit, issued_on):
            first, last = FORMS_OF_HELP_IN_FORCE[self.benefit]
            raise FormNotInForce(f"{FORMS_OF_HELP[self.benefit]} is a form of help "
                                 f"{f'until {last}' if last else f'from {first}'} (art. 53 u.p.s. as amended "
                                 f"on 28.07.2023), not on {issued_on}; specify the form in force")
        if signature is not None and (not _text(signed_by) or not _text(on_authority_of)):
            raise MissingSignature("a decision names who signed it and on whose authority "
                                   "(z upoważnienia wójta / burmistrza / prezydenta miasta)")
        if not _text(legal_basis):
            raise DecisionsError("a decision states its legal basis")
        if outcome != "grant" and not _text(justification):
            raise MissingJustification("a refusal or a partial grant must be justified (KPA art. 107 § 4)")
        granted = outcome != "refusal"
        if not isinstance(on_condition_of_repayment, bool):
            raise DecisionsError(f"on condition of repayment is yes or no, not {on_condition_of_repayment!r}")
        if on_condition_of_repayment and not granted:
            raise RepaymentNotAllowed("a refusal grants nothing to repay")
        if on_condition_of_repayment and self.benefit not in REPAYABLE_FORMS:
            raise RepaymentNotAllowed(f"art. 41 pkt 2 makes repayable only {', '.join(REPAYABLE_FORMS)}, "
                                      f"not {self.benefit}")
        if granted and self.benefit == "specjalny_zasilek_celowy" and not _text(justification):
            raise MissingJustification("a specjalny zasiłek celowy is granted in an especially justified case: "
                                       "say why (art. 41)")
        needs_assessment = DECIDED_FORMS[self.benefit] is not None
        if needs_assessment and not self.assessment:
            raise AssessmentRequired("assess eligibility on the application's date first")
        if needs_assessment and self.assessment.get("outdated_on"):
            raise AssessmentOutdated(f"the interview was corrected on {self.assessment['outdated_on']}, after the "
                                     "assessment: assess eligibility again")
        decision = {"outcome": outcome, "issued_on": issued_on, "legal_basis": _text(legal_basis),
                    "justification": _text(justification), "signed_by": _text(signed_by),
                    "on_authority_of": _text(on_authority_of), "party": self._party(), "amount": None,
                    "period_from": None,
                    "period_to": None, "payment_method": None,
                    "on_condition_of_repayment": on_condition_of_repayment}
        if granted:
            if needs_assessment and not self.assessment["eligible"] and not (
                    on_condition_of_repayment and self._above_criterion(self.assessment)):
                raise NotEligible(f"the assessment refuses it: {self.assessment['reason']}")
            period_from = a_date(period_from, "the start of the period")
            period_to = None if period_to in (None, "") else a_date(period_to, "the end of the period")
            if period_to is not None and period_to < period_from:
                raise InvalidDate("the period ends before it starts")
            if self.benefit in FIXED_PERIOD_FORMS and period_to is None:
                raise InvalidDate(f"{FORMS_OF_HELP[self.benefit]} is granted for a period the centre sets "
                                  "(art. 38; art. 53 ust. 8 u.p.s.): give its end")
            if self.benefit in CASH_FORMS and period_from < self.applied_on.replace(day=1):
                raise PeriodBeforeApplication(
                    f"a cash benefit is granted from the month of the application ({self.applied_on:%Y-%m}) at the "
                    f"earliest (art. 106 ust. 3 u.p.s.), not from {period_from}")
            decision.update(period_from=period_from, period_to=period_to)
            if self.benefit not in CASH_FORMS and amount not in (None, ""):
                raise InvalidAmount(f"{FORMS_OF_HELP[self.benefit]} is help in kind or in services: a grant of it "
                                    f"has no amount in zł, not {amount!r}")
            if self.benefit in CASH_FORMS:
                amount = _amount(amount, "the monthly amount")
                self._within_legal_range(amount)
                if payment_method not in PAYMENT_METHODS:
                    raise DecisionsError(f"say how it is paid: {' or '.join(PAYMENT_METHODS)}")
                decision.update(amount=amount, payment_method=payment_method,
                                account=an_account(account) if account not in (None, "") else None)
        return decision

    def _party(self) -> dict:
        """The party as the decision names it (KPA art. 107 § 1: oznaczenie strony), as the proceeding
        knows them on the day it is issued; a later correction of the identity leaves it as issued."""
        return {k: self.person.get(k) for k in ("full_name", "address")}

    @staticmethod
    def _above_criterion(a: dict) -> bool:
        """Art. 41 pkt 2 reaches income above the criterion, nothing else the calculator refuses."""
        return a["criterion"] is not None and a["income"] > a["criterion"]

    def _within_legal_range_on(self, rules: RuleTable, amount: Decimal, on: date) -> None:
        if DECIDED_FORMS[self.benefit] is None:
            return  # the centre sets the amount
        a = self._calculate(rules, self.household_income(rules, on), on)
        if not a.eligible:
            if self.decision.get("on_condition_of_repayment") and a.income > a.criterion:
                return  # art. 41 pkt 2: repayable help above the criterion, amount set by the centre
            raise AmountOutsideLegalRange(f"on {on} the law allows no amount: {a.reason}; revoke it instead")
        _in_range(amount, a.min_amount, a.max_amount, f" on {on}")

    def _within_legal_range(self, amount: Decimal) -> None:
        if amount <= 0:
            raise AmountOutsideLegalRange("a granted benefit has an amount above zero")
        _in_range(amount, (self.assessment or {}).get("min_amount"), (self.assessment or {}).get("max_amount"))

    @event("DecisionIssued")
    def _decision_issued(self, decision: dict) -> None:
        if self.draft_pending:  # issued by signing it
            self.drafts[-1] = {**self.drafts[-1], "signed": {"signed_by": decision["signed_by"],
                                                             "signed_on": decision["issued_on"]}}
        self.decision = decision

    def record_delivery(self, rules: RuleTable, delivered_on: date) -> None:
        """From delivery the party has 14 days to appeal (KPA art. 129 § 2)."""
        if not self.decided:
            raise NotDelivered("there is no decision to deliver")
        if self.delivered_on:
            raise AlreadyDecided(f"the decision was delivered on {self.delivered_on}")
        delivered_on = a_date(delivered_on, "the delivery date")
        if delivered_on < self.decision["issued_on"]:
            raise InvalidDate("a decision cannot be delivered before it is issued")
        deadline = appeal_deadline(rules.deadlines.on(delivered_on), delivered_on)
        self._delivered(delivered_on=delivered_on, appeal_deadline=deadline)

    def record_deemed_delivery(self, rules: RuleTable, notice_left_on: date) -> None:
        """KPA art. 44: the party did not collect the letter the post kept for 14 days after the first
        notice (awizo): it is delivered on the last day of that storage, and the 14 days to appeal
        run from then."""
        if not self.decided:
            raise NotDelivered("there is no decision to deliver")
        if self.delivered_on:
            raise AlreadyDecided(f"the decision was delivered on {self.delivered_on}")
        notice_left_on = a_date(notice_left_on, "the date of the first notice")
        if notice_left_on < self.decision["issued_on"]:
            raise InvalidDate("the post cannot leave a notice of a decision before it is issued")
        delivered_on = deemed_delivery(rules.deadlines.on(notice_left_on), notice_left_on)
        deadline = appeal_deadline(rules.deadlines.on(delivered_on), delivered_on)
        self._delivered(delivered_on=delivered_on, appeal_deadline=deadline, notice_left_on=notice_left_on)

    @event("Delivered")
    def _delivered(self, delivered_on: date, appeal_deadline: date, notice_left_on: date | None = None) -> None:
        self.delivered_on = delivered_on
        self.appeal_deadline = appeal_deadline
        self.delivery_deemed_after_notice_of = notice_left_on

    def become_final(self, today: date) -> None:
        """Not appealed in time: the decision is final (ostateczna)."""
        today = a_date(today, "today")
        self._not_closed()
        if not self.delivered_on:
            raise NotDelivered("an undelivered decision cannot become final")
        if self.final_on:
            raise AlreadyFinal(f"final since {self.final_on}")
        # Only an appeal in time stops finality; a late one goes to the board marked late,
        # which decides whether to restore the deadline (KPA art. 58-59, 134).
        if self.appeal and not self.appeal["late"]:
            raise AppealWindowOpen("an appeal is pending before the appeals board")
        if today <= self.appeal_deadline:
            raise AppealWindowOpen(f"the party may appeal until {self.appeal_deadline}")
        self._became_final(final_on=self.appeal_deadline + relativedelta(days=1))

    @event("BecameFinal")
    def _became_final(self, final_on: date) -> None:
        self.final_on = final_on

    def waive_appeal(self, received_on: date) -> None:
        """KPA art. 127a: before the appeal deadline the party waives the right to appeal; the decision
        is final on the day the centre receives the waiver (from 12.05.2023 also on the day of delivery)."""
        received_on = a_date(received_on, "the date the waiver came in")
        self._not_closed()
        if not self.delivered_on:
            raise NotDelivered("the right to appeal is waived after the decision is delivered")
        if self.final_on:
            raise AlreadyFinal(f"final since {self.final_on}")
        if self.appeal:
            raise AlreadyDecided("an appeal is registered: it is withdrawn, not waived")
        if not self.delivered_on <= received_on <= self.appeal_deadline:
            raise InvalidDate(f"a waiver is made between the delivery ({self.delivered_on}) and the end of the "
                              f"appeal window ({self.appeal_deadline})")
        self._appeal_waived(final_on=received_on)

    @event("AppealWaived")
    def _appeal_waived(self, final_on: date) -> None:
        self.final_on = final_on
        self.appeal_waived = True

    # --- appeal ------------------------------------------------------------------------

    def register_appeal(self, rules: RuleTable, filed_on: date, received_on: date | None = None) -> None:
        """Filed through the centre (KPA art. 129 § 1) on `filed_on` (posted or brought), received
        on `received_on` (the same day when brought): from receipt the centre has 7 days to forward
        it to the appeals board (KPA art. 133). A late one is recorded as late and goes to SKO,
        which decides on restoring the deadline; it does not stop the decision being final."""
        filed_on = a_date(filed_on, "the appeal date")
        received_on = filed_on if received_on in (None, "") else a_date(received_on, "the date the appeal came in")
        if received_on < filed_on:
            raise InvalidDate("an appeal cannot come in before it is filed")
        if not self.delivered_on:
            raise NotDelivered("a decision is appealed after its delivery")
        self._not_closed()
        if self.appeal:
            raise AlreadyDecided("an appeal is registered already")
        if filed_on < self.delivered_on:
            raise InvalidDate("an appeal cannot precede the delivery")
        late = filed_on > self.appeal_deadline
        if self.final_on and not late:
            raise AlreadyFinal(f"the decision has been final since {self.final_on}; an appeal dated "
                               f"{filed_on} would have been in time")
        self._appealed(filed_on=filed_on, late=late, received_on=received_on,
                       forwarding_due=appeal_forwarding_due(rules.deadlines.on(received_on), received_on))

    @event("Appealed")
    def _appealed(self, filed_on: date, late: bool, received_on: date | None = None,
                  forwarding_due: date | None = None) -> None:
        self.appeal = {"filed_on": filed_on, "late": late, "received_on": received_on or filed_on,
                       "forwarding_due": forwarding_due, "forwarded_on": None, "outcome": None, "decided_on": None}

    def forward_appeal(self, forwarded_on: date) -> None:
        """To the local appeals board (SKO) with the case file (KPA art. 133)."""
        forwarded_on = a_date(forwarded_on, "the forwarding date")
        if not self.appeal:
            raise NoAppeal("there is no appeal to forward")
        if self.appeal["forwarded_on"]:
            raise AlreadyDecided(f"forwarded on {self.appeal['forwarded_on']}")
        if forwarded_on < self.appeal["filed_on"]:
            raise InvalidDate("an appeal cannot be forwarded before it is filed")
        self._forwarded(forwarded_on=forwarded_on)

    @event("AppealForwarded")
    def _forwarded(self, forwarded_on: date) -> None:
        self.appeal = {**self.appeal, "forwarded_on": forwarded_on}

    def record_appeal_outcome(self, rules: RuleTable, outcome: str, decided_on: date) -> None:
        """SKO upholds (final), overturns (annulled) or returns the case for reconsideration;
        a returned case is settled anew within KPA art. 35 from the day it comes back."""
        decided_on = a_date(decided_on, "the appeals board's date")
        if not self.appeal or not self.appeal["forwarded_on"]:
            raise NotForwarded("the appeals board decides on an appeal forwarded to it")
        if outcome not in APPEAL_OUTCOMES:
            raise DecisionsError(f"the appeals board's outcome is one of {', '.join(APPEAL_OUTCOMES)}")
        if decided_on < self.appeal["forwarded_on"]:
            raise InvalidDate("the board cannot decide before the appeal reaches it")
        final_on = settlement = None
        if outcome == "upheld":
            # A late appeal never stopped finality: the decision is final from the window's end.
            final_on = self.final_on or (self.appeal_deadline + relativedelta(days=1) if self.appeal["late"]
                                         else decided_on)
        elif outcome == "returned":
            settlement = settlement_due(rules.deadlines.on(decided_on), decided_on, complex_case=self.complex)
        self._appeal_decided(outcome=outcome, decided_on=decided_on, final_on=final_on, settlement_due=settlement)

    @event("AppealDecided")
    def _appeal_decided(self, outcome: str, decided_on: date, final_on: date | None = None,
                        settlement_due: date | None = None) -> None:
        if outcome == "upheld":
            self.final_on = final_on or decided_on
            self.appeal = {**self.appeal, "outcome": outcome, "decided_on": decided_on}
        elif outcome == "overturned":
            self.annulled_on = decided_on
            self.appeal = {**self.appeal, "outcome": outcome, "decided_on": decided_on}
        else:  # returned: the centre reconsiders and issues a new decision
            self.decision = None
            self.delivered_on = None
            self.appeal_deadline = None
            self.appeal = None
            self.assessment = None
            self.final_on = None  # a late appeal's decision was final until the board set it aside
            self.settlement_start = decided_on
            if settlement_due is not None:
                self.settlement_due = settlement_due

    # --- after finality: change and revocation -----------------------------------------

    def change(self, rules: RuleTable, amount: Any, effective_from: date, issued_on: date, justification: str,
               signed_by: str, on_authority_of: str) -> None:
        """A change decision (decyzja zmieniająca), e.g. after the person's income changed: the
        new amount must be one the law allows for the benefit on the effective date, for the
        household and income of the latest interview (record an updated interview first)."""
        self._final_cash_grant()
        amount = _amount(amount, "the new monthly amount")
        if amount <= 0:
            raise AmountOutsideLegalRange("to stop the benefit, revoke it")
        effective = a_date(effective_from, "the effective date")
        if effective >= self.decision["period_from"]:  # an earlier date is refused below, as InvalidDate
            self._within_legal_range_on(rules, amount, effective)
        self._later_decision("change", effective_from, issued_on, justification, signed_by, on_authority_of,
                             amount=amount)

    def revoke(self, effective_from: date, issued_on: date, justification: str, signed_by: str,
               on_authority_of: str) -> None:
        """A revocation decision (decyzja uchylająca): payments stop from effective_from."""
        self._final_grant()
        self._later_decision("revocation", effective_from, issued_on, justification, signed_by, on_authority_of,
                             amount=None)

    def suspend(self, effective_from: date, issued_on: date, justification: str, signed_by: str,
                on_authority_of: str) -> None:
        """Payments are withheld (wstrzymanie) from effective_from until resumed, e.g. under art. 11."""
        self._final_cash_grant()
        if self.suspended:
            raise AlreadyDecided("payments are suspended already")
        self._later_decision("suspension", effective_from, issued_on, justification, signed_by, on_authority_of,
                             amount=None)

    def resume(self, effective_from: date, issued_on: date, justification: str, signed_by: str,
               on_authority_of: str) -> None:
        self._final_cash_grant()
        if not self.suspended:
            raise NotAFinalGrant("only suspended payments can be resumed")
        self._later_decision("resumption", effective_from, issued_on, justification, signed_by, on_authority_of,
                             amount=None)

    def _final_grant(self) -> None:
        self._not_closed()
        if not (self.granted and self.final_on):
            raise NotAFinalGrant("only a final grant can be changed or revoked")

    def _final_cash_grant(self) -> None:
        self._final_grant()
        if self.benefit not in CASH_FORMS:
            raise NotAFinalGrant("only a cash benefit's amount can be changed")

    def _later_decision(self, kind, effective_from, issued_on, justification, signed_by, on_authority_of, amount):
        effective_from, issued_on = a_date(effective_from, "the effective date"), a_date(issued_on, "the decision date")
        if not _text(justification):
            raise MissingJustification("a change or revocation must be justified")
        if not _text(signed_by) or not _text(on_authority_of):
            raise MissingSignature("a decision names who signed it and on whose authority")
        if effective_from < self.decision["period_from"]:
            raise InvalidDate("the change cannot take effect before the benefit started")
        self._changed(kind=kind, amount=amount, effective_from=effective_from, issued_on=issued_on,
                      justification=_text(justification), signed_by=_text(signed_by),
                      on_authority_of=_text(on_authority_of))

    @event("LaterDecisionIssued")
    def _changed(self, kind: str, amount: Decimal | None, effective_from: date, issued_on: date,
                 justification: str, signed_by: str, on_authority_of: str) -> None:
        self.later_decisions.append({"kind": kind, "amount": amount, "effective_from": effective_from,
                                     "issued_on": issued_on, "justification": justification,
                                     "signed_by": signed_by, "on_authority_of": on_authority_of})

    # --- payments ----------------------------------------------------------------------

    def set_account(self, account: str) -> None:
        """The IBAN a bank transfer of this grant goes to, from the next payment on."""
        self._not_closed()
        if not (self.granted and self.decision["payment_method"] == "bank_transfer"):
            raise PaymentError("only a grant paid by bank transfer has an account")
        self._account_set(account=an_account(account))

    @event("AccountSet")
    def _account_set(self, account: str) -> None:
        self.decision = {**self.decision, "account": account}

    def record_payment(self, month: str, paid_on: date, until: date) -> None:
        """The month's amount was paid (at the desk, or sent to the bank) on `paid_on`."""
        paid_on = a_date(paid_on, "the payment date")
        due = {e["month"]: e for e in self.payment_schedule(until)}
        if month not in due:
            raise PaymentError(f"nothing is due for {month!r} under this decision")
        if self.paid(month):
            raise PaymentError(f"{month} is paid already (on {self.paid(month)['paid_on']})")
        if paid_on < self.enforceable_from:
            raise InvalidDate(f"nothing is paid before the decision is enforceable ({self.enforceable_from})")
        self._paid(month=month, amount=due[month]["amount"], method=due[month]["method"], paid_on=paid_on)

    @event("PaymentMade")
    def _paid(self, month: str, amount: Decimal, method: str, paid_on: date) -> None:
        self.payments.append({"month": month, "amount": amount, "method": method, "paid_on": paid_on,
                              "returned_on": None, "return_reason": None})

    def record_payment_returned(self, month: str, returned_on: date, reason: str) -> None:
        """The bank returned the transfer (closed account, wrong name...): the month is due again."""
        returned_on = a_date(returned_on, "the date of the return")
        payment = self.paid(month)
        if not payment or payment["method"] != "bank_transfer":
            raise PaymentError(f"no bank transfer for {month!r} stands to be returned")
        if returned_on < payment["paid_on"]:
            raise InvalidDate("a transfer comes back after it is sent")
        if not _text(reason):
            raise PaymentError("say why the bank returned it")
        self._returned(month=month, returned_on=returned_on, reason=_text(reason))

    @event("PaymentReturned")
    def _returned(self, month: str, returned_on: date, reason: str) -> None:
        payment = self.paid(month)
        payment.update(returned_on=returned_on, return_reason=reason)

    def paid(self, month: str) -> dict | None:
        """The payment for the month that stands (not returned by the bank), if any."""
        return next((p for p in self.payments if p["month"] == month and not p["returned_on"]), None)

    def claim_back(self, months: Iterable[str], amount: Any, issued_on: date, justification: str, signed_by: str,
                   on_authority_of: str) -> None:
        """Art. 98 ust. 1 u.p.s.: a cash benefit received unduly (art. 6 pkt 16: on false information
        or an unreported change) is claimed back by a decision, up to what was paid for those months."""
        months = list(dict.fromkeys(months or []))
        amount = _amount(amount, "the amount claimed back")
        issued_on = a_date(issued_on, "the decision date")
        paid = [self.paid(m) for m in months]
        if not months or not all(paid):
            raise InvalidClaim(f"only paid months can be claimed back; paid: {[p['month'] for p in self.payments]}")
        if not Decimal(0) < amount <= sum(p["amount"] for p in paid):
            raise InvalidClaim(f"the claim must be above 0 and at most the {sum(p['amount'] for p in paid)} zł paid "
                               "for those months")
        if not _text(justification):
            raise MissingJustification("say why the benefit was undue (art. 6 pkt 16, art. 98 u.p.s.)")
        if not _text(signed_by) or not _text(on_authority_of):
            raise MissingSignature("a decision names who signed it and on whose authority")
        self._claimed(months=months, amount=amount, issued_on=issued_on, justification=_text(justification),
                      signed_by=_text(signed_by), on_authority_of=_text(on_authority_of))

    @event("UndueBenefitClaimed")
    def _claimed(self, months: list, amount: Decimal, issued_on: date, justification: str, signed_by: str,
                 on_authority_of: str) -> None:
        self.claims.append({"months": months, "amount": amount, "issued_on": issued_on,
                            "justification": justification, "signed_by": signed_by,
                            "on_authority_of": on_authority_of})

    def record_repayment(self, amount: Any, repaid_on: date) -> None:
        amount, repaid_on = _amount(amount, "the amount repaid"), a_date(repaid_on, "the repayment date")
        if not Decimal(0) < amount <= self.amount_to_repay:
            raise InvalidClaim(f"a repayment is above 0 and at most the {self.amount_to_repay} zł still claimed")
        self._repaid(amount=amount, repaid_on=repaid_on)

    @event("Repaid")
    def _repaid(self, amount: Decimal, repaid_on: date) -> None:
        self.repayments.append({"amount": amount, "repaid_on": repaid_on})

    @property
    def amount_to_repay(self) -> Decimal:
        return sum((c["amount"] for c in self.claims), Decimal(0)) - sum((r["amount"] for r in self.repayments),
                                                                        Decimal(0))

    def note_health_insurance(self, insured_elsewhere: bool, from_month: str) -> None:
        """Whether the person on zasiłek stały is insured for health on another title from a month:
        the centre pays the contribution only for one who is not."""
        if self.benefit != "zasilek_staly":
            raise DecisionsError("the centre pays health contributions for people on zasiłek stały")
        if not isinstance(insured_elsewhere, bool):
            raise DecisionsError(f"insured elsewhere is yes or no, not {insured_elsewhere!r}")
        a_date(f"{from_month}-01", "the month (YYYY-MM)")
        self._health_insurance_noted(insured_elsewhere=insured_elsewhere, from_month=from_month)

    @event("HealthInsuranceNoted")
    def _health_insurance_noted(self, insured_elsewhere: bool, from_month: str) -> None:
        self.health_insured_elsewhere.append({"insured_elsewhere": insured_elsewhere, "from_month": from_month})

    def insured_elsewhere_in(self, month: str) -> bool:
        notes = [n for n in self.health_insured_elsewhere if n["from_month"] <= month]
        return bool(notes) and notes[-1]["insured_elsewhere"]

    # --- derived -----------------------------------------------------------------------

    @property
    def closed_on(self) -> date | None:
        """The day this proceeding's part of the person's file is closed, from which its retention
        period counts (shared/retention.py): set aside by the appeals board, or final with its period
        over (for a grant), every month of its schedule paid and nothing left to claim back; the
        last day anything of it happened or is scheduled. None while anything is still to come:
        no final decision, an appeal the board has not decided, payments suspended, a grant
        without an end, a month due and not paid, an undue benefit not repaid."""
        if self.amount_to_repay > 0 or (self.appeal and not self.appeal["outcome"]):
            return None
        if self.state == "suspended" or not (self.annulled_on or self.final_on):
            return None
        days = [self.annulled_on or self.final_on, *(d["issued_on"] for d in self.later_decisions),
                *(d["effective_from"] for d in self.later_decisions if d["kind"] == "revocation"),
                *(p["returned_on"] or p["paid_on"] for p in self.payments), *(c["issued_on"] for c in self.claims),
                *(r["repaid_on"] for r in self.repayments)]
        if self.granted and not self.annulled_on and self.state != "revoked":
            if self.period_end is None:
                return None
            days.append(self.period_end)
        if any(not self.paid(e["month"]) for e in self.payment_schedule(max(days))):
            return None
        return max(days)

    @property
    def paid_once(self) -> bool:
        """A one-off form decided without a period: one payment (see ONE_OFF_FORMS)."""
        return bool(self.decision) and self.decision["period_to"] is None and self.benefit in ONE_OFF_FORMS

    @property
    def period_end(self) -> date | None:
        """The last day of a decision's period: its period_to, or for one paid once the day it is
        paid for; None for help without an end (zasiłek stały) or no decision yet."""
        if not self.decision:
            return None
        return self.decision["period_from"] if self.paid_once else self.decision["period_to"]

    def payment_schedule(self, until: date) -> list[dict]:
        """One entry a month of an enforceable cash grant's period (open-ended ones up to `until`),
        with the amount in force that month; nothing from a revocation's effective month, nor
        while payments are suspended. Enforceable: final, or at once under KPA art. 130 § 4
        (see enforceable_from); the months before that day are paid from it, as arrears."""
        if not (self.granted and self.enforceable_from and self.benefit in CASH_FORMS):
            return []
        end = min(self.period_end or until, until)
        stop = next((d["effective_from"] for d in self.later_decisions if d["kind"] == "revocation"), None)
        entries = []
        for month in months_between(self.decision["period_from"], end):
            if stop and month >= stop.replace(day=1):
                break
            amount, paused = self.decision["amount"], False
            for later in self.later_decisions:
                if later["effective_from"].replace(day=1) <= month:
                    if later["kind"] == "change":
                        amount = later["amount"]
                    paused = {"suspension": True, "resumption": False}.get(later["kind"], paused)
            if paused:
                continue
            entries.append({"month": month.strftime("%Y-%m"), "amount": amount,
                            "method": self.decision["payment_method"]})
        return entries

    def interview_update_due(self, rules: RuleTable) -> date | None:
        """Art. 107 ust. 4 u.p.s.: for people on permanent help (stałe formy pomocy) the interview is
        updated at least every 6 months from the last one. Read here as every final grant for a
        continuing period still running on that date (zasiłek stały always); never a one-off payment
        (rules.toml says so with the deadlines). A date, not a state: the officer's list leaves the
        update out once the period is over (DecisionsReadModel.due), missed or not, as nobody is on
        that help any more."""
        if not (self.granted and self.final_on) or self.state != "final":
            return None
        if self.paid_once:
            return None
        last = self.interviews[-1]["held_on"]
        due = interview_update_due(rules.deadlines.on(last), last)
        return None if self.period_end is not None and self.period_end < due else due


class ReviewTask(Aggregate):
    """Art. 11 u.p.s.: casework reported a refused or broken cooperation contract. An officer
    weighs whether to refuse, revoke or suspend a cash benefit ("may", and dependants count);
    the software never does it by itself."""

    PERSONAL = {"Closed": {"conclusion": None}}  # the officer's conclusion speaks of the person

    @staticmethod
    def create_id(contract_ref: str, fact: str, **_: Any) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"art11:{contract_ref}:{fact}")

    @event("Opened")
    def __init__(self, contract_ref: str, fact: str, person_id: uuid.UUID, occurred_on: date):
        self.contract_ref = contract_ref
        self.fact = fact
        self.person_id = person_id
        self.occurred_on = occurred_on
        self.closed: dict | None = None

    def close(self, officer: str, conclusion: str, closed_on: date) -> None:
        if self.closed:
            raise AlreadyDecided(f"closed on {self.closed['closed_on']}")
        if not _text(officer) or not _text(conclusion):
            raise DecisionsError("name the officer and record the conclusion of the review")
        self._closed(officer=_text(officer), conclusion=_text(conclusion), closed_on=a_date(closed_on, "the date"))

    @event("Closed")
    def _closed(self, officer: str, conclusion: str, closed_on: date) -> None:
        self.closed = {"officer": officer, "conclusion": conclusion, "closed_on": closed_on}

    @property
    def closed_on(self) -> date | None:
        """An open review keeps the person's file open (Proceeding.closed_on)."""
        return self.closed["closed_on"] if self.closed else None

