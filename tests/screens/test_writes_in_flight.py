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
from cebox_support.tui.drafts import Drafts
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.tui.messages import NewTicket
from cebox_support.tui.reply import reply_digest, reply_key
from cebox_support.widgets.reply_box import ReplyBox
from textual.widgets import Static, TextArea

from tests.conftest import screen_ready
from tests.helpers import stub_dashboard
from tests.screens.test_new_ticket import fill_incident
from tests.screens.test_ticket import DOMAIN, build_app, opened, settle, type_reply

FOLLOWUP_POST = "POST /apirest.php/ITILFollowup"
TICKET_POST = "POST /apirest.php/Ticket"


def sent(server: Any, text: str) -> list[Any]:
    return [f for f in server.store.followups(DOMAIN) if text in f["content"]]


@pytest.fixture(autouse=True)
def no_quiet_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)
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
        await asyncio.to_thread(fresh_helpdesk.release)
        await settle(pilot)
        assert "Reply sent" in str(screen.query_one("#reply-message", Static).render())
        assert drafts.load(reply_key(DOMAIN)) is None
        assert drafts.in_flight(reply_key(DOMAIN)) == []
    assert len(sent(fresh_helpdesk, text)) == 1


async def test_new_ticket_is_on_disk_while_its_create_is_in_flight(
    make_app: Any, fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_dashboard(monkeypatch, ticket=True)
    fresh_helpdesk.set_faults(FaultConfig(hold=(TICKET_POST,), hold_after=False))
    app = make_app(server=fresh_helpdesk)
    drafts = app.workspace.drafts
    key = draft_key("incident")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.route(NewTicket("incident"))
        await screen_ready(pilot, NewTicketScreen)
        await fill_incident(pilot, title="Créé en vol")
        assert drafts.load(key) is None  # no quiet-typing save yet
        await pilot.press("ctrl+r")
        assert await asyncio.to_thread(fresh_helpdesk.wait_held)
        saved = drafts.load(key)
        assert saved is not None and saved["answers"]["title"] == "Créé en vol"
        (record,) = drafts.in_flight(key)
        assert record.stored and record.content["name"] == "Créé en vol"
        assert record.since is not None
        await asyncio.to_thread(fresh_helpdesk.release)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, NewTicketScreen)
        assert drafts.load(key) is None and drafts.in_flight(key) == []
    rows = fresh_helpdesk.store.query(
        "SELECT id FROM glpi_tickets WHERE name = ?", ("Créé en vol",)
    )
    assert len(rows) == 1


# -- issue 24 item 3: the console killed in flight, then started again ---------------------


def record_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    real = ReplyBox.say

    def say(self: ReplyBox, text: str, *, error: bool = False) -> None:
        said.append(text)
        real(self, text, error=error)

    monkeypatch.setattr(ReplyBox, "say", say)
    return said


@pytest.mark.parametrize("after", [True, False], ids=["saved-then-killed", "killed-before-saving"])
async def test_console_killed_in_flight_checks_on_restart_and_posts_once(
    fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch, after: bool
) -> None:
    fresh_helpdesk.set_faults(FaultConfig(hold=(FOLLOWUP_POST,), hold_after=after))
    text = "Envoyée puis coupée"
    first = await build_app(fresh_helpdesk, ticket=DOMAIN)
    async with first.run_test() as pilot:
        await opened(pilot)
        await type_reply(pilot, text)
        await pilot.press("ctrl+r")
        assert await asyncio.to_thread(fresh_helpdesk.wait_held)
    # The console is gone (its worker cancelled mid-request, as kill -9 would leave it).
    await asyncio.to_thread(fresh_helpdesk.release)  # over on the server when it returns
    saved = len(sent(fresh_helpdesk, text)) == 1
    assert saved or not after  # held before saving, a server may still save it

    said = record_messages(monkeypatch)
    again = await build_app(fresh_helpdesk, ticket=DOMAIN)
    drafts = again.workspace.drafts
    async with again.run_test() as pilot:
        screen = await opened(pilot)
        await settle(pilot)
        assert "Maybe already sent — checking…" in said
        box = screen.query_one("#reply-text", TextArea)
        if saved:
            assert said[-1] == "Already received by the server: it was not sent again."
            assert box.text == "" and drafts.load(reply_key(DOMAIN)) is None
            await pilot.press("r", "ctrl+r")  # nothing left to send
            await settle(pilot)
        else:
            assert "Not received by the server" in said[-1] and box.text == text
            await pilot.press("r", "ctrl+r")
            await settle(pilot)
            assert "Reply sent" in str(screen.query_one("#reply-message", Static).render())
        assert drafts.in_flight(reply_key(DOMAIN)) == []
    assert len(sent(fresh_helpdesk, text)) == 1


# -- issue 24 item 6: two consoles on one ticket --------------------------------------------


async def test_sending_leaves_the_text_another_console_saved_since(fresh_helpdesk: Any) -> None:
    """Console A sends "Première"; console B (another process, same draft file) has
    saved a longer text meanwhile: B's text stays on disk, A's sent one is gone."""
    app = await build_app(fresh_helpdesk, ticket=DOMAIN)
    drafts = app.workspace.drafts
    other = Drafts(
        app.workspace.profile_name, server=drafts.server, account=drafts.account
    )  # the same folder, as console B sees it
    async with app.run_test() as pilot:
        screen = await opened(pilot)
        await type_reply(pilot, "Première")
        await pilot.press("ctrl+r")  # A's draft is written, then the reply leaves
        other.save(reply_key(DOMAIN), {"text": "Première, et la suite", "attachments": []})
        await settle(pilot)
        await pilot.pause(0.6)  # A's emptied box has had time to save itself
        assert "Reply sent" in str(screen.query_one("#reply-message", Static).render())
        assert other.load(reply_key(DOMAIN)) == {
            "text": "Première, et la suite",
            "attachments": [],
        }
    assert other.load(reply_key(DOMAIN)) is not None  # leaving A does not delete it either


async def test_server_form_is_on_disk_while_its_answers_are_in_flight(
    make_app: Any, fresh_fc_helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Formcreator: the form's draft and the answers' in-flight record, while held."""
    from cebox_support.tui.api.formcreator import _CACHE
    from cebox_support.tui.submission import server_form_key

    from tests.screens.test_server_forms import GOOD, fill, open_incident

    stub_dashboard(monkeypatch, ticket=True)
    _CACHE.clear()
    server = fresh_fc_helpdesk
    server.set_faults(
        FaultConfig(hold=("POST /apirest.php/PluginFormcreatorFormAnswer",), hold_after=False)
    )
    app = make_app(server=server)
    drafts = app.workspace.drafts
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        fill(screen, **{**GOOD, "Titre": "Formulaire en vol"})
        await pilot.pause()
        assert drafts.load(screen.key) is None  # no quiet-typing save yet
        await pilot.press("ctrl+r")
        assert await asyncio.to_thread(server.wait_held)
        saved = drafts.load(screen.key)
        assert saved is not None and "Formulaire en vol" in saved["answers"].values()
        assert screen.server_form is not None
        (record,) = drafts.in_flight(server_form_key(screen.server_form.id))
        assert record.stored and record.since is not None
        await asyncio.to_thread(server.release)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert drafts.load(screen.key) is None
    rows = server.store.query("SELECT id FROM glpi_tickets WHERE name = ?", ("Formulaire en vol",))
    assert len(rows) == 1
