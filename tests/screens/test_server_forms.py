"""Server forms (Formcreator) in the console: the catalogue, conditions shown live, every
problem at once, the server's refusal, files and the ticket with me as requester, drafts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.forms import FormsScreen
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.tui.api.formcreator import _CACHE
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.messages import NewTicket, TicketCreated
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.form_fields import FieldWidget
from textual.message import Message
from textual.widgets import Input, OptionList, Select, SelectionList, Static, TextArea

from tests.conftest import screen_ready, settle
from tests.helpers import stub_dashboard

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
POST_ONLY = 3


@pytest.fixture(autouse=True)
def stub_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)
    _CACHE.clear()


async def catalogue(pilot: Any) -> FormsScreen:
    await pilot.pause()
    pilot.app.route(NewTicket(None))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FormsScreen)
    return screen


async def open_incident(pilot: Any) -> NewTicketScreen:
    await catalogue(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, NewTicketScreen), screen
    return screen


def widget(screen: NewTicketScreen, label: str) -> FieldWidget:
    assert screen.server_form is not None
    q = screen.server_form.question(label)
    assert q is not None, label
    return screen.field_widget(q.key)


def error_of(screen: NewTicketScreen, label: str) -> str:
    shown = widget(screen, label).query_one(".field-error", Static)
    return str(shown.render()) if shown.display else ""


def status(screen: NewTicketScreen) -> str:
    shown = screen.query_one("#form-status", Static)
    return str(shown.render()) if shown.display else ""


def fill(screen: NewTicketScreen, **answers: Any) -> None:
    for label, value in answers.items():
        w = widget(screen, label)
        if isinstance(value, list):
            w.set_value(value)
            continue
        if w.query(Select):
            w.query_one(Select).value = value
        elif w.query(TextArea):
            w.query_one(TextArea).load_text(value)
        else:
            w.query_one(Input).value = value


GOOD = {
    "Type d'incident": "Lenteur",
    "Titre": "ceBox lente",
    "Description détaillée": "Tout rame.",
    "Nombre de postes impactés": "12",
    "Nom du compte ceBox": "ACME",
}


# -- snapshots ------------------------------------------------------------------------


async def _incident_form(pilot: Any) -> None:
    await open_incident(pilot)


@SIZES
def test_snapshot_server_form(
    snap_compare: Any, make_app: Any, fc_helpdesk: Any, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(server=fc_helpdesk), run_before=_incident_form, terminal_size=size)


@SIZES
def test_snapshot_server_catalogue(
    snap_compare: Any, make_app: Any, fc_helpdesk: Any, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(server=fc_helpdesk), run_before=catalogue, terminal_size=size)


# -- behaviour ------------------------------------------------------------------------


async def test_catalogue_shows_the_servers_forms_by_category(
    make_app: Any, fc_helpdesk: Any
) -> None:
    app: CeboxApp = make_app(server=fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await catalogue(pilot)
        assert screen.source == "server"
        options = screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0] == "ceBox"
        assert prompts[1].startswith("Déclarer un incident ceBox\nQuelque chose")
        assert not any("Ancien" in p or "interne" in p for p in prompts)
        assert not any("intervention sur site" in p for p in prompts)  # Technician-only
        assert "helpdesk" in str(screen.query_one("#forms-source", Static).render())


async def test_builtin_forms_when_the_server_has_none(make_app: Any, helpdesk: Any) -> None:
    app: CeboxApp = make_app(server=helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await catalogue(pilot)
        assert screen.source == "builtin"
        assert "own forms" in str(screen.query_one("#forms-source", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NewTicketScreen) and app.screen.server_form is None


async def test_ip_question_appears_only_for_loss_of_connection(
    make_app: Any, fc_helpdesk: Any
) -> None:
    app: CeboxApp = make_app(server=fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        ip = widget(screen, "IP ceBox")
        assert not ip.display
        # Keyboard: the type is the first field, focused.
        await pilot.press("enter", "down", "down", "down", "enter")
        await pilot.pause()
        assert widget(screen, "Type d'incident").get_value() == "Perte de connexion"
        assert ip.display
        await pilot.press("enter", "up", "enter")
        await pilot.pause()
        assert not ip.display
        unsupported = widget(screen, "Matériel concerné")
        assert "formdisplay.php?id=1" in str(unsupported.query_one(".field-note", Static).render())


async def test_every_problem_shown_at_once_and_nothing_sent(
    make_app: Any, fresh_fc_helpdesk: Any
) -> None:
    app: CeboxApp = make_app(server=fresh_fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        fill(
            screen, **{"Type d'incident": "Perte de connexion", "Nombre de postes impactés": "900"}
        )
        fresh_fc_helpdesk.clear_log()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert error_of(screen, "Titre") and error_of(screen, "Description détaillée")
        assert "500" in error_of(screen, "Nombre de postes impactés")
        assert error_of(screen, "IP ceBox") and error_of(screen, "Nom du compte ceBox")
        assert "5 field(s)" in status(screen)
        assert [e for e in fresh_fc_helpdesk.request_log if e.method == "POST"] == []


async def test_the_servers_refusal_is_shown(make_app: Any, fresh_fc_helpdesk: Any) -> None:
    app: CeboxApp = make_app(server=fresh_fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        fill(screen, **GOOD, **{"Nom ceBox": "cebox_42"})  # \p{L}: only the server checks
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen is screen
        assert "Specific format does not match: Nom ceBox" in status(screen)


async def test_submit_creates_the_ticket_with_the_file_and_me_as_requester(
    make_app: Any, fresh_fc_helpdesk: Any, tmp_path: Path
) -> None:
    shot = tmp_path / "capture.png"
    shot.write_bytes(b"\x89PNG")
    created: list[int] = []

    def hook(message: Message) -> None:
        if isinstance(message, TicketCreated):
            created.append(message.ticket_id)

    app: CeboxApp = make_app(server=fresh_fc_helpdesk)
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        screen = await open_incident(pilot)
        fill(
            screen,
            **{**GOOD, "Type d'incident": "Perte de connexion", "IP ceBox": "192.168.10.20"},
        )
        widget(screen, "Captures et journaux").query_one(AttachmentList).set_paths([shot])
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(set(created)) == 1  # one ticket (the message bubbles up to the app)
        store = fresh_fc_helpdesk.store
        ticket = store.ticket(created[0])
        assert ticket["name"] == "ceBox lente" and "192.168.10.20" in ticket["content"]
        assert [(u["users_id"], u["type"]) for u in store.ticket_users(created[0])] == [
            (POST_ONLY, 1)
        ]
        assert [d["filename"] for d in store.documents(created[0])] == ["capture.png"]
        assert screen.workspace.drafts.load(screen.key) is None


async def test_multiple_choices_of_the_request_form(make_app: Any, fresh_fc_helpdesk: Any) -> None:
    app: CeboxApp = make_app(server=fresh_fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        await catalogue(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewTicketScreen)
        services = widget(screen, "Services concernés")
        services.query_one(SelectionList).focus()
        await pilot.press("space", "down", "space")
        await pilot.pause()
        assert services.get_value() == ["ceBox", "Console"]


async def test_a_changed_form_offers_old_answers_by_question_id(
    make_app: Any, fresh_fc_helpdesk: Any
) -> None:
    app: CeboxApp = make_app(server=fresh_fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        fill(screen, **{"Titre": "Gardé", "Nom du compte ceBox": "ACME"})
        await pilot.press("escape")
        await settle(pilot)
        # The support renames a question and removes another meanwhile.
        store = fresh_fc_helpdesk.store
        store.execute(
            "UPDATE glpi_plugin_formcreator_questions SET name = 'Résumé' WHERE name = 'Titre'"
            " AND plugin_formcreator_sections_id = 1"
        )
        store.execute(
            "DELETE FROM glpi_plugin_formcreator_questions WHERE name = 'Nom du compte ceBox'"
        )
        _CACHE.clear()
        await pilot.press("escape")
        await settle(pilot)
        await catalogue(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "changed" in str(app.screen.query_one("#dialog-body", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewTicketScreen)
        assert widget(screen, "Résumé").get_value() == "Gardé"
        assert screen.server_form is not None
        assert screen.server_form.question("Nom du compte ceBox") is None


async def test_after_a_lost_answer_a_second_send_needs_a_yes(
    make_app: Any, fresh_fc_helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answers went out, the reply never came back (a fault the server cannot
    produce on demand): the ticket exists, so the console asks before sending again."""
    import cebox_support.tui.api.formcreator as fc_module
    from cebox_support.tui.api.errors import Timeout

    real = fc_module.submit_form

    async def lost(*args: Any, **kwargs: Any) -> Any:
        await real(*args, **kwargs)
        error = Timeout("The server did not answer in time.", uncertain=True)
        return fc_module.FormSubmission(error=error, maybe_sent=True)

    monkeypatch.setattr(fc_module, "submit_form", lost)
    app: CeboxApp = make_app(server=fresh_fc_helpdesk)
    store = fresh_fc_helpdesk.store
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_incident(pilot)
        fill(screen, **GOOD)
        before = store.count("tickets")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert store.count("tickets") == before + 1
        assert "may have been created" in status(screen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and store.count("tickets") == before + 1


async def test_the_palettes_new_incident_opens_the_servers_incident_form(
    make_app: Any, fc_helpdesk: Any
) -> None:
    app: CeboxApp = make_app(server=fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.route(NewTicket("incident"))
        screen = await screen_ready(pilot, NewTicketScreen)
        assert isinstance(screen, NewTicketScreen)
        assert screen.server_form is not None
        assert screen.server_form.name == "Déclarer un incident ceBox"
        await pilot.press("escape")
        await settle(pilot)
        assert not any(isinstance(s, FormsScreen) for s in app.screen_stack)


async def test_hostile_form_text_is_shown_literally(make_app: Any, fresh_fc_helpdesk: Any) -> None:
    """Names, labels and choices come from the server: never markup, never escapes."""
    store = fresh_fc_helpdesk.store
    store.execute(
        "UPDATE glpi_plugin_formcreator_forms SET name = ?, description = ? WHERE id = 1",
        ("[bold red]Incident[/] \x1b]52;c;aGk=\x07", "[link=x]clic[/link] \x1b[2J"),
    )
    store.execute(
        "UPDATE glpi_plugin_formcreator_questions SET name = ? WHERE id = 2",
        ("[reverse]Titre\x1b[31m",),
    )
    app: CeboxApp = make_app(server=fresh_fc_helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await catalogue(pilot)
        options = screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[1].startswith("[bold red]Incident[/]")
        assert not any("\x1b" in p or "\x07" in p for p in prompts)
        assert "[link=x]clic[/link]" in prompts[1]
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewTicketScreen) and form.server_form is not None
        label = form.field_widget("q2").query_one(".field-label", Static)
        assert str(label.render()) == "[reverse]Titre *"
