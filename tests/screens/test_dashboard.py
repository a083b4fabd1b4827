"""The dashboard and the "go to ticket" box: snapshots, every key, and paging at 10,000 tickets."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from cebox_support.screens.dashboard import DashboardScreen
from cebox_support.screens.goto import GotoScreen
from cebox_support.screens.help import HelpScreen
from cebox_support.tui.api.models import TicketFilter, TicketStatus
from cebox_support.tui.config import state_dir
from cebox_support.widgets.filter_tabs import FilterTabs
from cebox_support.widgets.ticket_table import PAGE, WINDOW, TicketTable
from textual.coordinate import Coordinate
from textual.widgets import Input, Static

from tests.conftest import FROZEN_NOW, settle, wait_for

SIZES = [(80, 24), (120, 40), (160, 48)]
SIZE_IDS = ["80x24", "120x40", "160x48"]


def seed_seen(since_hours_ago: float, seen: dict[int, float] | None = None) -> None:
    """What "since I last looked" means for the test profile, on the frozen clock."""
    since = (FROZEN_NOW - timedelta(hours=since_hours_ago)).astimezone().timestamp()
    path = state_dir() / "seen" / "test.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tickets = {str(k): v for k, v in (seen or {}).items()}
    path.write_text(json.dumps({"since": since, "tickets": tickets}), encoding="utf-8")


def dashboard(app: Any) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen), screen
    return screen


def table(app: Any) -> TicketTable:
    return dashboard(app).query_one("#tickets", TicketTable)


def ids(app: Any) -> list[int]:
    return [t.id for t in table(app).loaded]


def current_id(t: TicketTable) -> int:
    ticket = t.current()
    assert ticket is not None
    return ticket.id


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def searches(server: Any) -> int:
    return sum(1 for e in server.request_log if e.path.endswith("/search/Ticket"))


def stored_ids(server: Any, statuses: tuple[int, ...], user_id: int = 3) -> list[int]:
    """My tickets in the store, last update first: what the list must show."""
    rows = server.store.query(
        "SELECT t.id FROM glpi_tickets t WHERE t.is_deleted = 0 AND t.status IN ("
        + ",".join("?" * len(statuses))
        + ") AND EXISTS (SELECT 1 FROM glpi_tickets_users u WHERE u.tickets_id = t.id"
        " AND u.users_id = ? AND u.type IN (1, 3)) ORDER BY t.date_mod DESC, t.id DESC",
        (*statuses, user_id),
    )
    return [int(r["id"]) for r in rows]


# -- snapshots -------------------------------------------------------------------------


async def _ready(pilot: Any) -> None:
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_dashboard(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    seed_seen(since_hours_ago=24)
    assert snap_compare(make_app(), terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("key", ["2", "3", "4", "5"], ids=["approval", "solved", "closed", "all"])
def test_snapshot_filters(snap_compare: Any, make_app: Callable[..., Any], key: str) -> None:
    seed_seen(since_hours_ago=24)

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES[:2], ids=SIZE_IDS[:2])
def test_snapshot_goto_error(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    seed_seen(since_hours_ago=24)

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"9999", "enter")
        await settle(pilot)
        pilot.app.screen.query_one("#goto-input", Input).cursor_blink = False

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


# -- the list --------------------------------------------------------------------------


async def test_shows_my_open_tickets_newest_first_with_counts(
    make_app: Callable[..., Any], helpdesk: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        assert ids(app) == stored_ids(helpdesk, (1, 2, 3, 4))
        assert screen.sub_title == "test — " + app.workspace.me.name
        assert app.workspace.me.name
        tabs = screen.query_one("#filters", FilterTabs)
        assert tabs.counts[TicketFilter.ALL] == len(stored_ids(helpdesk, (1, 2, 3, 4, 5, 6)))
        assert tabs.counts[TicketFilter.OPEN] == len(ids(app))
        assert f"({tabs.counts[TicketFilter.OPEN]})" in str(tabs.query_one("#filter-open").render())
        assert table(app).has_focus
        assert "1 of" in text_of(app, "#status-line")


async def test_filter_keys_and_arrows(make_app: Callable[..., Any], helpdesk: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        expected = {
            "1": (1, 2, 3, 4),
            "2": (5,),
            "3": (5,),
            "4": (6,),
            "5": (1, 2, 3, 4, 5, 6),
        }
        for key, statuses in expected.items():
            await pilot.press(key)
            await settle(pilot)
            assert ids(app) == stored_ids(helpdesk, statuses), key
        assert dashboard(app).filter is TicketFilter.ALL
        await pilot.press("right")
        await settle(pilot)
        assert dashboard(app).filter is TicketFilter.OPEN
        await pilot.press("left", "left")
        await settle(pilot)
        assert dashboard(app).filter is TicketFilter.CLOSED
        assert {t.status for t in table(app).loaded} == {TicketStatus.CLOSED}


async def test_sort_keys(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "s")
        await settle(pilot)
        assert (dashboard(app).sort_key, dashboard(app).descending) == ("id", True)
        assert ids(app) == sorted(ids(app), reverse=True)
        await pilot.press("S")
        await settle(pilot)
        assert ids(app) == sorted(ids(app))
        await pilot.press("s")
        await settle(pilot)
        names = [t.name for t in table(app).loaded]
        assert dashboard(app).sort_key == "name" and names == sorted(names, key=str.casefold)
        assert "Title" in text_of(app, "#status-line")


async def test_vi_keys_and_arrows_move_the_cursor(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        t = table(app)
        await pilot.press("j", "j")
        assert t.cursor_row == 2
        await pilot.press("k")
        assert t.cursor_row == 1
        await pilot.press("down", "up", "up")
        assert t.cursor_row == 0
        await pilot.press("end")
        assert t.cursor_row == len(ids(app)) - 1
        await pilot.press("home")
        assert t.cursor_row == 0
        assert f"#{ids(app)[0]}" in text_of(app, "#status-line")


async def test_search_with_slash_and_escape(make_app: Callable[..., Any], helpdesk: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "slash")
        search = dashboard(app).query_one("#search", Input)
        assert search.has_focus
        await pilot.press(*"VPN", "enter")
        await settle(pilot)
        assert ids(app) == [4]
        assert table(app).has_focus
        # The description is searched too.
        await pilot.press("slash", "ctrl+u", *"qgaAgent", "enter")
        await settle(pilot)
        assert ids(app) == [1]
        await pilot.press("slash", "ctrl+u", *"zzzz-nothing")
        await wait_for(lambda: dashboard(app).text == "zzzz-nothing")
        await settle(pilot)
        assert table(app).total == 0 and table(app).has_class("-empty")
        assert "zzzz-nothing" in text_of(app, "#empty")
        await pilot.press("escape")
        assert table(app).has_focus and search.value == "zzzz-nothing"
        await pilot.press("escape")
        await settle(pilot)
        assert search.value == "" and dashboard(app).text == ""
        assert ids(app) == stored_ids(helpdesk, (1, 2, 3, 4, 5, 6))
        assert table(app).has_focus


async def test_search_text_is_not_markup(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"[bold]x[/]", "enter")
        await settle(pilot)
        assert "[bold]x[/]" in text_of(app, "#empty")


# -- opening ---------------------------------------------------------------------------


def intercept(
    monkeypatch: pytest.MonkeyPatch, kind: type[Any], field: str, calls: list[Any]
) -> None:
    """Requests of `kind` reaching the app are recorded (their `field`) instead of routed."""
    from cebox_support.tui.app import CeboxApp

    post = CeboxApp.post_message

    def post_message(self: CeboxApp, message: Any) -> bool:
        if isinstance(message, kind):
            calls.append(getattr(message, field))
            return True
        return post(self, message)

    monkeypatch.setattr(CeboxApp, "post_message", post_message)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from cebox_support.tui.messages import OpenTicket

    calls: list[int] = []
    intercept(monkeypatch, OpenTicket, "ticket_id", calls)
    return calls


async def test_enter_opens_the_ticket_and_clears_its_mark(
    make_app: Callable[..., Any], fresh_helpdesk: Any, opened: list[int]
) -> None:
    seed_seen(since_hours_ago=24)
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = table(app).loaded[0]
        assert app.workspace.seen.is_updated(first.id, first.date_mod)
        assert str(table(app).get_cell_at(Coordinate(0, 0)).plain) == "●"
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [first.id]
        assert not app.workspace.seen.is_updated(first.id, first.date_mod)
        assert str(table(app).get_cell_at(Coordinate(0, 0)).plain) == ""


async def test_goto_box_errors_then_opens(
    make_app: Callable[..., Any], helpdesk: Any, opened: list[int]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        box = app.screen
        assert isinstance(box, GotoScreen)

        async def submit(text: str) -> str:
            field = box.query_one("#goto-input", Input)
            field.value = text
            await pilot.press("enter")
            await settle(pilot)
            return box.error if box.is_attached else ""

        assert "ticket number" in await submit("hello")
        assert "9999" in await submit("9999")
        # Ticket 7 exists but post-only is not one of its actors.
        assert "may not see it" in await submit("#7")
        error = await submit("https://elsewhere.example/front/ticket.form.php?id=2")
        assert "elsewhere.example" in error and "127.0.0.1" in error
        assert app.screen is box and opened == []
        link = f"{helpdesk.base_url}/front/ticket.form.php?id=2&forcetab=Ticket$main"
        await submit(link)
        assert opened == [2]
        assert isinstance(app.screen, DashboardScreen)


async def test_goto_escape_cancels(make_app: Callable[..., Any], opened: list[int]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"2", "escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and opened == []


async def test_n_new_ticket_help_and_quit(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cebox_support.tui.messages import NewTicket

    forms: list[str | None] = []
    intercept(monkeypatch, NewTicket, "form_id", forms)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert forms == [None]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0


# -- refresh ---------------------------------------------------------------------------


async def test_r_refreshes_rows_and_counts(
    make_app: Callable[..., Any], fresh_helpdesk: Any
) -> None:
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = dashboard(app).counts[TicketFilter.OPEN]
        new_id = fresh_helpdesk.store.create_ticket(
            name="Nouveau ticket [red]rouge[/]", content="<p>x</p>", requester_id=3
        )
        await pilot.press("r")
        await settle(pilot)
        assert ids(app)[0] == new_id
        assert table(app).loaded[0].name == "Nouveau ticket [red]rouge[/]"
        assert dashboard(app).counts[TicketFilter.OPEN] == before + 1


async def test_returning_from_a_ticket_refreshes(
    make_app: Callable[..., Any], fresh_helpdesk: Any
) -> None:
    from textual.screen import Screen

    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(Screen())
        await pilot.pause()
        new_id = fresh_helpdesk.store.create_ticket(
            name="Créé pendant la lecture", content="<p>x</p>", requester_id=3
        )
        app.pop_screen()
        await settle(pilot)
        assert ids(app)[0] == new_id


async def test_auto_refresh(make_app: Callable[..., Any], fresh_helpdesk: Any) -> None:
    app = make_app(server=fresh_helpdesk)
    app.settings.refresh_seconds = 1
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        new_id = fresh_helpdesk.store.create_ticket(
            name="Arrivé tout seul", content="<p>x</p>", requester_id=3
        )
        await wait_for(lambda: bool(ids(app)) and ids(app)[0] == new_id)


async def test_empty_state_says_what_to_do(
    make_app: Callable[..., Any], fresh_helpdesk: Any
) -> None:
    fresh_helpdesk.store.add_user("newbie", "newbie-pw", profile="Self-Service")
    app = make_app(server=fresh_helpdesk, login="newbie", password="newbie-pw")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert table(app).has_class("-empty")
        assert "press n to declare an incident" in text_of(app, "#empty")
        await pilot.press("2")
        await settle(pilot)
        assert "press n to declare an incident" in text_of(app, "#empty")


async def test_empty_filters_say_what_to_do(
    make_app: Callable[..., Any], fresh_helpdesk: Any
) -> None:
    fresh_helpdesk.store.update_row("glpi_tickets", 2, {"status": 6})
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "waiting for your approval" in text_of(app, "#empty")
        await pilot.press("3")
        await settle(pilot)
        assert "“Solved”" in text_of(app, "#empty") and "Press 5" in text_of(app, "#empty")
        await pilot.press("1")
        await settle(pilot)
        assert not table(app).has_class("-empty") and ids(app) and table(app).has_focus


# -- 10,000 tickets --------------------------------------------------------------------


async def test_ten_thousand_tickets_page_through_the_server(
    make_app: Callable[..., Any], fresh_helpdesk: Any
) -> None:
    fresh_helpdesk.store.bulk_tickets(3, 10_000)
    app = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        t = table(app)
        total = t.total
        assert total is not None and total >= 10_000
        assert t.row_count == PAGE
        expected = stored_ids(fresh_helpdesk, (1, 2, 3, 4, 5, 6))

        # Jumping to the end and back costs one request each.
        fresh_helpdesk.clear_log()
        await pilot.press("end")
        await settle(pilot)
        assert t.position == total - 1
        assert current_id(t) == expected[-1]
        await pilot.press("home")
        await settle(pilot)
        assert t.position == 0 and current_id(t) == expected[0]
        assert searches(fresh_helpdesk) <= 4

        # Page-down by page-down through the first five hundred rows…
        fresh_helpdesk.clear_log()
        most_rows = 0
        while t.position < 500:
            await pilot.press("pagedown")
            if t.fetching:
                await settle(pilot)
            most_rows = max(most_rows, t.row_count)
            assert current_id(t) == expected[t.position]
        assert searches(fresh_helpdesk) <= 500 // PAGE + 2

        # …then like a held-down key to the very end: still one request per page.
        moves = 0
        while t.position < total - 1:
            t.move_cursor(row=t.row_count - 1)
            await pilot.pause()
            if t.fetching:
                await settle(pilot)
            most_rows = max(most_rows, t.row_count)
            moves += 1
            assert moves < total // 10, "the cursor stopped moving"
        assert current_id(t) == expected[-1]
        assert most_rows <= WINDOW
        assert searches(fresh_helpdesk) <= math.ceil(total / PAGE) + 3

        # And back up with page-up, still windowed, pages fetched before the cursor.
        fresh_helpdesk.clear_log()
        for _ in range(40):
            await pilot.press("pageup")
            if t.fetching:
                await settle(pilot)
            assert t.row_count <= WINDOW
            assert current_id(t) == expected[t.position]
        assert searches(fresh_helpdesk) <= 40 * 20 // PAGE + 2


async def test_first_page_is_asked_before_the_counts(
    make_app: Callable[..., Any], fresh_helpdesk: Any
) -> None:
    """The rows' search goes first and alone; the five tab counts follow its answer."""
    app = make_app(server=fresh_helpdesk)
    fresh_helpdesk.clear_log()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert table(app).row_count > 0
    ranges = [
        e.query.split("range=")[1].split("&")[0]
        for e in fresh_helpdesk.request_log
        if e.path.endswith("/search/Ticket")
    ]
    assert ranges == [f"0-{PAGE - 1}"] + ["0-0"] * 5
