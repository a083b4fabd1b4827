"""Issue 28 item 1, issue 24 item 3 in the console: what is being sent is on disk while
the helpdesk holds the write, before any answer — the draft and its in-flight record.

The quiet-typing saves are pushed an hour away, so only the save before sending can
have written the draft: without it these tests fail.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from cebox_support.screens.new_ticket import NewTicketScreen, draft_key
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.tui.messages import NewTicket
from cebox_support.tui.reply import reply_digest, reply_key
from textual.widgets import Static

from tests.screens.test_new_ticket import fill_incident
from tests.screens.test_ticket import DOMAIN, build_app, opened, settle, type_reply

FOLLOWUP_POST = "POST /apirest.php/ITILFollowup"
TICKET_POST = "POST /apirest.php/Ticket"


@pytest.fixture(autouse=True)
def no_quiet_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cebox_support.widgets.reply_box.DRAFT_DELAY", 3600)
    monkeypatch.setattr("cebox_support.screens.new_ticket.SAVE_DELAY", 3600)


@pytest.mark.parametrize("after", [False, True], ids=["held-before-saving", "held-after-saving"])
async def test_reply_is_on_disk_while_its_send_is_in_flight(
    fresh_helpdesk: Any, after: bool
) -> None:
    fresh_helpdesk.set_faults(FaultConfig(hold=(FOLLOWUP_POST,), hold_after=after))
    app = await build_app(fresh_helpdesk, ticket=DOMAIN)
    drafts = app.workspace.drafts
    text = "Réponse en vol"
    async with app.run_test() as pilot:
        screen = await opened(pilot)
        await type_reply(pilot, text)
        assert drafts.load(reply_key(DOMAIN)) is None  # no quiet-typing save yet
        await pilot.press("ctrl+r")
        assert await asyncio.to_thread(fresh_helpdesk.wait_held)
        saved = drafts.load(reply_key(DOMAIN))
        assert saved is not None and saved["text"] == text
        (record,) = drafts.in_flight(reply_key(DOMAIN))
        assert record.stored and record.digest == reply_digest(DOMAIN, text)
        assert record.server == fresh_helpdesk.api_url and record.since is not None
        fresh_helpdesk.release()
        await settle(pilot)
        assert "Reply sent" in str(screen.query_one("#reply-message", Static).render())
        assert drafts.load(reply_key(DOMAIN)) is None
        assert drafts.in_flight(reply_key(DOMAIN)) == []
    sent = [f for f in fresh_helpdesk.store.followups(DOMAIN) if text in f["content"]]
    assert len(sent) == 1


async def test_new_ticket_is_on_disk_while_its_create_is_in_flight(
    make_app: Any, fresh_helpdesk: Any
) -> None:
    fresh_helpdesk.set_faults(FaultConfig(hold=(TICKET_POST,), hold_after=False))
    app = make_app(server=fresh_helpdesk)
    drafts = app.workspace.drafts
    key = draft_key("incident")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.route(NewTicket("incident"))
        await pilot.pause()
        await fill_incident(pilot, title="Créé en vol")
        assert drafts.load(key) is None  # no quiet-typing save yet
        await pilot.press("ctrl+r")
        assert await asyncio.to_thread(fresh_helpdesk.wait_held)
        saved = drafts.load(key)
        assert saved is not None and saved["answers"]["title"] == "Créé en vol"
        (record,) = drafts.in_flight(key)
        assert record.stored and record.content["name"] == "Créé en vol"
        assert record.since is not None
        fresh_helpdesk.release()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, NewTicketScreen)
        assert drafts.load(key) is None and drafts.in_flight(key) == []
    rows = fresh_helpdesk.store.query(
        "SELECT id FROM glpi_tickets WHERE name = ?", ("Créé en vol",)
    )
    assert len(rows) == 1
