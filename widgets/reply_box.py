"""The reply box under a ticket's thread: the text, its files, its draft and its messages.

It keeps what is typed as a draft (``reply-<ticket>``, through ``DraftKeeper``) until the
server has the reply, with the start of a send whose outcome is unknown
(``pending_since``): the next send looks on the server first. It explains, before the
user tries, what GLPI would refuse (a closed ticket, an observer's reply, a reply that
reopens a solved ticket). The screen decides when to send and with what call (widgets
get no client): ``take`` gives what to send, ``send`` runs the call and shows its outcome.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cebox_support.tui.api.models import (
    ActorRole,
    Followup,
    Me,
    RefusedFile,
    TicketDetail,
    TicketStatus,
    TimelineItem,
    TimelineKind,
)
from cebox_support.tui.api.text import text_to_html
from cebox_support.tui.compress import CompressedResend, not_kept
from cebox_support.tui.drafts import Drafts, already_received
from cebox_support.tui.editor import edit_text
from cebox_support.tui.i18n import _
from cebox_support.tui.reply import InFlightCheck, ReplyResult, is_reply, reply_digest
from cebox_support.tui.submission import CLOCK_SKEW
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.draft_keeper import DraftKeeper
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

DRAFT_DELAY = 0.4
"""Seconds of quiet typing before the reply draft is written to disk."""

SendReply = Callable[..., Awaitable[ReplyResult]]
"""Sends the reply (``tui.reply.send_reply`` bound to it), given ``pending_since=`` the
start of an earlier unconfirmed send."""
SendCompressed = Callable[[list[RefusedFile], list[Path]], Awaitable[CompressedResend]]
"""Sends a .gz copy of refused files (``tui.compress.send_compressed``)."""


class ReplyBox(Vertical):
    def __init__(self, drafts: Drafts, ticket_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ticket_id = ticket_id
        self.text = ""
        self.paths: list[Path] = []
        self.pending_since: datetime | None = None
        """When a send whose outcome is unknown started: the next send looks first."""
        self.sending = False
        self.refused: list[RefusedFile] = []
        """Files of the last reply the server refused for their type: `z` sends them
        compressed (from ``refused_paths``)."""
        self.refused_paths: list[Path] = []
        self.may_reply = False
        """The ticket is known and GLPI would take this user's reply."""
        self.may_answer = False
        """A solution awaits, and GLPI would take this user's approval or refusal."""
        self.draft = DraftKeeper(
            self,
            drafts,
            lambda: self.draft_key,
            self._draft_content,
            _worth_keeping,
            delay=DRAFT_DELAY,
        )

    @property
    def draft_key(self) -> str:
        return f"reply-{self.ticket_id}"

    def compose(self) -> ComposeResult:
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

    @on(Button.Pressed)
    async def _pressed(self, event: Button.Pressed) -> None:
        """Its buttons do what the screen's keys do (Ctrl+R, a, x)."""
        action = {"reply-send": "send_reply", "reply-approve": "approve", "reply-refuse": "refuse"}
        if (name := action.get(event.button.id or "")) is not None:
            event.stop()
            await self.run_action(f"screen.{name}")

    # -- what the box shows ------------------------------------------------------------

    def show_ticket(self, detail: TicketDetail, me_id: int) -> None:
        """Shown once the ticket is known; what GLPI would refuse is said beforehand (an
        observer, not requester, may neither reply nor answer the solution)."""
        closed = detail.ticket.status is TicketStatus.CLOSED
        solved = detail.pending_solution is not None
        observer = not detail.is_requester(me_id) and any(
            a.user_id == me_id for a in detail.people(ActorRole.OBSERVER)
        )
        self.may_reply = not closed and not observer
        self.may_answer = solved and not observer
        self.display = True
        self.set_class(closed, "-closed")
        self.set_class(observer and not closed, "-observer")  # no box that can only fail
        self.set_class(solved and not observer, "-solved")
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
        elif solved:
            text = _("A reply refuses the proposed solution and reopens the ticket.")
        notice = self.query_one("#reply-notice", Static)
        notice.update(text)
        notice.display = bool(text)
        notice.set_class(closed, "-closed")

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#reply-message", Static)
        message.update(text)
        message.set_class(error, "error-text")

    def set_sending(self, sending: bool) -> None:
        self.sending = sending
        self.query_one("#reply-send", Button).disabled = sending
        self.query_one("#reply-text", TextArea).read_only = sending
        self.query_one(AttachmentList).disabled = sending

    def set_answering(self, answering: bool) -> None:
        for button in self.query("#reply-approve, #reply-refuse").results(Button):
            button.disabled = answering

    def set_max_bytes(self, n: int | None) -> None:
        self.query_one(AttachmentList).set_max_bytes(n)

    def focus_text(self) -> None:
        self.query_one("#reply-text", TextArea).focus()

    def edit_in_editor(self, configured: str) -> None:
        area = self.query_one("#reply-text", TextArea)
        edited = edit_text(self.app, area.text, configured=configured)
        area.load_text(edited.rstrip("\n"))
        self.text = area.text
        self.draft.save()
        area.focus()

    # -- sending ---------------------------------------------------------------------

    def take(self) -> tuple[str, list[Path]] | None:
        """What to send, written to the draft first; None (and why) when it is empty."""
        area = self.query_one("#reply-text", TextArea)
        text, paths = area.text, self.query_one(AttachmentList).paths
        if not text.strip() and not paths:
            self.say(_("Write a message before sending."), error=True)
            area.focus()
            return None
        self.text, self.paths = text, paths
        self.draft.save()
        return text, paths

    async def send(self, call: SendReply, paths: list[Path], *, started: datetime) -> ReplyResult:
        """Runs ``call``; the box says what became of the reply. Sent: the box and its
        draft are emptied and what the server did not keep is named (a 201 is no proof,
        issue 14). Not (known to be) sent: the text stays, and so does the draft."""
        self.set_sending(True)
        self.say(_("Sending…"))
        pending = self.pending_since
        # Until the answer: if the wait ends (Escape leaves the screen), the draft says
        # "maybe sent", so the next send looks on the server first.
        self.pending_since = pending or started - CLOCK_SKEW
        try:
            result = await call(pending_since=pending)
        finally:
            self.set_sending(False)
        if not result.sent:
            self.pending_since = result.pending_since
            self.draft.save()
            self.say(result.message(), error=True)
            return result
        self.pending_since = None
        self.draft.discard(is_reply(self.ticket_id, reply_digest(self.ticket_id, self.text, paths)))
        self.query_one("#reply-text", TextArea).load_text("")
        self.query_one(AttachmentList).set_paths([])
        self.text, self.paths = "", []
        self.refused = [r for r in result.refused if r.compressible]
        self.refused_paths = list(paths)
        if result.refused:
            message = _("Reply sent; {files}.").format(files=not_kept(result.refused))
            if self.refused:
                message += " " + _("Press z to send a compressed copy (.gz).")
            self.say(message, error=True)
        else:
            self.say(_("Reply sent."))
        return result

    async def send_compressed(self, call: SendCompressed) -> CompressedResend:
        self.set_sending(True)
        self.say(_("Sending…"))
        try:
            outcome = await call(self.refused, self.refused_paths)
        finally:
            self.set_sending(False)
        self.refused, self.refused_paths = [], []
        if outcome.failed:
            self.say(not_kept(outcome.failed), error=True)
        else:
            self.say(
                " ".join(
                    _("{name} sent in place of the refused file.").format(name=name)
                    for name in outcome.sent
                )
            )
        return outcome

    def settle_in_flight(self, check: InFlightCheck) -> None:
        """Say what became of sends cut off earlier (`check_in_flight`): a reply the
        server has leaves the box and the draft; one it does not have is offered again."""
        if check.error is not None:
            self.say(
                _(
                    "Could not check whether the reply arrived: it is kept; sending it "
                    "checks first."
                ),
                error=True,
            )
            return
        mine = reply_digest(self.ticket_id, self.text, self.paths)
        for record, _result in check.received:
            self.draft.discard(is_reply(self.ticket_id, record.digest))
            if record.digest == mine:
                self.query_one("#reply-text", TextArea).load_text("")
                self.query_one(AttachmentList).set_paths([])
                self.text, self.paths = "", []
        if check.received:
            self.say(already_received())
            return
        if check.not_arrived:
            if not self.text.strip() and not self.paths:
                content = check.not_arrived[-1].content
                self.text = str(content.get("text") or "")
                self.paths = [Path(str(p)) for p in content.get("attachments") or []]
                self.query_one("#reply-text", TextArea).load_text(self.text)
                self.query_one(AttachmentList).set_paths(self.paths)
                self.draft.save()
            self.say(_("Not received by the server: your reply is restored; Ctrl+R sends it."))

    # -- the draft -------------------------------------------------------------------

    def restore_draft(self) -> None:
        # The files once the list is mounted, so files that vanished since are reported.
        self.call_after_refresh(self._restore_files)
        draft = self.draft.load()
        if not draft:
            return
        self.text = str(draft.get("text") or "")
        self.paths = [Path(p) for p in draft.get("attachments") or [] if isinstance(p, str)]
        self.pending_since = _pending_since(draft)
        self.query_one("#reply-text", TextArea).load_text(self.text)
        self.say(_("Your unsent reply was restored."))

    def _restore_files(self) -> None:
        self.query_one(AttachmentList).set_paths(self.paths)

    def _draft_content(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "attachments": [str(p) for p in self.paths],
            "unconfirmed": self.pending_since is not None,
            "unconfirmed_since": self.pending_since.isoformat() if self.pending_since else None,
        }

    @on(TextArea.Changed, "#reply-text")
    def _typed(self, event: TextArea.Changed) -> None:
        self.text = event.text_area.text
        self.draft.changed()

    @on(AttachmentList.Changed, "#reply-attachments")
    def _files_changed(self, event: AttachmentList.Changed) -> None:
        self.paths = event.attachment_list.paths
        self.draft.changed()


def _worth_keeping(content: dict[str, Any]) -> bool:
    return bool(content["text"].strip() or content["attachments"] or content["unconfirmed"])


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


def my_reply(followup_id: int, text: str, me: Me, now: datetime) -> tuple[Followup, TimelineItem]:
    """The reply just sent, as the thread shows it until a fetch brings the server's copy."""
    followup = Followup(
        id=followup_id,
        author_id=me.id,
        author=me.name,
        html=text_to_html(text),
        text=text.strip(),
        date=now,
    )
    item = TimelineItem(
        kind=TimelineKind.FOLLOWUP,
        id=followup_id,
        date=now,
        author=me.name,
        author_id=me.id,
        text=followup.text or _("(documents)"),
    )
    return followup, item
