"""The gateway as a nameko service: the one door into the centre's services.

Staff sign in here (a password, or the centre's identity provider) and get a session: a
cookie for the pages (HttpOnly, SameSite=Strict, Secure under TLS; every state-changing
request carries the session's anti-forgery token), or the same token as a bearer for other
clients. `/api/<service>/<path>` forwards a request to that service with a token the gateway
signs for it alone, naming the member of staff; the service checks it and its own role rule.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

from nameko.dependency_providers import Config
from werkzeug.wrappers import Response

from services.gateway.application import GatewayApplication
from services.gateway.domain import SignInRefused
from services.gateway.oidc import Provider, ProviderSettings
from services.gateway.pages import render
from services.gateway.schemas import (
    ACCOUNT,
    ACCOUNTS,
    ACCOUNTS_QUERY,
    ACCOUNT_FILE,
    ACCOUNT_REF,
    EVENTS_QUERY,
    FORWARDED,
    ME,
    MOMENT_QUERY,
    PAGE,
    PASSWORD,
    REPORT,
    REPORT_QUERY,
    ROLES_AT,
    ROLE_CHANGE,
    SIGNED_IN,
    SIGNED_OUT,
    SIGN_IN_QUERY,
    STREAM,
)
from services.gateway.stream import EventStream
from services.gateway.ui.care import CarePages
from services.gateway.ui.casework import CaseworkPages
from services.gateway.ui.decisions import DecisionsPages
from services.gateway.ui.desk import DeskPages
from services.gateway.ui.oversight import OversightPages
from services.gateway.ui.training import TrainingPages
from services.gateway.web import (
    ANY_STAFF,
    COOKIE_KEY,
    FORWARDED_HEADERS,
    PASSED_BACK_HEADERS,
    MRPIPS03_TEAMS,
    OIDC_COOKIE,
    SAFE_METHODS,
    SESSION_COOKIE,
    ServiceRefused,
    TeamUnavailable,
    UnknownService,
    gateway_api,
    local,
    redirect,
    secure,
    with_session,
)
from shared.keys import secret
from shared.mrpips03 import combine, to_csv, to_html
from shared.roles import AUDITOR, DIRECTOR, OPERATOR
from shared.service import EventStore, Health
from shared.values import InvalidDate
from shared.web import PUBLIC, json_response, request_json


class GatewayService(Health, DeskPages, CaseworkPages, DecisionsPages, CarePages, TrainingPages, OversightPages):
    name = "gateway"
    answers_pages = True  # a refusal may be a page (text/html), as the API document says
    store: GatewayApplication = EventStore(GatewayApplication)
    stream: EventStream = EventStream()
    config = Config()

    # --- signing in and out ------------------------------------------------------------

    @gateway_api("GET", "/sign-in", roles=PUBLIC, query=SIGN_IN_QUERY, answer=PAGE)
    def sign_in_page(self, request, error: str = ""):
        target = request.args.get("next") or request.form.get("next") or "/"
        page = render("sign_in.html", None, None, title="Logowanie", error=error, next=local(target),
                      provider=self._provider() is not None)
        return Response(page, status=401 if error else 200, mimetype="text/html")

    @gateway_api("POST", "/sign-in", roles=PUBLIC, answer=SIGNED_IN, redirects=True)
    def sign_in(self, request):
        """A form (the page) or JSON {"login", "password"} (another client, which gets the token)."""
        as_json = request.mimetype == "application/json"
        body = request_json(request) if as_json else request.form
        try:
            token = self.store.sign_in(body.get("login"), body.get("password"))
        except SignInRefused:
            if as_json:
                raise
            return self.sign_in_page(request, "Nieprawidłowy login lub hasło albo konto jest chwilowo zablokowane.")
        if as_json:
            return 201, {"token": token, "csrf_token": GatewayApplication.csrf_token(token)}
        return with_session(redirect(local(body.get("next") or "/")), token, secure(request, self.config))

    @gateway_api("POST", "/sign-out", roles=ANY_STAFF, answer=SIGNED_OUT, redirects=True)
    def sign_out(self, request):
        self.store.end_session(request.session_token)
        self.stream.hub.end_session(request.session_token)
        if request.mimetype == "application/json" or not request.cookies.get(SESSION_COOKIE):
            return with_session(json_response({"signed_out": True}), None, secure(request, self.config))
        return with_session(redirect("/sign-in"), None, secure(request, self.config))

    @gateway_api("GET", "/sign-in/provider", roles=PUBLIC, redirects=True)
    def sign_in_with_provider(self, request):
        provider = self._provider()
        if provider is None:
            raise UnknownService("this centre signs in with passwords only")
        location, attempt = provider.start()
        response = redirect(location)
        response.set_cookie(OIDC_COOKIE, attempt, path="/sign-in/provider", httponly=True, samesite="Lax",
                            secure=secure(request, self.config), max_age=600)
        return response

    @gateway_api("GET", "/sign-in/provider/callback", roles=PUBLIC, redirects=True)
    def provider_callback(self, request):
        provider = self._provider()
        if provider is None:
            raise UnknownService("this centre signs in with passwords only")
        identity = provider.finish(request.args.get("code") or "", request.args.get("state") or "",
                                   request.cookies.get(OIDC_COOKIE))
        token = self.store.sign_in_external(identity.issuer, identity.subject, identity.name, identity.groups)
        response = with_session(redirect("/"), token, secure(request, self.config))
        response.delete_cookie(OIDC_COOKIE, path="/sign-in/provider")
        return response

    @gateway_api("GET", "/api/me", roles=ANY_STAFF, answer=ME)
    def me(self, request):
        staff = request.staff
        return 200, {"id": staff.id, "name": staff.name, "roles": sorted(staff.roles), "team": staff.team,
                     "csrf_token": GatewayApplication.csrf_token(request.session_token)}

    # --- the live stream -------------------------------------------------------------------

    @gateway_api("GET", "/events", roles=ANY_STAFF, query=EVENTS_QUERY, answer=STREAM)
    def events(self, request):
        """Server-sent events: the CloudEvents this member of staff's roles may see, live; resume
        with the Last-Event-ID header (or ?last_event_id=) to get exactly what came after it."""
        token = request.session_token
        request.environ["eventlet.minimum_write_chunk_size"] = 0  # each event goes out as it comes
        stream = self.stream.open(request.staff, token,
                                  request.headers.get("Last-Event-ID") or request.args.get("last_event_id"),
                                  still_signed_in=lambda: self.store.staff(token, touch=False) is not None)
        return Response(iter(stream), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    # --- the door to the services --------------------------------------------------------

    @gateway_api("GET,POST", "/api/<string:service>/<path:rest>", roles=ANY_STAFF, answer=FORWARDED)
    def forward(self, request, service: str, rest: str):
        """Forwards to the service with a token for it alone; the service decides what this member
        of staff may do there."""
        headers = {h: request.headers[h] for h in FORWARDED_HEADERS if h in request.headers}
        answer = self._ask(request.staff, service, request.method, f"/{rest}", request.args, headers,
                           data=request.get_data() if request.method not in SAFE_METHODS else None, stream=True)

        def passed_on():  # a piece at a time: an audit export is as long as the log
            try:
                yield from answer.iter_content(65536)
            finally:
                answer.close()

        response = Response(passed_on(), status=answer.status_code,
                            content_type=answer.headers.get("Content-Type", "application/json"))
        for header in PASSED_BACK_HEADERS:  # a file the service hands out (the bank file, an export)
            if header in answer.headers:
                response.headers[header] = answer.headers[header]
        return response

    # --- the director's report -----------------------------------------------------------------

    @gateway_api("GET", "/reports/mrpips03", roles={DIRECTOR}, query=REPORT_QUERY, answer=REPORT)
    def mrpips03(self, request):
        """The half-year MRPiPS-03 report (?year=YYYY&half=1|2&format=json|csv|html): each team's
        part, figures only, asked of it with the director's own token, combined in the form's order."""
        year, half = request.args.get("year", type=int), request.args.get("half", type=int)
        parts = {}
        for team in MRPIPS03_TEAMS:
            answer = self._ask(request.staff, team, "GET", "/mrpips03-part", {"year": year, "half": half})
            if 400 <= answer.status_code < 500:  # the team's own refusal (a half-year its rules do not reach)
                raise ServiceRefused(answer.status_code, answer.json())
            if answer.status_code != 200:
                raise TeamUnavailable(f"{team} did not give its part ({answer.status_code}); try again")
            parts[team] = answer.json()
        report = combine(parts, year, half)
        form = request.args.get("format") or "json"
        if form == "csv":
            return Response(to_csv(report), mimetype="text/csv", headers={
                "Content-Disposition": f'attachment; filename="MRPiPS-03-{year}-{half}.csv"'})
        if form == "html":
            return Response(to_html(report), mimetype="text/html")
        return 200, report

    # --- staff accounts (the operator) ----------------------------------------------------

    @gateway_api("GET", "/accounts", roles={OPERATOR, AUDITOR}, query=ACCOUNTS_QUERY, answer=ACCOUNTS)
    def accounts(self, request):
        """A page at a time, by login: `{"accounts": [...], "next_after": ...}`."""
        found = self.store.accounts(request.args.get("limit", type=int), request.args.get("after"))
        return 200, {**found, "accounts": [_account(a) for a in found["accounts"]]}

    @gateway_api("POST", "/accounts", roles={OPERATOR}, body=ACCOUNT, answer=ACCOUNT_REF)
    def open_account(self, request):
        body = request_json(request)
        account_id = self.store.open_account(body.get("login"), body.get("name"), body.get("roles") or [],
                                             body.get("team"), body.get("password"), by=request.staff.name)
        return 201, {"account_id": account_id}

    @gateway_api("POST", "/accounts/<uuid:account_id>/roles", roles={OPERATOR}, body=ROLE_CHANGE, answer=ACCOUNT_FILE)
    def assign_roles(self, request, account_id: UUID):
        body = request_json(request)
        self.store.assign_roles(account_id, body.get("roles") or [], body.get("team"), by=request.staff.name)
        return 200, _account(self.store.account(account_id))

    @gateway_api("POST", "/accounts/<uuid:account_id>/password", roles={OPERATOR}, body=PASSWORD, answer=ACCOUNT_REF)
    def set_password(self, request, account_id: UUID):
        self.store.set_password(account_id, request_json(request).get("password"), by=request.staff.name)
        return 200, {"account_id": account_id}

    @gateway_api("POST", "/accounts/<uuid:account_id>/disabling", roles={OPERATOR}, answer=ACCOUNT_FILE)
    def disable(self, request, account_id: UUID):
        self.store.disable(account_id, by=request.staff.name)
        return 200, _account(self.store.account(account_id))

    @gateway_api("GET", "/accounts/<uuid:account_id>/roles-at", roles={OPERATOR, AUDITOR}, query=MOMENT_QUERY,
                 answer=ROLES_AT)
    def roles_at(self, request, account_id: UUID):
        """What an account could do at a moment (?at=ISO date-time with offset)."""
        try:
            moment = datetime.fromisoformat(request.args.get("at") or "")
        except ValueError:
            raise InvalidDate("'at' must be an ISO date-time with its offset, e.g. 2026-11-02T09:00:00+01:00") \
                from None
        if moment.tzinfo is None:
            raise InvalidDate("'at' needs its offset, e.g. +01:00")
        return 200, self.store.roles_on(account_id, moment)

    # --- internals -------------------------------------------------------------------------

    def _provider(self) -> Provider | None:
        settings = ProviderSettings.of(self.config.get("OIDC"))
        if settings is None:
            return None
        return Provider(settings, secret(Path(self.store.secrets_dir) / COOKIE_KEY).encode())


def _account(a) -> dict:
    return {"account_id": a.id, "login": a.login, "name": a.name, "roles": a.roles, "team": a.team,
            "source": a.source, "disabled": a.disabled,
            "locked_until": a.locked_until.isoformat() if a.locked_until else None}
