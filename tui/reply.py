"""Send a reply to a ticket: the one rule for the console and `cebox-support reply`.

Free of Textual, beside `tui/submission.py`. A reply whose send was uncertain (the
answer lost, a 5xx after the server may have saved it) is looked up on the server
before anything is sent again, and only a follow-up of mine with the same text dated
from when that send started counts: last week's "Merci" does not confirm today's.
Failures are results, not exceptions, so each caller words them its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from cebox_support.tui.api.errors import GlpiError, ServerError, Timeout, Unreachable
from cebox_support.tui.api.models import RefusedFile
from cebox_support.tui.i18n import _
from cebox_support.tui.submission import CLOCK_SKEW

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
    """Perhaps saved, and the server could not be asked: `pending_since` must be passed
    back, so the next send looks before sending."""
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
    """Set while a send may have happened unseen: give it to the next `send_reply`."""

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
        return _("Reply sent.")


def uncertain(error: GlpiError) -> bool:
    """A write that may have happened although no answer said so."""
    return isinstance(error, ServerError | Timeout | Unreachable) and bool(error.uncertain)


async def send_reply(
    workspace: Workspace,
    ticket_id: int,
    text: str,
    paths: Sequence[Path] = (),
    *,
    started: datetime,
    pending_since: datetime | None = None,
    known_documents: Iterable[int] = (),
) -> ReplyResult:
    """Send a reply once, through `workspace.call` (a re-login replays it).

    `started` is "now" by the caller's clock; `pending_since` comes from an earlier
    result whose send went unconfirmed; `known_documents` are the ticket's document
    ids before this send, if the caller has them (else the files are judged by date).
    """
    known = list(known_documents)

    async def look(since: datetime) -> ReplyResult | None:
        found = await workspace.call(
            lambda c: c.find_followup_outcome(
                ticket_id, text, paths, known_documents=known, since=since
            )
        )
        if found is None:
            return None
        return ReplyResult(ReplyState.SENT, found.item_id, found.kept, found.refused)

    if pending_since is not None:
        try:
            found = await look(pending_since)
        except GlpiError as error:
            return ReplyResult(ReplyState.UNCONFIRMED, error=error, pending_since=pending_since)
        if found is not None:
            return found
    since = started - CLOCK_SKEW
    try:
        outcome = await workspace.call(lambda c: c.send_followup(ticket_id, text, paths))
    except GlpiError as error:
        if not uncertain(error):
            kind = ReplyState.NOT_SENT
            if not isinstance(error, ServerError | Timeout | Unreachable):
                kind = ReplyState.REFUSED
            return ReplyResult(kind, error=error)
        try:
            found = await look(since)
        except GlpiError:
            return ReplyResult(ReplyState.UNCONFIRMED, error=error, pending_since=since)
        return found or ReplyResult(ReplyState.NOT_ARRIVED, error=error)
    return ReplyResult(ReplyState.SENT, outcome.item_id, outcome.kept, outcome.refused)
