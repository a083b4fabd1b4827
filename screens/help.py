"""F1: the keys of the screen below and its short how-to, in the chosen language."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Markdown

from tui.i18n import _


def _key_label(key: str) -> str:
    return " / ".join(k.strip().replace("ctrl+", "Ctrl+") for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q,question_mark", "close", _("Close"), id="help.close"),
    ]

    def __init__(self, target: Screen[Any]) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog help"):
            yield Label(_("Help"), id="dialog-title")
            how_to = getattr(self.target, "help_text", None)
            text = how_to() if callable(how_to) else ""
            keys = _("Keys")
            lines = [text, "", f"### {keys}", ""] if text else [f"### {keys}", ""]
            for binding in [*self.target.BINDINGS, *self.app.BINDINGS]:
                if isinstance(binding, Binding) and binding.description:
                    lines.append(f"- `{_key_label(binding.key)}` — {binding.description}")
            palette = _("Command palette: every action by name")
            lines.append(f"- `Ctrl+P` — {palette}")
            yield Markdown("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)
