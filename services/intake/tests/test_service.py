"""intake's HTTP edge for corrections and repeated registrations: the role rule of every endpoint,
the published schema of each correction (a refusal naming the field, nothing stored), the author
from the token, and the 409 that names the fields that differ. Asked of the service in a real
nameko container with a gateway key's tokens."""

from __future__ import annotations

import dataclasses
import logging
import uuid

import pytest
import requests
from nameko.testing.services import replace_dependencies

from services.intake.application import IntakeApplication
from services.intake.service import IntakeService
from shared.identity import PUBLIC_KEYS, Staff, TokenIssuer, rotate_signing_key
from shared.roles import AUDITOR, FIRST_CONTACT_OFFICER, OPERATOR, SOCIAL_WORKER
from shared.web import PUBLIC, Api
from tests.support.people import pesel_for
from tests.support.service_client import ServiceClient

DESK = frozenset({FIRST_CONTACT_OFFICER})
OFFICER = Staff(id=str(uuid.uuid4()), name="Katarzyna Zielińska", roles=DESK)
ON = "2026-11-02"


def routes() -> dict[tuple[str, str], frozenset[str]]:
    found = {}
    for attribute in dir(IntakeService):
        for entrypoint in getattr(getattr(IntakeService, attribute), "nameko_entrypoints", ()):
            assert isinstance(entrypoint, Api), f"{attribute} is an endpoint without a role rule"
            found[(entrypoint.method, entrypoint.url)] = entrypoint.roles
    return found


def test_every_endpoint_and_its_role_rule_the_desk_corrects_its_register():
    person = "/persons/<uuid:person_id>"
    assert routes() == {
        ("GET", "/health"): PUBLIC,
        ("GET", "/metrics"): PUBLIC,
        ("GET", "/openapi.json"): PUBLIC,
        ("GET", "/access-log"): {AUDITOR},
        ("GET", "/audit-export"): {AUDITOR},
        ("POST", "/persons"): DESK,
        ("GET", person): DESK,
        ("POST", "/persons/search"): DESK,
        ("POST", f"{person}/first-contacts"): DESK,
        ("POST", "/first-contacts/<uuid:contact_id>/routings"): DESK,
        ("GET", "/routed-cases"): DESK,
        ("POST", f"{person}/erasure"): {OPERATOR},
        **{("POST", f"{person}/corrections/{kind}"): DESK for kind in ("identity", "address", "contact", "household")},
    }


@pytest.fixture
def served(make_database_url, container_factory, web_config, web_config_port, tmp_path):
    app = IntakeApplication(make_database_url("intake"), secrets_dir=tmp_path)
    app.workers = []  # no relay or log server: the requests come over HTTP
    secrets = tmp_path / "secrets"
    issuer = TokenIssuer(rotate_signing_key(secrets))
    container = container_factory(IntakeService, {**web_config, "GATEWAY_PUBLIC_KEYS": str(secrets / PUBLIC_KEYS)})
    replace_dependencies(container, store=app)
    container.start()

    def desk(staff: Staff | None) -> ServiceClient:
        return ServiceClient(f"http://127.0.0.1:{web_config_port}", issuer, staff, "intake")

    yield app, desk
    container.stop()
    app.close()


def test_a_correction_is_the_signed_in_officer_s_with_its_reason_and_shows_in_the_history(served):
    app, desk = served
    officer = desk(OFFICER)
    person_id = officer("POST", "/persons", 201, json={"full_name": "Anna Nowak", "pesel": pesel_for(1),
                                                       "registered_on": ON})["person_id"]
    corrected = officer("POST", f"/persons/{person_id}/corrections/identity",
                        json={"full_name": "Anna Nowakowska", "reason": "nazwisko z dowodu", "corrected_on": ON})
    assert corrected == {"person_id": person_id, "corrected": ["full_name"]}
    officer("POST", f"/persons/{person_id}/corrections/address",
            json={"address": {"street": "ul. Długa 1", "postal_code": "00-001", "city": "Kraków"},
                  "reason": "przeprowadzka", "corrected_on": ON})
    officer("POST", f"/persons/{person_id}/corrections/contact",
            json={"contact": "+48 600 100 200", "reason": "nowy numer", "corrected_on": ON})
    officer("POST", f"/persons/{person_id}/corrections/household",
            json={"household": [{"name": "Zofia Nowak", "relation": "córka"}], "reason": "córka",
                  "corrected_on": ON})
    person = officer("GET", f"/persons/{person_id}")
    assert person["full_name"] == "Anna Nowakowska" and person["address"]["city"] == "Kraków"
    assert [h["kind"] for h in person["history"]] == ["registration", "identity", "address", "contact", "household"]
    assert person["history"][1] == {
        "kind": "identity", "fields": ["full_name"], "old": {"full_name": "Anna Nowak"},
        "new": {"full_name": "Anna Nowakowska"}, "reason": "nazwisko z dowodu",
        "corrected_by": "Katarzyna Zielińska", "corrected_on": ON}
    refused = officer("POST", f"/persons/{person_id}/corrections/contact", 400,
                      json={"contact": "+48 600 100 200", "reason": "x", "corrected_on": ON})
    assert refused["error"] == "NothingToCorrect" and refused["message_pl"]
    # The other teams' staff do not correct the register.
    desk(dataclasses.replace(OFFICER, roles=frozenset({SOCIAL_WORKER})))(
        "POST", f"/persons/{person_id}/corrections/contact", 403,
        json={"contact": "+48 1", "reason": "x", "corrected_on": ON})


def test_bad_corrections_are_refused_by_the_published_schema_naming_the_field_and_nothing_is_stored(served):
    app, desk = served
    officer = desk(OFFICER)
    person_id = officer("POST", "/persons", 201, json={"full_name": "Anna Nowak", "pesel": pesel_for(1),
                                                       "registered_on": ON})["person_id"]
    position = app.recorder.max_notification_id()
    why = {"reason": "dowód", "corrected_on": ON}
    person = f"/persons/{person_id}/corrections"
    for kind, body, field in [
        ("identity", {"full_name": "Anna Nowakowska"}, "reason"),
        ("identity", {"full_name": "Anna Nowakowska", "reason": "x"}, "corrected_on"),
        ("identity", {"full_name": "Anna Nowakowska", "reason": "x" * 5001, "corrected_on": ON}, "reason"),
        ("identity", {"full_name": "Anna Nowakowska", "reason": ["x"], "corrected_on": ON}, "reason"),
        ("identity", {"full_name": "Anna Nowakowska", **why, "corrected_by": "Ktoś Inny"}, "corrected_by"),
        ("identity", {"full_name": {"first": "Anna"}, **why}, "full_name"),
        ("identity", {"full_name": "X" * 201, **why}, "full_name"),
        ("identity", {"pesel": "8001020001", **why}, "pesel"),
        ("identity", {"pesel": 80010200014, **why}, "pesel"),
        ("identity", {"birth_date": "1980-02-30", **why}, "birth_date"),
        ("identity", {"full_name": "Anna", "reason": "x", "corrected_on": "02.11.2026"}, "corrected_on"),
        ("address", {**why}, "address"),
        ("address", {"address": "ul. Długa 1, Kraków", **why}, "address"),
        ("address", {"address": {"street": "ul. Długa 1", "postal_code": "00-001", "city": "Kraków",
                                 "country": "PL"}, **why}, "address.country"),
        ("contact", {"contact": {"tel": 1}, **why}, "contact"),
        ("household", {"household": {"name": "Zofia"}, **why}, "household"),
        ("household", {"household": [{"relation": "córka"}], **why}, "household.name"),
        ("household", {"household": [{"name": "Zofia"}] * 21, **why}, "household"),
    ]:
        answer = officer("POST", f"{person}/{kind}", 400, json=body)
        assert (answer["error"], answer["field"]) == ("InvalidRequest", field), (kind, body, answer)
        assert answer["message_pl"], body
    # What the schema lets through, the domain still checks, naming the field.
    for kind, body, error, field in [
        ("identity", {"full_name": "Anna", "reason": "  ", "corrected_on": ON}, "MissingCorrectionReason", "reason"),
        ("identity", {"pesel": "80010200015", **why}, "InvalidPesel", "pesel"),
        ("identity", {"birth_date": "1980-01-03", **why}, "PeselBirthDateMismatch", "birth_date"),
        ("address", {"address": {"street": "ul. Długa 1", "postal_code": "00001", "city": "Kraków"}, **why},
         "InvalidAddress", "address.street"),
    ]:
        answer = officer("POST", f"{person}/{kind}", 400, json=body)
        assert (answer["error"], answer.get("field")) == (error, field), (kind, body, answer)
    officer("POST", f"/persons/{uuid.uuid4()}/corrections/contact", 404, json={"contact": "+48 1", **why})
    assert app.recorder.max_notification_id() == position  # nothing stored, not even a read
    document = requests.get(f"{desk(None).base}/openapi.json", timeout=10).json()
    operation = document["paths"]["/persons/{person_id}/corrections/identity"]["post"]
    assert operation["x-roles"] == [FIRST_CONTACT_OFFICER]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["required"] == ["reason",
                                                                                             "corrected_on"]


def test_a_known_pesel_with_other_identity_data_answers_409_naming_the_fields_not_the_values(served, caplog):
    app, desk = served
    officer = desk(OFFICER)
    registration = {"full_name": "Anna Nowak", "pesel": pesel_for(1), "contact": "+48 600 100 200",
                    "registered_on": ON}
    person_id = officer("POST", "/persons", 201, json=registration)["person_id"]
    assert officer("POST", "/persons", 200, json=registration) == {"person_id": person_id, "new": False}
    position = app.recorder.max_notification_id()
    with caplog.at_level(logging.DEBUG):
        answer = officer("POST", "/persons", 409, json={**registration, "full_name": "Anna Nowakowska",
                                                        "contact": "+48 600 999 999"})
    assert answer["error"] == "IdentityDiffers"
    assert (answer["fields"], answer["field"], answer["person_id"]) == (["full_name", "contact"], "full_name",
                                                                       person_id)
    assert "imię i nazwisko" in answer["message_pl"]
    for told in (answer["message"], answer["message_pl"], caplog.text):
        assert "Nowak" not in told and "+48 600" not in told and pesel_for(1) not in told
    assert app.recorder.max_notification_id() == position
    assert officer("GET", f"/persons/{person_id}")["full_name"] == "Anna Nowak"
