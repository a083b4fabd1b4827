"""Keys arriving in one burst — tmux's send-keys, a password manager's auto-type — move
through a form's fields as typed one by one: each tab goes to the next field, not the
text after it into the field the burst started in (issue 25)."""

from __future__ import annotations

from typing import Any

import pytest
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.tui.api.formcreator import _CACHE
from cebox_support.tui.messages import NewTicket
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, TextArea

from tests.helpers import stub_dashboard


@pytest.fixture(autouse=True)
def stub_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)
    _CACHE.clear()


def burst(app: Any, text: str) -> None:
    """The keys as a terminal hands them over in one read: all queued before any is
    handled (Pilot's `press` waits after each key, which hides the problem)."""
    for character in text:
        key = {"\t": "tab", "\r": "enter"}.get(character) or _character_to_key(character)
        app.post_message(events.Key(key, None if key in ("tab", "enter") else character))


async def open_form(pilot: Any, form_id: str | None) -> NewTicketScreen:
    await pilot.pause()
    pilot.app.route(NewTicket(form_id))
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    if not isinstance(pilot.app.screen, NewTicketScreen):
        await pilot.press("enter")  # the catalogue's first form
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, NewTicketScreen)
    return screen


def value(screen: NewTicketScreen, name: str) -> str:
    field = screen.field_widget(name)
    if field.query(TextArea):
        return field.query_one(TextArea).text
    return field.query_one(Input).value


async def test_a_burst_of_keys_fills_the_builtin_form_field_by_field(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot, "incident")
        screen.field_widget("title").focus_input()
        await pilot.pause()
        burst(app, "ceBox lente\tTout rame depuis ce matin.\tACME\t12\t")
        await pilot.pause()
        assert value(screen, "title") == "ceBox lente"
        assert value(screen, "description") == "Tout rame depuis ce matin."
        assert value(screen, "account") == "ACME"
        assert value(screen, "workstations") == "12"
        focused = app.focused
        assert focused is not None and screen.field_widget("started_at") in focused.ancestors


async def test_a_burst_of_keys_fills_a_formcreator_form_field_by_field(
    make_app: Any, fc_helpdesk: Any
) -> None:
    app = make_app(server=fc_helpdesk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot, None)
        assert screen.server_form is not None
        title = screen.server_form.question("Titre")
        body = screen.server_form.question("Description détaillée")
        assert title is not None and body is not None
        screen.field_widget(title.key).focus_input()
        await pilot.pause()
        burst(app, "ceBox lente\tTout rame.\t")
        await pilot.pause()
        assert value(screen, title.key) == "ceBox lente"
        assert value(screen, body.key) == "Tout rame."
        focused = app.focused
        assert focused is not None and screen.field_widget(body.key) not in focused.ancestors
        assert screen.field_widget(title.key) not in focused.ancestors


async def test_a_burst_of_keys_signs_in_as_typed_one_by_one(helpdesk: Any) -> None:
    """The login form, which the forms follow: "login⇥password⏎" as single keys."""
    from cebox_support.screens.login import LoginScreen
    from cebox_support.tui.config import Profile, Settings

    from tests.conftest import wait_for
    from tests.screens.test_login_newcomer import _Host

    settings = Settings(profiles={"local": Profile(url=helpdesk.api_url)}, default_profile="")
    app = _Host(LoginScreen(settings, profile_name="local", auto_resume=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        user = app.login.query_one("#login-user", Input)
        user.focus()
        await pilot.pause()
        burst(app, "post-only\tpostonly\r")
        await wait_for(lambda: bool(app.signed_in))
        assert user.value == "post-only"
        assert app.signed_in[0].workspace.me.login == "post-only"
