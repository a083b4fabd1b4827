"""The login screen: every failure inline, success remembered, sessions resumed and ended."""

from __future__ import annotations

import stat
from typing import Any

import httpx
import pytest
from cebox_support.screens.login import LoginScreen
from cebox_support.screens.relogin import ReloginScreen
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import SessionExpired
from cebox_support.tui.api.models import TicketFilter
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.config import LoadedSettings, Profile, Settings, config_path, load_settings
from cebox_support.tui.messages import SignedIn
from cebox_support.tui.tokens import read_secret, session_token_path, user_token_path, write_secret
from textual.widgets import Checkbox, Input, Static

from tests.conftest import wait_for
from tests.helpers import StubDashboard, stub_dashboard

ALL = TicketFilter.ALL
CLOSED_PORT_URL = "http://127.0.0.1:9/apirest.php"
"""Loopback, nothing listening: a deterministic "cannot connect"."""


@pytest.fixture(autouse=True)
def stubbed_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)


def make_login_app(*profiles: tuple[str, Profile], default: str = "") -> CeboxApp:
    settings = Settings(profiles=dict(profiles), default_profile=default)
    return CeboxApp(LoadedSettings(settings, config_path()))


def profile_for(server: Any, login: str = "post-only", **extra: Any) -> Profile:
    return Profile(url=server.api_url, login=login, **extra)


def login_screen(app: CeboxApp) -> LoginScreen:
    screen = app.screen
    assert isinstance(screen, LoginScreen), screen
    return screen


def message(app: CeboxApp) -> str:
    return str(login_screen(app).query_one("#login-message", Static).render())


async def fill(pilot: Any, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.value = ""
    field.focus()
    await pilot.pause()
    if text:
        await pilot.press(*text)


async def submit(pilot: Any) -> None:
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def init_sessions(server: Any) -> int:
    return sum(1 for entry in server.request_log if entry.path.endswith("/initSession"))


# -- snapshots -------------------------------------------------------------------------

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


async def _settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


@SIZES
def test_snapshot_login_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_login_app(), terminal_size=size, run_before=_settle)


@SIZES
def test_snapshot_login_error(snap_compare: Any, size: tuple[int, int]) -> None:
    app = make_login_app(("local", Profile(url=CLOSED_PORT_URL, login="post-only")))

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press(*"secret")
        await submit(pilot)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_snapshot_login_in_flight(snap_compare: Any, size: tuple[int, int]) -> None:
    app = make_login_app()

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        screen = login_screen(pilot.app)
        screen.query_one("#server-url", Input).value = "https://support.example.com"
        screen.query_one("#login-user", Input).value = "post-only"
        screen.query_one("#login-password", Input).value = "postonly"
        screen.set_busy(True)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


# -- success -----------------------------------------------------------------------------


async def test_new_server_login_remembers_profile_and_caches_session(helpdesk: Any) -> None:
    app = make_login_app()
    signed_in: list[SignedIn] = []
    async with app.run_test(
        size=(80, 24),
        message_hook=lambda m: signed_in.append(m) if isinstance(m, SignedIn) else None,
    ) as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#server-url", Input)
        await pilot.press(*helpdesk.api_url, "tab", *"post-only", "tab", *"postonly")
        await submit(pilot)
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
        assert len({id(m) for m in signed_in}) == 1
        assert app.workspace is not None and app.workspace.me.login == "post-only"

    name = "127-0-0-1"
    saved = load_settings(config_path()).settings
    assert saved.default_profile == name
    assert saved.profiles[name].url == helpdesk.api_url
    assert saved.profiles[name].login == "post-only"
    assert "postonly" not in config_path().read_text(encoding="utf-8")
    token_file = session_token_path(name)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert read_secret(token_file, server=helpdesk.api_url) == app.workspace.client.session_token


async def test_saved_profile_is_preselected_and_focus_goes_to_password(helpdesk: Any) -> None:
    app = make_login_app(("work", profile_for(helpdesk)), default="work")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = login_screen(app)
        assert screen.query_one("#server-url", Input).value == helpdesk.api_url
        assert screen.query_one("#login-user", Input).value == "post-only"
        assert app.focused is screen.query_one("#login-password", Input)
        assert message(app) == ""
        await pilot.press(*"postonly")
        await submit(pilot)
        await wait_for(lambda: isinstance(app.screen, StubDashboard))


async def test_enter_twice_sends_one_login(fresh_helpdesk: Any) -> None:
    app = make_login_app(("work", profile_for(fresh_helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        fresh_helpdesk.clear_log()
        await pilot.press(*"postonly", "enter", "enter")
        await pilot.app.workers.wait_for_complete()
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
        assert init_sessions(fresh_helpdesk) == 1


async def test_submit_is_disabled_while_in_flight(helpdesk: Any) -> None:
    app = make_login_app(("work", profile_for(helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = login_screen(app)
        await pilot.press(*"postonly")
        screen.action_submit()
        assert screen.busy
        assert screen.query_one("#login-submit").disabled
        assert message(app) == "Signing in…"
        await pilot.app.workers.wait_for_complete()
        await wait_for(lambda: isinstance(app.screen, StubDashboard))


async def test_personal_token_login_and_remember(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.set_user_token("post-only", "tok-post-only-1234")
    app = make_login_app(("work", profile_for(fresh_helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = login_screen(app)
        screen.query_one("#use-token", Checkbox).value = True
        await pilot.pause()
        assert not screen.query_one(".password-row").display
        assert screen.query_one(".token-row").display
        screen.query_one("#remember-token", Checkbox).value = True
        await fill(pilot, "#login-token", "tok-post-only-1234")
        await submit(pilot)
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
    assert (
        read_secret(user_token_path("work"), server=fresh_helpdesk.api_url) == "tok-post-only-1234"
    )
    assert stat.S_IMODE(user_token_path("work").stat().st_mode) == 0o600
    saved = load_settings(config_path()).settings.profiles["work"]
    assert saved.use_user_token
    assert "tok-post-only" not in config_path().read_text(encoding="utf-8")


# -- failures, each inline ----------------------------------------------------------------


async def _fail_with(
    app: CeboxApp, pilot: Any, secret: str, expected: str, *, field: str = "#login-password"
) -> LoginScreen:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await fill(pilot, field, secret)
    await submit(pilot)
    screen = login_screen(app)
    assert expected in message(app)
    assert screen.query_one("#login-message").has_class("error-text")
    assert screen.query_one(field, Input).value == ""
    assert app.focused is screen.query_one(field, Input)
    assert not screen.busy and not screen.query_one("#login-submit").disabled
    return screen


async def test_wrong_password(helpdesk: Any) -> None:
    app = make_login_app(("work", profile_for(helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _fail_with(app, pilot, "nope", "Wrong login or password")
        assert screen.query_one("#login-user", Input).value == "post-only"
        assert screen.query_one("#server-url", Input).value == helpdesk.api_url
    assert not config_path().exists()


async def test_login_is_case_sensitive(helpdesk: Any) -> None:
    app = make_login_app(("work", profile_for(helpdesk, login="Post-Only")))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fail_with(app, pilot, "postonly", "case-sensitive")


async def test_bad_personal_token(helpdesk: Any) -> None:
    app = make_login_app(("work", profile_for(helpdesk, use_user_token=True)))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fail_with(
            app, pilot, "not-a-token", "personal API token is not valid", field="#login-token"
        )


async def test_app_token_missing_wrong_then_right(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.app_token = "app-secret"
    app = make_login_app(("work", profile_for(fresh_helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fail_with(app, pilot, "postonly", "requires an App-Token")
        await fill(pilot, "#login-app-token", "wrong")
        await _fail_with(app, pilot, "postonly", "refused the App-Token")
        assert login_screen(app).query_one("#login-app-token", Input).value == "wrong"
        await fill(pilot, "#login-app-token", "app-secret")
        await fill(pilot, "#login-password", "postonly")
        await submit(pilot)
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
    assert load_settings(config_path()).settings.profiles["work"].app_token == "app-secret"


async def test_api_disabled(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.api_enabled = False
    app = make_login_app(("work", profile_for(fresh_helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fail_with(app, pilot, "postonly", "REST API is disabled")


async def test_unreachable_server_is_named() -> None:
    app = make_login_app(("local", Profile(url=CLOSED_PORT_URL, login="post-only")))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fail_with(
            app, pilot, "postonly", "Cannot connect to http://127.0.0.1:9/apirest.php."
        )


async def test_not_a_glpi_api(helpdesk: Any) -> None:
    url = helpdesk.base_url + "/nothing"
    app = make_login_app(("x", Profile(url=url, login="post-only")))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fail_with(app, pilot, "postonly", "does not answer like a GLPI API")


async def test_missing_fields_are_caught_before_sending(helpdesk: Any) -> None:
    app = make_login_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await submit(pilot)
        assert "address of your GLPI server" in message(app)
        await fill(pilot, "#server-url", helpdesk.api_url)
        await submit(pilot)
        assert "login" in message(app)
        assert app.focused is app.screen.query_one("#login-user", Input)
        await pilot.press(*"post-only", "enter")
        assert "password" in message(app)
        assert app.focused is app.screen.query_one("#login-password", Input)
        assert not app.workers._workers


async def test_plain_http_to_remote_host_needs_a_second_enter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[str] = []

    async def fake_sign_in(name: str, profile: Profile, **kwargs: Any) -> Any:
        sent.append(profile.url)
        raise SessionExpired("stopped here")

    monkeypatch.setattr("cebox_support.tui.session.sign_in", fake_sign_in)
    app = make_login_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"http://glpi.example.com", "tab", *"post-only", "tab", *"pw")
        await submit(pilot)
        assert "plain http" in message(app)
        assert sent == []
        await fill(pilot, "#login-password", "pw")
        await submit(pilot)
        assert sent == ["http://glpi.example.com"]


# -- cached sessions, expiry, logout ---------------------------------------------------------


async def _cached_token(server: Any, name: str) -> str:
    client = GlpiClient(server.api_url)
    await client.login("post-only", "postonly")
    token = client.session_token
    assert token
    await client.close()
    write_secret(session_token_path(name), token, server=server.api_url)
    return token


async def test_cached_session_is_resumed_silently(helpdesk: Any) -> None:
    token = await _cached_token(helpdesk, "work")
    app = make_login_app(("work", profile_for(helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
        assert app.workspace is not None and app.workspace.client.session_token == token


async def test_invalid_cached_session_falls_back_to_login(helpdesk: Any) -> None:
    write_secret(session_token_path("work"), "x" * 26, server=helpdesk.api_url)
    app = make_login_app(("work", profile_for(helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert message(app) == ""
        assert not session_token_path("work").exists()


async def test_loose_token_file_is_refused_and_said(helpdesk: Any) -> None:
    path = session_token_path("work")
    write_secret(path, "x" * 26, server=helpdesk.api_url)
    path.chmod(0o644)
    app = make_login_app(("work", profile_for(helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "chmod 600" in message(app)


def token_of(app: CeboxApp) -> str:
    assert app.workspace is not None and app.workspace.client.session_token
    return app.workspace.client.session_token


async def _kill(server: Any, token: str) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{server.api_url}/killSession", headers={"Session-Token": token})
        assert response.status_code == 200


@pytest.fixture
def signed_in_app(make_app: Any, fresh_helpdesk: Any) -> CeboxApp:
    """Built outside the test's loop: make_app signs in with asyncio.run."""
    app: CeboxApp = make_app(server=fresh_helpdesk)
    return app


async def test_relogin_after_killed_session_replays_the_call(
    signed_in_app: CeboxApp, fresh_helpdesk: Any
) -> None:
    app = signed_in_app
    results: list[Any] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StubDashboard)
        old = token_of(app)
        await _kill(fresh_helpdesk, old)

        async def interrupted() -> None:
            results.append(await app.workspace.call(lambda client: client.count_tickets(ALL)))

        app.run_worker(interrupted(), exit_on_error=False)
        await wait_for(lambda: isinstance(app.screen, ReloginScreen))
        await pilot.pause()  # mounted, not only pushed
        modal = app.screen
        assert any("post-only" in str(label.render()) for label in modal.query(".relogin-info"))
        await pilot.press(*"wrong", "enter")
        await wait_for(lambda: "Wrong login" in str(modal.query_one("#relogin-message").render()))
        assert isinstance(app.screen, ReloginScreen)
        await pilot.press(*"postonly", "enter")
        await wait_for(lambda: bool(results))
        await pilot.pause()
        assert isinstance(app.screen, StubDashboard)
        assert token_of(app) != old
    assert isinstance(results[0], int) and results[0] > 0


async def test_relogin_cancel_gives_up(signed_in_app: CeboxApp, fresh_helpdesk: Any) -> None:
    app = signed_in_app
    outcome: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _kill(fresh_helpdesk, token_of(app))

        async def interrupted() -> None:
            try:
                outcome.append(await app.workspace.call(lambda client: client.whoami()))
            except SessionExpired as error:
                outcome.append(error)

        app.run_worker(interrupted(), exit_on_error=False)
        await wait_for(lambda: isinstance(app.screen, ReloginScreen))
        await pilot.press("escape")
        await wait_for(lambda: bool(outcome))
        await pilot.pause()
        assert isinstance(app.screen, StubDashboard)
    assert isinstance(outcome[0], SessionExpired)


async def test_logout_kills_session_and_deletes_cached_token(fresh_helpdesk: Any) -> None:
    app = make_login_app(("work", profile_for(fresh_helpdesk)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"postonly", "enter")
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
        token = token_of(app)
        assert read_secret(session_token_path("work"), server=fresh_helpdesk.api_url) == token
        app.run_worker(app.sign_out(), exit_on_error=False)
        await wait_for(lambda: isinstance(app.screen, LoginScreen))
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert login_screen(app).query_one("#login-user", Input).value == "post-only"
        assert app.workspace is None
    assert not session_token_path("work").exists()
    probe = GlpiClient(fresh_helpdesk.api_url)
    with pytest.raises(SessionExpired):
        await probe.resume(token)
    await probe.close()
