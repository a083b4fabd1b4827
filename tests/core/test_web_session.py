"""GLPI 11's web session (for downloads) lives like the API token: 0600, per profile,
reused by the next console, ended and deleted at sign-out; the password never kept."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cebox_support.tui.api.urls import server_identity
from cebox_support.tui.config import Profile
from cebox_support.tui.session import resume, sign_in, sign_out
from cebox_support.tui.tokens import read_secret, web_cookie_path

from tests.conftest import _start

PENDING = 6


@pytest.fixture(scope="module")
def glpi11() -> Iterator[Any]:
    running = _start(demo=True, formcreator=False, glpi_version="11.0")
    yield running
    running.stop()


async def test_web_cookie_kept_reused_and_dropped(glpi11: Any, tmp_path: Path) -> None:
    profile = Profile(url=glpi11.api_url, login="post-only")
    workspace = await sign_in("work", profile, password="postonly")
    document = (await workspace.client.get_ticket(PENDING)).documents[0]
    await workspace.client.fetch_document(
        document, tmp_path, ticket_id=PENDING, password="postonly"
    )
    path = web_cookie_path("work")
    server, cookie = path.read_text().split("\n")
    assert server == server_identity(workspace.client.api_url)  # bound to its server
    assert read_secret(path, server=profile.url) == cookie
    assert cookie.startswith("glpi_") and "postonly" not in cookie
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    await workspace.client.close()

    again = await resume("work", profile)  # the next console: no password asked
    assert again is not None and again.client.web_cookie == cookie
    saved = await again.client.fetch_document(document, tmp_path, ticket_id=PENDING)
    assert saved.name == "procedure-redemarrage (1).txt"

    await sign_out(again)
    assert not path.exists()
    name, value = cookie.split("=", 1)
    after = httpx.get(
        f"{glpi11.base_url}/front/document.send.php",
        params={"docid": document.id, "itemtype": "Ticket", "items_id": PENDING},
        cookies={name: value},
    )
    assert after.status_code == 403  # the web session was ended on the server


async def test_a_password_sign_in_opens_the_web_session_alongside(
    glpi11: Any, tmp_path: Path
) -> None:
    """GLPI 11 forms need a web session: it is opened with the sign-in, not later."""
    from cebox_support.tui.session import settle_web_session
    from cebox_support.tui.tokens import read_web_cookie

    profile = Profile(url=glpi11.api_url, login="post-only")
    workspace = await sign_in("alongside", profile, password="postonly")
    await settle_web_session(workspace)
    cookie = workspace.client.web_cookie
    assert cookie is not None and cookie.startswith("glpi_")
    assert read_web_cookie("alongside", glpi11.api_url) == cookie
    # Kept for this server only: the same profile name on another server does not send it.
    elsewhere = Profile(url="https://other.example/apirest.php", login="post-only")
    assert read_web_cookie("alongside", workspace.client.api_url) == cookie
    assert read_web_cookie("alongside", elsewhere.url) is None
    await sign_out(workspace)
    assert not web_cookie_path("alongside").exists()


async def test_a_glpi_10_sign_in_opens_no_web_session(fresh_helpdesk: Any) -> None:
    """GLPI 10 needs no web session for its forms: the password goes to the API only."""
    from cebox_support.tui.session import settle_web_session

    profile = Profile(url=fresh_helpdesk.api_url, login="post-only")
    workspace = await sign_in("ten", profile, password="postonly", cache_session=False)
    await settle_web_session(workspace)
    web = [e.path for e in fresh_helpdesk.request_log if "apirest.php" not in e.path]
    assert web == [] and workspace.client.web_cookie is None
    await sign_out(workspace)
