"""The session expired mid-work: sign in again on top of the current screen.

The same client is logged in again, so the interrupted call can be replayed and
nothing typed underneath is lost.
"""

from __future__ import annotations

from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import Me
from cebox_support.tui.i18n import _
from cebox_support.tui.localfiles import say_warning
from cebox_support.tui.session import InsecureTokenFile, Workspace, save_session
from cebox_support.tui.tokens import read_secret, user_token_path
from cebox_support.tui.worker_errors import worker_failure
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker


class ReloginScreen(ModalScreen[bool]):
    """True once `workspace.client` is logged in again; False when the user gives up."""

    BINDINGS = [
        Binding("enter", "submit", _("Sign in"), id="relogin.submit", show=False),
        Binding("escape", "cancel", _("Cancel"), id="relogin.cancel"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.token_mode = workspace.profile.use_user_token
        self.busy = False

    @property
    def login(self) -> str:
        return self.workspace.profile.login or self.workspace.me.login

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(_("Your session has expired"), id="dialog-title")
            yield Static(
                _("Sign in again to carry on where you were; nothing you typed is lost."),
                id="dialog-body",
            )
            with Vertical(id="relogin-form"):
                yield Label(
                    _("Server: {url}").format(url=self.workspace.profile.url),
                    classes="relogin-info",
                    markup=False,
                )
                yield Label(
                    _("Login: {login}").format(login=self.login),
                    classes="relogin-info",
                    markup=False,
                )
                yield Input(
                    password=True,
                    placeholder=_("personal API token") if self.token_mode else _("password"),
                    id="relogin-secret",
                )
            yield Static("", id="relogin-message", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Sign in"), id="relogin-submit", variant="primary")
                yield Button(_("Cancel"), id="relogin-cancel")

    def on_mount(self) -> None:
        self.query_one("#relogin-secret", Input).focus()
        if self.token_mode:
            self.try_saved_token()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves this screen busy or silent
        (the message names the error's kind only: its text could hold what was typed)."""
        message = worker_failure(event)
        if message is None:
            return
        self.set_busy(False)
        self.show_message(message)

    def show_message(self, text: str) -> None:
        message = self.query_one("#relogin-message", Static)
        message.update(text)
        message.set_class(bool(text), "error-text")

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one("#relogin-submit", Button).disabled = busy

    @on(Button.Pressed, "#relogin-submit")
    @on(Input.Submitted)
    def _submit_requested(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#relogin-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(False)

    def action_submit(self) -> None:
        if self.busy:
            return
        secret = self.query_one("#relogin-secret", Input).value
        if not secret:
            self.show_message(
                _("Enter your personal API token.")
                if self.token_mode
                else _("Enter your password.")
            )
            return
        self.set_busy(True)
        self.show_message("")
        self.sign_in_again(secret)

    @work(group="relogin", exit_on_error=False)
    async def sign_in_again(self, secret: str) -> None:
        client = self.workspace.client
        try:
            if self.token_mode:
                me = await client.login_with_token(secret)
            else:
                me = await client.login(self.login, secret)
        except GlpiError as error:
            self.set_busy(False)
            field = self.query_one("#relogin-secret", Input)
            field.value = ""
            field.focus()
            self.show_message(str(error))
            return
        await self._signed_in(me)

    @work(group="relogin", exit_on_error=False)
    async def try_saved_token(self) -> None:
        """A personal token the user chose to keep signs in without asking."""
        try:
            token = read_secret(
                user_token_path(self.workspace.profile_name), server=self.workspace.client.api_url
            )
        except InsecureTokenFile as problem:
            self.show_message(str(problem))
            return
        if not token:
            return
        self.set_busy(True)
        try:
            me = await self.workspace.client.login_with_token(token)
        except GlpiError:
            self.set_busy(False)
            return
        await self._signed_in(me)

    async def _signed_in(self, me: Me) -> None:
        client = self.workspace.client
        if me.id != self.workspace.me.id:
            await client.logout()
            self.set_busy(False)
            self.show_message(
                _("This is another user's account: sign in as {login}.").format(
                    login=self.workspace.me.login
                )
            )
            return
        self.workspace.me = me
        save_session(self.workspace)
        say_warning(self.notify)  # the disk did not keep it: said once
        self.busy = False
        self.dismiss(True)
