"""The attachment file dialog: our words, and typing a folder then a file picks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cebox_support.tui.i18n import set_language
from cebox_support.widgets.file_picker import file_picker
from textual.app import App
from textual.widgets import Button

from tests.conftest import wait_for


class _Host(App[None]):
    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start
        self.picked: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(file_picker(self.start, "Attach a file"), self.picked.append)


async def test_a_relative_path_after_a_folder_picks_the_file(tmp_path: Path) -> None:
    (tmp_path / "tmp").mkdir()
    (tmp_path / "tmp" / "trace.log").write_text("x", encoding="utf-8")
    app = _Host(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("tab", *"tmp", "enter")
        await pilot.pause()
        await pilot.press(*"trace.log", "enter")
        await wait_for(lambda: bool(app.picked))
    assert app.picked == [tmp_path / "tmp" / "trace.log"]


async def test_buttons_in_french(tmp_path: Path) -> None:
    set_language("fr")
    try:
        app = _Host(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            labels = {str(b.label) for b in app.screen.query(Button)}
            assert {"Ouvrir", "Annuler"} <= labels and not {"Open", "Cancel"} & labels
    finally:
        set_language("en")
