"""casework as a nameko service: HTTP for the social-work team (the social worker's and the team
leader's roles), and the figures of its part of the MRPiPS-03 report for the director; routed
cases, care's updates and the gateway's staff accounts arrive through the store's consumers.
Who asks is the member of staff the gateway's token names (`request.staff`); what they may see
of the team's files is decided by the application."""

from uuid import UUID

from services.casework import schemas
from services.casework.application import CaseworkApplication
from services.casework.domain import an_id, ids
from shared.roles import DIRECTOR, SOCIAL_WORK_TEAM_LEADER, SOCIAL_WORKER
from shared.schemas import HALF_YEAR_QUERY, MRPIPS03_PART
from shared.service import AccessLog, EventStore, Health, PersonErasure
from shared.web import api, request_json

TEAM = {SOCIAL_WORKER, SOCIAL_WORK_TEAM_LEADER}  # the case work: each sees what the application allows
LEADER = {SOCIAL_WORK_TEAM_LEADER}  # assigning cases, overriding the workload limit


def _terms(body: dict) -> dict:
    return {k: body.get(k) for k in ("person_obligations", "worker_obligations", "goal_ids", "valid_from",
                                     "valid_to")}


def _page(request) -> dict:
    return {"limit": request.args.get("limit", type=int), "after": request.args.get("after")}


class CaseworkService(Health, AccessLog, PersonErasure):
    name = "casework"
    store: CaseworkApplication = EventStore(CaseworkApplication)

    @api("GET", "/cases/open", roles=TEAM, query=schemas.PAGE, answer=schemas.OPEN_CASES)
    def open_cases(self, request):
        """A page at a time: `{"cases": [...], "next_after": ...}`."""
        return 200, self.store.open_cases(request.staff, **_page(request))

    @api("GET", "/cases/<uuid:case_id>", roles=TEAM, answer=schemas.CASE_FILE)
    def case(self, request, case_id: UUID):
        return 200, self.store.case(request.staff, case_id)

    @api("POST", "/cases", roles=TEAM, body=schemas.OPEN_CASE, answer=schemas.CASE_REF)
    def open_case(self, request):
        body = request_json(request)
        case_id = self.store.open_case(request.staff, an_id(body.get("person_id"), "the person"),
                                       body.get("person"), body.get("opened_on"), body.get("reason"))
        return 201, {"case_id": case_id}

    # --- the method's steps, one endpoint each (the body carries that step's fields) -----------

    @api("POST", "/cases/<uuid:case_id>/assignment", roles=LEADER, body=schemas.ASSIGNMENT, answer=schemas.ASSIGNED)
    def assignment(self, request, case_id: UUID):
        body = request_json(request)
        return 200, self.store.assign(request.staff, case_id, body.get("worker"), body.get("on"),
                                      body.get("override_reason"))

    @api("POST", "/cases/<uuid:case_id>/diagnosis", roles=TEAM, body=schemas.DIAGNOSIS, answer=schemas.CASE_REF)
    def diagnosis(self, request, case_id: UUID):
        body = request_json(request)
        self.store.record_diagnosis(request.staff, case_id, areas=body.get("areas"), strengths=body.get("strengths"),
                                    resources=body.get("resources"), recorded_on=body.get("recorded_on"),
                                    with_person=body.get("with_person"))
        return 200, {"case_id": case_id}

    @api("POST", "/cases/<uuid:case_id>/goals", roles=TEAM, body=schemas.GOAL, answer=schemas.GOAL_REF)
    def goals(self, request, case_id: UUID):
        body = request_json(request)
        return 200, {"goal_id": self.store.add_goal(request.staff, case_id, body.get("description"),
                                                    body.get("target_date"))}

    @api("POST", "/cases/<uuid:case_id>/plan", roles=TEAM, body=schemas.ACTION, answer=schemas.CASE_REF)
    def plan(self, request, case_id: UUID):
        body = request_json(request)
        self.store.plan_action(request.staff, case_id, action=body.get("action"), who=body.get("who"),
                               by_when=body.get("by_when"), goal_id=body.get("goal_id"))
        return 200, {"case_id": case_id}

    @api("POST", "/cases/<uuid:case_id>/notes", roles=TEAM, body=schemas.NOTE, answer=schemas.CASE_REF)
    def notes(self, request, case_id: UUID):
        body = request_json(request)
        self.store.add_note(request.staff, case_id, body.get("text"), body.get("written_on"))
        return 200, {"case_id": case_id}

    @api("POST", "/cases/<uuid:case_id>/notes/correction", roles=TEAM, body=schemas.NOTE_CORRECTION,
         answer=schemas.CASE_REF)
    def note_correction(self, request, case_id: UUID):
        """A note's right text with the reason; the author is the signed-in member of staff."""
        body = request_json(request)
        self.store.correct_note(request.staff, case_id, body["note"], body["text"], body["reason"],
                                body["corrected_on"])
        return 200, {"case_id": case_id}

    @api("POST", "/cases/<uuid:case_id>/contracts", roles=TEAM, body=schemas.CONTRACT, answer=schemas.CONTRACT_REF)
    def contracts(self, request, case_id: UUID):
        body = request_json(request)
        return 200, {"contract_ref": self.store.draft_contract(request.staff, case_id, **_terms(body))}

    @api("POST", "/cases/<uuid:case_id>/contract-amendment", roles=TEAM, body=schemas.AMENDMENT,
         answer=schemas.AMENDED)
    def contract_amendment(self, request, case_id: UUID):
        body = request_json(request)
        return 200, {"version": self.store.amend_contract(request.staff, case_id, body.get("contract_ref"),
                                                          on=body.get("on"), **_terms(body))}

    @api("POST", "/cases/<uuid:case_id>/contract-step", roles=TEAM, body=schemas.CONTRACT_STEP,
         answer=schemas.CASE_REF)
    def contract_step(self, request, case_id: UUID):
        body = request_json(request)
        self.store.settle_contract(request.staff, case_id, body.get("contract_ref"), body.get("step"), body.get("on"))
        return 200, {"case_id": case_id}

    @api("POST", "/cases/<uuid:case_id>/service-requests", roles=TEAM, body=schemas.SERVICE_REQUEST,
         answer=schemas.REQUEST_REF)
    def service_requests(self, request, case_id: UUID):
        body = request_json(request)
        return 200, {"request_id": self.store.request_service(request.staff, case_id, body.get("kind"),
                                                              body.get("urgent"), body.get("need"),
                                                              body.get("requested_on"))}

    @api("POST", "/cases/<uuid:case_id>/evaluations", roles=TEAM, body=schemas.EVALUATION, answer=schemas.CASE_REF)
    def evaluations(self, request, case_id: UUID):
        body = request_json(request)
        self.store.evaluate(request.staff, case_id, on=body.get("on"), final=body.get("final"),
                            summary=body.get("summary"), progress=body.get("progress"))
        return 200, {"case_id": case_id}

    @api("POST", "/cases/<uuid:case_id>/closure", roles=TEAM, body=schemas.CLOSURE, answer=schemas.CASE_REF)
    def closure(self, request, case_id: UUID):
        body = request_json(request)
        self.store.close_case(request.staff, case_id, outcome=body.get("outcome"), reason=body.get("reason"),
                              closed_on=body.get("closed_on"))
        return 200, {"case_id": case_id}

    # --- workload, groups, the report's figures ---------------------------------------------

    @api("GET", "/workload", roles=TEAM, answer=schemas.WORKLOAD)
    def workload(self, request):
        """A worker's own load; the leader's view of every worker's."""
        return 200, self.store.workload(request.staff)

    @api("GET", "/groups", roles=TEAM, query=schemas.PAGE, answer=schemas.GROUPS)
    def groups(self, request):
        """A page at a time: `{"groups": [...], "next_after": ...}`."""
        return 200, self.store.groups(request.staff, **_page(request))

    @api("POST", "/groups", roles=TEAM, body=schemas.GROUP, answer=schemas.GROUP_REF)
    def form_group(self, request):
        body = request_json(request)
        group_id = self.store.form_group(request.staff, name=body.get("name"), kind=body.get("kind"),
                                         scope=body.get("scope"), facilitator=body.get("facilitator"),
                                         formed_on=body.get("formed_on"))
        return 201, {"group_id": group_id}

    @api("POST", "/groups/<uuid:group_id>/members", roles=TEAM, body=schemas.MEMBER, answer=schemas.GROUP_REF)
    def join_group(self, request, group_id: UUID):
        body = request_json(request)
        self.store.join_group(request.staff, group_id, an_id(body.get("person_id"), "the member"))
        return 200, {"group_id": group_id}

    @api("POST", "/groups/<uuid:group_id>/sessions", roles=TEAM, body=schemas.SESSION, answer=schemas.GROUP_REF)
    def hold_session(self, request, group_id: UUID):
        body = request_json(request)
        self.store.hold_session(request.staff, group_id, body.get("held_on"), body.get("topic"),
                                ids(body.get("present"), "the attendance"))
        return 200, {"group_id": group_id}

    @api("GET", "/mrpips03-part", roles={DIRECTOR}, query=HALF_YEAR_QUERY, answer=MRPIPS03_PART)
    def mrpips03_part(self, request):
        """This team's figures of the half-year MRPiPS-03 report (?year=YYYY&half=1|2): counts of
        families only, no person's data, so the director may have them."""
        return 200, self.store.mrpips03_part(request.args.get("year", type=int), request.args.get("half", type=int))
