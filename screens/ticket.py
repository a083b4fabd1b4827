"""One ticket: its thread, a reply, and my answer to a proposed solution.

What GLPI would refuse is explained before the user tries (no replies on a closed
ticket; a reply on a solved ticket refuses its solution). What it still refuses is
shown in its own words. A reply is a draft until the server confirmed it, and an
unconfirmed send is checked on the server before it may be sent again.
"""

from __future__ import annotations

import asyncio
import time
import webbrowser
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import (
    ActorRole,
    Followup,
    RefusedFile,
    TicketDetail,
    TicketStatus,
    TimelineItem,
    TimelineKind,
)
from cebox_support.tui.api.text import text_to_html
from cebox_support.tui.compress import not_kept, send_compressed
from cebox_support.tui.drafts import RETRY_SECONDS as DRAFTS_RETRY
from cebox_support.tui.editor import edit_text
from cebox_support.tui.i18n import _, ngettext
from cebox_support.tui.messages import ShowError, TicketChanged
from cebox_support.tui.offline import copies_for, unreachable
from cebox_support.tui.reply import send_reply
from cebox_support.tui.session import Workspace, background
from cebox_support.tui.submission import CLOCK_SKEW
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.offline_banner import OfflineBanner
from cebox_support.widgets.ticket_header import TicketHeader
from cebox_support.widgets.timeline import Timeline
from cebox_support.widgets.title_bar import TitleBar
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Static, TextArea
from textual.worker import Worker

DRAFT_DELAY = 0.4
"""Seconds of quiet typing before the reply draft is written to disk."""


class TicketScreen(Screen[None]):
    # Most needed first: a narrow key bar drops keys from the end (F1 always stays).
    BINDINGS = [
        Binding("escape,backspace", "back", _("Back"), id="ticket.back"),
        Binding("r", "focus_reply", _("Reply"), id="ticket.reply", tooltip=_("Write a reply")),
        Binding(
            "ctrl+r",
            "send_reply",
            _("Send"),
            id="ticket.send",
            tooltip=_("Send the reply and its documents"),
            priority=True,
        ),
        Binding(
            "a",
            "approve",
            _("Approve"),
            id="ticket.approve",
            tooltip=_("Approve the solution: the ticket is closed"),
        ),
        Binding(
            "x",
            "refuse",
            _("Refuse"),
            id="ticket.refuse",
            tooltip=_("Refuse the solution, with a reason: the ticket is reopened"),
        ),
        Binding("d", "documents", _("Documents"), id="ticket.documents"),
        Binding(
            "ctrl+g",
            "edit_reply",
            _("Editor"),
            id="ticket.editor",
            tooltip=_("Write the reply in your $EDITOR"),
            priority=True,
        ),
        Binding(
            "z",
            "send_compressed",
            _("Send compressed"),
            id="ticket.compress",
            tooltip=_("Send a compressed copy (.gz) of the files the server refused"),
        ),
        Binding(
            "s",
            "flip_order",
            _("Order"),
            id="ticket.order",
            tooltip=_("Oldest or newest first"),
            show=False,
        ),
        Binding(
            "c",
            "copy_link",
            _("Copy link"),
            id="ticket.copy",
            tooltip=_("Copy the ticket's web address"),
            show=False,
        ),
        Binding(
            "o",
            "open_browser",
            _("Open in browser"),
            id="ticket.browser",
            tooltip=_("Open the ticket in GLPI's web interface"),
            show=False,
        ),
        Binding("f5", "reload", _("Refresh"), id="ticket.refresh", show=False),
    ]

    def __init__(self, workspace: Workspace, ticket_id: int) -> None:
        super().__init__()
        self.workspace = workspace
        self.ticket_id = int(ticket_id)
        self.detail: TicketDetail | None = None
        self.sending = False
        self.answering = False
        self._pending_since: datetime | None = None
        self._refused: tuple[list[RefusedFile], list[Path]] = ([], [])
        """Files of the last reply the server refused for their type, and their paths:
        `z` sends them compressed."""
        """When a send whose outcome is unknown started: the next send looks first."""
        self._draft_timer: Timer | None = None
        self._auto: Timer | None = None
        self._fetched = False
        """Set once this screen has fetched the ticket: later changes are announced."""
        self._fetched_at: float | None = None
        self._reply_text = ""
        self._reply_paths: list[Path] = []
        self._refusal = ""
        """A refusal reason not yet confirmed by the server, offered again."""
        self._early = workspace.start(lambda c: c.get_ticket(self.ticket_id))

    @property
    def draft_key(self) -> str:
        return f"reply-{self.ticket_id}"

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield OfflineBanner()
        yield TicketHeader(self.ticket_id, id="ticket-header")
        yield Timeline(id="timeline")
        with Vertical(id="reply"):
            yield Static("", id="reply-notice")
            yield TextArea(
                id="reply-text",
                placeholder=_("Write a reply… (Ctrl+R sends, Ctrl+G opens your editor)"),
            )
            yield AttachmentList(id="reply-attachments")
            with Horizontal(id="reply-actions"):
                yield Button(_("Send"), id="reply-send", variant="primary", compact=True)
                yield Button(_("Approve"), id="reply-approve", variant="success", compact=True)
                yield Button(_("Refuse"), id="reply-refuse", variant="error", compact=True)
                yield Static("", id="reply-message", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("Ticket #{id}").format(id=self.ticket_id)
        self.query_one("#reply", Vertical).display = False
        self.query_one("#reply-notice", Static).display = False
        self.query_one("#timeline", Timeline).focus()
        self._restore_draft()
        self.call_after_refresh(self._restore_attachments)
        self.load_limits()
        cached = self.workspace.cache.get(self.ticket_id)
        if cached is not None:
            self.run_worker(self._show(cached), group="ticket-show", exit_on_error=False)
        self.load()
        seconds = self.workspace.settings.refresh_seconds
        self._auto = self.set_interval(seconds, self._refresh_tick) if seconds > 0 else None

    def help_text(self) -> str:
        return _(
            "The thread of the ticket, oldest first (`s` flips the order). Your own "
            "messages are marked **You**.\n\n"
            "Write a reply in the box at the bottom (`r` goes there, `Ctrl+G` opens your "
            "editor), attach files by typing or pasting their path, then `Ctrl+R` sends. "
            "What you type is kept as a draft until the server has it.\n\n"
            "When the support team proposes a solution, `a` approves it (the ticket is "
            "closed) and `x` refuses it with a reason (the ticket is reopened). Replying "
            "to a solved ticket also refuses the solution. A closed ticket takes no "
            "more replies: open a new ticket instead.\n\n"
            "`d` lists the documents, `c` copies the ticket's link, `o` opens it in a browser."
        )

    # -- loading -------------------------------------------------------------------

    @work(group="ticket-load", exclusive=True, exit_on_error=False)
    async def load(self, *, announce: bool = False) -> None:
        await self._fetch(announce=announce)

    def _refresh_tick(self) -> None:
        """Auto refresh (`refresh_seconds`): not under a modal, nor while a write is in
        flight. A redraw leaves the reply box and what is typed in it alone."""
        if self.app.screen is self and not (self.sending or self.answering):
            with background():
                self.load(announce=True)

    async def _fetch(self, *, announce: bool = False) -> None:
        """Get the whole ticket (its parts in parallel) and redraw only if it changed;
        with `announce`, a toast tells what someone else changed since the last fetch."""
        try:
            early, self._early = self._early, None
            detail = await self.workspace.call(lambda c: c.get_ticket(self.ticket_id), early=early)
        except GlpiError as error:
            if unreachable(error) and await self._show_copy():
                return
            if self.detail is None:
                await self.query_one("#timeline", Timeline).show_message(
                    _("Ticket #{id} could not be loaded: {error}").format(
                        id=self.ticket_id, error=error
                    )
                )
            else:
                self.notify(
                    _("Could not refresh the ticket: {error}").format(error=error),
                    severity="warning",
                    markup=False,
                )
            return
        self.workspace.cache[self.ticket_id] = detail
        copies_for(self.workspace).save_ticket(detail)
        self._fetched_at = time.time()
        self._set_offline(None)
        before, fetched, self._fetched = self.detail, self._fetched, True
        if detail != before:
            await self._show(detail)
            if announce and fetched and before is not None:
                self._announce(before, detail)
        self.workspace.seen.mark_seen(self.ticket_id, detail.ticket.date_mod)

    async def _show_copy(self) -> bool:
        """The server cannot be reached: what was fetched last (this session's, else the
        copy kept on disk), under the offline banner. False when there is none."""
        if self.detail is not None and self._fetched_at is not None:
            self._set_offline(self._fetched_at)
            return True
        copy = copies_for(self.workspace).load_ticket(self.ticket_id)
        if copy is None:
            return False
        await self._show(copy.detail)
        self._set_offline(copy.fetched_at)
        return True

    def _set_offline(self, fetched_at: float | None) -> None:
        self.query_one(OfflineBanner).show_copy(fetched_at)

    async def _show(self, detail: TicketDetail) -> None:
        self.detail = detail
        me = self.workspace.me
        self.query_one(TicketHeader).show(
            detail, me_id=me.id, autoclose_days=self.workspace.profile.autoclose_days
        )
        names = {a.user_id: a.name for a in detail.actors}
        await self.query_one("#timeline", Timeline).show_items(
            detail.timeline(), me_id=me.id, names=names
        )
        self._update_reply_area()
        self.refresh_bindings()

    @work(group="ticket-limits", exclusive=True, exit_on_error=False)
    async def load_limits(self) -> None:
        config = await self.workspace.server_config()
        self.query_one(AttachmentList).set_max_bytes(config.max_upload_bytes)

    def _update_reply_area(self) -> None:
        detail = self.detail
        if detail is None:
            return
        reply = self.query_one("#reply", Vertical)
        reply.display = True
        status = detail.ticket.status
        closed = status is TicketStatus.CLOSED
        reply.set_class(closed, "-closed")
        observer = self._observer_only
        reply.set_class(observer and not closed, "-observer")  # no box that can only fail
        pending = detail.pending_solution is not None
        reply.set_class(pending and not observer, "-solved")
        notice = self.query_one("#reply-notice", Static)
        text = ""
        if closed:
            text = _(
                "This ticket is closed: GLPI does not accept replies on a closed ticket. "
                "If the problem is back, open a new ticket and mention #{id}."
            ).format(id=self.ticket_id)
        elif observer:
            text = _(
                "You are an observer of this ticket: GLPI lets only its requester "
                "reply to it or answer its solution."
            )
        elif status is TicketStatus.SOLVED:
            text = _("A reply refuses the proposed solution and reopens the ticket.")
        notice.update(text)
        notice.display = bool(text)
        notice.set_class(closed, "-closed")

    # -- navigation and small actions -----------------------------------------------

    @property
    def _observer_only(self) -> bool:
        """Observer, not requester: GLPI refuses this user's replies and answers."""
        detail = self.detail
        me = self.workspace.me.id
        return (
            detail is not None
            and not detail.is_requester(me)
            and any(a.user_id == me for a in detail.people(ActorRole.OBSERVER))
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        detail = self.detail
        if action in ("approve", "refuse"):
            return (
                detail is not None
                and detail.pending_solution is not None
                and not self._observer_only
            )
        if action == "send_compressed":
            return bool(self._refused[0]) and not self.sending
        if action in ("send_reply", "edit_reply", "focus_reply"):
            return (
                detail is not None
                and detail.ticket.status is not TicketStatus.CLOSED
                and not self._observer_only
            )
        return True

    def action_back(self) -> None:
        focused = self.focused
        reply = self.query_one("#reply", Vertical)
        if focused is not None and reply in focused.ancestors_with_self:
            self.query_one("#timeline", Timeline).focus()
            return
        self._save_draft()
        self.dismiss(None)

    def action_focus_reply(self) -> None:
        self.query_one("#reply-text", TextArea).focus()

    async def action_flip_order(self) -> None:
        timeline = self.query_one("#timeline", Timeline)
        await timeline.flip()
        self.notify(_("Newest first") if timeline.newest_first else _("Oldest first"), timeout=2)

    def action_reload(self) -> None:
        self.load(announce=True)

    def _announce(self, before: TicketDetail, after: TicketDetail) -> None:
        changes = changes_by_others(before, after, self.workspace.me.id)
        if changes:
            self.notify(
                _("Ticket #{id} was updated by the support team: {changes}.").format(
                    id=self.ticket_id, changes=", ".join(changes)
                ),
                title=_("Ticket updated"),
                markup=False,
            )

    def action_copy_link(self) -> None:
        url = self.workspace.client.ticket_url(self.ticket_id)
        self.app.copy_to_clipboard(url)
        self.notify(_("Link copied: {url}").format(url=url), markup=False)

    async def action_open_browser(self) -> None:
        url = self.workspace.client.ticket_url(self.ticket_id)
        browser = _graphical_browser()
        if browser is None:
            self.app.copy_to_clipboard(url)
            self.notify(
                _("No browser available here; the link was copied instead: {url}").format(url=url),
                markup=False,
            )
            return
        opened = await asyncio.to_thread(browser.open_new_tab, url)
        if not opened:
            self.notify(_("The browser could not be started."), severity="warning")

    def action_documents(self) -> None:
        from cebox_support.screens.documents import DocumentsScreen

        documents = list(self.detail.documents) if self.detail is not None else []
        self.app.push_screen(DocumentsScreen(self.workspace, self.ticket_id, documents))

    # -- draft ------------------------------------------------------------------------

    def _restore_draft(self) -> None:
        draft = self.workspace.drafts.load(self.draft_key)
        if not draft:
            return
        text = str(draft.get("text") or "")
        paths = [Path(p) for p in draft.get("attachments") or [] if isinstance(p, str)]
        self._pending_since = _pending_since(draft)
        self._reply_text, self._reply_paths = text, paths
        self.query_one("#reply-text", TextArea).load_text(text)
        self._say(_("Your unsent reply was restored."))

    def _restore_attachments(self) -> None:
        """Once the list is mounted, so files that vanished since are reported in it."""
        self.query_one(AttachmentList).set_paths(self._reply_paths)

    @on(TextArea.Changed, "#reply-text")
    def _typed(self, event: TextArea.Changed) -> None:
        self._reply_text = event.text_area.text
        self._schedule_draft()

    @on(AttachmentList.Changed, "#reply-attachments")
    def _files_changed(self, event: AttachmentList.Changed) -> None:
        self._reply_paths = event.attachment_list.paths
        self._schedule_draft()

    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft)

    def _save_draft(self, *, retry: bool = True) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        text, paths = self._reply_text, self._reply_paths
        if not text.strip() and not paths and self._pending_since is None:
            self.workspace.drafts.delete(self.draft_key)
            return
        saved = self.workspace.drafts.save(
            self.draft_key,
            {
                "text": text,
                "attachments": [str(p) for p in paths],
                "unconfirmed": self._pending_since is not None,
                "unconfirmed_since": (
                    self._pending_since.isoformat() if self._pending_since else None
                ),
            },
        )
        if not saved and retry:
            # The text stays in the reply box; warned once, saved again a little later.
            if (warning := self.workspace.drafts.take_warning()) is not None:
                self.notify(warning, severity="warning", markup=False, timeout=10)
            self._draft_timer = self.set_timer(DRAFTS_RETRY, self._save_draft)

    def on_unmount(self) -> None:
        self._save_draft(retry=False)
        if self._early is not None:
            self._early.cancel()

    # -- reply ------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves this screen busy or silent
        (the message names the error's kind only: its text could hold what was typed)."""
        message = worker_failure(event)
        if message is None:
            return
        self._say(
            message,
            error=True,
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#reply-message", Static)
        message.update(text)
        message.set_class(error, "error-text")

    def _set_sending(self, sending: bool) -> None:
        self.sending = sending
        self.query_one("#reply-send", Button).disabled = sending
        self.query_one("#reply-text", TextArea).read_only = sending
        self.query_one(AttachmentList).disabled = sending

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "reply-send": self.action_send_reply,
            "reply-approve": self.action_approve,
            "reply-refuse": self.action_refuse,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def action_edit_reply(self) -> None:
        area = self.query_one("#reply-text", TextArea)
        edited = edit_text(self.app, area.text, configured=self.workspace.settings.editor)
        if edited is None:
            self.notify(
                _("No editor could be started: set $EDITOR or `editor` in config.toml."),
                severity="warning",
            )
            return
        area.load_text(edited.rstrip("\n"))
        self._reply_text = area.text
        self._save_draft()
        area.focus()

    def action_send_reply(self) -> None:
        detail = self.detail
        if self.sending or detail is None:
            return
        if detail.ticket.status is TicketStatus.CLOSED:
            self._say(_("GLPI does not accept replies on a closed ticket."), error=True)
            return
        text = self.query_one("#reply-text", TextArea).text
        paths = self.query_one(AttachmentList).paths
        if not text.strip() and not paths:
            self._say(_("Write a message before sending."), error=True)
            self.query_one("#reply-text", TextArea).focus()
            return
        self._reply_text, self._reply_paths = text, paths
        self._save_draft()
        self._send(text, paths, solved=detail.ticket.status is TicketStatus.SOLVED)

    @work(group="ticket-reply", exit_on_error=False)
    async def _send(self, text: str, paths: list[Path], *, solved: bool) -> None:
        if solved:
            confirmed = await self.app.push_screen_wait(
                ConfirmScreen(
                    _("Reply to a solved ticket"),
                    _(
                        "A solution is awaiting your approval. Replying refuses it and "
                        "reopens the ticket. Send the reply anyway?"
                    ),
                    yes=_("Send and reopen"),
                )
            )
            if not confirmed:
                return
        self._set_sending(True)
        self._say(_("Sending…"))
        known = [d.id for d in self.detail.documents] if self.detail is not None else []
        started, pending = self.workspace.now(), self._pending_since
        # Until the answer: if the wait ends (Escape leaves the screen), the draft says
        # "maybe sent", so the next send looks on the server first.
        self._pending_since = pending or started - CLOCK_SKEW
        try:
            result = await send_reply(
                self.workspace,
                self.ticket_id,
                text,
                paths,
                started=started,
                pending_since=pending,
                known_documents=known,
            )
        finally:
            self._set_sending(False)
        if not result.sent:
            self._pending_since = result.pending_since
            self._save_draft()
            self._say(result.message(), error=True)
            return
        assert result.followup_id is not None
        await self._sent(
            result.followup_id,
            text,
            paths,
            refetch=solved or bool(paths),
            kept=result.kept,
            refused=result.refused,
        )

    def action_send_compressed(self) -> None:
        if self._refused[0] and not self.sending:
            self._send_compressed()

    @work(group="ticket-reply", exit_on_error=False)
    async def _send_compressed(self) -> None:
        refused, paths = self._refused
        self._set_sending(True)
        self._say(_("Sending…"))
        try:
            outcome = await send_compressed(self.workspace, self.ticket_id, refused, paths)
        finally:
            self._set_sending(False)
        self._refused = ([], [])
        self.refresh_bindings()
        if outcome.failed:
            self._say(not_kept(outcome.failed), error=True)
        else:
            self._say(
                " ".join(
                    _("{name} sent in place of the refused file.").format(name=name)
                    for name in outcome.sent
                )
            )
        if outcome.sent:
            self.post_message(TicketChanged(self.ticket_id))
            await self._fetch()

    async def _sent(
        self,
        followup_id: int,
        text: str,
        paths: list[Path],
        *,
        refetch: bool,
        kept: list[str] | None = None,
        refused: list[RefusedFile] | None = None,
    ) -> None:
        self._pending_since = None
        self.workspace.drafts.delete(self.draft_key)
        self.query_one("#reply-text", TextArea).load_text("")
        self.query_one(AttachmentList).set_paths([])
        self._reply_text, self._reply_paths = "", []
        if self._draft_timer is not None:
            self._draft_timer.stop()
        refused = refused or []
        self._refused = ([r for r in refused if r.compressible], list(paths))
        self.refresh_bindings()
        if refused:
            # A 201 is no proof: name what the server did not keep (issue 14).
            message = _("Reply sent; {files}.").format(files=not_kept(refused))
            if self._refused[0]:
                message += " " + _("Press z to send a compressed copy (.gz).")
            self._say(message, error=True)
        else:
            self._say(_("Reply sent."))
        n = len(kept) if kept is not None else len(paths)
        if n:
            uploaded = ngettext("{n} document uploaded", "{n} documents uploaded", n)
            self.notify(uploaded.format(n=n), title=_("Upload finished"), markup=False)
        me = self.workspace.me
        now = self.workspace.now()
        followup = Followup(
            id=followup_id,
            author_id=me.id,
            author=me.name,
            html=text_to_html(text),
            text=text.strip(),
            date=now,
        )
        if self.detail is not None:
            self.detail = self.detail.model_copy(
                update={"followups": [*self.detail.followups, followup]}
            )
            self.workspace.cache[self.ticket_id] = self.detail
        await self.query_one("#timeline", Timeline).add_item(
            TimelineItem(
                kind=TimelineKind.FOLLOWUP,
                id=followup_id,
                date=now,
                author=me.name,
                author_id=me.id,
                text=followup.text or _("(documents)"),
            )
        )
        self.post_message(TicketChanged(self.ticket_id))
        if refetch:
            await self._fetch()
        else:
            self._fetched = False  # the server may have changed the status: a new baseline

    # -- solution ---------------------------------------------------------------------

    def action_approve(self) -> None:
        if self.answering or self.detail is None or self.detail.pending_solution is None:
            return
        self._approve()

    @work(group="ticket-answer", exit_on_error=False)
    async def _approve(self) -> None:
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(
                _("Approve the solution"),
                _("Approving the solution closes ticket #{id}. Approve it?").format(
                    id=self.ticket_id
                ),
                yes=_("Approve and close"),
            )
        )
        if not confirmed:
            return
        await self._answer(
            lambda c: c.approve_solution(self.ticket_id),
            done=_("Solution approved: the ticket is closed."),
            title=_("Approve the solution"),
        )

    def action_refuse(self) -> None:
        if self.answering or self.detail is None or self.detail.pending_solution is None:
            return
        self._refuse()

    @work(group="ticket-answer", exit_on_error=False)
    async def _refuse(self) -> None:
        from cebox_support.screens.refuse import RefuseScreen

        modal = RefuseScreen(self.ticket_id)
        kept = self._refusal
        if kept:
            modal.call_later(lambda: modal.query_one("#refuse-reason", TextArea).load_text(kept))
        reason = await self.app.push_screen_wait(modal)
        if not reason:
            return
        self._refusal = reason
        if await self._answer(
            lambda c: c.refuse_solution(self.ticket_id, reason),
            done=_("Solution refused: the ticket is back with the support team."),
            title=_("Refuse the solution"),
        ):
            self._refusal = ""

    async def _answer(self, call: Any, *, done: str, title: str) -> bool:
        """True once the server has the answer. After an unconfirmed one the ticket is
        reloaded, so approve/refuse are offered again only if it did not arrive."""
        self.answering = True
        for button in self.query("#reply-approve, #reply-refuse").results(Button):
            button.disabled = True
        try:
            await self.workspace.call(call)
        except GlpiError as error:
            self.post_message(ShowError(str(error), title))
            if getattr(error, "uncertain", False):
                await self._fetch()
            return False
        finally:
            self.answering = False
            for button in self.query("#reply-approve, #reply-refuse").results(Button):
                button.disabled = False
        self.notify(done)
        self.post_message(TicketChanged(self.ticket_id))
        await self._fetch()
        return True


def _pending_since(draft: dict[str, Any]) -> datetime | None:
    """A draft's unconfirmed send: when it started (a draft from before this was kept
    says only that there is one: any earlier follow-up then counts, as it did)."""
    since = draft.get("unconfirmed_since")
    if isinstance(since, str):
        try:
            return datetime.fromisoformat(since)
        except ValueError:
            pass
    return datetime.fromtimestamp(0, UTC) if draft.get("unconfirmed") else None


def changes_by_others(before: TicketDetail, after: TicketDetail, me_id: int) -> list[str]:
    """What changed between two fetches that the user did not do here, in words."""
    changes = []
    known = {f.id for f in before.followups}
    new = [
        f
        for f in after.followups
        if f.id not in known and f.author_id != me_id and not f.is_private
    ]
    if new:
        changes.append(
            ngettext("{n} new follow-up", "{n} new follow-ups", len(new)).format(n=len(new))
        )
    solution = after.pending_solution
    old = before.pending_solution
    proposed = solution is not None and (old is None or old.id != solution.id)
    if proposed:
        changes.append(_("a solution awaits your approval"))
    elif after.ticket.status is not before.ticket.status:
        changes.append(_("status: {status}").format(status=after.ticket.status.label))
    return changes


def _graphical_browser() -> webbrowser.BaseBrowser | None:
    """A browser that does not take over this terminal (not lynx or w3m)."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    if type(browser) is webbrowser.GenericBrowser:
        return None
    return browser
