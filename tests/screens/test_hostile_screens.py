"""Every ticket of the hostile corpus (tui/helpdesk/hostile.py) in every place a ticket's
server text reaches the screen: the list, the ticket's header and thread, the documents
dialog. Nothing in it acts: no markup action, no escape or control sequence reaches the
terminal, and titles, actor names and file names read literally.

What reaches the terminal is taken where Textual hands each frame to its driver, rendered
to the bytes a real terminal would receive."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from cebox_support.screens.dashboard import DashboardScreen
from cebox_support.screens.documents import DocumentsScreen
from cebox_support.screens.ticket import TicketScreen
from cebox_support.tui.api.text import clean_line
from cebox_support.tui.helpdesk.hostile import HOSTILE_TEXTS, seed_hostile
from cebox_support.tui.messages import OpenTicket
from cebox_support.widgets.timeline import Timeline
from rich.console import Console
from textual.widgets import DataTable, OptionList

from tests.conftest import wait_for

SIZE = (120, 40)
OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
FORBIDDEN = {
    "an OSC sequence (clipboard, hyperlink, title)": "\x1b]",
    "a DCS sequence": "\x1bP",
    "a screen clear": "\x1b[2J",
    "a bidi override": "\u202e",
    "a NUL": "\x00",
    "a C1 CSI": "\x9b",
    "a carriage return": "\r",
}


class Terminal:
    """The bytes every frame would write to a real terminal."""

    def __init__(self, app: Any) -> None:
        self.out = io.StringIO()
        self.console = Console(
            file=self.out,
            force_terminal=True,
            color_system="truecolor",
            width=SIZE[0],
            height=SIZE[1],
            legacy_windows=False,
        )
        display = app._display

        def on_frame(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.console.print(renderable, end="")
            display(screen, renderable)

        app._display = on_frame

    def written(self) -> str:
        return self.out.getvalue()


def clicks(screen: Any) -> list[str]:
    """Every `@click` action on a cell of the screen."""
    width, height = SIZE
    found = set()
    for y in range(height):
        for x in range(width):
            meta = screen.get_style_at(x, y).meta
            if "@click" in meta:
                found.add(str(meta["@click"]))
    return sorted(found)


def literal(title: str) -> str:
    """What the console shows of a hostile title: cleaned, never interpreted."""
    return clean_line(title)[:18]


@pytest.fixture
def hostile(fresh_helpdesk: Any) -> list[int]:
    return seed_hostile(fresh_helpdesk.store)


async def test_every_hostile_ticket_renders_inert(
    make_app: Any, fresh_helpdesk: Any, hostile: list[int]
) -> None:
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=SIZE) as pilot:
        terminal = Terminal(app)
        await wait_for(lambda: isinstance(app.screen, DashboardScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        dashboard = app.screen
        table = dashboard.query_one(DataTable)
        listed = "\n".join(
            " ".join(str(cell) for cell in table.get_row_at(row)) for row in range(table.row_count)
        )
        for title in HOSTILE_TEXTS:
            assert literal(title) in listed, (title, listed)
        assert not [a for a in clicks(dashboard) if "quit" in a]

        for ticket_id, title in zip(hostile, HOSTILE_TEXTS, strict=True):
            app.route(OpenTicket(ticket_id))
            await wait_for(
                lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None,
                timeout=20,
            )
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TicketScreen) and screen.detail is not None
            timeline = screen.query_one(Timeline)
            # the description and the follow-up
            await wait_for(lambda t=timeline: len(t.entries) >= 2, timeout=20)
            await pilot.pause()
            shown = " ".join(str(w.render()) for w in screen.query("Static, Label"))
            entries = timeline.entries
            shown += " ".join(f"{e.meta()} {e.body()}" for e in entries)
            assert literal(title) in shown, (title, shown)
            assert "[red]Evil" in shown  # the technician's name, markup and all
            assert not [a for a in clicks(screen) if "quit" in a], title

            await pilot.press("d")
            modal = await _arrive(pilot, DocumentsScreen)
            options = modal.query_one(OptionList)
            names = [
                str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
            ]
            filename = clean_line(f"../../{title[:20]}.log")  # as seed_hostile names it
            # (The dialog shows the name as GLPI stored it, `&#60;` and all: inert, if not
            # pretty; the title and the thread are decoded.)
            assert len(names) == 1 and filename[:16] in html.unescape(names[0]), (filename, names)
            assert not [a for a in clicks(modal) if "quit" in a], title
            await pilot.press("escape")
            await _arrive(pilot, TicketScreen)
            await pilot.press("escape")
            await _arrive(pilot, DashboardScreen)
        assert app.is_running

    written = terminal.written()
    assert written, "no frame was drawn"
    for what, sequence in FORBIDDEN.items():
        assert sequence not in written, f"{what} reached the terminal"


async def _arrive(pilot: Any, kind: type[Any]) -> Any:
    await wait_for(lambda: isinstance(pilot.app.screen, kind))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen
