"""One ticket: its thread, a reply, and my answer to a proposed solution.

What GLPI would refuse is explained before the user tries (no replies on a closed
ticket; a reply on a solved ticket refuses its solution). What it still refuses is
shown in its own words. A reply is a draft until the server confirmed it, and an
unconfirmed send is checked on the server before it may be sent again.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from pathlib import Path

from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.ticket_solution import SolutionAnswers
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import (
    TicketDetail,
    TicketStatus,
)
from cebox_support.tui.compress import send_compressed
from cebox_support.tui.drafts import maybe_sent_checking
from cebox_support.tui.i18n import _, ngettext
from cebox_support.tui.messages import TicketChanged
from cebox_support.tui.offline import copies_for, unreachable
from cebox_support.tui.processes import graphical_browser
from cebox_support.tui.reply import check_in_flight, has_in_flight, send_reply
from cebox_support.tui.session import Workspace, background
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.offline_banner import OfflineBanner
from cebox_support.widgets.reply_box import ReplyBox, my_reply
from cebox_support.widgets.ticket_header import TicketHeader, news_from_support
from cebox_support.widgets.timeline import DocumentChosen, Timeline, is_picture
from cebox_support.widgets.title_bar import TitleBar
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.worker import Worker


class TicketScreen(SolutionAnswers):
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
        self.answering = False
        self.reply = ReplyBox(workspace.drafts, self.ticket_id, id="reply")
        self._auto: Timer | None = None
        self._fetched = False
        """Set once this screen has fetched the ticket: later changes are announced."""
        self._fetched_at: float | None = None
        self._refusal = ""
        """A refusal reason not yet confirmed by the server, offered again."""
        self._early = workspace.start(lambda c: c.get_ticket(self.ticket_id))

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield OfflineBanner()
        yield TicketHeader(self.ticket_id, id="ticket-header")
        yield Timeline(id="timeline")
        yield self.reply
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("Ticket #{id}").format(id=self.ticket_id)
        self.reply.display = False
        self.reply.query_one("#reply-notice").display = False
        self.query_one("#timeline", Timeline).focus()
        self.reply.restore_draft()
        if has_in_flight(self.workspace, self.ticket_id):
            self._check_in_flight()
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
            "`d` lists the documents, `c` copies the ticket's link, `o` opens it in a browser. "
            "`Tab` reaches the documents and pictures of the thread: `Enter` shows a picture "
            "here (`s` saves it, `Esc` comes back)."
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
        self.reply.show_ticket(detail, me.id)
        self.refresh_bindings()

    @work(group="ticket-limits", exclusive=True, exit_on_error=False)
    async def load_limits(self) -> None:
        config = await self.workspace.server_config()
        self.reply.set_max_bytes(config.max_upload_bytes)

    # -- navigation and small actions -----------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "refuse"):
            return self.reply.may_answer
        if action == "send_compressed":
            return bool(self.reply.refused) and not self.sending
        if action in ("send_reply", "edit_reply", "focus_reply"):
            return self.reply.may_reply
        return True

    def action_back(self) -> None:
        focused = self.focused
        if focused is not None and self.reply in focused.ancestors_with_self:
            self.query_one("#timeline", Timeline).focus()
            return
        self.reply.draft.save()
        self.dismiss(None)

    def action_focus_reply(self) -> None:
        self.reply.focus_text()

    async def action_flip_order(self) -> None:
        timeline = self.query_one("#timeline", Timeline)
        await timeline.flip()
        self.notify(_("Newest first") if timeline.newest_first else _("Oldest first"), timeout=2)

    def action_reload(self) -> None:
        self.load(announce=True)

    def _announce(self, before: TicketDetail, after: TicketDetail) -> None:
        if news := news_from_support(before, after, self.workspace.me.id):
            self.notify(news, title=_("Ticket updated"), markup=False)

    def action_copy_link(self) -> None:
        url = self.workspace.client.ticket_url(self.ticket_id)
        self.app.copy_to_clipboard(url)
        self.notify(_("Link copied: {url}").format(url=url), markup=False)

    async def action_open_browser(self) -> None:
        url = self.workspace.client.ticket_url(self.ticket_id)
        browser = graphical_browser()
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

    def action_documents(self, selected: int | None = None) -> None:
        from cebox_support.screens.documents import DocumentsScreen

        documents = list(self.detail.documents) if self.detail is not None else []
        self.app.push_screen(
            DocumentsScreen(self.workspace, self.ticket_id, documents, selected=selected)
        )

    @on(DocumentChosen)
    def _document_chosen(self, event: DocumentChosen) -> None:
        """Enter on a document of the thread: a picture opens in the viewer, any other
        document in the documents dialog, on it."""
        event.stop()
        if not is_picture(event.document):
            self.action_documents(selected=event.document.id)
            return
        from cebox_support.screens.image_viewer import ImageViewerScreen

        self.app.push_screen(ImageViewerScreen(self.workspace, self.ticket_id, event.document))

    def on_unmount(self) -> None:
        # The last keystrokes only: a send under way is on disk already (its draft and
        # in-flight record), and rewriting an untouched draft here would bring back a
        # reply another console has just sent.
        self.reply.draft.flush()
        if self._early is not None:
            self._early.cancel()

    # -- reply ------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves this screen busy or silent
        (the message names the error's kind only: its text could hold what was typed)."""
        message = worker_failure(event)
        if message is None:
            return
        self.reply.say(message, error=True)

    @property
    def sending(self) -> bool:
        return self.reply.sending

    def action_edit_reply(self) -> None:
        self.reply.edit_in_editor(self.workspace.settings.editor)

    def action_send_reply(self) -> None:
        detail = self.detail
        if self.sending or detail is None:
            return
        if detail.ticket.status is TicketStatus.CLOSED:
            self.reply.say(_("GLPI does not accept replies on a closed ticket."), error=True)
            return
        taken = self.reply.take()
        if taken is not None:
            self._send(*taken, solved=detail.ticket.status is TicketStatus.SOLVED)

    @work(group="ticket-reply", exit_on_error=False)
    async def _check_in_flight(self) -> None:
        """A send of this reply was cut off (the console killed, the link dropped): the
        server is asked before the draft can be sent again, and the box says so."""
        self.reply.set_sending(True)
        self.reply.say(maybe_sent_checking())
        try:
            check = await check_in_flight(self.workspace, self.ticket_id)
        finally:
            self.reply.set_sending(False)
        self.reply.settle_in_flight(check)
        if check.received:
            self.post_message(TicketChanged(self.ticket_id))
            await self._fetch()

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
        known = [d.id for d in self.detail.documents] if self.detail is not None else []
        started = self.workspace.now()

        call = partial(
            send_reply,
            self.workspace,
            self.ticket_id,
            text,
            paths,
            started=started,
            known_documents=known,
            known_followups=[f.id for f in self.detail.followups] if self.detail else [],
            checking=lambda: self.reply.say(maybe_sent_checking()),
        )
        result = await self.reply.send(call, paths, started=started)
        self.refresh_bindings()
        if not result.sent:
            return
        if n := len(result.kept):
            uploaded = ngettext("{n} document uploaded", "{n} documents uploaded", n)
            self.notify(uploaded.format(n=n), title=_("Upload finished"), markup=False)
        assert result.followup_id is not None
        await self._sent(result.followup_id, text, refetch=solved or bool(paths))

    def action_send_compressed(self) -> None:
        if self.reply.refused and not self.sending:
            self._send_compressed()

    @work(group="ticket-reply", exit_on_error=False)
    async def _send_compressed(self) -> None:
        outcome = await self.reply.send_compressed(
            partial(send_compressed, self.workspace, self.ticket_id)
        )
        self.refresh_bindings()
        if outcome.sent:
            self.post_message(TicketChanged(self.ticket_id))
            await self._fetch()

    async def _sent(self, followup_id: int, text: str, *, refetch: bool) -> None:
        """The reply joins the thread at once (the server's copy comes with the next
        fetch) and the dashboard below hears of it."""
        followup, item = my_reply(followup_id, text, self.workspace.me, self.workspace.now())
        if self.detail is not None:
            self.detail = self.detail.model_copy(
                update={"followups": [*self.detail.followups, followup]}
            )
            self.workspace.cache[self.ticket_id] = self.detail
        await self.query_one("#timeline", Timeline).add_item(item)
        self.post_message(TicketChanged(self.ticket_id))
        if refetch:
            await self._fetch()
        else:
            self._fetched = False  # the server may have changed the status: a new baseline
