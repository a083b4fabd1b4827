"""The one way to GLPI's REST API (`apirest.php`): requests and what bounds them.

Every request goes through `Transport._request`, the one choke point that adds the
session token and App-Token, retries safe reads, holds the whole exchange to a deadline,
refuses answers past a size cap and turns every failure into a `GlpiError`. Nothing here
knows what a ticket is: the areas (`session`, `tickets`, `followups`, `documents`,
`password`, `formcreator`) are built on it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import mimetypes
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO, Self, cast

import httpx
from cebox_support.tui import __version__
from cebox_support.tui.api import errors as E
from cebox_support.tui.api.server_clock import ServerClock
from cebox_support.tui.api.text import clean_line
from cebox_support.tui.api.urls import normalize_api_url, web_root, without_credentials
from cebox_support.tui.i18n import _

SUBITEM_PAGE = 1000
MAX_PAGES = 50
MAX_ROWS = MAX_PAGES * SUBITEM_PAGE
_RETRY_STATUS = {502, 503, 504}
SESSION_TOKEN = re.compile(r"[!-~]{1,1024}")
"""A session token goes into every request header: printable ASCII only, or refused."""
MAX_DOWNLOAD_BYTES = 200 * 2**20
"""Default cap of one download (`download_max_mb` in a profile changes it)."""
DOWNLOAD_MARGIN = 64 * 1024
DOWNLOAD_FLOOR_BYTES_PER_S = 50_000
MAX_ANSWER_BYTES = 64 * 2**20
"""No JSON answer the console needs comes near this; a bigger one is refused, not read."""


def as_int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # 1e400 is a float json accepts: inf
        return default


def as_id(value: Any) -> int | None:
    """The id of a created item, or None: only a whole number from 1 up (as GLPI sends
    it, or as digits). A 201 whose id is 0, negative, a fraction, a flag or garbage
    confirms nothing."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[1-9][0-9]{0,17}", value, re.ASCII):
        number = int(value)
    else:
        return None
    return number if 0 < number < 2**63 else None


def basic_authorization(login: str, password: str) -> str:
    """The `Authorization` header of a sign-in with login and password."""
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


class _Lent(httpx.AsyncBaseTransport):
    """The transport a caller gave `Transport`, lent to the web side's own short-lived
    clients: closing one of them must not close the pool under a request in flight on
    the API client, which alone closes it."""

    def __init__(self, owned: httpx.AsyncBaseTransport) -> None:
        self._owned = owned

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._owned.handle_async_request(request)

    async def aclose(self) -> None:
        return None


class Transport:
    """HTTP to one GLPI server: tokens, deadlines, caps and error mapping."""

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
        # Where a look-up after an uncertain write starts: the server's time, not ours.
        self.server_clock = ServerClock()

    @property
    def logged_in(self) -> bool:
        return self._session_token is not None

    @property
    def session_token(self) -> str | None:
        return self._session_token

    def lent_transport(self) -> httpx.AsyncBaseTransport | None:
        """The transport for another client to the same server (web pages, a sign-in
        probe): the one given to this client, which that client may not close; None to
        open its own."""
        return None if self._transport is None else _Lent(self._transport)

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

    async def __aenter__(self) -> Self:
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
        self.server_clock.observe(response.headers.get("date"))
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

    async def _multipart(
        self, itemtype: str, item_input: dict[str, Any], paths: Sequence[Path]
    ) -> httpx.Response:
        """POST `itemtype` with files, each streamed from disk (never read whole) and sent
        at the size it had when opened."""
        names = [Path(p).name for p in paths]
        manifest = {"input": {**item_input, "_filename": names}}
        with contextlib.ExitStack() as opened:
            files: list[tuple[str, tuple[str, IO[bytes], str]]] = []
            total = 0
            for i, p in enumerate(paths):
                part = opened.enter_context(open_at_size(Path(p)))
                total += part.size
                mime = mimetypes.guess_type(names[i])[0] or "application/octet-stream"
                files.append((f"filename[{i}]", (names[i], cast(IO[bytes], part), mime)))
            return await self._request(
                "POST",
                itemtype,
                data={"uploadManifest": json.dumps(manifest)},
                files=files,
                extra_seconds=total / DOWNLOAD_FLOOR_BYTES_PER_S,
            )


class FileAtSize:
    """A file read no further than the size it had when opened: a log still being
    written sends what was measured (what Content-Length says), never more."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self._handle = handle
        self.size = size

    def read(self, n: int = -1) -> bytes:
        left = self.size - self._handle.tell()
        if left <= 0:
            return b""
        return self._handle.read(left if n < 0 else min(n, left))

    def tell(self) -> int:
        return self._handle.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._handle.tell(), os.SEEK_END: self.size}
        return self._handle.seek(max(0, min(base[whence] + offset, self.size)))


@contextlib.contextmanager
def open_at_size(path: Path) -> Iterator[FileAtSize]:
    """A regular file opened for an upload; anything else (a device, a pipe) refused."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise E.InvalidRequest(
            _("Cannot read {name}: {reason}").format(name=path.name, reason=exc.strerror)
        ) from None
    with handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise E.InvalidRequest(_("{path} is not a regular file.").format(path=path))
        yield FileAtSize(handle, info.st_size)


def _content_range_total(header: str | None) -> int | None:
    if not header or "/" not in header:
        return None
    return as_int(header.rsplit("/", 1)[1].strip()[:18])


def _content_range_start(header: str | None) -> int | None:
    """The first row of a page from `Content-Range: 0-999/1234` (GLPI sends no unit)."""
    match = re.match(r"\s*(?:items\s+)?(\d{1,18})-", header or "")
    return int(match.group(1)) if match else None
