"""care as a nameko service: HTTP for the services team (the care coordinator's role), the
grant decision for the person authorised to sign decisions, the team's MRPiPS-03 figures for
the director; requests arrive through the store's consumer from social work (ServicesRequested)
and first contact (CaseRouted.care).

Who asks is the gateway's token (`request.staff`): a decision is signed by the signed-in
signatory, on the authority the centre's setting names (CARE_ON_AUTHORITY_OF); a request body
naming either is refused. Every answer carrying a person's care file records the read."""

from uuid import UUID

from services.care.application import CareApplication
from services.care.domain import CareService, DpsReferral, FamilyAssistance
from services.care.schemas import (
    ASSESSMENT,
    ASSISTANCE_END,
    ASSISTANCE_FILE,
    ASSISTANCE_REF,
    ASSISTANTS,
    ASSISTANCE_VISIT,
    ASSISTANT,
    CARER,
    CARERS,
    CARER_REF,
    DECISION,
    DOCUMENT,
    END,
    FAMILY_ASSISTANCE,
    HOURS,
    HOURS_QUERY,
    INCOME,
    MISSED_VISIT,
    OPENED,
    OPEN_REQUEST,
    PAGE,
    PLACEMENT,
    REFERRALS,
    REFERRAL_FILE,
    ROSTER,
    ROSTER_CORRECTION,
    SERVICES,
    SERVICES_QUERY,
    SERVICE_FILE,
    STATEMENT,
    SUBMISSION,
    VISIT,
    VISIT_CORRECTION,
    WAITING_POSITION,
    WITHDRAWAL,
)
from shared.roles import CARE_COORDINATOR, DECISION_SIGNATORY, DIRECTOR
from shared.schemas import HALF_YEAR_QUERY, MRPIPS03_PART
from shared.service import AccessLog, EventStore, Health, PersonErasure
from shared.web import api, date_from, request_json

CARE_TEAM = {CARE_COORDINATOR}
SIGNATORY = {DECISION_SIGNATORY}
FIGURES = {DIRECTOR}


class SignatureFromAccount(ValueError):
    """Who signs a decision is the signed-in account (the gateway's token): a request body naming
    `signed_by` is refused rather than ignored."""


class AuthorityFromSettings(ValueError):
    """On whose authority the centre issues decisions is its setting (CARE_ON_AUTHORITY_OF): a
    request body naming `on_authority_of` is refused rather than ignored."""


def _service(s: CareService) -> dict:
    return {"service_id": s.id, "person_id": s.person_id, "person": s.person, "kind": s.kind, "state": s.state,
            "origin": s.origin, "urgent": s.urgent, "requested_on": s.requested_on, "assessment": s.assessment,
            "income_statement": s.income_statement, "grant": s.grant, "roster": s.roster, "rosters": s.rosters,
            "visits": s.visits, "missed": s.missed, "ended": s.ended, "request_ref": s.request_ref,
            "case_id": s.case_id, "corrections": s.corrections, "person_corrections": s.person_corrections}


def _referral(r: DpsReferral) -> dict:
    return {"referral_id": r.id, "person_id": r.person_id, "person": r.person, "state": r.state,
            "documents": r.documents, "missing_documents": r.missing_documents, "submitted_on": r.submitted_on,
            "waiting": r.waiting, "placed": r.placed, "withdrawn": r.withdrawn,
            "person_corrections": r.person_corrections}


def _assistance(a: FamilyAssistance) -> dict:
    return {"assistance_id": a.id, "person_id": a.person_id, "person": a.person, "assistant": a.assistant,
            "assigned_on": a.assigned_on, "visits": a.visits, "ended": a.ended,
            "person_corrections": a.person_corrections}


class CareTeamService(Health, AccessLog, PersonErasure):
    name = "care"
    store: CareApplication = EventStore(CareApplication)

    # --- care services -----------------------------------------------------------------------

    @api("GET", "/services", roles=CARE_TEAM, query=SERVICES_QUERY, answer=SERVICES)
    def services(self, request):
        """A page at a time: `{"services": [...], "next_after": ...}`, the ended last, urgent first,
        then oldest first."""
        return 200, self.store.services(request.args.get("state"), **_page(request), reader=request.staff)

    @api("POST", "/services", roles=CARE_TEAM, body=OPEN_REQUEST, answer=OPENED)
    def open_request(self, request):
        body = request_json(request)
        service_id = self.store.open_request(UUID(body.get("person_id") or ""), body.get("person") or {},
                                             body.get("kind"), body.get("urgent", False),
                                             body.get("requested_on"))
        return 201, {"service_id": service_id}

    @api("GET", "/services/<uuid:service_id>", roles=CARE_TEAM, answer=SERVICE_FILE)
    def care_service(self, request, service_id):
        return self._care_file(request, service_id)

    @api("GET", "/services/<uuid:service_id>/statements/<string:month>", roles=CARE_TEAM, answer=STATEMENT)
    def statement(self, request, service_id, month):
        return 200, self.store.statement(service_id, month, reader=request.staff)

    @api("POST", "/services/<uuid:service_id>/assessment", roles=CARE_TEAM, body=ASSESSMENT, answer=SERVICE_FILE)
    def assess(self, request, service_id):
        body = request_json(request)
        self.store.assess(service_id, assessed_on=body.get("assessed_on"), kind=body.get("kind"),
                          activities=body.get("activities") or [], hours_per_week=body.get("hours_per_week"),
                          period_from=body.get("period_from"), period_to=body.get("period_to"))
        return self._care_file(request, service_id)

    @api("POST", "/services/<uuid:service_id>/income", roles=CARE_TEAM, body=INCOME, answer=SERVICE_FILE)
    def state_income(self, request, service_id):
        body = request_json(request)
        self.store.state_income(service_id, members=body.get("members", 0),
                                monthly_income=body.get("monthly_income"), stated_on=body.get("stated_on"))
        return self._care_file(request, service_id)

    @api("POST", "/services/<uuid:service_id>/decision", roles=SIGNATORY, body=DECISION, answer=SERVICE_FILE)
    def grant(self, request, service_id):
        """The administrative decision granting the service: signed by the signed-in signatory."""
        body = request_json(request)
        # The published schema already refuses both as unknown fields; this stays as a second guard.
        if "signed_by" in body:
            raise SignatureFromAccount("a decision is signed by the signed-in account: leave 'signed_by' out")
        if "on_authority_of" in body:
            raise AuthorityFromSettings("on whose authority decisions are issued is the centre's setting "
                                        "(CARE_ON_AUTHORITY_OF): leave 'on_authority_of' out")
        self.store.grant(service_id, signed_by=request.staff.name, issued_on=body.get("issued_on"),
                         exemption_percent=body.get("exemption_percent", "0"),
                         exemption_reason=body.get("exemption_reason") or "")
        return self._care_file(request, service_id)

    @api("POST", "/services/<uuid:service_id>/roster", roles=CARE_TEAM, body=ROSTER, answer=SERVICE_FILE)
    def set_roster(self, request, service_id):
        body = request_json(request)
        self.store.set_roster(service_id, _carer(body), body.get("visits") or [], body.get("valid_from"))
        return self._care_file(request, service_id)

    @api("POST", "/services/<uuid:service_id>/visits", roles=CARE_TEAM, body=VISIT, answer=SERVICE_FILE)
    def record_visit(self, request, service_id):
        body = request_json(request)
        self.store.record_visit(service_id, _carer(body), on=body.get("on"), hours=body.get("hours"),
                                activities=body.get("activities") or [])
        return self._care_file(request, service_id)

    # Corrections of what was recorded wrongly: by the team that records it, the author the signed-in
    # member of staff (the gateway's token, docs/architecture.md "Identity at the door"), never the body;
    # the old values are kept in the event.

    @api("POST", "/services/<uuid:service_id>/visits/correction", roles=CARE_TEAM, body=VISIT_CORRECTION,
         answer=SERVICE_FILE)
    def correct_visit(self, request, service_id):
        body = request_json(request)
        self.store.correct_visit(service_id, body["visit"], corrected_by=request.staff.name, reason=body["reason"],
                                 corrected_on=body["corrected_on"],
                                 carer_id=UUID(body["carer_id"]) if "carer_id" in body else None,
                                 on=body.get("on"), hours=body.get("hours"), activities=body.get("activities"))
        return self._care_file(request, service_id)

    @api("POST", "/services/<uuid:service_id>/roster/correction", roles=CARE_TEAM, body=ROSTER_CORRECTION,
         answer=SERVICE_FILE)
    def correct_roster(self, request, service_id):
        body = request_json(request)
        self.store.correct_roster(service_id, body["roster"], corrected_by=request.staff.name, reason=body["reason"],
                                  corrected_on=body["corrected_on"], visits=body.get("visits"),
                                  valid_from=body.get("valid_from"))
        return self._care_file(request, service_id)

    @api("POST", "/services/<uuid:service_id>/missed-visits", roles=CARE_TEAM, body=MISSED_VISIT, answer=SERVICE_FILE)
    def record_missed_visit(self, request, service_id):
        body = request_json(request)
        self.store.record_missed_visit(service_id, _carer(body), on=body.get("on"), reason=body.get("reason"))
        return self._care_file(request, service_id)

    @api("POST", "/services/<uuid:service_id>/end", roles=CARE_TEAM, body=END, answer=SERVICE_FILE)
    def end(self, request, service_id):
        body = request_json(request)
        self.store.end(service_id, body.get("on"), body.get("reason"))
        return self._care_file(request, service_id)

    # --- the team's hours and carers (carers are staff or providers, not clients) ----------------

    @api("GET", "/hours", roles=CARE_TEAM, query=HOURS_QUERY, answer=HOURS)
    def hours(self, request):
        """Ordered against delivered hours per person and per carer: the rows name the persons, so
        the read is recorded."""
        return 200, self.store.hours(date_from(request.args, "from"), date_from(request.args, "to"),
                                     reader=request.staff)

    @api("GET", "/carers", roles=CARE_TEAM, query=PAGE, answer=CARERS)
    def carers(self, request):
        """A page at a time: `{"carers": [...], "next_after": ...}`, in the order registered."""
        return 200, self.store.carers(**_page(request))

    @api("POST", "/carers", roles=CARE_TEAM, body=CARER, answer=CARER_REF)
    def register_carer(self, request):
        body = request_json(request)
        return 201, {"carer_id": self.store.register_carer(body.get("name"), body.get("employer"))}

    # --- care-home (DPS) referrals --------------------------------------------------------------

    @api("GET", "/dps-referrals", roles=CARE_TEAM, query=PAGE, answer=REFERRALS)
    def referrals(self, request):
        """A page at a time: `{"referrals": [...], "next_after": ...}`, newest first."""
        return 200, self.store.referrals(**_page(request), reader=request.staff)

    @api("GET", "/dps-referrals/<uuid:referral_id>", roles=CARE_TEAM, answer=REFERRAL_FILE)
    def referral(self, request, referral_id):
        return self._referral_file(request, referral_id)

    @api("POST", "/dps-referrals/<uuid:referral_id>/documents", roles=CARE_TEAM, body=DOCUMENT, answer=REFERRAL_FILE)
    def gather_document(self, request, referral_id):
        body = request_json(request)
        self.store.gather_document(referral_id, body.get("document"), body.get("on"))
        return self._referral_file(request, referral_id)

    @api("POST", "/dps-referrals/<uuid:referral_id>/submission", roles=CARE_TEAM, body=SUBMISSION,
         answer=REFERRAL_FILE)
    def submit_referral(self, request, referral_id):
        self.store.submit_referral(referral_id, request_json(request).get("on"))
        return self._referral_file(request, referral_id)

    @api("POST", "/dps-referrals/<uuid:referral_id>/waiting-list", roles=CARE_TEAM, body=WAITING_POSITION,
         answer=REFERRAL_FILE)
    def record_waiting_position(self, request, referral_id):
        body = request_json(request)
        self.store.record_waiting_position(referral_id, body.get("position", 0), body.get("on"))
        return self._referral_file(request, referral_id)

    @api("POST", "/dps-referrals/<uuid:referral_id>/placement", roles=CARE_TEAM, body=PLACEMENT, answer=REFERRAL_FILE)
    def place(self, request, referral_id):
        body = request_json(request)
        self.store.place(referral_id, body.get("home"), body.get("on"))
        return self._referral_file(request, referral_id)

    @api("POST", "/dps-referrals/<uuid:referral_id>/withdrawal", roles=CARE_TEAM, body=WITHDRAWAL,
         answer=REFERRAL_FILE)
    def withdraw_referral(self, request, referral_id):
        body = request_json(request)
        self.store.withdraw_referral(referral_id, body.get("on"), body.get("reason"))
        return self._referral_file(request, referral_id)

    # --- family assistants ------------------------------------------------------------------------

    @api("GET", "/family-assistance", roles=CARE_TEAM, query=PAGE, answer=FAMILY_ASSISTANCE)
    def assistances(self, request):
        """A page at a time: `{"families": [...], "next_after": ...}`, newest first."""
        return 200, self.store.assistances(**_page(request), reader=request.staff)

    @api("GET", "/family-assistance/<uuid:assistance_id>", roles=CARE_TEAM, answer=ASSISTANCE_FILE)
    def assistance(self, request, assistance_id):
        return 200, _assistance(self.store.assistance(assistance_id, reader=request.staff))

    @api("GET", "/family-assistants", roles=CARE_TEAM, answer=ASSISTANTS)
    def assistants(self, request):
        """Each assistant's families now, against the centre's limit (names of staff: no one's file)."""
        return 200, {"load": self.store.assistants_load(), "limit": self.store.assistant_limit}

    @api("POST", "/family-assistance/<uuid:assistance_id>/assistant", roles=CARE_TEAM, body=ASSISTANT,
         answer=ASSISTANCE_REF)
    def assign_assistant(self, request, assistance_id):
        body = request_json(request)
        self.store.assign_assistant(assistance_id, body.get("assistant"), body.get("on"))
        return 200, {"assistance_id": assistance_id}

    @api("POST", "/family-assistance/<uuid:assistance_id>/visits", roles=CARE_TEAM, body=ASSISTANCE_VISIT,
         answer=ASSISTANCE_REF)
    def record_assistance_visit(self, request, assistance_id):
        body = request_json(request)
        self.store.record_assistance_visit(assistance_id, on=body.get("on"), hours=body.get("hours"),
                                           topic=body.get("topic"))
        return 200, {"assistance_id": assistance_id}

    @api("POST", "/family-assistance/<uuid:assistance_id>/end", roles=CARE_TEAM, body=ASSISTANCE_END,
         answer=ASSISTANCE_REF)
    def end_assistance(self, request, assistance_id):
        body = request_json(request)
        self.store.end_assistance(assistance_id, body.get("on"), body.get("reason"))
        return 200, {"assistance_id": assistance_id}

    # --- the director's figures ----------------------------------------------------------------------

    @api("GET", "/mrpips03-part", roles=FIGURES, query=HALF_YEAR_QUERY, answer=MRPIPS03_PART)
    def mrpips03_part(self, request):
        """This team's rows of the half-year MRPiPS-03 report (?year=2026&half=1): per kind of care
        service, numbers only (persons, benefits, amount, families, persons in families)."""
        return 200, self.store.mrpips03_part(request.args.get("year", type=int), request.args.get("half", type=int))

    # --- internals ----------------------------------------------------------------------------------

    def _care_file(self, request, service_id):
        return 200, _service(self.store.care_service(service_id, reader=request.staff))

    def _referral_file(self, request, referral_id):
        return 200, _referral(self.store.referral(referral_id, reader=request.staff))


def _page(request) -> dict:
    return {"limit": request.args.get("limit", type=int), "after": request.args.get("after")}


def _carer(body: dict) -> UUID:
    return UUID(body.get("carer_id") or "")


