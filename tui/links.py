"""Ticket references as people paste them: a number, `#1234`, or a link from a GLPI e-mail.

Pure Python so the console's "go to" box and `cebox-support show/open` agree.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qs, parse_qsl, urlsplit

from cebox_support.tui.api.urls import normalize_api_url, web_root
from cebox_support.tui.i18n import _

_NUMBER = re.compile(r"#?\s*([0-9]{1,10})")
_SIGNED = re.compile(r"#?\s*[-+]\s*[0-9]+")
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
    if _NUMBER.fullmatch(raw) or _SIGNED.fullmatch(raw) or raw.lstrip("#").strip().isdigit():
        return parse_ticket_number(raw)
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


_FORM_LINK = re.compile(r"/Form/Render/(\d+)/?$")


def parse_form_link(text: str, server_url: str | None = None) -> tuple[int, str | None] | None:
    """A GLPI 11 form link (`…/Form/Render/N`, with its `?token=…` when it is a
    direct-access one) → (N, token); None when `text` is no form link; a link to
    another server than `server_url` is refused (LinkError)."""
    raw = text.strip().strip("<>\"'").strip()
    if "/Form/Render/" not in raw:
        return None
    parts = urlsplit(raw)
    match = _FORM_LINK.search(parts.path)
    if match is None:
        return None
    if "://" in raw:  # a path alone (`/Form/Render/7?token=…`) is this server's
        if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
            return None
        if server_url:  # the GLPI the form lives on: what precedes /Form/Render/N
            _check_same_server(raw[: raw.index("/Form/Render/")], server_url)
    token = next((v for k, v in parse_qsl(parts.query) if k == "token" and v), None)
    return int(match.group(1)), token


def parse_ticket_number(text: str) -> int:
    """A ticket number alone: ASCII digits (`١` is not ticket 1), an optional `#`, ≥ 1."""
    raw = text.strip()
    number = _NUMBER.fullmatch(raw)
    if number:
        return _positive(number.group(1), raw)
    if _SIGNED.fullmatch(raw):
        raise LinkError(_("There is no ticket {n}.").format(n=_short(raw)))
    raise LinkError(_("“{text}” is not a ticket number.").format(text=_short(text)))


def _id_from_url(path: str, query: str) -> int | None:
    params = parse_qs(query)
    if path.rstrip("/").lower().endswith("/front/ticket.form.php"):
        values = params.get("id") or []
        if values and re.fullmatch(r"[0-9]+", values[0].strip()):
            return _positive(values[0].strip(), values[0])
        return None
    for value in params.get("redirect", []):
        match = re.fullmatch(r"ticket_([0-9]{1,10})(?:_.*)?", value.strip(), re.IGNORECASE)
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
    host = (parts.hostname or "").lower().rstrip(".")
    port = _port(parts)
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None


_TICKET_PAGES = ("/front/ticket.form.php", "/index.php")


def _site(url: str) -> tuple[str, str, int | None, str]:
    """What makes one GLPI: scheme, host (a trailing dot is the same host), port and
    the folder GLPI is installed in (`/clientA` is not `/clientB`)."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    path = parts.path
    for page in _TICKET_PAGES:
        if path.lower().endswith(page):
            path = path[: -len(page)]
    host = (parts.hostname or "").lower().rstrip(".")
    return parts.scheme.lower(), host, _port(parts), path.rstrip("/")


def _shown(url: str) -> str:
    scheme, _host, _p, path = _site(url)
    return f"{scheme}://{host_of(url)}{path}"


def _check_same_server(link: str, server_url: str) -> None:
    server = web_root(normalize_api_url(server_url))
    if _site(link) != _site(server):
        raise LinkError(
            _("This link is for {link_host}, but you are connected to {server_host}.").format(
                link_host=_shown(link), server_host=_shown(server)
            )
        )


def _short(text: str, limit: int = 60) -> str:
    line = " ".join("".join(c for c in text if c.isprintable()).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
