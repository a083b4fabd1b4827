"""The incident form filled from this machine (F6): only on the user's key, shown in
the fields for review, and qgaAgent.log offered, never added unasked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.machine import MachineFacts
from cebox_support.tui.messages import NewTicket
from textual.widgets import Input

from tests.conftest import screen_ready, settle
from tests.helpers import stub_dashboard

FACTS = MachineFacts(hostname="cebox-042", ipv4="10.20.0.10", ipv6="2001:db8:42::10")
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(autouse=True)
def fixed_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)
    monkeypatch.setattr("cebox_support.tui.machine.this_machine", lambda: FACTS)


@pytest.fixture
def qga(tmp_path: Path) -> Path:
    folder = tmp_path / "qemu-ga"
    folder.mkdir()
    log = folder / "qgaAgent.log"
    log.write_text("2026-11-28 09:58 join failed\n", encoding="utf-8")
    return log


async def open_form(pilot: Any, form_id: str = "incident") -> NewTicketScreen:
    await pilot.pause()
    pilot.app.route(NewTicket(form_id))
    await screen_ready(pilot, NewTicketScreen)
    screen = pilot.app.screen
    assert isinstance(screen, NewTicketScreen), screen
    return screen


def values(screen: NewTicketScreen) -> dict[str, Any]:
    answers = screen.answers()
    return {k: answers[k] for k in ("cebox_name", "cebox_ip", "cebox_ipv6")}


async def test_f6_fills_the_fields_for_review(make_app: Any, fresh_helpdesk: Any) -> None:
    app: CeboxApp = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot)
        assert values(screen) == {"cebox_name": "", "cebox_ip": "", "cebox_ipv6": ""}
        await pilot.press("f6")
        await settle(pilot)
        assert values(screen) == {
            "cebox_name": "cebox-042",
            "cebox_ip": "10.20.0.10",
            "cebox_ipv6": "2001:db8:42::10",
        }
        assert isinstance(app.screen, NewTicketScreen)  # nothing sent, no dialog
        assert fresh_helpdesk.store.scalar("SELECT COUNT(*) FROM glpi_tickets") == 7
        assert screen.answers()["documents"] == []  # no qga_log folder configured


async def test_the_key_is_not_offered_on_a_form_without_such_fields(
    make_app: Any, fresh_helpdesk: Any
) -> None:
    app: CeboxApp = make_app(server=fresh_helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, "request")
        assert screen.check_action("fill_from_machine", ()) is False


async def test_qga_log_is_offered_and_attached_only_on_yes(
    make_app: Any, fresh_helpdesk: Any, qga: Path
) -> None:
    app: CeboxApp = make_app(server=fresh_helpdesk)
    app.settings.profiles["test"].qga_log = str(qga.parent)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert screen.answers()["documents"] == []
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert screen.answers()["documents"] == [str(qga)]
        await pilot.press("f6")  # already attached: not offered twice
        await settle(pilot)
        assert app.screen is screen


@SIZES
def test_snapshot_filled_from_this_machine(
    snap_compare: Any, make_app: Any, fresh_helpdesk: Any, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Any) -> None:
        screen = await open_form(pilot)
        await pilot.press("f6")
        await settle(pilot)
        for box in screen.query(Input):
            box.cursor_blink = False  # the filled field has the focus: no blinking pixels
        screen.field_widget("cebox_name").scroll_visible(animate=False)
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(make_app(server=fresh_helpdesk), terminal_size=size, run_before=run_before)
