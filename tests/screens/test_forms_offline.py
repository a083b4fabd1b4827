"""`n` while the link is down: the forms catalogue from its last copy under the offline
banner, on GLPI 10 (Formcreator) and 11 (the service catalog); a helpdesk of each
test's own, stopped mid-test, and a console that forgot what it had read (a restart)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from cebox_support.screens.forms import FormsScreen
from cebox_support.tui.api import formcreator, native_forms
from cebox_support.tui.messages import NewTicket
from cebox_support.tui.offline import offline_dir
from textual.widgets import OptionList, Static

from tests.conftest import _start, wait_for
from tests.helpers import stub_dashboard
from tests.screens.test_server_forms import settle

COPY_TIME = datetime(2026, 11, 28, 9, 41)
VERSIONS = {
    "10-formcreator": {"formcreator": True},
    "11-native": {"formcreator": False, "glpi_version": "11.0"},
}


@pytest.fixture(autouse=True)
def stub_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)
    forget_catalogues()


def forget_catalogues() -> None:
    """What a console started again knows: nothing but its files."""
    formcreator._CACHE.clear()
    native_forms._CACHE.clear()


@pytest.fixture(params=list(VERSIONS))
def server(request: pytest.FixtureRequest) -> Iterator[Any]:
    running = _start(demo=True, **VERSIONS[request.param])
    yield running
    running.stop()


async def open_catalogue(pilot: Any) -> FormsScreen:
    pilot.app.route(NewTicket(None))
    await wait_for(lambda: isinstance(pilot.app.screen, FormsScreen))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FormsScreen)
    return screen


def prompts(screen: FormsScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def banner(screen: FormsScreen) -> Static:
    return screen.query_one("#offline-banner", Static)


def pin_copy_time() -> None:
    path = offline_dir("test") / "forms.json"
    data = json.loads(path.read_text())
    data["fetched_at"] = COPY_TIME.astimezone().timestamp()
    path.write_text(json.dumps(data))


async def test_the_last_catalogue_under_a_banner_when_the_server_is_down(
    server: Any, make_app: Any
) -> None:
    app = make_app(server=server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_catalogue(pilot)
        await wait_for(lambda: screen.source == "server")
        online = prompts(screen)
        assert any("Déclarer un incident ceBox" in p for p in online)
        assert banner(screen).display is False
        copy = offline_dir("test") / "forms.json"
        assert copy.stat().st_mode & 0o777 == 0o600
        await pilot.press("escape")
        await settle(pilot)

        server.stop()
        forget_catalogues()
        screen = await open_catalogue(pilot)
        await wait_for(lambda: banner(screen).display is True)
        assert "offline — copy of" in str(banner(screen).render())
        assert screen.source == "server" and prompts(screen) == online


async def test_without_a_copy_the_builtin_forms_and_the_error(make_app: Any) -> None:
    running = _start(demo=True, formcreator=False, glpi_version="11.0")
    app = make_app(server=running)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        running.stop()
        screen = await open_catalogue(pilot)
        await wait_for(lambda: screen.source == "builtin")
        assert banner(screen).display is False


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_offline_catalogue(
    snap_compare: Any, make_app: Any, size: tuple[int, int]
) -> None:
    running = _start(demo=True, formcreator=False, glpi_version="11.0")
    app = make_app(server=running)

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        screen = await open_catalogue(pilot)
        await wait_for(lambda: screen.source == "server")
        await pilot.press("escape")
        await settle(pilot)
        running.stop()
        forget_catalogues()
        pin_copy_time()
        screen = await open_catalogue(pilot)
        await wait_for(lambda: banner(screen).display is True)
        await settle(pilot)

    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        running.stop()
