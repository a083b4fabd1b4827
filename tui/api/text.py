"""Text that crosses the wire: GLPI's escaped HTML in, the user's plain text out.

Server text is hostile input: it may carry terminal escape sequences, bidi
overrides, NUL bytes or megabytes of nested HTML. Everything the console shows
passes through `clean_terminal`.
"""

from __future__ import annotations

import html
import re
import sys
import warnings
from functools import cache
from typing import Any

_MAX_HTML = 200_000

# C0 controls except tab/newline, DEL, C1 controls, bidi embeddings/overrides/isolates,
# and the rest of an ESC sequence (CSI/OSC/DCS/...) so no fragment stays printable.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[@-Z\\-_])"
    r"|[\x9b][0-?]*[ -/]*[@-~]|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*[\x07\x9c]?"
)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


def clean_terminal(text: str) -> str:
    """Remove everything a terminal would interpret rather than print."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _CONTROL.sub("", text)


def clean_line(text: str) -> str:
    """One line of server text (titles, names, file names)."""
    return " ".join(clean_terminal(text).split())


def decode_glpi(value: Any, *, sanitized: bool) -> str:
    """Undo GLPI's output escaping when the server sent it escaped."""
    if value is None:
        return ""
    text = str(value)
    return html.unescape(text) if sanitized else text


def text_to_html(text: str) -> str:
    """The user's plain text as the HTML GLPI stores: paragraphs, line breaks, escaped."""
    text = text.replace("\x00", "").replace("\r\n", "\n").strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def html_to_text(source: str) -> str:
    """Readable terminal text from GLPI's HTML: lists, links with URLs, code, tables.

    markdownify does the conversion; images become a placeholder naming the file.
    Over-long or pathologically nested input degrades to plain text instead of failing.
    """
    if not source:
        return ""
    truncated = len(source) > _MAX_HTML
    if truncated:
        source = source[:_MAX_HTML]
    text = source if "<" not in source and "&" not in source else _convert(source)
    text = clean_terminal(text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if truncated:
        text += "\n\n[…]"
    return text


@cache
def converter() -> tuple[Any, Any]:
    """BeautifulSoup and the terminal converter, loaded once (the warm-up calls this).

    bs4 imports soupsieve, its CSS-selector engine, when it is installed: 70 of its
    130 ms of import here. markdownify never selects, so bs4 is loaded without it.
    """
    if "bs4" not in sys.modules and "soupsieve" not in sys.modules:
        sys.modules["soupsieve"] = None  # type: ignore[assignment]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "CSS selectors cannot be used"
                import bs4  # noqa: F401
        finally:
            del sys.modules["soupsieve"]
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    class TerminalConverter(MarkdownConverter):
        def convert_img(self, el: Any, text: str, parent_tags: Any = None, **kw: Any) -> str:
            name = el.attrs.get("alt") or el.attrs.get("title") or el.attrs.get("src", "")
            name = name.rsplit("/", 1)[-1].split("?", 1)[0] or "image"
            from tui.i18n import _

            return _("[image: {name}]").format(name=name)

        def convert_a(self, el: Any, text: str, parent_tags: Any = None, **kw: Any) -> str:
            href = el.get("href") or ""
            text = (text or "").strip()
            if not href or href == text or href.startswith(("javascript:", "data:")):
                return text
            return f"{text} <{href}>" if text else f"<{href}>"

    return BeautifulSoup, TerminalConverter


def _convert(source: str) -> str:
    BeautifulSoup, TerminalConverter = converter()  # noqa: N806
    try:
        soup = BeautifulSoup(source, "html.parser")
        return str(
            TerminalConverter(
                heading_style="ATX",
                bullets="-",
                escape_asterisks=False,
                escape_underscores=False,
                escape_misc=False,
            ).convert_soup(soup)
        )
    except RecursionError:
        soup = BeautifulSoup(source, "html.parser")
        return soup.get_text("\n")
