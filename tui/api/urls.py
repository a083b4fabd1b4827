"""Server URLs, without importing the HTTP stack (the login screen needs them first)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

_HOST_NAME = re.compile(r"(?:[^\W_]|[-_])+(?:\.(?:[^\W_]|[-_])+)*\.?")


class BadServerUrl(ValueError):
    """A server URL the console will not use; `message` says why, without its secrets."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_server_url(url: str) -> str:
    """The URL as typed if it is http(s), a host, an optional port (IPv6 in brackets);
    raises BadServerUrl otherwise. Credentials inside it are refused, never used: httpx
    would send them as Basic auth, and the config, `show` and copied links would show them.
    """
    from cebox_support.tui.i18n import _

    url = url.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadServerUrl(
            _("The server URL is not valid: give https://host[:port][/path].")
        ) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadServerUrl(_("The server URL must start with https:// (or http://)."))
    if "@" in parts.netloc:
        raise BadServerUrl(
            _(
                "The server URL must not contain a login or password (user:password@…): "
                "give the server alone, your login and password in their own fields."
            )
        )
    host = parts.hostname or ""
    bracketed = parts.netloc.startswith("[")
    if bracketed:
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise BadServerUrl(
                _("The server URL is not valid: give https://host[:port][/path].")
            ) from None
    elif not _HOST_NAME.fullmatch(host) or (port is None and parts.netloc.endswith(":")):
        raise BadServerUrl(_("The server URL is not valid: give https://host[:port][/path]."))
    if port is not None and not 0 < port < 65536:
        raise BadServerUrl(_("The server URL is not valid: give https://host[:port][/path]."))
    if any(c.isspace() or not c.isprintable() for c in url):
        raise BadServerUrl(_("The server URL is not valid: give https://host[:port][/path]."))
    return url


def without_credentials(url: str) -> str:
    """Last line of defence: credentials in a URL are dropped, never sent."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def normalize_api_url(url: str) -> str:
    """Accept a server root, a GLPI folder or the API URL itself; return `…/apirest.php`."""
    url = url.strip()
    if not re.match(r"^https?://", url, re.I):
        url = "https://" + url
    url = without_credentials(url)
    url = url.rstrip("/")
    match = re.search(r"/apirest\.php(/.*)?$", url)
    if match:
        return url[: match.start()] + "/apirest.php"
    for suffix in ("/index.php", "/front/central.php", "/front/helpdesk.public.php"):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
    return url + "/apirest.php"


def web_root(api_url: str) -> str:
    return api_url[: -len("/apirest.php")] if api_url.endswith("/apirest.php") else api_url


def travels_in_clear(url: str) -> bool:
    """Plain http to anything but this machine: a password or token sent there can be
    read on the way. Loopback (the demo, an SSH tunnel) is not the network."""
    api_url = normalize_api_url(url)
    if not api_url.lower().startswith("http://"):
        return False
    host = (urlsplit(api_url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return True


def server_identity(url: str) -> str:
    """One GLPI, however its URL is written: scheme, host (lower case, without a
    trailing dot), port (the default one left out) and the folder it is installed in.
    Secrets are bound to it; a ticket link must name it."""
    parts = urlsplit(normalize_api_url(url))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port in (None, default) else f"{host}:{port}"
    return f"{scheme}://{netloc}{web_root(parts.path).rstrip('/')}"
