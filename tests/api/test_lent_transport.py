"""A transport given to the API client is shared with the web side's own clients (web
login, logout, a password probe): ending one of them must not close the connection of
an API request still in flight (it failed as a lost connection, a reply "perhaps
saved", about 1 run in 8 of tests/core/test_reply.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.web import WebSession
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.tui.session import _open_web_session

DOMAIN = 1
"""Seeded demo ticket in progress, open to the demo customer's replies."""
LOGIN, PASSWORD = "post-only", "postonly"


async def _web_login(client: GlpiClient) -> None:
    await _open_web_session(client, LOGIN, PASSWORD)


async def _web_logout(client: GlpiClient) -> None:
    await WebSession(client, cookie="glpi_x=y").logout()


async def _password_probe(client: GlpiClient) -> None:
    assert await client._password_works(LOGIN, PASSWORD)


@pytest.mark.parametrize(
    "other", [_web_login, _web_logout, _password_probe], ids=["web-login", "logout", "probe"]
)
async def test_another_client_ending_never_cuts_a_request_in_flight(
    fresh_helpdesk: Any, other: Callable[[GlpiClient], Awaitable[None]]
) -> None:
    transport = httpx.AsyncHTTPTransport()
    client = GlpiClient(fresh_helpdesk.api_url, transport=transport)
    try:
        await client.login(LOGIN, PASSWORD)
        fresh_helpdesk.set_faults(FaultConfig(hold=("POST /apirest.php/ITILFollowup",)))
        reply = asyncio.create_task(client.send_followup(DOMAIN, "En vol"))
        assert await asyncio.to_thread(fresh_helpdesk.wait_held)
        await other(client)
        await asyncio.to_thread(fresh_helpdesk.release)
        outcome = await reply
        assert outcome.item_id is not None
        assert (await client.server_config(refresh=True)).version  # the pool still serves
    finally:
        fresh_helpdesk.set_faults(None)
        await client.close()
