"""No screen stays busy forever (issue 15): a worker failing in a way nobody planned for
ends the busy state with a message, and the screen takes keys again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cebox_support.screens.dashboard import DashboardScreen
from cebox_support.screens.goto import GotoScreen
from cebox_support.screens.password import PasswordScreen
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.messages import ChangePassword
from textual.widgets import Button, Input, Static

from tests.conftest import settle

UNEXPECTED = "Unexpected error (RuntimeError)"


def explode(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    async def boom(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("not planned")

    monkeypatch.setattr(GlpiClient, method, boom)


async def test_password_screen_is_not_left_changing(
    make_app: Callable[..., Any], fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.route(ChangePassword())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PasswordScreen)
        explode(monkeypatch, "change_password")
        for selector, text in (
            ("#current-password", "postonly"),
            ("#new-password", "N3w-pass!"),
            ("#confirm-password", "N3w-pass!"),
        ):
            screen.query_one(selector, Input).value = text
        screen.query_one("#confirm-password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.busy
        assert not screen.query_one("#password-submit", Button).disabled
        assert UNEXPECTED in str(screen.query_one("#password-message", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen


async def test_goto_box_is_not_left_looking(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        explode(monkeypatch, "get_ticket_head")
        await pilot.press("g")
        await pilot.pause()
        box = app.screen
        assert isinstance(box, GotoScreen)
        box.query_one("#goto-input", Input).value = "2"
        await pilot.press("enter")
        await settle(pilot)
        assert UNEXPECTED in box.error
        assert not box.query_one("#goto-open", Button).disabled


async def test_dashboard_is_not_left_loading(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    explode(monkeypatch, "list_tickets")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        status = str(screen.query_one("#status-line", Static).render())
        assert UNEXPECTED in status and "Loading" not in status
