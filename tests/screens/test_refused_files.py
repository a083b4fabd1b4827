"""The console says which files the server did not keep, and `z` sends them compressed
(issue 14): the embedded helpdesk refuses .log as a default GLPI 10.0.12 does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.ticket import TicketScreen
from textual.widgets import Input, Static

from tests.conftest import _start
from tests.helpers import stub_dashboard
from tests.screens.test_ticket import DOMAIN, build_app, opened, settle, type_reply

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def server() -> Iterator[Any]:
    running = _start(demo=True, formcreator=False)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def stubbed_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "qgaAgent.log"
    path.write_text("2025-01-14 09:12:39 [ERROR] Echec de la jonction au domaine\n")
    return path


async def reply_with(pilot: Any, screen: TicketScreen, path: Path) -> None:
    await type_reply(pilot, "Voici le journal.")
    field = screen.query_one(".attachments-path", Input)
    field.focus()
    field.value = str(path)
    await pilot.press("enter")
    await pilot.press("ctrl+r")
    await settle(pilot)


def said(screen: TicketScreen) -> str:
    return str(screen.query_one("#reply-message", Static).render())


def gz_count(server: Any) -> int:
    return [d["filename"] for d in server.store.documents(DOMAIN)].count("qgaAgent.log.gz")


async def test_a_refused_log_is_named_then_sent_compressed_with_z(server: Any, log: Path) -> None:
    before_followups = len(server.store.followups(DOMAIN))
    before = gz_count(server)
    app = await build_app(server, ticket=DOMAIN)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await reply_with(pilot, screen, log)
        message = said(screen)
        assert "Reply sent; qgaAgent.log was not accepted by the server (type .log refused)" in (
            message
        )
        assert "Press z" in message and "1 document uploaded" not in message
        assert len(server.store.followups(DOMAIN)) == before_followups + 1
        screen.query_one("#timeline").focus()
        await pilot.press("z")
        await settle(pilot)
        assert "qgaAgent.log.gz sent in place of the refused file." in said(screen)
        assert gz_count(server) == before + 1
        await pilot.press("z")  # nothing left to compress: nothing sent twice
        await settle(pilot)
        assert gz_count(server) == before + 1
        assert len(server.store.followups(DOMAIN)) == before_followups + 1


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_snapshot_refused_file(
    snap_compare: Any, make_app: Any, server: Any, log: Path, size: tuple[int, int]
) -> None:
    app = make_app(server=server, open_ticket=DOMAIN)

    async def run_before(pilot: Any) -> None:
        screen = await opened(pilot)
        await reply_with(pilot, screen, log)
        screen.query_one("#timeline").focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
