"""Snapshots of the modal dialogs over the ticket they belong to, at 80x24 and 120x40:
the error, the re-login and the documents.

The others have theirs elsewhere: approve's confirmation and the refusal in
tests/screens/test_dialog_keys.py, help in tests/screens/test_help_profile.py, go-to in
tests/screens/test_dashboard.py. Each is reached the way the user reaches it, by keys;
the server is the test's own where the dialog needs a fault or a dead session.
"""

from __future__ import annotations

import types
from typing import Any

import httpx
import pytest
from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.documents import DocumentsScreen
from cebox_support.screens.error import ErrorScreen
from cebox_support.screens.relogin import ReloginScreen
from cebox_support.screens.ticket import TicketScreen
from cebox_support.tui.helpdesk.faults import FaultConfig
from textual.widgets import Input, TextArea

from tests.conftest import wait_for

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
DOMAIN, SOLVED = 1, 2
"""Seeded demo tickets: one with a document, one whose solution awaits approval."""


async def on_ticket(pilot: Any) -> TicketScreen:
    await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen) and screen.detail is not None
    return screen


async def until_modal(pilot: Any, kind: type[Any]) -> None:
    await wait_for(lambda: isinstance(pilot.app.screen, kind))
    await pilot.pause()
    for field in pilot.app.screen.query("Input, TextArea"):
        if isinstance(field, Input | TextArea):
            field.cursor_blink = False
    await pilot.pause()


@SIZES
def test_snapshot_error(
    snap_compare: Any, make_app: Any, fresh_helpdesk: Any, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Any) -> None:
        await on_ticket(pilot)
        fresh_helpdesk.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500",)))
        await pilot.press("a")
        await until_modal(pilot, ConfirmScreen)
        await pilot.press("y")
        await until_modal(pilot, ErrorScreen)
        fresh_helpdesk.set_faults(None)
        # The ticket's refresh under the same fault also says so in a toast, which
        # times out on its own: not part of this picture.
        pilot.app.clear_notifications()
        await pilot.pause()

    app = make_app(server=fresh_helpdesk, open_ticket=SOLVED)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


class Rehost(httpx.AsyncBaseTransport):
    """Sends requests for SERVER to the test's helpdesk, so that the address the dialog
    shows is the same in every run (the helpdesk's port is not)."""

    def __init__(self, target: str) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.target = httpx.URL(target)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host=self.target.host, port=self.target.port)
        request.headers["host"] = f"{self.target.host}:{self.target.port}"
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


SERVER = "http://support.example.test/apirest.php"


@SIZES
def test_snapshot_relogin(
    snap_compare: Any,
    make_app: Any,
    fresh_helpdesk: Any,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    from cebox_support.tui.api.client import GlpiClient

    def make_client(profile: Any) -> GlpiClient:
        return GlpiClient(
            profile.url, timeout=profile.timeout, transport=Rehost(fresh_helpdesk.api_url)
        )

    import cebox_support.tui.session as session_module

    monkeypatch.setattr(session_module, "make_client", make_client)

    async def run_before(pilot: Any) -> None:
        await on_ticket(pilot)
        fresh_helpdesk.store.kill_session(pilot.app.workspace.client.session_token)
        await pilot.press("f5")
        await until_modal(pilot, ReloginScreen)

    app = make_app(server=types.SimpleNamespace(api_url=SERVER), open_ticket=DOMAIN)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_snapshot_documents(
    snap_compare: Any, make_app: Any, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", "/home/client/Téléchargements")  # same every run

    async def run_before(pilot: Any) -> None:
        await on_ticket(pilot)
        await pilot.press("d")
        await until_modal(pilot, DocumentsScreen)

    assert snap_compare(make_app(open_ticket=DOMAIN), terminal_size=size, run_before=run_before)
