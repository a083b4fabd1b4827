"""Fixtures for the helpdesk contract tests: plain httpx against a loopback server."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from cebox_support.tui.helpdesk.runner import RunningHelpdesk
from helpdesk_helpers import POST_ONLY, TECH, session_client


@pytest.fixture
def hd(fresh_helpdesk: RunningHelpdesk) -> RunningHelpdesk:
    """A demo helpdesk of this test's own (frozen clock)."""
    return fresh_helpdesk


@pytest.fixture
def as_user(hd: RunningHelpdesk) -> Iterator[Callable[..., httpx.Client]]:
    clients: list[httpx.Client] = []

    def factory(who: tuple[str, str] = POST_ONLY, **headers: str) -> httpx.Client:
        client = session_client(hd, *who, **headers)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def post_only(as_user: Callable[..., httpx.Client]) -> httpx.Client:
    return as_user(POST_ONLY)


@pytest.fixture
def tech(as_user: Callable[..., httpx.Client]) -> httpx.Client:
    return as_user(TECH)
