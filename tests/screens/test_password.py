"""Password change: caught before sending when GLPI would refuse, proven end to end after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cebox_support.screens.login import LoginScreen
from cebox_support.screens.password import PasswordScreen
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.config import LoadedSettings, Profile, Settings, config_path
from cebox_support.tui.messages import ChangePassword
from cebox_support.tui.tokens import read_secret, session_token_path
from cebox_support.widgets.password_checklist import PasswordChecklist
from textual.widgets import Input, Label, Static

from tests.conftest import _start, screen_ready, wait_for
from tests.helpers import StubDashboard, lose_password_verdict, password_works, stub_dashboard

NEW = "N3w-pass!"


@pytest.fixture(params=["10.0", "11.0"])
def fresh_helpdesk(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Every password journey here on both GLPI versions (11 changes it through its own
    web login and updatepassword.php with its update key)."""
    running = _start(demo=True, formcreator=False, glpi_version=request.param)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def stubbed_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)


@pytest.fixture
def policy_helpdesk(fresh_helpdesk: Any) -> Any:
    """GLPI's policy when switched on: 8 characters, a lowercase letter, a symbol; plus a digit."""
    fresh_helpdesk.store.set_password_policy(enabled=True, min_length=8, need_digit=True)
    return fresh_helpdesk


@pytest.fixture
def signed_in_app(make_app: Any, policy_helpdesk: Any) -> CeboxApp:
    app: CeboxApp = make_app(server=policy_helpdesk)
    return app


def password_screen(app: CeboxApp) -> PasswordScreen:
    assert isinstance(app.screen, PasswordScreen), app.screen
    return app.screen


def message(app: CeboxApp) -> str:
    return str(password_screen(app).query_one("#password-message", Static).render())


async def open_password(pilot: Any) -> PasswordScreen:
    await pilot.pause()
    pilot.app.route(ChangePassword())
    await screen_ready(pilot, PasswordScreen)
    return password_screen(pilot.app)


async def type_in(pilot: Any, current: str, new: str, confirm: str) -> None:
    for selector, text in (
        ("#current-password", current),
        ("#new-password", new),
        ("#confirm-password", confirm),
    ):
        field = pilot.app.screen.query_one(selector, Input)
        field.value = ""
        field.focus()
        await pilot.pause()
        if text:
            await pilot.press(*text)


def password_requests(server: Any) -> list[str]:
    return [
        e.path
        for e in server.request_log
        if "updatepassword" in e.path or (e.method == "PUT" and "/User/" in e.path)
    ]


# -- snapshots ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_policy_partly_met(
    snap_compare: Any, make_app: Any, size: tuple[int, int]
) -> None:
    """On one version (the screen is the same on both)."""
    server = _start(demo=True, formcreator=False)
    server.store.set_password_policy(enabled=True, min_length=8, need_digit=True)
    signed_in_app = make_app(server=server)

    async def run_before(pilot: Any) -> None:
        await open_password(pilot)
        await type_in(pilot, "postonly", "abc1", "")
        pilot.app.screen.query_one("#new-password", Input).focus()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    try:
        assert snap_compare(signed_in_app, terminal_size=size, run_before=run_before)
    finally:
        server.stop()


# -- the checklist and local checks -------------------------------------------------------------


async def test_checklist_follows_typing(signed_in_app: CeboxApp) -> None:
    async with signed_in_app.run_test(size=(80, 24)) as pilot:
        screen = await open_password(pilot)
        checklist = screen.query_one(PasswordChecklist)
        assert len(checklist.policy.rules("")) == 4
        await type_in(pilot, "", "ab", "")
        screen.query_one("#new-password", Input).focus()
        await pilot.pause()
        await pilot.press("end")
        assert checklist.unmet() == ["At least 8 characters", "A digit", "A symbol"]
        await pilot.press(*"cdef1!")
        assert checklist.all_met, (
            checklist.password,
            checklist.unmet(),
            screen.query_one("#new-password", Input).value,
        )
        labels = list(checklist.query(Label))
        assert all(label.has_class("-met") for label in labels)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "expected", "focused"),
    [
        ("", NEW, NEW, "current password", "#current-password"),
        ("postonly", NEW, NEW + "x", "do not match", "#confirm-password"),
        ("postonly", "postonly", "postonly", "different from the current", "#new-password"),
        ("postonly", "abcdefgh!", "abcdefgh!", "a digit", "#new-password"),
    ],
    ids=["no-current", "mismatch", "same-as-current", "policy"],
)
async def test_caught_before_sending(
    signed_in_app: CeboxApp,
    policy_helpdesk: Any,
    current: str,
    new: str,
    confirm: str,
    expected: str,
    focused: str,
) -> None:
    async with signed_in_app.run_test(size=(80, 24)) as pilot:
        screen = await open_password(pilot)
        policy_helpdesk.clear_log()
        await type_in(pilot, current, new, confirm)
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert expected in message(signed_in_app)
        assert signed_in_app.focused is screen.query_one(focused, Input)
        assert password_requests(policy_helpdesk) == []
    assert policy_helpdesk.store.check_password("post-only", "postonly")


# -- end to end -----------------------------------------------------------------------------------


async def test_change_then_new_works_and_old_is_refused(
    signed_in_app: CeboxApp, policy_helpdesk: Any
) -> None:
    async with signed_in_app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_password(pilot)
        await type_in(pilot, "postonly", NEW, NEW)
        policy_helpdesk.clear_log()
        await pilot.press("enter", "enter")  # the second one is ignored while in flight
        await pilot.app.workers.wait_for_complete()
        await wait_for(
            lambda: (
                isinstance(signed_in_app.screen, StubDashboard)
                and any("password was changed" in n.message for n in signed_in_app._notifications)
            )
        )
    posts = [
        e for e in policy_helpdesk.request_log if e.method == "POST" and "updatepassword" in e.path
    ]
    assert len(posts) == 1
    assert await password_works(policy_helpdesk, "post-only", NEW)
    assert not await password_works(policy_helpdesk, "post-only", "postonly")


async def test_glpi_refusal_is_shown_in_its_words(
    signed_in_app: CeboxApp, policy_helpdesk: Any
) -> None:
    async with signed_in_app.run_test(size=(80, 24)) as pilot:
        screen = await open_password(pilot)
        await type_in(pilot, "not-my-password", NEW, NEW)
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert message(signed_in_app) == "The current password is incorrect."
        assert screen.query_one("#password-message").has_class("error-text")
        assert screen.query_one("#current-password", Input).value == ""
        assert screen.query_one("#new-password", Input).value == NEW
        assert signed_in_app.focused is screen.query_one("#current-password", Input)
        assert not screen.busy
    assert policy_helpdesk.store.check_password("post-only", "postonly")


async def test_escape_cancels_without_change(signed_in_app: CeboxApp) -> None:
    async with signed_in_app.run_test(size=(80, 24)) as pilot:
        await open_password(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(signed_in_app.screen, StubDashboard)


async def test_expired_password_goes_through_the_change_then_the_app(
    fresh_helpdesk: Any,
) -> None:
    fresh_helpdesk.store.add_user(
        "newbie", "Temp1234!", profile="Self-Service", password_expired=True
    )
    profile = Profile(url=fresh_helpdesk.api_url, login="newbie")
    settings = Settings(profiles={"work": profile}, default_profile="work")
    app = CeboxApp(LoadedSettings(settings, config_path()))
    async with app.run_test(size=(80, 24)) as pilot:
        await screen_ready(pilot, LoginScreen)
        await pilot.press(*"Temp1234!", "enter")
        await pilot.app.workers.wait_for_complete()
        await screen_ready(pilot, PasswordScreen)
        screen = password_screen(app)
        assert screen.forced
        assert not session_token_path("work").exists()
        await type_in(pilot, "Temp1234!", NEW, NEW)
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
        workspace = app.workspace
        assert workspace is not None and not workspace.me.password_expired
        me = await workspace.client.whoami()
        assert me.login == "newbie" and not me.password_expired
        assert (
            read_secret(session_token_path("work"), server=profile.url)
            == workspace.client.session_token
        )
    assert await password_works(fresh_helpdesk, "newbie", NEW)
    assert not await password_works(fresh_helpdesk, "newbie", "Temp1234!")


async def test_expired_password_escape_logs_out(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.add_user(
        "newbie", "Temp1234!", profile="Self-Service", password_expired=True
    )
    profile = Profile(url=fresh_helpdesk.api_url, login="newbie")
    app = CeboxApp(LoadedSettings(Settings(profiles={"work": profile}), config_path()))
    async with app.run_test(size=(80, 24)) as pilot:
        await screen_ready(pilot, LoginScreen)
        await pilot.press(*"Temp1234!", "enter")
        await screen_ready(pilot, PasswordScreen)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, LoginScreen))
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        assert app.workspace is None


# -- an uncertain change ----------------------------------------------------------------------


async def test_uncertain_change_then_retry_says_changed(
    make_app: Any, policy_helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first answer is lost; the retry first tries the new password (a fresh sign-in),
    finds it works and says so, instead of sending the old one as "current" again."""
    lose_password_verdict(monkeypatch)
    app: CeboxApp = make_app(server=policy_helpdesk)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_password(pilot)
        await type_in(pilot, "postonly", NEW, NEW)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "may or may not have changed" in message(app)
        assert screen.query_one("#current-password", Input).value == "postonly"
        assert policy_helpdesk.store.check_password("post-only", NEW)  # it did change
        retry = len(policy_helpdesk.request_log)
        await pilot.press("enter")
        await wait_for(
            lambda: (
                isinstance(app.screen, StubDashboard)
                and any("password was changed" in n.message for n in app._notifications)
            )
        )
        sent = [(e.method, e.path) for e in policy_helpdesk.request_log[retry:]]
    assert sent[0] == ("GET", "/apirest.php/initSession"), sent
    assert not [p for _m, p in sent if "updatepassword" in p or "login.php" in p], sent
    assert await password_works(policy_helpdesk, "post-only", NEW)
