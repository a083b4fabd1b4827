"""Fill in one form and send it as a ticket, with its documents.

The questions are a ``FormBody`` (``widgets/form_body.py``), built from the one field
model whatever the form's source. This screen sends the console's own forms (TOML, a
ticket built here); a form of the helpdesk is this screen with its source's rules and
sending in a subclass (``screens/server_form.py`` for Formcreator), which is also how a
further source plugs in: its ``FormDefinition`` and ``visibility`` for the body, and
``key``, ``fingerprint``, ``draft_question`` and ``submit_answers`` of its own.

What is typed is saved as a draft while typing (``DraftKeeper``) and offered back when
the form is opened again; the draft goes only once the server confirmed the ticket and
every document. After a partial failure the ticket number is kept in the draft, so a
retry (even after a restart) sends only the missing documents, never a second ticket.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.tui.api.errors import SessionExpired
from cebox_support.tui.drafts import maybe_sent_checking
from cebox_support.tui.forms import FormDefinition, render_ticket, validate_answers
from cebox_support.tui.forms.render import TicketDraft
from cebox_support.tui.i18n import _, language, ngettext
from cebox_support.tui.messages import TicketCreated
from cebox_support.tui.session import Workspace
from cebox_support.tui.submission import SubmissionResult, WriteGuard, submit_ticket
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.draft_keeper import DraftKeeper, FormDraft, form_draft_has_content
from cebox_support.widgets.form_body import FormBody, Visibility
from cebox_support.widgets.form_fields import Answer, FieldWidget
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.tab_input import FIELD_BY_FIELD
from cebox_support.widgets.title_bar import TitleBar
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, ProgressBar, Select, SelectionList, Static, TextArea
from textual.worker import Worker

SAVE_DELAY = 0.6

if TYPE_CHECKING:
    from cebox_support.tui.forms.server import ServerForm
    from cebox_support.tui.machine import MachineFacts


def draft_key(form_id: str) -> str:
    return f"new-{form_id}"


class NewTicketScreen(Screen[int | None]):
    """Dismissed with the new ticket's number once the server confirmed it, else None."""

    BINDINGS = [
        Binding(
            "ctrl+r,f5,ctrl+enter",
            "submit",
            _("Submit"),
            id="new_ticket.submit",
            tooltip=_("Check every field, then create the ticket and send its documents"),
        ),
        Binding(
            "f6",
            "fill_from_machine",
            _("This machine"),
            id="new_ticket.this_machine",
            tooltip=_("Fill the ceBox name, IP and IPv6 from this machine, for you to check"),
        ),
        Binding(
            "z",
            "compress_refused",
            _("Send .gz"),
            id="new_ticket.compress_refused",
            tooltip=_("Send a compressed copy of each file the server refused for its type"),
        ),
        Binding(
            "escape",
            "close",
            _("Close"),
            id="new_ticket.close",
            tooltip=_("Leave the form; what you typed is kept as a draft"),
        ),
        *FIELD_BY_FIELD,  # a burst of keys (tmux, auto-type) moves field by field
    ]

    server_form: ServerForm | None = None
    """Set for a form of the helpdesk (``screens/server_form.py``)."""
    refused_offer = False
    """A file was refused for its type: `z` sends its .gz copy instead (server forms)."""

    def __init__(
        self,
        workspace: Workspace,
        form: FormDefinition,
        *,
        draft: dict[str, Any] | None = None,
        visibility: Visibility | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.form = form
        self.lang = language()
        self.initial_draft = draft
        self.max_upload_bytes: int | None = None
        self.ticket_id: int | None = None
        self.uploaded: set[str] = set()
        self.maybe_created_since: datetime | None = None
        self.busy = False
        self.body = FormBody(form, self.lang, visibility=visibility, id="form-body")
        self.draft = DraftKeeper(
            self,
            workspace.drafts,
            lambda: self.key,
            self.draft_content,
            form_draft_has_content,
            delay=SAVE_DELAY,
        )
        self._restoring = False
        self._done = False

    # -- what a source of forms decides ------------------------------------------------

    @property
    def key(self) -> str:
        return draft_key(self.form.id)

    def fingerprint(self) -> str | None:
        """Changes when the source changes the questions (kept with the draft)."""
        return None

    def answers_changed(self) -> None:
        """After the body applied the conditions: a source that asks its server which
        questions show does it here."""

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="form-scroll"):
            yield self.body
            yield Static("", id="form-status", markup=False)
            progress = ProgressBar(id="form-progress", show_eta=False)
            progress.display = False
            yield progress
            with Horizontal(id="form-buttons"):
                yield Button(_("Submit"), id="form-submit", variant="primary", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = self.form.title.get(self.lang)
        self._show_status("")
        self.load_server_limits()
        if self.initial_draft is not None:
            self.restore(self.initial_draft)
        else:
            stored = self.draft.load()
            if form_draft_has_content(stored):
                assert stored is not None
                self._offer_draft(stored)
        self.body.apply_conditions()
        self.answers_changed()
        self.body.focus_first()

    def help_text(self) -> str:
        return _(
            "Fill in the fields; those marked * are required. Tab moves to the next field. "
            "In a long text, Ctrl+G (or F4) opens your own editor ($EDITOR).\n\n"
            "Documents: type or paste a file path and press Enter, or use *Browse…*; "
            "Delete removes the selected file.\n\n"
            "Ctrl+R or F5 (or the *Submit* button) checks every field and creates the ticket. "
            "What you type is saved as a draft and offered back if you leave the form; "
            "it is deleted once the ticket is created."
        )

    def field_widget(self, name: str) -> FieldWidget:
        return self.body.field_widget(name)

    def answers(self) -> dict[str, Answer]:
        return self.body.answers()

    # -- the checklist filled from this machine ------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "compress_refused":
            return self.refused_offer
        if action == "fill_from_machine":
            from cebox_support.tui.machine import machine_fields

            return bool(machine_fields(self.form)) and self.ticket_id is None
        return True

    def action_fill_from_machine(self) -> None:
        self._read_machine()

    @work(group="machine", thread=True, exit_on_error=False)
    def _read_machine(self) -> None:
        """Host name and addresses (a socket and /proc each): off the UI thread."""
        from cebox_support.tui.machine import this_machine

        facts = this_machine()
        self.app.call_from_thread(self._fill_machine, facts)

    def _fill_machine(self, facts: MachineFacts) -> None:
        """Shown in the fields for review; nothing is sent until Submit."""
        from cebox_support.tui.machine import machine_answers

        if filled := self.body.fill(machine_answers(self.form, facts)):
            labels = ", ".join(self.field_widget(n).field.label.get(self.lang) for n in filled)
            message = _("Filled from this machine: {fields}. Check them before submitting.")
            self.notify(message.format(fields=labels), markup=False)
            self.field_widget(filled[0]).focus_input()
        else:
            self.notify(_("This machine has no address to fill in."), severity="warning")
        self._offer_qga_log()

    def _offer_qga_log(self) -> None:
        """qgaAgent.log from the profile's `qga_log` folder: offered, never added unasked."""
        from cebox_support.tui.machine import qga_log

        field = self.body.documents()
        log = qga_log(self.workspace.profile)
        if log is None or field is None or str(log) in field.get_value():
            return

        def answered(yes: bool | None) -> None:
            if yes:
                field.set_value([*field.get_value(), str(log)])

        self.app.push_screen(
            ConfirmScreen(
                _("Attach qgaAgent.log?"),
                _("{path} exists on this machine. Attach it to the ticket?").format(path=log),
                yes=_("Attach"),
                no=_("Not now"),
            ),
            answered,
        )

    # -- status ------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves this screen busy or silent
        (the message names the error's kind only: its text could hold what was typed)."""
        message = worker_failure(event)
        if message is not None:
            self._show_status(message, error=True)

    def _show_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#form-status", Static)
        status.update(message)
        status.display = bool(message)
        status.set_class(error, "error-text")

    # -- drafts ---------------------------------------------------------------------

    def draft_content(self) -> dict[str, Any]:
        return FormDraft(
            self.form.id,
            dict(self.answers()),
            self.fingerprint(),
            self.ticket_id,
            self.uploaded,
            self.maybe_created_since,
        ).content()

    def draft_question(self, stored: dict[str, Any]) -> str:
        return _("You started this form earlier and did not send it. Restore what you typed?")

    def _offer_draft(self, stored: dict[str, Any]) -> None:
        question = self.draft_question(stored)
        if stored.get("ticket_id"):
            question = _(
                "Ticket {id} was created from this form, but some documents were not sent. "
                "Restore the form to send them?"
            ).format(id=stored["ticket_id"])

        def answered(yes: bool | None) -> None:
            if yes:
                self.restore(stored)
            self.body.focus_first()

        self.app.push_screen(
            ConfirmScreen(_("Draft found"), question, yes=_("Restore"), no=_("Start again")),
            answered,
        )

    def restore(self, content: dict[str, Any]) -> None:
        self._restoring = True
        draft = FormDraft.read(content)
        self.body.set_answers(draft.answers)
        self.ticket_id, self.uploaded = draft.ticket_id, draft.uploaded
        self.maybe_created_since = draft.maybe_created_since
        if self.ticket_id is not None:
            self._lock_created()
            self._show_status(
                _("Ticket {id} exists; press Ctrl+R to send the documents still missing.").format(
                    id=self.ticket_id
                ),
                error=True,
            )
        self.call_after_refresh(self._restored)

    def _restored(self) -> None:
        self._restoring = False
        self.body.apply_conditions()
        self.answers_changed()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(AttachmentList.Changed)
    def _changed(self, event: Any) -> None:
        """An answer changed (the body has cleared its error and applied the conditions)."""
        if self.body.field_of(event.control) is None:
            return
        self.answers_changed()
        if not self._restoring and self.is_mounted:
            self.draft.changed()

    # -- server limits ------------------------------------------------------------------

    @work(group="new-ticket-config", exclusive=True, exit_on_error=False)
    async def load_server_limits(self) -> None:
        config = await self.workspace.server_config()
        self.max_upload_bytes = config.max_upload_bytes
        self.body.set_max_bytes(self.max_upload_bytes)

    # -- submit -----------------------------------------------------------------------

    @on(Button.Pressed, "#form-submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        if not self.busy:
            self.submit_answers()

    def show_errors(self, errors: dict[str, str], first: str) -> None:
        """Every problem at once, the first one focused."""
        self.body.show_errors(errors)
        if errors:
            self._show_status(
                _("{count} field(s) to correct before sending.").format(count=len(errors)),
                error=True,
            )
            self.field_widget(first).focus_input()

    def submit_answers(self) -> None:
        """The console's own form: checked here, then a ticket built here is sent."""
        result = validate_answers(
            self.form,
            self.answers(),
            now=self.workspace.now(),
            max_upload_bytes=self.max_upload_bytes,
        )
        first = next((f.name for f in self.form.fields if f.name in result.errors), "")
        self.show_errors(result.errors, first)
        if not result.ok:
            return
        draft = render_ticket(self.form, result)
        if self.ticket_id is not None:
            draft = replace(
                draft,
                attachments=[a for a in draft.attachments if str(a.path) not in self.uploaded],
            )
        self.draft.save()
        self.send(draft)

    def _set_busy(self, busy: bool, steps: int = 1) -> None:
        self.busy = busy
        self.query_one("#form-submit", Button).disabled = busy
        progress = self.query_one("#form-progress", ProgressBar)
        progress.display = busy
        if busy:
            progress.update(total=max(steps, 1), progress=0)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.query_one("#form-progress", ProgressBar).update(total=max(total, 1), progress=done)
        self._show_status(label)

    @work(group="new-ticket-submit", exit_on_error=False)
    async def send(self, draft: TicketDraft) -> None:
        self._set_busy(True, len(draft.attachments) + (0 if self.ticket_id else 1))
        try:
            result = await self._submit(draft)
            if any(isinstance(e, SessionExpired) for e in result.errors):
                self._absorb(result)
                if await self.workspace.relogin():
                    result = await self._submit(
                        result.remaining(draft) if result.ticket_id else draft
                    )
        finally:
            self._set_busy(False)
        self._absorb(result)
        self._finish(result)

    async def _submit(self, draft: TicketDraft) -> SubmissionResult:
        return await submit_ticket(
            self.workspace.client,
            draft,
            progress=self._progress,
            already_created=self.ticket_id,
            maybe_created_since=self.maybe_created_since,
            started=self.workspace.now(),
            guard=WriteGuard(
                self.workspace.drafts,
                self.key,
                checking=lambda: self._show_status(maybe_sent_checking()),
            ),
        )

    def _absorb(self, result: SubmissionResult) -> None:
        self.ticket_id = result.ticket_id
        self.uploaded.update(str(p) for p in result.uploaded)
        self.maybe_created_since = result.maybe_created_since

    def _finish(self, result: SubmissionResult) -> None:
        if result.ok:
            assert result.ticket_id is not None
            self._done = True
            self.draft.discard()
            self.post_message(TicketCreated(result.ticket_id))
            self.notify(result.summary(), title=_("New ticket"), markup=False)
            if n := len(self.uploaded):
                uploaded = ngettext("{n} document uploaded", "{n} documents uploaded", n)
                self.notify(uploaded.format(n=n), title=_("Upload finished"), markup=False)
            self.dismiss(result.ticket_id)
            return
        self.draft.save()
        if result.ticket_id is None:
            message = result.summary()
            if result.maybe_created_since is not None:
                message += " " + _(
                    "Press Ctrl+R again: the console first checks whether the ticket exists, "
                    "so it is never created twice."
                )
            else:
                message += " " + _("Your answers are kept; press Ctrl+R to try again.")
            self._show_status(message, error=True)
            return
        self._lock_created()
        self._show_status(
            result.summary() + " " + _("Press Ctrl+R to send them again."), error=True
        )
        documents = self.body.documents()
        if documents is not None:
            documents.show_error("\n".join(f.message for f in result.failed))
            documents.focus_input()

    def _lock_created(self) -> None:
        """The ticket exists: only its documents can still change."""
        self.body.lock_answers()
        self.query_one("#form-submit", Button).label = _("Send the documents")

    # -- leaving ------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.busy:
            self.notify(_("Sending… please wait."), severity="warning")
            return
        self.draft.save()
        self._done = True
        self.dismiss(None)

    def on_unmount(self) -> None:
        """Quitting the app with the form open keeps the last keystrokes too."""
        if not self._done:
            self.draft.flush()
