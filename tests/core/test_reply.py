"""`tui.reply.send_reply`, the one rule for a reply, over real HTTP to the helpdesk.

The transport below reaches the real server; it only loses what a flaky link loses:
the request on its way (the server never saw it) or the answer on its way back.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.config import Profile
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.tui.reply import ReplyState, send_reply
from cebox_support.tui.session import Workspace, sign_in

from tests.conftest import frozen_now

DOMAIN = 1
"""Seeded demo ticket in progress, open to the demo customer's replies."""
CLOSED = 3
"""Seeded demo ticket that is closed: GLPI refuses replies on it."""
FOLLOWUP = re.compile(r"POST .*/ITILFollowup")


class FlakyLink(httpx.AsyncBaseTransport):
    """`lose` = "request": the next follow-up never reaches the server (the client
    cannot know); "connect": no connection for it (the client knows nothing was sent);
    "answer": it reaches the server, the answer is lost; "checks": that, and every
    read fails too."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.lose: str | None = None
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.lose == "checks" and request.method == "GET":
            raise httpx.ConnectError("link down", request=request)
        if FOLLOWUP.fullmatch(f"{request.method} {request.url.path}"):
            self.sent += 1
            lose, self.lose = self.lose, None if self.lose != "checks" else self.lose
            if lose == "request":
                raise httpx.ReadTimeout("request lost", request=request)
            if lose == "connect":
                raise httpx.ConnectError("no route to host", request=request)
            if lose in ("answer", "checks"):
                response = await self.inner.handle_async_request(request)
                await response.aread()
                await response.aclose()
                raise httpx.ReadTimeout("answer lost", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def link(fresh_helpdesk: Any) -> AsyncIterator[tuple[Workspace, FlakyLink]]:
    transport = FlakyLink()
    profile = Profile(url=fresh_helpdesk.api_url, login="post-only")
    client = GlpiClient(profile.url, transport=transport)
    workspace = await sign_in(
        "test", profile, password="postonly", cache_session=False, client=client
    )
    yield workspace, transport
    await client.close()


def mine(server: Any, text: str) -> list[Any]:
    return [f for f in server.store.followups(DOMAIN) if f"<p>{text}</p>" == f["content"]]


async def test_a_lost_request_is_not_confirmed_by_an_older_identical_reply(
    link: tuple[Workspace, FlakyLink], fresh_helpdesk: Any
) -> None:
    """Issue 20: last week's "Merci" must not make today's lost "Merci" look sent."""
    workspace, transport = link
    earlier = await send_reply(workspace, DOMAIN, "Merci", started=frozen_now())
    assert earlier.sent
    fresh_helpdesk.clock.advance(days=7)
    # A week later: the server has answered since (a command signs in first, the console
    # refreshes), and the look-up starts from its clock then, whatever this machine's.
    await workspace.client.whoami()
    transport.lose = "request"
    result = await send_reply(workspace, DOMAIN, "Merci", started=frozen_now() + timedelta(days=7))
    assert result.state is ReplyState.NOT_ARRIVED and not result.sent
    assert len(mine(fresh_helpdesk, "Merci")) == 1
    again = await send_reply(workspace, DOMAIN, "Merci", started=frozen_now() + timedelta(days=7))
    assert again.sent and again.followup_id != earlier.followup_id
    assert len(mine(fresh_helpdesk, "Merci")) == 2


async def test_a_lost_answer_is_found_on_the_server_and_not_sent_twice(
    link: tuple[Workspace, FlakyLink], fresh_helpdesk: Any
) -> None:
    workspace, transport = link
    transport.lose = "answer"
    result = await send_reply(workspace, DOMAIN, "Une seule fois", started=frozen_now())
    assert result.sent and result.followup_id == mine(fresh_helpdesk, "Une seule fois")[0]["id"]
    assert transport.sent == 1 and len(mine(fresh_helpdesk, "Une seule fois")) == 1


async def test_an_unchecked_send_is_looked_up_before_sending_again(
    link: tuple[Workspace, FlakyLink], fresh_helpdesk: Any
) -> None:
    workspace, transport = link
    transport.lose = "checks"
    first = await send_reply(workspace, DOMAIN, "Arrivé ?", started=frozen_now())
    assert first.state is ReplyState.UNCONFIRMED and first.pending_since is not None
    transport.lose = None
    second = await send_reply(
        workspace, DOMAIN, "Arrivé ?", started=frozen_now(), pending_since=first.pending_since
    )
    assert second.sent and transport.sent == 1
    assert len(mine(fresh_helpdesk, "Arrivé ?")) == 1


async def test_no_connection_is_not_sent_and_a_refusal_is_refused(
    link: tuple[Workspace, FlakyLink], fresh_helpdesk: Any
) -> None:
    workspace, transport = link
    transport.lose = "connect"
    failed = await send_reply(workspace, DOMAIN, "Panne", started=frozen_now())
    assert failed.state is ReplyState.NOT_SENT and "not sent" in failed.message()
    assert failed.pending_since is None and mine(fresh_helpdesk, "Panne") == []
    refused = await send_reply(workspace, CLOSED, "Encore là ?", started=frozen_now())
    assert refused.state is ReplyState.REFUSED and "refused" in refused.message()


async def test_a_failing_server_leaves_the_reply_unconfirmed(
    link: tuple[Workspace, FlakyLink], fresh_helpdesk: Any
) -> None:
    """A 500 to a write may come after the save (GLPI 11 does that): not "not sent"."""
    workspace, _transport = link
    fresh_helpdesk.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500",), seed=1))
    try:
        failed = await send_reply(workspace, DOMAIN, "Panne", started=frozen_now())
    finally:
        fresh_helpdesk.set_faults(None)
    assert failed.state is ReplyState.UNCONFIRMED and failed.pending_since is not None
    assert "could not be checked" in failed.message()


@pytest.mark.parametrize("lose", [None, "answer"], ids=["answered", "answer-lost"])
async def test_files_kept_and_refused_are_named(
    link: tuple[Workspace, FlakyLink], fresh_helpdesk: Any, tmp_path: Any, lose: str | None
) -> None:
    """The helpdesk refuses a .log as GLPI 10 does: from its answer, or, the answer lost,
    from the ticket's documents dated from the send."""
    workspace, transport = link
    notes, log = tmp_path / "notes.txt", tmp_path / "qga.log"
    notes.write_text("ok")
    log.write_text("ok")
    transport.lose = lose
    result = await send_reply(workspace, DOMAIN, "Le journal", [notes, log], started=frozen_now())
    assert result.sent and result.kept == ["notes.txt"]
    assert [f.name for f in result.refused] == ["qga.log"] and result.refused[0].reason
