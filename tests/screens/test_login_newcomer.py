"""The login form for a newcomer: an auto-typed "login⇥password⏎", and `--demo` after
signing out (its server offered, its profile never saved)."""

from __future__ import annotations

from typing import Any

from cebox_support.screens.login import LoginScreen
from cebox_support.tui.config import Profile, Settings, config_path
from cebox_support.tui.messages import SignedIn
from textual.app import App
from textual.events import Paste
from textual.widgets import Input, Static

from tests.conftest import wait_for


class _Host(App[None]):
    def __init__(self, screen: LoginScreen) -> None:
        super().__init__()
        self.login = screen
        self.signed_in: list[SignedIn] = []

    def on_mount(self) -> None:
        self.push_screen(self.login)

    def on_signed_in(self, message: SignedIn) -> None:
        self.signed_in.append(message)


async def test_auto_typed_login_tab_password_enter_signs_in(helpdesk: Any) -> None:
    settings = Settings(profiles={"local": Profile(url=helpdesk.api_url)}, default_profile="")
    app = _Host(LoginScreen(settings, profile_name="local", auto_resume=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        user = app.login.query_one("#login-user", Input)
        user.focus()
        await pilot.pause()
        user.post_message(Paste("post-only\tpostonly\r"))
        await wait_for(lambda: bool(app.signed_in))
        assert user.value == "post-only"
        assert app.signed_in[0].workspace.me.login == "post-only"


async def test_demo_server_offered_after_sign_out_and_never_saved(helpdesk: Any) -> None:
    from cebox_support.tui.demo import DemoLogin

    settings = Settings()
    demo = DemoLogin(api_url=helpdesk.api_url)
    app = _Host(LoginScreen(settings, demo=demo))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.login.query_one("#server-url", Input).value == helpdesk.api_url
        assert app.login.query_one("#login-user", Input).value == "post-only"
        hint = str(app.login.query_one("#login-message", Static).render())
        assert "post-only" in hint and "postonly" in hint
        assert app.focused is app.login.query_one("#login-password", Input)
        await pilot.press(*"postonly", "enter")
        await wait_for(lambda: bool(app.signed_in))
    assert settings.default_profile in ("", None) and settings.profiles == {}
    assert not config_path().exists()


async def test_demo_console_signs_out_to_the_demo_server(fresh_helpdesk: Any) -> None:
    """`--demo`, then "Log out": the login screen offers the demo server; signing in
    again there writes no config.toml (no default_profile on a throw-away port)."""
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.config import LoadedSettings
    from cebox_support.tui.demo import DemoLogin
    from cebox_support.tui.messages import SignOut

    loaded = LoadedSettings(Settings(), config_path())
    app = CeboxApp(loaded, demo=DemoLogin(api_url=fresh_helpdesk.api_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: app.workspace is not None, timeout=15)
        await pilot.pause()
        app.post_message(SignOut())
        await wait_for(lambda: isinstance(app.screen, LoginScreen), timeout=15)
        await pilot.pause()
        assert app.screen.query_one("#server-url", Input).value == fresh_helpdesk.api_url
        await pilot.press(*"postonly", "enter")
        await wait_for(lambda: not isinstance(app.screen, LoginScreen), timeout=15)
        await app.workers.wait_for_complete()  # let the dashboard finish mounting
        await pilot.pause()
    assert not config_path().exists() and loaded.settings.default_profile in ("", None)
