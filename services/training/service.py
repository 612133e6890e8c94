"""training as a nameko service: HTTP for the manager; workload facts arrive through the
store's consumer from casework, decisions and care."""

from uuid import UUID

from services.training.application import TrainingApplication
from services.training.domain import Employee, Training
from shared.service import EventStore, Health
from shared.web import api, date_from, request_json, run_step


def _ids(values) -> list[UUID]:
    return [UUID(v) for v in values or ()]


def _employee(e: Employee) -> dict:
    return {"employee_id": e.id, "name": e.name, "team": e.team, "role": e.role, "fte": e.fte,
            "joined_on": e.joined_on, "left_on": e.left_on, "specialisations": e.specialisations, "moves": e.moves}


def _training(t: Training) -> dict:
    return {"training_id": t.id, "title": t.title, "topic": t.topic, "provider": t.provider, "hours": t.hours,
            "days": t.days, "place": t.place, "enrolled": t.enrolled, "attendance": t.attendance,
            "completed": t.completed}


class TrainingService(Health):
    name = "training"
    store: TrainingApplication = EventStore(TrainingApplication)

    @api("GET", "/employees")
    def employees(self, request):
        return 200, [_employee(e) for e in self.store.employees()]

    @api("POST", "/employees")
    def register(self, request):
        body = request_json(request)
        return 201, {"employee_id": self.store.register_employee(
            name=body.get("name"), team=body.get("team"), role=body.get("role"), fte=body.get("fte", "1"),
            joined_on=body.get("joined_on"))}

    @api("POST", "/employees/<uuid:employee_id>/<string:step>")
    def employee_step(self, request, employee_id, step):
        body, store = request_json(request), self.store
        steps = {
            "move": lambda: store.move(employee_id, body.get("team"), body.get("on")),
            "specialisation": lambda: store.specialise(employee_id, body.get("degree"), body.get("obtained_on")),
            "leaving": lambda: store.leave(employee_id, body.get("on")),
        }
        run_step(steps, step)
        return 200, {"employee_id": employee_id}

    @api("GET", "/trainings")
    def trainings(self, request):
        return 200, [_training(t) for t in self.store.trainings()]

    @api("POST", "/trainings")
    def plan(self, request):
        body = request_json(request)
        return 201, {"training_id": self.store.plan_training(
            title=body.get("title"), topic=body.get("topic"), provider=body.get("provider"), hours=body.get("hours"),
            days=body.get("days") or [], place=body.get("place"))}

    @api("POST", "/trainings/<uuid:training_id>/<string:step>")
    def training_step(self, request, training_id, step):
        body, store = request_json(request), self.store
        employee = UUID(body.get("employee_id") or "")
        steps = {
            "enrolment": lambda: store.enrol(training_id, employee),
            "attendance": lambda: store.attend(training_id, employee, body.get("day")),
            "completion": lambda: store.complete(training_id, employee, body.get("certificate")),
        }
        run_step(steps, step)
        return 200, {"training_id": training_id}

    @api("POST", "/supervision")
    def supervision(self, request):
        body = request_json(request)
        return 201, {"supervision_id": self.store.hold_supervision(
            _ids(body.get("participants")), team=body.get("team"), kind=body.get("kind"),
            held_on=body.get("held_on"), supervisor=body.get("supervisor"))}

    @api("GET", "/supervision/behind")
    def supervision_behind(self, request):
        return 200, self.store.supervision_status(date_from(request.args, "today"))

    @api("POST", "/study-visits")
    def study_visit(self, request):
        body = request_json(request)
        return 201, {"study_visit_id": self.store.record_study_visit(
            _ids(body.get("participants")), host=body.get("host"), starts_on=body.get("starts_on"),
            ends_on=body.get("ends_on"), learned=body.get("learned"))}

    @api("GET", "/study-visits")
    def study_visits(self, request):
        """Study visits in a period (?from=&to=): host centre, dates, participants, what was learned."""
        return 200, self.store.study_visits_in(date_from(request.args, "from"), date_from(request.args, "to"))

    @api("GET", "/report")
    def report(self, request):
        return 200, self.store.report(date_from(request.args, "from"), date_from(request.args, "to"))
