"""The key bar lists the screen's shown keys and presses one when it is clicked."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding

from widgets.key_bar import KeyBar


class _Shell(App[None]):
    BINDINGS = [
        Binding("n", "new", "New", id="t.new"),
        Binding("x", "refuse", "Refuse", id="t.refuse"),
        Binding("h", "hidden", "Hidden", show=False, id="t.hidden"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []
        self.can_refuse = True

    def compose(self) -> ComposeResult:
        yield KeyBar()

    def action_new(self) -> None:
        self.pressed.append("new")

    def action_refuse(self) -> None:
        self.pressed.append("refuse")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "refuse" and not self.can_refuse:
            return None
        return True


def _line(app: _Shell) -> str:
    return str(app.query_one(KeyBar).render())


async def test_shows_the_shown_keys_and_the_palette_not_the_hidden_ones() -> None:
    app = _Shell()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        line = _line(app)
        assert " n New " in line and " x Refuse " in line
        assert "Hidden" not in line
        assert line.rstrip().endswith("palette")


async def test_a_click_on_a_key_presses_it() -> None:
    app = _Shell()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        column = _line(app).index("Refuse")
        await pilot.click(KeyBar, offset=(column, 0))
        await pilot.pause()
        assert app.pressed == ["refuse"]


async def test_an_action_that_is_not_offered_is_dimmed_and_a_click_does_nothing() -> None:
    app = _Shell()
    app.can_refuse = False
    async with app.run_test(size=(80, 5)) as pilot:
        app.refresh_bindings()
        await pilot.pause()
        bar = app.query_one(KeyBar)
        text = bar.render()
        start = str(text).index(" x Refuse")
        assert any(
            span.start <= start < span.end and "dim" in str(span.style) for span in text.spans
        )
        await pilot.click(KeyBar, offset=(start + 2, 0))
        await pilot.pause()
        assert app.pressed == []
