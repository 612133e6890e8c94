"""decisions as a nameko service: HTTP for the benefit officers and the person authorised to sign
decisions; routed applications, first contact's corrections of a person and art. 11 facts arrive
through the store's consumer.

Who asks is the member of staff the gateway's token names (`request.staff`, shared/web.py). A
benefit officer runs the proceeding's steps, corrects the interview and its incomes before the decision
(the author is who is signed in, never the body), drafts the decision and reads its file; the person
authorised to sign signs a draft as drafted or returns it with a remark, and issues the decisions
(grant or refusal, change, revocation, suspension, resumption, art. 98 claim): the signature is
their account's name and the authority the centre's setting `on_authority_of`, and a request that
names either is refused: they are not fields of the published schemas (services/decisions/schemas.py),
so the body is refused before the handler (InvalidRequest naming the field), with
SignatureFromAccount / AuthorityFromSettings kept behind it as a second guard. Every body is checked
against its schema first; a refused one stores nothing. The director gets the team's MRPiPS-03
figures, never a person. Every answer that shows a person's proceeding is recorded in the access log
(`reader=request.staff`).
"""

from datetime import date, datetime
from uuid import UUID

from werkzeug.wrappers import Response

from services.decisions import schemas
from services.decisions.application import DecisionsApplication, OfficerInRequest, refuse_signature_fields
from services.decisions.domain import Proceeding
from services.decisions.payments import month_end
from shared.roles import BENEFIT_OFFICER, DECISION_SIGNATORY, DIRECTOR
from shared.schemas import HALF_YEAR_QUERY, MRPIPS03_PART
from shared.service import AccessLog, EventStore, Health, PersonErasure
from shared.web import api, date_from, request_json

OFFICER = {BENEFIT_OFFICER}
SIGNATORY = {DECISION_SIGNATORY}
# The signatory reads the proceeding they sign (and finds it in the list): both reads are logged.
FILE_READERS = {BENEFIT_OFFICER, DECISION_SIGNATORY}
FIGURES = {DIRECTOR}

PROCEEDING = "/proceedings/<uuid:proceeding_id>"


def _proceeding(p: Proceeding) -> dict:
    return {
        "proceeding_id": p.id, "person_id": p.person_id, "person": p.person, "benefit": p.benefit,
        "basis": p.basis, "applied_on": p.applied_on, "urgent": p.urgent, "complex": p.complex,
        "officer": p.officer, "state": p.state, "interview_due": p.interview_due,
        "interview_planned_on": p.interview_planned_on, "settlement_due": p.settlement_due,
        "delay_notices": p.delay_notices, "interviews": p.interviews, "assessment": p.assessment,
        "decision": p.decision, "delivered_on": p.delivered_on, "appeal_deadline": p.appeal_deadline,
        "appeal": p.appeal, "final_on": p.final_on, "later_decisions": p.later_decisions,
        "random_event": p.random_event, "draft": p.draft, "drafts": p.drafts, "corrections": p.corrections,
        "person_corrections": p.person_corrections,
    }


def _page(request) -> dict:
    return {"limit": request.args.get("limit", type=int), "after": request.args.get("after")}


def _signed(request) -> dict:
    """The body of a decision: refused if it names who signed it or on whose authority (the schema
    refuses both as unknown fields already; this stays as a second guard)."""
    body = request_json(request)
    refuse_signature_fields(body)
    return body


class DecisionsService(Health, AccessLog, PersonErasure):
    name = "decisions"
    store: DecisionsApplication = EventStore(DecisionsApplication)

    def _answer(self, request, proceeding_id: UUID):
        """A step answers with the proceeding as it now stands: a read of the file, recorded."""
        return 200, _proceeding(self.store.proceeding(proceeding_id, reader=request.staff))

    # --- the proceedings, read ----------------------------------------------------------------

    @api("GET", "/proceedings", roles=FILE_READERS, query=schemas.PROCEEDINGS_QUERY, answer=schemas.PROCEEDINGS)
    def proceedings(self, request):
        """?person_id= (a reference), ?officer=, ?state=; a page at a time (?limit=&after=):
        `{"proceedings": [...], "next_after": ...}`."""
        person_id = request.args.get("person_id")
        found = self.store.proceedings(person_id=UUID(person_id) if person_id else None,
                                       officer=request.args.get("officer") or None,
                                       state=request.args.get("state") or None, reader=request.staff, **_page(request))
        return 200, {**found, "proceedings": [_proceeding(p) for p in found["proceedings"]]}

    @api("GET", PROCEEDING, roles=FILE_READERS, answer=schemas.PROCEEDING_FILE)
    def proceeding(self, request, proceeding_id: UUID):
        return self._answer(request, proceeding_id)

    @api("GET", f"{PROCEEDING}/payments", roles=OFFICER, query=schemas.UNTIL_QUERY, answer=schemas.PAYMENTS)
    def payments(self, request, proceeding_id: UUID):
        """The payment schedule up to ?until=."""
        return 200, self.store.payment_schedule(proceeding_id, date_from(request.args, "until"),
                                                reader=request.staff)

    @api("GET", f"{PROCEEDING}/due-payments", roles=OFFICER, query=schemas.MONTH_QUERY, answer=schemas.PAYMENTS)
    def due_payments(self, request, proceeding_id: UUID):
        """What the month's run pays this proceeding (?month=YYYY-MM&as_of=), arrears included."""
        return 200, self.store.due_payments(proceeding_id, request.args.get("month"),
                                            date_from(request.args, "as_of"), reader=request.staff)

    @api("GET", "/deadlines", roles=OFFICER, query=schemas.DUE_QUERY, answer=schemas.DEADLINES)
    def deadlines(self, request):
        """A page at a time: `{"deadlines": [...], "next_after": ...}`."""
        return 200, self.store.deadlines(date_from(request.args, "today"),
                                         request.args.get("within_days", 14, type=int), reader=request.staff,
                                         **_page(request))

    @api("GET", "/interview-updates", roles=OFFICER, query=schemas.DUE_QUERY, answer=schemas.INTERVIEW_UPDATES)
    def interview_updates(self, request):
        """A page at a time: `{"updates": [...], "next_after": ...}`."""
        return 200, self.store.interview_updates_due(date_from(request.args, "today"),
                                                     request.args.get("within_days", 14, type=int),
                                                     reader=request.staff, **_page(request))

    @api("GET", "/review-tasks", roles=OFFICER, query=schemas.REVIEW_TASKS_QUERY, answer=schemas.REVIEW_TASKS)
    def review_tasks(self, request):
        """A page at a time: `{"tasks": [...], "next_after": ...}`."""
        return 200, self.store.review_tasks(open_only=request.args.get("all") is None, reader=request.staff,
                                            **_page(request))

    # --- the proceeding's steps (the benefit officer) ---------------------------------------

    @api("POST", "/proceedings", roles=OFFICER, body=schemas.EX_OFFICIO, answer=schemas.PROCEEDING_REF)
    def open_ex_officio(self, request):
        body = request_json(request)
        proceeding_id = self.store.open_ex_officio(UUID(body["person_id"]), body.get("person") or {},
                                                   body.get("benefit"),
                                                   date_from(body, "learned_on"), body.get("urgent", False))
        return 201, {"proceeding_id": proceeding_id}

    @api("POST", f"{PROCEEDING}/officer", roles=OFFICER, body=schemas.ASSIGNMENT, answer=schemas.PROCEEDING_FILE)
    def assign(self, request, proceeding_id: UUID):
        """A benefit officer assigns the proceeding to the officer the body names."""
        self.store.assign(proceeding_id, request_json(request).get("officer"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/benefit", roles=OFFICER, body=schemas.BENEFIT_CHOICE, answer=schemas.PROCEEDING_FILE)
    def specify_benefit(self, request, proceeding_id: UUID):
        self.store.specify_benefit(proceeding_id, request_json(request).get("benefit"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/complex", roles=OFFICER, body=schemas.COMPLEX, answer=schemas.PROCEEDING_FILE)
    def mark_complex(self, request, proceeding_id: UUID):
        self.store.mark_complex(proceeding_id, request_json(request).get("reason"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/delay-notice", roles=OFFICER, body=schemas.DELAY_NOTICE,
         answer=schemas.PROCEEDING_FILE)
    def notify_delay(self, request, proceeding_id: UUID):
        body = request_json(request)
        self.store.notify_delay(proceeding_id, body.get("new_date"), body.get("reason"), body.get("notified_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/period-not-counted", roles=OFFICER, body=schemas.PERIOD_NOT_COUNTED,
         answer=schemas.PROCEEDING_FILE)
    def record_period_not_counted(self, request, proceeding_id: UUID):
        """KPA art. 35 § 5: {first_day, last_day, reason}."""
        body = request_json(request)
        self.store.record_period_not_counted(proceeding_id, body.get("first_day"), body.get("last_day"),
                                             body.get("reason"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/random-event", roles=OFFICER, body=schemas.RANDOM_EVENT,
         answer=schemas.PROCEEDING_FILE)
    def record_random_event(self, request, proceeding_id: UUID):
        body = request_json(request)
        self.store.record_random_event(proceeding_id, body.get("kind"), body.get("occurred_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/interview-plan", roles=OFFICER, body=schemas.INTERVIEW_PLAN,
         answer=schemas.PROCEEDING_FILE)
    def schedule_interview(self, request, proceeding_id: UUID):
        self.store.schedule_interview(proceeding_id, request_json(request).get("on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/interview", roles=OFFICER, body=schemas.INTERVIEW, answer=schemas.PROCEEDING_FILE)
    def record_interview(self, request, proceeding_id: UUID):
        body = request_json(request)
        self.store.record_interview(
            proceeding_id, held_on=body.get("held_on"), household=body.get("household") or [],
            incomes=body.get("incomes") or [], assets=body.get("assets") or "",
            farmland_ha=body.get("farmland_ha", "0"), unable_to_work=body.get("unable_to_work", False),
            recorded_on=body.get("recorded_on"))
        return self._answer(request, proceeding_id)

    # Corrections before the decision: the author is who is signed in (the gateway's token), the
    # schema has checked the body; the old values stay in the proceeding's log and history.
    @api("POST", f"{PROCEEDING}/corrections/interview", roles=OFFICER, body=schemas.INTERVIEW_CORRECTION,
         answer=schemas.PROCEEDING_FILE)
    def correct_interview(self, request, proceeding_id: UUID):
        """{interview? (its number, from 1; none, the latest), held_on?, household?, assets?, farmland_ha?,
        unable_to_work?, reason, corrected_on}."""
        self.store.correct_interview(proceeding_id, request.staff, **request_json(request))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/corrections/income", roles=OFFICER, body=schemas.INCOME_CORRECTION,
         answer=schemas.PROCEEDING_FILE)
    def correct_income(self, request, proceeding_id: UUID):
        """{interview? (none, the latest), entry (its number in the interview, from 1), member?, source?,
        amount?, reason, corrected_on}."""
        self.store.correct_income(proceeding_id, request.staff, **request_json(request))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/assessment", roles=OFFICER, body=schemas.ASSESSMENT, answer=schemas.PROCEEDING_FILE)
    def assess(self, request, proceeding_id: UUID):
        self.store.assess(proceeding_id)
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/delivery", roles=OFFICER, body=schemas.DELIVERY, answer=schemas.PROCEEDING_FILE)
    def record_delivery(self, request, proceeding_id: UUID):
        self.store.record_delivery(proceeding_id, request_json(request).get("delivered_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/deemed-delivery", roles=OFFICER, body=schemas.DEEMED_DELIVERY,
         answer=schemas.PROCEEDING_FILE)
    def record_deemed_delivery(self, request, proceeding_id: UUID):
        """KPA art. 44 § 4: {notice_left_on}, the day the post left its first notice."""
        self.store.record_deemed_delivery(proceeding_id, request_json(request).get("notice_left_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/finality", roles=OFFICER, body=schemas.FINALITY, answer=schemas.PROCEEDING_FILE)
    def become_final(self, request, proceeding_id: UUID):
        self.store.become_final(proceeding_id, request_json(request).get("today"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/appeal-waiver", roles=OFFICER, body=schemas.APPEAL_WAIVER,
         answer=schemas.PROCEEDING_FILE)
    def waive_appeal(self, request, proceeding_id: UUID):
        """KPA art. 127a: {received_on}, the day the party's waiver came in."""
        self.store.waive_appeal(proceeding_id, request_json(request).get("received_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/appeal", roles=OFFICER, body=schemas.APPEAL, answer=schemas.PROCEEDING_FILE)
    def register_appeal(self, request, proceeding_id: UUID):
        """{filed_on, received_on (optional: the same day)}."""
        body = request_json(request)
        self.store.register_appeal(proceeding_id, body.get("filed_on"), body.get("received_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/appeal-forwarding", roles=OFFICER, body=schemas.APPEAL_FORWARDING,
         answer=schemas.PROCEEDING_FILE)
    def forward_appeal(self, request, proceeding_id: UUID):
        self.store.forward_appeal(proceeding_id, request_json(request).get("forwarded_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/appeal-outcome", roles=OFFICER, body=schemas.APPEAL_OUTCOME,
         answer=schemas.PROCEEDING_FILE)
    def record_appeal_outcome(self, request, proceeding_id: UUID):
        body = request_json(request)
        self.store.record_appeal_outcome(proceeding_id, body.get("outcome"), body.get("decided_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/draft", roles=OFFICER, body=schemas.DRAFT, answer=schemas.PROCEEDING_FILE)
    def draft_decision(self, request, proceeding_id: UUID):
        """The draft decision, by the signed-in benefit officer: a decision's content, no date nor signature."""
        body = request_json(request)
        self.store.draft_decision(
            proceeding_id, request.staff, _on(body), outcome=body.get("outcome"), legal_basis=body.get("legal_basis"),
            justification=body.get("justification"), amount=body.get("amount"), period_from=body.get("period_from"),
            period_to=body.get("period_to"), payment_method=body.get("payment_method"), account=body.get("account"),
            on_condition_of_repayment=body.get("on_condition_of_repayment", False))
        return self._answer(request, proceeding_id)

    # --- the decisions (the person authorised to sign) --------------------------------------

    @api("GET", "/drafts", roles=SIGNATORY, query=schemas.PAGE, answer=schemas.DRAFTS)
    def drafts_to_sign(self, request):
        """The proceedings whose draft decision awaits the signature, a page at a time:
        `{"drafts": [...], "next_after": ...}`."""
        found = self.store.drafts_to_sign(reader=request.staff, **_page(request))
        return 200, {**found, "drafts": [_proceeding(p) for p in found["drafts"]]}

    @api("POST", f"{PROCEEDING}/signature", roles=SIGNATORY, body=schemas.SIGNATURE, answer=schemas.PROCEEDING_FILE)
    def sign_draft(self, request, proceeding_id: UUID):
        """The pending draft signed as drafted: the decision issued on `on` (today unless said)."""
        self.store.sign_draft(proceeding_id, request.staff, _on(request_json(request)))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/draft-return", roles=SIGNATORY, body=schemas.DRAFT_RETURN,
         answer=schemas.PROCEEDING_FILE)
    def return_draft(self, request, proceeding_id: UUID):
        """The pending draft back to the benefit officer with a remark."""
        body = request_json(request)
        self.store.return_draft(proceeding_id, request.staff, body.get("remark"), _on(body))
        return self._answer(request, proceeding_id)

    # A signatory who prepared a decision themselves still issues it at once (the content in the body),
    # unless a draft awaits their signature: one way to issue, by the signatory, either way
    # (docs/architecture.md, "Role rules": the signature is the signed-in signatory).
    @api("POST", f"{PROCEEDING}/decision", roles=SIGNATORY, body=schemas.DECISION, answer=schemas.PROCEEDING_FILE)
    def issue_decision(self, request, proceeding_id: UUID):
        body = _signed(request)
        self.store.issue_decision(
            proceeding_id, request.staff, outcome=body.get("outcome"), issued_on=body.get("issued_on"),
            legal_basis=body.get("legal_basis"), justification=body.get("justification"),
            amount=body.get("amount"), period_from=body.get("period_from"), period_to=body.get("period_to"),
            payment_method=body.get("payment_method"), account=body.get("account"),
            on_condition_of_repayment=body.get("on_condition_of_repayment", False))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/change", roles=SIGNATORY, body=schemas.CHANGE, answer=schemas.PROCEEDING_FILE)
    def change(self, request, proceeding_id: UUID):
        body = _signed(request)
        self.store.change(proceeding_id, request.staff, amount=body.get("amount"),
                          effective_from=body.get("effective_from"), issued_on=body.get("issued_on"),
                          justification=body.get("justification"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/revocation", roles=SIGNATORY, body=schemas.LATER_DECISION,
         answer=schemas.PROCEEDING_FILE)
    def revoke(self, request, proceeding_id: UUID):
        self.store.revoke(proceeding_id, request.staff, **_later_decision(_signed(request)))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/suspension", roles=SIGNATORY, body=schemas.LATER_DECISION,
         answer=schemas.PROCEEDING_FILE)
    def suspend(self, request, proceeding_id: UUID):
        self.store.suspend(proceeding_id, request.staff, **_later_decision(_signed(request)))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/resumption", roles=SIGNATORY, body=schemas.LATER_DECISION,
         answer=schemas.PROCEEDING_FILE)
    def resume(self, request, proceeding_id: UUID):
        self.store.resume(proceeding_id, request.staff, **_later_decision(_signed(request)))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/claim-back", roles=SIGNATORY, body=schemas.CLAIM_BACK, answer=schemas.PROCEEDING_FILE)
    def claim_back(self, request, proceeding_id: UUID):
        """Art. 98 u.p.s.: a decision claiming back an undue benefit {months, amount, issued_on, justification}."""
        body = _signed(request)
        self.store.claim_back(proceeding_id, request.staff, months=body.get("months"), amount=body.get("amount"),
                              issued_on=body.get("issued_on"), justification=body.get("justification"))
        return self._answer(request, proceeding_id)

    # --- payments (the benefit officer) -------------------------------------------------------

    @api("POST", f"{PROCEEDING}/account", roles=OFFICER, body=schemas.ACCOUNT_CHANGE, answer=schemas.PROCEEDING_FILE)
    def set_account(self, request, proceeding_id: UUID):
        self.store.set_account(proceeding_id, request_json(request).get("account"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/payment", roles=OFFICER, body=schemas.PAYMENT, answer=schemas.PROCEEDING_FILE)
    def record_payment(self, request, proceeding_id: UUID):
        """{month: YYYY-MM, paid_on}."""
        body = request_json(request)
        self.store.record_payment(proceeding_id, body.get("month"), body.get("paid_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/payment-return", roles=OFFICER, body=schemas.PAYMENT_RETURN,
         answer=schemas.PROCEEDING_FILE)
    def record_payment_returned(self, request, proceeding_id: UUID):
        """{month, returned_on, reason}: the bank returned the transfer."""
        body = request_json(request)
        self.store.record_payment_returned(proceeding_id, body.get("month"), body.get("returned_on"),
                                           body.get("reason"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/repayment", roles=OFFICER, body=schemas.REPAYMENT, answer=schemas.PROCEEDING_FILE)
    def record_repayment(self, request, proceeding_id: UUID):
        body = request_json(request)
        self.store.record_repayment(proceeding_id, body.get("amount"), body.get("repaid_on"))
        return self._answer(request, proceeding_id)

    @api("POST", f"{PROCEEDING}/health-insurance", roles=OFFICER, body=schemas.HEALTH_INSURANCE,
         answer=schemas.PROCEEDING_FILE)
    def note_health_insurance(self, request, proceeding_id: UUID):
        """{insured_elsewhere: true/false, from_month: YYYY-MM} for a person on zasiłek stały."""
        body = request_json(request)
        self.store.note_health_insurance(proceeding_id, body.get("insured_elsewhere"), body.get("from_month"))
        return self._answer(request, proceeding_id)

    @api("GET", "/payment-list", roles=OFFICER, query=schemas.MONTH_QUERY, answer=schemas.PAYMENT_LIST)
    def payment_list(self, request):
        """The month's payment list: ?month=YYYY-MM&as_of=YYYY-MM-DD."""
        return 200, self.store.payment_list(request.args.get("month"), date_from(request.args, "as_of"),
                                            reader=request.staff)

    @api("GET", "/bank-transfer-file", roles=OFFICER, query=schemas.BANK_TRANSFER_QUERY,
         answer=schemas.BANK_TRANSFER_FILE)
    def bank_transfer_file(self, request):
        """The month's bank transfers as a pain.001.001.03 file: ?month=&as_of=&execution_date=
        &debtor_name=&debtor_account= (the centre's name and account, not a person's)."""
        args = request.args
        month = args.get("month")
        xml = self.store.bank_transfer_file(month, date_from(args, "as_of"), args.get("debtor_name") or "",
                                            args.get("debtor_account") or "", date_from(args, "execution_date"),
                                            datetime.now(), reader=request.staff)
        filename = f"przelewy-{month_end(month):%Y-%m}.xml"  # the month as checked, nothing the client typed
        return Response(xml, status=200, mimetype="application/xml",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    @api("GET", "/health-contributions", roles=OFFICER, query=schemas.HEALTH_CONTRIBUTIONS_QUERY,
         answer=schemas.HEALTH_CONTRIBUTIONS)
    def health_contributions(self, request):
        """?month=YYYY-MM: contributions for people on zasiłek stały."""
        return 200, self.store.health_contributions(request.args.get("month"), reader=request.staff)

    # --- reviews (art. 11) ------------------------------------------------------------------

    @api("POST", "/review-tasks/<uuid:task_id>/closing", roles=OFFICER, body=schemas.REVIEW_CLOSING,
         answer=schemas.REVIEW_CLOSED)
    def close_review(self, request, task_id: UUID):
        """{conclusion, closed_on}; who closed it is who is signed in ('officer' is no field of the
        schema; the check below stays as a second guard)."""
        body = request_json(request)
        if "officer" in body:
            raise OfficerInRequest("who closes the review is who is signed in; remove 'officer' from the request")
        self.store.close_review(task_id, request.staff.name, body.get("conclusion"), date_from(body, "closed_on"))
        return 200, {"task_id": task_id, "closed": True}

    # --- the director's figures -------------------------------------------------------------

    @api("GET", "/mrpips03-part", roles=FIGURES, query=HALF_YEAR_QUERY, answer=MRPIPS03_PART)
    def mrpips03_part(self, request):
        """?year=&half=1|2: this team's rows of the MRPiPS-03 report, figures only (no person)."""
        return 200, self.store.mrpips03_part(request.args.get("year", type=int), request.args.get("half", type=int))


def _on(body: dict) -> date:
    """The day of a draft, its return or its signature: the body's `on`, or today."""
    return date_from(body, "on", required=False) or date.today()


def _later_decision(body: dict) -> dict:
    return {k: body.get(k) for k in ("effective_from", "issued_on", "justification")}
