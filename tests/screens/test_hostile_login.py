"""The sign-in screen against failures nobody planned for (issue 15): never stuck on
"Signing in…", never a secret on screen or in a crash report, no URL with credentials."""

from __future__ import annotations

from typing import Any

import pytest
from cebox_support.screens.login import LoginScreen
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.config import LoadedSettings, Settings, config_path
from textual.widgets import Button, Input, Static

from tests.helpers import stub_dashboard

PASSWORD = "S3cret-Pw!"
APP_TOKEN = "APP-TOK-4242"


@pytest.fixture(autouse=True)
def stubbed_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)


def make_app() -> CeboxApp:
    return CeboxApp(LoadedSettings(Settings(), config_path()))


def screen_text(app: CeboxApp) -> str:
    """Everything on the terminal: the screenshot and every widget's text."""
    parts = [app.export_screenshot()]
    for screen in app.screen_stack:
        parts += [str(w.render()) for w in screen.query(Static)]
        parts += [w.value for w in screen.query(Input) if not w.password]
    return "\n".join(parts)


async def fill_form(pilot: Any, url: str) -> LoginScreen:
    screen = pilot.app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#server-url", Input).value = url
    screen.query_one("#login-user", Input).value = "post-only"
    screen.query_one("#login-app-token", Input).value = APP_TOKEN
    password = screen.query_one("#login-password", Input)
    password.value = PASSWORD
    password.focus()
    await pilot.pause()
    return screen


async def test_a_crash_in_the_login_worker_ends_busy_and_shows_no_secret(
    helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def exploding_sign_in(name: str, profile: Any, *, password: str, **kw: Any) -> Any:
        token = APP_TOKEN  # noqa: F841 - a local a crash report would print
        raise RuntimeError("boom")

    monkeypatch.setattr("cebox_support.tui.session.sign_in", exploding_sign_in)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await fill_form(pilot, helpdesk.api_url)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.busy
        assert not screen.query_one("#login-submit", Button).disabled
        shown = screen_text(app)
        assert "unexpectedly" in shown
        assert PASSWORD not in shown and APP_TOKEN not in shown


async def test_a_crash_report_prints_no_local_variables(capsys: Any) -> None:
    app = make_app()

    def crash() -> None:
        password = PASSWORD  # noqa: F841 - what Textual's report would print
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            app.call_later(crash)
            await pilot.pause()
            await pilot.pause()
    captured = capsys.readouterr()
    report = captured.out + captured.err
    assert "RuntimeError" in report and "boom" in report
    assert PASSWORD not in report and "password =" not in report.replace("password = PASSWORD", "")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://jdupont:S3cret-Pw!@support.example.com", "login or password"),
        ("ftp://support.example.com", "https://"),
        ("https://support.example.com:99999", "not valid"),
    ],
)
async def test_the_server_url_is_checked_on_the_login_screen(url: str, expected: str) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await fill_form(pilot, url)
        await pilot.press("enter")
        await pilot.pause()
        assert not screen.busy
        message = str(screen.query_one("#login-message", Static).render())
        assert expected in message and PASSWORD not in message
        assert app.focused is screen.query_one("#server-url", Input)
