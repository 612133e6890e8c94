"""The decisions team's application: proceedings opened from routed applications or ex
officio, every step of the proceeding, art. 11 reviews, and the team's queries.

Decisions (a grant or refusal, a change, a revocation, a suspension, a resumption, an art. 98
claim) are signed by the member of staff authorised to sign (DECISION_SIGNATORY): the signature
is the signed-in account's name and the authority the centre's setting `on_authority_of`
(z upoważnienia wójta / burmistrza / prezydenta miasta), never what a request says. The grant or
refusal is drafted by the benefit officer (the draft names the signed-in officer); the signatory
signs the draft as it stands or returns it with a remark (named as the signed-in signatory). A
signatory may still issue one they prepared themselves at once, unless a draft awaits them. Every query
that shows a person's proceeding records the read in the access log when a member of staff
(`reader`) asks; the system's own reads pass no reader.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from typing import Any, Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.decisions.domain import (
    DECIDED_FORMS,
    DecisionsError,
    MissingSignature,
    Proceeding,
    ProceedingNotFound,
    ReviewTask,
    an_account,
)
from services.decisions.mrpips03 import report_part
from services.decisions.read_model import DecisionsReadModel
from services.decisions.payments import (
    credit_transfer_file,
    due_payments,
    health_contributions,
    month_end,
    payment_list,
)
from services.decisions.rules import DEFAULT_TABLE, RuleTable
from shared.values import a_date, one_line
from shared.contracts.casework import CONTRACT_BROKEN, CONTRACT_REFUSED
from shared.contracts.decisions import (
    DECISION_APPEALED,
    DECISION_BECAME_FINAL,
    DECISION_BY_OFFICER,
    DECISION_CHANGED,
    DECISION_ISSUED,
    DECISION_SET_ASIDE,
    PROCEEDING_UPDATED,
)
from shared.contracts.intake import CASE_ROUTED, PERSON_CORRECTED, PERSON_ERASED
from shared.envelope import Envelope
from shared.mrpips03 import half_year
from shared.retention import Retention, erase_when_over
from shared.roles import DECISION_SIGNATORY
from shared.store import ServiceApplication
from shared.views import page_limit

IDENTITY_FIELDS = ("full_name", "birth_date", "pesel", "document_number", "address", "contact")
ART_11_FACTS = {CONTRACT_REFUSED.type: "refused", CONTRACT_BROKEN.type: "broken"}


class ReviewTaskNotFound(LookupError):
    pass


class SignatureInRequest(DecisionsError):
    """A decision is signed by the signed-in signatory on the authority the centre configured: a
    request that names who signed it or on whose authority is refused, so that no client believes
    it set the signature."""


class SignatureFromAccount(SignatureInRequest):
    """Who signs a decision is the signed-in account (the gateway's token): a request naming
    `signed_by` is refused rather than ignored (the same name as care's)."""


class AuthorityFromSettings(SignatureInRequest):
    """On whose authority decisions are signed is the centre's setting (DECISIONS_ON_AUTHORITY_OF): a
    request naming `on_authority_of` is refused rather than ignored (the same name as care's)."""


class OfficerInRequest(DecisionsError):
    """Who closes a review is the signed-in member of staff, not a name in the request."""


class NotASignatory(PermissionError):
    """Only a member of staff authorised to sign decisions (osoba upoważniona do podpisu) signs one."""


class MissingPayer(DecisionsError):
    """A bank file names the centre that pays (the debtor), as its bank knows it."""


class AuthorityNotConfigured(MissingSignature):
    """The centre has not said on whose authority its decisions are signed (the setting on_authority_of)."""


def refuse_signature_fields(fields: dict) -> None:
    """A SignatureInRequest if a request carries signed_by or on_authority_of."""
    if "signed_by" in fields:
        raise SignatureFromAccount("a decision is signed by the signed-in signatory's account: leave 'signed_by' "
                                   "out of the request")
    if "on_authority_of" in fields:
        raise AuthorityFromSettings("on whose authority decisions are signed is the centre's setting "
                                    "(DECISIONS_ON_AUTHORITY_OF): leave 'on_authority_of' out of the request")


class DecisionsApplication(Retention, ServiceApplication):
    service = "decisions"

    def __init__(self, database_url: str, rules_file: str | None = None, on_authority_of: str | None = None,
                 **settings: Any):
        super().__init__(database_url, **settings)
        # The centre's own rule table, if it keeps one: new periods need no code change.
        self.rules = RuleTable.load(rules_file or DEFAULT_TABLE)
        # On whose authority the centre's decisions are signed, e.g. "Prezydenta Miasta" (config.yaml).
        self.on_authority_of = str(on_authority_of or "").strip() or None

    @functools.cached_property
    def read_model(self) -> DecisionsReadModel:
        """The lists, the deadlines and the reviews as tables (made when first read: a tool reading the
        store makes none)."""
        return DecisionsReadModel(self)

    def read_models(self) -> list:
        return [self.read_model]

    # --- policy on upstream events -------------------------------------------------------

    independent_events = frozenset({CASE_ROUTED["decisions"].type})  # a routing opens new proceedings from its data

    def policy(self, envelope: Envelope) -> list[Any]:
        data = envelope.data
        if envelope.type == CASE_ROUTED["decisions"].type:
            # One proceeding per benefit asked for that needs a decision; an unspecified one otherwise.
            benefits = [b for b in data["help_requested"] if b in DECIDED_FORMS] or [None]
            opened = [Proceeding.open(self.rules, UUID(data["person_id"]), {k: data[k] for k in IDENTITY_FIELDS},
                                      date.fromisoformat(data["routed_on"]), benefit, urgent=data["urgent"],
                                      source=data["case_id"])
                      for benefit in benefits]
            return [*opened, *(self._updated(p) for p in opened)]
        if envelope.type == PERSON_CORRECTED["decisions"].type:
            corrected = self.person_corrected(UUID(data["person_id"]), {k: data[k] for k in IDENTITY_FIELDS},
                                              date.fromisoformat(data["corrected_on"]))
            return [*corrected, *(self._updated(p) for p in corrected)]
        if envelope.type == PERSON_ERASED["decisions"].type:
            # an administrative file is kept for its own period, counted from its last proceeding's end
            erase_when_over(self, UUID(data["person_id"]), date.fromisoformat(data["erased_on"]))
            return []
        if envelope.type in ART_11_FACTS and not self.erased(UUID(data["person_id"])):  # an erased file takes none
            return [ReviewTask(contract_ref=data["contract_ref"], fact=ART_11_FACTS[envelope.type],
                               person_id=UUID(data["person_id"]), occurred_on=date.fromisoformat(data["occurred_on"]))]
        return []

    def person_corrected(self, person_id: UUID, person: dict, corrected_on: date) -> list[Proceeding]:
        """The policy's step on intake's PersonCorrected: every proceeding of the person, at any stage,
        shows the identity as first contact now has it (to be saved, with a ProceedingUpdated each so
        that the pages' lists redraw the name); an issued decision keeps the party it names. Nothing
        for a person whose file here is erased."""
        if self.erased(person_id):
            return []
        return [p for p in self._load(self.read_model.proceedings_of(person_id))
                if p.correct_person(person, corrected_on)]

    # --- retention and erasure (shared/retention.py, docs/architecture.md "Erasure") ---------------

    def files_closed(self):
        """Each person (not erased) whose every proceeding and art. 11 review here is closed, and the day
        the last closed (Proceeding.closed_on, ReviewTask.closed_on), from the tables."""
        return ((person_id, closed_on) for person_id, closed_on in self.read_model.files_closed()
                if not self.erased(person_id))

    def file_closed(self, person_id: UUID) -> date | None:
        """The day the person's file here closed; None while any part of it is open (or none is here)."""
        return self.read_model.file_closed(person_id)

    # --- commands -------------------------------------------------------------------------

    def open_ex_officio(self, person_id: UUID, person: dict, benefit: str, learned_on: date,
                        urgent: bool = False) -> UUID:
        """Art. 102: help granted ex officio, e.g. after the police report a person in need."""
        proceeding = Proceeding.open(self.rules, person_id, person, learned_on, benefit, urgent=urgent,
                                     basis="ex_officio")
        self.save(proceeding, self._updated(proceeding))
        return proceeding.id

    def assign(self, proceeding_id: UUID, officer: str) -> None:
        self._do(proceeding_id, lambda p: p.assign(officer))

    def specify_benefit(self, proceeding_id: UUID, benefit: str) -> None:
        self._do(proceeding_id, lambda p: p.specify_benefit(benefit))

    def mark_complex(self, proceeding_id: UUID, reason: str) -> None:
        self._do(proceeding_id, lambda p: p.mark_complex(self.rules, reason))

    def notify_delay(self, proceeding_id: UUID, new_date: date, reason: str, notified_on: date) -> None:
        self._do(proceeding_id, lambda p: p.notify_delay(new_date, reason, notified_on))

    def record_period_not_counted(self, proceeding_id: UUID, first_day: date, last_day: date, reason: str) -> None:
        """KPA art. 35 § 5: a period not counted moves the deadline for settling the case."""
        self._do(proceeding_id, lambda p: p.record_period_not_counted(self.rules, first_day, last_day, reason))

    def record_random_event(self, proceeding_id: UUID, kind: str, occurred_on: date) -> None:
        """Art. 40: the need follows a random event or a disaster (zasiłek celowy regardless of income)."""
        self._do(proceeding_id, lambda p: p.record_random_event(kind, occurred_on))

    def schedule_interview(self, proceeding_id: UUID, on: date) -> None:
        self._do(proceeding_id, lambda p: p.schedule_interview(on))

    def record_interview(self, proceeding_id: UUID, **interview: Any) -> None:
        self._do(proceeding_id, lambda p: p.record_interview(**interview))

    def correct_interview(self, proceeding_id: UUID, officer: Any, reason: str, corrected_on: date,
                          interview: Any = None, **values: Any) -> list[str]:
        """The benefit officer signed in (`officer`, a shared.identity.Staff) corrects entries of an
        interview (its number; none, the latest) before the decision; returns the entries that changed."""
        return self._do(proceeding_id, lambda p: p.correct_interview(values, reason, officer.name, corrected_on,
                                                                     interview))

    def correct_income(self, proceeding_id: UUID, officer: Any, entry: Any, reason: str, corrected_on: date,
                       interview: Any = None, **values: Any) -> list[str]:
        """The benefit officer signed in corrects income number `entry` of an interview (none, the latest)."""
        return self._do(proceeding_id, lambda p: p.correct_income(entry, values, reason, officer.name,
                                                                  corrected_on, interview))

    def assess(self, proceeding_id: UUID) -> dict:
        return self._do(proceeding_id, lambda p: p.assess(self.rules))

    def draft_decision(self, proceeding_id: UUID, officer: Any, drafted_on: date, **content: Any) -> None:
        """The benefit officer signed in (`officer`, a shared.identity.Staff) drafts the decision."""
        self._do(proceeding_id, lambda p: p.draft_decision(officer.name, drafted_on, **content))

    def return_draft(self, proceeding_id: UUID, signatory: Any, remark: str, returned_on: date) -> None:
        """The signatory sends the pending draft back to the benefit officer with a remark."""
        name = self._signatory(signatory)
        self._do(proceeding_id, lambda p: p.return_draft(remark, name, returned_on))

    def sign_draft(self, proceeding_id: UUID, signatory: Any, signed_on: date) -> None:
        """The decision issued as drafted, signed by `signatory` on the configured authority."""
        signature = self._signature(signatory, {})

        def sign(p: Proceeding):
            drafted_by = p.draft["drafted_by"] if p.draft_pending else None
            p.sign_draft(signed_on, **signature)
            return self._issued(p, drafted_by)

        self._do(proceeding_id, sign, publishes=True)

    def issue_decision(self, proceeding_id: UUID, signatory: Any, **decision: Any) -> None:
        """Signed by `signatory` (a shared.identity.Staff authorised to sign) on the configured authority,
        who prepared it themselves (refused while a draft awaits their signature)."""
        signature = self._signature(signatory, decision)

        def issue(p: Proceeding):
            p.issue_decision(**decision, **signature)
            return self._issued(p, None)

        self._do(proceeding_id, issue, publishes=True)

    def _issued(self, p: Proceeding, drafted_by: str | None):
        """Staff reports count decisions per officer: the officer in charge, or who drafted it, or who signed."""
        return self.integration_event(DECISION_BY_OFFICER, {
            "officer": p.officer or drafted_by or p.decision["signed_by"], "proceeding_id": str(p.id),
            "issued_on": p.decision["issued_on"].isoformat()})

    def record_delivery(self, proceeding_id: UUID, delivered_on: date) -> date:
        """The decision takes effect on delivery: that is when other teams learn of it."""
        return self._delivery(proceeding_id, lambda p: p.record_delivery(self.rules, delivered_on))

    def _delivery(self, proceeding_id: UUID, command: Callable[[Proceeding], Any]) -> date:
        def deliver(p: Proceeding):
            command(p)
            d = p.decision
            return self.integration_event(DECISION_ISSUED, {
                **self._who(p), "outcome": d["outcome"], "period_from": _iso(d["period_from"]),
                "period_to": _iso(d["period_to"]), "issued_on": d["issued_on"].isoformat(),
                "delivered_on": p.delivered_on.isoformat(), "appeal_deadline": p.appeal_deadline.isoformat()})

        self._do(proceeding_id, deliver, publishes=True)
        return self.proceeding(proceeding_id).appeal_deadline

    def record_deemed_delivery(self, proceeding_id: UUID, notice_left_on: date) -> date:
        """KPA art. 44 § 4: a decision not collected from the post is delivered after 14 days of storage."""
        return self._delivery(proceeding_id, lambda p: p.record_deemed_delivery(self.rules, notice_left_on))

    def become_final(self, proceeding_id: UUID, today: date) -> None:
        def finalise(p: Proceeding):
            p.become_final(today)
            return self._final_event(p)

        self._do(proceeding_id, finalise, publishes=True)

    def waive_appeal(self, proceeding_id: UUID, received_on: date) -> None:
        """KPA art. 127a: the party waived the appeal; the decision is final that day."""
        def waive(p: Proceeding):
            p.waive_appeal(received_on)
            return self._final_event(p)

        self._do(proceeding_id, waive, publishes=True)

    def register_appeal(self, proceeding_id: UUID, filed_on: date, received_on: date | None = None) -> None:
        def appeal(p: Proceeding):
            p.register_appeal(self.rules, filed_on, received_on)
            return self.integration_event(DECISION_APPEALED, {**self._who(p), "filed_on": p.appeal["filed_on"].isoformat()})

        self._do(proceeding_id, appeal, publishes=True)

    def forward_appeal(self, proceeding_id: UUID, forwarded_on: date) -> None:
        self._do(proceeding_id, lambda p: p.forward_appeal(forwarded_on))

    def record_appeal_outcome(self, proceeding_id: UUID, outcome: str, decided_on: date) -> None:
        """Teams told of the decision learn whether it stands: final, or set aside."""
        def outcome_of(p: Proceeding):
            was_final = p.final_on
            p.record_appeal_outcome(self.rules, outcome, decided_on)
            if outcome in ("overturned", "returned"):
                return self.integration_event(DECISION_SET_ASIDE, {
                    **self._who(p), "outcome": outcome,
                    "decided_on": a_date(decided_on, "the appeals board's date").isoformat()})
            return self._final_event(p) if p.final_on != was_final else None

        self._do(proceeding_id, outcome_of, publishes=True)

    def change(self, proceeding_id: UUID, signatory: Any, **change: Any) -> None:
        signature = self._signature(signatory, change)
        self._later(proceeding_id, lambda p: p.change(self.rules, **change, **signature))

    def revoke(self, proceeding_id: UUID, signatory: Any, **revocation: Any) -> None:
        signature = self._signature(signatory, revocation)
        self._later(proceeding_id, lambda p: p.revoke(**revocation, **signature))

    def suspend(self, proceeding_id: UUID, signatory: Any, **suspension: Any) -> None:
        signature = self._signature(signatory, suspension)
        self._later(proceeding_id, lambda p: p.suspend(**suspension, **signature))

    def resume(self, proceeding_id: UUID, signatory: Any, **resumption: Any) -> None:
        signature = self._signature(signatory, resumption)
        self._later(proceeding_id, lambda p: p.resume(**resumption, **signature))

    def _later(self, proceeding_id: UUID, command: Callable[[Proceeding], Any]) -> None:
        """A later decision is published as its kind and dates: never the amount or the reasons."""
        def later(p: Proceeding):
            command(p)
            d = p.later_decisions[-1]
            return self.integration_event(DECISION_CHANGED, {
                **self._who(p), "change": d["kind"], "effective_from": d["effective_from"].isoformat(),
                "issued_on": d["issued_on"].isoformat()})

        self._do(proceeding_id, later, publishes=True)

    # --- payments (art. 98 claims included) ---------------------------------------------------

    def set_account(self, proceeding_id: UUID, account: str) -> None:
        self._do(proceeding_id, lambda p: p.set_account(account))

    def record_payment(self, proceeding_id: UUID, month: str, paid_on: date) -> None:
        self._do(proceeding_id, lambda p: p.record_payment(month, paid_on, until=month_end(month)))

    def record_payment_returned(self, proceeding_id: UUID, month: str, returned_on: date, reason: str) -> None:
        self._do(proceeding_id, lambda p: p.record_payment_returned(month, returned_on, reason))

    def claim_back(self, proceeding_id: UUID, signatory: Any, **claim: Any) -> None:
        """Art. 98 u.p.s.: a decision claiming back an undue benefit, signed like every decision."""
        signature = self._signature(signatory, claim)
        self._do(proceeding_id, lambda p: p.claim_back(**claim, **signature))

    def record_repayment(self, proceeding_id: UUID, amount: Any, repaid_on: date) -> None:
        self._do(proceeding_id, lambda p: p.record_repayment(amount, repaid_on))

    def note_health_insurance(self, proceeding_id: UUID, insured_elsewhere: bool, from_month: str) -> None:
        self._do(proceeding_id, lambda p: p.note_health_insurance(insured_elsewhere, from_month))

    def payment_list(self, month: str, as_of: date, reader: Any = None) -> dict:
        """The month's payments per benefit and method, from decisions enforceable on `as_of`."""
        proceedings, listed = self._payment_list(month, as_of)
        self._read(reader, "payment list", proceedings, _proceeding_ids(listed["groups"]))
        return listed

    def _payment_list(self, month: str, as_of: date) -> tuple[list[Proceeding], dict]:
        end = month_end(month)  # a month YYYY-MM, even when nothing is due
        as_of = a_date(as_of, "the date of the list")
        proceedings = self._load(self.read_model.payable(end, as_of))
        return proceedings, payment_list(proceedings, month, as_of)

    def bank_transfer_file(self, month: str, as_of: date, debtor_name: str, debtor_account: str,
                           execution_date: date, created_at: datetime, reader: Any = None) -> bytes:
        """The list's bank transfers as an ISO 20022 pain.001.001.03 file for the centre's bank.
        The file names the persons paid and their accounts: a member of staff's read is recorded
        (also when the file is refused for a missing account, whose error names the persons)."""
        if not one_line(debtor_name, "the paying centre's name"):
            raise MissingPayer("name the centre that pays (debtor_name), as its bank knows it")
        an_account(debtor_account)
        execution_date = a_date(execution_date, "the execution date")
        proceedings, listed = self._payment_list(month, as_of)
        transfers = [g for g in listed["groups"] if g["method"] == "bank_transfer"]
        self._read(reader, "bank transfer file", proceedings, _proceeding_ids(transfers))
        return credit_transfer_file(listed, debtor_name, debtor_account, execution_date, created_at)

    def health_contributions(self, month: str, reader: Any = None) -> dict:
        """Health-insurance contributions for people on zasiłek stały, with their legal basis."""
        end = month_end(month)
        proceedings = self._load(self.read_model.granted_between(end.replace(day=1), end, "zasilek_staly"))
        found = health_contributions(proceedings, month, self.rules.health_contribution.on(end))
        self._read(reader, "health contributions", proceedings, {x["proceeding_id"] for x in found["lines"]})
        return found

    def due_payments(self, proceeding_id: UUID, month: str, as_of: date, reader: Any = None) -> list[dict]:
        """What one proceeding has to be paid in the month's run (arrears included), on `as_of`."""
        month_end(month)
        p = self.proceeding(proceeding_id, reader=reader, what="due payments")
        return due_payments(p, month, a_date(as_of, "the date of the list"))

    def payment_schedule(self, proceeding_id: UUID, until: date, reader: Any = None) -> list[dict]:
        """One proceeding's monthly payments up to `until`."""
        until = a_date(until, "the end of the schedule")
        return self.proceeding(proceeding_id, reader=reader, what="payment schedule").payment_schedule(until)

    def mrpips03_part(self, year: int, half: int) -> dict[str, dict]:
        """This team's rows of the half-year MRPiPS-03 report: figures only, no person."""
        first, last = half_year(year, half)
        return report_part(self._load(self.read_model.granted_between(first, last)), first, last,
                           self.rules.health_contribution.on(last))

    def close_review(self, task_id: UUID, officer: str, conclusion: str, closed_on: date) -> None:
        task = self._review(task_id)
        self.kept(task.person_id)
        task.close(officer, conclusion, closed_on)
        self.save(task)

    # --- queries ---------------------------------------------------------------------------

    def proceeding(self, proceeding_id: UUID, reader: Any = None, what: str = "proceeding") -> Proceeding:
        """One proceeding; a member of staff's read is recorded in the access log."""
        try:
            found = self.repository.get(proceeding_id)
        except AggregateNotFoundError:
            raise ProceedingNotFound(f"no proceeding {proceeding_id}") from None
        self.record_read(reader, what, [found.id], [found.person_id])
        return found

    def proceedings(self, person_id: UUID | None = None, officer: str | None = None, state: str | None = None,
                    limit: int | None = None, after: str | None = None, reader: Any = None) -> dict:
        """Proceedings in the order opened (of a person, an officer, in a state), a page at a time
        (`limit`, and `after`: the `next_after` of the page before); the page's read is recorded."""
        ids, next_after = self.read_model.proceedings(page_limit(limit), after, person_id, officer, state)
        found = self._load(ids)
        self._read(reader, "proceedings", found)
        return {"proceedings": found, "next_after": next_after}

    def drafts_to_sign(self, limit: int | None = None, after: str | None = None, reader: Any = None) -> dict:
        """The proceedings whose draft decision awaits the signature, in the order opened, a page at a
        time; the read is recorded."""
        ids, next_after = self.read_model.proceedings(page_limit(limit), after, draft_pending=True)
        found = self._load(ids)
        self._read(reader, "proceedings", found)
        return {"drafts": found, "next_after": next_after}

    def deadlines(self, today: date, within_days: int, limit: int | None = None, after: str | None = None,
                  reader: Any = None) -> dict:
        """Appeals to forward, interviews and decisions due in the next N days, and those overdue,
        soonest first, a page at a time. The list names the persons: a member of staff's read is recorded."""
        return self._due("deadlines", False, today, within_days, limit, after, reader)

    def interview_updates_due(self, today: date, within_days: int, limit: int | None = None,
                              after: str | None = None, reader: Any = None) -> dict:
        """People on permanent help whose 6-monthly interview update falls due (art. 107 ust. 4), a page at a time."""
        return self._due("interview updates", True, today, within_days, limit, after, reader)

    def _due(self, what: str, updates: bool, today: date, within_days: int, limit: int | None, after: str | None,
             reader: Any) -> dict:
        today = a_date(today, "today")
        entries, next_after = self.read_model.due(updates, today, today + timedelta(days=within_days),
                                                  page_limit(limit), after)
        persons = [entry.pop("person_id") for entry in entries]
        if entries:
            self.record_read(reader, what, list(dict.fromkeys(e["proceeding_id"] for e in entries)),
                             list(dict.fromkeys(persons)))
        for entry in entries:
            entry["overdue"] = entry["due"] < today
        return {"updates" if updates else "deadlines": entries, "next_after": next_after}

    def review_tasks(self, open_only: bool = True, limit: int | None = None, after: str | None = None,
                     reader: Any = None) -> dict:
        """Art. 11 reviews in the order reported, with each person's granted benefits, a page at a
        time; a member of staff's read is recorded."""
        tasks, next_after = self.read_model.review_tasks(open_only, page_limit(limit), after)
        if tasks:
            self.record_read(reader, "review tasks", [t["task_id"] for t in tasks], [t["person_id"] for t in tasks])
        return {"tasks": tasks, "next_after": next_after}

    # --- internals ---------------------------------------------------------------------------

    def _signature(self, signatory: Any, fields: dict) -> dict:
        """The decision's signature: the signatory's account name and the configured authority."""
        refuse_signature_fields(fields)
        name = self._signatory(signatory)
        if not self.on_authority_of:
            raise AuthorityNotConfigured("the centre has not configured on whose authority its decisions are "
                                         "signed (decisions' setting on_authority_of, DECISIONS_ON_AUTHORITY_OF)")
        return {"signed_by": name, "on_authority_of": self.on_authority_of}

    @staticmethod
    def _signatory(signatory: Any) -> str:
        """The name of the member of staff authorised to sign, who signs or returns a draft."""
        if signatory is None or not signatory.has(DECISION_SIGNATORY):
            raise NotASignatory("a decision is signed by a person authorised to sign decisions")
        return signatory.name

    def _read(self, reader: Any, what: str, proceedings: list[Proceeding], shown: Any = None) -> None:
        """Records a member of staff's read of the proceedings shown (all given, or those whose ids
        are in `shown`); nothing when none is shown."""
        read = [p for p in proceedings if shown is None or p.id in shown]
        if read:
            self.record_read(reader, what, [p.id for p in read], [p.person_id for p in read])

    def _load(self, ids: list[UUID]) -> list[Proceeding]:
        return [self.repository.get(i) for i in ids]

    def _do(self, proceeding_id: UUID, command: Callable[[Proceeding], Any], publishes: bool = False) -> Any:
        proceeding = self.proceeding(proceeding_id)
        self.kept(proceeding.person_id)
        result = command(proceeding)
        published = [result] if publishes and result is not None else []
        self.save(proceeding, *published, self._updated(proceeding))
        return None if publishes else result

    def _updated(self, p: Proceeding):
        return self.integration_event(PROCEEDING_UPDATED, {"proceeding_id": str(p.id), "state": p.state})

    def _final_event(self, p: Proceeding):
        return self.integration_event(DECISION_BECAME_FINAL, {
            **self._who(p), "outcome": p.decision["outcome"], "final_on": p.final_on.isoformat()})

    @staticmethod
    def _who(p: Proceeding) -> dict:
        return {"proceeding_id": str(p.id), "person_id": str(p.person_id), "benefit": p.benefit}

    def _review(self, task_id: UUID) -> ReviewTask:
        try:
            return self.repository.get(task_id)
        except AggregateNotFoundError:
            raise ReviewTaskNotFound(f"no review task {task_id}") from None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _proceeding_ids(groups: list[dict]) -> set:
    return {line["proceeding_id"] for group in groups for line in group["lines"]}
