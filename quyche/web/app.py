"""``quyche serve``: the JSON API and the explorer's pages on FastAPI (docs/reference.md §6, docs/service.md).

One :class:`~quyche.Regulation` is loaded when the app is made and shared by every request (it is
safe from several threads; the durable engine serialises on its own lock). The JSON endpoints take
and return the library's own pydantic models, so ``/openapi.json`` is generated from them:

    POST /v1/evaluate?as_of=DATE     an event → its Decision
    POST /v1/explain?lang=vi|en      an event → the explanation, as text
    POST /v1/track?today=DATE        a case (an event and the duties done) → its CaseStatus
    GET  /v1/articles, /v1/articles/{n}   the articles with their rules, provenance and scenarios

An invalid event is a 422 ``{"errors": [{loc, msg}]}`` with the library's messages. Around the whole
app (:class:`QuycheApp`), three guards hold for every response: a body over :data:`MAX_BODY` bytes
is refused with 413 before anything parses it (chunked bodies included), a Content-Security-Policy
and related headers are set, and an unexpected error is a bare 500 without a traceback. The app reads
its rule and scenario files once, at start-up, and writes no file.

A new endpoint is one function on ``api``, as ``POST /v1/track`` is::

    @api.post("/track", response_model=CaseStatus, responses=ERRORS)
    def track(case: CaseBodyArg, reg: Reg, today: Today = None) -> Response: ...
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from quyche import __version__
from quyche.cases import Case, CaseStatus, DoneEntry, parse_case
from quyche.decision import Decision
from quyche.errors import InvalidEvent
from quyche.events import EVENT_TYPES, Event, parse_event
from quyche.events_base import IsoDate
from quyche.explain import explain
from quyche.regulation import Regulation
from quyche.web.catalog import ArticleView, Catalog
from quyche.web.forms import event_from_form
from quyche.web.render import FORM_PAGE, Renderer, static_files

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: The largest request body accepted, in bytes (as for files: ``quyche.rules.yamlsafe.MAX_BYTES``).
MAX_BODY = 1_000_000
#: Pages load only their own stylesheet and script; nothing from elsewhere, no inline code, no framing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
#: The endpoints whose body is an event in JSON.
_JSON_BODIES = frozenset({"/v1/evaluate", "/v1/explain", "/v1/track"})
_CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
log = logging.getLogger("quyche.web")


class ErrorItem(BaseModel):
    """One problem: where (``loc``, the field path) and what (``msg``)."""

    loc: list[str | int] = Field(description="the field path, e.g. ['year']; [] for the request as a whole")
    msg: str


class ErrorResponse(BaseModel):
    """The body of every error response (400, 404, 413, 422, 500)."""

    errors: list[ErrorItem]


ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "The event (or a query parameter) is not valid"},
    413: {"model": ErrorResponse, "description": f"The request body is over {MAX_BODY:,} bytes"},
}


def _errors(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"errors": [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in items]}


def _json_error(status: int, items: Sequence[dict[str, Any]]) -> JSONResponse:
    return JSONResponse(_errors(items), status_code=status)


# -- the guards around the whole app --------------------------------------------------------------------


async def _respond(send: Send, status: int, body: bytes, content_type: bytes = b"application/json") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _too_large() -> bytes:
    msg = f"the request body is over {MAX_BODY:,} bytes".replace(",", " ")
    return json.dumps({"errors": [{"loc": ["body"], "msg": msg}]}).encode()


class QuycheApp(FastAPI):
    """FastAPI with the service's guards outside everything else (so they hold for every response)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse big bodies, set the security headers, and hide unexpected errors, around the app."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k for k, _ in SECURITY_HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = [*headers, *SECURITY_HEADERS]
            await send(message)

        if scope.get("path") in _JSON_BODIES:  # the body is JSON whatever the client says (curl -d sends a form type)
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-type"]
            scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            if not declared.isdigit():
                bad = json.dumps({"errors": [{"loc": ["headers", "content-length"], "msg": "not a number"}]})
                await _respond(guarded_send, 400, bad.encode())
            else:
                await _respond(guarded_send, 413, _too_large())
            return
        # Read the whole body first, whatever its framing (chunked bodies have no Content-Length).
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                await _respond(guarded_send, 413, _too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        try:
            await super().__call__(scope, replay, guarded_send)
        except Exception:  # noqa: BLE001 - logged on the server, never shown to the client
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                internal = json.dumps({"errors": [{"loc": [], "msg": "internal error"}]}).encode()
                await _respond(guarded_send, 500, internal)


# -- the JSON API ----------------------------------------------------------------------------------------


def _regulation(request: Request) -> Regulation:
    reg: Regulation = request.app.state.regulation
    return reg


def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


Reg = Annotated[Regulation, Depends(_regulation)]
Cat = Annotated[Catalog, Depends(_catalog)]
AsOf = Annotated[str | None, Query(description="evaluate as of this ISO date (YYYY-MM-DD) instead of the event's date")]
EventBody = Annotated[Event, Body(description="an event (docs/reference.md §3): its type and the fields of that type")]
Today = Annotated[
    str | None, Query(description="track as of this ISO date (default: the case's today, else the current date)")
]


class CaseBody(BaseModel):
    """A case file in JSON (docs/cases.en.md): the event with the later dates it has reached, and the duties done."""

    model_config = ConfigDict(extra="forbid")

    case: str | None = Field(None, description="the case id, echoed")
    event: Event = Field(description="the event (docs/reference.md §3), with the later dates it has reached")
    done: list[DoneEntry] | None = Field(None, description="what each body did, and when")
    today: IsoDate | None = Field(None, description="the day to track the case on (default: the current date)")


CaseBodyArg = Annotated[CaseBody, Body(description="a case: the event and the duties done")]

api = APIRouter(prefix="/v1")


@api.post("/evaluate", response_model=Decision, responses=ERRORS, summary="The decision for one event")
def evaluate(event: EventBody, reg: Reg, as_of: AsOf = None) -> Response:
    """Who leads, coordinates, is informed and advises, each duty with its deadline, the citations and the trace."""
    decision = reg.evaluate(event, as_of=as_of)
    return Response(decision.model_dump_json(), media_type="application/json")


@api.post(
    "/explain",
    response_class=PlainTextResponse,
    responses=ERRORS,
    summary="The decision for one event, explained for people",
)
def explain_event(
    event: EventBody,
    reg: Reg,
    lang: Annotated[Literal["vi", "en"], Query(description="vi (default) or en")] = "vi",
    as_of: AsOf = None,
) -> PlainTextResponse:
    """The explanation ``quyche explain`` prints: Vietnamese by default, ``lang=en`` for English."""
    decision = reg.evaluate(event, as_of=as_of)
    return PlainTextResponse(explain(decision, lang, regulation=reg, event=event))


@api.post("/track", response_model=CaseStatus, responses=ERRORS, summary="The status of each duty of a case")
def track(case: CaseBodyArg, reg: Reg, today: Today = None) -> Response:
    """Each duty of the case's decision met, late, overdue, open or undated on ``today``, with ``days_late``.

    A ``done`` entry naming no duty of the decision, or a party without that duty, is a 422 naming it.
    """
    parsed = Case(case=case.case, event=case.event, done=tuple(case.done or ()), today=case.today)
    status = reg.track(parsed, today=today)
    return Response(status.model_dump_json(), media_type="application/json")


@api.get(
    "/articles",
    response_model=list[ArticleView],
    responses=ERRORS,
    summary="Every article with its rules and scenarios",
)
def articles(request: Request) -> Response:
    """The 23 articles in order: text, rules (conditions in words, provenance, basis), scenarios, coverage."""
    return Response(request.app.state.articles_json, media_type="application/json")


@api.get(
    "/articles/{n}",
    response_model=ArticleView,
    responses={**ERRORS, 404: {"model": ErrorResponse, "description": "No such article"}},
    summary="One article with its rules and scenarios",
)
def article(n: int, catalog: Cat) -> Response:
    """One article: its text beside its rules, the scenarios that cover it and whether they pass."""
    view = catalog.article(n)
    if view is None:
        numbers = [a.number for a in catalog.articles()]
        return _json_error(404, [{"loc": ["n"], "msg": f"no article {n}; the articles are {numbers[0]}–{numbers[-1]}"}])
    return Response(view.model_dump_json(), media_type="application/json")


# -- the pages -------------------------------------------------------------------------------------------


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status)


def _pages(app: FastAPI, renderer: Renderer) -> None:
    files = static_files()

    for prefix, lang in (("", "vi"), ("/en", "en")):
        lg: Literal["vi", "en"] = "vi" if lang == "vi" else "en"

        def index(lg: Literal["vi", "en"] = lg) -> HTMLResponse:
            return _html(renderer.index(lg))

        def chapter(n: int, lg: Literal["vi", "en"] = lg) -> HTMLResponse:
            page = renderer.chapter(n, lg)
            return _html(page) if page is not None else _html(renderer.not_found(lg), 404)

        def article_page(n: int, lg: Literal["vi", "en"] = lg) -> HTMLResponse:
            page = renderer.article(n, lg)
            return _html(page) if page is not None else _html(renderer.not_found(lg), 404)

        def form_get(request: Request, lg: Literal["vi", "en"] = lg) -> HTMLResponse:
            event_type = request.query_params.get("type") or None
            if event_type is not None and event_type not in EVENT_TYPES:
                return _html(renderer.form(lg, None, errors=_type_errors(event_type)), 422)
            return _html(renderer.form(lg, event_type))

        async def form_post(request: Request, lg: Literal["vi", "en"] = lg) -> HTMLResponse:
            raw = (await request.body()).decode("utf-8", errors="replace")
            try:
                pairs = parse_qsl(raw, keep_blank_values=True, max_num_fields=1000)
            except ValueError:
                return _html(renderer.form(lg, None, errors=[{"loc": [], "msg": "too many form fields"}]), 422)
            values: dict[str, list[str]] = {}
            for key, value in pairs:
                values.setdefault(key, []).append(value)
            event_type = (values.get("type") or [""])[-1]
            if event_type not in EVENT_TYPES:
                return _html(renderer.form(lg, None, errors=_type_errors(event_type)), 422)
            event = event_from_form(event_type, pairs)
            catalog: Catalog = request.app.state.catalog
            try:
                evaluation = catalog.evaluate(event)
            except InvalidEvent as exc:
                return _html(renderer.form(lg, event_type, values, errors=exc.errors), 422)
            return _html(renderer.form(lg, event_type, values, evaluation))

        opts: dict[str, Any] = {"include_in_schema": False, "response_class": HTMLResponse}
        app.get(f"{prefix}/", **opts)(index)
        app.get(f"{prefix}/index.html", **opts)(index)
        app.get(prefix + "/chuong-{n:int}.html", **opts)(chapter)
        app.get(prefix + "/dieu-{n:int}.html", **opts)(article_page)
        app.get(f"{prefix}/{FORM_PAGE}", **opts)(form_get)
        app.post(f"{prefix}/{FORM_PAGE}", **opts)(form_post)

    @app.get("/en", include_in_schema=False)
    def english() -> RedirectResponse:
        return RedirectResponse("/en/", status_code=308)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in files:
            raise StarletteHTTPException(404)
        return Response(files[name], media_type=_CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream"))


def _type_errors(event_type: str) -> list[dict[str, Any]]:
    try:
        parse_event({"type": event_type})
    except InvalidEvent as exc:
        errors = [dict(e) for e in exc.errors]
        return [e for e in errors if e.get("loc") == ["type"]] or errors
    return []  # pragma: no cover - only called for an unknown type


# -- errors ----------------------------------------------------------------------------------------------


def _handlers(app: FastAPI, renderer: Renderer) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        items: list[dict[str, Any]] = []
        body_errors = [e for e in exc.errors() if e.get("loc", ("",))[0] == "body"]
        if body_errors:
            items += await _event_errors(request, body_errors)
        for e in exc.errors():
            loc = list(e.get("loc", ()))
            if loc and loc[0] == "body":
                continue
            where = loc[1:] if loc and loc[0] in ("query", "path", "header") else loc
            items.append({"loc": where, "msg": f"{'.'.join(str(p) for p in where)}: {e.get('msg', 'invalid')}"})
        return _json_error(422, items)

    @app.exception_handler(InvalidEvent)
    async def invalid_event(request: Request, exc: InvalidEvent) -> JSONResponse:
        return _json_error(422, [dict(e) for e in exc.errors] or [{"loc": [], "msg": str(exc)}])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        path = request.url.path
        if exc.status_code == 400 and path in _JSON_BODIES:  # a body FastAPI cannot parse
            return _json_error(422, await _event_errors(request, []))
        if exc.status_code == 404 and not path.startswith("/v1") and request.method == "GET":
            lang: Literal["vi", "en"] = "en" if path.startswith("/en/") else "vi"
            return _html(renderer.not_found(lang, base_href="/en/" if lang == "en" else "/"), 404)
        return _json_error(exc.status_code, [{"loc": [], "msg": str(exc.detail)}])

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return _json_error(500, [{"loc": [], "msg": "internal error"}])


async def _event_errors(request: Request, fallback: list[Any]) -> list[dict[str, Any]]:
    """The library's own messages for an invalid event or case body (did-you-mean, accepted values)."""
    is_case = request.url.path == "/v1/track"
    raw = await request.body()
    if not raw.strip():
        return [{"loc": [], "msg": f"the request body is empty: send {'a case' if is_case else 'an event'} as JSON"}]
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return [{"loc": [], "msg": f"the request body is not valid JSON: {exc}"[:300]}]
    try:
        parse_case(data) if is_case else parse_event(data)
    except InvalidEvent as exc:
        return [dict(e) for e in exc.errors] or [{"loc": [], "msg": str(exc)}]
    # parse_event and FastAPI validate with the same models: this is only reached if they ever disagree
    return [{"loc": list(e.get("loc", ())[1:]), "msg": str(e.get("msg", "invalid"))} for e in fallback]


# -- the app ---------------------------------------------------------------------------------------------


def create_app(regulation: Regulation, scenario_paths: Sequence[str | Path] = ()) -> QuycheApp:
    """The service for one loaded Regulation, with the scenarios of ``scenario_paths`` for the explorer."""
    catalog = Catalog(regulation, scenario_paths)
    renderer = Renderer(catalog, served=True)
    app = QuycheApp(
        title="quyche",
        version=__version__,
        summary="Who leads, coordinates and is informed under the Bình Phước coordination regulation (2021–2026)",
        description=(
            "Evaluate events against the rules of the four-party coordination regulation of Bình Phước "
            "and read the articles with their rules, provenance and test scenarios. Errors are "
            '`{"errors": [{"loc": [...], "msg": "..."}]}`; bodies over 1 MB are refused (413).'
        ),
        docs_url=None,  # the interactive docs load scripts from the Internet: not offered
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.regulation = regulation
    app.state.catalog = catalog
    app.state.articles_json = json.dumps(
        [a.model_dump(mode="json") for a in catalog.articles()], ensure_ascii=False
    ).encode()
    app.include_router(api)
    _pages(app, renderer)
    _handlers(app, renderer)
    return app
