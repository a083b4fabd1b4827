"""What a newcomer tripped on (issue 19), through the console's keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Static

from tests.conftest import wait_for


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def table_ids(app: Any) -> list[int]:
    return [t.id for t in app.screen.query_one("#tickets").loaded]


async def test_slash_with_a_number_finds_that_ticket(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "slash", *"#4", "enter")
        await settle(pilot)
        assert table_ids(app) == [4]
        await pilot.press("slash", "ctrl+u", *"999", "enter")
        await wait_for(lambda: app.screen.query_one("#tickets").total == 0)
        await settle(pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display and "999" in str(empty.render())


async def test_palette_placeholder_in_french(make_app: Callable[..., Any]) -> None:
    from textual.command import CommandInput, CommandPalette

    from tui.i18n import set_language

    set_language("fr")
    try:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await wait_for(lambda: isinstance(app.screen, CommandPalette))
            await pilot.pause()
            placeholder = app.screen.query_one(CommandInput).placeholder
            assert placeholder == "Rechercher une commande…"
    finally:
        set_language("en")
