"""Broken and hostile servers (issue 15): every request bounded, every answer survivable.

Each test is one class of misbehaviour, played by the scriptable fake server in
tests/fakeserver.py over real loopback HTTP.
"""

from __future__ import annotations

import tracemalloc
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from cebox_support.tui.api import errors as E
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.documents import download_name, safe_filename
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import Document, TicketFilter
from cebox_support.tui.api.text import clean_line, clean_terminal
from cebox_support.tui.api.transport import MAX_PAGES

from tests.fakeserver import FakeServer, Reply, Request

SESSION = {
    "glpiID": 7,
    "glpiname": "post-only",
    "glpifriendlyname": "Post Only",
    "glpilanguage": "fr_FR",
    "glpi_currenttime": "2026-11-28 10:00:00",
}


def glpi(routes: dict[str, Callable[[Request], Reply]]) -> Callable[[Request], Reply]:
    """A GLPI that signs in fine, with `routes` (by path prefix) answering the rest."""

    def handle(request: Request) -> Reply:
        for prefix, answer in routes.items():
            if request.route.startswith(prefix):
                return answer(request)
        if request.route.startswith("initSession"):
            return Reply.json({"session_token": "s" * 26, "session": SESSION})
        if request.route.startswith("getFullSession"):
            return Reply.json({"session": SESSION})
        return Reply.json(["ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM", "x"], status=400)

    return handle


def one_line(error: GlpiError) -> bool:
    return bool(error.message) and "\n" not in error.message and "Traceback" not in error.message


# -- bounded ----------------------------------------------------------------------------


async def test_timeout_bounds_the_whole_request_not_each_read() -> None:
    """A server sending one byte every 0.3 s never answers a 1 s request: too slow."""
    body = b'{"totalcount": 0, "data": []}'
    trickle = glpi({"search/Ticket": lambda r: Reply(body=body, chunk=1, trickle=0.3)})
    with FakeServer(trickle) as server:
        async with GlpiClient(server.api_url, timeout=1.0, retry_backoff=0) as client:
            await client.login("post-only", "postonly")
            with pytest.raises(E.Timeout) as caught:
                await client.list_tickets(TicketFilter.ALL)
    assert "too slow" in caught.value.message
    assert one_line(caught.value)


def _subitems(content_range: Callable[[int], str], rows: int) -> Callable[[Request], Reply]:
    def answer(request: Request) -> Reply:
        start = int(dict(request.query)["range"].split("-")[0])
        data = [{"id": start + i, "content": "x", "users_id": 2} for i in range(rows)]
        return Reply.json(data, status=206, headers={"Content-Range": content_range(start)})

    return answer


def _ticket(request: Request) -> Reply:
    return Reply.json({"id": 1, "name": "T", "content": "c", "status": 2})


@pytest.mark.parametrize(
    "content_range",
    [
        lambda start: "0-999/5000",  # the same page again and again
        lambda start: f"{start}-{start}/99999999999",  # advancing, but never ending
    ],
    ids=["page-does-not-advance", "endless-total"],
)
async def test_paging_stops_when_content_range_lies(content_range: Callable[[int], str]) -> None:
    routes = {
        "Ticket/1/ITILFollowup": _subitems(content_range, 1),
        "Ticket/1/": lambda r: Reply.json([]),
        "Ticket/1": _ticket,
    }
    with FakeServer(glpi(routes)) as server:
        async with GlpiClient(server.api_url) as client:
            await client.login("post-only", "postonly")
            with pytest.raises(E.ServerError) as caught:
                await client.get_ticket(1)
        pages = [r for r in server.requests if r.route.startswith("Ticket/1/ITILFollowup")]
    assert "do not add up" in caught.value.message and one_line(caught.value)
    assert len(pages) <= MAX_PAGES


def _download(reply: Reply) -> Callable[[Request], Reply]:
    return lambda request: reply


@pytest.mark.parametrize(
    ("listed", "reply", "max_bytes"),
    [
        (1000, Reply(body=b"x" * 2_000_000), 10 * 2**20),  # more than the listed size
        (1000, Reply.gzip_bomb(50 * 2**20), 10 * 2**20),  # inflates past it
        (None, Reply(body=(b"y" * 65536 for _ in range(100))), 1_000_000),  # the maximum
    ],
    ids=["bigger-than-listed", "gzip-bomb", "over-the-maximum"],
)
async def test_downloads_are_capped_and_leave_no_partial_file(
    tmp_path: Path, listed: int | None, reply: Reply, max_bytes: int
) -> None:
    document = Document(id=5, filename="qgaAgent.log", size=listed)
    with FakeServer(glpi({"Document/5": _download(reply)})) as server:
        async with GlpiClient(server.api_url, max_download_bytes=max_bytes) as client:
            await client.login("post-only", "postonly")
            with pytest.raises(E.ServerError) as caught:
                await client.download_document(document, tmp_path / "dl")
    assert "partial file removed" in caught.value.message and one_line(caught.value)
    assert list((tmp_path / "dl").iterdir()) == []


async def test_a_download_is_streamed_to_disk_not_held_in_memory(tmp_path: Path) -> None:
    size = 24 * 2**20
    chunks = (b"z" * 2**20 for _ in range(24))
    document = Document(id=5, filename="big.zip", size=size)
    with FakeServer(glpi({"Document/5": _download(Reply(body=chunks, length=size))})) as server:
        async with GlpiClient(server.api_url) as client:
            await client.login("post-only", "postonly")
            tracemalloc.start()
            try:
                saved = await client.download_document(document, tmp_path / "dl")
                _now, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert saved.stat().st_size == size
    assert peak < size // 4


async def test_a_huge_api_answer_is_refused_not_read() -> None:
    endless = Reply(body=(b" " * 2**20 for _ in range(100)), headers={"Content-Type": "x"})
    with FakeServer(glpi({"search/Ticket": _download(endless)})) as server:
        async with GlpiClient(server.api_url, timeout=60) as client:
            await client.login("post-only", "postonly")
            with pytest.raises(E.ServerError) as caught:
                await client.list_tickets()
    assert "larger than" in caught.value.message


# -- survivable ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", ["abc\r\nX-Injected: 1", "jeton-é", "", "a b", "\x1b[31m"], ids=repr
)
async def test_a_session_token_with_controls_or_non_ascii_is_refused(token: str) -> None:
    answer = glpi({"initSession": lambda r: Reply.json({"session_token": token})})
    with FakeServer(answer) as server:
        async with GlpiClient(server.api_url) as client:
            with pytest.raises(E.NotGlpi) as caught:
                await client.login("post-only", "postonly")
            assert not client.logged_in
    assert one_line(caught.value)


def test_every_format_character_is_removed() -> None:
    """By category, so the whole of Unicode's Cf, whatever the version."""
    import sys

    cf = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Cf")
    assert len(cf) > 150
    cleaned = clean_terminal(f"a{cf}b é")
    assert cleaned == "ab é"
    assert clean_line("x\u202e\u2066y\u200bz") == "xyz"


@pytest.mark.parametrize(
    ("listed", "disposition", "expected_suffix"),
    [
        ("rapport.pdf", 'attachment; filename="rapport.desktop"', ".pdf"),
        ("qgaAgent.log", "attachment; filename*=UTF-8''" + "%C3%A9" * 300 + ".exe", ".log"),
        ("é" * 300 + ".txt", None, ".txt"),
        ("notes", 'attachment; filename="../../.bashrc"', ""),
    ],
)
def test_saved_names_fit_255_bytes_and_keep_the_listed_extension(
    listed: str, disposition: str | None, expected_suffix: str
) -> None:
    headers = {"content-disposition": disposition} if disposition else {}
    name = download_name(listed, headers)
    assert len(name.encode()) <= 240
    assert name.endswith(expected_suffix) and "/" not in name and not name.startswith(".")


def test_safe_filename_any_text() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.text(max_size=600))
    def check(text: str) -> None:
        name = safe_filename(text)
        assert 0 < len(name.encode()) <= 240
        assert "/" not in name and not name.startswith(".")
        assert name == clean_terminal(name)

    check()


async def test_credentials_in_a_url_are_never_sent_nor_printed() -> None:
    """Entry points refuse such URLs; the client itself drops them as a last defence."""
    with FakeServer(glpi({})) as server:
        url = server.api_url.replace("://", "://jdupont:S3cret-pw@")
        async with GlpiClient(url) as client:
            assert "S3cret" not in client.api_url + client.address + client.ticket_url(1)
            await client.login("post-only", "postonly")
        authorization = server.requests[0].headers.get("authorization", "")
    import base64

    assert base64.b64decode(authorization.split()[1]).decode() == "post-only:postonly"
