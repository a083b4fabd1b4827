"""Toasts for what happens in the background: the support team changed the open ticket;
documents finished uploading. Errors that need an answer never become toasts.

Support's changes are made in the helpdesk's store as the technician, then the
ticket screen's auto refresh is run by calling its tick (no waiting on the timer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cebox_support.screens.documents import DocumentsScreen
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.screens.ticket import TicketScreen
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.tui.i18n import set_language
from cebox_support.tui.messages import NewTicket
from cebox_support.widgets.timeline import Timeline
from textual.notifications import Notification
from textual.widgets import Input, TextArea

from tests.conftest import screen_ready, settle, wait_for
from tests.screens.test_new_ticket import attach, fill_incident, form_screen

DOMAIN, SOLVED = 1, 2
"""Seeded demo tickets: in progress (requester post-only), solved awaiting approval."""
TECH = 4
PENDING = 4
"""GLPI status "Pending" (waiting for the customer)."""


def toasts(app: Any) -> list[Notification]:
    return list(app._notifications)


def texts(app: Any) -> list[str]:
    return [n.message for n in toasts(app)]


async def opened(pilot: Any) -> TicketScreen:
    await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen) and screen.detail is not None
    return screen


async def tick(pilot: Any, screen: TicketScreen) -> None:
    """What the auto-refresh timer does when it fires."""
    screen._refresh_tick()
    await settle(pilot)


def app_for(make_app: Any, server: Any, ticket: int, *, refresh_seconds: int = 60) -> Any:
    app = make_app(server=server, open_ticket=ticket)
    app.settings.refresh_seconds = refresh_seconds
    return app


def entry_texts(screen: TicketScreen) -> str:
    return " ".join(str(e.body()) for e in screen.query_one(Timeline).entries)


# -- the timer -----------------------------------------------------------------------------


async def test_auto_refresh_follows_the_configured_period(
    make_app: Any, fresh_helpdesk: Any
) -> None:
    async with app_for(make_app, fresh_helpdesk, DOMAIN, refresh_seconds=45).run_test() as pilot:
        screen = await opened(pilot)
        assert screen._auto is not None and screen._auto._interval == 45
    async with app_for(make_app, fresh_helpdesk, DOMAIN, refresh_seconds=0).run_test() as pilot:
        screen = await opened(pilot)
        assert screen._auto is None


# -- support's changes -----------------------------------------------------------------------


async def test_new_follow_up_from_support(make_app: Any, fresh_helpdesk: Any) -> None:
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test() as pilot:
        screen = await opened(pilot)
        await tick(pilot, screen)
        assert toasts(pilot.app) == []  # nothing changed yet

        fresh_helpdesk.store.add_followup(
            DOMAIN, user_id=TECH, content="<p>[bold]Redémarrez[/bold] la ceBox.</p>"
        )
        await tick(pilot, screen)

        [toast] = toasts(pilot.app)
        assert toast.message == "Ticket #1 was updated by the support team: 1 new follow-up."
        assert toast.title == "Ticket updated"
        assert toast.markup is False
        assert toast.severity == "information"
        assert "[bold]Redémarrez[/bold] la ceBox." in entry_texts(screen)


async def test_solution_proposed_by_support(make_app: Any, fresh_helpdesk: Any) -> None:
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test() as pilot:
        screen = await opened(pilot)
        assert not screen.check_action("approve", ())
        fresh_helpdesk.store.add_solution(DOMAIN, user_id=TECH, content="<p>Règle ajoutée.</p>")
        fresh_helpdesk.store.add_followup(DOMAIN, user_id=TECH, content="<p>Voir solution.</p>")
        await tick(pilot, screen)

        assert texts(pilot.app) == [
            "Ticket #1 was updated by the support team: 1 new follow-up, "
            "a solution awaits your approval."
        ]
        assert screen.check_action("approve", ())


async def test_status_change_by_support(make_app: Any, fresh_helpdesk: Any) -> None:
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test() as pilot:
        await opened(pilot)
        fresh_helpdesk.store.update_row("glpi_tickets", DOMAIN, {"status": PENDING})
        await pilot.press("f5")  # the manual refresh announces the same way
        await settle(pilot)
        assert texts(pilot.app) == ["Ticket #1 was updated by the support team: status: Pending."]


async def test_announced_in_french(make_app: Any, fresh_helpdesk: Any) -> None:
    set_language("fr")
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test() as pilot:
        screen = await opened(pilot)
        for _ in range(2):
            fresh_helpdesk.store.add_followup(DOMAIN, user_id=TECH, content="<p>Relance.</p>")
        await tick(pilot, screen)
        [toast] = toasts(pilot.app)
        assert toast.title == "Ticket mis à jour"
        assert toast.message == (
            "Le ticket #1 a été mis à jour par l'équipe support : 2 nouveaux suivis."
        )


async def test_my_own_reply_is_not_announced(make_app: Any, fresh_helpdesk: Any) -> None:
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test() as pilot:
        screen = await opened(pilot)
        await pilot.press("r", *"Merci")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert fresh_helpdesk.store.followups(DOMAIN)[-1]["users_id"] == 3
        await tick(pilot, screen)
        await tick(pilot, screen)
        assert toasts(pilot.app) == []


async def test_refresh_keeps_the_reply_being_typed(make_app: Any, fresh_helpdesk: Any) -> None:
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("r", *"Je regarde ")
        area = screen.query_one("#reply-text", TextArea)
        fresh_helpdesk.store.add_followup(DOMAIN, user_id=TECH, content="<p>Des nouvelles ?</p>")
        await tick(pilot, screen)
        await pilot.press(*"ce soir")

        assert len(toasts(pilot.app)) == 1
        assert "Des nouvelles ?" in entry_texts(screen)
        assert pilot.app.focused is area
        assert area.text == "Je regarde ce soir"
        await pilot.press("escape", "escape")  # leave the box, then the ticket
        await pilot.pause()
        assert pilot.app.workspace.drafts.load(f"reply-{DOMAIN}")["text"] == "Je regarde ce soir"


async def test_no_refresh_under_a_modal(make_app: Any, fresh_helpdesk: Any) -> None:
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test() as pilot:
        screen = await opened(pilot)
        await pilot.press("d")
        await wait_for(lambda: isinstance(pilot.app.screen, DocumentsScreen))
        fresh_helpdesk.store.add_followup(DOMAIN, user_id=TECH, content="<p>Nouveau.</p>")
        requests = len(fresh_helpdesk.request_log)
        await tick(pilot, screen)
        assert len(fresh_helpdesk.request_log) == requests
        assert toasts(pilot.app) == []
        await pilot.press("escape")
        await pilot.pause()
        await tick(pilot, screen)
        assert len(toasts(pilot.app)) == 1


async def test_refresh_error_is_a_warning_not_a_question(
    make_app: Any, fresh_helpdesk: Any
) -> None:
    """A failed background refresh needs no answer: a warning toast, the ticket stays."""
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test() as pilot:
        screen = await opened(pilot)
        fresh_helpdesk.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500",)))
        await tick(pilot, screen)
        fresh_helpdesk.set_faults(None)
        assert pilot.app.screen is screen
        assert [n.severity for n in toasts(pilot.app)] == ["warning"]
        assert screen.detail is not None and screen.detail.ticket.id == DOMAIN


# -- uploads -----------------------------------------------------------------------------------


async def test_reply_with_documents_says_they_are_uploaded(
    make_app: Any, fresh_helpdesk: Any, tmp_path: Path
) -> None:
    files = [tmp_path / "a.txt", tmp_path / "b.csv"]
    for f in files:
        f.write_text("ping\n", encoding="utf-8")
    async with app_for(make_app, fresh_helpdesk, DOMAIN).run_test() as pilot:
        screen = await opened(pilot)
        await pilot.press("r", *"Deux fichiers")
        path_input = screen.query_one(".attachments-path", Input)
        for f in files:
            path_input.focus()
            path_input.value = str(f)
            await pilot.press("enter")
        await pilot.press("ctrl+r")
        await settle(pilot)

        names = [d["filename"] for d in fresh_helpdesk.store.documents(DOMAIN)]
        assert {"a.txt", "b.csv"} <= set(names)
        [toast] = [n for n in toasts(pilot.app) if n.title == "Upload finished"]
        assert toast.message == "2 documents uploaded"
        await tick(pilot, screen)
        assert [n.title for n in toasts(pilot.app)] == ["Upload finished"]


async def test_new_ticket_with_documents_says_they_are_uploaded(
    make_app: Any, fresh_helpdesk: Any, tmp_path: Path
) -> None:
    log = tmp_path / "qgaAgent.txt"
    log.write_text("join failed\n", encoding="utf-8")
    app = make_app(server=fresh_helpdesk)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.route(NewTicket("incident"))
        await screen_ready(pilot, NewTicketScreen)
        await fill_incident(pilot)
        attach(app, log)
        form_screen(app).action_submit()
        await wait_for(lambda: isinstance(app.screen, TicketScreen))
        await settle(pilot)

        ticket_id = app.screen.ticket_id
        assert [d["filename"] for d in fresh_helpdesk.store.documents(ticket_id)] == [log.name]
        assert texts(app) == [f"Ticket {ticket_id} created.", "1 document uploaded"]
