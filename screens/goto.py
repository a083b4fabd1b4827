"""The "Go to ticket" box: a number or a pasted link; what cannot be opened is said in it.

The ticket is looked up (one request) before the box closes, so a wrong number gets
a sentence rather than a blank ticket screen.
"""

from __future__ import annotations

from cebox_support.tui.api.errors import GlpiError, NotFound, PermissionDenied
from cebox_support.tui.i18n import _, pgettext
from cebox_support.tui.links import LinkError, parse_form_link, parse_ticket_ref
from cebox_support.tui.messages import NewTicket
from cebox_support.tui.session import Workspace
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.key_bar import KeyBar
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker


class GotoScreen(ModalScreen[int | None]):
    BINDINGS = [
        Binding("enter", "open", pgettext("verb", "Open"), id="goto.open", priority=True),
        Binding("escape", "cancel", _("Cancel"), id="goto.cancel"),
    ]

    def __init__(self, workspace: Workspace, initial: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog goto"):
            yield Label(_("Go to ticket"), id="dialog-title")
            yield Static(
                _("A ticket number, or a ticket link pasted from an e-mail."),
                classes="hint",
            )
            yield Input(
                self.initial,
                placeholder=_("e.g. 1234 or https://…/front/ticket.form.php?id=1234"),
                id="goto-input",
            )
            yield Static("", id="goto-error", classes="error-text", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(pgettext("verb", "Open"), id="goto-open", variant="primary")
                yield Button(_("Cancel"), id="goto-cancel")
        yield KeyBar()  # this dialog's keys, not those of the list below

    def on_mount(self) -> None:
        self.query_one("#goto-input", Input).focus()

    def help_text(self) -> str:
        return _(
            "Type a ticket number (1234 or #1234) or paste the link of a ticket, as the "
            "helpdesk's e-mails carry it, then press Enter."
        )

    @property
    def error(self) -> str:
        return str(self.query_one("#goto-error", Static).content)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves this screen busy or silent
        (the message names the error's kind only: its text could hold what was typed)."""
        message = worker_failure(event)
        if message is None:
            return
        self._busy(False)
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.query_one("#goto-error", Static).update(message)

    @on(Input.Changed, "#goto-input")
    def _typing(self) -> None:
        self._show_error("")

    @on(Input.Submitted, "#goto-input")
    @on(Button.Pressed, "#goto-open")
    def action_submit(self) -> None:
        text = self.query_one("#goto-input", Input).value
        try:
            form = parse_form_link(text, self.workspace.client.web_url)
            if form is not None:  # a GLPI 11 form's link (direct access): that form
                self.app.post_message(NewTicket(form_link=form))
                self.dismiss(None)
                return
            ticket_id = parse_ticket_ref(text, self.workspace.client.web_url)
        except LinkError as exc:
            self._show_error(str(exc))
            return
        self._busy(True)
        self._check(ticket_id)

    def action_open(self) -> None:
        """Enter (shown in the key bar, so it is this screen's, not the Input's)."""
        focused = self.focused
        if focused is not None and focused.id == "goto-cancel":
            self.action_cancel()
        else:
            self.action_submit()

    @on(Button.Pressed, "#goto-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _busy(self, busy: bool) -> None:
        self.query_one("#goto-open", Button).disabled = busy
        if busy:
            self._show_error(_("Looking for the ticket…"))

    @work(group="goto", exclusive=True, exit_on_error=False)
    async def _check(self, ticket_id: int) -> None:
        try:
            await self.workspace.call(lambda client: client.get_ticket_head(ticket_id))
        except (NotFound, PermissionDenied):
            self._busy(False)
            self._show_error(
                _(
                    "Ticket {n} does not exist, or you may not see it (you are not "
                    "one of its requesters or observers)."
                ).format(n=ticket_id)
            )
            return
        except GlpiError as exc:
            self._busy(False)
            self._show_error(exc.message)
            return
        self.dismiss(ticket_id)
