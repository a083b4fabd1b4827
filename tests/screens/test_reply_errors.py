"""A reply that fails says why in the right words: a server crash or an unreachable server
is no refusal (send again), a refusal of the input is one; the typed text stays either way."""

from __future__ import annotations

from typing import Any

import pytest
from cebox_support.screens.ticket import TicketScreen
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import InvalidRequest, Unreachable
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.tui.messages import OpenTicket
from textual.widgets import Static, TextArea

from tests.conftest import wait_for

DOMAIN = 1
"""Seeded demo ticket in progress, open to the demo customer's replies."""


async def _type_reply(app: Any, pilot: Any, text: str) -> TicketScreen:
    await pilot.pause()
    app.route(OpenTicket(DOMAIN))
    await wait_for(lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
    await app.workers.wait_for_complete()
    screen = app.screen
    assert isinstance(screen, TicketScreen)
    await pilot.press("r")
    screen.query_one("#reply-text", TextArea).insert(text)
    await pilot.pause()
    return screen


async def _send(app: Any, pilot: Any, screen: TicketScreen) -> str:
    await pilot.press("ctrl+r")
    await app.workers.wait_for_complete()
    await pilot.pause()
    message = screen.query_one("#reply-message", Static)
    return str(message.render())


def _replies(server: Any, text: str) -> list[Any]:
    return [f for f in server.store.followups(DOMAIN) if text in f["content"]]


async def test_server_error_is_uncertain_keeps_the_text_and_sends_once(
    make_app: Any, fresh_helpdesk: Any
) -> None:
    """A 5xx answer to a write is uncertain (GLPI 11 saves a follow-up before its 500 page):
    the console says it could not check, keeps the text, and the next send looks first."""
    text = "Toujours en panne après redémarrage"
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _type_reply(app, pilot, text)
        fresh_helpdesk.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500",), seed=1))
        try:
            message = await _send(app, pilot, screen)
        finally:
            fresh_helpdesk.set_faults(None)
        assert message == (
            "The server did not confirm the reply and could not be checked. It is kept; "
            "sending again first checks whether it arrived."
        )
        assert "refused" not in message
        assert screen.query_one("#reply-message", Static).has_class("error-text")
        assert screen.query_one("#reply-text", TextArea).text == text
        assert _replies(fresh_helpdesk, text) == []

        assert await _send(app, pilot, screen) == "Reply sent."
        assert len(_replies(fresh_helpdesk, text)) == 1


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            Unreachable("Could not reach the server."),
            "The reply was not sent: Could not reach the server. Your text is kept; send it again.",
        ),
        (
            InvalidRequest("The server refused: Empty content."),
            "The server refused the reply: The server refused: Empty content. "
            "Your reply is kept as a draft.",
        ),
    ],
    ids=["unreachable", "refused"],
)
async def test_wording_follows_the_error_class(
    make_app: Any, fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch, error: Any, expected: str
) -> None:
    async def fail(*args: Any, **kwargs: Any) -> int:
        raise error

    text = "Une précision"
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _type_reply(app, pilot, text)
        monkeypatch.setattr(GlpiClient, "send_followup", fail)
        assert await _send(app, pilot, screen) == expected
        assert screen.query_one("#reply-text", TextArea).text == text
    assert _replies(fresh_helpdesk, text) == []
