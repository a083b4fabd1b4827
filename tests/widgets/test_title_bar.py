"""The title bar survives a title change that lands after its screen was torn down."""

from __future__ import annotations

from cebox_support.widgets.title_bar import TitleBar
from textual.app import App, ComposeResult
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class _Shell(App[None]):
    def compose(self) -> ComposeResult:
        yield TitleBar()


async def test_title_change_after_its_title_is_gone_does_not_end_the_app() -> None:
    app = _Shell()
    async with app.run_test(size=(60, 10)) as pilot:
        bar = app.query_one(TitleBar)
        await bar.query_one(HeaderTitle).remove()
        app.title = "changed while the screen is being replaced"
        await pilot.pause()
        assert app.is_running
        assert app._exception is None


async def test_title_bar_shows_the_screen_title_like_a_header() -> None:
    app = _Shell()
    async with app.run_test(size=(60, 10)) as pilot:
        app.screen.title = "cebox-support"
        await pilot.pause()
        assert isinstance(app.query_one(TitleBar), Header)
        assert "cebox-support" in str(app.query_one(HeaderTitle).render())


def test_textual_still_has_the_header_it_replaces() -> None:
    """TitleBar replaces Header._on_mount and imports the private HeaderTitle: when a
    Textual upgrade changes them this fails, so widgets/title_bar.py is re-read."""
    import inspect

    source = inspect.getsource(Header._on_mount)
    expected = (
        "self.query_one(HeaderTitle).update(self.format_title())",
        'self.watch(self.app, "title", set_title)',
        'self.watch(self.app, "sub_title", set_title)',
        'self.watch(self.screen, "title", set_title)',
        'self.watch(self.screen, "sub_title", set_title)',
    )
    missing = [line for line in expected if line not in source]
    assert not missing, f"Textual's Header._on_mount changed; re-check TitleBar: {missing}"
