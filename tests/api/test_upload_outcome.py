"""Issue 14, client half: a 201 is no proof that a file arrived (answers of a real 10.0.12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.documents import too_big
from cebox_support.tui.api.errors import InvalidRequest

from tests.fakeserver import FakeServer, Reply, Request

SESSION = {"glpiID": 7, "glpiname": "post-only", "glpifriendlyname": "Post Only"}


def refused(error: str) -> dict[str, Any]:
    return {
        "filename": [
            {"name": "65f1qgaAgent.log", "display": "qgaAgent.log", "size": 6, "error": error}
        ]
    }


def server(route: str, reply: Reply) -> Any:
    def handle(request: Request) -> Reply:
        if request.route.startswith(route) and request.method == "POST":
            return reply
        if request.route.startswith("initSession"):
            return Reply.json({"session_token": "s" * 26, "session": SESSION})
        return Reply.json(["ERROR_ITEM_NOT_FOUND", "x"], status=404)

    return handle


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "qgaAgent.log"
    path.write_text("agent\n")
    return path


@pytest.mark.parametrize(
    ("error", "reason"),
    [("Filetype not allowed", "type .log refused"), ("File is too big", "too big for the server")],
)
async def test_reply_201_with_a_refused_file_names_it(log: Path, error: str, reason: str) -> None:
    body = {"id": 12, "message": "File qgaAgent.log not found.", "upload_result": refused(error)}
    with FakeServer(server("ITILFollowup", Reply.json(body, status=201))) as fake:
        async with GlpiClient(fake.api_url) as client:
            await client.login("post-only", "postonly")
            outcome = await client.send_followup(1, "voici le journal", [log])
    assert outcome.item_id == 12 and outcome.kept == [] and not outcome.complete
    assert [(r.name, r.reason, r.reason_text) for r in outcome.refused] == [
        ("qgaAgent.log", error, reason)
    ]
    assert outcome.refused[0].compressible is (error == "Filetype not allowed")


async def test_an_unlinked_201_with_an_error_is_not_referenced(log: Path) -> None:
    body = {
        "id": 40,
        "message": "Item successfully added",
        "upload_result": refused("Filetype not allowed"),
    }
    with FakeServer(server("Document", Reply.json(body, status=201))) as fake:
        async with GlpiClient(fake.api_url) as client:
            await client.login("post-only", "postonly")
            outcome = await client.upload_document_outcome(1, log)
            with pytest.raises(InvalidRequest) as caught:
                await client.upload_document(1, log)
    assert outcome.item_id is None and outcome.refused[0].kind == "type"
    assert "qgaAgent.log" in caught.value.message and "type .log refused" in caught.value.message


async def test_a_linked_upload_400_file_not_found_is_a_refusal(log: Path) -> None:
    answer = Reply.json(["ERROR_GLPI_ADD", "File qgaAgent.log not found."], status=400)
    with FakeServer(server("Document", answer)) as fake:
        async with GlpiClient(fake.api_url) as client:
            await client.login("post-only", "postonly")
            outcome = await client.upload_document_outcome(1, log)
    assert outcome.kept == [] and outcome.refused[0].name == "qgaAgent.log"
    assert outcome.refused[0].kind == "type" and outcome.refused[0].compressible


async def test_a_linked_upload_refused_by_the_helpdesk_is_named_for_its_type(
    fresh_helpdesk: Any, log: Path
) -> None:
    """Over real HTTP: GLPI's linked 400 gives no reason; a .log is named as refused for
    its type (what a default GLPI refuses), so the .gz copy can be offered."""
    async with GlpiClient(fresh_helpdesk.api_url) as client:
        await client.login("post-only", "postonly")
        outcome = await client.upload_document_outcome(1, log)
    assert outcome.kept == [] and outcome.item_id is None
    assert [(r.name, r.reason_text) for r in outcome.refused] == [
        ("qgaAgent.log", "type .log refused")
    ]


async def test_an_accepted_file_is_kept(fresh_helpdesk: Any, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("ok\n")
    async with GlpiClient(fresh_helpdesk.api_url) as client:
        await client.login("post-only", "postonly")
        ticket = (await client.list_tickets()).rows[0].id
        outcome = await client.send_followup(ticket, "journal", [notes])
    assert outcome.kept == ["notes.txt"] and outcome.complete


def test_too_big_is_caught_before_sending(log: Path) -> None:
    assert too_big([log], 3)[0].kind == "size"
    assert too_big([log], 1024) == [] and too_big([log], None) == []
