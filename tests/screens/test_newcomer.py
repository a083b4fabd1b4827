"""What a newcomer tripped on (issue 19), through the console's keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cebox_support.tui.messages import OpenTicket
from textual.widgets import Static

from tests.conftest import settle, wait_for


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
    from cebox_support.tui.i18n import set_language
    from textual.command import CommandInput, CommandPalette

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


async def test_one_moment_one_time_in_every_view(
    make_app: Callable[..., Any], monkeypatch: Any
) -> None:
    """The user in New York, the server in Paris: the list's status line, the ticket
    header, the thread and `show` give ticket 1's times in the user's zone."""
    import time
    from zoneinfo import ZoneInfo

    from cebox_support.tui.render_text import ticket_detail

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", "slash", *"#1", "enter")
        await settle(pilot)
        assert table_ids(app) == [1]
        status = str(app.screen.query_one("#status-line", Static).render())
        await pilot.press("enter")
        await wait_for(lambda: getattr(app.screen, "detail", None) is not None)
        await settle(pilot)
        detail = app.screen.detail
        zone = ZoneInfo("America/New_York")
        updated = detail.ticket.date_mod.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        opened = detail.ticket.date.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        assert detail.ticket.date_mod.strftime("%H:%M") != updated[-5:]  # zones differ
        dates = str(app.screen.query_one("#ticket-dates", Static).render())
        first = str(app.screen.query_one("#timeline").children[0].render())
        shown = ticket_detail(detail, detail.ticket.date_mod)
        assert updated in status and updated in dates and updated in shown
        assert opened in dates and opened in first and opened in shown


async def test_a_notice_wraps_instead_of_being_cut(make_app: Callable[..., Any]) -> None:
    """60x20, French, a solved ticket (three buttons): "Votre réponse non envoyée a été
    restaurée." is shown whole."""
    from cebox_support.tui.i18n import set_language

    set_language("fr")
    try:
        app = make_app()
        app.workspace.drafts.save("reply-2", {"text": "Brouillon", "attachments": []})
        async with app.run_test(size=(60, 20)) as pilot:
            await settle(pilot)
            app.route(OpenTicket(2))
            await wait_for(lambda: getattr(app.screen, "detail", None) is not None)
            await settle(pilot)
            message = app.screen.query_one("#reply-message", Static)
            text = "Votre réponse non envoyée a été restaurée."
            assert str(message.render()) == text
            region = message.content_region
            assert region.width * region.height >= len(text) and region.width > 0
    finally:
        set_language("en")


async def test_palette_lists_each_action_once(make_app: Callable[..., Any]) -> None:
    """The dashboard's `?` and the global F1 were three "Help" entries."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for step in ("dashboard", "ticket", "forms"):
            if step == "ticket":
                app.route(OpenTicket(2))
                await wait_for(lambda: getattr(app.screen, "detail", None) is not None)
            elif step == "forms":
                await pilot.press("escape")
                await settle(pilot)
                await pilot.press("n")
                await settle(pilot)
            titles = [str(c.title) for c in app.get_system_commands(app.screen)]
            assert len(titles) == len(set(titles)), (step, titles)
            assert titles.count("Help") == 1


async def test_palette_entries_do_not_repeat_their_title(make_app: Callable[..., Any]) -> None:
    """An entry without a tooltip says its key, not its title a second time."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        commands = list(app.get_system_commands(app.screen))
        assert all(str(c.title) != str(c.help) for c in commands)
        assert any(str(c.help).startswith(("key ", "touche ")) for c in commands)
