"""The thread shows server text as written, its headings (a line over its rule) in bold."""

from __future__ import annotations

from cebox_support.tui.api.text import html_to_text
from cebox_support.widgets.timeline import styled_text


def test_headings_are_bold_lines_and_tables_keep_their_columns() -> None:
    text = html_to_text(
        "<h2>Déclarer un incident ceBox</h2>"
        "<table><tr><th>Numéro de série</th><td>CEBOX-042</td></tr></table><p>── x</p>"
    )
    shown = styled_text(text)
    assert shown.plain == text
    bold = [shown.plain[s.start : s.end] for s in shown.spans if s.style == "bold"]
    assert bold == ["Déclarer un incident ceBox"]
    assert "Numéro de série  CEBOX-042" in shown.plain.splitlines()
    assert "##" not in shown.plain


def test_a_line_of_dashes_alone_is_not_a_heading() -> None:
    shown = styled_text("─────\nabcd\n───")
    assert not [s for s in shown.spans if s.style == "bold"]
