"""A member of staff signed in at the gateway, calling the services through it: what the demo,
the tests and the benchmarks use, and an example for a script of the centre's own."""

from __future__ import annotations

import requests

from deploy.staff import DEMO_PASSWORD


class StaffClient:
    """A member of staff signed in at the gateway, calling the services through it."""

    def __init__(self, gateway: str, login: str, password: str = DEMO_PASSWORD):
        self.gateway = gateway
        self.http = requests.Session()
        signed = self.http.post(f"{gateway}/sign-in", json={"login": login, "password": password}, timeout=10)
        assert signed.status_code == 201, signed.text
        self.token = signed.json()["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def url(self, service: str, path: str) -> str:
        return f"{self.gateway}/api/{service}/{path.lstrip('/')}"

    def get(self, service: str, path: str, **kw) -> requests.Response:
        return self.http.get(self.url(service, path), timeout=kw.pop("timeout", 10), **kw)

    def post(self, service: str, path: str, body: dict | None = None, **kw) -> requests.Response:
        return self.http.post(self.url(service, path), json=body or {}, timeout=kw.pop("timeout", 10), **kw)

    def ok(self, response: requests.Response, *statuses: int):
        assert response.status_code in (statuses or (200, 201)), f"{response.status_code}: {response.text}"
        return response.json()
