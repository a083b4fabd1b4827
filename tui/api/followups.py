"""Follow-ups and solutions: a reply (with its files in one request), looking for an
uncertain one, approving or refusing a solution."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cebox_support.tui.api import errors as E
from cebox_support.tui.api.base import ClientBase, understood, upload_outcome
from cebox_support.tui.api.models import Document, RefusedFile, TicketStatus, UploadOutcome
from cebox_support.tui.api.text import html_to_text, text_to_html
from cebox_support.tui.api.transport import as_id, as_int
from cebox_support.tui.i18n import _


class FollowupsArea(ClientBase):
    """POST ITILFollowup (replies, approvals, refusals) and what a lost answer left."""

    def _followup_input(self, ticket_id: int, **extra: Any) -> dict[str, Any]:
        # Always public: a Self-Service private follow-up vanishes from its author's view.
        return {"itemtype": "Ticket", "items_id": int(ticket_id), "is_private": 0, **extra}

    @understood(lambda: _("sending the reply"))
    async def add_followup(
        self, ticket_id: int, text: str, attachments: Sequence[Path] = ()
    ) -> int:
        """A reply; its id. `send_followup` also says which files the server kept."""
        return (await self.send_followup(ticket_id, text, attachments)).item_id or 0

    @understood(lambda: _("sending the reply"))
    async def send_followup(
        self, ticket_id: int, text: str, attachments: Sequence[Path] = ()
    ) -> UploadOutcome:
        """A reply; with files it is one multipart request. GLPI answers 201 even when it
        refused a file and kept the follow-up without it: the outcome names each file."""
        if not text.strip() and not attachments:
            raise E.InvalidRequest(_("Write a message before sending."))
        content = text_to_html(text) if text.strip() else "<p>(documents)</p>"
        payload = self._followup_input(ticket_id, content=content)
        if attachments:
            response = await self._multipart("ITILFollowup", payload, attachments)
        else:
            response = await self._request("POST", "ITILFollowup", json_body={"input": payload})
        body = self._json(response)
        followup_id = as_id(body.get("id")) if isinstance(body, dict) else None
        if followup_id is None:
            raise E.NotGlpi(_("The server did not confirm the reply."))
        return upload_outcome(body, [Path(p).name for p in attachments], item_id=followup_id)

    @understood(lambda: _("checking the reply"))
    async def find_followup(
        self, ticket_id: int, text: str, *, since: datetime | None = None
    ) -> int | None:
        """After an uncertain reply: is a follow-up of mine with this text already there?

        With `since` (when the send started, less the clock skew), only a follow-up dated
        from then counts: last week's "Merci" is not today's.
        """
        wanted = html_to_text(text_to_html(text))
        rows = await self._collect(
            f"Ticket/{int(ticket_id)}/ITILFollowup", [("get_hateoas", "false")]
        )
        for row in reversed(rows):
            if self.me and as_int(row.get("users_id")) != self.me.id:
                continue
            if since is not None:
                dated = self.parse_date(row.get("date_creation") or row.get("date"))
                if dated is None or dated < since:
                    continue
            if html_to_text(self._text(row.get("content"))) == wanted:
                return as_int(row.get("id"))
        return None

    @understood(lambda: _("sending the approval"))
    async def approve_solution(self, ticket_id: int, comment: str = "") -> None:
        extra: dict[str, Any] = {"add_close": 1}
        if comment.strip():
            extra["content"] = text_to_html(comment)
        await self._request(
            "POST", "ITILFollowup", json_body={"input": self._followup_input(ticket_id, **extra)}
        )
        await self._check_outcome(ticket_id, TicketStatus.CLOSED)

    @understood(lambda: _("sending the refusal"))
    async def refuse_solution(self, ticket_id: int, reason: str) -> None:
        if not reason.strip():
            raise E.InvalidRequest(_("Give a reason for refusing the solution."))
        payload = self._followup_input(ticket_id, add_reopen=1, content=text_to_html(reason))
        await self._request("POST", "ITILFollowup", json_body={"input": payload})
        await self._check_outcome(ticket_id, None)

    async def _check_outcome(self, ticket_id: int, expected: TicketStatus | None) -> None:
        """GLPI answers 201 and does nothing when I am not the ticket's requester: check."""
        body = self._json(
            await self._request("GET", f"Ticket/{int(ticket_id)}", params={"get_hateoas": "false"})
        )
        status = as_int(body.get("status")) if isinstance(body, dict) else None
        still_solved = status == TicketStatus.SOLVED
        if (expected is not None and status != expected) or (expected is None and still_solved):
            raise E.PermissionDenied(
                _(
                    "GLPI did not record your answer: only the ticket's requester can "
                    "approve or refuse its solution."
                ),
                code="APPROVAL_IGNORED",
            )

    # -- an uncertain reply, whatever the version ----------------------------------------

    async def ticket_document_ids(self, ticket_id: int) -> set[int]:
        """Ids of the documents listed on the ticket (one request): taken before a reply
        with files, so that a later look can tell which of them are new."""
        return {d.id for d in await self._ticket_documents(ticket_id)}

    async def _ticket_documents(self, ticket_id: int) -> list[Document]:
        raw = self._json(
            await self._request(
                "GET",
                f"Ticket/{int(ticket_id)}",
                params=[("with_documents", "true"), ("get_hateoas", "false")],
            )
        )
        listed = raw.get("_documents") if isinstance(raw, dict) else None
        return [self._document(d) for d in listed or [] if isinstance(d, dict)]

    async def find_followup_outcome(
        self,
        ticket_id: int,
        text: str,
        attachments: Sequence[Path] = (),
        *,
        known_documents: Iterable[int] = (),
        since: datetime | None = None,
    ) -> UploadOutcome | None:
        """After an uncertain reply (an answer lost, or GLPI 11's 500 page once it has
        saved the follow-up and dropped a refused file): the follow-up if it is there,
        with each file kept (a new document of that name on the ticket) or not. None
        when the reply is not there: it may be sent again. With `since`, only a
        follow-up and documents dated from then count."""
        probe = text if text.strip() else "(documents)"
        followup_id = await self.find_followup(ticket_id, probe, since=since)
        if followup_id is None:
            return None
        names = [Path(p).name for p in attachments]
        if not names:
            return UploadOutcome(item_id=followup_id)
        known = set(known_documents)
        new = {
            d.filename
            for d in await self._ticket_documents(ticket_id)
            if d.id not in known and (since is None or (d.date is not None and d.date >= since))
        }
        return UploadOutcome(
            item_id=followup_id,
            kept=[n for n in names if n in new],
            refused=[
                RefusedFile(name=n, reason=_("not on the ticket afterwards"))
                for n in names
                if n not in new
            ],
        )
