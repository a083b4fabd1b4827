"""Server text is never markup (issue 24 item 2), in a form and everywhere around it.

Every text of a form — its name and description, section names, question labels and
descriptions, choices — holds `[`…`]`, `[/x]`, `[@click=app.quit]` and `[link=…]`, served
by the embedded helpdesk's Formcreator and, for the built-in path, by a form file. Every
select and list is opened (a choice like `Journaux [/var/log]` crashed Textual's option
list), and the screen is read: the texts are there literally, nothing is a click action
or a link, and the title bar and the toasts say the same.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cebox_support.screens.forms import FormsScreen, profile_forms_dir
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.tui.api.formcreator import _CACHE
from cebox_support.tui.machine import MachineFacts
from cebox_support.tui.messages import NewTicket
from rich.text import Text
from textual.content import Content
from textual.widgets import Label, OptionList, Select, SelectionList, Static
from textual.widgets._header import HeaderTitle
from textual.widgets._toast import Toast

from tests.conftest import wait_for
from tests.helpers import stub_dashboard

SIZE = (120, 60)
FORM = "Formulaire [b]gras[/b] [@click=app.quit]Q[/]"
DESCRIPTION = "Voir [link=https://evil.example]ici[/link] [/x]"
SECTION = "Rubrique [/x] [@click=app.quit]R[/]"
LABEL = "Question [@click=app.quit]cliquer[/] [/x]"
HELP = "Aide [link=https://evil.example]lien[/link] [red]rouge[/red]"
CHOICES = [
    "Journaux [/var/log]",
    "[@click=app.quit]Quitter[/]",
    "[link=https://evil.example]Lien[/link]",
    "Tableau [1] [/x]",
]


@pytest.fixture(autouse=True)
def stub_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)
    monkeypatch.setattr(
        "cebox_support.tui.machine.this_machine",
        lambda: MachineFacts(hostname="cebox-042", ipv4="192.0.2.10", ipv6=None),
    )
    _CACHE.clear()


def plain(renderable: Any) -> str:
    if isinstance(renderable, Content | Text):
        return renderable.plain
    return str(renderable)


def actions(screen: Any) -> list[str]:
    """Every click action or link on a cell of the screen."""
    width, height = SIZE
    found = set()
    for y in range(height):
        for x in range(width):
            style = screen.get_style_at(x, y)
            if "@click" in style.meta:
                found.add(str(style.meta["@click"]))
            if style.link:
                found.add(style.link)
    return sorted(found)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_every_list(pilot: Any, screen: NewTicketScreen) -> list[str]:
    """Each select opened (its options drawn), each selection list shown: their texts."""
    seen: list[str] = []
    for select in screen.query(Select):
        select.scroll_visible(animate=False)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = select.query_one(OptionList)
        assert select.expanded and overlay.display
        seen += [plain(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert pilot.app.is_running
        assert not [a for a in actions(pilot.app.screen) if "quit" in a or "evil" in a]
        await pilot.press("escape")
        await pilot.pause()
    for selection in screen.query(SelectionList):
        selection.scroll_visible(animate=False)
        selection.focus()
        await pilot.pause()
        seen += [
            plain(selection.get_option_at_index(i).prompt) for i in range(selection.option_count)
        ]
    return seen


def toasts(app: Any) -> list[str]:
    return [plain(t.render()) for t in app.screen.query(Toast)]


def shown_text(screen: Any) -> str:
    return "\n".join(plain(w.render()) for w in screen.query("Static, Label"))


def assert_inert(pilot: Any, screen: Any) -> None:
    assert pilot.app.is_running
    assert not [a for a in actions(screen) if "quit" in a or "evil" in a]
    title = plain(pilot.app.screen.query_one(HeaderTitle).render())
    assert title.endswith(FORM), title


def questions(store: Any, assignments: str, where: str, *params: str) -> None:
    """Change the questions of the helpdesk's form 1 (as its support would)."""
    store.execute(
        f"UPDATE glpi_plugin_formcreator_questions SET {assignments} WHERE {where} AND "
        "plugin_formcreator_sections_id IN (SELECT id FROM glpi_plugin_formcreator_sections "
        "WHERE plugin_formcreator_forms_id = 1)",
        params,
    )


async def test_a_formcreator_form_full_of_brackets_reads_literally(
    make_app: Any, fresh_fc_helpdesk: Any
) -> None:
    store = fresh_fc_helpdesk.store
    store.execute(
        "UPDATE glpi_plugin_formcreator_forms SET name = ?, description = ? WHERE id = 1",
        (FORM, DESCRIPTION),
    )
    store.execute(
        "UPDATE glpi_plugin_formcreator_sections SET name = ? WHERE plugin_formcreator_forms_id = 1",
        (SECTION,),
    )
    # a list of several choices and a radio list too; every question shown
    questions(store, "fieldtype = 'checkboxes'", "name = 'Actions déjà effectuées'")
    questions(store, "fieldtype = 'radios'", "name = 'Impact sur la console'")
    questions(store, "name = ?", "name = 'IP ceBox'", LABEL + " IP")  # F6 fills it
    questions(store, "name = ? || id", "name NOT LIKE 'Question%'", LABEL)
    questions(store, "show_rule = 1, description = ?", "1", HELP)
    values = json.dumps(CHOICES, separators=(",", ":")).replace("/", "\\/")
    questions(store, '"values" = ?', "fieldtype IN ('select', 'radios', 'checkboxes')", values)
    app = make_app(server=fresh_fc_helpdesk)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.route(NewTicket(None))
        await settle(pilot)
        catalogue = app.screen
        assert isinstance(catalogue, FormsScreen)
        options = catalogue.query_one(OptionList)
        prompts = [
            plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        ]
        assert any(p.startswith(FORM) and DESCRIPTION in p for p in prompts), prompts
        assert not [a for a in actions(catalogue) if "quit" in a or "evil" in a]
        index = next(i for i, p in enumerate(prompts) if p.startswith(FORM))
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewTicketScreen) and form.server_form is not None
        assert form.query(Select) and form.query(SelectionList)
        listed = await open_every_list(pilot, form)
        for choice in CHOICES:
            assert choice in listed, (choice, listed)
        text = shown_text(form)
        for literal in (DESCRIPTION, SECTION, LABEL + "2", HELP):
            assert literal in text, (literal, text)
        assert_inert(pilot, form)
        await pilot.press("f6")  # a toast names the questions it filled
        await wait_for(lambda: any(LABEL in t for t in toasts(app)))
        assert_inert(pilot, app.screen)


BUILTIN = f"""
id = "hostile"
ticket_type = 1
title = {{ fr = {json.dumps(FORM)}, en = {json.dumps(FORM)} }}
summary = {{ fr = {json.dumps(DESCRIPTION)}, en = {json.dumps(DESCRIPTION)} }}

[[fields]]
name = "kind"
kind = "choice"
role = "type"
label = {{ fr = {json.dumps(LABEL)}, en = {json.dumps(LABEL)} }}
help = {{ fr = {json.dumps(HELP)}, en = {json.dumps(HELP)} }}
section = {{ fr = {json.dumps(SECTION)}, en = {json.dumps(SECTION)} }}
{
    "".join(
        f'''
[[fields.choices]]
value = "c{i}"
label = {{ fr = {json.dumps(c)}, en = {json.dumps(c)} }}
'''
        for i, c in enumerate(CHOICES)
    )
}
[[fields]]
name = "title"
kind = "text"
role = "title"
required = true
label = {{ fr = {json.dumps(LABEL + "T")}, en = {json.dumps(LABEL + "T")} }}

[[fields]]
name = "cebox_name"
kind = "hostname"
label = {{ fr = {json.dumps(LABEL + "H")}, en = {json.dumps(LABEL + "H")} }}
"""


async def test_a_builtin_form_full_of_brackets_reads_literally(make_app: Any) -> None:
    app = make_app()
    folder = profile_forms_dir(app.workspace)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.toml").write_text(BUILTIN, encoding="utf-8")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.route(NewTicket(None))
        await settle(pilot)
        catalogue = app.screen
        assert isinstance(catalogue, FormsScreen)
        assert not [p.message for p in catalogue.problems]
        options = catalogue.query_one(OptionList)
        prompts = [
            plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        ]
        index = next(i for i, p in enumerate(prompts) if p.startswith(FORM))
        assert DESCRIPTION in prompts[index]
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewTicketScreen) and form.form.id == "hostile"
        listed = await open_every_list(pilot, form)
        assert [c for c in CHOICES if c in listed] == CHOICES, listed
        text = shown_text(form)
        for literal in (DESCRIPTION, SECTION, LABEL, HELP):
            assert literal in text, (literal, text)
        assert_inert(pilot, form)
        await pilot.press("f6")
        await wait_for(lambda: any(LABEL + "H" in t for t in toasts(app)))
        assert_inert(pilot, app.screen)


async def test_toasts_and_dialog_titles_are_never_markup(make_app: Any) -> None:
    """Every toast, whoever sends it, and a dialog's title: plain text."""
    from cebox_support.screens.confirm import ConfirmScreen

    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.notify(CHOICES[0], title=FORM)
        app.screen.notify(LABEL, title=SECTION)
        await pilot.pause()
        await app.push_screen(ConfirmScreen(FORM, DESCRIPTION))
        await pilot.pause()
        await wait_for(lambda: any(CHOICES[0] in t and FORM in t for t in toasts(app)))
        assert any(LABEL in t and SECTION in t for t in toasts(app)), toasts(app)
        dialog = app.screen
        assert plain(dialog.query_one("#dialog-title", Label).render()) == FORM
        assert plain(dialog.query_one("#dialog-body", Static).render()) == DESCRIPTION
        assert app.is_running
        assert not [a for a in actions(app.screen) if "quit" in a or "evil" in a]
