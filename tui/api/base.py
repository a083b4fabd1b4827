"""What every GLPI area builds on: the transport, what the session learned about the
server and me (version, time zone, who I am), and how GLPI's texts, dates and shared
answers (documents, upload results) become models."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any, ParamSpec, TypeVar

from cebox_support.tui.api import errors as E
from cebox_support.tui.api.models import Document, Me, RefusedFile, ServerConfig, UploadOutcome
from cebox_support.tui.api.text import clean_line, decode_glpi, html_to_text
from cebox_support.tui.api.transport import Transport, as_int
from cebox_support.tui.i18n import _

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


def understood(
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


def as_enum(cls: Any, value: Any, default: Any = None) -> Any:
    """An enum member from a GLPI number, or `default` for anything unexpected."""
    number = as_int(value)
    try:
        return cls(number) if number is not None else default
    except ValueError:
        return default


def as_flag(value: Any) -> bool:
    return str(value).strip() in ("1", "true", "True")


class ClientBase(Transport):
    """The transport plus the facts the session area learns, read by every area."""

    server_tz: tzinfo = UTC
    me: Me | None = None
    _config: ServerConfig | None = None
    # The server's GLPI version: its major from the session token's shape at once,
    # the full string once getGlpiConfig has been read. No extra request for it.
    glpi_version: str = ""
    glpi_major: int | None = None
    # Signed in with a personal API token: no password for GLPI's web side.
    personal_token: bool = False
    # GLPI's web session (downloads on 11), kept by the session layer like a token.
    web_cookie: str | None = None
    on_web_cookie: Callable[[str | None], None] | None = None

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

    def _my_id(self) -> int:
        if self.me is None:
            raise E.SessionExpired(_("You are not logged in."), code="NOT_LOGGED_IN")
        return self.me.id

    def ticket_url(self, ticket_id: int) -> str:
        return f"{self.web_url}/front/ticket.form.php?id={int(ticket_id)}"

    def _document(self, raw: Mapping[str, Any]) -> Document:
        filename = self._line(raw.get("filename") or raw.get("name") or "")
        return Document(
            id=as_int(raw.get("id"), 0) or 0,
            filename=filename or f"document-{raw.get('id')}",
            mime=self._line(raw.get("mime") or ""),
            size=as_int(raw.get("filesize")),
            date=self.parse_date(
                raw.get("assocdate") or raw.get("date_creation") or raw.get("date_mod")
            ),
            uploader_id=as_int(raw.get("users_id")),
        )


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
