"""The dashboard while the link is down (the last copy under a banner) and the nudge
when support changed one of my tickets; a dedicated helpdesk, stopped mid-test."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from cebox_support.screens.dashboard import DashboardScreen
from cebox_support.tui.offline import OfflineCopies, offline_dir
from textual.widgets import Static

from tests.conftest import FROZEN_NOW, _start, settle, wait_for

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
COPY_TIME = datetime(2026, 11, 28, 9, 41)


@pytest.fixture
def server() -> Iterator[Any]:
    running = _start(demo=True)
    yield running
    running.stop()


def dashboard(app: Any) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen), screen
    return screen


def banner(app: Any) -> Static:
    return dashboard(app).query_one("#offline-banner", Static)


def seed_seen(since: datetime) -> None:
    from cebox_support.tui.config import state_dir

    path = state_dir() / "seen" / "test.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"since": since.astimezone().timestamp(), "tickets": {}}
    path.write_text(json.dumps(data), encoding="utf-8")


def pin_copy_time(when: datetime) -> None:
    """The copy's fetch time, fixed for the snapshots."""
    path = offline_dir("test") / "list-open.json"
    data = json.loads(path.read_text())
    data["fetched_at"] = when.astimezone().timestamp()
    path.write_text(json.dumps(data))


async def test_the_last_copy_under_a_banner_when_the_server_is_down(
    server: Any, make_app: Callable[..., Any]
) -> None:
    app = make_app(server=server)
    async with app.run_test() as pilot:
        await settle(pilot)
        online = [t.id for t in dashboard(app).table.loaded]
        assert online and banner(app).display is False
        assert (offline_dir("test") / "list-open.json").stat().st_mode & 0o777 == 0o600
        server.stop()
        await pilot.press("r")  # the refresh cannot reach the server: rows stay, marked
        await settle(pilot)
        assert banner(app).display is True
        assert "offline — copy of" in str(banner(app).render())
        assert [t.id for t in dashboard(app).table.loaded] == online


async def test_a_console_started_offline_shows_the_copy(
    server: Any, make_app: Callable[..., Any]
) -> None:
    app = make_app(server=server)
    async with app.run_test() as pilot:
        await settle(pilot)
        online = [t.id for t in dashboard(app).table.loaded]
    later = make_app(server=server)  # signed in while the server is up…
    server.stop()  # …then the link drops before the first page
    async with later.run_test() as pilot:
        await settle(pilot)
        assert [t.id for t in dashboard(later).table.loaded] == online
        assert banner(later).display is True
        assert "draft" in str(banner(later).render())


async def test_a_console_opened_while_the_server_is_down_starts_on_the_copy(
    server: Any, make_app: Callable[..., Any]
) -> None:
    """No sign-in is possible, but a cached session and the copies (with who I am) open
    the console on the last list, marked, instead of a login form that can only fail."""
    from cebox_support.tui.session import save_session

    app = make_app(server=server)
    async with app.run_test() as pilot:
        await settle(pilot)
        online = [t.id for t in dashboard(app).table.loaded]
        app.workspace.keep_session = True  # what a real sign-in leaves: the 0600 token file
        save_session(app.workspace)
    server.stop()
    later = make_app(server=server, logged_in=False)  # a new console, server down
    async with later.run_test() as pilot:
        await wait_for(lambda: isinstance(later.screen, DashboardScreen))
        await settle(pilot)
        assert [t.id for t in dashboard(later).table.loaded] == online
        assert banner(later).display is True
        assert later.workspace.me.login == "post-only"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_offline_dashboard(
    snap_compare: Any, make_app: Callable[..., Any], server: Any, size: tuple[int, int]
) -> None:
    from cebox_support.tui.api.models import TicketStatus, TicketSummary

    seed_seen(FROZEN_NOW - timedelta(hours=24))
    rows = [
        TicketSummary(
            id=n,
            name=name,
            status=status,
            date_mod=(FROZEN_NOW - timedelta(hours=n)).astimezone(),
        )
        for n, name, status in [
            (1, "CEBOX-ACME-042 : échec d'intégration au domaine", TicketStatus.ASSIGNED),
            (4, "Impression impossible sur l'imprimante du 2e", TicketStatus.WAITING),
            (5, "Demande de création de compte", TicketStatus.NEW),
        ]
    ]
    OfflineCopies("test", server.api_url).save_list("open", rows, len(rows))
    pin_copy_time(COPY_TIME)
    app = make_app(server=server)
    server.stop()

    async def run_before(pilot: Any) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_support_answer_nudges_and_my_look_does_not(
    server: Any, make_app: Callable[..., Any]
) -> None:
    seed_seen(FROZEN_NOW - timedelta(hours=24))
    app = make_app(server=server)
    app.settings.notify = "osc"
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = dashboard(app)
        assert screen.last_nudge == ""  # the first load is no news
        server.clock.set(FROZEN_NOW + timedelta(minutes=5))
        server.store.add_followup(1, user_id=4, content="<p>Redémarrez qemu-ga.</p>")
        await pilot.press("r")
        await settle(pilot)
        await wait_for(lambda: screen.last_nudge != "")
        assert screen.last_nudge.startswith("\x1b]9;ceBox: #1 ")
        assert "new answer" in screen.last_nudge

        # A change on a ticket I have looked at since is not news.
        screen.last_nudge = ""
        server.clock.set(FROZEN_NOW + timedelta(minutes=6))
        server.store.add_followup(4, user_id=4, content="<p>Vu.</p>")
        screen.workspace.seen.now = lambda: (FROZEN_NOW + timedelta(minutes=7)).astimezone()
        screen.workspace.seen.mark_seen(4)
        await pilot.press("r")
        await settle(pilot)
        assert screen.last_nudge == ""


# -- a ticket --------------------------------------------------------------------------


async def opened_ticket(pilot: Any) -> Any:
    from cebox_support.screens.ticket import TicketScreen

    await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
    await settle(pilot)
    return pilot.app.screen


async def test_a_ticket_opened_before_is_read_from_its_copy(
    server: Any, make_app: Callable[..., Any]
) -> None:
    from cebox_support.widgets.timeline import Timeline

    app = make_app(server=server, open_ticket=1)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened_ticket(pilot)
        online = [str(e.body()) for e in screen.query_one(Timeline).entries]
        assert online and screen.query_one("#offline-banner", Static).display is False
    later = make_app(server=server, open_ticket=1)
    server.stop()
    async with later.run_test(size=(100, 30)) as pilot:
        screen = await opened_ticket(pilot)
        assert [str(e.body()) for e in screen.query_one(Timeline).entries] == online
        shown = screen.query_one("#offline-banner", Static)
        assert shown.display is True and "offline — copy of" in str(shown.render())


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_offline_ticket(
    snap_compare: Any, make_app: Callable[..., Any], server: Any, size: tuple[int, int]
) -> None:
    import asyncio

    from cebox_support.tui.api.client import GlpiClient

    async def fetch() -> None:
        async with GlpiClient(server.api_url) as client:
            await client.login("post-only", "postonly")
            OfflineCopies("test", client.api_url).save_ticket(await client.get_ticket(1))
            await client.logout()

    asyncio.run(fetch())
    path = offline_dir("test") / "ticket-1.json"
    data = json.loads(path.read_text())
    data["fetched_at"] = COPY_TIME.astimezone().timestamp()
    path.write_text(json.dumps(data))
    app = make_app(server=server, open_ticket=1)
    server.stop()

    async def run_before(pilot: Any) -> None:
        await opened_ticket(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("gateway_status", [502, 503, 504])
async def test_a_gateway_error_with_the_server_down_shows_the_copy(
    server: Any, make_app: Callable[..., Any], gateway_status: int
) -> None:
    """A reverse proxy (tests/gateway.py) still answers once the helpdesk behind it is
    down, with its own 502/503/504 page: that is the server out of reach too."""
    from cebox_support.tui.session import save_session

    from tests.gateway import start_gateway

    gateway = start_gateway(server.base_url, gateway_status)
    try:
        app = make_app(server=gateway)
        async with app.run_test() as pilot:
            await settle(pilot)
            online = [t.id for t in dashboard(app).table.loaded]
            assert online and banner(app).display is False
            server.stop()
            await pilot.press("r")
            await settle(pilot)
            assert banner(app).display is True
            assert "offline — copy of" in str(banner(app).render())
            assert [t.id for t in dashboard(app).table.loaded] == online
            app.workspace.keep_session = True  # what a real sign-in leaves
            save_session(app.workspace)
        later = make_app(server=gateway, logged_in=False)  # opened while the gateway says so
        async with later.run_test() as pilot:
            await wait_for(lambda: isinstance(later.screen, DashboardScreen))
            await settle(pilot)
            assert [t.id for t in dashboard(later).table.loaded] == online
            assert banner(later).display is True
    finally:
        gateway.stop()


async def test_a_tab_never_opened_online_shows_its_rows_from_the_copy_of_all(
    server: Any, make_app: Callable[..., Any]
) -> None:
    app = make_app(server=server)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("5")  # All: its first page is copied
        await settle(pilot)
        every = {t.id: t.status for t in dashboard(app).table.loaded}
        server.stop()
        await pilot.press("4")  # Closed: never listed online
        await settle(pilot)
        assert banner(app).display is True
        closed = [t for t, status in every.items() if status == 6]
        assert closed and [t.id for t in dashboard(app).table.loaded] == closed
