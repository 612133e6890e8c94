"""decisions as a nameko service: HTTP for the benefit officers; routed applications and
art. 11 facts arrive through the store's consumer."""

from uuid import UUID

from services.decisions.application import DecisionsApplication
from services.decisions.domain import Proceeding
from shared.service import EventStore, Health
from shared.web import api, date_from, request_json, run_step


def _proceeding(p: Proceeding) -> dict:
    return {
        "proceeding_id": p.id, "person_id": p.person_id, "person": p.person, "benefit": p.benefit,
        "basis": p.basis, "applied_on": p.applied_on, "urgent": p.urgent, "complex": p.complex,
        "officer": p.officer, "state": p.state, "interview_due": p.interview_due,
        "interview_planned_on": p.interview_planned_on, "settlement_due": p.settlement_due,
        "delay_notices": p.delay_notices, "interviews": p.interviews, "assessment": p.assessment,
        "decision": p.decision, "delivered_on": p.delivered_on, "appeal_deadline": p.appeal_deadline,
        "appeal": p.appeal, "final_on": p.final_on, "later_decisions": p.later_decisions,
        "random_event": p.random_event,
    }


def _within(request) -> int:
    try:
        return int(request.args.get("within_days", 14))
    except ValueError:
        raise ValueError("'within_days' must be a whole number of days") from None


class DecisionsService(Health):
    name = "decisions"
    store: DecisionsApplication = EventStore(DecisionsApplication)

    @api("GET", "/proceedings")
    def proceedings(self, request):
        person_id = request.args.get("person_id")
        found = self.store.proceedings(person_id=UUID(person_id) if person_id else None,
                                       officer=request.args.get("officer"), state=request.args.get("state"))
        return 200, [_proceeding(p) for p in found]

    @api("POST", "/proceedings")
    def open_ex_officio(self, request):
        body = request_json(request)
        proceeding_id = self.store.open_ex_officio(
            UUID(body.get("person_id") or ""), body.get("person") or {}, body.get("benefit"),
            date_from(body, "learned_on"), bool(body.get("urgent", False)))
        return 201, {"proceeding_id": proceeding_id}

    @api("GET", "/proceedings/<uuid:proceeding_id>")
    def proceeding(self, request, proceeding_id):
        return 200, _proceeding(self.store.proceeding(proceeding_id))

    @api("POST", "/proceedings/<uuid:proceeding_id>/<string:step>")
    def step(self, request, proceeding_id, step):
        """One step of the proceeding; the body carries that step's fields."""
        body, store = request_json(request), self.store

        def later_decision() -> dict:
            return {k: body.get(k) for k in ("effective_from", "issued_on", "justification", "signed_by",
                                              "on_authority_of")}

        steps = {
            "officer": lambda: store.assign(proceeding_id, body.get("officer")),
            "benefit": lambda: store.specify_benefit(proceeding_id, body.get("benefit")),
            "complex": lambda: store.mark_complex(proceeding_id, body.get("reason")),
            "delay-notice": lambda: store.notify_delay(proceeding_id, body.get("new_date"), body.get("reason"),
                                                       body.get("notified_on")),
            "random-event": lambda: store.record_random_event(proceeding_id, body.get("kind"),
                                                              body.get("occurred_on")),
            "interview-plan": lambda: store.schedule_interview(proceeding_id, body.get("on")),
            "interview": lambda: store.record_interview(
                proceeding_id, held_on=body.get("held_on"), household=body.get("household") or [],
                incomes=body.get("incomes") or [], assets=body.get("assets") or "",
                farmland_ha=body.get("farmland_ha", "0"), unable_to_work=bool(body.get("unable_to_work")),
                recorded_on=body.get("recorded_on")),
            "assessment": lambda: store.assess(proceeding_id),
            "decision": lambda: store.issue_decision(
                proceeding_id, outcome=body.get("outcome"), issued_on=body.get("issued_on"),
                legal_basis=body.get("legal_basis"), justification=body.get("justification"),
                signed_by=body.get("signed_by"), on_authority_of=body.get("on_authority_of"),
                amount=body.get("amount"), period_from=body.get("period_from"), period_to=body.get("period_to"),
                payment_method=body.get("payment_method"),
                on_condition_of_repayment=body.get("on_condition_of_repayment", False)),
            "delivery": lambda: store.record_delivery(proceeding_id, body.get("delivered_on")),
            "finality": lambda: store.become_final(proceeding_id, body.get("today")),
            "appeal": lambda: store.register_appeal(proceeding_id, body.get("filed_on")),
            "appeal-forwarding": lambda: store.forward_appeal(proceeding_id, body.get("forwarded_on")),
            "appeal-outcome": lambda: store.record_appeal_outcome(proceeding_id, body.get("outcome"),
                                                                  body.get("decided_on")),
            "change": lambda: store.change(
                proceeding_id, amount=body.get("amount"), effective_from=body.get("effective_from"),
                issued_on=body.get("issued_on"), justification=body.get("justification"),
                signed_by=body.get("signed_by"), on_authority_of=body.get("on_authority_of")),
            "revocation": lambda: store.revoke(proceeding_id, **later_decision()),
            "suspension": lambda: store.suspend(proceeding_id, **later_decision()),
            "resumption": lambda: store.resume(proceeding_id, **later_decision()),
        }
        run_step(steps, step)
        return 200, _proceeding(store.proceeding(proceeding_id))

    @api("GET", "/proceedings/<uuid:proceeding_id>/payments")
    def payments(self, request, proceeding_id):
        until = date_from(request.args, "until")
        return 200, self.store.proceeding(proceeding_id).payment_schedule(until)

    @api("GET", "/deadlines")
    def deadlines(self, request):
        return 200, self.store.deadlines(date_from(request.args, "today"), _within(request))

    @api("GET", "/interview-updates")
    def interview_updates(self, request):
        return 200, self.store.interview_updates_due(date_from(request.args, "today"), _within(request))

    @api("GET", "/review-tasks")
    def review_tasks(self, request):
        return 200, self.store.review_tasks(open_only=request.args.get("all") is None)

    @api("POST", "/review-tasks/<uuid:task_id>/closing")
    def close_review(self, request, task_id):
        body = request_json(request)
        self.store.close_review(task_id, body.get("officer"), body.get("conclusion"), date_from(body, "closed_on"))
        return 200, {"task_id": task_id, "closed": True}

