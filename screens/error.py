"""A modal for errors that need the user's attention (never for background events)."""

from __future__ import annotations

from cebox_support.tui.api.text import clean_terminal
from cebox_support.tui.i18n import _
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ErrorScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "dismiss_error", _("Close"), id="error.close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.error_title = title
        self.message = clean_terminal(message)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog error"):
            yield Label(self.error_title, id="dialog-title", markup=False)
            yield Static(self.message, id="dialog-body", markup=False)
            yield Button(_("Close"), id="close", variant="error")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_dismiss_error(self) -> None:
        self.dismiss(None)
