"""The app shell: window too small, user keymap, palette lists the screen's actions."""

from __future__ import annotations

from typing import Any

from cebox_support.screens.too_small import TooSmallScreen
from cebox_support.tui.messages import SwitchProfile


async def test_too_small_window_says_so_and_recovers(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_user_keymap_rebinds_by_id(make_app: Any) -> None:
    app = make_app()
    app.set_keymap({"dashboard.goto": "f6"})
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        assert type(app.screen).__name__ == "GotoScreen"


async def test_palette_lists_the_screen_actions(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for expected in ("Go to", "Refresh", "New incident", "Switch profile", "Log out"):
            assert any(expected.lower() in t.lower() for t in titles), (expected, titles)


async def test_switch_profile_from_the_palette(make_app: Any, fresh_helpdesk: Any) -> None:
    from cebox_support.tui.config import Profile
    from textual.widgets import Input

    app = make_app()
    app.settings.profiles["other"] = Profile(url=fresh_helpdesk.api_url, login="tech")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        first = app.workspace
        app.route(SwitchProfile())
        await pilot.pause()
        assert type(app.screen).__name__ == "LoginScreen"
        app.screen.query_one("#server-url", Input).value = fresh_helpdesk.api_url
        app.screen.query_one("#login-user", Input).value = "tech"
        app.screen.query_one("#login-password", Input).value = "tech"
        app.screen.query_one("#login-password", Input).focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.workspace is not first and app.workspace.me.login == "tech"
        assert len(app.screen_stack) == 2


async def test_ticket_change_refreshes_the_dashboard_once(make_app: Any, helpdesk: Any) -> None:
    from cebox_support.tui.messages import TicketChanged

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        helpdesk.clear_log()
        app.post_message(TicketChanged(1))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        searches = [e for e in helpdesk.request_log if "search/Ticket" in e.path]
        assert 1 <= len(searches) <= 7  # one page and the five counts, not a loop
