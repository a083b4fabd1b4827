"""The console on a full or read-only state folder (issue 24, item 7): the list and the
ticket the server sent are shown, one warning says the copies are not kept, and no
temporary file is left. The refusal is injected (the suite runs as root)."""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cebox_support.screens.dashboard import DashboardScreen
from cebox_support.tui.config import state_dir
from cebox_support.tui.localfiles import reset_warning

from tests.conftest import screen_ready, wait_for
from tests.diskfaults import leftovers, refusing_disk


@pytest.fixture(autouse=True)
def fresh_warning() -> Iterator[None]:
    reset_warning()
    yield
    reset_warning()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
async def test_the_list_and_a_ticket_are_shown_and_the_disk_named_once(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    from cebox_support.screens.ticket import TicketScreen
    from cebox_support.widgets.timeline import Timeline

    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    refusing_disk(monkeypatch, folder, code)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(lambda: isinstance(app.screen, DashboardScreen))
        screen = app.screen
        await wait_for(lambda: len(screen.table.loaded) > 0)
        first = screen.table.loaded[0].id
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, TicketScreen))
        ticket = app.screen
        await wait_for(lambda: len(ticket.query_one("#timeline", Timeline).entries) > 0)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ticket.ticket_id == first
        warnings = [n.message for n in app._notifications if "could not be saved" in n.message]
        assert len(warnings) == 1 and str(folder) in warnings[0], warnings
    assert leftovers(folder) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
async def test_the_console_signs_in_and_says_the_session_is_not_kept(
    helpdesk: Any, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """The login screen on a disk that refuses the token: signed in all the same, the list
    is shown, one warning says the next start asks again; no token, no temporary file."""
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.config import LoadedSettings, Settings, config_path
    from cebox_support.tui.tokens import session_token_path
    from textual.widgets import Input

    folder = state_dir()
    (folder / "sessions").mkdir(parents=True, exist_ok=True)
    refusing_disk(monkeypatch, folder, code)
    app = CeboxApp(LoadedSettings(Settings(), config_path()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#server-url", Input).focus()
        await pilot.press(*helpdesk.api_url, "tab", *"post-only", "tab", *"postonly", "enter")
        screen = await screen_ready(pilot, DashboardScreen)
        await wait_for(lambda: len(screen.table.loaded) > 0)
        await app.workers.wait_for_complete()
        await pilot.pause()
        warnings = [n.message for n in app._notifications if "could not be" in n.message]
        assert len(warnings) == 1, warnings
        assert "session could not be kept" in warnings[0] and str(folder) in warnings[0]
    assert leftovers(folder) == []
    assert not session_token_path("127-0-0-1").exists()
