"""intake as a nameko service: HTTP for the first-contact desk (the first-contact officer's role),
its log served to the teams it routes cases to."""

from uuid import UUID

from services.intake.application import IntakeApplication
from services.intake.domain import IdentityDiffers, Person
from services.intake.schemas import (
    ADDRESS_CORRECTION,
    CONTACT_CORRECTION,
    CORRECTED,
    FIRST_CONTACT,
    HOUSEHOLD_CORRECTION,
    IDENTITY_CORRECTION,
    PERSON,
    PERSON_FILE,
    PERSONS,
    REGISTERED,
    ROUTED,
    ROUTED_CASES,
    ROUTED_CASES_QUERY,
    ROUTING,
    SEARCH,
    TALK_RECORDED,
)
from shared.roles import FIRST_CONTACT_OFFICER
from shared.service import AccessLog, EventStore, Health, PersonErasure
from shared.web import api, date_from, error_response, json_response, request_json

# The register is the first-contact desk's file: the desk registers and corrects it; the teams a
# case goes to receive the correction through their contract (shared/contracts/intake.py).
DESK = {FIRST_CONTACT_OFFICER}


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
        "history": [{"kind": "registration", "on": person.registered_on}, *person.corrections],
        "erased": person.erased,
    }


def _identity_differs(error: IdentityDiffers):
    """409: the person is registered with other data; the fields that differ (names only) and the
    person's reference, so that the desk can open the record and correct it."""
    answer = error_response(error, 409)
    return json_response({**answer.json, "fields": error.fields, "person_id": error.person_id}, 409)


class IntakeService(Health, AccessLog, PersonErasure):
    name = "intake"
    store: IntakeApplication = EventStore(IntakeApplication)

    @api("POST", "/persons", roles=DESK, body=PERSON, answer=REGISTERED)
    def register_person(self, request):
        body = request_json(request)
        try:
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
        except IdentityDiffers as error:
            return _identity_differs(error)
        return (201 if new else 200), {"person_id": person_id, "new": new}

    @api("POST", "/persons/<uuid:person_id>/corrections/identity", roles=DESK, body=IDENTITY_CORRECTION,
         answer=CORRECTED)
    def correct_identity(self, request, person_id: UUID):
        """Corrects the name, birth date, PESEL or document; the person keeps their reference."""
        return self._correct(request, person_id, "identity")

    @api("POST", "/persons/<uuid:person_id>/corrections/address", roles=DESK, body=ADDRESS_CORRECTION,
         answer=CORRECTED)
    def correct_address(self, request, person_id: UUID):
        return self._correct(request, person_id, "address")

    @api("POST", "/persons/<uuid:person_id>/corrections/contact", roles=DESK, body=CONTACT_CORRECTION,
         answer=CORRECTED)
    def correct_contact(self, request, person_id: UUID):
        return self._correct(request, person_id, "contact")

    @api("POST", "/persons/<uuid:person_id>/corrections/household", roles=DESK, body=HOUSEHOLD_CORRECTION,
         answer=CORRECTED)
    def correct_household(self, request, person_id: UUID):
        return self._correct(request, person_id, "household")

    def _correct(self, request, person_id: UUID, kind: str):
        # The author is who is signed in (the gateway's token); the schema has checked the body.
        corrected = self.store.correct_person(person_id, kind, corrected_by=request.staff.name,
                                              **request_json(request))
        return 200, {"person_id": person_id, "corrected": corrected}

    @api("GET", "/persons/<uuid:person_id>", roles=DESK, answer=PERSON_FILE)
    def person(self, request, person_id: UUID):
        return 200, _person(self.store.person(person_id, reader=request.staff))

    @api("POST", "/persons/search", roles=DESK, body=SEARCH, answer=PERSONS)
    def find_persons(self, request):
        """By PESEL or by name, in the body: a PESEL or a name never travels in a URL (logs keep URLs).
        By name a page at a time (`limit`, `after`): `{"persons": [...], "next_after": ...}`."""
        body = request_json(request)
        if body.get("pesel"):
            return 200, {"persons": [_person(self.store.find_by_pesel(body["pesel"], reader=request.staff))],
                         "next_after": None}
        found, next_after = self.store.find_by_name(body.get("name") or "", reader=request.staff,
                                                    limit=body.get("limit"), after=body.get("after"))
        return 200, {"persons": [_person(p) for p in found], "next_after": next_after}

    @api("POST", "/persons/<uuid:person_id>/first-contacts", roles=DESK, body=FIRST_CONTACT, answer=TALK_RECORDED)
    def record_first_contact(self, request, person_id: UUID):
        body = request_json(request)
        contact_id = self.store.record_first_contact(
            person_id,
            held_on=date_from(body, "held_on"),
            officer=request.staff.name,  # who held the talk is who is signed in
            reasons_for_help=body.get("reasons_for_help") or [],
            help_requested=body.get("help_requested") or [],
            urgent=body.get("urgent", False),
            notes=body.get("notes") or "",
        )
        return 201, {"contact_id": contact_id}

    @api("POST", "/first-contacts/<uuid:contact_id>/routings", roles=DESK, body=ROUTING, answer=ROUTED)
    def route_case(self, request, contact_id: UUID):
        body = request_json(request)
        case_id = self.store.route_case(
            contact_id, team=body.get("team"), reason=body.get("reason") or "", routed_on=date_from(body, "routed_on")
        )
        return 201, {"case_id": case_id}

    @api("GET", "/routed-cases", roles=DESK, query=ROUTED_CASES_QUERY, answer=ROUTED_CASES)
    def routed_cases(self, request):
        """Newest first, a page at a time: `{"routings": [...], "next_after": ...}`."""
        return 200, self.store.routed_cases(request.args.get("team"), reader=request.staff,
                                            limit=request.args.get("limit", type=int), after=request.args.get("after"))
