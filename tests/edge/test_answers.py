"""Every operation's success is published with the shape of its body (issue 14): each service's
OpenAPI document, generated from its endpoints as declared, gives every operation a 2XX answer
with a schema (or, where it only sends the browser on, a 3XX), and Schemathesis' response check,
which the fuzzer runs, refuses a body that does not match it."""

from __future__ import annotations

import json

import pytest
import requests
import schemathesis
from jsonschema import Draft202012Validator
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import response_schema_conformance

from services.care.service import CareTeamService
from services.casework.service import CaseworkService
from services.decisions.service import DecisionsService
from services.gateway.service import GatewayService
from services.intake.service import IntakeService
from services.training.service import TrainingService
from shared.web import api_document

SERVICES = {"intake": IntakeService, "casework": CaseworkService, "decisions": DecisionsService,
            "care": CareTeamService, "training": TrainingService, "gateway": GatewayService}


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_operation_publishes_the_shape_of_its_success(service):
    document = api_document(SERVICES[service], service)
    missing = []
    for name, operation in operations(document):
        success = operation["responses"].get("2XX")
        if success is None:
            if "3XX" not in operation["responses"]:
                missing.append(name)
            continue
        for media, content in success["content"].items():
            Draft202012Validator.check_schema(content["schema"])
            assert media == content["schema"].get("contentMediaType", "application/json"), name
    assert not missing, f"{service}: no documented success for {', '.join(missing)}"


def answered(status: int, body: dict) -> Response:
    request = requests.Request("POST", "http://intake/first-contacts/x/routings").prepare()
    return Response(status_code=status, headers={"content-type": ["application/json"]},
                    content=json.dumps(body).encode(), request=request, elapsed=0.01, verify=True,
                    message="Created", http_version="1.1", encoding="utf-8")


def test_schemathesis_checks_a_success_s_body_against_the_published_shape():
    schema = schemathesis.openapi.from_dict(api_document(IntakeService, "intake"))
    operation = schema["/first-contacts/{contact_id}/routings"]["POST"]
    case = operation.Case(path_parameters={"contact_id": "6f1c2c1e-2f7e-4a39-9d3c-2a4c1d6e7f80"},
                          body={"team": "casework", "routed_on": "2026-11-02"})
    case.validate_response(answered(201, {"case_id": "0b0e8b35-8f0b-4a8c-9a57-0b7f3f0c1d2e"}),
                           checks=[response_schema_conformance])
    with pytest.raises(FailureGroup) as refused:
        case.validate_response(answered(201, {"case": 1}), checks=[response_schema_conformance])
    [mismatch] = refused.value.exceptions
    assert "Response violates schema" in str(mismatch) and '"case_id" is a required property' in str(mismatch)
