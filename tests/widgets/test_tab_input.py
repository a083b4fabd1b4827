"""A burst of keys with tabs (a paste, a password manager's auto-type) fills the
following fields, and a final newline submits."""

from __future__ import annotations

from cebox_support.widgets.tab_input import TabInput
from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input


class _Form(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        yield TabInput(id="url")
        yield TabInput(id="user")
        yield TabInput(id="password", password=True)
        yield TabInput(id="app-token")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.submitted.append(event.input.id or "")

    def values(self) -> list[str]:
        return [w.value for w in self.query(TabInput)]


async def test_auto_type_fills_login_and_password_then_submits() -> None:
    from textual.events import Paste

    app = _Form()
    async with app.run_test() as pilot:
        app.query_one("#user", Input).focus()
        await pilot.pause()
        app.query_one("#user", Input).post_message(Paste("jdupont\tS3cret!\r"))
        await pilot.pause()
        assert app.values() == ["", "jdupont", "S3cret!", ""]
        assert app.submitted == ["password"]


async def test_a_paste_without_newline_moves_on_and_a_plain_paste_stays() -> None:
    from textual.events import Paste

    app = _Form()
    async with app.run_test() as pilot:
        url = app.query_one("#url", Input)
        url.focus()
        await pilot.pause()
        url.post_message(Paste("https://support.example.com\tjdupont"))
        await pilot.pause()
        assert app.values()[:2] == ["https://support.example.com", "jdupont"]
        assert app.focused is app.query_one("#password") and app.submitted == []
        password = app.query_one("#password", Input)
        password.post_message(Paste("mot de passe"))
        await pilot.pause()
        assert password.value == "mot de passe"
