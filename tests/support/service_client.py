"""A team service's HTTP API asked directly, as the gateway would ask it: one member of staff,
each request with a fresh token for that service alone (the token's jti is the request's id)."""

from __future__ import annotations

import dataclasses
import uuid

import requests

from shared.identity import Staff, TokenIssuer


class ServiceClient:
    def __init__(self, base: str, issuer: TokenIssuer, staff: Staff | None, service: str):
        self.base, self.issuer, self.staff, self.service = base, issuer, staff, service

    def __call__(self, method: str, path: str, status: int = 200, **kwargs):
        staff = self.staff and dataclasses.replace(self.staff, request_id=uuid.uuid4().hex)
        headers = {"Authorization": f"Bearer {self.issuer.mint(staff, self.service)}"} if staff else {}
        response = requests.request(method, self.base + path, headers=headers, timeout=10, **kwargs)
        assert response.status_code == status, response.text
        return response.json()
