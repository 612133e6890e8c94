"""The HTTP edge of a service: JSON in, JSON out, named errors, bounded requests.

`@api(method, url, roles=...)` is nameko's `@http` with what every endpoint of this system needs:
- only the gateway's token opens it (shared/identity.py): without a valid one, 401; with a
  valid one for none of the endpoint's roles, 403; the handler finds the member of staff in
  `request.staff`. Only `/health` is `PUBLIC` (it names no one);
- a request body larger than `MAX_REQUEST_BYTES` (config; 1 MiB by default) is refused with
  413 before it is read, one without a Content-Length (chunked) with 411;
- the handler returns `(status, payload)`; the payload goes out as JSON;
- a refused command (ValueError) answers 400, a missing record (LookupError) 404, a refused
  reader (PermissionError) 403, something not answering (Unavailable) 503, each with the
  error's name and message; anything else is a
  bug: 500 with a reference to the log line, which names the error but never quotes it
  (an error's message may quote a person's data).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import re
import socket
import ssl
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable
from uuid import UUID

import eventlet
from eventsourcing.persistence import InterfaceError, OperationalError
from nameko.exceptions import IncorrectSignature
from nameko.extensions import SharedExtension
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from shared import idempotency
from shared.identity import PUBLIC_KEYS, Staff, TokenVerifier, Unauthenticated
from shared.metrics import count_request
from shared.roles import role_names
from shared.schemas import BodySchema, QuerySchema
from shared.redaction import describe_with_frames
from shared.values import InvalidDate

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 1024 * 1024


class Unavailable(RuntimeError):
    """Something this answer needs is not answering now (503): try again shortly."""


class StoreUnavailable(Unavailable):
    """This service's database is not answering: nothing was recorded; try again shortly."""

    polish = "Baza danych tej usługi nie odpowiada; nic nie zapisano. Spróbuj ponownie za chwilę."


class RequestTooLarge(ValueError):
    """The request body is larger than this service accepts."""


class LengthRequired(ValueError):
    """A request body must say its length (Content-Length); a chunked one is not read."""


PUBLIC = frozenset({"*"})  # an endpoint anyone may call: it must never name a person


class GatewayTokens(SharedExtension):
    """The service's verifier of the gateway's tokens, one per container."""

    def setup(self) -> None:
        config = self.container.config
        keys = config.get("GATEWAY_PUBLIC_KEYS") or Path(config.get("DATA_DIR") or "var") / "secrets" / PUBLIC_KEYS
        self.verifier = TokenVerifier(keys)

    def staff(self, request) -> Staff:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return self.verifier.verify(token.strip() if scheme.lower() == "bearer" else None,
                                    audience=self.container.service_name)


class JsonWsgiApp(WsgiApp):
    """nameko's WSGI app, answering an unknown path (404) or method (405) in JSON too."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as error:
            allowed = ", ".join(sorted(getattr(error, "valid_methods", None) or []))
            # The path is not quoted back: it may carry what someone typed (a PESEL in a URL).
            problem = {404: NoSuchPath("there is no endpoint at this path"),
                       405: MethodNotAllowed(f"this path takes {allowed}, not this method")}
            response = error_response(problem.get(error.code, error), error.code or 400)
            if error.code == 405:
                response.headers["Allow"] = allowed
            return response(environ, start_response)
        request.path_values = values
        return provider.handle_request(request)(environ, start_response)


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, **kwargs):
        """HTTPS when WEB_TLS_CERT_FILE and WEB_TLS_KEY_FILE are set (the gateway's street door)."""
        certificate, key = self.container.config.get("WEB_TLS_CERT_FILE"), self.container.config.get("WEB_TLS_KEY_FILE")
        if certificate or key:
            # The handshake waits for the request's own green thread: done on accept, one client
            # that speaks plain HTTP (or nothing) would stop the accepting loop for everyone.
            sock = eventlet.wrap_ssl(sock, certfile=certificate, keyfile=key, server_side=True,
                                     do_handshake_on_connect=False)
            self._sock = sock  # WebServer.run accepts on it
        return super().get_wsgi_server(sock, wsgi_app, **kwargs)

    def process_request(self, sock, address):
        # An answer over eventlet's 16 KiB write buffer leaves in two sends; with Nagle's algorithm
        # the second waits for the client's delayed ACK (40 ms on Linux), so every long list or page
        # took 40 ms more than its work. TCP_QUICKACK, which eventlet sets, does not last.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            super().process_request(sock, address)
        except ssl.SSLError as error:
            # A client that failed the handshake (plain HTTP, an unknown CA) is its own problem;
            # raised here, it would kill the service (nameko stops on a managed thread's error).
            log.info("a connection closed during TLS: %s", error.reason)
            sock.close()


class NoSuchPath(LookupError):
    """No endpoint at this path."""

    polish = "nie ma tu takiej ścieżki"


class MethodNotAllowed(ValueError):
    """The endpoint at this path does not take this method (the answer's Allow header says which do)."""

    polish = "ta ścieżka nie przyjmuje tej metody"


class Api(HttpRequestHandler):
    server = JsonWebServer()
    tokens = GatewayTokens()

    def __init__(self, method: str, url: str, roles: frozenset[str], max_bytes: int | None = None,
                 body: dict | None = None, query: dict | None = None, answer: dict | list[dict] | None = None,
                 redirects: bool = False, **kwargs):
        if not roles:
            raise ValueError(f"{method} {url} needs a role rule")
        self.roles = frozenset(roles)
        self.max_bytes = max_bytes  # this endpoint's own limit on a request body, else the service's
        self.body = BodySchema(body) if body is not None else None  # the published shape of its body
        self.query = QuerySchema(query) if query is not None else None  # and of its query
        self.answer = answer  # the shape of its success's body (shared/schemas.py, "answers")
        self.redirects = redirects  # it may answer by sending the browser on (a form's page, sign-in)
        super().__init__(method, url, **kwargs)

    @functools.cached_property
    def signature(self) -> inspect.Signature:
        return inspect.signature(getattr(self.container.service_cls, self.method_name))

    def check_signature(self, args, kwargs):
        # nameko's own check (inspect.getcallargs) works the handler's signature out again on every
        # request: 4 % of a busy service's CPU for the same answer each time.
        try:
            self.signature.bind(None, *args, **kwargs)
        except TypeError as error:
            raise IncorrectSignature(str(error)) from None

    def identify(self, request) -> Staff:
        """Who asks: the member of staff the gateway's token names (Unauthenticated if none)."""
        return self.tokens.staff(request)

    def too_large(self, request, limit: int) -> Response:
        return error_response(RequestTooLarge(f"the request body is over the limit of {limit} bytes"), 413)

    def unauthenticated(self, request, error: Exception):
        response = error_response(error, 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="ops"'
        return response

    def handle_request(self, request):
        started = time.perf_counter()
        try:
            response = self._handle(request)
        except Exception as error:  # a bug at the door: answered and logged like one in a handler
            response = internal_error(error)
        count_request(self.container.service_name, request.method, self.url, response.status_code)
        staff = getattr(request, "staff", None)
        # The endpoint's pattern, not the path: the log names no record.
        log.info("%s %s %s in %.1f ms", request.method, self.url, response.status_code,
                 (time.perf_counter() - started) * 1000,
                 extra={"request_id": getattr(staff, "request_id", None), "status": response.status_code})
        return response

    def _handle(self, request):
        request.shallow = False  # nameko reads nothing before the entrypoint; this one may read a form
        limit = self.max_bytes or int(self.container.config.get("MAX_REQUEST_BYTES") or MAX_REQUEST_BYTES)
        request.max_content_length = limit  # werkzeug refuses to read past it, chunked or not
        if request.content_length is not None and request.content_length > limit:
            return self.too_large(request, limit)
        if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            # The server would hand the handler an empty body: say so rather than act on nothing.
            return error_response(LengthRequired("send the request body with its Content-Length"), 411)
        request.staff = None
        if self.roles != PUBLIC:
            try:
                request.staff = self.identify(request)
            except Unauthenticated as error:
                return self.unauthenticated(request, error)
            except PermissionError as error:
                return error_response(error, 403)
            if not request.staff.roles & self.roles:
                return error_response(NotYourRole(f"this needs one of the roles: {', '.join(role_names(self.roles))}"),
                                      403)
        try:  # not JSON, or not the declared shape: nothing reaches the handler
            if self.query is not None:
                self.query.check(request.args)
            if self.body is not None:
                self.body.check(request_json(request))
        except ValueError as error:
            return error_response(error, 400)
        return super().handle_request(request)

    def response_from_exception(self, exc):
        if isinstance(exc, HTTPException) and exc.code == 413:
            return error_response(RequestTooLarge(exc.description), 413)
        return internal_error(exc)


class NotYourRole(PermissionError):
    """The signed-in member of staff has none of the roles this needs."""


class PassedOn(Exception):
    """Another service's answer to a request this one made for its client (the gateway's pages and
    reports), answered as it came: its status and its JSON refusal."""

    def __init__(self, status: int, answer: dict):
        super().__init__(answer.get("message", ""))
        self.status, self.answer = status, answer


def api(method: str, url: str, roles: Iterable[str], entrypoint: type[Api] = Api,
        max_bytes: int | None = None, body: dict | None = None, query: dict | None = None,
        answer: dict | list[dict] | None = None, redirects: bool = False) -> Callable:
    """An HTTP endpoint answering JSON to the roles named (see the module's docstring), its request
    body checked against `body` and its query against `query` (an object of its parameters), JSON
    Schemas (shared/schemas.py), when declared. `answer` is the schema of a success's body (JSON,
    or the text of the media type it names: `contentMediaType`; a list where the client chooses
    among them), `redirects` that it may send the browser on instead; both are published in the
    OpenAPI document."""

    def decorate(handler: Callable) -> Callable:
        return entrypoint.decorator(method, url, roles=frozenset(roles), max_bytes=max_bytes,
                                    body=body, query=query, answer=answer, redirects=redirects)(json_api(handler))

    return decorate


def json_api(handler: Callable) -> Callable:
    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        store = getattr(self, "store", None)  # the service's own event store, where receipts are kept
        try:
            taken = idempotency.take(store, request) if store is not None else None
        except idempotency.IdempotencyKeyReused as error:
            return error_response(error, 422)
        except idempotency.CommandInProgress as error:
            return error_response(error, 409)
        except ValueError as error:
            return error_response(error, 400)
        if isinstance(taken, idempotency.CommandReceipt):  # a retry: the first answer, nothing done again
            response = Response(taken.body, status=taken.status, mimetype=taken.mimetype)
            response.headers["Idempotent-Replayed"] = "true"
            return response
        context = idempotency.PENDING.set(taken)
        try:
            response = _answer(handler, self, request, *args, **kwargs)
        finally:
            idempotency.PENDING.reset(context)
        if taken is not None and taken.saved and not response.is_streamed:
            taken.receipt.answered(response.status_code, response.get_data(as_text=True), response.mimetype)
            store.save(taken.receipt)
        return response

    return wrapper


def _answer(handler: Callable, instance: Any, request, /, *args, **kwargs) -> Response:
    store = getattr(instance, "store", None)
    try:
        if getattr(store, "store_down", False):
            store.answering()
        result = handler(instance, request, *args, **kwargs)
        if isinstance(result, Response):  # a page, a redirect, a forwarded answer
            return result
        status, payload = result
    except PassedOn as error:
        return json_response(error.answer, error.status)
    except PermissionError as error:
        return error_response(error, 403)
    except LookupError as error:
        if isinstance(error, (KeyError, IndexError)):
            return internal_error(error)  # a bug, not a missing record
        return error_response(error, 404)
    except ValueError as error:
        return error_response(error, 400)
    except Unavailable as error:
        return error_response(error, 503)
    except (OperationalError, InterfaceError) as error:  # the database is down or unreachable
        log.warning("the store does not answer (%s)", type(error).__name__)
        if store is not None:
            store.store_down = True
        return error_response(StoreUnavailable("this service's database is not answering: nothing was "
                                               "recorded; try again shortly"), 503)
    except idempotency.CommandInProgress as error:  # the same key's other request saved first
        return error_response(error, 409)
    except HTTPException as error:
        if error.code == 413:
            return error_response(RequestTooLarge(error.description), 413)
        return internal_error(error)
    except Exception as error:
        return internal_error(error)
    return json_response(payload, status)


def internal_error(error: BaseException) -> Response:
    reference = uuid.uuid4().hex[:12]
    log.error("internal error %s: %s", reference, describe_with_frames(error))
    return json_response({"error": "InternalError",
                          "message": f"the service failed; the operator finds it in the log as {reference}"}, 500)


def error_response(error: Exception, status: int) -> Response:
    """The error's name and message, and the request field it is about when its class names one
    (`field = "pesel"`), so that a page can show it beside that field."""
    answer = {"error": type(error).__name__, "message": _message(error)}
    if getattr(error, "field", None):
        answer["field"] = error.field
    if getattr(error, "polish", None):
        answer["message_pl"] = error.polish
    return json_response(answer, status)


def to_json(value: Any) -> Any:
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    return value


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(to_json(payload), ensure_ascii=False), status=status, mimetype="application/json")


def _message(error: Exception) -> str:
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)


class MalformedRequest(ValueError):
    """The request body is not a JSON object."""


def request_json(request) -> dict:
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except (json.JSONDecodeError, RecursionError) as error:
        raise MalformedRequest(f"the request body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise MalformedRequest("the request body must be a JSON object")
    return body


def date_from(values, name: str, required: bool = True) -> date | None:
    """A date from a JSON body or query arguments."""
    value = values.get(name)
    if value in (None, ""):
        if required:
            raise InvalidDate(f"'{name}' is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidDate(f"'{name}' must be a date YYYY-MM-DD, not {value!r}") from None


class UnknownStep(LookupError):
    """No such step of a case, a proceeding or a service."""


def run_step(steps: dict[str, Callable[[], Any]], step: str) -> Any:
    """Runs one named step of a process (an HTTP path segment) or names the steps there are."""
    if step not in steps:
        raise UnknownStep(f"no step {step!r}; steps: {', '.join(steps)}")
    return steps[step]()


# What every refusal (4xx) and failure (5xx) answers (`error_response`, `internal_error`); a
# refusal may carry more (what differs, the service's own detail).
REFUSAL = {"type": "object", "required": ["error", "message"],
           "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"},
                          "message_pl": {"type": "string"}}}


def api_document(service_class: type, title: str) -> dict:
    """The service's OpenAPI document, from its endpoints as declared: paths, methods, the roles
    each allows (x-roles), the schema of each request body and each query parameter, and the shape
    of a refusal (JSON; or a page, at a service whose class says `answers_pages`)."""
    refusal = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    if getattr(service_class, "answers_pages", False):
        refusal["text/html"] = {"schema": {"type": "string"}}
    refused = {"4XX": {"description": "refused: the named error, what it is about in English and Polish",
                       "content": refusal},
               "5XX": {"description": "failed or unavailable: try again; the operator finds it in the log",
                       "content": refusal}}
    paths: dict[str, dict] = {}
    for attribute in sorted(dir(service_class)):
        for endpoint in getattr(getattr(service_class, attribute), "nameko_entrypoints", ()):
            if not isinstance(endpoint, Api):
                continue
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", endpoint.url)
            for method in endpoint.method.split(","):
                operation: dict[str, Any] = {
                    "operationId": f"{attribute}_{method.lower()}", "x-roles": sorted(endpoint.roles),
                    "summary": ((getattr(service_class, attribute).__doc__ or "").strip().split("\n")[0]
                                or attribute.replace("_", " ")),
                    "parameters": [{"name": name, "in": "path", "required": True,
                                    "schema": {"type": "string", "format": "uuid"} if kind == "uuid" else
                                    {"type": "string"}}
                                   for kind, name in re.findall(r"<(\w+):(\w+)>", endpoint.url)] +
                                  _query_parameters(endpoint.query),
                    "responses": {**_success(endpoint), **refused},
                }
                if method not in idempotency.SAFE_METHODS and endpoint.roles != PUBLIC:
                    operation["parameters"].append(IDEMPOTENCY_KEY)
                if endpoint.body is not None:
                    operation["requestBody"] = {"required": True, "content": {
                        "application/json": {"schema": endpoint.body.schema}}}
                paths.setdefault(path, {})[method.lower()] = operation
    return {"openapi": "3.1.0", "info": {"title": title, "version": "1"}, "paths": paths,
            "components": {"schemas": {"Refusal": REFUSAL}}}


def _success(endpoint: Api) -> dict:
    """What an endpoint answers when it does what was asked: its declared body (JSON, or the text of
    the media type the schema names), and a redirect where it sends the browser on."""
    answers = {}
    if endpoint.answer is not None:
        alternatives = endpoint.answer if isinstance(endpoint.answer, list) else [endpoint.answer]
        answers["2XX"] = {"description": "done: the answer", "content": {
            schema.get("contentMediaType", "application/json"): {"schema": schema} for schema in alternatives}}
    if endpoint.redirects:
        answers["3XX"] = {"description": "done: on to the page in Location",
                          "headers": {"Location": {"schema": {"type": "string"}}}}
    return answers


IDEMPOTENCY_KEY = {
    "name": idempotency.HEADER, "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 8, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
    "description": "one key per command: sent again with the same request, the first answer comes back "
                   "(Idempotent-Replayed: true) and nothing is done twice; with another request, 422"}


def _query_parameters(query: QuerySchema | None) -> list[dict]:
    if query is None:
        return []
    required = set(query.schema.get("required", ()))
    return [{"name": name, "in": "query", "required": name in required, "schema": schema}
            for name, schema in query.schema["properties"].items()]

