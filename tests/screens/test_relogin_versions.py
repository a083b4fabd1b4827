"""A token the server cannot read: 401 INVALID on 10, 400 MISSING on 11 — the same
re-login dialog, then the call replayed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cebox_support.screens.relogin import ReloginScreen
from cebox_support.tui.api.models import TicketFilter

from tests.conftest import _start, wait_for
from tests.helpers import StubDashboard, stub_dashboard


@pytest.fixture(autouse=True)
def stubbed_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)


@pytest.fixture(scope="module", params=["10.0", "11.0"])
def glpi(request: pytest.FixtureRequest) -> Iterator[Any]:
    running = _start(demo=True, formcreator=False, glpi_version=request.param)
    yield running
    running.stop()


async def test_unreadable_token_leads_to_the_relogin(make_app: Any, glpi: Any) -> None:
    app = make_app(server=glpi)
    results: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StubDashboard)
        app.workspace.client.use_session_token("not-a-token-from-this-server")
        glpi.clear_log()

        async def interrupted() -> None:
            results.append(
                await app.workspace.call(lambda client: client.count_tickets(TicketFilter.ALL))
            )

        app.run_worker(interrupted(), exit_on_error=False)
        await wait_for(lambda: isinstance(app.screen, ReloginScreen))
        first = glpi.request_log[0]
        assert first.status == (400 if glpi.store.version.name == "11.0" else 401)
        await pilot.pause()
        await pilot.press(*"postonly", "enter")
        await wait_for(lambda: bool(results))
        await pilot.pause()
        assert isinstance(app.screen, StubDashboard)
    assert results[0] > 0
