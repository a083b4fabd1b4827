"""An expired session found by an automatic refresh never takes the keyboard.

The refresh says so (status line, toast); the re-login dialog opens only when the
user acts. Over real HTTP: the session is killed on the embedded helpdesk.
"""

from __future__ import annotations

from typing import Any

import httpx
from cebox_support.screens.dashboard import DashboardScreen
from cebox_support.screens.password import PasswordScreen
from cebox_support.screens.relogin import ReloginScreen
from cebox_support.tui.messages import ChangePassword
from textual.widgets import Input, Static

from tests.conftest import settle, wait_for


async def kill_session(app: Any, server: Any) -> None:
    token = app.workspace.client.session_token
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{server.api_url}/killSession", headers={"Session-Token": token})
        assert response.status_code == 200


def status(app: Any) -> str:
    return str(app.screen.query_one("#status-line", Static).render())


async def test_background_refresh_says_expired_and_asks_only_when_the_user_acts(
    make_app: Any, fresh_helpdesk: Any
) -> None:
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        focused = app.focused
        await kill_session(app, fresh_helpdesk)
        dashboard._refresh_tick()  # what the `refresh_seconds` timer calls
        await settle(pilot)
        assert "expired" in status(app)
        assert app.screen is dashboard and app.focused is focused
        await pilot.press("r")  # the user acts: now the password is asked for
        await wait_for(lambda: isinstance(app.screen, ReloginScreen))
        await pilot.pause()
        await pilot.press(*"postonly", "enter")
        await wait_for(lambda: app.screen is dashboard and "expired" not in status(app))
        assert app.workspace.client.logged_in


async def test_refresh_under_the_password_screen_does_not_take_its_typing(
    make_app: Any, fresh_helpdesk: Any
) -> None:
    """Issue 14: the dialog opened under the typing and got the new password."""
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        await kill_session(app, fresh_helpdesk)
        dashboard._refresh_tick()  # in flight as the user opens the password screen
        app.route(ChangePassword())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PasswordScreen)
        screen.query_one("#current-password", Input).focus()
        await pilot.press(*"postonly")
        await settle(pilot)
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#current-password", Input).value == "postonly"
        assert not screen.busy


async def test_escape_stops_waiting_for_a_password_change_and_the_retry_checks_first(
    make_app: Any, fresh_helpdesk: Any, monkeypatch: Any
) -> None:
    """A change whose answer never comes: Escape ends the wait (fields kept), and the
    next Enter first checks whether the new password already works."""
    import asyncio

    from cebox_support.tui.api.client import GlpiClient

    real_change = GlpiClient.change_password
    never = asyncio.Event()

    async def hangs(self: Any, current: str, new: str) -> None:
        await never.wait()

    monkeypatch.setattr(GlpiClient, "change_password", hangs)
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.route(ChangePassword())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PasswordScreen)
        for selector, text in (
            ("#current-password", "postonly"),
            ("#new-password", "N3w-pass!"),
            ("#confirm-password", "N3w-pass!"),
        ):
            screen.query_one(selector, Input).value = text
        await pilot.press("enter")
        await wait_for(lambda: screen.busy)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not screen.busy
        shown = str(screen.query_one("#password-message", Static).render())
        assert "Stopped waiting" in shown
        assert screen.query_one("#new-password", Input).value == "N3w-pass!"
        assert screen.maybe_changed_to == "N3w-pass!"
        monkeypatch.setattr(GlpiClient, "change_password", real_change)
        await pilot.press("enter")
        await wait_for(lambda: app.screen is not screen)
        assert any("password was changed" in n.message for n in app._notifications)
    assert fresh_helpdesk.store.check_password("post-only", "N3w-pass!")


async def test_leaving_a_ticket_while_its_reply_is_in_flight_keeps_a_maybe_sent_draft(
    make_app: Any, fresh_helpdesk: Any, monkeypatch: Any
) -> None:
    """Escape ends the wait for an answer that does not come; the draft stays, marked
    "maybe sent", so the next send looks on the server before sending."""
    import asyncio

    from cebox_support.screens.ticket import TicketScreen
    from cebox_support.tui.api.client import GlpiClient
    from cebox_support.tui.messages import OpenTicket
    from textual.widgets import TextArea

    real_send = GlpiClient.send_followup
    never = asyncio.Event()

    async def hangs(self: Any, *args: Any, **kwargs: Any) -> Any:
        await never.wait()

    monkeypatch.setattr(GlpiClient, "send_followup", hangs)
    app = make_app(server=fresh_helpdesk)
    before = len(fresh_helpdesk.store.followups(1))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.route(OpenTicket(1))
        await wait_for(lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        screen = app.screen
        await pilot.press("r", *"Pas de réponse ?")
        await pilot.press("ctrl+r")
        await wait_for(lambda: screen.sending)
        await pilot.press("escape", "escape")  # out of the reply box, then off the ticket
        await wait_for(lambda: isinstance(app.screen, DashboardScreen))
        draft = app.workspace.drafts.load("reply-1")
        assert draft["text"] == "Pas de réponse ?"
        (in_flight,) = app.workspace.drafts.in_flight("reply-1")  # "maybe sent", on disk
        assert in_flight.content["text"] == "Pas de réponse ?"
        monkeypatch.setattr(GlpiClient, "send_followup", real_send)
        fresh_helpdesk.clear_log()
        app.route(OpenTicket(1))
        await wait_for(lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        again = app.screen
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert again.query_one("#reply-text", TextArea).text == "Pas de réponse ?"
        await pilot.press("ctrl+r")
        message = again.query_one("#reply-message", Static)
        await wait_for(lambda: "Reply sent" in str(message.render()))
        asked = [(e.method, e.path) for e in fresh_helpdesk.request_log]
    looked = [i for i, (m, p) in enumerate(asked) if m == "GET" and p.endswith("/ITILFollowup")]
    sent = [i for i, (m, p) in enumerate(asked) if m == "POST" and p.endswith("/ITILFollowup")]
    assert looked and sent and looked[0] < sent[0], asked  # looked before sending
    assert len(fresh_helpdesk.store.followups(1)) == before + 1
