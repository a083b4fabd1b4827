"""Async client for GLPI 10's legacy REST API (`apirest.php`).

Written against the behaviour of a real GLPI 10.0.12 (docs/glpi-api.md in the shared
notes), quirks included. Every request goes through `_request`, the one choke point
that adds the tokens, retries safe reads and turns every failure into a `GlpiError`.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import mimetypes
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import httpx
from cebox_support.tui import __version__
from cebox_support.tui.api import errors as E
from cebox_support.tui.api.filetypes import refused_for_type
from cebox_support.tui.api.models import (
    Actor,
    ActorRole,
    Document,
    Followup,
    Me,
    PasswordPolicy,
    Priority,
    RefusedFile,
    ServerConfig,
    Solution,
    SolutionStatus,
    Task,
    Ticket,
    TicketDetail,
    TicketFilter,
    TicketPage,
    TicketStatus,
    TicketSummary,
    TicketType,
    UploadOutcome,
)
from cebox_support.tui.api.text import (
    clean_line,
    clean_terminal,
    decode_glpi,
    html_to_text,
    text_to_html,
)
from cebox_support.tui.api.urls import normalize_api_url, web_root, without_credentials
from cebox_support.tui.i18n import _

SORT_FIELDS = {
    "id": 2,
    "name": 1,
    "status": 12,
    "type": 14,
    "priority": 3,
    "category": 7,
    "date": 15,
    "date_mod": 19,
}
LIST_DISPLAY = (1, 2, 3, 7, 12, 14, 15, 19)
SUBITEM_PAGE = 1000
MAX_PAGES = 50
MAX_ROWS = MAX_PAGES * SUBITEM_PAGE
MAX_TOTAL = 10**9
"""A search total beyond this is a lie; negative ones too."""
_RETRY_STATUS = {502, 503, 504}
_SESSION_TOKEN = re.compile(r"[!-~]{1,1024}")
MAX_DOWNLOAD_BYTES = 200 * 2**20
"""Default cap of one download (`download_max_mb` in a profile changes it)."""
DOWNLOAD_MARGIN = 64 * 1024
DOWNLOAD_FLOOR_BYTES_PER_S = 50_000
MAX_ANSWER_BYTES = 64 * 2**20
"""No JSON answer the console needs comes near this; a bigger one is refused, not read."""


def _int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # 1e400 is a float json accepts: inf
        return default


P = ParamSpec("P")
R = TypeVar("R")
_NOT_UNDERSTOOD = (
    TypeError,
    ValueError,  # pydantic's ValidationError too
    AttributeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
)


def _understood(
    what: Callable[[], str],
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Any answer shape the parsing below did not expect becomes one NotGlpi line naming
    what was not understood, never a traceback (`what` is called late, for the language)."""

    def wrap(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(method)
        async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await method(*args, **kwargs)
            except _NOT_UNDERSTOOD as exc:
                raise E.NotGlpi(
                    _("The server's answer when {what} was not understood ({detail}).").format(
                        what=what(), detail=_problem(exc)
                    )
                ) from None

        return guarded

    return wrap


def _problem(exc: BaseException) -> str:
    """A short, secret-free description of what did not fit."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ()))
            return clean_line(f"{where}: {first.get('msg', '')}")[:120]
        except Exception:  # noqa: BLE001 - the description must never fail itself
            pass
    return clean_line(f"{type(exc).__name__}: {exc}")[:120]


def _enum(cls: Any, value: Any, default: Any = None) -> Any:
    """An enum member from a GLPI number, or `default` for anything unexpected."""
    number = _int(value)
    try:
        return cls(number) if number is not None else default
    except ValueError:
        return default


def _flag(value: Any) -> bool:
    return str(value).strip() in ("1", "true", "True")


class GlpiClient:
    """One logged-in (or not yet) conversation with a GLPI server."""

    def __init__(
        self,
        api_url: str,
        *,
        app_token: str | None = None,
        verify: bool | str = True,
        timeout: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
        read_retries: int = 2,
        retry_backoff: float = 0.25,
        raw_html: bool = True,
        max_download_bytes: int = MAX_DOWNLOAD_BYTES,
    ) -> None:
        self.api_url = normalize_api_url(api_url)
        # Errors name the server as the user typed it (port included), not a bare host.
        # Never with credentials in it: they would be printed in every error.
        self.address = without_credentials(api_url.strip()).rstrip("/") or self.api_url
        self.web_url = web_root(self.api_url)
        self._app_token = app_token or None
        self._verify = verify
        self._timeout = timeout
        self._transport = transport
        self._read_retries = read_retries
        self._retry_backoff = retry_backoff
        self._max_download = max_download_bytes
        # Raw HTML is asked for; escaped answers (proxies, old servers) are handled too.
        self._raw_html = raw_html
        self._session_token: str | None = None
        self._http: httpx.AsyncClient | None = None
        self.server_tz: tzinfo = UTC
        self.me: Me | None = None
        self._config: ServerConfig | None = None
        # The server's GLPI version: its major from the session token's shape at once,
        # the full string once getGlpiConfig has been read. No extra request for it.
        self.glpi_version: str = ""
        self.glpi_major: int | None = None
        # Signed in with a personal API token: no password for GLPI's web side.
        self.personal_token = False
        # GLPI's web session (downloads on 11), kept by the session layer like a token.
        self.web_cookie: str | None = None
        self.on_web_cookie: Callable[[str | None], None] | None = None

    # -- plumbing -------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"GlpiClient({self.api_url!r}, logged_in={self.logged_in})"

    @property
    def logged_in(self) -> bool:
        return self._session_token is not None

    @property
    def session_token(self) -> str | None:
        return self._session_token

    def ssl_verify(self) -> Any:
        """httpx `verify`: the system trust store by default, a CA bundle, or off."""
        if self._verify is False:
            return False
        if isinstance(self._verify, str):
            import ssl

            return ssl.create_default_context(cafile=self._verify)
        try:
            import ssl

            import truststore

            return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        except Exception:  # pragma: no cover - platform without a usable store
            return True

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            kwargs: dict[str, Any] = {
                "timeout": httpx.Timeout(self._timeout, connect=min(10.0, self._timeout)),
                "headers": {"User-Agent": f"cebox-support/{__version__}"},
                "follow_redirects": False,
            }
            if self._transport is not None:
                kwargs["transport"] = self._transport
            else:
                # Also for http: httpx would otherwise load certifi's bundle (~40 ms).
                kwargs["verify"] = self.ssl_verify()
            self._http = httpx.AsyncClient(**kwargs)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> GlpiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _headers(self, extra: Mapping[str, str] | None, *, session: bool) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self._raw_html:
            headers["X-GLPI-Sanitized-Content"] = "false"
        if self._app_token:
            headers["App-Token"] = self._app_token
        if session:
            if not self._session_token:
                raise E.SessionExpired(_("You are not logged in."), code="NOT_LOGGED_IN")
            headers["Session-Token"] = self._session_token
        if extra:
            headers.update(extra)
        return headers

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json_body: Any = None,
        files: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        session: bool = True,
        extra_seconds: float = 0.0,
    ) -> httpx.Response:
        """Send one request; retry only reads; raise only `GlpiError`.

        `timeout` bounds the whole exchange, retries included (a server trickling one
        byte at a time never holds a command past it); `extra_seconds` widens it for
        an upload. The answer is read into memory only up to MAX_ANSWER_BYTES.
        """
        url = f"{self.api_url}/{path}"
        sent_token = self._session_token
        write = method != "GET"
        attempts = 1 if write else 1 + self._read_retries
        deadline = asyncio.get_running_loop().time() + self._timeout + extra_seconds
        for attempt in range(attempts):
            error: E.GlpiError | None = None
            retryable = False
            try:
                async with asyncio.timeout_at(deadline):
                    response = await self._exchange(
                        method,
                        url,
                        params=params,
                        json=json_body,
                        files=files,
                        data=data,
                        headers=self._headers(headers, session=session),
                    )
            except TimeoutError:
                error = self._too_slow(write=write)
            except httpx.HTTPError as exc:
                error, retryable = self._transport_error(exc, write=write)
            else:
                if response.status_code < 400 or response.status_code == 304:
                    return response
                retryable = response.status_code in _RETRY_STATUS
                error = self._http_error(response)
            if retryable and attempt + 1 < attempts:
                await asyncio.sleep(self._retry_backoff * (3**attempt))
                continue
            if write and isinstance(error, E.ServerError) and (error.status or 0) >= 500:
                # GLPI 11 creates a follow-up, then fails on its refused file with a 500
                # page: a failed write may have happened. Callers look before resending.
                error.uncertain = True
            assert error is not None
            self._forget_token(error, sent_token, session=session)
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _forget_token(self, error: E.GlpiError, sent_token: str | None, *, session: bool) -> None:
        # Only the token this request carried: a concurrent re-login may have set a new
        # one meanwhile.
        if isinstance(error, E.SessionExpired) and session and self._session_token == sent_token:
            self._session_token = None

    async def _exchange(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One HTTP exchange with the answer read in full, but never past MAX_ANSWER_BYTES."""
        client = self._client()
        request = client.build_request(method, url, **kwargs)
        response = await client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise E.ServerError(
                        _("The server sent an answer larger than {mb} MB; it was not read.").format(
                            mb=MAX_ANSWER_BYTES // 2**20
                        ),
                        status=response.status_code,
                    )
                chunks.append(chunk)
        finally:
            await response.aclose()
        # Already decoded: the copy must not announce a compression or a length again.
        kept = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code, headers=kept, content=b"".join(chunks), request=request
        )

    def _too_slow(self, *, write: bool) -> E.Timeout:
        host = self.address
        if write:
            return E.Timeout(
                _(
                    "{host} did not answer in time: the server is too slow (no full answer "
                    "within {s} s); the change may or may not have been saved."
                ).format(host=host, s=f"{self._timeout:g}"),
                uncertain=True,
            )
        return E.Timeout(
            _(
                "{host} did not answer in time: the server is too slow (no full answer within "
                "{s} s)."
            ).format(host=host, s=f"{self._timeout:g}")
        )

    def _transport_error(self, exc: httpx.HTTPError, *, write: bool) -> tuple[E.GlpiError, bool]:
        host = self.address
        if isinstance(exc, httpx.ConnectTimeout):
            return E.Timeout(_("{host} did not answer in time.").format(host=host)), True
        if isinstance(exc, httpx.TimeoutException):
            if write:
                return (
                    E.Timeout(
                        _(
                            "{host} did not answer in time; the change may or may not "
                            "have been saved."
                        ).format(host=host),
                        uncertain=True,
                    ),
                    False,
                )
            return E.Timeout(_("{host} did not answer in time.").format(host=host)), True
        text = f"{exc!s} {exc.__cause__!s} {exc.__context__!s}".lower()
        if isinstance(exc, httpx.ConnectError):
            if "certificate" in text or "ssl" in text or "tls" in text:
                return (
                    E.TlsError(
                        _(
                            "The TLS certificate of {host} could not be verified. If the "
                            "server uses a private CA, set `ca_bundle` for this profile in "
                            "config.toml."
                        ).format(host=host)
                    ),
                    False,
                )
            if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
                return E.Unreachable(_("Unknown server name: {host}.").format(host=host)), False
            return E.Unreachable(_("Cannot connect to {host}.").format(host=host)), True
        if write:
            err = E.Unreachable(
                _(
                    "The connection to {host} broke; the change may or may not have been saved."
                ).format(host=host)
            )
            err.uncertain = True
            return err, False
        return E.Unreachable(_("The connection to {host} broke.").format(host=host)), True

    def _http_error(self, response: httpx.Response) -> E.GlpiError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, list) and body and isinstance(body[0], str):
            code = body[0]
            raw = body[1] if len(body) > 1 and isinstance(body[1], str) else None
            server_message = clean_line(raw.split("; view documentation")[0]) if raw else None
            cls, message = E.glpi_error_message(code, server_message)
            if code == "ERROR" and (server_message or "").strip().lower() == "api disabled":
                # GLPI's API.php: returnError(__("API disabled")) with the generic code.
                cls, message = E.glpi_error_message("ERROR_API_DISABLED", None)
            if status == 403 and cls is E.ServerError:
                cls, message = E.PermissionDenied, _("You are not allowed to see this.")
            if status >= 500 and cls in (E.InvalidRequest, E.ServerError):
                # A crash on the server is no refusal of the input: the user may try again.
                cls = E.ServerError
                message = _("The server failed ({status}); try again later.").format(status=status)
            return cls(message, code=code, status=status, detail=server_message)
        if status >= 500:
            return E.ServerError(
                _("The server failed ({status}); try again later.").format(status=status),
                status=status,
            )
        if status == 401:
            return E.AuthError(_("The server refused the credentials."), status=status)
        return E.NotGlpi(
            _(
                "{url} does not answer like a GLPI API (HTTP {status}). Check the server URL."
            ).format(url=self.api_url, status=status),
            status=status,
        )

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise E.NotGlpi(
                _("{url} does not answer like a GLPI API. Check the server URL.").format(
                    url=self.api_url
                )
            ) from None

    def _text(self, value: Any) -> str:
        return decode_glpi(value, sanitized=not self._raw_html)

    def _line(self, value: Any) -> str:
        return clean_line(self._text(value))

    def _search_line(self, value: Any) -> str:
        """Search results come HTML-escaped on 10 whatever the sanitising header says;
        11 keeps raw text everywhere, so unescaping again would alter it."""
        return clean_line(decode_glpi(value, sanitized=(self.glpi_major or 10) < 11))

    def _rich(self, value: Any) -> tuple[str, str]:
        html = self._text(value)
        return html, html_to_text(html)

    def parse_date(self, value: Any) -> datetime | None:
        """GLPI dates are server-local and zone-less: attach the server's offset."""
        if not value or not isinstance(value, str) or value.startswith("0000"):
            return None
        try:
            parsed = datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            try:
                parsed = datetime.strptime(value[:10], "%Y-%m-%d")
            except ValueError:
                return None
        if not 2 <= parsed.year <= 9998:
            # Year 1 or 9999 cannot be moved to another zone or have days added: a date
            # that far off is no real date, and shown as none rather than crashing.
            return None
        return parsed.replace(tzinfo=self.server_tz)

    def server_time(self, when: datetime) -> str:
        return when.astimezone(self.server_tz).strftime("%Y-%m-%d %H:%M:%S")

    # -- sessions -------------------------------------------------------------------

    async def login(self, login: str, password: str) -> Me:
        """initSession with login and password (Basic), the full session in the same trip."""
        if not login or not password:
            raise E.AuthError(_("Enter a login and a password."))
        credentials = base64.b64encode(f"{login}:{password}".encode()).decode("ascii")
        return await self._init_session(f"Basic {credentials}")

    async def login_with_token(self, user_token: str) -> Me:
        if not user_token.strip():
            raise E.AuthError(_("Enter your personal API token."))
        me = await self._init_session(f"user_token {user_token.strip()}")
        self.personal_token = True
        return me

    @_understood(lambda: _("signing in"))
    async def _init_session(self, authorization: str) -> Me:
        response = await self._request(
            "GET",
            "initSession",
            params={"get_full_session": "true"},
            headers={"Authorization": authorization},
            session=False,
        )
        body = self._json(response)
        if not isinstance(body, dict) or not isinstance(body.get("session_token"), str):
            raise E.NotGlpi(
                _("{url} does not answer like a GLPI API. Check the server URL.").format(
                    url=self.api_url
                )
            )
        if not _SESSION_TOKEN.fullmatch(body["session_token"]):
            # It goes into every request header: control characters there could split or
            # smuggle headers, and non-ASCII cannot be sent at all.
            raise E.NotGlpi(
                _("The server sent an invalid session token; it was not used (check the URL).")
            )
        self._session_token = body["session_token"]
        self._learn_version_from_token(self._session_token)
        session = body.get("session")
        if not isinstance(session, dict):
            return await self.whoami()
        return self._set_me(session, response)

    def use_session_token(self, session_token: str) -> None:
        """Send requests with a cached session token before `resume` has checked it."""
        self._session_token = session_token
        self._learn_version_from_token(session_token)

    def _learn_version_from_token(self, token: str) -> None:
        """GLPI 10 hands out PHP session ids (26 chars of [0-9a-v]); 11 long base64
        tokens. Enough to pick the right behaviour before getGlpiConfig is read."""
        if self.glpi_version:
            return
        if re.fullmatch(r"[0-9a-v]{26,40}", token):
            self.glpi_major = 10
        elif len(token) >= 64:
            self.glpi_major = 11

    def _learn_version(self, version: str) -> None:
        match = re.match(r"\s*(\d+)\.", version)
        if match:
            self.glpi_version = version.strip()
            self.glpi_major = int(match.group(1))

    async def resume(self, session_token: str) -> Me:
        """Reuse a cached session token; raises SessionExpired when it is no longer valid."""
        self.use_session_token(session_token)
        try:
            return await self.whoami()
        except E.GlpiError:
            self._session_token = None
            raise

    @_understood(lambda: _("checking the session"))
    async def whoami(self) -> Me:
        response = await self._request("GET", "getFullSession")
        body = self._json(response)
        session = body.get("session") if isinstance(body, dict) else None
        if not isinstance(session, dict):
            raise E.NotGlpi(_("Unexpected answer to getFullSession."))
        return self._set_me(session, response)

    def _set_me(self, session: Mapping[str, Any], response: httpx.Response) -> Me:
        self._learn_timezone(session.get("glpi_currenttime"), response.headers.get("date"))
        user_id = _int(session.get("glpiID"))
        if user_id is None:
            raise E.NotGlpi(_("Unexpected answer to getFullSession."))
        login = self._line(session.get("glpiname", ""))
        self.me = Me(
            id=user_id,
            login=login,
            name=self._line(session.get("glpifriendlyname") or login),
            language=str(session.get("glpilanguage") or ""),
            password_expired=_flag(session.get("glpi_password_expired", 0)),
        )
        return self.me

    def _learn_timezone(self, server_now: Any, date_header: str | None) -> None:
        """Server offset = its local clock minus the HTTP Date header, to the quarter hour."""
        if not server_now or not date_header:
            return
        try:
            local = datetime.strptime(str(server_now)[:19], "%Y-%m-%d %H:%M:%S")
            utc = parsedate_to_datetime(date_header).astimezone(UTC).replace(tzinfo=None)
        except (ValueError, TypeError):
            return
        quarters = round((local - utc).total_seconds() / 900)
        if abs(quarters) <= 14 * 4:
            self.server_tz = timezone(timedelta(minutes=15 * quarters))

    async def logout(self) -> None:
        """killSession; the local token is forgotten even if the server is unreachable."""
        if not self._session_token:
            return
        try:
            await self._request("GET", "killSession")
        except E.GlpiError:
            pass
        finally:
            self._session_token = None
            self.me = None

    @_understood(lambda: _("reading the server settings"))
    async def server_config(self, *, refresh: bool = False) -> ServerConfig:
        if self._config is not None and not refresh:
            return self._config
        body = self._json(await self._request("GET", "getGlpiConfig"))
        cfg = body.get("cfg_glpi", {}) if isinstance(body, dict) else {}
        try:
            max_size: float | None = float(cfg.get("document_max_size") or 0) or None
        except (TypeError, ValueError):
            max_size = None
        self._learn_version(str(cfg.get("version", "")))
        self._config = ServerConfig(
            version=str(cfg.get("version", "")),
            url_base=str(cfg.get("url_base", "")),
            document_max_size_mb=max_size,
            password_policy=PasswordPolicy(
                enabled=_flag(cfg.get("use_password_security", 0)),
                min_length=_int(cfg.get("password_min_length"), 8) or 8,
                need_digit=_flag(cfg.get("password_need_number", 0)),
                need_lowercase=_flag(cfg.get("password_need_letter", 0)),
                need_uppercase=_flag(cfg.get("password_need_caps", 0)),
                need_symbol=_flag(cfg.get("password_need_symbol", 0)),
            ),
        )
        return self._config

    def _my_id(self) -> int:
        if self.me is None:
            raise E.SessionExpired(_("You are not logged in."), code="NOT_LOGGED_IN")
        return self.me.id

    # -- ticket lists -----------------------------------------------------------------

    def _criteria(self, filter: TicketFilter, text: str | None) -> list[dict[str, Any]]:
        status: Any = {
            TicketFilter.OPEN: "notold",
            TicketFilter.APPROVAL: TicketStatus.SOLVED.value,
            TicketFilter.SOLVED: TicketStatus.SOLVED.value,
            TicketFilter.CLOSED: TicketStatus.CLOSED.value,
            TicketFilter.ALL: "all",
        }[filter]
        base = [{"field": 12, "searchtype": "equals", "value": status}]
        if filter is TicketFilter.APPROVAL:
            base.append({"link": "AND", "field": 4, "searchtype": "equals", "value": self._my_id()})
        if not text or not text.strip():
            return base
        # (title ∋ x AND base) OR (description ∋ x AND base): correct in GLPI's flat SQL.
        text = text.strip()
        criteria: list[dict[str, Any]] = []
        searches: list[tuple[int, str, str]] = [(1, "contains", text), (21, "contains", text)]
        number = re.fullmatch(r"#?\s*(\d{1,9})", text)
        if number:  # "4" or "#4": ticket 4 as well as titles that contain "4"
            searches.append((2, "equals", str(int(number.group(1)))))
        for field, searchtype, value in searches:
            first: dict[str, Any] = {"field": field, "searchtype": searchtype, "value": value}
            if criteria:
                first["link"] = "OR"
            criteria.append(first)
            for c in base:
                criteria.append({**c, "link": "AND"})
        return criteria

    @staticmethod
    def _search_params(
        criteria: Sequence[Mapping[str, Any]],
        *,
        display: Iterable[int],
        sort: int,
        order: str,
        start: int,
        count: int,
    ) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = []
        for i, criterion in enumerate(criteria):
            for key, value in criterion.items():
                params.append((f"criteria[{i}][{key}]", str(value)))
        for i, field in enumerate(display):
            params.append((f"forcedisplay[{i}]", str(field)))
        params += [
            ("sort", str(sort)),
            ("order", order),
            ("range", f"{start}-{start + max(count, 1) - 1}"),
        ]
        return params

    @_understood(lambda: _("searching tickets"))
    async def list_tickets(
        self,
        filter: TicketFilter = TicketFilter.ALL,
        *,
        start: int = 0,
        count: int = 50,
        text: str | None = None,
        sort: str = "date_mod",
        descending: bool = True,
    ) -> TicketPage:
        """One page of my tickets through GLPI's search engine (one request)."""
        params = self._search_params(
            self._criteria(filter, text),
            display=LIST_DISPLAY,
            sort=SORT_FIELDS.get(sort, 19),
            order="DESC" if descending else "ASC",
            start=start,
            count=count,
        )
        body = self._json(await self._request("GET", "search/Ticket", params=params))
        if not isinstance(body, dict):
            raise E.NotGlpi(_("Unexpected answer from the ticket search."))
        rows = [self._summary(row) for row in body.get("data") or []]
        return TicketPage(
            rows=[r for r in rows if r is not None],
            start=start,
            total=min(max(_int(body.get("totalcount"), 0) or 0, 0), MAX_TOTAL),
        )

    async def count_tickets(self, filter: TicketFilter) -> int:
        return (await self.list_tickets(filter, count=1)).total

    async def count_all_filters(self) -> dict[TicketFilter, int]:
        filters = list(TicketFilter)
        totals = await asyncio.gather(*(self.count_tickets(f) for f in filters))
        return dict(zip(filters, totals, strict=True))

    def _summary(self, row: Mapping[str, Any]) -> TicketSummary | None:
        def get(field: int) -> Any:
            return row.get(str(field), row.get(field))  # type: ignore[call-overload]

        ticket_id = _int(get(2))
        status = _enum(TicketStatus, get(12))
        if ticket_id is None or status is None:
            return None
        return TicketSummary(
            id=ticket_id,
            name=self._search_line(get(1)),
            status=status,
            type=_enum(TicketType, get(14)),
            priority=_enum(Priority, get(3)),
            category=self._search_line(get(7) or ""),
            date=self.parse_date(get(15)),
            date_mod=self.parse_date(get(19)),
        )

    # -- one ticket --------------------------------------------------------------------

    async def _collect(self, path: str, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Every row of a sub-item collection, following 206 pages.

        The server's Content-Range is not trusted: a page must start where it was asked,
        and at most MAX_PAGES pages (MAX_ROWS rows) are read, whatever total it claims.
        """
        rows: list[dict[str, Any]] = []
        start = 0
        for _page in range(MAX_PAGES):
            response = await self._request(
                "GET", path, params=[*params, ("range", f"{start}-{start + SUBITEM_PAGE - 1}")]
            )
            body = self._json(response)
            if not isinstance(body, list):
                return rows
            rows.extend(r for r in body[:SUBITEM_PAGE] if isinstance(r, dict))
            header = response.headers.get("content-range")
            total = _content_range_total(header)
            if response.status_code != 206 or total is None or not body:
                return rows
            if _content_range_start(header) != start or len(rows) > MAX_ROWS:
                break
            start += SUBITEM_PAGE
            if start >= total:
                return rows
        raise E.ServerError(
            _(
                "The server's pages of {what} do not add up (it claims more after {n} rows); "
                "stopped reading."
            ).format(what=path.rsplit("/", 1)[-1], n=len(rows))
        )

    @_understood(lambda: _("reading the ticket"))
    async def get_ticket(self, ticket_id: int) -> TicketDetail:
        """The ticket and all its parts, requested concurrently (one round trip)."""
        names = [("add_keys_names[]", "users_id")]
        ticket_params = [
            ("with_documents", "true"),
            ("add_keys_names[]", "itilcategories_id"),
            ("add_keys_names[]", "users_id_recipient"),
            ("get_hateoas", "false"),
        ]
        base = f"Ticket/{int(ticket_id)}"
        sub = [*names, ("get_hateoas", "false")]
        ticket_r, followups, tasks, solutions, actors = await asyncio.gather(
            self._request("GET", base, params=ticket_params),
            self._collect(f"{base}/ITILFollowup", sub),
            self._collect(f"{base}/TicketTask", sub),
            self._collect(f"{base}/ITILSolution", sub),
            self._collect(f"{base}/Ticket_User", sub),
        )
        raw = self._json(ticket_r)
        if not isinstance(raw, dict) or _int(raw.get("id")) is None:
            raise E.NotGlpi(_("Unexpected answer for ticket {id}.").format(id=ticket_id))
        return TicketDetail(
            ticket=self._ticket(raw),
            actors=[a for a in (self._actor(r) for r in actors) if a is not None],
            followups=[
                Followup(**self._entry(r)) for r in followups if not _flag(r.get("is_private"))
            ],
            tasks=[Task(**self._entry(r)) for r in tasks if not _flag(r.get("is_private"))],
            solutions=[self._solution(r) for r in solutions],
            documents=[
                self._document(d) for d in raw.get("_documents") or [] if isinstance(d, dict)
            ],
        )

    @_understood(lambda: _("reading the ticket"))
    async def get_ticket_head(self, ticket_id: int) -> Ticket:
        """The ticket alone, without its timeline (one request): "does it exist for me?"."""
        params = [("add_keys_names[]", "itilcategories_id"), ("get_hateoas", "false")]
        raw = self._json(await self._request("GET", f"Ticket/{int(ticket_id)}", params=params))
        if not isinstance(raw, dict) or _int(raw.get("id")) is None:
            raise E.NotGlpi(_("Unexpected answer for ticket {id}.").format(id=ticket_id))
        return self._ticket(raw)

    def _names(self, raw: Mapping[str, Any]) -> Mapping[str, Any]:
        names = raw.get("_keys_names")
        return names if isinstance(names, dict) else {}

    def _ticket(self, raw: Mapping[str, Any]) -> Ticket:
        html, text = self._rich(raw.get("content"))
        names = self._names(raw)
        return Ticket(
            id=int(raw["id"]),
            name=self._line(raw.get("name")),
            html=html,
            text=text,
            status=_enum(TicketStatus, raw.get("status"), TicketStatus.NEW),
            type=_enum(TicketType, raw.get("type")),
            priority=_enum(Priority, raw.get("priority")),
            urgency=_enum(Priority, raw.get("urgency")),
            category_id=_int(raw.get("itilcategories_id"), 0) or 0,
            category=self._search_line(names.get("itilcategories_id") or ""),
            date=self.parse_date(raw.get("date")),
            date_mod=self.parse_date(raw.get("date_mod")),
            solvedate=self.parse_date(raw.get("solvedate")),
            closedate=self.parse_date(raw.get("closedate")),
            recipient_id=_int(raw.get("users_id_recipient")),
            recipient=self._line(names.get("users_id_recipient") or ""),
        )

    def _entry(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        html, text = self._rich(raw.get("content"))
        author_id = _int(raw.get("users_id"))
        author = self._line(self._names(raw).get("users_id") or "")
        return {
            "id": _int(raw.get("id"), 0),
            "author_id": author_id,
            "author": author,
            "html": html,
            "text": text,
            "date": self.parse_date(raw.get("date") or raw.get("date_creation")),
            "is_private": _flag(raw.get("is_private", 0)),
        }

    def _solution(self, raw: Mapping[str, Any]) -> Solution:
        entry = self._entry(raw)
        entry.pop("is_private")
        return Solution(
            **entry, status=_enum(SolutionStatus, raw.get("status"), SolutionStatus.WAITING)
        )

    def _actor(self, raw: Mapping[str, Any]) -> Actor | None:
        role = _enum(ActorRole, raw.get("type"))
        user_id = _int(raw.get("users_id"))
        if role is None or user_id is None:
            return None
        name = self._line(self._names(raw).get("users_id") or "") or f"#{user_id}"
        return Actor(user_id=user_id, name=name, role=role)

    def _document(self, raw: Mapping[str, Any]) -> Document:
        filename = self._line(raw.get("filename") or raw.get("name") or "")
        return Document(
            id=_int(raw.get("id"), 0) or 0,
            filename=filename or f"document-{raw.get('id')}",
            mime=self._line(raw.get("mime") or ""),
            size=_int(raw.get("filesize")),
            date=self.parse_date(
                raw.get("assocdate") or raw.get("date_creation") or raw.get("date_mod")
            ),
            uploader_id=_int(raw.get("users_id")),
        )

    # -- writes ------------------------------------------------------------------------

    @_understood(lambda: _("creating the ticket"))
    async def create_ticket(
        self,
        *,
        name: str,
        content_html: str,
        ticket_type: int,
        category_id: int | None = None,
        urgency: int | None = None,
    ) -> int:
        """Create a ticket with me as requester (without it, GLPI never lets me approve)."""
        ticket_input: dict[str, Any] = {
            "name": name,
            "content": content_html,
            "type": int(ticket_type),
            "_users_id_requester": self._my_id(),
        }
        if category_id:
            ticket_input["itilcategories_id"] = int(category_id)
        if urgency:
            ticket_input["urgency"] = int(urgency)
        body = self._json(await self._request("POST", "Ticket", json_body={"input": ticket_input}))
        ticket_id = _int(body.get("id")) if isinstance(body, dict) else None
        if ticket_id is None:
            raise E.NotGlpi(_("The server did not return the new ticket's number."))
        return ticket_id

    @_understood(lambda: _("searching tickets"))
    async def find_ticket_by_name(self, name: str, *, since: datetime) -> int | None:
        """After an uncertain create: did the ticket get saved after all?"""
        criteria = [
            {"field": 1, "searchtype": "contains", "value": name[:100]},
            {
                "link": "AND",
                "field": 15,
                "searchtype": "morethan",
                "value": self.server_time(since),
            },
        ]
        params = self._search_params(
            criteria, display=(1, 2), sort=2, order="DESC", start=0, count=20
        )
        body = self._json(await self._request("GET", "search/Ticket", params=params))
        for row in body.get("data") or []:
            if self._search_line(row.get("1")) == clean_line(name):
                return _int(row.get("2"))
        return None

    def _followup_input(self, ticket_id: int, **extra: Any) -> dict[str, Any]:
        # Always public: a Self-Service private follow-up vanishes from its author's view.
        return {"itemtype": "Ticket", "items_id": int(ticket_id), "is_private": 0, **extra}

    @_understood(lambda: _("sending the reply"))
    async def add_followup(
        self, ticket_id: int, text: str, attachments: Sequence[Path] = ()
    ) -> int:
        """A reply; its id. `send_followup` also says which files the server kept."""
        return (await self.send_followup(ticket_id, text, attachments)).item_id or 0

    @_understood(lambda: _("sending the reply"))
    async def send_followup(
        self, ticket_id: int, text: str, attachments: Sequence[Path] = ()
    ) -> UploadOutcome:
        """A reply; with files it is one multipart request. GLPI answers 201 even when it
        refused a file and kept the follow-up without it: the outcome names each file."""
        if not text.strip() and not attachments:
            raise E.InvalidRequest(_("Write a message before sending."))
        content = text_to_html(text) if text.strip() else "<p>(documents)</p>"
        payload = self._followup_input(ticket_id, content=content)
        if attachments:
            response = await self._multipart("ITILFollowup", payload, attachments)
        else:
            response = await self._request("POST", "ITILFollowup", json_body={"input": payload})
        body = self._json(response)
        followup_id = _int(body.get("id")) if isinstance(body, dict) else None
        if followup_id is None:
            raise E.NotGlpi(_("The server did not confirm the reply."))
        return upload_outcome(body, [Path(p).name for p in attachments], item_id=followup_id)

    @_understood(lambda: _("checking the reply"))
    async def find_followup(
        self, ticket_id: int, text: str, *, since: datetime | None = None
    ) -> int | None:
        """After an uncertain reply: is a follow-up of mine with this text already there?

        With `since` (when the send started, less the clock skew), only a follow-up dated
        from then counts: last week's "Merci" is not today's.
        """
        wanted = html_to_text(text_to_html(text))
        rows = await self._collect(
            f"Ticket/{int(ticket_id)}/ITILFollowup", [("get_hateoas", "false")]
        )
        for row in reversed(rows):
            if self.me and _int(row.get("users_id")) != self.me.id:
                continue
            if since is not None:
                dated = self.parse_date(row.get("date_creation") or row.get("date"))
                if dated is None or dated < since:
                    continue
            if html_to_text(self._text(row.get("content"))) == wanted:
                return _int(row.get("id"))
        return None

    @_understood(lambda: _("sending the approval"))
    async def approve_solution(self, ticket_id: int, comment: str = "") -> None:
        extra: dict[str, Any] = {"add_close": 1}
        if comment.strip():
            extra["content"] = text_to_html(comment)
        await self._request(
            "POST", "ITILFollowup", json_body={"input": self._followup_input(ticket_id, **extra)}
        )
        await self._check_outcome(ticket_id, TicketStatus.CLOSED)

    @_understood(lambda: _("sending the refusal"))
    async def refuse_solution(self, ticket_id: int, reason: str) -> None:
        if not reason.strip():
            raise E.InvalidRequest(_("Give a reason for refusing the solution."))
        payload = self._followup_input(ticket_id, add_reopen=1, content=text_to_html(reason))
        await self._request("POST", "ITILFollowup", json_body={"input": payload})
        await self._check_outcome(ticket_id, None)

    async def _check_outcome(self, ticket_id: int, expected: TicketStatus | None) -> None:
        """GLPI answers 201 and does nothing when I am not the ticket's requester: check."""
        body = self._json(
            await self._request("GET", f"Ticket/{int(ticket_id)}", params={"get_hateoas": "false"})
        )
        status = _int(body.get("status")) if isinstance(body, dict) else None
        still_solved = status == TicketStatus.SOLVED
        if (expected is not None and status != expected) or (expected is None and still_solved):
            raise E.PermissionDenied(
                _(
                    "GLPI did not record your answer: only the ticket's requester can "
                    "approve or refuse its solution."
                ),
                code="APPROVAL_IGNORED",
            )

    @_understood(lambda: _("sending the file"))
    async def upload_document(self, ticket_id: int, path: Path) -> int:
        """Upload one file linked to the ticket; raises InvalidRequest when refused."""
        outcome = await self.upload_document_outcome(ticket_id, path)
        if outcome.refused or outcome.item_id is None:
            refused = outcome.refused[0] if outcome.refused else None
            raise E.InvalidRequest(
                _("The server did not keep {name}: {reason}").format(
                    name=Path(path).name,
                    reason=refused.reason_text if refused else _("refused by the server"),
                ),
                code="UPLOAD_REFUSED",
            )
        return outcome.item_id

    @_understood(lambda: _("sending the file"))
    async def upload_document_outcome(self, ticket_id: int, path: Path) -> UploadOutcome:
        """Upload one file linked to the ticket (a refused linked upload leaves nothing,
        where an unlinked one leaves an empty Document): kept or refused, and why."""
        name = Path(path).name
        payload = {"name": name, "itemtype": "Ticket", "items_id": int(ticket_id)}
        try:
            response = await self._multipart("Document", payload, [Path(path)])
        except E.InvalidRequest as error:
            # 400 ["ERROR_GLPI_ADD", "File X not found."]: GLPI dropped the file (type or
            # size) before linking it; it does not say which.
            if error.code == "ERROR_GLPI_ADD" and "not found" in (error.detail or "").lower():
                # The size was checked before sending; a type a default GLPI refuses is
                # the likely reason, and the one the user can act on (a .gz copy).
                kind = "type" if refused_for_type(name) else "other"
                reason = error.detail or ""
                return UploadOutcome(refused=[RefusedFile(name=name, reason=reason, kind=kind)])
            raise
        body = self._json(response)
        doc_id = _int(body.get("id")) if isinstance(body, dict) else None
        if doc_id is None:
            raise E.NotGlpi(_("The server did not confirm the upload."))
        outcome = upload_outcome(body, [name], item_id=doc_id)
        if outcome.refused:  # an empty Document record: never referenced
            return outcome.model_copy(update={"item_id": None})
        return outcome

    async def _multipart(
        self, itemtype: str, item_input: dict[str, Any], paths: Sequence[Path]
    ) -> httpx.Response:
        names = [Path(p).name for p in paths]
        manifest = {"input": {**item_input, "_filename": names}}
        files: list[tuple[str, tuple[str, bytes, str]]] = []
        for i, p in enumerate(paths):
            try:
                data = Path(p).read_bytes()
            except OSError as exc:
                raise E.InvalidRequest(
                    _("Cannot read {name}: {reason}").format(name=Path(p).name, reason=exc.strerror)
                ) from None
            mime = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
            files.append((f"filename[{i}]", (names[i], data, mime)))
        return await self._request(
            "POST",
            itemtype,
            data={"uploadManifest": json.dumps(manifest)},
            files=files,
            extra_seconds=sum(len(f[1][1]) for f in files) / DOWNLOAD_FLOOR_BYTES_PER_S,
        )

    async def download_document(self, document: Document, folder: Path) -> Path:
        """Save a document listed on the ticket into `folder` under a safe, unused name.

        Streamed to disk, never held in memory, and cut at the size the ticket lists for
        it (plus a margin) or `max_download_bytes`: a server sending more, or a small
        compressed answer inflating past it, leaves no partial file behind. The whole
        download has a deadline (`timeout`, plus time for the listed size at 50 kB/s).
        """
        limit = self._max_download
        if document.size is not None and document.size > limit:
            raise E.InvalidRequest(
                _(
                    "{name} is larger than the download limit ({mb} MB; `download_max_mb` in "
                    "config.toml)."
                ).format(name=document.filename, mb=f"{limit / 2**20:g}")
            )
        if document.size is not None and document.size >= 0:
            limit = min(limit, document.size + document.size // 10 + DOWNLOAD_MARGIN)
        folder.mkdir(parents=True, exist_ok=True)
        client = self._client()
        sent_token = self._session_token
        request = client.build_request(
            "GET",
            f"{self.api_url}/Document/{int(document.id)}",
            headers=self._headers({"Accept": "application/octet-stream"}, session=True),
        )
        target: Path | None = None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout + limit / DOWNLOAD_FLOOR_BYTES_PER_S
        try:
            async with asyncio.timeout_at(deadline):
                response = await client.send(request, stream=True)
                try:
                    if response.status_code >= 400:
                        body = await _read_at_most(response, 2**20)
                        raise self._http_error(
                            httpx.Response(response.status_code, content=body, request=request)
                        )
                    target = unused_path(
                        folder / download_name(document.filename, response.headers)
                    )
                    with open(target, "xb") as out:
                        written = 0
                        async for chunk in response.aiter_bytes():
                            written += len(chunk)
                            if written > limit:
                                raise E.ServerError(
                                    _(
                                        "{name}: the server sent more than the {size} the "
                                        "document should have; the download was stopped and "
                                        "the partial file removed."
                                    ).format(name=document.filename, size=_size(limit))
                                )
                            out.write(chunk)
                finally:
                    await response.aclose()
        except BaseException as exc:
            if target is not None:
                target.unlink(missing_ok=True)
            if isinstance(exc, TimeoutError):
                raise self._too_slow(write=False) from None
            if isinstance(exc, httpx.HTTPError):
                raise self._transport_error(exc, write=False)[0] from None
            if isinstance(exc, E.GlpiError):
                self._forget_token(exc, sent_token, session=True)
            raise
        return target

    # -- password ------------------------------------------------------------------------

    async def change_password(self, current: str, new: str) -> None:
        """Change my password: the API where the profile may, else GLPI's own web page."""
        me = self.me
        if me is None:
            raise E.SessionExpired(_("You are not logged in."), code="NOT_LOGGED_IN")
        if not me.password_expired:
            try:
                await self._request(
                    "PUT",
                    f"User/{me.id}",
                    json_body={"input": {"id": me.id, "password": new, "password2": new}},
                )
            except (E.PermissionDenied, E.InvalidRequest):
                pass
            else:
                # 200 can mean "nothing changed" on GLPI: prove it with the new password.
                if await self._password_works(me.login, new):
                    return
        from cebox_support.tui.api.web import WebSession

        await WebSession(self).change_password(login=me.login, current=current, new=new)
        if me.password_expired:
            self.me = me.model_copy(update={"password_expired": False})

    async def new_password_works(self, new: str) -> bool:
        """After a change whose answer never came: does the new password open a session now?

        Asked before anything else on a retry, because if the change did happen, sending
        the old password as "current" again is refused and reads as a failed change."""
        me = self.me
        if me is None:
            raise E.SessionExpired(_("You are not logged in."), code="NOT_LOGGED_IN")
        return await self._password_works(me.login, new)

    async def _password_works(self, login: str, password: str) -> bool:
        probe = GlpiClient(
            self.api_url,
            app_token=self._app_token,
            verify=self._verify,
            timeout=self._timeout,
            transport=self._transport,
        )
        try:
            await probe.login(login, password)
            await probe.logout()
            return True
        except E.AuthError:
            return False
        finally:
            await probe.close()

    def ticket_url(self, ticket_id: int) -> str:
        return f"{self.web_url}/front/ticket.form.php?id={int(ticket_id)}"

    # -- an uncertain reply, whatever the version ----------------------------------------

    async def ticket_document_ids(self, ticket_id: int) -> set[int]:
        """Ids of the documents listed on the ticket (one request): taken before a reply
        with files, so that a later look can tell which of them are new."""
        return {d.id for d in await self._ticket_documents(ticket_id)}

    async def _ticket_documents(self, ticket_id: int) -> list[Document]:
        raw = self._json(
            await self._request(
                "GET",
                f"Ticket/{int(ticket_id)}",
                params=[("with_documents", "true"), ("get_hateoas", "false")],
            )
        )
        listed = raw.get("_documents") if isinstance(raw, dict) else None
        return [self._document(d) for d in listed or [] if isinstance(d, dict)]

    async def find_followup_outcome(
        self,
        ticket_id: int,
        text: str,
        attachments: Sequence[Path] = (),
        *,
        known_documents: Iterable[int] = (),
        since: datetime | None = None,
    ) -> UploadOutcome | None:
        """After an uncertain reply (an answer lost, or GLPI 11's 500 page once it has
        saved the follow-up and dropped a refused file): the follow-up if it is there,
        with each file kept (a new document of that name on the ticket) or not. None
        when the reply is not there: it may be sent again. With `since`, only a
        follow-up and documents dated from then count."""
        probe = text if text.strip() else "(documents)"
        followup_id = await self.find_followup(ticket_id, probe, since=since)
        if followup_id is None:
            return None
        names = [Path(p).name for p in attachments]
        if not names:
            return UploadOutcome(item_id=followup_id)
        known = set(known_documents)
        new = {
            d.filename
            for d in await self._ticket_documents(ticket_id)
            if d.id not in known and (since is None or (d.date is not None and d.date >= since))
        }
        return UploadOutcome(
            item_id=followup_id,
            kept=[n for n in names if n in new],
            refused=[
                RefusedFile(name=n, reason=_("not on the ticket afterwards"))
                for n in names
                if n not in new
            ],
        )

    # -- documents, whatever the version ---------------------------------------------------

    async def fetch_document(
        self,
        document: Document,
        folder: Path,
        *,
        ticket_id: int,
        password: str | None = None,
    ) -> Path:
        """Save a document listed on ticket `ticket_id` into `folder` (safe, unused name).

        GLPI 10: the REST download, GLPI's web page as the fallback. GLPI 11 refuses
        REST downloads to customers: the web page, with a web session opened with the
        user's `password` (WebLoginRequired when it is needed and not given;
        NeedsBrowser for a personal-token sign-in, which has no password).
        """
        if (self.glpi_major or 10) < 11:
            try:
                return await self.download_document(document, folder)
            except E.PermissionDenied:
                pass
        response = await self._web_download(document, ticket_id, password)
        limit = self._max_download
        if document.size is not None and document.size >= 0:
            limit = min(limit, document.size + document.size // 10 + DOWNLOAD_MARGIN)
        if len(response.content) > limit:
            raise E.ServerError(
                _(
                    "{name}: the server sent more than the {size} the document should have; "
                    "the download was stopped and the partial file removed."
                ).format(name=document.filename, size=_size(limit))
            )
        folder.mkdir(parents=True, exist_ok=True)
        target = unused_path(folder / download_name(document.filename, response.headers))
        with open(target, "xb") as out:
            out.write(response.content)
        return target

    async def _web_download(
        self, document: Document, ticket_id: int, password: str | None
    ) -> httpx.Response:
        from cebox_support.tui.api.web import WebSession, flavour

        if (
            self.personal_token
            and not self.web_cookie
            and not flavour(self.glpi_major).token_is_cookie
        ):
            raise E.NeedsBrowser(
                _(
                    "Signed in with a personal API token, documents can only be downloaded "
                    "in the browser."
                ),
                url=self.ticket_url(ticket_id),
            )
        web = WebSession(self, self.web_cookie)
        try:
            return await web.download(
                document_id=document.id,
                ticket_id=ticket_id,
                login=self.me.login if self.me else None,
                password=password,
            )
        finally:
            if web.cookie != self.web_cookie:
                self.web_cookie = web.cookie
                if self.on_web_cookie is not None:
                    self.on_web_cookie(web.cookie)

    async def close_web_session(self) -> None:
        """Sign out of GLPI's web side too (at sign-out): the kept cookie is dropped."""
        if not self.web_cookie:
            return
        from cebox_support.tui.api.web import WebSession

        await WebSession(self, self.web_cookie).logout()
        self.web_cookie = None
        if self.on_web_cookie is not None:
            self.on_web_cookie(None)


_REFUSAL_KINDS = {"filetype not allowed": "type", "file is too big": "size"}


def upload_outcome(body: Any, names: Sequence[str], *, item_id: int | None) -> UploadOutcome:
    """Which of `names` the server kept, from `upload_result` (GLPI 10: an `error` per
    file inside a 201) and from a message such as "File qgaAgent.log not found."."""
    results: list[Mapping[str, Any]] = []
    upload = body.get("upload_result") if isinstance(body, dict) else None
    if isinstance(upload, dict):
        for files in upload.values():
            if isinstance(files, list):
                results.extend(f for f in files if isinstance(f, dict))
    refused: dict[str, RefusedFile] = {}
    for i, result in enumerate(results):
        error = result.get("error")
        if not error:
            continue
        display = clean_line(str(result.get("display") or result.get("name") or ""))
        name = next((n for n in names if n == display or display.endswith(n)), None)
        if name is None:
            name = names[i] if i < len(names) else display or "?"
        reason = clean_line(str(error))[:200]
        refused[name] = RefusedFile(
            name=name, reason=reason, kind=_REFUSAL_KINDS.get(reason.lower(), "other")
        )
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str):
        for name in names:
            if name not in refused and f"file {name} not found".lower() in message.lower():
                refused[name] = RefusedFile(name=name, reason=clean_line(message)[:200])
    return UploadOutcome(
        item_id=item_id,
        kept=[n for n in names if n not in refused],
        refused=[refused[n] for n in names if n in refused],
    )


def too_big(paths: Sequence[Path], max_bytes: int | None) -> list[RefusedFile]:
    """The files over the server's `document_max_size`, caught before sending."""
    if not max_bytes:
        return []
    found = []
    for path in paths:
        try:
            size = Path(path).stat().st_size
        except OSError:
            continue
        if size > max_bytes:
            found.append(RefusedFile(name=Path(path).name, reason="File is too big", kind="size"))
    return found


def _content_range_total(header: str | None) -> int | None:
    if not header or "/" not in header:
        return None
    return _int(header.rsplit("/", 1)[1].strip()[:18])


def _content_range_start(header: str | None) -> int | None:
    """The first row of a page from `Content-Range: 0-999/1234` (GLPI sends no unit)."""
    match = re.match(r"\s*(?:items\s+)?(\d{1,18})-", header or "")
    return int(match.group(1)) if match else None


def _disposition_filename(header: str | None) -> str | None:
    if not header:
        return None
    match = re.search(r"filename\*=UTF-8''([^;]+)", header, re.I)
    if match:
        from urllib.parse import unquote

        return unquote(match.group(1))
    match = re.search(r'filename="?([^";]+)"?', header, re.I)
    return match.group(1) if match else None


async def _read_at_most(response: httpx.Response, limit: int) -> bytes:
    data = b""
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= limit:
            break
    return data[:limit]


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(1, n // 1024)} KB"


MAX_NAME_BYTES = 240
"""Below the 255 bytes most file systems allow, leaving room for unused_path's " (12)"."""


def download_name(listed: str, headers: Mapping[str, str]) -> str:
    """The name to save a document under: the server's Content-Disposition name if any,
    but always with the extension the ticket lists for the document (a server cannot turn
    `report.pdf` into `report.desktop`)."""
    listed_name = safe_filename(listed)
    offered = _disposition_filename(headers.get("content-disposition"))
    if not offered:
        return listed_name
    name = safe_filename(offered)
    extension = _extension(listed_name)
    if extension and _extension(name).lower() != extension.lower():
        name = safe_filename(_stem(name) + extension)
    return name


def _extension(name: str) -> str:
    suffix = Path(name).suffix
    return suffix if 1 < len(suffix.encode()) <= 32 and " " not in suffix else ""


def _stem(name: str) -> str:
    extension = _extension(name)
    return name[: -len(extension)] if extension else name


def safe_filename(name: str) -> str:
    """A server-given file name made harmless: no directories, no controls, no dot files,
    at most MAX_NAME_BYTES bytes of UTF-8 with its extension kept."""
    name = clean_terminal(name).replace("\\", "/").split("/")[-1]
    name = re.sub(r'[<>:"|?*\x00-\x1f]', "_", name).strip(" .")
    if len(name.encode()) > MAX_NAME_BYTES:
        extension = _extension(name)
        room = MAX_NAME_BYTES - len(extension.encode())
        stem = name[: -len(extension)] if extension else name
        stem = stem.encode()[:room].decode(errors="ignore").rstrip(" .")
        name = stem + extension
    return name or "document"


def unused_path(path: Path) -> Path:
    if not path.exists():
        return path
    stem, suffix = path.stem, path.suffix
    for i in range(1, 10_000):
        candidate = path.with_name(f"{stem} ({i}){suffix}")
        if not candidate.exists():
            return candidate
    raise E.InvalidRequest(_("Too many files named {name}.").format(name=path.name))
