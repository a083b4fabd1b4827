"""Send a validated form: create the ticket, then upload its documents one by one.

Shared by the console and `cebox-support new`, so it never imports Textual. A flaky
link must never produce a second ticket: a create that may have happened is checked
with a search before anything is sent again, and once the ticket exists only the
documents that failed are retried, against that ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.forms import TicketDraft
from cebox_support.tui.i18n import _

Progress = Callable[[int, int, str], None]
"""Called with (steps done, total steps, what is being sent) before and after each step."""

CLOCK_SKEW = timedelta(minutes=2)


@dataclass
class DocumentFailure:
    path: Path
    name: str
    error: GlpiError

    @property
    def message(self) -> str:
        return f"{self.name}: {self.error.message}"


@dataclass
class SubmissionResult:
    """What happened. `ticket_id` is set as soon as the server has the ticket."""

    ticket_id: int | None = None
    uploaded: list[Path] = field(default_factory=list)
    failed: list[DocumentFailure] = field(default_factory=list)
    error: GlpiError | None = None
    """Why the ticket could not be created (None once it exists)."""
    maybe_created_since: datetime | None = None
    """Set when the create may have happened unseen: pass it back before retrying."""

    @property
    def ok(self) -> bool:
        return self.ticket_id is not None and not self.failed

    @property
    def errors(self) -> list[GlpiError]:
        found = [f.error for f in self.failed]
        return [self.error, *found] if self.error is not None else found

    def remaining(self, draft: TicketDraft) -> TicketDraft:
        """The draft reduced to the documents that still have to be sent."""
        failed = {f.path for f in self.failed}
        return replace(draft, attachments=[a for a in draft.attachments if a.path in failed])

    def summary(self) -> str:
        if self.ticket_id is None:
            return self.error.message if self.error else _("The ticket was not created.")
        if not self.failed:
            return _("Ticket {id} created.").format(id=self.ticket_id)
        return _("Ticket {id} created, but these documents were not sent: {failed}").format(
            id=self.ticket_id, failed="; ".join(f.message for f in self.failed)
        )


def _uncertain(error: GlpiError) -> bool:
    return bool(getattr(error, "uncertain", False))


async def submit_ticket(
    client: GlpiClient,
    draft: TicketDraft,
    *,
    progress: Progress | None = None,
    already_created: int | None = None,
    maybe_created_since: datetime | None = None,
    started: datetime | None = None,
) -> SubmissionResult:
    """Create the ticket (unless `already_created`), then upload `draft.attachments`.

    Never raises `GlpiError`: every failure is in the result, so the caller can
    report precisely and retry. `maybe_created_since` comes from an earlier result
    whose create went unanswered; `started` is "now" by the caller's clock.
    """
    total = len(draft.attachments) + (0 if already_created else 1)
    done = 0

    def step(label: str) -> None:
        if progress is not None:
            progress(done, total, label)

    result = SubmissionResult(ticket_id=already_created)
    if result.ticket_id is None and maybe_created_since is not None:
        try:
            result.ticket_id = await client.find_ticket_by_name(
                draft.name, since=maybe_created_since
            )
        except GlpiError as error:
            result.error = error
            result.maybe_created_since = maybe_created_since
            return result
    if result.ticket_id is None:
        step(_("Creating the ticket…"))
        since = (started or datetime.now().astimezone()) - CLOCK_SKEW
        try:
            result.ticket_id = await client.create_ticket(
                name=draft.name,
                content_html=draft.content_html,
                ticket_type=draft.ticket_type,
                category_id=draft.category_id,
            )
        except GlpiError as error:
            if not _uncertain(error):
                result.error = error
                return result
            try:
                result.ticket_id = await client.find_ticket_by_name(draft.name, since=since)
            except GlpiError:
                result.ticket_id = None
            if result.ticket_id is None:
                result.error = error
                result.maybe_created_since = since
                return result
    if not already_created:
        done += 1
    ticket_id = result.ticket_id
    assert ticket_id is not None
    known: set[int] = set()
    for attachment in draft.attachments:
        step(_("Sending {name}…").format(name=attachment.name))
        try:
            known.add(await client.upload_document(ticket_id, attachment.path))
        except GlpiError as error:
            found = None
            if _uncertain(error):
                found = await _arrived(client, ticket_id, attachment.name, known)
            if found is None:
                result.failed.append(DocumentFailure(attachment.path, attachment.name, error))
            else:
                known.add(found)
                result.uploaded.append(attachment.path)
        else:
            result.uploaded.append(attachment.path)
        done += 1
    step(_("Done."))
    return result


async def _arrived(client: GlpiClient, ticket_id: int, name: str, known: set[int]) -> int | None:
    """After an unanswered upload: the ticket's new document of that name, if it is there."""
    try:
        documents = (await client.get_ticket(ticket_id)).documents
    except GlpiError:
        return None
    for document in documents:
        if document.filename == name and document.id not in known:
            return document.id
    return None
