"""Why the solution does not work: GLPI refuses a refusal without a reason, so do we, inline."""

from __future__ import annotations

from cebox_support.tui.i18n import _
from cebox_support.widgets.key_bar import KeyBar
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea


class RefuseScreen(ModalScreen[str | None]):
    """Dismisses with the reason (never empty), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="refuse.cancel"),
        Binding(
            "ctrl+r",
            "submit",
            _("Refuse the solution"),
            id="refuse.submit",
            tooltip=_("Send the refusal with its reason"),
            priority=True,
        ),
    ]

    def __init__(self, ticket_id: int, reason: str = "") -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.reason = reason
        """A reason the server did not confirm last time, offered again."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog refuse"):
            yield Label(
                _("Refuse the solution of ticket #{id}").format(id=self.ticket_id),
                id="dialog-title",
            )
            yield Static(
                _(
                    "Say what still does not work. The ticket goes back to the support "
                    "team with your reason as a follow-up."
                ),
                classes="hint",
            )
            yield TextArea(self.reason, id="refuse-reason", placeholder=_("Reason (required)"))
            yield Static("", id="refuse-message", classes="error-text", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Refuse the solution"), id="refuse-yes", variant="error")
                yield Button(_("Cancel"), id="refuse-no")
        yield KeyBar()  # this dialog's keys, not those of the screen below

    def on_mount(self) -> None:
        self.query_one("#refuse-message", Static).display = False
        self.query_one("#refuse-reason", TextArea).focus()

    def on_resize(self) -> None:
        # The reason box gives up lines on a short terminal, so the buttons stay in view.
        self.query_one("#refuse-reason", TextArea).styles.height = max(
            3, min(6, self.size.height - 16)
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "refuse-yes":
            self.action_submit()
        else:
            self.action_cancel()

    def action_submit(self) -> None:
        reason = self.query_one("#refuse-reason", TextArea).text.strip()
        if not reason:
            message = self.query_one("#refuse-message", Static)
            message.update(_("Give a reason: GLPI does not accept a refusal without one."))
            message.display = True
            self.query_one("#refuse-reason", TextArea).focus()
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
