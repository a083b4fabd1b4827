"""Yes/no questions before actions that cannot be undone (approve, reply on a solved ticket)."""

from __future__ import annotations

from cebox_support.tui.i18n import _
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.plain import plain
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "answer(False)", _("Cancel"), id="confirm.cancel"),
        Binding("y", "answer(True)", _("Yes"), id="confirm.yes"),
        Binding("n", "answer(False)", _("No"), id="confirm.no"),
    ]

    def __init__(
        self, title: str, question: str, *, yes: str | None = None, no: str | None = None
    ) -> None:
        super().__init__()
        self.question_title = title
        self.question = question
        self.yes_label = yes or _("Yes")
        self.no_label = no or _("Cancel")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(plain(self.question_title), id="dialog-title")
            yield Static(plain(self.question), id="dialog-body")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.yes_label, id="yes", variant="primary")
                yield Button(self.no_label, id="no")
        yield KeyBar()  # this dialog's keys, not those of the screen below

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
