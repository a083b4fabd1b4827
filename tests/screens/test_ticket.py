"""The ticket screen: thread, replies (with documents and drafts), approving and refusing.

Every write is checked on the embedded helpdesk's own data afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.documents import DocumentsScreen
from cebox_support.screens.refuse import RefuseScreen
from cebox_support.screens.ticket import TicketScreen
from cebox_support.tui.api.errors import Timeout
from cebox_support.tui.helpdesk.seed import LOG_GZ, LOG_NAME
from cebox_support.tui.messages import OpenTicket
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.timeline import Timeline, TimelineEntry
from textual.widgets import Input, OptionList, Static, TextArea

from tests.conftest import FROZEN_NOW, _start, frozen_now, settle, wait_for
from tests.helpers import stub_dashboard, thread_in_view

DOMAIN, SOLVED, CLOSED, OBSERVED = 1, 2, 3, 4
"""Seeded demo tickets (tui/helpdesk/seed.py): in progress, solved, closed, observer only."""

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


@pytest.fixture(params=["10.0", "11.0"])
def fresh_helpdesk(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The journeys that write (reply, approve, refuse, drafts, uncertain sends) on both
    GLPI versions; the read-only ones use the shared 10.0 helpdesk."""
    running = _start(demo=True, formcreator=False, glpi_version=request.param)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def stubbed_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)


def add_long_thread(helpdesk: Any) -> int:
    """A ticket with a long conversation, dated from the frozen clock (deterministic)."""
    store = helpdesk.store

    def ago(hours: float) -> str:
        return (FROZEN_NOW - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")

    ticket = store.create_ticket(
        name="Lenteurs sur toutes les ceBox du site de Lyon",
        content=(
            "<p>Depuis lundi, les sessions sont lentes sur les 12 ceBox du site.</p>"
            "<ul><li>Site : Lyon</li><li>Postes impactés : 12</li></ul>"
        ),
        requester_id=3,
        type=1,
        status=2,
        category_id=3,
        date=ago(96),
        assign_id=4,
    )
    for i in range(10):
        mine = i % 2 == 1
        store.add_followup(
            ticket,
            user_id=3 if mine else 4,
            content=(
                f"<p>Réponse client n°{i}: toujours lent ce matin.</p>"
                if mine
                else f"<p>Message du support n°{i}. Pouvez-vous relancer le test de débit ?</p>"
            ),
            date=ago(90 - i * 8),
        )
    store.add_document(ticket, filename="debit.txt", data=b"12 Mbit/s\n", user_id=3, date=ago(40))
    store.add_task(
        ticket, user_id=4, content="<p>Intervention planifiée sur le lien.</p>", date=ago(2)
    )
    return int(ticket)


async def build_app(
    server: Any, *, ticket: int, login: str = "post-only", password: str = "postonly"
) -> Any:
    """Like `make_app`, but signing in on the test's own loop (async tests)."""
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.config import LoadedSettings, Profile, Settings, config_path
    from cebox_support.tui.session import sign_in

    profile = Profile(url=server.api_url, login=login)
    settings = Settings(profiles={"test": profile}, default_profile="test")
    workspace = await sign_in("test", profile, password=password, cache_session=False)
    return CeboxApp(
        LoadedSettings(settings, config_path()),
        workspace=workspace,
        now=frozen_now,
        open_ticket=ticket,
    )


def ticket_screen(app: Any) -> TicketScreen:
    screen = app.screen
    assert isinstance(screen, TicketScreen), screen
    return screen


async def opened(pilot: Any) -> TicketScreen:
    await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
    await settle(pilot)
    screen = ticket_screen(pilot.app)
    assert screen.detail is not None
    return screen


async def type_reply(pilot: Any, text: str) -> None:
    await pilot.press("r")
    await pilot.press(*text)


def entry_texts(screen: TicketScreen) -> list[str]:
    return [str(e.body()) for e in screen.query_one(Timeline).entries]


# -- snapshots ---------------------------------------------------------------------


async def _loaded(pilot: Any) -> None:
    await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
    await settle(pilot)
    await wait_for(lambda: thread_in_view(pilot.app))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_long_thread(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    server = _start(demo=True, formcreator=False)  # one version: the pictures are the same
    try:
        ticket = add_long_thread(server)
        app = make_app(server=server, open_ticket=ticket)
        assert snap_compare(app, terminal_size=size, run_before=_loaded)
    finally:
        server.stop()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_solved_awaiting_approval(
    snap_compare: Any, make_app: Any, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(open_ticket=SOLVED), terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_closed(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(open_ticket=CLOSED), terminal_size=size, run_before=_loaded)


# -- reading --------------------------------------------------------------------------


async def test_thread_marks_my_messages_and_hides_private_ones(helpdesk: Any) -> None:
    async with (await build_app(helpdesk, ticket=DOMAIN)).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        entries = screen.query_one(Timeline).entries
        kinds = [e.item.kind.value for e in entries]
        assert kinds == ["description", "document", "followup", "followup", "task"]
        mine = [e for e in entries if e.has_class("mine")]
        assert {e.item.kind.value for e in mine} == {"description", "document", "followup"}
        assert all("You" in str(e.meta()) for e in mine)
        texts = " ".join(entry_texts(screen))
        assert "Note interne" not in texts and "Tâche privée" not in texts
        assert "qgaAgent.log" in texts


async def test_order_flips_and_link_is_copied(helpdesk: Any) -> None:
    async with (await build_app(helpdesk, ticket=DOMAIN)).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("s")
        await pilot.pause()
        first = screen.query_one(Timeline).entries[0]
        assert first.item.kind.value == "task"
        await pilot.press("c")
        assert pilot.app.clipboard == f"{helpdesk.base_url}/front/ticket.form.php?id={DOMAIN}"


async def test_reopening_shows_the_cached_ticket_and_marks_it_seen(helpdesk: Any) -> None:
    app = await build_app(helpdesk, ticket=DOMAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        assert DOMAIN in app.workspace.cache
        assert not app.workspace.seen.is_updated(
            DOMAIN, app.workspace.cache[DOMAIN].ticket.date_mod
        )
        await pilot.press("escape")
        await pilot.pause()
        app.route(OpenTicket(DOMAIN))
        await pilot.pause()
        assert not ticket_screen(app).query("LoadingIndicator")
        assert ticket_screen(app).detail is not None
        await settle(pilot)


async def test_hostile_text_is_shown_literally(fresh_helpdesk: Any) -> None:
    from cebox_support.tui.helpdesk.hostile import seed_hostile

    ticket = seed_hostile(fresh_helpdesk.store)[0]
    async with (await build_app(fresh_helpdesk, ticket=ticket)).run_test() as pilot:
        screen = await opened(pilot)
        title = str(screen.query_one("#ticket-title", Static).render())
        assert "[bold red]Rich markup[/]" in title
        assert any("[bold red]Rich markup[/]" in t for t in entry_texts(screen))


async def test_documents_modal_downloads_into_the_chosen_folder(
    helpdesk: Any, tmp_path: Path
) -> None:
    async with (await build_app(helpdesk, ticket=DOMAIN)).run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("d")
        modal = pilot.app.screen
        assert isinstance(modal, DocumentsScreen)
        assert modal.query_one("#documents-list", OptionList).option_count == 1
        folder = tmp_path / "saved"
        modal.query_one("#documents-folder", Input).value = str(folder)
        await pilot.press("d")
        await settle(pilot)
        assert (folder / LOG_NAME).read_bytes() == LOG_GZ
        assert "Saved" in str(modal.query_one("#documents-message", Static).render())
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, TicketScreen)


# -- replies ---------------------------------------------------------------------------


async def test_reply_with_a_document(fresh_helpdesk: Any, tmp_path: Path) -> None:
    store = fresh_helpdesk.store
    before = len(store.followups(DOMAIN))
    attached = tmp_path / "capture.txt"
    attached.write_bytes(b"ping 10.20.0.10: timeout\n")
    app = await build_app(fresh_helpdesk, ticket=DOMAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await type_reply(pilot, "Voici la capture.")
        path_input = screen.query_one(".attachments-path", Input)
        path_input.focus()
        path_input.value = str(attached)
        await pilot.press("enter")
        assert screen.query_one(AttachmentList).paths == [attached]
        await pilot.press("ctrl+r")
        await settle(pilot)

        followups = store.followups(DOMAIN)
        assert len(followups) == before + 1
        new = followups[-1]
        assert "Voici la capture." in new["content"] and new["users_id"] == 3
        linked = [d for d in store.documents(DOMAIN) if d["filename"] == "capture.txt"]
        assert len(linked) == 1
        assert (linked[0]["link_itemtype"], linked[0]["link_items_id"]) == (
            "ITILFollowup",
            new["id"],
        )
        assert store.document_data(linked[0]["id"]) == attached.read_bytes()

        assert screen.query_one("#reply-text", TextArea).text == ""
        assert screen.query_one(AttachmentList).paths == []
        assert "Voici la capture." in entry_texts(screen)
        assert any("capture.txt" in t for t in entry_texts(screen))
        assert app.workspace.drafts.load(f"reply-{DOMAIN}") is None


async def test_reply_appears_at_once_without_reloading(fresh_helpdesk: Any) -> None:
    async with (await build_app(fresh_helpdesk, ticket=DOMAIN)).run_test() as pilot:
        screen = await opened(pilot)
        count = len(screen.query(TimelineEntry))
        fresh_helpdesk.clear_log()
        await type_reply(pilot, "Merci !")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(screen.query(TimelineEntry)) == count + 1
        writes = [r for r in fresh_helpdesk.request_log if "ITILFollowup" in str(r)]
        assert len(writes) == 1
        assert len(fresh_helpdesk.request_log) == 1


async def test_empty_reply_is_refused_inline(fresh_helpdesk: Any) -> None:
    before = len(fresh_helpdesk.store.followups(DOMAIN))
    async with (await build_app(fresh_helpdesk, ticket=DOMAIN)).run_test() as pilot:
        screen = await opened(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Write a message" in str(screen.query_one("#reply-message", Static).render())
    assert len(fresh_helpdesk.store.followups(DOMAIN)) == before


async def test_reply_on_solved_ticket_warns_then_refuses_the_solution(fresh_helpdesk: Any) -> None:
    store = fresh_helpdesk.store
    before = len(store.followups(SOLVED))
    async with (await build_app(fresh_helpdesk, ticket=SOLVED)).run_test() as pilot:
        screen = await opened(pilot)
        notice = str(screen.query_one("#reply-notice", Static).render())
        assert "refuses the proposed solution" in notice
        await type_reply(pilot, "Toujours des coupures.")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert len(store.followups(SOLVED)) == before
        assert store.ticket(SOLVED)["status"] == 5

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert len(store.followups(SOLVED)) == before + 1
        assert store.ticket(SOLVED)["status"] == 2
        assert store.solutions(SOLVED)[-1]["status"] == 4
        assert screen.detail is not None and screen.detail.ticket.status.value == 2
        assert not screen.query_one("#ticket-approval").display


async def test_reply_draft_is_restored_after_reopening(fresh_helpdesk: Any) -> None:
    before = len(fresh_helpdesk.store.followups(DOMAIN))
    app = await build_app(fresh_helpdesk, ticket=DOMAIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await type_reply(pilot, "Brouillon en cours")
        await pilot.press("escape")
        assert ticket_screen(app).focused is ticket_screen(app).query_one(Timeline)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TicketScreen)
        assert app.workspace.drafts.load(f"reply-{DOMAIN}")["text"] == "Brouillon en cours"
        app.route(OpenTicket(DOMAIN))
        screen = await opened(pilot)
        assert screen.query_one("#reply-text", TextArea).text == "Brouillon en cours"
        assert "restored" in str(screen.query_one("#reply-message", Static).render())
    assert len(fresh_helpdesk.store.followups(DOMAIN)) == before


async def test_draft_is_saved_while_typing(fresh_helpdesk: Any) -> None:
    app = await build_app(fresh_helpdesk, ticket=DOMAIN)
    async with app.run_test() as pilot:
        await opened(pilot)
        await type_reply(pilot, "Sauvé")
        await wait_for(lambda: app.workspace.drafts.load(f"reply-{DOMAIN}") is not None)
        assert app.workspace.drafts.load(f"reply-{DOMAIN}")["text"] == "Sauvé"


async def test_closed_ticket_offers_no_reply_and_says_why(fresh_helpdesk: Any) -> None:
    before = len(fresh_helpdesk.store.followups(CLOSED))
    async with (await build_app(fresh_helpdesk, ticket=CLOSED)).run_test() as pilot:
        screen = await opened(pilot)
        notice = str(screen.query_one("#reply-notice", Static).render())
        assert "closed" in notice and "GLPI" in notice
        assert not screen.query_one("#reply-text", TextArea).display
        await pilot.press("r", "ctrl+r", "a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TicketScreen)
    assert len(fresh_helpdesk.store.followups(CLOSED)) == before


async def test_observer_is_not_offered_a_reply_box(fresh_helpdesk: Any) -> None:
    """GLPI refuses an observer's replies: no box that can only fail, and why, once."""
    app = await build_app(fresh_helpdesk, ticket=OBSERVED)
    async with app.run_test() as pilot:
        screen = await opened(pilot)
        notice = str(screen.query_one("#reply-notice", Static).render())
        assert "observer" in notice and screen.query_one("#reply-notice").display
        assert not screen.query_one("#reply-text", TextArea).display
        assert not screen.query_one("#reply-actions").display
        line = str(screen.query_one(KeyBar).render())
        assert " Reply " not in line and " Send " not in line
        await pilot.press("r", *"Je suis aussi concerné", "ctrl+r")
        await settle(pilot)
        assert screen.query_one("#reply-text", TextArea).text == ""
        assert str(screen.query_one("#reply-message", Static).render()) == ""
    assert fresh_helpdesk.store.followups(OBSERVED) == []


async def test_uncertain_send_that_arrived_is_not_sent_twice(fresh_helpdesk: Any) -> None:
    app = await build_app(fresh_helpdesk, ticket=DOMAIN)
    client = app.workspace.client
    real_add = client.send_followup

    async def flaky_add(ticket_id: int, text: str, attachments: Any = ()) -> Any:
        await real_add(ticket_id, text, attachments)
        raise Timeout("no answer", uncertain=True)

    client.send_followup = flaky_add
    before = len(fresh_helpdesk.store.followups(DOMAIN))
    async with app.run_test() as pilot:
        screen = await opened(pilot)
        await type_reply(pilot, "Une seule fois")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Reply sent" in str(screen.query_one("#reply-message", Static).render())
        assert "Une seule fois" in entry_texts(screen)
    assert len(fresh_helpdesk.store.followups(DOMAIN)) == before + 1


async def test_uncertain_send_that_was_lost_keeps_the_draft(fresh_helpdesk: Any) -> None:
    app = await build_app(fresh_helpdesk, ticket=DOMAIN)
    client = app.workspace.client
    real_add = client.send_followup
    calls = []

    async def lost_add(ticket_id: int, text: str, attachments: Any = ()) -> Any:
        calls.append(text)
        if len(calls) == 1:
            raise Timeout("no answer", uncertain=True)
        return await real_add(ticket_id, text, attachments)

    client.send_followup = lost_add
    before = len(fresh_helpdesk.store.followups(DOMAIN))
    async with app.run_test() as pilot:
        screen = await opened(pilot)
        await type_reply(pilot, "Perdu")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "did not arrive" in str(screen.query_one("#reply-message", Static).render())
        assert screen.query_one("#reply-text", TextArea).text == "Perdu"
        assert app.workspace.drafts.load(f"reply-{DOMAIN}")["text"] == "Perdu"
        assert len(fresh_helpdesk.store.followups(DOMAIN)) == before
        await pilot.press("ctrl+r")
        await settle(pilot)
    assert len(fresh_helpdesk.store.followups(DOMAIN)) == before + 1


# -- solution ---------------------------------------------------------------------------


async def test_approve_closes_the_ticket(fresh_helpdesk: Any) -> None:
    async with (await build_app(fresh_helpdesk, ticket=SOLVED)).run_test() as pilot:
        screen = await opened(pilot)
        approval = str(screen.query_one("#ticket-approval", Static).render())
        assert "awaiting your approval" in approval and "2026-12-04" in approval
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert fresh_helpdesk.store.ticket(SOLVED)["status"] == 6
        assert fresh_helpdesk.store.solutions(SOLVED)[-1]["status"] == 3
        assert screen.detail is not None and screen.detail.ticket.status.value == 6
        assert "closed" in str(screen.query_one("#reply-notice", Static).render())


async def test_approve_can_be_cancelled(fresh_helpdesk: Any) -> None:
    async with (await build_app(fresh_helpdesk, ticket=SOLVED)).run_test() as pilot:
        await opened(pilot)
        await pilot.press("a", "escape")
        await settle(pilot)
    assert fresh_helpdesk.store.ticket(SOLVED)["status"] == 5


async def test_refuse_needs_a_reason_then_reopens(fresh_helpdesk: Any) -> None:
    store = fresh_helpdesk.store
    before = len(store.followups(SOLVED))
    async with (await build_app(fresh_helpdesk, ticket=SOLVED)).run_test() as pilot:
        screen = await opened(pilot)
        await pilot.press("x")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, RefuseScreen)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert pilot.app.screen is modal
        message = modal.query_one("#refuse-message", Static)
        assert message.display and "reason" in str(message.render())
        assert len(store.followups(SOLVED)) == before

        await pilot.press(*"Coupure encore ce matin")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TicketScreen)
        assert store.ticket(SOLVED)["status"] in (1, 2)
        assert store.solutions(SOLVED)[-1]["status"] == 4
        assert "Coupure encore ce matin" in store.followups(SOLVED)[-1]["content"]
        assert screen.detail is not None and screen.detail.pending_solution is None


async def test_approval_ignored_by_glpi_is_shown(fresh_helpdesk: Any) -> None:
    """Recipient but not requester: GLPI answers 201 and does nothing; the client notices."""
    store = fresh_helpdesk.store
    ticket = store.create_ticket(
        name="Créé pour un autre", content="<p>x</p>", requester_id=5, recipient_id=3
    )
    store.add_solution(ticket, user_id=4, content="<p>Réglé</p>")
    async with (await build_app(fresh_helpdesk, ticket=ticket)).run_test() as pilot:
        await opened(pilot)
        await pilot.press("a", "y")
        await settle(pilot)
        from cebox_support.screens.error import ErrorScreen

        assert isinstance(pilot.app.screen, ErrorScreen)
        assert "requester" in pilot.app.screen.message
    assert store.ticket(ticket)["status"] == 5


async def test_editor_fills_the_reply_and_saves_the_draft(
    fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def fake_edit(app: Any, text: str, *, configured: str = "") -> str:
        seen.append(text)
        return text + " complété dans l'éditeur\n"

    monkeypatch.setattr("cebox_support.widgets.reply_box.edit_text", fake_edit)
    app = await build_app(fresh_helpdesk, ticket=DOMAIN)
    async with app.run_test() as pilot:
        screen = await opened(pilot)
        await type_reply(pilot, "Début")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert seen == ["Début"]
        assert screen.query_one("#reply-text", TextArea).text == "Début complété dans l'éditeur"
        draft = app.workspace.drafts.load(f"reply-{DOMAIN}")
        assert draft is not None and draft["text"] == "Début complété dans l'éditeur"


async def test_a_long_thread_is_whole_in_both_orders_and_opens_at_its_end(
    fresh_helpdesk: Any,
) -> None:
    """The newest entries are mounted first and the older ones after the first paint:
    in the end every item is there, in order, and the view is at the newest end."""
    store = fresh_helpdesk.store
    ticket = store.create_ticket(name="Fil", content="<p>Début</p>", requester_id=3)
    for i in range(40):
        store.add_followup(ticket, user_id=4 if i % 2 else 3, content=f"<p>Message {i}</p>")
    async with (await build_app(fresh_helpdesk, ticket=ticket)).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await wait_for(lambda: thread_in_view(pilot.app))
        timeline = screen.query_one(Timeline)
        texts = entry_texts(screen)
        assert len(texts) == 41
        assert texts[0] == "Début" and texts[1:] == [f"Message {i}" for i in range(40)]
        assert timeline.max_scroll_y > 0 and timeline.scroll_y == timeline.max_scroll_y
        await pilot.press("s")
        await settle(pilot)
        await wait_for(lambda: thread_in_view(pilot.app))
        assert entry_texts(screen) == list(reversed(texts))
        assert timeline.scroll_y == 0
        await pilot.press("s")
        await settle(pilot)
        await wait_for(lambda: thread_in_view(pilot.app))
        assert entry_texts(screen) == texts
