"""Helpers shared by several test areas (fixtures live in tests/conftest.py)."""

from __future__ import annotations

import sys
import types
from typing import Any

import httpx
import pytest
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Label


def thread_in_view(app: Any) -> bool:
    """Whether the ticket screen shows its whole thread, laid out, at its newest end.

    A long thread is mounted in two steps and scrolled after a refresh; a snapshot taken
    before both showed the first batch at the top on a loaded machine.
    """
    from cebox_support.screens.ticket import TicketScreen
    from cebox_support.widgets.timeline import Timeline

    screen = app.screen
    if not isinstance(screen, TicketScreen) or screen.detail is None:
        return False
    timeline = screen.query_one(Timeline)
    entries = timeline.entries
    if not entries or len(entries) != len(timeline._items) or timeline.is_anchored:
        return False
    if any(entry.size.height == 0 for entry in entries):
        return False  # mounted, not laid out yet: the scroll range is not final
    end = 0 if timeline.newest_first else timeline.max_scroll_y
    return timeline.scroll_y == end


async def password_works(server: Any, login: str, password: str) -> bool:
    """Whether `password` opens a session for `login` now (a fresh initSession)."""
    from cebox_support.tui.api.client import GlpiClient
    from cebox_support.tui.api.errors import AuthError

    client = GlpiClient(server.api_url)
    try:
        await client.login(login, password)
        await client.logout()
        return True
    except AuthError:
        return False
    finally:
        await client.close()


class StubDashboard(Screen[None]):
    """Stands in for the dashboard in screen tests that own their outcome (the login, the
    password, a ticket); the journeys and the dashboard's own tests use the real one."""

    def __init__(self, workspace: Any, ticket_id: int | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.ticket_id = ticket_id

    def compose(self) -> ComposeResult:
        yield Label(f"dashboard of {self.workspace.me.login}", id="stub-dashboard", markup=False)


def stub_dashboard(monkeypatch: pytest.MonkeyPatch, *, ticket: bool = False) -> None:
    """Make the app open StubDashboard where it would open the dashboard (and, with
    `ticket`, where it would open a ticket)."""
    names = [("cebox_support.screens.dashboard", "DashboardScreen")]
    if ticket:
        names.append(("cebox_support.screens.ticket", "TicketScreen"))
    for name, attr in names:
        module = types.ModuleType(name)
        setattr(module, attr, StubDashboard)
        monkeypatch.setitem(sys.modules, name, module)


class LoseTheVerdict(httpx.AsyncBaseTransport):
    """The password form's POST reaches GLPI, which changes the password, but its answer is
    lost (once): what a flaky link does to the one request that matters."""

    def __init__(self, state: dict[str, bool]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.state = state

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        lose = request.method == "POST" and request.url.path.endswith("/updatepassword.php")
        if lose and self.state["armed"]:
            self.state["armed"] = False
            await response.aread()
            await response.aclose()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def lose_password_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every console client from now on loses the answer of the first password change."""
    from cebox_support.tui.api.client import GlpiClient
    from cebox_support.tui.config import Profile

    state = {"armed": True}

    def make_client(profile: Profile) -> GlpiClient:
        return GlpiClient(profile.url, timeout=profile.timeout, transport=LoseTheVerdict(state))

    import cebox_support.tui.session as session_module

    monkeypatch.setattr(session_module, "make_client", make_client)
