"""intake as a nameko service: HTTP for the first-contact desk, its log served to consumers."""

from uuid import UUID

from services.intake.application import IntakeApplication
from services.intake.domain import Person
from shared.service import EventStore, Health
from shared.web import api, date_from, request_json


def _person(person: Person) -> dict:
    return {
        "person_id": person.id,
        "full_name": person.name,
        "birth_date": person.birth_date,
        "pesel": person.pesel,
        "document_number": person.document_number,
        "address": person.address,
        "contact": person.contact,
        "household": person.household,
        "registered_on": person.registered_on,
    }


class IntakeService(Health):
    name = "intake"
    store: IntakeApplication = EventStore(IntakeApplication)

    @api("POST", "/persons")
    def register_person(self, request):
        body = request_json(request)
        person_id, new = self.store.register_person(
            registered_on=date_from(body, "registered_on"),
            name=body.get("full_name"),
            birth_date=date_from(body, "birth_date", required=False),
            pesel=body.get("pesel"),
            document_number=body.get("document_number"),
            address=body.get("address"),
            contact=body.get("contact"),
            household=body.get("household") or [],
        )
        return (201 if new else 200), {"person_id": person_id, "new": new}

    @api("GET", "/persons/<uuid:person_id>")
    def person(self, request, person_id: UUID):
        return 200, _person(self.store.person(person_id))

    @api("GET", "/persons")
    def find_persons(self, request):
        pesel, name = request.args.get("pesel"), request.args.get("name")
        if pesel:
            return 200, [_person(self.store.find_by_pesel(pesel))]
        return 200, [_person(p) for p in self.store.find_by_name(name or "")]

    @api("POST", "/persons/<uuid:person_id>/first-contacts")
    def record_first_contact(self, request, person_id: UUID):
        body = request_json(request)
        contact_id = self.store.record_first_contact(
            person_id,
            held_on=date_from(body, "held_on"),
            officer=body.get("officer"),
            reasons_for_help=body.get("reasons_for_help") or [],
            help_requested=body.get("help_requested") or [],
            urgent=bool(body.get("urgent", False)),
            notes=body.get("notes") or "",
        )
        return 201, {"contact_id": contact_id}

    @api("POST", "/first-contacts/<uuid:contact_id>/routings")
    def route_case(self, request, contact_id: UUID):
        body = request_json(request)
        case_id = self.store.route_case(
            contact_id, team=body.get("team"), reason=body.get("reason") or "", routed_on=date_from(body, "routed_on")
        )
        return 201, {"case_id": case_id}

    @api("GET", "/routed-cases")
    def routed_cases(self, request):
        return 200, self.store.routed_cases(request.args.get("team"))
