"""Every HTTP endpoint of every service, found by walking the services' routes (a new endpoint
is tried the day it is added), against the real processes:

- no token, an expired one, one signed by another key, one for another service: 401;
- a token of each role the endpoint's rule does not name: 403;
- a token of each role it names: neither 401 nor 403 (the command may still refuse the
  empty request it gets, with its own named error).
The gateway's own endpoints are tried the same way with signed-in sessions of each role.
"""

from __future__ import annotations

import importlib
import re
import uuid

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from deploy.client import StaffClient
from deploy.launcher import SERVICE_CLASSES
from deploy.staff import BY_ROLE
from shared.identity import Staff, TokenIssuer, signing_key
from shared.roles import ROLES
from shared.web import PUBLIC, Api

pytestmark = pytest.mark.slow

TEAM_SERVICES = ("intake", "casework", "decisions", "care", "training")


def endpoints(service: str) -> list[Api]:
    module, name = SERVICE_CLASSES[service].split(":")
    service_class = getattr(importlib.import_module(module), name)
    found = []
    for attribute in dir(service_class):
        for entrypoint in getattr(getattr(service_class, attribute), "nameko_entrypoints", ()):
            assert isinstance(entrypoint, Api), f"{service}.{attribute} is an endpoint without a role rule"
            found.append(entrypoint)
    return found


def concrete(url: str) -> str:
    return re.sub(r"<(?:uuid|string|path|int):[a-z_]+>", lambda m: str(uuid.uuid4()) if "uuid" in m.group(0)
                  else "x", url)


def calls(service: str):
    for entrypoint in endpoints(service):
        for method in entrypoint.method.split(","):
            yield method, concrete(entrypoint.url), entrypoint.roles


def test_every_endpoint_of_every_service_has_a_role_rule_and_only_health_metrics_and_the_api_document_are_public():
    for service in (*TEAM_SERVICES, "gateway"):
        found = endpoints(service)
        assert found, service
        public = {e.url for e in found if e.roles == PUBLIC}
        # Counts and the API's shape only; at the gateway also signing in, the pages' script and style, and the
        # accessibility statement the law requires to be open to anyone.
        allowed_public = {"/health", "/metrics", "/openapi.json"} | (
            {"/sign-in", "/sign-in/provider", "/sign-in/provider/callback", "/static/<string:name>",
             "/deklaracja-dostepnosci"} if service == "gateway" else set())
        assert public <= allowed_public, f"{service}: {public - allowed_public} answer without a token"


@pytest.fixture
def everything(centre):
    for service in (*TEAM_SERVICES, "gateway"):
        centre.start(service)
    return centre


@pytest.mark.sqlite_only
def test_services_answer_only_a_valid_token_of_a_role_their_rule_names(everything):
    centre = everything
    issuer = TokenIssuer(signing_key(centre.data_dir / "secrets"))
    stranger = TokenIssuer(Ed25519PrivateKey.generate())
    staff = {role: Staff(id=str(uuid.uuid4()), name=f"Test {role}", roles=frozenset({role})) for role in ROLES}
    for service in TEAM_SERVICES:
        base = centre.url(service)
        for method, path, roles in calls(service):
            def status(token: str | None) -> int:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                return requests.request(method, base + path, headers=headers, json={}, timeout=10).status_code

            where = f"{service} {method} {path}"
            if roles == PUBLIC:
                assert status(None) not in (401, 403), where
                continue
            someone = staff[sorted(roles)[0]]
            assert status(None) == 401, where
            assert status(issuer.mint(someone, service, lifetime=-60)) == 401, f"{where}: expired"
            assert status(stranger.mint(someone, service)) == 401, f"{where}: another key"
            other = next(s for s in TEAM_SERVICES if s != service)
            assert status(issuer.mint(someone, other)) == 401, f"{where}: another service's token"
            for role, member in staff.items():
                got = status(issuer.mint(member, service))
                if role in roles:
                    assert got not in (401, 403), f"{where}: {role} may ({got})"
                else:
                    assert got == 403, f"{where}: {role} may not ({got})"


@pytest.mark.sqlite_only
def test_the_gateway_s_own_endpoints_answer_only_signed_in_roles_their_rule_names(everything):
    centre = everything
    gateway = centre.url("gateway")
    for method, path, roles in calls("gateway"):
        if roles == PUBLIC or path.startswith("/api/x/"):
            continue  # the door itself is tried through the services above
        where = f"gateway {method} {path}"
        assert requests.request(method, gateway + path, json={}, timeout=10).status_code == 401, where
        for role, account in BY_ROLE.items():
            client = StaffClient(gateway, account.login)  # afresh: the walk signs out too
            with client.http.request(method, gateway + path, json={}, timeout=10, stream=True) as response:
                got = response.status_code  # the headers are enough: /events streams on
            if role in roles:
                assert got not in (401, 403), f"{where}: {role} may ({got})"
            else:
                assert got == 403, f"{where}: {role} may not ({got})"
