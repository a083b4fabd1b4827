"""Change my GLPI password ("Mes préférences › Principal"), or set a new one when it expired.

Everything GLPI would refuse (mismatch, same as the current one, the server's policy)
is caught before sending; what GLPI still refuses is shown in its own words.
"""

from __future__ import annotations

from cebox_support.tui.api.errors import (
    CurrentPasswordWrong,
    GlpiError,
    ServerError,
    Timeout,
    Unreachable,
)
from cebox_support.tui.i18n import _
from cebox_support.tui.localfiles import say_warning
from cebox_support.tui.messages import SignedIn, SignOut
from cebox_support.tui.session import Workspace, save_session
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.password_checklist import PasswordChecklist
from cebox_support.widgets.title_bar import TitleBar
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker


class PasswordScreen(Screen[None]):
    """`forced`: the password expired, so the app goes on only once it is changed."""

    BINDINGS = [
        Binding(
            "enter",
            "submit",
            _("Change password"),
            id="password.submit",
            tooltip=_("Send the new password (from any field)"),
        ),
        Binding("escape", "leave", _("Cancel"), id="password.cancel"),
    ]

    def __init__(self, workspace: Workspace, *, forced: bool) -> None:
        super().__init__()
        self.workspace = workspace
        self.forced = forced
        self.busy = False
        self.maybe_changed_to: str | None = None
        """The new password of a change whose answer was lost: tried first on a retry."""
        self._sending: str | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="password-scroll"), Vertical(id="password-panel"):
            yield Label(
                _("Your password has expired: choose a new one")
                if self.forced
                else _("Change your password"),
                id="password-title",
            )
            yield Label(
                _("Signed in as {login} (server profile {profile})").format(
                    login=self.workspace.me.login, profile=self.workspace.profile_name
                ),
                classes="hint",
                markup=False,
            )
            with Horizontal(classes="login-row"):
                yield Label(_("Current"), classes="login-label")
                yield Input(password=True, id="current-password", compact=True)
            with Horizontal(classes="login-row"):
                yield Label(_("New"), classes="login-label")
                yield Input(password=True, id="new-password", compact=True)
            with Horizontal(classes="login-row"):
                yield Label(_("Confirmation"), classes="login-label")
                yield Input(password=True, id="confirm-password", compact=True)
            yield PasswordChecklist(id="password-checklist")
            yield Static("", id="password-message", markup=False)
            with Horizontal(id="password-buttons"):
                yield Button(
                    _("Change password"), id="password-submit", variant="primary", compact=True
                )
                yield Button(
                    _("Log out") if self.forced else _("Cancel"), id="password-cancel", compact=True
                )
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("Password")
        self.query_one("#current-password", Input).focus()
        self.load_policy()

    def help_text(self) -> str:
        return _(
            "Type your current password, then the new one twice. The list under the "
            "fields shows the server's rules and which ones the new password meets.\n\n"
            "Your password is never saved by the console."
        )

    @work(group="password-policy", exclusive=True, exit_on_error=False)
    async def load_policy(self) -> None:
        config = await self.workspace.server_config()
        checklist = self.query_one(PasswordChecklist)
        checklist.set_policy(config.password_policy)
        checklist.check(self.query_one("#new-password", Input).value)

    @on(Input.Changed, "#new-password")
    def _new_typed(self, event: Input.Changed) -> None:
        self.query_one(PasswordChecklist).check(event.value)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves this screen busy or silent
        (the message names the error's kind only: its text could hold what was typed)."""
        message = worker_failure(event)
        if message is None:
            return
        if self.busy:
            self.set_busy(False)
        self.show_message(message)

    def show_message(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#password-message", Static)
        message.update(text)
        message.set_class(bool(text) and error, "error-text")
        message.set_class(bool(text) and not error, "hint")

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one("#password-submit", Button).disabled = busy
        if busy:
            self.show_message(_("Changing the password…"), error=False)

    @on(Button.Pressed, "#password-submit")
    @on(Input.Submitted)
    def _submit_requested(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#password-cancel")
    def _cancel_pressed(self) -> None:
        self.action_leave()

    def problem(self, current: str, new: str, confirm: str) -> tuple[str, str] | None:
        """What GLPI would refuse, and the field to fix; None when it may be sent."""
        if not current:
            return _("Enter your current password."), "#current-password"
        if not new:
            return _("Enter a new password."), "#new-password"
        if new != confirm:
            return _("The two new passwords do not match."), "#confirm-password"
        if new == current:
            return _("The new password must be different from the current one."), "#new-password"
        unmet = self.query_one(PasswordChecklist).unmet()
        if unmet:
            return (
                _("The new password does not meet the server's rules: {rules}.").format(
                    rules=", ".join(rule.lower() for rule in unmet)
                ),
                "#new-password",
            )
        return None

    def action_submit(self) -> None:
        if self.busy:
            return
        current = self.query_one("#current-password", Input).value
        new = self.query_one("#new-password", Input).value
        confirm = self.query_one("#confirm-password", Input).value
        problem = self.problem(current, new, confirm)
        if problem is not None:
            text, field = problem
            self.show_message(text)
            self.query_one(field, Input).focus()
            return
        self.set_busy(True)
        self._sending = new
        self.change(current, new)

    def _stop_waiting(self) -> None:
        """Escape during a change: stop waiting. The request may have reached the
        server, so the next attempt first checks whether the new password works."""
        self.workers.cancel_group(self, "password-change")
        self.maybe_changed_to = self.maybe_changed_to or self._sending
        self.set_busy(False)
        self.show_message(
            _(
                "Stopped waiting: the password may or may not have changed. Sending again "
                "first checks."
            )
        )
        self.query_one("#current-password", Input).focus()

    @work(group="password-change", exit_on_error=False)
    async def change(self, current: str, new: str) -> None:
        try:
            new = await self._change(current, new)
            if self.forced:
                await self._fresh_session(new)
        except GlpiError as error:
            if isinstance(error, Timeout | Unreachable | ServerError) and not self.maybe_changed_to:
                self.maybe_changed_to = new  # sent, perhaps done: check before sending again
            self.set_busy(False)
            self.show_message(str(error))
            field = self.query_one("#current-password", Input)
            if isinstance(error, CurrentPasswordWrong):
                field.value = ""
            field.focus()
            return
        for field in self.query(Input):
            field.value = ""
        self.busy = False
        if self.forced:
            self.post_message(SignedIn(self.workspace))
            return
        self.app.notify(_("Your password was changed."), title=_("Password"))
        self.dismiss(None)

    async def _change(self, current: str, new: str) -> str:
        """Change the password, unless an earlier uncertain change already did; the
        password now in force."""
        done = self.maybe_changed_to
        if done is not None and await self.workspace.call(
            lambda client: client.new_password_works(done)
        ):
            self.maybe_changed_to = None
            return done
        await self.workspace.call(lambda client: client.change_password(current, new))
        self.maybe_changed_to = None
        return new

    async def _fresh_session(self, password: str) -> None:
        """An expired password's session has no profile: open a full one with the new password."""
        workspace = self.workspace
        client = workspace.client
        login = workspace.me.login
        await client.logout()
        workspace.me = await client.login(login, password)
        save_session(workspace)
        say_warning(self.notify)  # the disk did not keep it: said once

    def action_leave(self) -> None:
        if self.busy:
            self._stop_waiting()
            return
        if self.forced:
            self.post_message(SignOut())
        else:
            self.dismiss(None)
