"""Below 60×20 the console says so instead of drawing a broken layout."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import _

MIN_WIDTH = 60
MIN_HEIGHT = 20


class TooSmallScreen(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static(
            _("Window too small: at least {w}×{h} is needed.").format(w=MIN_WIDTH, h=MIN_HEIGHT),
            id="too-small-message",
        )
