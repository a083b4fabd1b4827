"""Send a validated form: create the ticket, then upload its documents one by one.

Shared by the console and `cebox-support new`, so it never imports Textual. A flaky
link, a killed process, must never produce a second ticket: before the create leaves,
an in-flight record is on disk (`Drafts.begin`, see `tui/drafts.py`); a create that
may have happened (that record found again, or an answer lost) is checked with a
search, dated by the server's own clock, before anything is sent again; once the
ticket exists only the documents still missing are sent, against that ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.drafts import Drafts, InFlight, content_digest
from cebox_support.tui.forms import TicketDraft
from cebox_support.tui.i18n import _

if TYPE_CHECKING:
    from cebox_support.tui.api.formcreator import FormSubmission
    from cebox_support.tui.forms.server import ServerForm

Progress = Callable[[int, int, str], None]
"""Called with (steps done, total steps, what is being sent) before and after each step."""

CLOCK_SKEW = timedelta(minutes=2)
"""Taken off this machine's clock when the server's was never read (no answer yet)."""

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""`since` when the server's clock was never read: any earlier match counts."""


def server_now(client: GlpiClient) -> datetime | None:
    """The server's clock now, from its last answer (None before any): where a look-up
    after an uncertain write starts, never this machine's clock."""
    return client.server_clock.now()


def ticket_digest(draft: TicketDraft) -> str:
    """The same ticket, whoever creates it (console or command)."""
    return content_digest(
        "ticket", draft.name, draft.content_html, draft.ticket_type, draft.category_id
    )


@dataclass
class WriteGuard:
    """Where a write's in-flight record lives: the drafts of the account on the server,
    and the draft key (`new-incident`, a server form's key). `checking` is called
    before an earlier send of the same content is looked up, to say so."""

    drafts: Drafts
    key: str
    checking: Callable[[], None] | None = None


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
    already: bool = False
    """The ticket was found from an earlier send whose outcome nobody saw: not created
    again."""

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
        if not self.failed and self.already:
            return _("Already received: ticket {id} exists; it was not created again.").format(
                id=self.ticket_id
            )
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
    guard: WriteGuard | None = None,
) -> SubmissionResult:
    """Create the ticket (unless `already_created`), then upload `draft.attachments`.

    Never raises `GlpiError`: every failure is in the result, so the caller can
    report precisely and retry. With `guard`, the create is recorded on disk before it
    leaves and an earlier one of the same ticket whose outcome nobody saw is looked up
    first (its documents already sent are not sent again). `maybe_created_since` comes
    from an earlier result whose create went unanswered; `started` (this machine's
    clock) is used only when the server's clock was never read.
    """
    result = SubmissionResult(ticket_id=already_created)
    record: InFlight | None = None
    done_paths: set[str] = set()
    digest = ticket_digest(draft)
    if result.ticket_id is None and guard is not None:
        earlier = guard.drafts.in_flight(guard.key, digest)
        if earlier:
            if guard.checking is not None:
                guard.checking()
            for found in earlier:
                ticket_id = found.progress.get("ticket_id")
                try:
                    if not isinstance(ticket_id, int):
                        ticket_id = await _find(client, draft, found.since, found.mark)
                except GlpiError as error:
                    result.error = error
                    result.maybe_created_since = found.since or EPOCH
                    return result
                if ticket_id is not None:
                    result.ticket_id, result.already, record = ticket_id, True, found
                    done_paths = {str(p) for p in found.progress.get("uploaded") or []}
                    break
            for stale in earlier:
                if stale is not record:
                    guard.drafts.finish(stale)
    if result.ticket_id is None and maybe_created_since is not None:
        try:
            result.ticket_id = await client.find_ticket_by_name(
                draft.name, since=maybe_created_since
            )
        except GlpiError as error:
            result.error = error
            result.maybe_created_since = maybe_created_since
            return result
        result.already = result.ticket_id is not None
    attachments = [a for a in draft.attachments if str(a.path) not in done_paths]
    total = len(attachments) + (0 if result.ticket_id else 1)
    done = 0

    def step(label: str) -> None:
        if progress is not None:
            progress(done, total, label)

    if result.ticket_id is None:
        step(_("Creating the ticket…"))
        since = server_now(client)
        if since is None:
            since = (started or datetime.now().astimezone()) - CLOCK_SKEW
        if guard is not None:
            content = {"name": draft.name, "attachments": [str(a.path) for a in attachments]}
            record = guard.drafts.begin(guard.key, digest, content, since=since)
        try:
            result.ticket_id = await client.create_ticket(
                name=draft.name,
                content_html=draft.content_html,
                ticket_type=draft.ticket_type,
                category_id=draft.category_id,
            )
        except GlpiError as error:
            if not _uncertain(error):
                if guard is not None and record is not None:
                    guard.drafts.finish(record)
                result.error = error
                return result
            try:
                result.ticket_id = await _find(client, draft, since, None)
            except GlpiError:
                result.ticket_id = None
            if result.ticket_id is None:
                # The search may lag behind the create: the record stays, and the next
                # send looks again before creating anything.
                result.error = error
                result.maybe_created_since = since or EPOCH
                return result
        done += 1
    ticket_id = result.ticket_id
    assert ticket_id is not None
    if guard is not None and record is not None:
        guard.drafts.advance(record, ticket_id=ticket_id, uploaded=sorted(done_paths))
    known: set[int] = set()
    for attachment in attachments:
        step(_("Sending {name}…").format(name=attachment.name))
        try:
            known.add(await client.upload_document(ticket_id, attachment.path))
        except GlpiError as error:
            found_id = None
            if _uncertain(error):
                found_id = await _arrived(client, ticket_id, attachment.name, known)
            if found_id is None:
                result.failed.append(DocumentFailure(attachment.path, attachment.name, error))
            else:
                known.add(found_id)
                result.uploaded.append(attachment.path)
        else:
            result.uploaded.append(attachment.path)
        if guard is not None and record is not None and attachment.path in result.uploaded:
            done_paths.add(str(attachment.path))
            guard.drafts.advance(record, uploaded=sorted(done_paths))
        done += 1
    if guard is not None and record is not None and not result.failed:
        guard.drafts.finish(record)
    step(_("Done."))
    return result


async def _find(
    client: GlpiClient, draft: TicketDraft, since: datetime | None, mark: int | None
) -> int | None:
    """My ticket of that title created from `since` on (server clock), newer than `mark`."""
    found = await client.find_ticket_by_name(draft.name, since=since or EPOCH)
    if found is not None and mark is not None and found <= mark:
        return None
    return found


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


def server_form_key(form_id: int) -> str:
    """The in-flight records of a Formcreator form: the same for the console and `new`."""
    return f"formcreator-{int(form_id)}"


def server_form_digest(form_id: int, values: Mapping[str, object]) -> str:
    """The same answers to the same form, whoever sends them."""
    plain = {
        key: [str(getattr(v, "path", v)) for v in value] if isinstance(value, list) else str(value)
        for key, value in sorted(values.items())
    }
    return content_digest("formcreator", int(form_id), plain)


async def submit_server_form(
    client: GlpiClient,
    form: ServerForm,
    values: Mapping[str, object],
    *,
    guard: WriteGuard,
    answer_id: int | None = None,
    **options: Any,
) -> tuple[FormSubmission, bool]:
    """`formcreator.submit_form` under the in-flight rule: recorded on disk before the
    answers leave; a record of the same answers left by a send nobody saw end makes it
    look first for my answer to that form dated from then (server clock), and carry on
    from it rather than post the form twice. Also (the submission, found earlier)."""
    from cebox_support.tui.api.formcreator import FormSubmission, find_my_answer, submit_form

    digest = server_form_digest(form.id, values)
    record: InFlight | None = None
    already = False
    if answer_id is None:
        earlier = guard.drafts.in_flight(guard.key, digest)
        if earlier and guard.checking is not None:
            guard.checking()
        for found in earlier:
            try:
                answer_id = await find_my_answer(client, form.id, since=found.since or EPOCH)
            except GlpiError as error:
                return FormSubmission(error=error, maybe_sent=True), False
            if answer_id is not None:
                record, already = found, True
                break
        for stale in earlier:
            if stale is not record:
                guard.drafts.finish(stale)
        if record is None:
            content = {"form": form.id, "name": form.name}
            record = guard.drafts.begin(guard.key, digest, content, since=server_now(client))
    outcome = await submit_form(client, form, values, answer_id=answer_id, **options)
    if record is not None and not outcome.maybe_sent:
        guard.drafts.finish(record)
    return outcome, already
