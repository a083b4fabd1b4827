"""Shared fixtures: the embedded helpdesk on loopback, an isolated home, app factories.

One helpdesk per test session serves read-only tests and snapshots (its clock is
frozen, so every snapshot sees the same data); tests that change data take
`fresh_helpdesk`, a new server of their own.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.i18n import set_language

FROZEN_NOW = datetime(2026, 11, 28, 10, 0, 0)
"""Server-local time of every test helpdesk (Europe/Paris, UTC+1 in November)."""


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches the real home, and nothing in the environment leaks into pixels."""
    for var in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR", "EDITOR", "VISUAL"):
        monkeypatch.delenv(var, raising=False)
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_DOWNLOAD_DIR", "downloads"),
    ):
        path = tmp_path / sub
        path.mkdir()
        monkeypatch.setenv(var, str(path))
    monkeypatch.delenv("CEBOX_SUPPORT_CONFIG", raising=False)
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    set_language("en")
    return tmp_path


def _start(**kwargs: Any):  # type: ignore[no-untyped-def]
    from cebox_support.tui.helpdesk.clock import Clock
    from cebox_support.tui.helpdesk.runner import start_helpdesk

    clock = Clock()
    clock.set(FROZEN_NOW)
    return start_helpdesk(clock=clock, **kwargs)


@pytest.fixture(scope="session")
def helpdesk() -> Iterator[Any]:
    """Shared demo helpdesk without Formcreator (the built-in forms): read-only use only."""
    running = _start(demo=True, formcreator=False)
    yield running
    running.stop()


@pytest.fixture
def fresh_helpdesk() -> Iterator[Any]:
    """A demo helpdesk of this test's own, free to change."""
    running = _start(demo=True, formcreator=False)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def fc_helpdesk() -> Iterator[Any]:
    """Shared demo helpdesk with the Formcreator plugin and its ceBox forms: read-only."""
    running = _start(demo=True)
    yield running
    running.stop()


@pytest.fixture
def fresh_fc_helpdesk() -> Iterator[Any]:
    """A helpdesk with Formcreator of this test's own, free to change."""
    running = _start(demo=True)
    yield running
    running.stop()


def frozen_now() -> datetime:
    """The console's clock in tests: the helpdesk's frozen time, as an aware datetime."""
    return FROZEN_NOW.astimezone()


PATIENCE = 30.0
"""How long a test waits for a condition before failing: generous, as a loaded machine (CI
with every core busy) can be several times slower; a condition that holds costs nothing."""


async def wait_for(
    predicate: Callable[[], bool | Awaitable[bool]],
    timeout: float = PATIENCE,
    step: float = 0.02,
) -> None:
    """Poll until `predicate` holds (for background work no pilot call waits on)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(step)


async def settle(pilot: Any, *, timeout: float = PATIENCE) -> None:
    """Until no worker of the app runs (a worker may start another: wait again), then a pause.

    A worker cancelled by a newer one of its exclusive group (a timer's refresh on a busy
    machine) is no failure, where `workers.wait_for_complete()` raises WorkerCancelled; a
    worker that failed still raises. `pilot.pause()` alone is no wait under load: it returns
    as soon as the process looks idle, which a starved process does.
    """
    from textual.worker import WorkerFailed

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await pilot.pause()
    while running := [w for w in pilot.app.workers if w.is_running]:
        waits = asyncio.gather(*(w.wait() for w in running), return_exceptions=True)
        try:
            results = await asyncio.wait_for(waits, max(deadline - loop.time(), 0.01))
        except TimeoutError:
            raise AssertionError(f"workers still running after {timeout}s: {running}") from None
        for result in results:
            if isinstance(result, WorkerFailed):
                raise result
        await pilot.pause()


async def screen_ready(pilot: Any, screen_type: type[Any], *, timeout: float = PATIENCE) -> Any:
    """Until a `screen_type` is the active screen with every widget mounted and no worker
    runs: a screen pushed by another after its worker (the forms catalogue opening a form)
    comes later than any pause."""

    def ready() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, screen_type)
            and screen.is_mounted
            and all(widget.is_mounted for widget in screen.walk_children())
        )

    await wait_for(ready, timeout)
    await settle(pilot, timeout=timeout)
    await wait_for(ready, timeout)
    return pilot.app.screen


@pytest.fixture
def make_app(helpdesk: Any) -> Callable[..., Any]:
    """Build a console logged in as `login` on `server` (default: the shared helpdesk)."""

    def factory(
        *,
        server: Any = None,
        login: str = "post-only",
        password: str = "postonly",
        logged_in: bool = True,
        **kwargs: Any,
    ) -> Any:
        from cebox_support.tui.app import CeboxApp
        from cebox_support.tui.config import LoadedSettings, Profile, Settings, config_path

        target = server or helpdesk
        profile = Profile(url=target.api_url, login=login)
        settings = Settings(profiles={"test": profile}, default_profile="test")
        loaded = LoadedSettings(settings, config_path())
        workspace = None
        if logged_in:
            workspace = _sign_in_sync(profile, password)
        return CeboxApp(loaded, workspace=workspace, now=frozen_now, **kwargs)

    return factory


def _sign_in_sync(profile: Any, password: str) -> Any:
    """Log in on a loop of its own (in a thread, so async tests can call it too); the
    client's connection pool is created again, lazily, in the app's loop."""
    from concurrent.futures import ThreadPoolExecutor

    from cebox_support.tui.session import settle_web_session, sign_in

    async def go() -> Any:
        workspace = await sign_in("test", profile, password=password, cache_session=False)
        await settle_web_session(workspace)  # GLPI's web session, opened alongside
        await workspace.client.close()  # drop the pool bound to this temporary loop
        return workspace

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
