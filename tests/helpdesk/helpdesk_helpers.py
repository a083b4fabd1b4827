"""Helpers shared by the helpdesk contract tests (imported as a plain module)."""

from __future__ import annotations

from typing import Any

import httpx
from cebox_support.tui.helpdesk.runner import RunningHelpdesk

POST_ONLY = ("post-only", "postonly")
TECH = ("tech", "tech")
ADMIN = ("glpi", "glpi")
NORMAL = ("normal", "normal")


def session_client(
    server: RunningHelpdesk, login: str, password: str, **headers: str
) -> httpx.Client:
    """An httpx client on the API root carrying a fresh Session-Token."""
    r = httpx.get(f"{server.api_url}/initSession", auth=(login, password))
    assert r.status_code == 200, r.text
    token = r.json()["session_token"]
    return httpx.Client(
        base_url=server.api_url, headers={"Session-Token": token, **headers}, timeout=10
    )


def error(r: httpx.Response) -> tuple[int, str, Any]:
    """(status, code, message) of a GLPI error answer, checking its two-element shape."""
    body = r.json()
    assert isinstance(body, list) and len(body) == 2, body
    return r.status_code, body[0], body[1]
