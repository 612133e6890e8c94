"""training as a nameko service: HTTP for the staff-development officer (the staff registry,
trainings, supervision, study visits, the staff report) and the staff report's indicators for
the director; workload facts arrive through the store's consumer from casework, decisions and
care.

Who asks is the gateway's token (`request.staff`). Training keeps staff's records, no client's
file, so its access log (for the auditor, as in every service) stays empty."""

from uuid import UUID

from services.training.application import TrainingApplication
from services.training.domain import Employee, Training
from services.training.schemas import (
    ATTENDANCE,
    COMPLETION,
    EMPLOYEE,
    EMPLOYEES,
    EMPLOYEE_REF,
    ENROLMENT,
    LEAVING,
    MOVE,
    PERIOD_QUERY,
    REPORT,
    SPECIALISATION,
    STUDY_VISIT,
    STUDY_VISITS,
    STUDY_VISIT_REF,
    SUPERVISION,
    SUPERVISION_BEHIND,
    SUPERVISION_REF,
    TODAY_QUERY,
    TRAINING,
    TRAININGS,
    TRAINING_REF,
)
from shared.roles import DIRECTOR, STAFF_DEVELOPMENT_OFFICER
from shared.service import AccessLog, EventStore, Health
from shared.web import api, date_from, request_json

STAFF_DEVELOPMENT = {STAFF_DEVELOPMENT_OFFICER}
REPORT_READERS = {STAFF_DEVELOPMENT_OFFICER, DIRECTOR}


def _ids(values) -> list[UUID]:
    return [UUID(v) for v in values or ()]


def _employee(e: Employee) -> dict:
    return {"employee_id": e.id, "name": e.name, "team": e.team, "role": e.role, "fte": e.fte,
            "joined_on": e.joined_on, "left_on": e.left_on, "specialisations": e.specialisations, "moves": e.moves}


def _training(t: Training) -> dict:
    return {"training_id": t.id, "title": t.title, "topic": t.topic, "provider": t.provider, "hours": t.hours,
            "days": t.days, "place": t.place, "enrolled": t.enrolled, "attendance": t.attendance,
            "completed": t.completed}


class TrainingService(Health, AccessLog):
    name = "training"
    store: TrainingApplication = EventStore(TrainingApplication)

    # --- the staff registry ------------------------------------------------------------------

    @api("GET", "/employees", roles=STAFF_DEVELOPMENT, answer=EMPLOYEES)
    def employees(self, request):
        return 200, [_employee(e) for e in self.store.employees()]

    @api("POST", "/employees", roles=STAFF_DEVELOPMENT, body=EMPLOYEE, answer=EMPLOYEE_REF)
    def register(self, request):
        body = request_json(request)
        return 201, {"employee_id": self.store.register_employee(
            name=body.get("name"), team=body.get("team"), role=body.get("role"), fte=body.get("fte", "1"),
            joined_on=body.get("joined_on"))}

    @api("POST", "/employees/<uuid:employee_id>/move", roles=STAFF_DEVELOPMENT, body=MOVE, answer=EMPLOYEE_REF)
    def move(self, request, employee_id):
        body = request_json(request)
        self.store.move(employee_id, body.get("team"), body.get("on"))
        return 200, {"employee_id": employee_id}

    @api("POST", "/employees/<uuid:employee_id>/specialisation", roles=STAFF_DEVELOPMENT, body=SPECIALISATION,
         answer=EMPLOYEE_REF)
    def specialise(self, request, employee_id):
        body = request_json(request)
        self.store.specialise(employee_id, body.get("degree"), body.get("obtained_on"))
        return 200, {"employee_id": employee_id}

    @api("POST", "/employees/<uuid:employee_id>/leaving", roles=STAFF_DEVELOPMENT, body=LEAVING, answer=EMPLOYEE_REF)
    def leave(self, request, employee_id):
        self.store.leave(employee_id, request_json(request).get("on"))
        return 200, {"employee_id": employee_id}

    # --- trainings --------------------------------------------------------------------------------

    @api("GET", "/trainings", roles=STAFF_DEVELOPMENT, answer=TRAININGS)
    def trainings(self, request):
        return 200, [_training(t) for t in self.store.trainings()]

    @api("POST", "/trainings", roles=STAFF_DEVELOPMENT, body=TRAINING, answer=TRAINING_REF)
    def plan(self, request):
        body = request_json(request)
        return 201, {"training_id": self.store.plan_training(
            title=body.get("title"), topic=body.get("topic"), provider=body.get("provider"), hours=body.get("hours"),
            days=body.get("days") or [], place=body.get("place"))}

    @api("POST", "/trainings/<uuid:training_id>/enrolment", roles=STAFF_DEVELOPMENT, body=ENROLMENT,
         answer=TRAINING_REF)
    def enrol(self, request, training_id):
        self.store.enrol(training_id, _employee_id(request_json(request)))
        return 200, {"training_id": training_id}

    @api("POST", "/trainings/<uuid:training_id>/attendance", roles=STAFF_DEVELOPMENT, body=ATTENDANCE,
         answer=TRAINING_REF)
    def attend(self, request, training_id):
        body = request_json(request)
        self.store.attend(training_id, _employee_id(body), body.get("day"))
        return 200, {"training_id": training_id}

    @api("POST", "/trainings/<uuid:training_id>/completion", roles=STAFF_DEVELOPMENT, body=COMPLETION,
         answer=TRAINING_REF)
    def complete(self, request, training_id):
        body = request_json(request)
        self.store.complete(training_id, _employee_id(body), body.get("certificate"))
        return 200, {"training_id": training_id}

    # --- supervision and study visits -----------------------------------------------------------

    @api("POST", "/supervision", roles=STAFF_DEVELOPMENT, body=SUPERVISION, answer=SUPERVISION_REF)
    def supervision(self, request):
        body = request_json(request)
        return 201, {"supervision_id": self.store.hold_supervision(
            _ids(body.get("participants")), team=body.get("team"), kind=body.get("kind"),
            held_on=body.get("held_on"), supervisor=body.get("supervisor"))}

    @api("GET", "/supervision/behind", roles=STAFF_DEVELOPMENT, query=TODAY_QUERY, answer=SUPERVISION_BEHIND)
    def supervision_behind(self, request):
        return 200, self.store.supervision_status(date_from(request.args, "today"))

    @api("POST", "/study-visits", roles=STAFF_DEVELOPMENT, body=STUDY_VISIT, answer=STUDY_VISIT_REF)
    def study_visit(self, request):
        body = request_json(request)
        return 201, {"study_visit_id": self.store.record_study_visit(
            _ids(body.get("participants")), host=body.get("host"), starts_on=body.get("starts_on"),
            ends_on=body.get("ends_on"), learned=body.get("learned"))}

    @api("GET", "/study-visits", roles=STAFF_DEVELOPMENT, query=PERIOD_QUERY, answer=STUDY_VISITS)
    def study_visits(self, request):
        """Study visits in a period (?from=&to=): host centre, dates, participants, what was learned."""
        return 200, self.store.study_visits_in(date_from(request.args, "from"), date_from(request.args, "to"))

    # --- the staff report ----------------------------------------------------------------------------

    @api("GET", "/report", roles=REPORT_READERS, query=PERIOD_QUERY, answer=REPORT)
    def report(self, request):
        """The staff report for a period (?from=&to=): whole for the staff-development officer, its
        indicators without a name for the director."""
        return 200, self.store.report(date_from(request.args, "from"), date_from(request.args, "to"),
                                      reader=request.staff)


def _employee_id(body: dict) -> UUID:
    return UUID(body.get("employee_id") or "")
