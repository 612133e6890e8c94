"""What every page shares: rendering with the session, the start page of each role, the static
files, the accessibility statement, and a service's refusal shown as a page."""

from __future__ import annotations

import mimetypes
from datetime import date

from werkzeug.wrappers import Response

from services.gateway.application import GatewayApplication
from services.gateway.pages import STATIC, render, start_page
from services.gateway.schemas import FILE, PAGE
from services.gateway.web import ANY_STAFF, ServiceCalls, ServiceRefused, gateway_api, redirect
from shared.web import PUBLIC, NoSuchPath


class Pages(ServiceCalls):
    def page(self, request, template: str, title: str, status: int = 200, **context) -> Response:
        csrf = GatewayApplication.csrf_token(request.session_token) if getattr(request, "session_token", None) \
            else None
        return Response(render(template, request.staff, csrf, title=title, current=request.path,
                               today=date.today(), **context), status=status, mimetype="text/html")

    def fragment(self, template: str, **context) -> Response:
        return Response(render(template, None, None, **context), mimetype="text/html")

    def service_page(self, request, title: str, build) -> Response:
        """A page whose data a service gives: the service's refusal becomes the page's message."""
        try:
            return build()
        except ServiceRefused as refused:
            return self.page(request, "refused.html", title, status=refused.status, answer=refused.answer)

    @gateway_api("GET", "/", roles=ANY_STAFF, redirects=True)
    def home(self, request):
        return redirect(start_page(request.staff.roles))

    @gateway_api("GET", "/static/<string:name>", roles=PUBLIC, answer=FILE)
    def static(self, request, name: str):
        path = STATIC / name
        if name.startswith(".") or not path.is_file():
            raise NoSuchPath("there is no such file")
        return Response(path.read_bytes(), mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
                        headers={"Cache-Control": "max-age=300"})

    @gateway_api("GET", "/deklaracja-dostepnosci", roles=PUBLIC, answer=PAGE)
    def accessibility_statement(self, request):
        return self.page(request, "accessibility.html", "Deklaracja dostępności")
