"""GLPI 11's native forms in the console: the service catalog, the form built from its
page, the server's conditions asked as the answers change, the server's refusals on
their fields, the web session's password asked once, snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cebox_support.screens.forms import FormsScreen
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.screens.web_password import WebPasswordScreen
from cebox_support.tui.api.native_forms import _CACHE
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.messages import NewTicket
from textual.widgets import Input, OptionList, Static

from tests.conftest import _start, wait_for
from tests.helpers import stub_dashboard
from tests.screens.test_server_forms import error_of, fill, settle, status, widget

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
INCIDENT = "Déclarer un incident ceBox"


@pytest.fixture(autouse=True)
def stub_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)
    _CACHE.clear()


@pytest.fixture(scope="module")
def glpi11() -> Iterator[Any]:
    running = _start(demo=True, formcreator=False, glpi_version="11.0")
    yield running
    running.stop()


async def catalogue(pilot: Any) -> FormsScreen:
    await pilot.pause()
    pilot.app.route(NewTicket(None))
    await settle(pilot)
    await wait_for(lambda: isinstance(pilot.app.screen, FormsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, FormsScreen)
    await wait_for(lambda: screen.source == "server")
    await settle(pilot)
    return screen


async def open_incident(pilot: Any) -> NewTicketScreen:
    screen = await catalogue(pilot)
    options = screen.query_one(OptionList)
    index = next(
        i
        for i in range(options.option_count)
        if str(options.get_option_at_index(i).prompt).startswith(INCIDENT)
    )
    options.highlighted = index
    await pilot.press("enter")
    await wait_for(lambda: isinstance(pilot.app.screen, NewTicketScreen))
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, NewTicketScreen)
    return form


def prompts(screen: FormsScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@SIZES
def test_snapshot_native_form(
    snap_compare: Any, make_app: Any, glpi11: Any, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Any) -> None:
        await open_incident(pilot)

    assert snap_compare(make_app(server=glpi11), run_before=run_before, terminal_size=size)


@SIZES
def test_snapshot_native_catalogue(
    snap_compare: Any, make_app: Any, glpi11: Any, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Any) -> None:
        await catalogue(pilot)

    assert snap_compare(make_app(server=glpi11), run_before=run_before, terminal_size=size)


async def test_the_catalogue_shows_the_four_offered_forms(make_app: Any, glpi11: Any) -> None:
    app: CeboxApp = make_app(server=glpi11)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await catalogue(pilot)
        shown = "\n".join(prompts(screen))
        for name in (INCIDENT, "Ouvrir une demande ceBox", "Report an issue", "Request a service"):
            assert name in shown
        for hidden in ("inactif", "administrateurs", "lien direct", "intervention sur site"):
            assert hidden not in shown


async def test_the_server_shows_and_hides_the_ip_question(make_app: Any, glpi11: Any) -> None:
    app: CeboxApp = make_app(server=glpi11)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        ip = widget(screen, "IP ceBox")
        assert not ip.display  # hidden by the page for empty answers
        await pilot.press("enter", "down", "down", "down", "enter")  # keyboard: the dropdown
        assert widget(screen, "Type d'incident").get_value() == "Perte de connexion"
        await wait_for(lambda: ip.display)  # the condition engine said so
        await pilot.press("enter", "up", "enter")
        await wait_for(lambda: not ip.display)


async def test_a_missing_answer_is_named_and_nothing_is_sent(make_app: Any, glpi11: Any) -> None:
    app: CeboxApp = make_app(server=glpi11)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        fill(screen, **{"Type d'incident": "Lenteur", "Nombre de postes impactés": "3"})
        glpi11.clear_log()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert error_of(screen, "Titre") and error_of(screen, "Description")
        assert "field(s)" in status(screen)
        assert not [e for e in glpi11.request_log if e.path == "/Form/SubmitAnswers"]


async def test_submit_creates_the_ticket_and_opens_it(make_app: Any, glpi11: Any) -> None:
    app: CeboxApp = make_app(server=glpi11)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        fill(
            screen,
            **{
                "Type d'incident": "Lenteur",
                "Titre": "ceBox lente depuis la console",
                "Description": "Tout est lent",
                "Nombre de postes impactés": "12",
            },
        )
        await pilot.press("ctrl+r")
        await wait_for(lambda: app.screen is not screen)
        await settle(pilot)
        submits = [e for e in glpi11.request_log if e.path == "/Form/SubmitAnswers"]
        assert submits and submits[-1].status == 200


async def test_an_ended_web_session_asks_the_password_once(make_app: Any, glpi11: Any) -> None:
    app: CeboxApp = make_app(server=glpi11)
    assert app.workspace is not None
    app.workspace.client.web_cookie = None  # the web session ended meanwhile
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        pilot.app.route(NewTicket(None))
        await wait_for(lambda: isinstance(app.screen, WebPasswordScreen))
        await pilot.pause()
        field = app.screen.query_one("#web-password", Input)
        await pilot.press(*"wrong", "enter")
        await wait_for(
            lambda: (
                "password"
                in str(app.screen.query_one("#web-password-message", Static).render()).lower()
            )
        )
        assert isinstance(app.screen, WebPasswordScreen) and field.value == ""
        await pilot.press(*"postonly", "enter")
        await wait_for(lambda: isinstance(app.screen, FormsScreen))
        forms = app.screen
        assert isinstance(forms, FormsScreen)
        await wait_for(lambda: forms.source == "server")
        assert any(INCIDENT in p for p in prompts(forms))
        assert app.workspace.client.web_cookie


async def test_go_to_accepts_a_direct_form_link(make_app: Any, glpi11: Any) -> None:
    """`g` with a direct-access link opens that form, although the catalogue never lists it."""
    app: CeboxApp = make_app(server=glpi11)
    async with app.run_test(size=(100, 30)) as pilot:
        from cebox_support.screens.goto import GotoScreen

        await settle(pilot)
        assert app.workspace is not None
        app.push_screen(GotoScreen(app.workspace))  # what `g` opens on the ticket list
        await wait_for(lambda: isinstance(app.screen, GotoScreen))
        await pilot.pause()
        link = f"{glpi11.base_url}/Form/Render/7?token=cebox-direct-token-0123456789"
        app.screen.query_one("#goto-input", Input).value = link
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(lambda: isinstance(app.screen, NewTicketScreen))
        screen = app.screen
        assert isinstance(screen, NewTicketScreen) and screen.server_form is not None
        assert screen.server_form.name == "Formulaire par lien direct"
        assert "token=cebox-direct-token" in screen.server_form.url


def test_form_links_are_read_and_another_servers_refused() -> None:
    from cebox_support.tui.links import LinkError, parse_form_link

    here = "https://support.example/glpi"
    assert parse_form_link(f"{here}/Form/Render/7?token=abc", here) == (7, "abc")
    assert parse_form_link("/Form/Render/3", here) == (3, None)
    assert parse_form_link(f"{here}/front/ticket.form.php?id=3", here) is None
    with pytest.raises(LinkError):
        parse_form_link("https://evil.example/Form/Render/7?token=abc", here)


async def test_open_with_a_direct_form_link_starts_on_that_form(make_app: Any, glpi11: Any) -> None:
    """`cebox-support open LINK`: the console's first screen is the linked form."""
    link = (7, "cebox-direct-token-0123456789")
    app: CeboxApp = make_app(server=glpi11, open_ticket=NewTicket(form_link=link))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_for(lambda: isinstance(app.screen, NewTicketScreen))
        screen = app.screen
        assert isinstance(screen, NewTicketScreen) and screen.server_form is not None
        assert screen.server_form.name == "Formulaire par lien direct"
        assert "token=cebox-direct-token" in screen.server_form.url
