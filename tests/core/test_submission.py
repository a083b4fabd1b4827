"""submit_ticket: one ticket whatever the link does, documents reported and retried precisely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import InvalidRequest, Timeout
from cebox_support.tui.forms import Attachment, TicketDraft, check_attachment
from cebox_support.tui.submission import SubmissionResult, submit_ticket

from tests.conftest import frozen_now

POST_ONLY = 3


def attach(path: Path, data: bytes) -> Attachment:
    path.write_bytes(data)
    return check_attachment(path, None)


def draft(name: str, *attachments: Attachment, category: int | None = None) -> TicketDraft:
    return TicketDraft(
        name=name,
        content_html="<p>details</p>",
        ticket_type=1,
        category_id=category,
        attachments=list(attachments),
    )


class LosingAnswers(httpx.AsyncBaseTransport):
    """Forwards to the helpdesk; drops the answer (or the request) of chosen creates."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.lose_answer = 0
        self.lose_request = 0
        self.creates = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        is_create = request.method == "POST" and request.url.path.endswith("/Ticket")
        if is_create:
            self.creates += 1
            if self.lose_request:
                self.lose_request -= 1
                raise httpx.ReadTimeout("lost", request=request)
        response = await self.inner.handle_async_request(request)
        if is_create and self.lose_answer:
            self.lose_answer -= 1
            await response.aread()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def client_for(server: Any, transport: httpx.AsyncBaseTransport | None = None) -> GlpiClient:
    client = GlpiClient(server.api_url, transport=transport)
    await client.login("post-only", "postonly")
    return client


def tickets(server: Any) -> int:
    return server.store.count("tickets")


async def test_creates_the_ticket_then_its_documents(fresh_helpdesk: Any, tmp_path: Path) -> None:
    steps: list[tuple[int, int, str]] = []
    a = attach(tmp_path / "a.txt", b"log line\n")
    b = attach(tmp_path / "b.png", b"\x89PNG" + b"x" * 100)
    async with await client_for(fresh_helpdesk) as client:
        result = await submit_ticket(
            client,
            draft("VDI down", a, b, category=2),
            progress=lambda *step: steps.append(step),
        )
    assert result.ok and result.error is None and not result.failed
    assert result.uploaded == [a.path, b.path]
    ticket = fresh_helpdesk.store.ticket(result.ticket_id)
    assert (ticket["name"], ticket["type"], ticket["itilcategories_id"]) == ("VDI down", 1, 2)
    requesters = [u["users_id"] for u in fresh_helpdesk.store.ticket_users(result.ticket_id)]
    assert requesters == [POST_ONLY]
    docs = fresh_helpdesk.store.documents(result.ticket_id)
    assert [(d["filename"], d["link_itemtype"]) for d in docs] == [
        ("a.txt", "Ticket"),
        ("b.png", "Ticket"),
    ]
    assert fresh_helpdesk.store.document_data(docs[0]["id"]) == b"log line\n"
    assert [s[:2] for s in steps] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert "Ticket" in result.summary()


async def test_failed_document_is_retried_alone_on_the_same_ticket(
    fresh_helpdesk: Any, tmp_path: Path
) -> None:
    a = attach(tmp_path / "a.txt", b"a")
    b = attach(tmp_path / "b.txt", b"b")
    b.path.unlink()  # vanishes between the pick and the upload
    async with await client_for(fresh_helpdesk) as client:
        first = await submit_ticket(client, draft("Partial", a, b))
        assert first.ticket_id is not None and not first.ok
        assert [f.name for f in first.failed] == ["b.txt"]
        assert isinstance(first.failed[0].error, InvalidRequest)
        assert "b.txt" in first.summary()
        count = tickets(fresh_helpdesk)

        b.path.write_bytes(b"b is back")
        retry = first.remaining(draft("Partial", a, b))
        assert [x.name for x in retry.attachments] == ["b.txt"]
        second = await submit_ticket(client, retry, already_created=first.ticket_id)
    assert second.ok and second.ticket_id == first.ticket_id
    assert tickets(fresh_helpdesk) == count
    names = [d["filename"] for d in fresh_helpdesk.store.documents(first.ticket_id)]
    assert names == ["a.txt", "b.txt"]


async def test_create_saved_but_answer_lost_is_found_not_duplicated(fresh_helpdesk: Any) -> None:
    transport = LosingAnswers()
    transport.lose_answer = 1
    before = tickets(fresh_helpdesk)
    async with await client_for(fresh_helpdesk, transport) as client:
        result = await submit_ticket(client, draft("Lost answer"), started=frozen_now())
    assert result.ok, result.errors
    assert transport.creates == 1
    assert tickets(fresh_helpdesk) == before + 1
    assert fresh_helpdesk.store.ticket(result.ticket_id)["name"] == "Lost answer"


async def test_create_lost_is_checked_before_the_retry(fresh_helpdesk: Any) -> None:
    transport = LosingAnswers()
    transport.lose_request = 1
    before = tickets(fresh_helpdesk)
    async with await client_for(fresh_helpdesk, transport) as client:
        first = await submit_ticket(client, draft("Lost request"), started=frozen_now())
        assert first.ticket_id is None
        assert isinstance(first.error, Timeout) and first.error.uncertain
        assert first.maybe_created_since is not None
        assert tickets(fresh_helpdesk) == before

        second = await submit_ticket(
            client, draft("Lost request"), maybe_created_since=first.maybe_created_since
        )
        assert second.ok
        third = await submit_ticket(
            client, draft("Lost request"), maybe_created_since=first.maybe_created_since
        )
    assert third.ticket_id == second.ticket_id  # found, not created again
    assert tickets(fresh_helpdesk) == before + 1


async def test_refused_create_reports_the_error(fresh_helpdesk: Any, tmp_path: Path) -> None:
    a = attach(tmp_path / "a.log", b"a")
    async with await client_for(fresh_helpdesk) as client:
        await client.logout()
        result = await submit_ticket(client, draft("Nobody", a))
    assert isinstance(result, SubmissionResult)
    assert result.ticket_id is None and result.error is not None
    assert result.uploaded == [] and result.maybe_created_since is None
    assert result.summary() == result.error.message


@pytest.mark.parametrize("uncertain", [True, False])
async def test_upload_errors_never_raise(
    fresh_helpdesk: Any, tmp_path: Path, uncertain: bool
) -> None:
    a = attach(tmp_path / "a.log", b"a")

    async with await client_for(fresh_helpdesk) as client:

        async def broken(ticket_id: int, path: Path) -> int:
            raise Timeout("slow", uncertain=uncertain)

        client.upload_document = broken  # type: ignore[method-assign]
        result = await submit_ticket(client, draft("Uploads broken", a))
    assert result.ticket_id is not None
    assert [f.message for f in result.failed] == ["a.log: slow"]
