"""Care services (zespół ds. usług): requests become services that actually happen. Pure Python.

The team assesses the need, grants the service by its own administrative decision with the
fee the council's resolution sets (from its own income statement: it never receives the
decisions team's file), plans carers' visits, records what was delivered, bills the fee from
the hours delivered, tracks care-home (DPS) referrals until placement, and assigns family
assistants within the limit the centre sets.
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Iterable

from eventsourcing.domain import Aggregate, event

from services.care.rules import CareRules
from shared.erasure import ERASED_IDENTITY
from shared.rule_table import zl
from shared.values import (  # noqa: F401  (re-exported)
    LINE_MAX,
    InvalidDate,
    MissingText,
    UnknownCode,
    a_code,
    a_date,
    a_number,
    a_text,
    one_line,
)

NAMESPACE = uuid.UUID("5b0c2e71-6a9d-4c7e-8f13-7d2a9e4b1c30")

SERVICE_KINDS = ("uslugi_opiekuncze", "specjalistyczne_uslugi_opiekuncze",
                 "specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne")
ACTIVITIES = ("personal_care", "meals", "shopping", "cleaning", "medical_help")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
IDENTITY_FIELDS = ("full_name", "birth_date", "pesel", "address", "contact")  # a person as care keeps them
DAY_HOURS = Decimal(24)  # a visit happens within one day, and so do all of a day's visits together
DPS_DOCUMENTS = ("wniosek", "wywiad_srodowiskowy", "zaswiadczenie_lekarskie", "zgoda_na_umieszczenie",
                 "decyzja_o_oplacie")


class CareError(ValueError):
    """A command the law or the team's procedure does not allow."""


class NotFound(LookupError):
    pass


class NotAssessed(CareError):
    pass


class NoIncomeStatement(CareError):
    pass


class MissingSignature(CareError):
    pass


class NotGranted(CareError):
    pass


class AlreadyGranted(CareError):
    pass


class ServiceEnded(CareError):
    pass


class RosterExceedsGrant(CareError):
    pass


class ActivityNotGranted(CareError):
    field = "activities"


class OutsidePeriod(CareError):
    pass


class DocumentsMissing(CareError):
    field = "document"


class ReferralClosed(CareError):
    pass


class AssistantLimitReached(CareError):
    """The centre sets how many families one family assistant may have (default 15)."""

    field = "assistant"


class InvalidNumber(CareError):
    """A number a command needs is missing, not a number, or out of its range."""


class VisitWithoutRoster(CareError):
    """A carer's visit is delivered under the roster in force on its day (which carer comes when,
    for how long): with none, the hours delivered have nothing ordered to be measured against."""

    field = "on"
    polish = "Tego dnia nie obowiązuje żaden harmonogram usługi — najpierw ustal harmonogram opiekunów."


class TooManyHours(CareError):
    """A visit happens within one day: at most 24 hours, and the service's visits on one day
    together too."""

    field = "hours"
    polish = "Wizyta trwa najwyżej 24 godziny, a wszystkie wizyty u osoby jednego dnia razem też najwyżej 24."


class MissingCorrectionReason(CareError):
    """A correction says why the record was wrong (the carer's timesheet, the person's word)."""

    field = "reason"
    polish = "Podaj powód poprawki (np. karta pracy opiekunki)."


class NothingToCorrect(CareError):
    """The record already says what the correction gives: no event, nothing stored."""

    polish = "Wpis już zawiera takie dane — nie ma czego poprawiać."


class NoSuchVisit(CareError):
    """The visit to correct is not among the service's visits (they are numbered from 1, in the
    order they were recorded)."""

    field = "visit"
    polish = "Nie ma takiej wizyty w tej usłudze — wybierz wizytę z listy."


class CorrectionBeforeDecision(CareError):
    """A correction is made on or after the day of the decision granting the service."""

    field = "corrected_on"
    polish = "Data poprawki nie może być wcześniejsza niż data decyzji przyznającej usługę."


class NoSuchRoster(CareError):
    """The roster to correct is not among the service's rosters (numbered from 1, in the order
    they were recorded)."""

    field = "roster"
    polish = "Nie ma takiego harmonogramu w tej usłudze — wybierz harmonogram z listy."


def _number(value: Any, what: str) -> Decimal:
    return a_number(value, what, InvalidNumber)


def _whole(value: Any, what: str, low: int) -> int:
    number = _number(value, what)
    if number != number.to_integral_value() or number < low:
        raise InvalidNumber(f"{what} must be a whole number, at least {low}, not {value!r}")
    return int(number)


def _hours(value: Any, what: str) -> Decimal:
    hours = _number(value, what)
    if hours <= 0 or hours > 24 * 7:
        raise InvalidNumber(f"{what} must be more than 0 hours, not {value!r}")
    return hours


def assistant_key(name: Any) -> str:
    """Who a family assistant is, however the name was typed: "beata  kos " is Beata Kos."""
    return " ".join(str(name or "").split()).casefold()


def _month(month: str) -> tuple[date, date]:
    try:
        first = date.fromisoformat(f"{month}-01")
    except (TypeError, ValueError):
        raise InvalidDate(f"a month is YYYY-MM, not {month!r}") from None
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def check_assistant_load(families: int, limit: int) -> None:
    if families >= limit:
        raise AssistantLimitReached(f"the family assistant already has {families} families (limit {limit})")


class PersonsFile(Aggregate):
    """A file care keeps of a person (a service, a care-home referral, a family's assistance), with
    the identity first contact or social work sent, as first contact corrects it. Each file sets
    `person` and `person_corrections` when it starts.

    Each file's `PERSONAL` (shared/erasure.py): who the person is and what free text says of them,
    sealed with the person's own key; kinds, activities, hours, fees, incomes' figures, dates,
    carers and assistants stay under the store's key, so the hours, the fees' statements and the
    MRPiPS-03 figures still add up once the person is erased."""

    _IDENTITY_SEALED = {"PersonCorrected": {"person": ERASED_IDENTITY, "old": {}}}

    @property
    def closed_on(self) -> date | None:
        """The day the file closed, from which its retention period counts (shared/retention.py);
        None while it is open."""
        raise NotImplementedError

    def correct_person(self, person: dict, corrected_on: date) -> bool:
        """First contact corrected the person's identity (intake's PersonCorrected): the file keeps
        it as it now is, and the event the old values (the file's earlier events keep them too),
        open or closed. False, and no event, if the file already says this."""
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


class CareService(PersonsFile):
    """One person's care service, from the request to its end."""

    PERSONAL = {**PersonsFile._IDENTITY_SEALED, "Requested": {"person": ERASED_IDENTITY},
                "Granted": {"grant.exemption_reason": None}, "VisitCorrected": {"reason": None},
                "RosterCorrected": {"reason": None}, "VisitMissed": {"reason": None}, "Ended": {"reason": None}}

    @property
    def closed_on(self) -> date | None:
        """The day the service ended (a request never granted too, once ended)."""
        return self.ended["on"] if self.ended else None

    @staticmethod
    def create_id(request_ref: str | None, **_: Any) -> uuid.UUID:
        # A request from another team is known by its reference: a second delivery finds it taken.
        return uuid.uuid5(NAMESPACE, f"service:{request_ref}") if request_ref else uuid.uuid4()

    @event("Requested")
    def __init__(self, request_ref: str | None, case_id: uuid.UUID | None, person_id: uuid.UUID, person: dict,
                 kind: str | None, urgent: bool, requested_on: date, origin: str):
        self.request_ref = request_ref
        self.case_id = case_id
        self.person_id = person_id
        self.person = person
        self.kind = kind
        self.urgent = urgent
        self.requested_on = requested_on
        self.origin = origin
        self.assessment: dict | None = None
        self.income_statement: dict | None = None
        self.grant: dict | None = None
        self.roster: list[dict] = []  # the latest roster (each carer's last change)
        self.rosters: list[dict] = []  # every change: carer, valid_from, plan
        self.visits: list[dict] = []
        self.missed: list[dict] = []
        self.ended: dict | None = None
        self.corrections: list[dict] = []  # of visits and rosters: what was, what is, why, who, when
        self.person_corrections: list[dict] = []

    @classmethod
    def request(cls, person_id: uuid.UUID, person: dict, kind: str | None, urgent: bool, requested_on: date,
                origin: str, request_ref: str | None = None, case_id: uuid.UUID | None = None) -> "CareService":
        if kind is not None:
            a_code(kind, SERVICE_KINDS, "care service")
        return cls(request_ref=request_ref, case_id=case_id, person_id=person_id, person=person, kind=kind,
                   urgent=bool(urgent), requested_on=a_date(requested_on, "the request date"), origin=origin)

    @property
    def state(self) -> str:
        if self.ended:
            return "ended"
        if self.grant:
            return "granted"
        if self.assessment:
            return "assessed"
        return "requested"

    def _active(self) -> None:
        if self.ended:
            raise ServiceEnded(f"the service ended on {self.ended['on']}")

    def assess(self, assessed_on: date, kind: str, activities: Iterable[str], hours_per_week: Any,
               period_from: date, period_to: date | None) -> None:
        """The need, assessed at home: which service, which activities, how many hours, how long."""
        self._active()
        if self.grant:
            raise AlreadyGranted("the service is granted; a change needs a new decision")
        assessed_on, period_from = a_date(assessed_on, "the assessment date"), a_date(period_from, "the start")
        period_to = None if period_to in (None, "") else a_date(period_to, "the end")
        if assessed_on < self.requested_on:
            raise InvalidDate("the assessment cannot precede the request")
        if period_to is not None and period_to < period_from:
            raise InvalidDate("the period ends before it starts")
        activities = list(dict.fromkeys(a_code(a, ACTIVITIES, "activity") for a in activities))
        if not activities:
            raise MissingText("name the activities the person needs")
        self._assessed(assessed_on=assessed_on, kind=a_code(kind, SERVICE_KINDS, "care service"),
                       activities=activities, hours_per_week=_hours(hours_per_week, "hours per week"),
                       period_from=period_from, period_to=period_to)

    @event("Assessed")
    def _assessed(self, assessed_on: date, kind: str, activities: list, hours_per_week: Decimal,
                  period_from: date, period_to: date | None) -> None:
        self.kind = kind
        self.assessment = {"assessed_on": assessed_on, "activities": activities, "hours_per_week": hours_per_week,
                           "period_from": period_from, "period_to": period_to}

    def state_income(self, members: int, monthly_income: Any, stated_on: date) -> None:
        """The care team's own income statement, only for the fee."""
        self._active()
        members = _whole(members, "the household's members", 1)
        income = _number(monthly_income, "the monthly income")
        if income < 0:
            raise InvalidNumber("income cannot be negative")
        self._income_stated(members=members, monthly_income=zl(income),
                            stated_on=a_date(stated_on, "the statement date"))

    @event("IncomeStated")
    def _income_stated(self, members: int, monthly_income: Decimal, stated_on: date) -> None:
        self.income_statement = {"members": members, "monthly_income": monthly_income, "stated_on": stated_on}

    def grant_service(self, rules: CareRules, issued_on: date, signed_by: str, on_authority_of: str,
                      exemption_percent: Any = "0", exemption_reason: str = "") -> dict:
        """The decision granting the service, with the fee per hour from the council's resolution."""
        self._active()
        if self.grant:
            raise AlreadyGranted(f"granted on {self.grant['issued_on']}")
        if not self.assessment:
            raise NotAssessed("assess the need before the decision")
        if not self.income_statement:
            raise NoIncomeStatement("the fee needs the person's income statement")
        if not str(signed_by or "").strip() or not str(on_authority_of or "").strip():
            raise MissingSignature("a decision names who signed it and on whose authority")
        issued_on = a_date(issued_on, "the decision date")
        if issued_on < self.assessment["assessed_on"]:
            raise InvalidDate("the decision cannot precede the assessment")
        exemption = _number("0" if exemption_percent in (None, "") else exemption_percent, "the exemption percent")
        if not (0 <= exemption <= 100):
            raise InvalidNumber("an exemption is 0 to 100 percent of the fee")
        if exemption and not str(exemption_reason or "").strip():
            raise MissingText("an exemption from the fee needs its reason")
        income = self.income_statement
        fee = rules.hourly_fee(self.kind, income["monthly_income"], income["members"],
                               self.assessment["period_from"], exemption)
        # The decision's basis for the fee: each month's statement applies the resolution then in force to it.
        self._granted(grant={"issued_on": issued_on, "signed_by": a_text(signed_by, "who signs"),
                             "members": income["members"], "monthly_income": income["monthly_income"],
                             "on_authority_of": a_text(on_authority_of, "on whose authority"),
                             "exemption_reason": str(exemption_reason or "").strip() or None, **fee})
        return self.grant

    @event("Granted")
    def _granted(self, grant: dict) -> None:
        self.grant = grant

    def set_roster(self, carer_id: uuid.UUID, visits: Iterable[dict], valid_from: Any = None) -> None:
        """The weekly roster: which carer comes on which weekday, for how many hours, from which day.

        A change takes effect on `valid_from` (within the granted period); before that day the
        roster then in force still orders the hours. A carer's first roster defaults to the
        granted period's start; a later change names its date."""
        self._granted_and_active()
        if valid_from in (None, ""):
            if any(r["carer_id"] == carer_id for r in self.rosters):
                raise InvalidDate("a change of a carer's roster names the day it takes effect (valid_from)")
            valid_from = self.assessment["period_from"]
        self._rostered(**self._checked_roster(carer_id, visits, valid_from))

    def _checked_roster(self, carer_id: uuid.UUID, visits: Any, valid_from: Any, replacing: int | None = None) -> dict:
        """A carer's plan from a day as a roster is checked: weekdays and hours, the day within the
        granted period, and the week's hours within the grant on each day a roster changes from
        then on, beside the other rosters (`replacing`: the index of the roster a correction
        replaces, in its place; its own day counts too)."""
        if isinstance(visits, (str, bytes, dict)) or not all(isinstance(v, dict) for v in visits):
            raise CareError("a roster is a list of visits, each with a weekday and hours")
        plan = [{"weekday": a_code(v.get("weekday"), WEEKDAYS, "weekday"), "hours": _hours(v.get("hours"), "hours"),
                 "carer_id": carer_id} for v in visits]
        start, end = self.assessment["period_from"], self.assessment["period_to"]
        valid_from = a_date(valid_from, "the day the roster takes effect")
        if valid_from < start or (end and valid_from > end):
            raise OutsidePeriod(f"the roster's {valid_from} is outside the granted period {start} – {end or 'open'}")
        roster = {"carer_id": carer_id, "valid_from": valid_from, "plan": plan}
        candidate = [*self.rosters, roster] if replacing is None else [
            roster if i == replacing else r for i, r in enumerate(self.rosters)]
        since = valid_from if replacing is None else min(valid_from, self.rosters[replacing]["valid_from"] or start)
        for day in sorted({r["valid_from"] or start for r in candidate if (r["valid_from"] or start) >= since}):
            total = sum((v["hours"] for v in _roster_on(candidate, day, start)), Decimal(0))
            if total > self.assessment["hours_per_week"]:
                raise RosterExceedsGrant(f"from {day} the roster plans {total} h a week; "
                                         f"{self.assessment['hours_per_week']} h granted")
        return roster

    @event("Rostered")
    def _rostered(self, carer_id: uuid.UUID, plan: list, valid_from: date | None = None) -> None:
        # Rosters recorded before changes carried a date applied from the granted period's start.
        self.rosters = [*self.rosters, {"carer_id": carer_id, "valid_from": valid_from, "plan": plan}]
        self.roster = self.roster_on(date.max)

    def roster_on(self, day: date) -> list[dict]:
        """The visits of the roster in force on a day: each carer's latest change on or before it."""
        return _roster_on(self.rosters, day, self.assessment["period_from"] if self.assessment else date.min)

    def record_visit(self, carer_id: uuid.UUID, on: date, hours: Any, activities: Iterable[str]) -> None:
        self._granted_and_active()
        self._visited(**self._checked_visit(carer_id, on, hours, activities))

    def _checked_visit(self, carer_id: uuid.UUID, on: Any, hours: Any, activities: Iterable[str],
                       replacing: int | None = None) -> dict:
        """A visit as recording checks it: within the granted period (and before the service's end),
        under a roster in force on its day, only activities the decision granted, and hours within one day together with the day's
        other visits (`replacing`: the index of the visit a correction replaces, not counted)."""
        on = self._in_period(on)
        if self.ended and on > self.ended["on"]:
            raise OutsidePeriod(f"{on} is after the service ended ({self.ended['on']})")
        if not self.roster_on(on):
            raise VisitWithoutRoster(f"no roster is in force on {on}: set the carers' roster first")
        done = list(dict.fromkeys(a_code(a, ACTIVITIES, "activity") for a in activities))
        extra = [a for a in done if a not in self.assessment["activities"]]
        if extra:
            raise ActivityNotGranted(f"not granted: {', '.join(extra)}")
        hours = _hours(hours, "the visit's hours")
        day = sum((v["hours"] for i, v in enumerate(self.visits) if v["on"] == on and i != replacing), Decimal(0))
        if day + hours > DAY_HOURS:
            raise TooManyHours(f"a visit of {hours} h on a day with {day} h of other visits: "
                               f"at most {DAY_HOURS} h a day")
        return {"carer_id": carer_id, "on": on, "hours": hours, "activities": done}

    @event("Visited")
    def _visited(self, carer_id: uuid.UUID, on: date, hours: Decimal, activities: list) -> None:
        self.visits.append({"carer_id": carer_id, "on": on, "hours": hours, "activities": activities})

    # --- corrections of what was recorded wrongly: events that keep the old values ---------------

    def correct_visit(self, number: Any, reason: str, corrected_by: str, corrected_on: Any,
                      **values: Any) -> list[str]:
        """Corrects a visit recorded wrongly: its carer, date, hours or activities (the values not
        given stay). The corrected visit keeps every rule a recorded one keeps; the event keeps
        the old values, why, who and when. Returns the fields that changed."""
        index = _entry(number, self.visits, "the visit", NoSuchVisit)
        why = self._why(reason, corrected_by, corrected_on)
        visit = self.visits[index]
        given = {k: v for k, v in values.items() if v is not None}
        new = self._checked_visit(**{**visit, **given}, replacing=index)
        changed = [f for f in ("carer_id", "on", "hours", "activities") if new[f] != visit[f]]
        if not changed:
            raise NothingToCorrect("the visit is already recorded so")
        self._visit_corrected(visit=index + 1, old={f: visit[f] for f in changed}, new={f: new[f] for f in changed},
                              **why)
        return changed

    def correct_roster(self, number: Any, reason: str, corrected_by: str, corrected_on: Any,
                       visits: Any = None, valid_from: Any = None) -> list[str]:
        """Corrects a roster recorded wrongly: its plan or the day it takes effect (unlike a change
        from a day, the corrected plan is what was ordered from the start). Checked as a roster is;
        the event keeps the old values, why, who and when. Returns the fields that changed."""
        index = _entry(number, self.rosters, "the roster", NoSuchRoster)
        why = self._why(reason, corrected_by, corrected_on)
        roster = self.rosters[index]
        old = {"plan": roster["plan"], "valid_from": roster["valid_from"] or self.assessment["period_from"]}
        new = self._checked_roster(roster["carer_id"], roster["plan"] if visits is None else visits,
                                   old["valid_from"] if valid_from in (None, "") else valid_from, replacing=index)
        changed = [f for f in ("plan", "valid_from") if new[f] != old[f]]
        if not changed:
            raise NothingToCorrect("the roster is already recorded so")
        self._roster_corrected(roster=index + 1, old={f: old[f] for f in changed},
                               new={f: new[f] for f in changed}, **why)
        return changed

    def _why(self, reason: Any, corrected_by: Any, corrected_on: Any) -> dict:
        reason = one_line(reason, "the correction's reason")
        if not reason:
            raise MissingCorrectionReason("say why the record was wrong")
        corrected_on = a_date(corrected_on, "the correction's date")
        if corrected_on < self.grant["issued_on"]:
            raise CorrectionBeforeDecision(f"a correction ({corrected_on}) cannot precede the decision "
                                           f"({self.grant['issued_on']})")
        return {"reason": reason, "corrected_by": a_text(corrected_by, "who corrects", LINE_MAX),
                "corrected_on": corrected_on}

    @event("VisitCorrected")
    def _visit_corrected(self, visit: int, old: dict, new: dict, reason: str, corrected_by: str,
                         corrected_on: date) -> None:
        self.visits[visit - 1] = {**self.visits[visit - 1], **new}
        self.corrections.append({"kind": "visit", "number": visit, "old": old, "new": new, "reason": reason,
                                 "corrected_by": corrected_by, "corrected_on": corrected_on})

    @event("RosterCorrected")
    def _roster_corrected(self, roster: int, old: dict, new: dict, reason: str, corrected_by: str,
                          corrected_on: date) -> None:
        self.rosters[roster - 1] = {**self.rosters[roster - 1], **new}
        self.roster = self.roster_on(date.max)
        self.corrections.append({"kind": "roster", "number": roster, "old": old, "new": new, "reason": reason,
                                 "corrected_by": corrected_by, "corrected_on": corrected_on})

    def record_missed_visit(self, carer_id: uuid.UUID, on: date, reason: str) -> None:
        self._granted_and_active()
        self._missed(carer_id=carer_id, on=self._in_period(on), reason=a_text(reason, "why the visit was missed"))

    @event("VisitMissed")
    def _missed(self, carer_id: uuid.UUID, on: date, reason: str) -> None:
        self.missed.append({"carer_id": carer_id, "on": on, "reason": reason})

    def end(self, on: date, reason: str) -> None:
        self._active()
        on = a_date(on, "the end date")
        if on < self.requested_on:
            raise InvalidDate("a service cannot end before it was requested")
        self._ended(on=on, reason=a_text(reason, "why the service ends"))

    @event("Ended")
    def _ended(self, on: date, reason: str) -> None:
        self.ended = {"on": on, "reason": reason}

    def _granted_and_active(self) -> None:
        self._active()
        if not self.grant:
            raise NotGranted("the service has not been granted")

    def _in_period(self, on: Any) -> date:
        on = a_date(on, "the visit date")
        start, end = self.assessment["period_from"], self.assessment["period_to"]
        if on < start or (end and on > end):
            raise OutsidePeriod(f"{on} is outside the granted period {start} – {end or 'open'}")
        return on

    # --- derived -----------------------------------------------------------------------

    def ordered_hours(self, first: date, last: date, carer_id: uuid.UUID | None = None) -> Decimal:
        """Hours the roster in force on each day plans between two dates, within the granted period
        (of one carer, if named)."""
        if not self.grant:
            return Decimal(0)
        start = max(first, self.assessment["period_from"])
        end = min(d for d in (last, self.assessment["period_to"], self.ended and self.ended["on"]) if d)
        total, day = Decimal(0), start
        while day <= end:
            weekday = WEEKDAYS[day.weekday()]
            total += sum((v["hours"] for v in self.roster_on(day)
                          if v["weekday"] == weekday and carer_id in (None, v["carer_id"])), Decimal(0))
            day += timedelta(days=1)
        return total

    def delivered_hours(self, first: date, last: date, carer_id: uuid.UUID | None = None) -> Decimal:
        return sum((v["hours"] for v in self.visits if first <= v["on"] <= last
                    and carer_id in (None, v["carer_id"])), Decimal(0))

    def missed_visits(self, first: date, last: date, carer_id: uuid.UUID | None = None) -> int:
        return sum(first <= m["on"] <= last and carer_id in (None, m["carer_id"]) for m in self.missed)

    def monthly_statement(self, month: str, rules: CareRules) -> dict:
        """The fee for a month: hours actually delivered times the fee per hour of the council's
        resolution in force on the day of each visit (a new resolution applies to running services
        from its date), for the income and exemption the decision set."""
        if not self.grant:
            raise NotGranted("no fee before the service is granted")
        first, last = _month(month)
        members = self.grant.get("members", (self.income_statement or {}).get("members"))
        income = self.grant.get("monthly_income", (self.income_statement or {}).get("monthly_income"))
        exemption = self.grant["exemption_percent"]

        def fee_on(day: date) -> dict:
            return rules.hourly_fee(self.kind, income, members, day, exemption)

        lines: dict[tuple, dict] = {}
        for visit in sorted(self.visits, key=lambda v: v["on"]):
            if first <= visit["on"] <= last:
                fee = fee_on(visit["on"])
                line = lines.setdefault((fee["source"], fee["fee_per_hour"], fee["hourly_cost"]), {
                    "from": visit["on"], "hours": Decimal(0), "hourly_cost": fee["hourly_cost"],
                    "fee_percent": fee["fee_percent"], "fee_per_hour": fee["fee_per_hour"], "source": fee["source"]})
                line["hours"] += visit["hours"]
        for line in lines.values():
            line["amount"] = zl(line["hours"] * line["fee_per_hour"])
        # The headline rate: the one in force at the month's end (or on the service's last day).
        end = min(d for d in (last, self.assessment["period_to"], self.ended and self.ended["on"]) if d)
        headline = fee_on(max(end, first))
        hours = self.delivered_hours(first, last)
        return {"month": month, "kind": self.kind, "ordered_hours": self.ordered_hours(first, last),
                "delivered_hours": hours, "hourly_cost": headline["hourly_cost"],
                "fee_percent": headline["fee_percent"], "exemption_percent": exemption,
                "fee_per_hour": headline["fee_per_hour"], "source": headline["source"],
                "lines": list(lines.values()),
                "amount": sum((line["amount"] for line in lines.values()), Decimal("0.00"))}


def _entry(number: Any, entries: list, what: str, missing: type[CareError]) -> int:
    """The index of an entry by its number (from 1, in the order the entries were recorded)."""
    number = _whole(number, f"the number of {what}", 1)
    if number > len(entries):
        raise missing(f"the service has {len(entries)} entries of this kind; no number {number}")
    return number - 1


def _roster_on(rosters: list[dict], day: date, period_from: date) -> list[dict]:
    """Each carer's plan with the latest valid_from on or before the day (the later recorded wins a
    tie); a roster without a date is in force from the granted period's start."""
    in_force: dict[Any, list[dict]] = {}
    for change in sorted(rosters, key=lambda r: r["valid_from"] or period_from):  # stable: recording order
        if (change["valid_from"] or period_from) <= day:
            in_force[change["carer_id"]] = change["plan"]
    return [v for plan in in_force.values() for v in plan]


class Carer(Aggregate):
    """A carer: on the centre's staff, or from a contracted provider."""

    @event("Registered")
    def __init__(self, name: str, employer: str):
        self.name = name
        self.employer = employer

    @classmethod
    def register(cls, name: str, employer: str) -> "Carer":
        return cls(name=a_text(name, "the carer's name"), employer=a_text(employer, "staff or the provider's name"))


class DpsReferral(PersonsFile):
    """Referral to a care home (dom pomocy społecznej), until the person is placed."""

    PERSONAL = {**PersonsFile._IDENTITY_SEALED, "Started": {"person": ERASED_IDENTITY}, "Withdrawn": {"reason": None}}

    @property
    def closed_on(self) -> date | None:
        """The day the person was placed in a home, or the referral withdrawn."""
        done = self.placed or self.withdrawn
        return done["on"] if done else None

    @staticmethod
    def create_id(request_ref: str | None, **_: Any) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"dps:{request_ref}") if request_ref else uuid.uuid4()

    @event("Started")
    def __init__(self, request_ref: str | None, case_id: uuid.UUID | None, person_id: uuid.UUID, person: dict,
                 started_on: date):
        self.request_ref = request_ref
        self.case_id = case_id
        self.person_id = person_id
        self.person = person
        self.started_on = started_on
        self.documents: dict[str, date] = {}
        self.submitted_on: date | None = None
        self.waiting: list[dict] = []
        self.placed: dict | None = None
        self.withdrawn: dict | None = None
        self.person_corrections: list[dict] = []

    @property
    def state(self) -> str:
        if self.withdrawn:
            return "withdrawn"
        if self.placed:
            return "placed"
        if self.submitted_on:
            return "waiting" if self.waiting else "submitted"
        return "gathering_documents"

    @property
    def missing_documents(self) -> list[str]:
        return [d for d in DPS_DOCUMENTS if d not in self.documents]

    def _open(self) -> None:
        if self.placed or self.withdrawn:
            raise ReferralClosed(f"the referral is {self.state}")

    def gather(self, document: str, on: date) -> None:
        self._open()
        self._gathered(document=a_code(document, DPS_DOCUMENTS, "document"), on=a_date(on, "the date"))

    @event("DocumentGathered")
    def _gathered(self, document: str, on: date) -> None:
        self.documents = {**self.documents, document: on}

    def submit(self, on: date) -> None:
        self._open()
        if self.submitted_on:
            raise CareError(f"submitted on {self.submitted_on}")
        if self.missing_documents:
            raise DocumentsMissing(f"missing: {', '.join(self.missing_documents)}")
        self._submitted(on=a_date(on, "the submission date"))

    @event("Submitted")
    def _submitted(self, on: date) -> None:
        self.submitted_on = on

    def record_waiting_position(self, position: int, on: date) -> None:
        self._open()
        if not self.submitted_on:
            raise CareError("the referral has not been submitted")
        position = _whole(position, "a waiting-list position", 1)
        self._waiting(position=position, on=a_date(on, "the date"))

    @event("WaitingPositionRecorded")
    def _waiting(self, position: int, on: date) -> None:
        self.waiting.append({"position": position, "on": on})

    def place(self, home: str, on: date) -> None:
        self._open()
        if not self.submitted_on:
            raise CareError("the referral has not been submitted")
        on = a_date(on, "the placement date")
        if on < self.submitted_on:
            raise InvalidDate("placement cannot precede the referral")
        self._placed(home=a_text(home, "the care home"), on=on)

    @event("Placed")
    def _placed(self, home: str, on: date) -> None:
        self.placed = {"home": home, "on": on}

    def withdraw(self, on: date, reason: str) -> None:
        self._open()
        self._withdrawn(on=a_date(on, "the date"), reason=a_text(reason, "the reason"))

    @event("Withdrawn")
    def _withdrawn(self, on: date, reason: str) -> None:
        self.withdrawn = {"on": on, "reason": reason}


class FamilyAssistance(PersonsFile):
    """A family assistant (asystent rodziny) working with one family."""

    PERSONAL = {**PersonsFile._IDENTITY_SEALED, "Requested": {"person": ERASED_IDENTITY},
                "Visited": {"topic": None}, "Ended": {"reason": None}}

    @property
    def closed_on(self) -> date | None:
        """The day the assistance ended."""
        return self.ended["on"] if self.ended else None

    @staticmethod
    def create_id(request_ref: str | None, **_: Any) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"assistance:{request_ref}") if request_ref else uuid.uuid4()

    @event("Requested")
    def __init__(self, request_ref: str | None, case_id: uuid.UUID | None, person_id: uuid.UUID, person: dict,
                 requested_on: date):
        self.request_ref = request_ref
        self.case_id = case_id
        self.person_id = person_id
        self.person = person
        self.requested_on = requested_on
        self.assistant: str | None = None
        self.assigned_on: date | None = None
        self.visits: list[dict] = []
        self.ended: dict | None = None
        self.person_corrections: list[dict] = []

    def assign(self, assistant: str, on: date, current_families: int, limit: int) -> None:
        """current_families: the assistant's other families (this one is not counted)."""
        if self.ended:
            raise ServiceEnded("the assistance has ended")
        if self.assistant and assistant_key(assistant) == assistant_key(self.assistant):
            return  # already this family's assistant: nothing changes, and the limit is not touched
        check_assistant_load(current_families, limit)
        self._assigned(assistant=a_text(assistant, "the family assistant"), on=a_date(on, "the date"))

    @event("Assigned")
    def _assigned(self, assistant: str, on: date) -> None:
        self.assistant = assistant
        self.assigned_on = on

    def record_visit(self, on: date, hours: Any, topic: str) -> None:
        if not self.assistant or self.ended:
            raise NotGranted("the family has no assistant working with it")
        on = a_date(on, "the visit date")
        if on < self.assigned_on:
            raise InvalidDate("a visit cannot precede the assignment")
        self._visited(on=on, hours=_hours(hours, "the visit's hours"), topic=a_text(topic, "the topic"))

    @event("Visited")
    def _visited(self, on: date, hours: Decimal, topic: str) -> None:
        self.visits.append({"on": on, "hours": hours, "topic": topic})

    def end(self, on: date, reason: str) -> None:
        if self.ended:
            raise ServiceEnded("the assistance has ended")
        self._ended(on=a_date(on, "the end date"), reason=a_text(reason, "the reason"))

    @event("Ended")
    def _ended(self, on: date, reason: str) -> None:
        self.ended = {"on": on, "reason": reason}
