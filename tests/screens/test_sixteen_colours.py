"""16-colour terminals: the dashboard and a ticket stay readable.

Two ways a user gets 16 colours: the `ansi-dark` theme (`theme = "ansi-dark"` in
config.toml, or Ctrl+T), which draws with the terminal's own 16 ANSI colours; or the
default theme on a terminal that only has 16, where each colour is rounded to the
nearest ANSI one. Snapshots cover the first; the cell checks below cover both.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.dashboard import DashboardScreen
from cebox_support.screens.ticket import TicketScreen
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.config import config_path, load_settings
from rich.color import Color, ColorSystem, ColorType
from textual.strip import Strip

from tests.conftest import frozen_now, settle, wait_for
from tests.helpers import thread_in_view

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
ANSI_THEME = "ansi-dark"
SOLVED = 2
"""Seeded demo ticket: a follow-up from support and a solution awaiting approval."""


def ansi_app(make_app: Callable[..., Any], **kwargs: Any) -> Any:
    app = make_app(**kwargs)
    app.theme = ANSI_THEME
    return app


async def _dashboard_ready(pilot: Any) -> None:
    await wait_for(lambda: isinstance(pilot.app.screen, DashboardScreen))
    await settle(pilot)


async def _ticket_ready(pilot: Any) -> None:
    await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
    await settle(pilot)
    await wait_for(lambda: thread_in_view(pilot.app))


# -- snapshots ----------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_dashboard_ansi(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    app = ansi_app(make_app)
    assert snap_compare(app, terminal_size=size, run_before=_dashboard_ready)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_ticket_ansi(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    app = ansi_app(make_app, open_ticket=SOLVED)
    assert snap_compare(app, terminal_size=size, run_before=_ticket_ready)


# -- what the terminal would draw ------------------------------------------------------


def _hidden(strips: list[Strip], system: ColorSystem | None) -> list[str]:
    """Letters and digits drawn in their background's colour (after rounding to `system`)."""
    found: list[str] = []
    for y, strip in enumerate(strips):
        for segment in strip:
            style = segment.style
            if style is None or not any(ch.isalnum() for ch in segment.text):
                continue
            fg, bg = style.color, style.bgcolor
            if style.reverse:
                fg, bg = bg, fg
            if fg is None or bg is None:
                continue
            if system is not None:
                fg, bg = fg.downgrade(system), bg.downgrade(system)
            if fg.type is not ColorType.DEFAULT and _same(fg, bg):
                found.append(f"line {y}: {segment.text!r} {fg.name} on {bg.name}")
    return found


def _same(a: Color, b: Color) -> bool:
    return a.type == b.type and a.number == b.number and a.triplet == b.triplet


def _colours(strips: list[Strip]) -> set[ColorType]:
    types: set[ColorType] = set()
    for strip in strips:
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            types.update(c.type for c in (style.color, style.bgcolor) if c is not None)
    return types


@pytest.mark.parametrize("theme", [ANSI_THEME, "textual-dark"])
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_no_text_in_its_background_colour(
    make_app: Callable[..., Any], theme: str, size: tuple[int, int]
) -> None:
    """On a 16-colour terminal every letter of the dashboard and the ticket is visible."""
    app = make_app(open_ticket=SOLVED)
    app.theme = theme
    async with app.run_test(size=size) as pilot:
        await _ticket_ready(pilot)
        ticket = pilot.app.screen._compositor.render_strips()
        await pilot.press("escape")
        await _dashboard_ready(pilot)
        dashboard = pilot.app.screen._compositor.render_strips()
        if theme == ANSI_THEME:
            assert pilot.app.native_ansi_color
            for strips in (ticket, dashboard):
                assert _colours(strips) <= {ColorType.STANDARD, ColorType.DEFAULT}
        for strips in (ticket, dashboard):
            assert _hidden(strips, ColorSystem.STANDARD) == []
            assert _hidden(strips, None) == []
        assert "Perte de connexion" in "".join(s.text for s in ticket)


async def test_ansi_theme_from_config_file(make_app: Callable[..., Any]) -> None:
    """`theme = "ansi-dark"` in config.toml starts the console in 16 colours."""
    path: Path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'theme = "{ANSI_THEME}"\n', encoding="utf-8")
    loaded = load_settings()
    assert loaded.problems == []
    signed_in = make_app()
    app = CeboxApp(loaded, workspace=signed_in.workspace, now=frozen_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard_ready(pilot)
        assert pilot.app.theme == ANSI_THEME
        assert pilot.app.native_ansi_color
