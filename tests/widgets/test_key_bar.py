"""The key bar lists the screen's shown keys and presses one when it is clicked."""

from __future__ import annotations

from cebox_support.widgets.key_bar import KeyBar
from textual.app import App, ComposeResult
from textual.binding import Binding


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


class _Crowded(App[None]):
    BINDINGS = [
        Binding(key, f"k{n}", f"Key number {n}", id=f"c.k{n}") for n, key in enumerate("abcdefghij")
    ] + [Binding("f1", "help", "Help", id="c.help")]

    def compose(self) -> ComposeResult:
        yield KeyBar()


async def test_f1_always_shown_and_the_last_keys_dropped_whole() -> None:
    """A narrow terminal drops keys from the end of the screen's list, never F1,
    and never half a key ("d Docu…")."""
    for width in (60, 40, 24):
        app = _Crowded()
        async with app.run_test(size=(width, 5)) as pilot:
            await pilot.pause()
            line = _line(app)
            assert " f1 Help " in line, (width, line)
            assert "…" not in line
            shown = [n for n in range(10) if f"Key number {n} " in line]
            assert shown == list(range(len(shown))), (width, line)  # a prefix: first keys kept
            assert len(line.rstrip()) <= width
    app = _Crowded()
    async with app.run_test(size=(200, 5)) as pilot:
        await pilot.pause()
        assert all(f"Key number {n} " in _line(app) for n in range(10))


async def test_textual_own_key_descriptions_are_translated() -> None:
    from cebox_support.tui.i18n import set_language

    class _Select(App[None]):
        BINDINGS = [Binding("escape", "dismiss", "Dismiss menu", id="s.dismiss")]

        def compose(self) -> ComposeResult:
            yield KeyBar()

    set_language("fr")
    try:
        app = _Select()
        async with app.run_test(size=(80, 5)) as pilot:
            await pilot.pause()
            assert "Dismiss menu" not in _line(app) and "Fermer le menu" in _line(app)
    finally:
        set_language("en")
