"""care as a nameko service: HTTP for the services team; requests arrive through the store's
consumer from social work (ServicesRequested) and first contact (CaseRouted.care)."""

from uuid import UUID

from services.care.application import CareApplication
from services.care.domain import CareService, DpsReferral, FamilyAssistance
from shared.service import EventStore, Health
from shared.web import api, date_from, request_json, run_step


def _service(s: CareService) -> dict:
    return {"service_id": s.id, "person_id": s.person_id, "person": s.person, "kind": s.kind, "state": s.state,
            "origin": s.origin, "urgent": s.urgent, "requested_on": s.requested_on, "assessment": s.assessment,
            "income_statement": s.income_statement, "grant": s.grant, "roster": s.roster, "rosters": s.rosters,
            "visits": s.visits,
            "missed": s.missed, "ended": s.ended, "request_ref": s.request_ref, "case_id": s.case_id}


def _referral(r: DpsReferral) -> dict:
    return {"referral_id": r.id, "person_id": r.person_id, "person": r.person, "state": r.state,
            "documents": r.documents, "missing_documents": r.missing_documents, "submitted_on": r.submitted_on,
            "waiting": r.waiting, "placed": r.placed, "withdrawn": r.withdrawn}


def _assistance(a: FamilyAssistance) -> dict:
    return {"assistance_id": a.id, "person_id": a.person_id, "person": a.person, "assistant": a.assistant,
            "assigned_on": a.assigned_on, "visits": a.visits, "ended": a.ended}



class CareTeamService(Health):
    name = "care"
    store: CareApplication = EventStore(CareApplication)

    @api("GET", "/services")
    def services(self, request):
        return 200, [_service(s) for s in self.store.services(request.args.get("state"))]

    @api("POST", "/services")
    def open_request(self, request):
        body = request_json(request)
        service_id = self.store.open_request(UUID(body.get("person_id") or ""), body.get("person") or {},
                                             body.get("kind"), bool(body.get("urgent")), body.get("requested_on"))
        return 201, {"service_id": service_id}

    @api("GET", "/services/<uuid:service_id>")
    def care_service(self, request, service_id):
        return 200, _service(self.store.care_service(service_id))

    @api("GET", "/services/<uuid:service_id>/statements/<string:month>")
    def statement(self, request, service_id, month):
        return 200, self.store.statement(service_id, month)

    @api("POST", "/services/<uuid:service_id>/<string:step>")
    def service_step(self, request, service_id, step):
        body, store = request_json(request), self.store

        def carer() -> UUID:
            return UUID(body.get("carer_id") or "")

        run_step({
            "assessment": lambda: store.assess(
                service_id, assessed_on=body.get("assessed_on"), kind=body.get("kind"),
                activities=body.get("activities") or [], hours_per_week=body.get("hours_per_week"),
                period_from=body.get("period_from"), period_to=body.get("period_to")),
            "income": lambda: store.state_income(service_id, members=body.get("members", 0),
                                                 monthly_income=body.get("monthly_income"),
                                                 stated_on=body.get("stated_on")),
            "decision": lambda: store.grant(
                service_id, issued_on=body.get("issued_on"), signed_by=body.get("signed_by"),
                on_authority_of=body.get("on_authority_of"), exemption_percent=body.get("exemption_percent", "0"),
                exemption_reason=body.get("exemption_reason") or ""),
            "roster": lambda: store.set_roster(service_id, carer(), body.get("visits") or [],
                                               body.get("valid_from")),
            "visits": lambda: store.record_visit(service_id, carer(), on=body.get("on"), hours=body.get("hours"),
                                                 activities=body.get("activities") or []),
            "missed-visits": lambda: store.record_missed_visit(service_id, carer(), on=body.get("on"),
                                                               reason=body.get("reason")),
            "end": lambda: store.end(service_id, body.get("on"), body.get("reason")),
        }, step)
        return 200, _service(store.care_service(service_id))

    @api("GET", "/hours")
    def hours(self, request):
        return 200, self.store.hours(date_from(request.args, "from"), date_from(request.args, "to"))

    @api("GET", "/carers")
    def carers(self, request):
        return 200, [{"carer_id": c.id, "name": c.name, "employer": c.employer} for c in self.store.carers()]

    @api("POST", "/carers")
    def register_carer(self, request):
        body = request_json(request)
        return 201, {"carer_id": self.store.register_carer(body.get("name"), body.get("employer"))}

    @api("GET", "/dps-referrals")
    def referrals(self, request):
        return 200, [_referral(r) for r in self.store.referrals()]

    @api("POST", "/dps-referrals/<uuid:referral_id>/<string:step>")
    def referral_step(self, request, referral_id, step):
        body, store = request_json(request), self.store
        run_step({
            "documents": lambda: store.gather_document(referral_id, body.get("document"), body.get("on")),
            "submission": lambda: store.submit_referral(referral_id, body.get("on")),
            "waiting-list": lambda: store.record_waiting_position(referral_id, body.get("position", 0),
                                                                  body.get("on")),
            "placement": lambda: store.place(referral_id, body.get("home"), body.get("on")),
            "withdrawal": lambda: store.withdraw_referral(referral_id, body.get("on"), body.get("reason")),
        }, step)
        return 200, _referral(store.referral(referral_id))

    @api("GET", "/family-assistance")
    def assistances(self, request):
        return 200, {"families": [_assistance(a) for a in self.store.assistances()],
                     "load": self.store.assistants_load(), "limit": self.store.assistant_limit}

    @api("POST", "/family-assistance/<uuid:assistance_id>/<string:step>")
    def assistance_step(self, request, assistance_id, step):
        body, store = request_json(request), self.store
        run_step({
            "assistant": lambda: store.assign_assistant(assistance_id, body.get("assistant"), body.get("on")),
            "visits": lambda: store.record_assistance_visit(assistance_id, on=body.get("on"), hours=body.get("hours"),
                                                            topic=body.get("topic")),
            "end": lambda: store.end_assistance(assistance_id, body.get("on"), body.get("reason")),
        }, step)
        return 200, {"assistance_id": assistance_id}
