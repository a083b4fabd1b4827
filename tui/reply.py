"""Send a reply to a ticket: the one rule for the console and `cebox-support reply`.

Free of Textual, beside `tui/submission.py`. Before the reply leaves, an in-flight
record is on disk (`Drafts.begin`): if this process dies or the answer is lost, the
next send of the same reply, from this console restarted, another console or the
command run again, first looks on the server. Only a follow-up of mine with the same
text counts, dated from when that send started by the server's own clock (and newer
than the follow-ups seen before it, when the caller knows them): last week's "Merci"
does not confirm today's, and a server whose clock is minutes or days off still finds
what it saved. Failures are results, not exceptions, so each caller words them its
own way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.api.errors import GlpiError, ServerError, Timeout, Unreachable
from cebox_support.tui.api.models import RefusedFile
from cebox_support.tui.drafts import Drafts, InFlight, already_received, content_digest
from cebox_support.tui.i18n import _
from cebox_support.tui.submission import CLOCK_SKEW, server_now

if TYPE_CHECKING:
    from cebox_support.tui.session import Workspace


class ReplyState(StrEnum):
    SENT = "sent"
    """The server has the follow-up (answered, or found after an uncertain send)."""
    NOT_SENT = "not-sent"
    """It failed before the server could have saved anything: send again."""
    REFUSED = "refused"
    """The server refused it (closed ticket, rights, expired session…): `error` says why."""
    UNCONFIRMED = "unconfirmed"
    """Perhaps saved, and the server could not be asked: the in-flight record stays on
    disk, so the next send looks before sending."""
    NOT_ARRIVED = "not-arrived"
    """Perhaps saved, but the server says it is not there: send again."""


@dataclass
class ReplyResult:
    state: ReplyState
    followup_id: int | None = None
    kept: list[str] = field(default_factory=list)
    """The attached files' names the server kept (when it said or it was checked)."""
    refused: list[RefusedFile] = field(default_factory=list)
    """The attached files the server did not keep, each with its reason."""
    error: GlpiError | None = None
    pending_since: datetime | None = None
    """Set while a send may have happened unseen (its record is still on disk)."""
    already: bool = False
    """Found on the server from an earlier send whose outcome nobody saw: not sent again."""

    @property
    def sent(self) -> bool:
        return self.state is ReplyState.SENT

    def message(self) -> str:
        """What the console says when the reply is not (known to be) on the server; the
        text is kept as a draft in every such case."""
        if self.state is ReplyState.NOT_SENT:
            return _("The reply was not sent: {error} Your text is kept; send it again.").format(
                error=self.error
            )
        if self.state is ReplyState.REFUSED:
            return _("The server refused the reply: {error} Your reply is kept as a draft.").format(
                error=self.error
            )
        if self.state is ReplyState.UNCONFIRMED:
            return _(
                "The server did not confirm the reply and could not be checked. It is "
                "kept; sending again first checks whether it arrived."
            )
        if self.state is ReplyState.NOT_ARRIVED:
            return _("The reply did not arrive (checked on the server). It is kept: send it again.")
        if self.already:
            return already_received()
        return _("Reply sent.")


def uncertain(error: GlpiError) -> bool:
    """A write that may have happened although no answer said so."""
    return isinstance(error, ServerError | Timeout | Unreachable) and bool(error.uncertain)


def reply_key(ticket_id: int) -> str:
    """The draft (and in-flight records) of a reply to this ticket."""
    return f"reply-{int(ticket_id)}"


def reply_digest(ticket_id: int, text: str, paths: Sequence[Path | str] = ()) -> str:
    """The same reply, whoever sends it (console or command): same ticket, same text
    (outer blank space aside), same files."""
    files = [str(Path(p).expanduser().absolute()) for p in paths]
    return content_digest("reply", int(ticket_id), text.strip(), files)


def is_reply(ticket_id: int, digest: str) -> Callable[[dict[str, Any]], bool]:
    """Whether a saved reply draft holds the reply with `digest` (and may go with it)."""

    def matches(content: dict[str, Any]) -> bool:
        text = content.get("text")
        files = content.get("attachments") or []
        if not isinstance(text, str) or not isinstance(files, list):
            return False
        return reply_digest(ticket_id, text, [str(f) for f in files]) == digest

    return matches


async def _look(
    workspace: Workspace,
    ticket_id: int,
    text: str,
    paths: Sequence[Path],
    record: InFlight,
    known_documents: list[int],
) -> ReplyResult | None:
    """The follow-up of `record`'s send if the server has it: mine, this text, dated from
    the send's start by the server's clock, newer than what was seen before it."""
    found = await workspace.call(
        lambda c: c.find_followup_outcome(
            ticket_id, text, paths, known_documents=known_documents, since=record.since
        )
    )
    if found is None or found.item_id is None:
        return None
    if record.mark is not None and found.item_id <= record.mark:
        return None
    return ReplyResult(ReplyState.SENT, found.item_id, found.kept, found.refused)


@dataclass
class InFlightCheck:
    """What became of replies to a ticket whose sends nobody saw end (a console killed)."""

    received: list[tuple[InFlight, ReplyResult]] = field(default_factory=list)
    """On the server: not to be sent again."""
    not_arrived: list[InFlight] = field(default_factory=list)
    """Not on the server: their text may be sent again."""
    error: GlpiError | None = None
    """The server could not be asked: the records stay, the next send looks first."""


def has_in_flight(workspace: Workspace, ticket_id: int) -> bool:
    return bool(workspace.drafts.in_flight(reply_key(ticket_id)))


async def check_in_flight(
    workspace: Workspace, ticket_id: int, *, known_documents: Iterable[int] = ()
) -> InFlightCheck:
    """Look up every reply to this ticket still recorded as in flight, whatever its text
    (what the console restarted after a kill does before offering the draft again).
    Each record found or not found is removed; none is when the server cannot be asked."""
    drafts: Drafts = workspace.drafts
    known = list(known_documents)
    check = InFlightCheck()
    for record in drafts.in_flight(reply_key(ticket_id)):
        text = record.content.get("text")
        files = record.content.get("attachments") or []
        if not isinstance(text, str) or not isinstance(files, list):
            drafts.finish(record)
            continue
        paths = [Path(str(f)) for f in files]
        try:
            found = await _look(workspace, ticket_id, text, paths, record, known)
        except GlpiError as error:
            check.error = error
            return check
        drafts.finish(record)
        if found is None:
            check.not_arrived.append(record)
        else:
            found.already = True
            check.received.append((record, found))
    return check


async def send_reply(
    workspace: Workspace,
    ticket_id: int,
    text: str,
    paths: Sequence[Path] = (),
    *,
    started: datetime | None = None,
    pending_since: datetime | None = None,
    known_documents: Iterable[int] = (),
    known_followups: Iterable[int] = (),
    checking: Callable[[], None] | None = None,
) -> ReplyResult:
    """Send a reply once, through `workspace.call` (a re-login replays it).

    An earlier send of this same reply whose outcome nobody saw (its record on disk) is
    looked up first; `checking` is called before that look, to say so. `known_documents`
    and `known_followups` are the ids on the ticket before this send, if the caller has
    them. `started` (this machine's clock) is used only when the server's clock was
    never read; `pending_since` is superseded by the records on disk.
    """
    del pending_since
    drafts: Drafts = workspace.drafts
    key, digest = reply_key(ticket_id), reply_digest(ticket_id, text, paths)
    known = list(known_documents)
    mark = max(known_followups, default=None)

    async def look(record: InFlight) -> ReplyResult | None:
        return await _look(workspace, ticket_id, text, paths, record, known)

    earlier = drafts.in_flight(key, digest)
    if earlier:
        if checking is not None:
            checking()
        for record in earlier:
            try:
                found = await look(record)
            except GlpiError as error:
                return ReplyResult(ReplyState.UNCONFIRMED, error=error, pending_since=record.since)
            if found is not None:
                for done in earlier:
                    drafts.finish(done)
                found.already = True
                return found
        for done in earlier:
            drafts.finish(done)
    content = {"ticket": int(ticket_id), "text": text, "attachments": [str(p) for p in paths]}
    since = server_now(workspace.client)
    if since is None and started is not None:
        since = started - CLOCK_SKEW
    record = drafts.begin(key, digest, content, since=since, mark=mark)
    try:
        outcome = await workspace.call(lambda c: c.send_followup(ticket_id, text, paths))
    except GlpiError as error:
        if not uncertain(error):
            drafts.finish(record)
            kind = ReplyState.NOT_SENT
            if not isinstance(error, ServerError | Timeout | Unreachable):
                kind = ReplyState.REFUSED
            return ReplyResult(kind, error=error)
        try:
            found = await look(record)
        except GlpiError:
            return ReplyResult(ReplyState.UNCONFIRMED, error=error, pending_since=record.since)
        if found is not None:
            drafts.finish(record)
            return found
        # Not there yet; the server may still be saving it (a timeout does not stop it):
        # the record stays, so sending again looks once more first.
        return ReplyResult(ReplyState.NOT_ARRIVED, error=error, pending_since=record.since)
    drafts.finish(record)
    return ReplyResult(ReplyState.SENT, outcome.item_id, outcome.kept, outcome.refused)
