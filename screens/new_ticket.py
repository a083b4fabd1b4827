"""Fill in one form and send it as a ticket, with its documents.

What is typed is saved as a draft while typing and offered back when the form is
opened again; the draft goes only once the server confirmed the ticket and every
document. After a partial failure the ticket number is kept in the draft, so a retry
(even after a restart) sends only the missing documents, never a second ticket.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.api.errors import SessionExpired
from cebox_support.tui.drafts import RETRY_SECONDS as DRAFTS_RETRY
from cebox_support.tui.drafts import maybe_sent_checking
from cebox_support.tui.forms import FieldKind, FormDefinition, render_ticket, validate_answers
from cebox_support.tui.forms.render import TicketDraft
from cebox_support.tui.forms.server import ServerForm, validate_server_answers, visibility
from cebox_support.tui.i18n import _, language, ngettext
from cebox_support.tui.messages import TicketCreated
from cebox_support.tui.session import Workspace
from cebox_support.tui.submission import (
    CLOCK_SKEW,
    SubmissionResult,
    WriteGuard,
    server_form_key,
    server_now,
    submit_server_form,
    submit_ticket,
)
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.form_fields import Answer, DocumentsField, FieldWidget, field_widget
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.title_bar import TitleBar
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Input,
    Label,
    ProgressBar,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.worker import Worker

SAVE_DELAY = 0.6
ENGINE_DELAY = 0.3
"""Seconds of quiet typing before GLPI 11's condition engine is asked."""

if TYPE_CHECKING:
    from cebox_support.tui.machine import MachineFacts


def draft_key(form_id: str) -> str:
    return f"new-{form_id}"


def server_draft_prefix(workspace: Workspace) -> str:
    """Drafts of server forms are per server (and per form, see ``NewTicketScreen.key``)."""
    import hashlib

    return "server-" + hashlib.sha256(workspace.client.api_url.encode()).hexdigest()[:10] + "-"


def has_content(draft: dict[str, Any] | None) -> bool:
    if not draft:
        return False
    answers = draft.get("answers")
    filled = isinstance(answers, dict) and any(
        (v.strip() if isinstance(v, str) else v) for v in answers.values()
    )
    return bool(filled or draft.get("ticket_id"))


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
    ]

    def __init__(
        self,
        workspace: Workspace,
        form: FormDefinition,
        *,
        draft: dict[str, Any] | None = None,
        server_form: ServerForm | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.form = form
        self.server_form = server_form
        """Set for a form of the helpdesk (Formcreator): its rules, conditions and target."""
        self.form_answer_id: int | None = None
        """The server's form answer once confirmed: a retry never sends it again."""
        self.maybe_sent = False
        self.compress_refused = False
        self.refused_offer = False
        """A file was refused for its type: `z` sends its .gz copy instead."""
        self.lang = language()
        self.initial_draft = draft
        self.max_upload_bytes: int | None = None
        self.ticket_id: int | None = None
        self.uploaded: set[str] = set()
        self.maybe_created_since: datetime | None = None
        self.busy = False
        self._save_timer: Timer | None = None
        self._engine_timer: Timer | None = None
        self._unsaved: dict[str, Any] | None = None
        self._restoring = False
        self._done = False

    @property
    def key(self) -> str:
        if self.server_form is not None:
            return f"{server_draft_prefix(self.workspace)}{self.server_form.id}"
        return draft_key(self.form.id)

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="form-scroll"):
            yield Static(self.form.summary.get(self.lang), id="form-summary", markup=False)
            yield Static(_("Fields marked * are required."), id="form-legend", classes="hint")
            section = None
            for f in self.form.fields:
                if f.section is not None and f.section != section:
                    yield Label(f.section.get(self.lang), classes="section-title", markup=False)
                section = f.section
                yield field_widget(f, self.lang)
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
            stored = self.workspace.drafts.load(self.key)
            if has_content(stored):
                assert stored is not None
                self._offer_draft(stored)
        self.apply_conditions()
        self._focus_first()

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

        # Only questions on screen: a server form's hidden question could not be reviewed.
        shown = {w.field.name for w in self.field_widgets() if w.display}
        filled = {n: v for n, v in machine_answers(self.form, facts).items() if n in shown}
        for name, value in filled.items():
            self.field_widget(name).set_value(value)
        if filled:
            labels = ", ".join(self.field_widget(n).field.label.get(self.lang) for n in filled)
            self.notify(
                _("Filled from this machine: {fields}. Check them before submitting.").format(
                    fields=labels
                ),
                markup=False,
            )
            self.field_widget(next(iter(filled))).focus_input()
        else:
            self.notify(_("This machine has no address to fill in."), severity="warning")
        self._offer_qga_log()

    def _offer_qga_log(self) -> None:
        """qgaAgent.log from the profile's `qga_log` folder: offered, never added unasked."""
        from cebox_support.tui.machine import qga_log

        documents = self.query(DocumentsField)
        log = qga_log(self.workspace.profile)
        if log is None or not documents:
            return
        field = documents.first()
        if str(log) in field.get_value():
            return
        from cebox_support.screens.confirm import ConfirmScreen

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

    # -- fields ---------------------------------------------------------------------

    def field_widgets(self) -> list[FieldWidget]:
        return list(self.query(FieldWidget))

    def field_widget(self, name: str) -> FieldWidget:
        return self.query_one(f"#field-{name}", FieldWidget)

    def answers(self) -> dict[str, Answer]:
        return {
            w.field.name: w.get_value()
            for w in self.field_widgets()
            if w.field.kind is not FieldKind.NOTE
        }

    def apply_conditions(self) -> None:
        """Show only the questions whose server conditions hold for the current answers."""
        if self.server_form is None:
            return
        shown = visibility(self.server_form, self.answers())
        for widget in self.field_widgets():
            widget.display = shown.get(widget.field.name, True)
        if self.server_form.native and self.is_mounted:
            # GLPI 11 keeps its conditions to itself: asked once typing pauses.
            if self._engine_timer is not None:
                self._engine_timer.stop()
            self._engine_timer = self.set_timer(ENGINE_DELAY, self.ask_visibility)

    @work(group="new-ticket-engine", exclusive=True, exit_on_error=False)
    async def ask_visibility(self) -> None:
        """The server's condition engine for the answers as they are now; an answer
        that comes back after more typing is dropped (the next one is on its way)."""
        from cebox_support.tui.api.errors import GlpiError
        from cebox_support.tui.api.native_forms import apply_visibility, conversation

        form = self.server_form
        if form is None:
            return
        answers = self.answers()
        try:
            seen = await conversation(self.workspace.client).visibility(form, answers)
        except GlpiError:
            return  # the last known visibility stays; sending validates on the server
        if answers != self.answers() or self.server_form is not form:
            return
        self.server_form = apply_visibility(form, seen)
        shown = visibility(self.server_form, answers)
        for widget in self.field_widgets():
            widget.display = shown.get(widget.field.name, True)

    def _focus_first(self) -> None:
        for widget in self.field_widgets():
            if widget.field.kind is not FieldKind.NOTE and not widget.disabled and widget.display:
                widget.focus_input()
                return

    def show_errors(self, errors: dict[str, str]) -> None:
        for widget in self.field_widgets():
            widget.show_error(errors.get(widget.field.name))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves this screen busy or silent
        (the message names the error's kind only: its text could hold what was typed)."""
        message = worker_failure(event)
        if message is None:
            return
        self._show_status(
            message,
            error=True,
        )

    def _show_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#form-status", Static)
        status.update(message)
        status.display = bool(message)
        status.set_class(error, "error-text")

    # -- drafts ---------------------------------------------------------------------

    def draft_content(self) -> dict[str, Any]:
        return {
            "form": self.form.id,
            "fingerprint": self.server_form.fingerprint() if self.server_form else None,
            "answers": self.answers(),
            "ticket_id": self.ticket_id,
            "uploaded": sorted(self.uploaded),
            "maybe_created_since": (
                self.maybe_created_since.isoformat() if self.maybe_created_since else None
            ),
        }

    def save_draft(self, content: dict[str, Any] | None = None, *, retry: bool = True) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        self._unsaved = None
        content = content or self.draft_content()
        if not has_content(content):
            self.workspace.drafts.delete(self.key)
        elif not self.workspace.drafts.save(self.key, content) and retry:
            # The answers stay in the form; warned once, saved again a little later.
            if (warning := self.workspace.drafts.take_warning()) is not None:
                self.notify(warning, severity="warning", markup=False, timeout=10)
            self._unsaved = content
            self._save_timer = self.set_timer(DRAFTS_RETRY, self.save_draft)

    def _offer_draft(self, stored: dict[str, Any]) -> None:
        from cebox_support.screens.confirm import ConfirmScreen

        question = _("You started this form earlier and did not send it. Restore what you typed?")
        if self.server_form is not None and stored.get("fingerprint") not in (
            None,
            self.server_form.fingerprint(),
        ):
            question = _(
                "You started this form earlier, and the support has changed it since. "
                "Restore your answers to the questions that are still there?"
            )
        if stored.get("ticket_id"):
            question = _(
                "Ticket {id} was created from this form, but some documents were not sent. "
                "Restore the form to send them?"
            ).format(id=stored["ticket_id"])

        def answered(yes: bool | None) -> None:
            if yes:
                self.restore(stored)
            self._focus_first()

        self.app.push_screen(
            ConfirmScreen(_("Draft found"), question, yes=_("Restore"), no=_("Start again")),
            answered,
        )

    def restore(self, content: dict[str, Any]) -> None:
        self._restoring = True
        answers = content.get("answers")
        if isinstance(answers, dict):
            for widget in self.field_widgets():
                value = answers.get(widget.field.name)
                if isinstance(value, str) or (
                    isinstance(value, list) and all(isinstance(v, str) for v in value)
                ):
                    widget.set_value(value)
        ticket_id = content.get("ticket_id")
        self.ticket_id = ticket_id if isinstance(ticket_id, int) else None
        uploaded = content.get("uploaded")
        self.uploaded = {str(p) for p in uploaded} if isinstance(uploaded, list) else set()
        since = content.get("maybe_created_since")
        try:
            self.maybe_created_since = datetime.fromisoformat(since) if since else None
        except (TypeError, ValueError):
            self.maybe_created_since = None
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
        self.apply_conditions()

    def _schedule_save(self) -> None:
        if self._restoring or not self.is_mounted:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._unsaved = self.draft_content()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_draft)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(AttachmentList.Changed)
    def _changed(self, event: Any) -> None:
        widget = next((a for a in event.control.ancestors if isinstance(a, FieldWidget)), None)
        if widget is None:
            return
        if not (isinstance(event, Input.Changed) and isinstance(widget, DocumentsField)):
            widget.show_error(None)
        self.apply_conditions()
        self._schedule_save()

    # -- server limits ------------------------------------------------------------------

    @work(group="new-ticket-config", exclusive=True, exit_on_error=False)
    async def load_server_limits(self) -> None:
        config = await self.workspace.server_config()
        self.max_upload_bytes = config.max_upload_bytes
        for attachments in self.query(AttachmentList):
            attachments.set_max_bytes(self.max_upload_bytes)

    # -- submit -----------------------------------------------------------------------

    @on(Button.Pressed, "#form-submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        if self.busy:
            return
        if self.server_form is not None:
            self._submit_server_form(self.server_form)
            return
        result = validate_answers(
            self.form,
            self.answers(),
            now=self.workspace.now(),
            max_upload_bytes=self.max_upload_bytes,
        )
        self.show_errors(result.errors)
        if not result.ok:
            count = len(result.errors)
            self._show_status(
                _("{count} field(s) to correct before sending.").format(count=count), error=True
            )
            first = next(f for f in self.form.fields if f.name in result.errors)
            self.field_widget(first.name).focus_input()
            return
        draft = render_ticket(self.form, result)
        if self.ticket_id is not None:
            draft = replace(
                draft,
                attachments=[a for a in draft.attachments if str(a.path) not in self.uploaded],
            )
        self.save_draft()
        self.send(draft)

    def _submit_server_form(self, form: ServerForm) -> None:
        """Every rule of the server checked here first: all problems shown at once."""
        result = validate_server_answers(
            form, self.answers(), now=self.workspace.now(), max_upload_bytes=self.max_upload_bytes
        )
        self.show_errors(result.errors)
        if not result.ok:
            self._show_status(
                _("{count} field(s) to correct before sending.").format(count=len(result.errors)),
                error=True,
            )
            first = next(q for q in form.questions if q.key in result.errors)
            self.field_widget(first.key).focus_input()
            return
        self.save_draft()
        files = sum(len(v) for v in result.values.values() if isinstance(v, list))
        if self.maybe_sent:
            self._confirm_resend(form, result.values, files)
            return
        self.send_server_form(form, result.values, files)

    def _confirm_resend(self, form: ServerForm, values: dict[str, object], files: int) -> None:
        """The last send got no answer: a second ticket only if the user says so."""
        from cebox_support.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.maybe_sent = False
                self.send_server_form(form, values, files)

        self.app.push_screen(
            ConfirmScreen(
                _("Send again?"),
                _(
                    "The server did not answer the last send: the ticket may already exist. "
                    "Send the form again anyway?"
                ),
                yes=_("Send again"),
                no=_("Cancel"),
            ),
            answered,
        )

    @work(group="new-ticket-submit", exit_on_error=False)
    async def send_server_form(
        self, form: ServerForm, values: dict[str, object], files: int
    ) -> None:
        if form.native:
            await self._send_native_form(form, values, files)
            return
        from cebox_support.tui.compress import gzip_copy

        def substitute(path: Path, _refused: Any) -> Path | None:
            return gzip_copy(path) if self.compress_refused else None

        self._set_busy(True, files + 1)
        try:
            guard = WriteGuard(
                self.workspace.drafts,
                server_form_key(form.id),
                checking=lambda: self._show_status(maybe_sent_checking()),
            )
            outcome, _already = await submit_server_form(
                self.workspace.client,
                form,
                values,
                guard=guard,
                progress=self._progress,
                answer_id=self.form_answer_id,
                substitute=substitute,
            )
            if outcome.refused:
                self._refused_files([r for _p, r in outcome.refused])
                return
            if isinstance(outcome.error, SessionExpired) and await self.workspace.relogin():
                # A 401 means nothing was done; a confirmed answer is not sent again.
                outcome, _already = await submit_server_form(
                    self.workspace.client,
                    form,
                    values,
                    guard=guard,
                    progress=self._progress,
                    answer_id=outcome.answer_id,
                )
        finally:
            self._set_busy(False)
        self.form_answer_id = outcome.answer_id
        if outcome.ticket_id is None:
            assert outcome.error is not None
            error = outcome.error
            if error.code == "ERROR_GLPI_ADD":
                message = _("The server refused the form: {message}").format(
                    message=error.detail or _("(no reason given)")
                )
            else:
                message = error.message
            self.maybe_sent = outcome.maybe_sent
            self.save_draft()
            if outcome.maybe_sent:
                message += " " + _(
                    "The ticket may have been created all the same: look at your tickets "
                    "before sending again."
                )
            else:
                message += " " + _("Your answers are kept; press Ctrl+R to try again.")
            self._show_status(message, error=True)
            return
        self.uploaded.update(str(p) for p in outcome.uploaded)
        for path, failure in outcome.failed:
            self.notify(
                _("ticket {id}: {name} was not sent: {reason}").format(
                    id=outcome.ticket_id, name=path.name, reason=failure.message
                ),
                severity="warning",
                markup=False,
            )
        self._finish(SubmissionResult(ticket_id=outcome.ticket_id, uploaded=outcome.uploaded))

    async def _send_native_form(
        self, form: ServerForm, values: dict[str, object], files: int
    ) -> None:
        """GLPI 11: files, the server's validation (its refusals on their fields), the
        submission; a 500 without a message is looked up before anything is said."""
        from cebox_support.tui.api.errors import WebLoginRequired
        from cebox_support.tui.api.native_forms import conversation
        from cebox_support.tui.compress import gzip_copy

        forms = conversation(self.workspace.client)
        # The server's clock (its last answer), never ours; ours only before any.
        since = server_now(self.workspace.client) or self.workspace.now() - CLOCK_SKEW

        def substitute(path: Path, _refused: Any) -> Path | None:
            return gzip_copy(path) if self.compress_refused else None

        from cebox_support.tui.native_submission import guard_key, send_native_form

        guard = WriteGuard(
            self.workspace.drafts,
            guard_key(form),
            checking=lambda: self._show_status(maybe_sent_checking()),
        )

        async def send() -> Any:
            return await send_native_form(
                forms,
                form,
                values,
                since=since,
                guard=guard,
                progress=self._progress,
                substitute=substitute,
            )

        self._set_busy(True, files + 2)
        try:
            outcome = await send()
            if isinstance(outcome.error, WebLoginRequired):
                from cebox_support.screens.web_password import WebPasswordScreen

                if await self.app.push_screen_wait(WebPasswordScreen(self.workspace)):
                    outcome = await send()
        finally:
            self._set_busy(False)
        if outcome.refused:
            self._refused_files([r for _p, r in outcome.refused])
            return
        if outcome.errors:
            errors: dict[str, str] = {}
            for error in outcome.errors:
                asked = form.question(str(error.question_id))
                if asked is not None:
                    errors[asked.key] = error.message
            self.show_errors(errors)
            lines = [f"{e.question_name}: {e.message}" for e in outcome.errors]
            self._show_status(
                _("The server refused these answers; nothing was created:")
                + "\n"
                + "\n".join(lines),
                error=True,
            )
            first = next((q for q in form.questions if q.key in errors), None)
            if first is not None:
                self.field_widget(first.key).focus_input()
            return
        if outcome.ticket_id is None:
            assert outcome.error is not None
            message = outcome.error.message
            self.maybe_sent = outcome.maybe_sent
            self.save_draft()
            if outcome.maybe_sent:
                message += " " + _(
                    "The ticket may have been created all the same: look at your tickets "
                    "before sending again."
                )
            else:
                message += " " + _("Your answers are kept; press Ctrl+R to try again.")
            self._show_status(message, error=True)
            return
        self.uploaded.update(str(p) for p in outcome.uploaded)
        self._finish(SubmissionResult(ticket_id=outcome.ticket_id, uploaded=outcome.uploaded))

    def _refused_files(self, refused: list[Any]) -> None:
        """Files the server did not keep stopped the sending: named, with the .gz offer."""
        from cebox_support.tui.compress import not_kept

        message = _("The ticket was not created: {files}.").format(files=not_kept(refused))
        if any(r.compressible for r in refused) and not self.compress_refused:
            self.refused_offer = True
            message += " " + _("Press z to send a compressed copy (.gz) instead.")
            self.refresh_bindings()
            self.query_one("#form-submit", Button).focus()  # z is not typed in a field
        self._show_status(message, error=True)

    def action_compress_refused(self) -> None:
        """`z` after a refused file: send again with .gz copies in their place."""
        if not self.refused_offer or self.busy:
            return
        self.compress_refused = True
        self.refused_offer = False
        self.refresh_bindings()
        self.action_submit()

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
            if self._save_timer is not None:
                self._save_timer.stop()
            self._unsaved = None
            self.workspace.drafts.delete(self.key)
            self.post_message(TicketCreated(result.ticket_id))
            self.notify(result.summary(), title=_("New ticket"), markup=False)
            if n := len(self.uploaded):
                uploaded = ngettext("{n} document uploaded", "{n} documents uploaded", n)
                self.notify(uploaded.format(n=n), title=_("Upload finished"), markup=False)
            self.dismiss(result.ticket_id)
            return
        self.save_draft()
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
        documents = self.query(DocumentsField)
        if documents:
            documents.first().show_error("\n".join(f.message for f in result.failed))
            documents.first().focus_input()

    def _lock_created(self) -> None:
        """The ticket exists: only its documents can still change."""
        for widget in self.field_widgets():
            if not isinstance(widget, DocumentsField) and widget.field.kind is not FieldKind.NOTE:
                widget.disabled = True
        self.query_one("#form-submit", Button).label = _("Send the documents")

    # -- leaving ------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.busy:
            self.notify(_("Sending… please wait."), severity="warning")
            return
        self.save_draft()
        self._done = True
        self.dismiss(None)

    def on_unmount(self) -> None:
        """Quitting the app with the form open keeps the last keystrokes too."""
        if self._save_timer is not None:
            self._save_timer.stop()
        if self._unsaved is not None and not self._done:
            self.save_draft(self._unsaved, retry=False)
