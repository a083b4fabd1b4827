"""A file the server refuses in a server form (GLPI 10, Formcreator): named before any
ticket exists, and `z` sends its .gz copy in its place, as for a reply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.tui.api.formcreator import _CACHE
from cebox_support.tui.app import CeboxApp
from cebox_support.widgets.attachments import AttachmentList

from tests.conftest import wait_for
from tests.helpers import stub_dashboard
from tests.screens.test_server_forms import GOOD, fill, open_incident, settle, status


@pytest.fixture(autouse=True)
def stub_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)
    _CACHE.clear()


async def test_a_refused_log_is_named_then_z_sends_the_gz(
    make_app: Any, fresh_fc_helpdesk: Any, tmp_path: Path
) -> None:
    log = tmp_path / "qgaAgent.log"
    log.write_text("2026-11-28 09:58 join failed\n")
    store = fresh_fc_helpdesk.store
    before = len(store.query("SELECT id FROM glpi_tickets"))
    app: CeboxApp = make_app(server=fresh_fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        fill(screen, **GOOD)
        assert screen.query_one(AttachmentList).add_path(log)
        await pilot.pause()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen is screen
        assert "qgaAgent.log" in status(screen) and "type .log refused" in status(screen)
        assert "z" in status(screen)
        assert len(store.query("SELECT id FROM glpi_tickets")) == before
        await pilot.press("z")
        await wait_for(lambda: not isinstance(app.screen, NewTicketScreen))
        await settle(pilot)
    rows = store.query("SELECT id FROM glpi_tickets ORDER BY id DESC LIMIT 1")
    assert len(store.query("SELECT id FROM glpi_tickets")) == before + 1
    assert [d["filename"] for d in store.documents(rows[0]["id"])] == ["qgaAgent.log.gz"]
