"""GLPI 11's forms need GLPI's web session, and it has ended: the password, once.

The password opens the web session and is forgotten at once (never stored); the
API session is not touched.
"""

from __future__ import annotations

from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.i18n import _
from cebox_support.tui.session import Workspace
from cebox_support.tui.worker_errors import worker_failure
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker


class WebPasswordScreen(ModalScreen[bool]):
    """True once the web session is open again; False when the user gives up."""

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="web_password.cancel"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(_("Your GLPI password, once"), id="dialog-title")
            yield Static(
                _(
                    "The helpdesk's forms go through GLPI's web pages, and their session "
                    "has ended. Your password opens it again; it is not kept."
                ),
                id="dialog-body",
            )
            yield Input(password=True, placeholder=_("password"), id="web-password")
            yield Static("", id="web-password-message", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Sign in"), id="web-password-submit", variant="primary")
                yield Button(_("Cancel"), id="web-password-cancel")

    def on_mount(self) -> None:
        self.query_one("#web-password", Input).focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        message = worker_failure(event)
        if message is not None:
            self.busy = False
            self.show_message(message)

    def show_message(self, text: str) -> None:
        message = self.query_one("#web-password-message", Static)
        message.update(text)
        message.set_class(bool(text), "error-text")

    @on(Button.Pressed, "#web-password-submit")
    @on(Input.Submitted)
    def action_submit(self) -> None:
        if self.busy:
            return
        password = self.query_one("#web-password", Input).value
        if not password:
            self.show_message(_("Enter your password."))
            return
        self.busy = True
        self.show_message("")
        self.open_web_session(password)

    @on(Button.Pressed, "#web-password-cancel")
    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(False)

    @work(group="web-password", exit_on_error=False)
    async def open_web_session(self, password: str) -> None:
        from cebox_support.tui.api.native_forms import conversation

        try:
            await conversation(self.workspace.client).sign_in(self.workspace.me.login, password)
        except GlpiError as error:
            self.busy = False
            field = self.query_one("#web-password", Input)
            field.value = ""
            field.focus()
            self.show_message(error.message)
            return
        self.dismiss(True)
