"""Ticket references as people paste them: a number, `#1234`, or a link from a GLPI e-mail.

Pure Python so the console's "go to" box and `cebox-support show/open` agree.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from cebox_support.tui.i18n import _

_NUMBER = re.compile(r"#?\s*(\d{1,10})")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class LinkError(ValueError):
    """The text is not a ticket of this server; the message says why, for the user."""


def parse_ticket_ref(text: str, server_url: str | None = None) -> int:
    """The ticket id in `text`; a link to another server than `server_url` is refused.

    Accepts `1234`, `#1234`, `…/front/ticket.form.php?id=1234[&forcetab=…]` and the
    `…/index.php?redirect=ticket_1234` form GLPI notifications use.
    """
    raw = text.strip().strip("<>\"'").strip()
    if not raw:
        raise LinkError(_("Type a ticket number or paste a ticket link."))
    number = _NUMBER.fullmatch(raw)
    if number:
        return _positive(number.group(1), raw)
    if "://" not in raw and ("/" in raw or "?" in raw):
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        raise LinkError(
            _("“{text}” is neither a ticket number nor a ticket link.").format(text=_short(text))
        )
    ticket_id = _id_from_url(parts.path, parts.query)
    if ticket_id is None:
        raise LinkError(_("This link does not point to a ticket: {text}").format(text=_short(text)))
    if server_url:
        _check_same_server(raw, server_url)
    return ticket_id


def _id_from_url(path: str, query: str) -> int | None:
    params = parse_qs(query)
    if path.rstrip("/").lower().endswith("/front/ticket.form.php"):
        values = params.get("id") or []
        if values and values[0].strip().isdigit():
            return _positive(values[0].strip(), values[0])
        return None
    for value in params.get("redirect", []):
        match = re.fullmatch(r"ticket_(\d{1,10})(?:_.*)?", value.strip(), re.IGNORECASE)
        if match:
            return _positive(match.group(1), value)
    return None


def _positive(digits: str, shown: str) -> int:
    value = int(digits)
    if value <= 0:
        raise LinkError(_("There is no ticket {n}.").format(n=_short(shown)))
    return value


def host_of(url: str) -> str:
    """`host[:port]` as a person would name the server (default ports left out)."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


def _check_same_server(link: str, server_url: str) -> None:
    if host_of(link) != host_of(server_url):
        raise LinkError(
            _("This link is for {link_host}, but you are connected to {server_host}.").format(
                link_host=host_of(link), server_host=host_of(server_url)
            )
        )


def _short(text: str, limit: int = 60) -> str:
    line = " ".join("".join(c for c in text if c.isprintable()).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
