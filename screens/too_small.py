"""Below 60×20 the console says so instead of drawing a broken layout."""

from __future__ import annotations

from typing import Any

from cebox_support.tui.i18n import _
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

MIN_WIDTH = 60
MIN_HEIGHT = 20


class TooSmallScreen(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static(
            _("Window too small: at least {w}×{h} is needed.").format(w=MIN_WIDTH, h=MIN_HEIGHT),
            id="too-small-message",
        )


def follow_size(app: App[Any], size: Size) -> None:
    """Show the notice while the terminal is below the minimum, and only then."""
    small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
    showing = isinstance(app.screen, TooSmallScreen)
    if small and not showing:
        app.push_screen(TooSmallScreen())
    elif not small and showing:
        app.pop_screen()
