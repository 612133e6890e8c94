"""The gateway's HTTP edge: who asks is the signed-in session (a cookie for the pages, the same
token as a bearer for other clients), and the helpers its endpoints and pages share."""

from __future__ import annotations

import hmac

import requests
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from services.gateway.application import GatewayApplication
from shared.identity import Staff, Unauthenticated
from shared.roles import ROLES
from shared.service import EventStore
from shared.web import Api, PassedOn, Unavailable, api


SESSION_COOKIE = "ops_session"
OIDC_COOKIE = "ops_oidc"
COOKIE_KEY = "gateway-cookie.key"  # signs the identity provider's sign-in attempts
ANY_STAFF = frozenset(ROLES)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FORWARDED_HEADERS = ("Content-Type", "Accept", "Idempotency-Key", "Last-Event-ID")
PASSED_BACK_HEADERS = ("Content-Disposition", "X-Audit-Final-Hash", "X-Audit-Events", "Idempotent-Replayed")


class MissingCsrfToken(PermissionError):
    """A change made with the session cookie must carry the session's anti-forgery token (X-CSRF-Token)."""


class UnknownService(LookupError):
    """The gateway forwards only to the centre's services."""


class TeamUnavailable(Unavailable):
    """A team's service is not answering now."""


MRPIPS03_TEAMS = ("decisions", "casework", "care")  # the teams whose stores hold the report's figures


def session_token(request) -> tuple[str | None, bool]:
    """The session token and whether it came in the cookie (a browser) rather than as a bearer."""
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer.strip():
        return bearer.strip(), False
    return request.cookies.get(SESSION_COOKIE), True


class SessionApi(Api):
    """The gateway's own endpoints: who asks is the signed-in session, not a service token."""

    def store(self) -> GatewayApplication:
        return next(d.app for d in self.container.dependencies if isinstance(d, EventStore))

    def identify(self, request) -> Staff:
        token, from_cookie = session_token(request)
        staff = self.store().staff(token)
        if staff is None:
            raise Unauthenticated("sign in first (or again: the session has ended)")
        if from_cookie and request.method not in SAFE_METHODS:
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
            if not hmac.compare_digest(sent, GatewayApplication.csrf_token(token)):
                raise MissingCsrfToken("this change lacks the page's anti-forgery token: reload the page")
        request.session_token = token
        return staff

    def unauthenticated(self, request, error):
        if "text/html" in request.headers.get("Accept", "") and request.method in SAFE_METHODS:
            return redirect(f"/sign-in?{urlencode({'next': request.path})}")
        return super().unauthenticated(request, error)


def gateway_api(method: str, url: str, roles, body: dict | None = None, query: dict | None = None,
                answer: dict | list[dict] | None = None, redirects: bool = False):
    return api(method, url, roles, entrypoint=SessionApi, body=body, query=query, answer=answer,
               redirects=redirects)


def command_headers(request) -> dict:
    """The headers of a page's command the gateway reshapes and sends on: JSON, and the page's
    Idempotency-Key, so that a form sent again is carried out once (docs/architecture.md)."""
    key = request.headers.get("Idempotency-Key")
    return {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}


def redirect(location: str, status: int = 303) -> Response:
    return Response("", status=status, headers={"Location": location})


def secure(request, config: dict) -> bool:
    return bool(config.get("SECURE_COOKIES")) or request.scheme == "https"


def with_session(response: Response, token: str | None, secure_cookie: bool) -> Response:
    if token is None:
        response.delete_cookie(SESSION_COOKIE, path="/", samesite="Strict", httponly=True, secure=secure_cookie)
    else:
        response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="Strict", secure=secure_cookie)
    return response


def local(target: str) -> str:
    """Only a path of this gateway: never send a signed-in person to another site."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


_forwarding = requests.Session()


class ServiceCalls:
    """What the gateway's endpoints and pages share: asking a service as the member of staff."""

    name: str
    store: GatewayApplication
    config: dict

    def _ask(self, staff: Staff, service: str, method: str, path: str, params, headers: dict | None = None,
             data: bytes | None = None, stream: bool = False) -> requests.Response:
        """A request to a service with a token the gateway signs for it alone, naming the member of staff."""
        base = (self.config.get("SERVICE_URLS") or {}).get(service)
        if not base or service == self.name:
            raise UnknownService(f"no service {service!r} behind this gateway")
        headers = {**(headers or {}), "Authorization": f"Bearer {self.store.issuer.mint(staff, audience=service)}",
                   "X-Request-Id": staff.request_id}
        try:
            return _forwarding.request(method, f"{base.rstrip('/')}{path}", params=params, data=data,
                                       headers=headers, timeout=30, stream=stream)
        except requests.RequestException as error:
            raise TeamUnavailable(f"{service} is not answering now ({type(error).__name__}); try again shortly") \
                from None

    def _answer(self, staff: Staff, service: str, path: str, params=None) -> dict | list:
        """A service's JSON answer to a GET, or the service's own refusal raised as the gateway's."""
        answer = self._ask(staff, service, "GET", path, params)
        if answer.status_code >= 400:
            raise ServiceRefused(answer.status_code, answer.json() if answer.headers.get(
                "Content-Type", "").startswith("application/json") else {"error": "Error", "message": answer.text})
        return answer.json()


class ServiceRefused(PassedOn):
    """A service refused what a page asked of it (its status and named error go to the page, or,
    where the page does not show it, back as the answer)."""
