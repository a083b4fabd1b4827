"""The new-ticket form: keyboard-only creation, every error at once, drafts, partial uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.screens.forms import FormsScreen
from cebox_support.screens.new_ticket import NewTicketScreen, draft_key
from cebox_support.screens.relogin import ReloginScreen
from cebox_support.tui.api.errors import Unreachable
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.config import config_dir
from cebox_support.tui.forms.loader import SHIPPED_DIR
from cebox_support.tui.messages import NewTicket, TicketCreated
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.form_fields import FieldWidget
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static

from tests.conftest import screen_ready, settle, wait_for
from tests.helpers import StubDashboard, stub_dashboard

POST_ONLY = 3
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(autouse=True)
def stub_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    made = {
        "log": folder / "qgaAgent.txt",
        "shot": folder / "capture écran.png",
        "big": folder / "huge.bin",
    }
    made["log"].write_text("2026-11-28 09:58 join failed\n", encoding="utf-8")
    made["shot"].write_bytes(b"\x89PNG\r\n" + b"\0" * 2048)
    made["big"].write_bytes(b"\0" * (2 * 1024 * 1024 + 1))  # the helpdesk allows 2 MB
    return made


@pytest.fixture
def app(make_app: Any, fresh_helpdesk: Any) -> CeboxApp:
    built: CeboxApp = make_app(server=fresh_helpdesk)
    return built


@pytest.fixture
def restarted(make_app: Any, fresh_helpdesk: Any) -> tuple[CeboxApp, CeboxApp]:
    """Two consoles in turn on the same machine (same XDG dirs), like a quit and a restart."""
    return make_app(server=fresh_helpdesk), make_app(server=fresh_helpdesk)


# -- helpers ----------------------------------------------------------------------------


async def open_form(pilot: Any, form_id: str = "incident") -> NewTicketScreen:
    await pilot.pause()
    pilot.app.route(NewTicket(form_id))
    await screen_ready(pilot, NewTicketScreen)
    return form_screen(pilot.app)


def form_screen(app: CeboxApp) -> NewTicketScreen:
    assert isinstance(app.screen, NewTicketScreen), app.screen
    return app.screen


def field(app: CeboxApp, name: str) -> FieldWidget:
    return form_screen(app).field_widget(name)


def error_of(app: CeboxApp, name: str) -> str:
    widget = field(app, name).query_one(".field-error", Static)
    return str(widget.render()) if widget.display else ""


def status(app: CeboxApp) -> str:
    widget = form_screen(app).query_one("#form-status", Static)
    return str(widget.render()) if widget.display else ""


def attachment_message(app: CeboxApp) -> str:
    widget = form_screen(app).query_one(AttachmentList).query_one(".attachments-message", Static)
    return str(widget.render()) if widget.display else ""


def posts(server: Any) -> list[str]:
    return [e.path for e in server.request_log if e.method != "GET"]


async def choose_first(pilot: Any) -> None:
    """Open the focused Select and take its first choice."""
    await pilot.press("enter", "down", "enter")


INCIDENT = {
    "title": "VDI down",
    "description": "Nothing starts.\nError 0x80070005.",
    "account": "ACME",
    "workstations": "3",
    "started_at": "hier 9h",
    "actions_taken": "Restarted.",
    "cebox_ip": "192.0.2.10",
    "cebox_name": "cebox-042",
}


async def fill_incident(pilot: Any, **changes: str) -> None:
    """Every required field and a few more, then focus on the documents' path input."""
    await choose_first(pilot)
    for name, value in {**INCIDENT, **changes}.items():
        field(pilot.app, name).set_value(value)
    field(pilot.app, "documents").focus_input()
    await pilot.pause()


def attach(app: CeboxApp, *paths: Path) -> None:
    for path in paths:
        assert form_screen(app).query_one(AttachmentList).add_path(path)


def last_ticket(server: Any) -> dict[str, Any]:
    row = server.store.query_one("SELECT id FROM glpi_tickets ORDER BY id DESC LIMIT 1")
    assert row is not None
    return server.store.ticket(row["id"])


# -- snapshots ----------------------------------------------------------------------------


async def _open_incident(pilot: Any) -> None:
    await open_form(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


async def _open_incident_with_errors(pilot: Any) -> None:
    await _open_incident(pilot)
    await pilot.press("f5")
    await pilot.pause()


@SIZES
def test_snapshot_incident_empty(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), run_before=_open_incident, terminal_size=size)


@SIZES
def test_snapshot_incident_errors(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), run_before=_open_incident_with_errors, terminal_size=size)


# -- keyboard-only creation -------------------------------------------------------------------


async def test_keyboard_only_creation_with_two_attachments(
    app: CeboxApp, fresh_helpdesk: Any, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[int] = []

    def hook(message: Message) -> None:
        if isinstance(message, TicketCreated):
            created.append(message.ticket_id)

    monkeypatch.chdir(files["log"].parent)  # paths typed relative to where the console runs
    before = fresh_helpdesk.store.count("tickets")
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")  # the palette is how a keyboard user gets here
        await pilot.pause()
        await pilot.press(*"New incident", "enter")
        await settle(pilot)
        screen = form_screen(app)
        assert screen.form.id == "incident"
        await choose_first(pilot)
        await pilot.press("tab", *"VDI down")
        await pilot.press("tab", *"No boot", "enter", *"Err 5")
        await pilot.press("tab", *"ACME", "tab", "3", "tab", *"hier 9h")
        await pilot.press("tab", *"Restart", "tab", "tab", *"192.0.2.10", "tab", *"cebox-4")
        await pilot.press("tab", "tab")  # console description left empty
        await pilot.press(*files["log"].name, "enter", *files["shot"].name, "enter")
        documents = screen.query_one(AttachmentList)
        assert documents.paths == [files["log"].resolve(), files["shot"].resolve()]
        rows = [str(o.prompt) for o in documents.query_one(OptionList).options]
        assert rows == ["qgaAgent.txt  29 B", "capture écran.png  2 KB"]
        await pilot.press("tab", "tab", "tab")  # list, Browse…, then the Submit button
        assert isinstance(screen.focused, Button) and screen.focused.id == "form-submit"
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(lambda: bool(created))

        ticket_id = created[0]
        assert isinstance(app.screen, StubDashboard) and app.screen.ticket_id == ticket_id
        assert not any(isinstance(s, FormsScreen | NewTicketScreen) for s in app.screen_stack)
        assert app.workspace is not None
        assert app.workspace.drafts.load(draft_key("incident")) is None

    store = fresh_helpdesk.store
    assert store.count("tickets") == before + 1
    ticket = store.ticket(ticket_id)
    assert ticket["name"] == "VDI down"
    assert ticket["type"] == 1
    assert [u["users_id"] for u in store.ticket_users(ticket_id) if u["type"] == 1] == [POST_ONLY]
    content = ticket["content"]
    for expected in (
        "<p>No boot<br>Err 5</p>",
        "<td>ceBox injoignable</td>",
        "<td>ACME</td>",
        "<td>3</td>",
        "<td>27/11/2026 09:00</td>",
        "<p>Restart</p>",
        "<td>192.0.2.10</td>",
        "<td>cebox-4</td>",
        "qgaAgent.txt (29 B)",
    ):
        assert expected in content, expected
    docs = store.documents(ticket_id)
    assert [(d["filename"], d["link_itemtype"]) for d in docs] == [
        ("qgaAgent.txt", "Ticket"),
        ("capture écran.png", "Ticket"),
    ]
    assert store.document_data(docs[0]["id"]) == files["log"].read_bytes()


async def test_category_comes_from_the_chosen_type(app: CeboxApp, fresh_helpdesk: Any) -> None:
    """A profile's own copy of the form binds a choice to a GLPI category."""
    folder = config_dir() / "forms" / "test"
    folder.mkdir(parents=True)
    text = (SHIPPED_DIR / "incident.toml").read_text(encoding="utf-8")
    text = text.replace('value = "unreachable"\n', 'value = "unreachable"\ncategory_id = 3\n')
    (folder / "incident.toml").write_text(text, encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await fill_incident(pilot, title="Network category")
        await pilot.press("f5")
        await settle(pilot)
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
    ticket = last_ticket(fresh_helpdesk)
    assert (ticket["name"], ticket["itilcategories_id"], ticket["type"]) == (
        "Network category",
        3,
        1,
    )


async def test_request_form_files_a_request(app: CeboxApp, fresh_helpdesk: Any) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "request")
        await choose_first(pilot)
        await pilot.press("tab", *"New account", "tab", *"For Marie Curie")
        await pilot.press("ctrl+r")
        await settle(pilot)
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
    ticket = last_ticket(fresh_helpdesk)
    assert (ticket["name"], ticket["type"]) == ("New account", 2)
    assert "Création de compte" in ticket["content"]


# -- validation -----------------------------------------------------------------------------


async def test_every_missing_field_shown_at_once_nothing_sent(
    app: CeboxApp, fresh_helpdesk: Any
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        sent = posts(fresh_helpdesk)
        await pilot.press("f5")
        await settle(pilot)
        for name in ("type", "title", "description", "account", "workstations"):
            assert error_of(app, name) == "This field is required.", name
        for name in ("started_at", "cebox_ip", "documents"):
            assert error_of(app, name) == ""
        assert "5 field(s)" in status(app)
        assert screen.focused is field(app, "type").input
        assert field(app, "title").has_class("-invalid")
        assert posts(fresh_helpdesk) == sent

        await pilot.press("tab", *"x")  # editing a field clears its error only
        assert error_of(app, "title") == ""
        assert error_of(app, "description") == "This field is required."


async def test_every_invalid_value_reported(
    app: CeboxApp, fresh_helpdesk: Any, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files["log"].parent)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot)
        await choose_first(pilot)
        values = {
            "title": "t" * 256,
            "description": "ok",
            "account": "ACME",
            "workstations": "0",
            "started_at": "demain 9h",
            "cebox_ipv6": "192.0.2.1",
            "cebox_ip": "300.1.1.1",
            "cebox_name": "-bad-",
        }
        for name, value in values.items():
            field(app, name).set_value(value)
        await pilot.pause()
        sent = posts(fresh_helpdesk)
        await pilot.press("f5")
        await settle(pilot)
        assert error_of(app, "title") == "At most 255 characters (256 given)."
        assert error_of(app, "workstations") == "Must be at least 1."
        assert error_of(app, "started_at").startswith("Unrecognised date or time.")
        assert "IPv6" in error_of(app, "cebox_ipv6")
        assert "IPv4" in error_of(app, "cebox_ip")
        assert error_of(app, "cebox_name").startswith("Not a valid host name")
        assert error_of(app, "description") == error_of(app, "account") == ""
        assert screen.focused is field(app, "title").input
        assert posts(fresh_helpdesk) == sent

        field(app, "workstations").set_value("two")
        await pilot.press("f5")
        await pilot.pause()
        assert error_of(app, "workstations") == "Enter a whole number."

        # documents are refused as soon as they are typed, with the reason
        field(app, "documents").focus_input()
        await pilot.press(*"missing.txt", "enter")
        assert attachment_message(app).startswith("File not found:")
        await pilot.press("ctrl+u")
        await pilot.press(*"..", "enter")
        assert "is a folder, not a file." in attachment_message(app)
        await pilot.press("ctrl+u")
        await pilot.press(*"huge.bin", "enter")
        assert attachment_message(app) == "huge.bin is too big: 2 MB, the limit is 2 MB."
        assert screen.query_one(AttachmentList).paths == []
        attachments = screen.query_one(AttachmentList)
        assert screen.focused is attachments.query_one(Input)
        assert attachments.query_one(Input).value == "huge.bin"  # kept, to be corrected

        # a file accepted, then gone before sending: caught by the check, nothing sent
        await pilot.press("ctrl+u")
        await pilot.press(*files["shot"].name, "enter")
        assert attachment_message(app) == ""
        files["shot"].unlink()
        await pilot.press("f5")
        await pilot.pause()
        assert error_of(app, "documents").startswith("File not found:")
        assert posts(fresh_helpdesk) == sent


async def test_delete_removes_the_selected_file(app: CeboxApp, files: dict[str, Path]) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, "request")
        field(app, "documents").focus_input()
        attach(app, files["log"], files["shot"])
        await pilot.press("tab", "tab")  # past Browse…, into the list
        assert isinstance(screen.focused, OptionList)
        await pilot.press("down", "delete")
        assert [p.name for p in screen.query_one(AttachmentList).paths] == ["qgaAgent.txt"]
        await pilot.press("delete")
        assert screen.query_one(AttachmentList).paths == []
        assert screen.focused is screen.query_one(AttachmentList).query_one(Input)


async def test_editor_key_edits_the_description(
    app: CeboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def fake_edit(app: Any, text: str, *, configured: str = "", suffix: str = "") -> str:
        seen.append(text)
        return text + "\nwritten in vim\n"

    monkeypatch.setattr("cebox_support.tui.editor.edit_text", fake_edit)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("tab", "tab", *"first line", "f4")
        await pilot.pause()
        assert seen == ["first line"]
        assert field(app, "description").get_value() == "first line\nwritten in vim"


# -- drafts -----------------------------------------------------------------------------------


async def test_draft_restored_after_a_restart(
    restarted: tuple[CeboxApp, CeboxApp], fresh_helpdesk: Any, files: dict[str, Path]
) -> None:
    first, second = restarted
    async with first.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await choose_first(pilot)
        await pilot.press("tab", *"Half typed", "tab", *"Detail")
        attach(first, files["log"])
        await wait_for(lambda: screen.workspace.drafts.load(draft_key("incident")) is not None)
        field(first, "account").focus_input()
        await pilot.press(*"ACM")  # the last keystrokes are saved on quit, without waiting
    assert second.workspace is not None
    saved = second.workspace.drafts.load(draft_key("incident"))
    assert saved is not None and saved["answers"]["account"] == "ACM"

    async with second.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        second.route(NewTicket())
        await settle(pilot)
        forms = second.screen
        assert isinstance(forms, FormsScreen)
        options = forms.query_one(OptionList)
        assert "(draft saved)" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(second.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert field(second, "type").get_value() == "unreachable"
        assert field(second, "title").get_value() == "Half typed"
        assert field(second, "description").get_value() == "Detail"
        assert field(second, "account").get_value() == "ACM"
        assert field(second, "documents").get_value() == [str(files["log"].resolve())]

        field(second, "account").focus_input()
        await pilot.press("end", "E", "tab", "1", "f5")
        await settle(pilot)
        await wait_for(lambda: isinstance(second.screen, StubDashboard))
        assert second.workspace.drafts.load(draft_key("incident")) is None
    ticket = last_ticket(fresh_helpdesk)
    assert ticket["name"] == "Half typed"
    assert [d["filename"] for d in fresh_helpdesk.store.documents(ticket["id"])] == ["qgaAgent.txt"]


async def test_declined_draft_starts_empty(restarted: tuple[CeboxApp, CeboxApp]) -> None:
    first, second = restarted
    async with first.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "request")
        await pilot.press("tab", *"Old idea")
    async with second.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        second.route(NewTicket("request"))
        await wait_for(lambda: isinstance(second.screen, ConfirmScreen))
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert field(second, "title").get_value() == ""


# -- failures ---------------------------------------------------------------------------------


def flaky_uploads(app: CeboxApp, failing: str, times: int = 1) -> list[str]:
    """Make the upload of `failing` break `times` times; returns every file name tried."""
    assert app.workspace is not None
    client = app.workspace.client
    real = client.upload_document
    tried: list[str] = []
    left = [times]

    async def upload(ticket_id: int, path: Path) -> int:
        tried.append(Path(path).name)
        if Path(path).name == failing and left[0] > 0:
            left[0] -= 1
            raise Unreachable("The connection to the server broke.")
        return await real(ticket_id, path)

    client.upload_document = upload  # type: ignore[method-assign]
    return tried


async def test_partial_upload_failure_then_retry_without_duplicate(
    app: CeboxApp, fresh_helpdesk: Any, files: dict[str, Path]
) -> None:
    before = fresh_helpdesk.store.count("tickets")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        tried = flaky_uploads(app, "capture écran.png")
        await fill_incident(pilot, title="Partial upload")
        attach(app, files["log"], files["shot"])
        await pilot.press("f5")
        await settle(pilot)

        assert screen is app.screen  # still on the form, told what failed
        ticket_id = last_ticket(fresh_helpdesk)["id"]
        assert screen.ticket_id == ticket_id
        assert f"Ticket {ticket_id} created" in status(app)
        assert "capture écran.png: The connection to the server broke." in status(app)
        assert "capture écran.png" in error_of(app, "documents")
        assert field(app, "title").disabled and not field(app, "documents").disabled
        assert str(screen.query_one("#form-submit", Button).label) == "Send the documents"
        saved = screen.workspace.drafts.load(draft_key("incident"))
        assert saved is not None and saved["ticket_id"] == ticket_id

        await pilot.press("f5")
        await settle(pilot)
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
        assert isinstance(app.screen, StubDashboard) and app.screen.ticket_id == ticket_id
        assert screen.workspace.drafts.load(draft_key("incident")) is None
    assert tried == ["qgaAgent.txt", "capture écran.png", "capture écran.png"]
    assert fresh_helpdesk.store.count("tickets") == before + 1
    names = [d["filename"] for d in fresh_helpdesk.store.documents(ticket_id)]
    assert names == ["qgaAgent.txt", "capture écran.png"]


async def test_partial_failure_survives_a_restart(
    restarted: tuple[CeboxApp, CeboxApp], fresh_helpdesk: Any, files: dict[str, Path]
) -> None:
    first, second = restarted
    before = fresh_helpdesk.store.count("tickets")
    async with first.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        flaky_uploads(first, "qgaAgent.txt")
        await fill_incident(pilot, title="Restart midway")
        attach(first, files["log"], files["shot"])
        await pilot.press("f5")
        await settle(pilot)
        ticket_id = form_screen(first).ticket_id
        assert ticket_id is not None
    async with second.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        second.route(NewTicket("incident"))
        await wait_for(lambda: isinstance(second.screen, ConfirmScreen))
        await pilot.pause()
        assert f"Ticket {ticket_id} was created" in str(
            second.screen.query_one("#dialog-body", Static).render()
        )
        await pilot.press("y")
        await pilot.pause()
        assert f"Ticket {ticket_id} exists" in status(second)
        await pilot.press("f5")
        await settle(pilot)
        await wait_for(lambda: isinstance(second.screen, StubDashboard))
    assert fresh_helpdesk.store.count("tickets") == before + 1
    names = [d["filename"] for d in fresh_helpdesk.store.documents(ticket_id)]
    assert names == ["capture écran.png", "qgaAgent.txt"]


async def test_expired_session_logs_in_again_and_sends_once(
    app: CeboxApp, fresh_helpdesk: Any
) -> None:
    before = fresh_helpdesk.store.count("tickets")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "request")
        await choose_first(pilot)
        await pilot.press("tab", *"After expiry", "tab", *"details")
        assert app.workspace is not None and app.workspace.client.session_token
        fresh_helpdesk.store.kill_session(app.workspace.client.session_token)
        await pilot.press("f5")
        await wait_for(lambda: isinstance(app.screen, ReloginScreen))
        await pilot.press(*"postonly", "enter")
        await wait_for(lambda: isinstance(app.screen, StubDashboard))
    assert fresh_helpdesk.store.count("tickets") == before + 1
    assert last_ticket(fresh_helpdesk)["name"] == "After expiry"


async def test_server_refusal_keeps_the_form_and_the_draft(
    app: CeboxApp, fresh_helpdesk: Any
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, "request")
        await choose_first(pilot)
        await pilot.press("tab", *"Refused", "tab", *"details")
        assert app.workspace is not None
        fresh_helpdesk.store.api_enabled = False
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen is screen and screen.ticket_id is None
        assert "press Ctrl+R to try again" in status(app)
        assert not screen.query_one("#form-submit", Button).disabled
        saved = screen.workspace.drafts.load(draft_key("request"))
        assert saved is not None and saved["answers"]["title"] == "Refused"


async def test_browse_opens_the_file_picker(app: CeboxApp, files: dict[str, Path]) -> None:
    from textual_fspicker import FileOpen

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, "request")
        field(app, "documents").focus_input()
        await pilot.press("tab", "enter")  # the Browse… button
        await wait_for(lambda: isinstance(app.screen, FileOpen))
        app.screen.dismiss(files["log"])
        attachments = screen.query_one(AttachmentList)
        path_input = attachments.query_one(Input)
        await wait_for(lambda: app.screen is screen and screen.focused is path_input)
        assert attachments.paths == [files["log"].resolve()]
        assert screen.focused is path_input
