"""The ASGI application: GLPI's REST API and web pages, plus the emulator's cross-cutting
behaviour (lazy auto-close, request log, fault injection, server-clock ``Date``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request, cookie_parser
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .api import FATAL_PAGE, Api, HelpdeskConfig
from .clock import Clock
from .faults import FaultConfig, FaultInjector
from .params import php_parse_str
from .store import Store
from .web import Web

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]


@dataclass
class LogEntry:
    method: str
    path: str
    status: int
    query: str = ""
    fault: str = ""
    """The fault injected into this request, if any (so a test can show what it faulted)."""


@dataclass
class ServerState:
    """Mutable knobs shared by the app and whoever runs it."""

    faults: FaultConfig | None = None
    injector: FaultInjector | None = None
    request_log: list[LogEntry] = field(default_factory=list)

    def set_faults(self, faults: FaultConfig | None) -> None:
        self.faults = faults
        self.injector = FaultInjector(faults) if faults is not None else None


class HelpdeskMiddleware:
    def __init__(self, app: ASGIApp, *, config: HelpdeskConfig, state: ServerState) -> None:
        self.app = app
        self.cfg = config
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        query = scope.get("query_string", b"").decode("latin-1")
        entry = LogEntry(scope.get("method", "GET"), path, 0, query)
        self.state.request_log.append(entry)
        self.cfg.store.autoclose(self.cfg.autoclose_days)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", self.cfg.http_date(self.cfg.clock.now()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        faults = self.state.faults
        is_api = path.startswith("/apirest.php")
        if faults is not None and faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        kind = None
        injector = self.state.injector
        method = str(scope.get("method", "GET"))
        if injector is not None and injector.config.targets(method, path):
            token = (
                self._session_token(scope, query)
                if is_api
                else self._cookie(scope, self.cfg.store.cookie_name)
            )
            kind = injector.draw(has_session=bool(token))
            entry.fault = kind or ""
            if kind == "timeout":
                await asyncio.sleep(injector.config.timeout_s)
            elif kind == "500":
                if is_api:
                    body = json.dumps(["ERROR", "Internal Server Error"]).encode()
                    ctype = b"application/json; charset=UTF-8"
                else:
                    body, ctype = FATAL_PAGE.encode(), b"text/html; charset=UTF-8"
                await send_wrapper(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", ctype)],
                    }
                )
                await send_wrapper({"type": "http.response.body", "body": body})
                return
            elif kind == "reset":
                await self._reset(send)
                return
            elif kind == "expired-session":
                if token:
                    self.cfg.store.kill_session(token)
                if is_api:
                    body = json.dumps(
                        ["ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid"]
                    ).encode()
                    await send_wrapper(
                        {
                            "type": "http.response.start",
                            "status": 401,
                            "headers": [(b"content-type", b"application/json; charset=UTF-8")],
                        }
                    )
                    await send_wrapper({"type": "http.response.body", "body": body})
                    return
                # A web page goes on as for a browser whose session ended.
        if injector is not None and injector.take_hold(method, path):
            entry.fault = "hold"
            try:
                if injector.config.hold_after:
                    await self._answer_after_hold(injector, scope, receive, send_wrapper)
                    return
                await injector.hold()
                # Its client may be gone: the request is handled all the same when its
                # body arrived (as PHP carries on), or fails reading it.
                with contextlib.suppress(ClientDisconnect):
                    await self.app(scope, receive, send_wrapper)
                return
            finally:
                injector.settled()
        # A client that gave up (e.g. after an injected timeout) is not an error.
        with contextlib.suppress(ClientDisconnect):
            await self.app(scope, receive, send_wrapper)

    async def _answer_after_hold(
        self, injector: FaultInjector, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Handle the request now (it is saved), send its answer only once released."""
        answer: list[Message] = []

        async def keep(message: Message) -> None:
            answer.append(message)

        with contextlib.suppress(ClientDisconnect):
            await self.app(scope, receive, keep)
        await injector.hold()
        with contextlib.suppress(ClientDisconnect, OSError, RuntimeError):
            for message in answer:
                await send(message)

    @staticmethod
    def _cookie(scope: Scope, name: str) -> str:
        for key, value in scope.get("headers", []):
            if key.lower() == b"cookie":
                # Parsed as Starlette does: 11's session ids ("/", "=") come quoted.
                found = cookie_parser(value.decode("latin-1")).get(name)
                if found:
                    return found
        return ""

    @staticmethod
    def _session_token(scope: Scope, query: str) -> str:
        for key, value in scope.get("headers", []):
            if key.lower() == b"session-token":
                return str(value.decode("latin-1"))
        return str(php_parse_str(query).get("session_token") or "")

    @staticmethod
    async def _reset(send: Send) -> None:
        """Drop the connection with no answer (the client sees a transport error)."""
        owner: Any = getattr(send, "__self__", None)
        transport = getattr(owner, "transport", None)
        if transport is not None:
            transport.abort()
            # Let the server notice the loss, then answer into the void so it does not
            # complain about an app that never responded.
            await asyncio.sleep(0.01)
            await send({"type": "http.response.start", "status": 500, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        # Unknown server: start an answer we never finish, then fail.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"1000")],
            }
        )
        raise ConnectionResetError("fault injection: reset")


class _HelpdeskApp(Starlette):
    """Starlette with :class:`HelpdeskMiddleware` outermost, so that it sees the server's
    own ``send`` (needed to drop a connection) and logs even unhandled errors."""

    helpdesk_config: HelpdeskConfig
    helpdesk_state: ServerState

    def build_middleware_stack(self) -> ASGIApp:
        inner = super().build_middleware_stack()
        return HelpdeskMiddleware(inner, config=self.helpdesk_config, state=self.helpdesk_state)


def create_app(
    store: Store,
    *,
    clock: Clock,
    autoclose_days: int = 7,
    faults: FaultConfig | None = None,
    timezone: str | None = None,
    app_token: str | None = None,
    api_enabled: bool | None = None,
    formcreator: bool = True,
) -> Starlette:
    """Build the helpdesk ASGI app over ``store``.

    ``app_token``/``api_enabled`` overwrite the store's settings when given;
    ``app.state.helpdesk`` is the :class:`ServerState` (faults, request log);
    ``formcreator=False`` serves a GLPI without the Formcreator plugin (GLPI 11 never
    has it: the plugin does not exist there).
    """
    if timezone is not None and timezone != clock.timezone:
        raise ValueError(f"the clock runs in {clock.timezone}: pass Clock(timezone={timezone!r})")
    store.clock = clock
    # GLPI's closeticket cron has run before anyone connects: a database full of old
    # solved tickets is closed now, not during somebody's first request.
    store.autoclose(autoclose_days)
    if app_token is not None:
        store.app_token = app_token
    if api_enabled is not None:
        store.api_enabled = api_enabled
    config = HelpdeskConfig(
        store=store,
        clock=clock,
        autoclose_days=autoclose_days,
        timezone=clock.timezone,
    )
    if formcreator and store.version.has_formcreator:
        from .formcreator import Formcreator
        from .formcreator_seed import seed_formcreator

        config.formcreator = Formcreator(store)
        seed_formcreator(config.formcreator)
    if store.version.has_native_forms:
        from .native_forms import NativeForms
        from .native_forms_seed import seed_native_forms

        config.native_forms = NativeForms(store)
        seed_native_forms(config.native_forms)
    api = Api(config)
    web = Web(store)
    state = ServerState()
    state.set_faults(faults)

    async def api_root(request: Request) -> Response:
        return await api.handle(request, "")

    async def api_path(request: Request) -> Response:
        return await api.handle(request, request.path_params["path"])

    routes = [
        Route("/apirest.php", api_root, methods=ALL_METHODS),
        Route("/apirest.php/{path:path}", api_path, methods=ALL_METHODS),
        Route("/", web.index, methods=["GET"]),
        Route("/index.php", web.index, methods=["GET"]),
        Route("/front/login.php", web.login, methods=["POST"]),
        Route("/front/updatepassword.php", web.update_password, methods=["GET", "POST"]),
        Route("/front/preference.php", web.preference, methods=["GET", "POST"]),
        Route("/front/logout.php", web.logout, methods=["GET"]),
        Route("/front/helpdesk.public.php", web.home, methods=["GET"]),
        Route("/front/central.php", web.home, methods=["GET"]),
        Route("/Helpdesk", web.home, methods=["GET"]),
        Route("/front/document.send.php", web.document_send, methods=["GET"]),
    ]
    if config.formcreator is not None:
        from .formcreator import FormcreatorWeb

        routes.extend(FormcreatorWeb(config.formcreator, web).routes())
    if config.native_forms is not None:
        from .native_forms_web import NativeFormsWeb

        routes.extend(NativeFormsWeb(config.native_forms, web).routes())
    app = _HelpdeskApp(routes=routes)
    app.helpdesk_config = config
    app.helpdesk_state = state
    app.state.helpdesk = state
    app.state.config = config
    return app
