"""Server text as a widget's label: the one place it is made, plain and inert.

Text from a server (form and section names, question labels, choices, descriptions,
ticket titles, error messages) and from files others edit is never Textual markup: as
markup, a choice `Journaux [/var/log]` raised MarkupError inside Textual's option list
(the console crashed when the list opened), and `[@click=app.quit]` or `[link=…]` would
be live. Every widget that takes a label — Label, Static, and Textual's own Select,
SelectionList, RadioSet and OptionList, whose prompts are parsed as markup when they are
`str` — gets it from `plain()`: a `rich.text.Text`, which is never parsed, with what a
terminal would interpret (escape and control sequences) taken out. Toasts are plain by
the app's `notify`, titles by `TitleBar`.
"""

from __future__ import annotations

from cebox_support.tui.api.text import clean_line, clean_terminal
from rich.text import Text
from textual.app import App, ReturnType
from textual.notifications import SeverityLevel


def plain(text: str, style: str = "") -> Text:
    return Text(clean_terminal(text), style=style)


class PlainToastsApp(App[ReturnType]):
    """An app whose every toast is plain text, whoever sends it (a widget's `notify`
    passes `markup=True` unless told otherwise, and a message may quote the server)."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(
            clean_terminal(message),
            title=clean_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )
