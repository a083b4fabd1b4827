"""A form of the helpdesk, filled in and sent as its portal would: GLPI 10's Formcreator
plugin, or GLPI 11's native forms (``ServerForm.native``).

The new-ticket screen with this source's rules: the questions come from the server
(``to_definition``), show and hide with its conditions (GLPI 11: asked of its condition
engine once typing pauses), are checked with its rules before anything is sent (every
problem at once), and the answers go to the server, which creates the ticket. A file
refused for its type stops the sending, with `z` to send a .gz copy instead. Drafts are
per server and per form, and say when the support changed the form since. A send the
server did not answer is never repeated unasked.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.tui.api.errors import SessionExpired
from cebox_support.tui.drafts import maybe_sent_checking
from cebox_support.tui.forms.server import (
    ServerForm,
    to_definition,
    validate_server_answers,
    visibility,
)
from cebox_support.tui.i18n import _
from cebox_support.tui.session import Workspace
from cebox_support.tui.submission import (
    CLOCK_SKEW,
    SubmissionResult,
    WriteGuard,
    server_form_key,
    server_now,
    submit_server_form,
)
from textual import work
from textual.timer import Timer
from textual.widgets import Button

ENGINE_DELAY = 0.3
"""Seconds of quiet typing before GLPI 11's condition engine is asked."""


def server_draft_prefix(workspace: Workspace) -> str:
    """Drafts of server forms are per server (and per form, see ``ServerFormScreen.key``)."""
    return "server-" + hashlib.sha256(workspace.client.api_url.encode()).hexdigest()[:10] + "-"


class ServerFormScreen(NewTicketScreen):
    def __init__(
        self, workspace: Workspace, form: ServerForm, *, draft: dict[str, Any] | None = None
    ) -> None:
        super().__init__(
            workspace,
            to_definition(form),
            draft=draft,
            visibility=lambda answers: visibility(self.server_form, answers),
        )
        self.server_form: ServerForm = form
        self.form_answer_id: int | None = None
        """The server's form answer once confirmed: a retry never sends it again."""
        self.maybe_sent = False
        self.compress_refused = False
        self._engine_timer: Timer | None = None

    @property
    def key(self) -> str:
        return f"{server_draft_prefix(self.workspace)}{self.server_form.id}"

    def fingerprint(self) -> str | None:
        return self.server_form.fingerprint()

    def draft_question(self, stored: dict[str, Any]) -> str:
        if stored.get("fingerprint") not in (None, self.server_form.fingerprint()):
            return _(
                "You started this form earlier, and the support has changed it since. "
                "Restore your answers to the questions that are still there?"
            )
        return super().draft_question(stored)

    # -- conditions (GLPI 11: its engine's) --------------------------------------------

    def answers_changed(self) -> None:
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
        answers = self.answers()
        try:
            seen = await conversation(self.workspace.client).visibility(form, answers)
        except GlpiError:
            return  # the last known visibility stays; sending validates on the server
        if answers != self.answers() or self.server_form is not form:
            return
        self.server_form = apply_visibility(form, seen)
        self.body.show_only(visibility(self.server_form, answers))

    # -- submit -----------------------------------------------------------------------

    def submit_answers(self) -> None:
        """Every rule of the server checked here first: all problems shown at once."""
        form = self.server_form
        result = validate_server_answers(
            form, self.answers(), now=self.workspace.now(), max_upload_bytes=self.max_upload_bytes
        )
        first = next((q.key for q in form.questions if q.key in result.errors), "")
        self.show_errors(result.errors, first)
        if not result.ok:
            return
        self.draft.save()
        files = sum(len(v) for v in result.values.values() if isinstance(v, list))
        if self.maybe_sent:
            self._confirm_resend(form, result.values, files)
            return
        self.send_server_form(form, result.values, files)

    def _confirm_resend(self, form: ServerForm, values: dict[str, object], files: int) -> None:
        """The last send got no answer: a second ticket only if the user says so."""

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
                substitute=self._substitute,
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
            self._failed_send(message, maybe_sent=outcome.maybe_sent)
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
        from cebox_support.tui.native_submission import guard_key, send_native_form

        forms = conversation(self.workspace.client)
        # The server's clock (its last answer), never ours; ours only before any.
        since = server_now(self.workspace.client) or self.workspace.now() - CLOCK_SKEW
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
                substitute=self._substitute,
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
            self.body.show_errors(errors)
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
            self._failed_send(message, maybe_sent=outcome.maybe_sent)
            return
        self.uploaded.update(str(p) for p in outcome.uploaded)
        self._finish(SubmissionResult(ticket_id=outcome.ticket_id, uploaded=outcome.uploaded))

    # -- files refused for their type ------------------------------------------------------

    def _substitute(self, path: Path, _refused: Any) -> Path | None:
        from cebox_support.tui.compress import gzip_copy

        return gzip_copy(path) if self.compress_refused else None

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

    def _failed_send(self, message: str, *, maybe_sent: bool) -> None:
        """A send without a ticket: the answers stay, and the user is told whether to look first."""
        self.maybe_sent = maybe_sent
        self.draft.save()
        if maybe_sent:
            message += " " + _(
                "The ticket may have been created all the same: look at your tickets "
                "before sending again."
            )
        else:
            message += " " + _("Your answers are kept; press Ctrl+R to try again.")
        self._show_status(message, error=True)
