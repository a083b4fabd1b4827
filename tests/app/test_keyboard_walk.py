"""The mouse is never required: one walk through every screen with the keyboard only.

Every screen and dialog is reached and left by keys, the confirmation, error and
re-login dialogs included. Not here: the "window too small" screen, which only a
resize opens and closes (tests/app/test_app_shell.py), and the draft-restore
confirmation, which is the same ConfirmScreen (tests/screens/test_new_ticket.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.dashboard import DashboardScreen
from cebox_support.screens.documents import DocumentsScreen
from cebox_support.screens.error import ErrorScreen
from cebox_support.screens.forms import FormsScreen
from cebox_support.screens.goto import GotoScreen
from cebox_support.screens.help import HelpScreen
from cebox_support.screens.login import LoginScreen
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.screens.password import PasswordScreen
from cebox_support.screens.refuse import RefuseScreen
from cebox_support.screens.relogin import ReloginScreen
from cebox_support.screens.ticket import TicketScreen
from cebox_support.tui.api.models import TicketFilter
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.widgets.filter_tabs import FilterTabs
from textual.command import CommandPalette
from textual.widget import Widget
from textual.widgets import Button, Input, TextArea
from textual_fspicker import FileOpen

from tests.conftest import settle, wait_for

SOLVED = 2
"""Seeded demo ticket with a solution awaiting approval (so `x` opens the refusal)."""


async def arrive(pilot: Any, screen_type: type[Any], *, workers: bool = True) -> Any:
    """Wait for the screen; `workers=False` for a modal a worker is waiting on."""
    await wait_for(lambda: isinstance(pilot.app.screen, screen_type))
    if workers:
        await settle(pilot)
    await pilot.pause()
    return pilot.app.screen


async def tab_to(pilot: Any, wanted: Callable[[Widget], bool], limit: int = 40) -> Widget:
    """Press Tab until the focused widget is the one wanted."""
    for _ in range(limit):
        focused = pilot.app.focused
        if focused is not None and wanted(focused):
            return focused
        await pilot.press("tab")
    raise AssertionError(f"not reached with Tab; focus is on {pilot.app.focused!r}")


async def palette(pilot: Any, command: str) -> None:
    await pilot.press("ctrl+p")
    await arrive(pilot, CommandPalette)
    await pilot.press(*command)
    await wait_for(lambda: pilot.app.screen.query_one("CommandList").option_count > 0)
    await pilot.pause()
    await pilot.press("enter")


async def test_every_screen_with_the_keyboard_only(
    make_app: Callable[..., Any], fresh_helpdesk: Any
) -> None:
    app = make_app(server=fresh_helpdesk, login="", logged_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        # Login: the server comes from the profile, the rest is typed.
        login = await arrive(pilot, LoginScreen)
        assert pilot.app.focused is login.query_one("#login-user", Input)
        await pilot.press(*"post-only", "tab", *"postonly", "enter")

        dashboard = await arrive(pilot, DashboardScreen)
        assert pilot.app.workspace.me.login == "post-only"
        tabs = dashboard.query_one(FilterTabs)
        await pilot.press("2")
        await settle(pilot)
        assert dashboard.filter is TicketFilter.APPROVAL
        await pilot.press("right")
        await settle(pilot)
        assert dashboard.filter is TicketFilter.SOLVED
        await pilot.press("5")
        await settle(pilot)
        assert dashboard.filter is TicketFilter.ALL
        assert tabs is dashboard.query_one(FilterTabs)

        # Go to a ticket by its number.
        await pilot.press("g")
        await arrive(pilot, GotoScreen)
        await pilot.press(*str(SOLVED), "enter")
        ticket = await arrive(pilot, TicketScreen)
        assert ticket.ticket_id == SOLVED
        assert ticket.detail is not None and ticket.detail.pending_solution is not None

        await pilot.press("r")
        assert pilot.app.focused is ticket.query_one("#reply-text", TextArea)
        await pilot.press(*"brouillon")
        await pilot.press("escape")  # leaves the reply box, stays on the ticket
        assert pilot.app.screen is ticket
        assert ticket.query_one("#reply-text", TextArea).text == "brouillon"

        await pilot.press("d")
        await arrive(pilot, DocumentsScreen)
        await pilot.press("escape")
        assert await arrive(pilot, TicketScreen) is ticket

        # Approve asks first; "n" answers no and nothing is sent.
        await pilot.press("a")
        confirm = await arrive(pilot, ConfirmScreen, workers=False)
        assert "approve" in confirm.question_title.lower(), confirm.question_title
        await pilot.press("n")
        assert await arrive(pilot, TicketScreen) is ticket
        assert fresh_helpdesk.store.ticket(SOLVED)["status"] == 5

        # A server error opens the error dialog; Enter closes it.
        fresh_helpdesk.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500",)))
        await pilot.press("a")
        await arrive(pilot, ConfirmScreen, workers=False)
        await pilot.press("y")
        await arrive(pilot, ErrorScreen)
        fresh_helpdesk.set_faults(None)
        await pilot.press("enter")
        assert await arrive(pilot, TicketScreen) is ticket
        assert fresh_helpdesk.store.ticket(SOLVED)["status"] == 5

        await pilot.press("x")
        await arrive(pilot, RefuseScreen, workers=False)
        await pilot.press("escape")
        assert await arrive(pilot, TicketScreen) is ticket
        assert fresh_helpdesk.store.ticket(SOLVED)["status"] == 5  # still solved

        await pilot.press("escape")
        assert await arrive(pilot, DashboardScreen) is dashboard

        # A new ticket: the catalogue, a form, the file picker.
        await pilot.press("n")
        await arrive(pilot, FormsScreen)
        await pilot.press("enter")
        form = await arrive(pilot, NewTicketScreen)
        await tab_to(pilot, lambda w: isinstance(w, Button) and w.has_class("attachments-browse"))
        await pilot.press("enter")
        await arrive(pilot, FileOpen)
        await pilot.press("escape")
        assert await arrive(pilot, NewTicketScreen) is form
        await pilot.press("escape")
        await arrive(pilot, FormsScreen)
        await pilot.press("escape")
        assert await arrive(pilot, DashboardScreen) is dashboard

        # Change password, from the palette; left without changing anything.
        await palette(pilot, "Change password")
        await arrive(pilot, PasswordScreen)
        await pilot.press("escape")
        assert await arrive(pilot, DashboardScreen) is dashboard

        await pilot.press("f1")
        await arrive(pilot, HelpScreen)
        await pilot.press("escape")
        assert await arrive(pilot, DashboardScreen) is dashboard

        # The session dies on the server: the next refresh asks for the password again.
        token = pilot.app.workspace.client.session_token
        fresh_helpdesk.store.kill_session(token)
        await pilot.press("r")
        relogin = await arrive(pilot, ReloginScreen, workers=False)
        await pilot.press(*"postonly", "enter")
        assert await arrive(pilot, DashboardScreen) is dashboard
        assert pilot.app.workspace.client.session_token not in (None, token)
        assert relogin is not pilot.app.screen

        # Log out from the palette: back to the login.
        await palette(pilot, "Log out")
        await arrive(pilot, LoginScreen)
        assert pilot.app.workspace is None
