"""F1 shows the profile's details with the server's GLPI version (what support asks)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cebox_support.screens.help import HelpScreen
from textual.widgets import Static

from tests.conftest import _start, wait_for


@pytest.fixture(scope="module")
def glpi11() -> Iterator[Any]:
    running = _start(demo=True, glpi_version="11.0")
    yield running
    running.stop()


async def _help(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.press("f1")
    await wait_for(lambda: isinstance(pilot.app.screen, HelpScreen))
    await wait_for(lambda: "GLPI 1" in str(pilot.app.screen.query_one("#help-profile").render()))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("version", ["10.0.12", "11.0.8"])
async def test_f1_names_the_server_version(
    make_app: Callable[..., Any], glpi11: Any, version: str
) -> None:
    app = make_app(server=glpi11 if version.startswith("11") else None)
    async with app.run_test(size=(100, 30)) as pilot:
        await _help(pilot)
        line = str(app.screen.query_one("#help-profile", Static).render())
        await wait_for(lambda: version in str(app.screen.query_one("#help-profile").render()))
        line = str(app.screen.query_one("#help-profile", Static).render())
        assert "post-only" in line and "127.0.0.1" in line and f"GLPI {version}" in line


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_help_with_profile(
    snap_compare: Any,
    make_app: Callable[..., Any],
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("cebox_support.screens.help.host_of", lambda url: "glpi.example.org")
    assert snap_compare(make_app(), terminal_size=size, run_before=_help)


async def test_palette_has_the_profile_entry(make_app: Callable[..., Any], glpi11: Any) -> None:
    app = make_app(server=glpi11)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        entry = next(
            c for c in app.get_system_commands(app.screen) if c.title.startswith("Profile test")
        )
        assert "GLPI 11" in entry.title and "post-only" in entry.help
        done = entry.callback()
        if inspect.isawaitable(done):
            await done
        await wait_for(lambda: isinstance(app.screen, HelpScreen))
