"""casework as a nameko service: HTTP for the social-work team; routed cases arrive through
the store's consumer. Who asks comes in the X-Staff header (a gateway will authenticate it);
what they may see is decided by the application."""

from uuid import UUID

from services.casework.application import CaseworkApplication
from services.casework.domain import an_id, ids
from shared.service import EventStore, Health
from shared.web import api, request_json, run_step


def _asking(request) -> str | None:
    return request.headers.get("X-Staff")



class CaseworkService(Health):
    name = "casework"
    store: CaseworkApplication = EventStore(CaseworkApplication)

    @api("GET", "/cases/open")
    def open_cases(self, request):
        return 200, self.store.open_cases(_asking(request))

    @api("GET", "/cases/<uuid:case_id>")
    def case(self, request, case_id: UUID):
        return 200, self.store.case(_asking(request), case_id)

    @api("POST", "/cases")
    def open_case(self, request):
        body = request_json(request)
        case_id = self.store.open_case(_asking(request), an_id(body.get("person_id"), "the person"),
                                       body.get("person"), body.get("opened_on"), body.get("reason"))
        return 201, {"case_id": case_id}

    @api("POST", "/cases/<uuid:case_id>/<string:step>")
    def step(self, request, case_id: UUID, step: str):
        """One step of the method; the body carries that step's fields."""
        body, store, asking = request_json(request), self.store, _asking(request)

        def terms() -> dict:
            return {k: body.get(k) for k in ("person_obligations", "worker_obligations", "goal_ids", "valid_from",
                                             "valid_to")}

        steps = {
            "assignment": lambda: store.assign(asking, case_id, body.get("worker"), body.get("on"),
                                               body.get("override_reason")),
            "diagnosis": lambda: store.record_diagnosis(
                asking, case_id, areas=body.get("areas"), strengths=body.get("strengths"),
                resources=body.get("resources"), recorded_on=body.get("recorded_on"),
                with_person=body.get("with_person")),
            "goals": lambda: {"goal_id": store.add_goal(asking, case_id, body.get("description"),
                                                        body.get("target_date"))},
            "plan": lambda: store.plan_action(asking, case_id, action=body.get("action"), who=body.get("who"),
                                              by_when=body.get("by_when"), goal_id=body.get("goal_id")),
            "notes": lambda: store.add_note(asking, case_id, body.get("text"), body.get("written_on")),
            "contracts": lambda: {"contract_ref": store.draft_contract(asking, case_id, **terms())},
            "contract-amendment": lambda: {"version": store.amend_contract(
                asking, case_id, body.get("contract_ref"), on=body.get("on"), **terms())},
            "contract-step": lambda: store.settle_contract(asking, case_id, body.get("contract_ref"),
                                                           body.get("step"), body.get("on")),
            "service-requests": lambda: {"request_id": store.request_service(
                asking, case_id, body.get("kind"), body.get("urgent"), body.get("need"),
                body.get("requested_on"))},
            "evaluations": lambda: store.evaluate(asking, case_id, on=body.get("on"), final=body.get("final"),
                                                  summary=body.get("summary"), progress=body.get("progress")),
            "closure": lambda: store.close_case(asking, case_id, outcome=body.get("outcome"), reason=body.get("reason"),
                                           closed_on=body.get("closed_on")),
        }
        return 200, run_step(steps, step) or {"case_id": case_id}

    @api("GET", "/workload")
    def workload(self, request):
        return 200, self.store.workload(_asking(request))

    @api("GET", "/groups")
    def groups(self, request):
        return 200, self.store.groups(_asking(request))

    @api("POST", "/groups")
    def form_group(self, request):
        body = request_json(request)
        group_id = self.store.form_group(_asking(request), name=body.get("name"), kind=body.get("kind"),
                                         scope=body.get("scope"), facilitator=body.get("facilitator"),
                                         formed_on=body.get("formed_on"))
        return 201, {"group_id": group_id}

    @api("POST", "/groups/<uuid:group_id>/members")
    def join_group(self, request, group_id: UUID):
        body = request_json(request)
        self.store.join_group(_asking(request), group_id, an_id(body.get("person_id"), "the member"))
        return 200, {"group_id": group_id}

    @api("POST", "/groups/<uuid:group_id>/sessions")
    def hold_session(self, request, group_id: UUID):
        body = request_json(request)
        self.store.hold_session(_asking(request), group_id, body.get("held_on"), body.get("topic"),
                                ids(body.get("present"), "the attendance"))
        return 200, {"group_id": group_id}
