"""The forms catalogue: shipped forms, per-profile overrides, broken files as warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.forms import FormsScreen, profile_forms_dir
from cebox_support.screens.new_ticket import NewTicketScreen
from cebox_support.tui.app import CeboxApp
from cebox_support.tui.config import config_dir
from cebox_support.tui.forms.loader import SHIPPED_DIR
from cebox_support.tui.messages import NewTicket
from textual.widgets import OptionList, Static

from tests.helpers import StubDashboard, stub_dashboard

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(autouse=True)
def stub_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch, ticket=True)


def profile_dir() -> Path:
    folder = config_dir() / "forms" / "test"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def open_catalogue(pilot: Any, form_id: str | None = None) -> FormsScreen:
    await pilot.pause()
    pilot.app.route(NewTicket(form_id))
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = next(s for s in pilot.app.screen_stack if isinstance(s, FormsScreen))
    return screen


def titles(screen: FormsScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


# -- snapshots ------------------------------------------------------------------------------


async def _catalogue(pilot: Any) -> None:
    await open_catalogue(pilot)


@SIZES
def test_snapshot_catalogue(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), run_before=_catalogue, terminal_size=size)


# -- behaviour --------------------------------------------------------------------------------


async def test_lists_the_two_notice_forms_and_opens_one(make_app: Any) -> None:
    app: CeboxApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_catalogue(pilot)
        assert app.screen is screen
        assert [f.id for f in screen.forms] == ["incident", "request"]
        shown = titles(screen)
        assert shown[0].startswith("Report a ceBox incident\nSomething stopped working")
        assert shown[1].startswith("Open a ceBox request\n")
        assert not screen.query_one("#forms-warnings", Static).display
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewTicketScreen) and app.screen.form.id == "request"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StubDashboard)


async def test_open_form_goes_straight_to_the_form_and_back(make_app: Any) -> None:
    app: CeboxApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_catalogue(pilot, "incident")
        assert isinstance(app.screen, NewTicketScreen) and app.screen.form.id == "incident"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StubDashboard)  # not left on the catalogue


async def test_unknown_form_stays_on_the_catalogue(make_app: Any) -> None:
    app: CeboxApp = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_catalogue(pilot, "nope")
        assert app.screen is screen
        assert any("no form named nope" in n.message for n in app._notifications)


async def test_profile_forms_override_and_extend(make_app: Any) -> None:
    folder = profile_dir()
    incident = (SHIPPED_DIR / "incident.toml").read_text(encoding="utf-8")
    (folder / "incident.toml").write_text(
        incident.replace("Report a ceBox incident", "Report an [b]ACME[/b] incident"),
        encoding="utf-8",
    )
    (folder / "printer.toml").write_text(
        """
id = "printer"
ticket_type = 1
title = { fr = "Imprimante", en = "Printer" }
summary = { fr = "Une imprimante", en = "A printer problem" }

[[fields]]
name = "title"
kind = "text"
role = "title"
required = true
label = { fr = "Titre", en = "Title" }
""",
        encoding="utf-8",
    )
    app: CeboxApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_catalogue(pilot)
        assert [f.id for f in screen.forms] == ["incident", "request", "printer"]
        shown = titles(screen)
        assert shown[0].startswith("Report an [b]ACME[/b] incident")  # file text, not markup
        assert shown[2].startswith("Printer\nA printer problem")
        await pilot.press("end", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewTicketScreen) and app.screen.form.id == "printer"


async def test_broken_form_file_is_a_warning(make_app: Any) -> None:
    folder = profile_dir()
    (folder / "broken.toml").write_text('id = "broken"\ntitle = [\n', encoding="utf-8")
    (folder / "typo.toml").write_text(
        (SHIPPED_DIR / "request.toml")
        .read_text(encoding="utf-8")
        .replace('id = "request"', 'id = "typo"')
        .replace("required = true", "requierd = true", 1),
        encoding="utf-8",
    )
    app: CeboxApp = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_catalogue(pilot)
        assert [f.id for f in screen.forms] == ["incident", "request"]
        warnings = screen.query_one("#forms-warnings", Static)
        assert warnings.display
        text = str(warnings.render())
        assert "broken.toml" in text and "invalid TOML" in text
        assert "typo.toml, line" in text and "requierd" in text
        notes = [n for n in app._notifications if n.severity == "warning"]
        assert len(notes) == 2


async def test_forms_dir_setting_wins(make_app: Any, tmp_path: Path) -> None:
    app: CeboxApp = make_app()
    assert app.workspace is not None
    assert profile_forms_dir(app.workspace) == config_dir() / "forms" / "test"
    app.workspace.profile = app.workspace.profile.model_copy(
        update={"forms_dir": str(tmp_path / "team-forms")}
    )
    assert profile_forms_dir(app.workspace) == tmp_path / "team-forms"
