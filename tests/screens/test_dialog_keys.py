"""Dialogs show their own keys in the key bar, not those of the ticket screen below."""

from __future__ import annotations

from typing import Any

import pytest
from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.refuse import RefuseScreen
from cebox_support.screens.ticket import TicketScreen
from cebox_support.widgets.key_bar import KeyBar
from textual.widgets import TextArea

from tests.conftest import wait_for

SOLVED = 2
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def _opened_then(key: str, dialog: type) -> Any:
    async def run_before(pilot: Any) -> None:
        await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
        await wait_for(lambda: pilot.app.screen.detail is not None)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(key)
        await wait_for(lambda: isinstance(pilot.app.screen, dialog))
        await pilot.pause()
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False  # a blinking cursor makes snapshots flaky
        await pilot.pause()

    return run_before


@SIZES
def test_snapshot_refuse_dialog(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    app = make_app(open_ticket=SOLVED)
    assert snap_compare(app, terminal_size=size, run_before=_opened_then("x", RefuseScreen))


@SIZES
def test_snapshot_approve_confirm(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    app = make_app(open_ticket=SOLVED)
    assert snap_compare(app, terminal_size=size, run_before=_opened_then("a", ConfirmScreen))


@pytest.mark.parametrize(
    ("key", "dialog", "own"),
    [
        ("x", RefuseScreen, ["Cancel", "Refuse the solution"]),
        ("a", ConfirmScreen, ["Yes", "Cancel"]),
    ],
)
async def test_dialog_key_bar(make_app: Any, key: str, dialog: type, own: list[str]) -> None:
    app = make_app(open_ticket=SOLVED)
    async with app.run_test(size=(80, 24)) as pilot:
        await _opened_then(key, dialog)(pilot)
        line = str(app.screen.query_one(KeyBar).render())
        assert all(f" {word} " in line for word in own), line
        assert "Documents" not in line and "Reply" not in line


async def test_goto_dialog_key_bar(make_app: Any) -> None:
    from cebox_support.screens.goto import GotoScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("g")
        await wait_for(lambda: isinstance(app.screen, GotoScreen))
        await pilot.pause()
        line = str(app.screen.query_one(KeyBar).render())
        assert " Open " in line and " esc Cancel " in line, line
        assert "Search" not in line and "New" not in line


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=["60x20", "80x24"])
async def test_refuse_dialog_buttons_stay_in_view(make_app: Any, size: tuple[int, int]) -> None:
    app = make_app(open_ticket=SOLVED)
    async with app.run_test(size=size) as pilot:
        await _opened_then("x", RefuseScreen)(pilot)
        dialog = app.screen.query_one("#dialog")
        for button in app.screen.query("#dialog-buttons Button"):
            assert dialog.content_region.contains_region(button.region), (size, button)
