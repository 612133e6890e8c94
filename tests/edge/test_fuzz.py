"""Every operation of every service's OpenAPI document, fuzzed with Schemathesis against the running
service (issue 14): requests as the document describes them and requests that break it, sent with a
token that holds every role, so that the role rule lets each through to the checks behind it.

- no answer is a 5xx;
- an answer matches what the document says of it (a refusal is the JSON `{error, message, ...}`);
- a refused request (4xx) leaves the store as it was: its last notification id, read from the
  service's /health before and after, does not move.
- no answer takes longer than SLOW_S (one that does keeps the service's other requests waiting).

Each service first makes a few records as staff would (`seeds`), and the references its answers
name are used in later requests, so that operations on a record reach one that exists.

Each service is fuzzed with OPS_FUZZ_EXAMPLES examples per operation (default 10), half of them
valid, half not; the number of requests sent is printed per service (run with -s to see it). Every
finding is collected and listed at the end, so that one run shows them all."""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from deploy.client import StaffClient
from deploy.staff import BY_ROLE
from shared.roles import OPERATOR, ROLES
from tests.edge.conftest import TEAM_SERVICES
from tests.support.centre import TODAY
from tests.support.people import pesel_for

pytestmark = [pytest.mark.sqlite_only, pytest.mark.slow, pytest.mark.timeout(1200)]

EXAMPLES = int(os.environ.get("OPS_FUZZ_EXAMPLES", "10"))
# Not fuzzed at the gateway: the live stream never ends, and signing out would end the fuzzer's session.
GATEWAY_SKIPPED = {("GET", "/events"), ("POST", "/sign-out")}
SLOW_S = 5  # an answer slower than this, on a store of a few records, keeps others waiting: a finding
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Findings:
    requests: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)  # by status
    server_errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    known: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # references met in answers

    def report(self) -> str:
        lines = [*self.server_errors, *self.slow, *self.mismatches, *self.stored]
        return "\n".join(lines[:60]) + (f"\n... and {len(lines) - 60} more" if len(lines) > 60 else "")


def head(session: requests.Session, base: str) -> int:
    return session.get(f"{base}/health", timeout=30).json()["store"]["head"]


def logged(centre, service: str, answer: str) -> str:
    """The service's log line for a 5xx's reference: the error's name and stack frames, no data."""
    reference = re.search(r"in the log as ([0-9a-f]{12})", answer)
    log = centre.data_dir / f"{service}.log"
    if not reference or not log.exists():
        return ""
    line = next((l for l in log.read_text(errors="replace").splitlines() if reference.group(1) in l), "")
    return f"\n    log: {line[:1500]}"


def described(case, response) -> str:
    body = response.text[:300].replace("\n", " ")
    return (f"{case.operation.method.upper()} {case.operation.path} -> {response.status_code}: "
            f"path={case.path_parameters!r} query={case.query!r} body={case.body!r:.300} answer={body}")


def gateway_session(centre) -> dict:
    """A session at the gateway of an account that holds every role, opened by the operator."""
    operator = StaffClient(centre.url("gateway"), BY_ROLE[OPERATOR].login)
    password = "fuzz-" + os.urandom(12).hex()
    opened = operator.http.post(f"{centre.url('gateway')}/accounts", timeout=30, json={
        "login": "fuzzer", "name": "Fuzz Tester", "roles": sorted(ROLES), "team": "casework", "password": password})
    assert opened.status_code == 201, opened.text
    return {"Authorization": f"Bearer {StaffClient(centre.url('gateway'), 'fuzzer', password).token}"}


def seeds(service: str) -> list[tuple[str, str, dict]]:
    """Records each service makes from requests a member of staff would send, so that the fuzzer's
    requests about a record also reach one that exists (its references are remembered from the answers)."""
    person = {"person_id": str(uuid.uuid4()), "person": {"full_name": "Anna Fuzz", "birth_date": "1980-01-01"}}
    return {
        "intake": [("POST", "/persons", {"full_name": "Anna Fuzz", "pesel": pesel_for(1), "registered_on": TODAY})],
        "casework": [("POST", "/cases", {**person, "opened_on": TODAY, "reason": "wsparcie rodziny"}),
                     ("POST", "/groups", {"name": "Grupa", "kind": "support", "scope": "territorial",
                                          "facilitator": "Ewa", "formed_on": TODAY})],
        "decisions": [("POST", "/proceedings", {**person, "learned_on": TODAY})],
        "care": [("POST", "/services", {**person, "kind": "uslugi_opiekuncze", "requested_on": TODAY}),
                 ("POST", "/carers", {"name": "Ewa Opiekunka", "employer": "OPS"})],
        "training": [("POST", "/employees", {"name": "Anna Kadrowa", "team": "casework", "role": "social_worker",
                                             "joined_on": "2025-01-02"}),
                     ("POST", "/trainings", {"title": "KPA", "topic": "prawo", "provider": "OPS", "hours": 8,
                                             "days": [TODAY], "place": "sala 1"})],
        "gateway": [("GET", "/accounts", {})],
    }[service]


def remember(answer, known: dict[str, list[str]]) -> None:
    """The references a 2xx answer names (`person_id`, `proceeding_id`, ...), so that later
    operations on a record reach one that exists, not only a random UUID's 404."""
    if isinstance(answer, list):
        for item in answer[:20]:
            remember(item, known)
    elif isinstance(answer, dict):
        for key, value in answer.items():
            if key.endswith("_id") and isinstance(value, str) and UUID_TEXT.fullmatch(value):
                if value not in known[key]:
                    known[key].append(value)
            else:
                remember(value, known)


def strategy_for(operation, known: dict[str, list[str]]):
    strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                  operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
    names = [p.name for p in operation.path_parameters]
    if names and all(known.get(name) for name in names):
        existing = [{name: known[name][-i % len(known[name])] for name in names} for i in range(1, 4)]
        strategies += [st.sampled_from(existing).flatmap(
            lambda ids: operation.as_strategy(generation_mode=mode, path_parameters=ids))
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    return st.one_of(strategies)


def fuzz(centre, service: str, headers: dict) -> Findings:
    base = centre.url(service)
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    findings = Findings()
    session = requests.Session()
    known = findings.known
    for method, path, body in seeds(service):
        seeded = session.request(method, base + path, headers=headers, timeout=30, **({"json": body} if body else {}))
        assert seeded.status_code in (200, 201), (service, path, seeded.text, logged(centre, service, seeded.text))
        remember(seeded.json(), known)
    operations = [result.ok() for result in schema.get_all_operations()]
    # What makes records first (a POST on a path without a reference), then what reads and changes them.
    operations.sort(key=lambda o: ("{" in o.path, o.method.upper() != "POST", o.path, o.method))
    for operation in operations:
        if service == "gateway" and (operation.method.upper(), operation.path) in GATEWAY_SKIPPED:
            continue
        strategy = strategy_for(operation, known)

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def one(case):
            before = head(session, base)
            try:
                response = case.call(base_url=base, session=session, headers=headers, timeout=30)
            except requests.RequestException as error:
                findings.server_errors.append(f"no answer ({type(error).__name__}) to {case.operation.method.upper()} "
                                              f"{case.operation.path} query={case.query!r} body={case.body!r:.300}")
                return
            findings.requests[service] += 1
            findings.answers[response.status_code] += 1
            if response.elapsed > SLOW_S:
                findings.slow.append(f"{response.elapsed:.1f} s: {described(case, response)}")
            if response.status_code >= 500:
                findings.server_errors.append(f"5xx {described(case, response)}{logged(centre, service, response.text)}")
                return
            if 200 <= response.status_code < 300 and (response.headers.get("content-type") or [""])[0].startswith(
                    "application/json"):
                remember(response.json(), known)
            try:
                case.validate_response(response, checks=[response_schema_conformance, content_type_conformance],
                                       headers=headers)
            except (AssertionError, BaseExceptionGroup) as mismatch:
                findings.mismatches.append(f"mismatch {described(case, response)}: {str(mismatch)[:300]}")
            if 400 <= response.status_code < 500 and head(session, base) != before:
                findings.stored.append(f"stored although refused: {described(case, response)}")

        one()
    return findings


@pytest.mark.parametrize("service", [*TEAM_SERVICES, "gateway"])
def test_fuzzing_a_service_s_published_document_finds_no_server_error_no_mismatch_and_nothing_stored_by_a_refusal(
        centre, everyone, service):
    for started in (*TEAM_SERVICES, "gateway") if service == "gateway" else (service,):  # its pages ask them
        centre.start(started)
    findings = fuzz(centre, service, gateway_session(centre) if service == "gateway" else everyone(service))
    print(f"\nfuzzed {service}: {findings.requests[service]} requests, {len(findings.server_errors)} server errors, "
          f"{len(findings.slow)} slow answers, {len(findings.mismatches)} mismatches, "
          f"{len(findings.stored)} refusals that stored; answers by status: {dict(sorted(findings.answers.items()))}; "
          f"records reached: {sum(map(len, findings.known.values()))}")
    assert not (findings.server_errors or findings.slow or findings.mismatches or findings.stored), findings.report()
