"""Server URLs, without importing the HTTP stack (the login screen needs them first)."""

from __future__ import annotations

import re


def normalize_api_url(url: str) -> str:
    """Accept a server root, a GLPI folder or the API URL itself; return `…/apirest.php`."""
    url = url.strip()
    if not re.match(r"^https?://", url, re.I):
        url = "https://" + url
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
