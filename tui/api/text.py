"""Text that crosses the wire: GLPI's escaped HTML in, the user's plain text out.

Server text is hostile input: it may carry terminal escape sequences, bidi
overrides, NUL bytes or megabytes of nested HTML. Everything the console shows
passes through `clean_terminal`.
"""

from __future__ import annotations

import html
import re
import sys
import textwrap
import unicodedata
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
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_DOCID = re.compile(r"document\.send\.php\?(?:[^#]*?[&;?])?docid=(\d{1,9})", re.IGNORECASE)


class _FormatCharacters(dict[int, int | None]):
    """A `str.translate` table deleting every Unicode format character (category Cf:
    bidi marks, embeddings, overrides and isolates, zero-width and invisible characters,
    tags…), decided by category as characters are met, so new Unicode versions are
    covered without a list."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Cf" else code
        self[code] = kept
        return kept


_FORMAT = _FormatCharacters()


def clean_terminal(text: str) -> str:
    """Remove everything a terminal would interpret rather than print."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    return text if text.isascii() else text.translate(_FORMAT)


def strip_controls(text: str) -> str:
    """Escape sequences and C0/C1 controls out, newline and tab kept: for machine output
    (--json) that `jq -r` would hand to a terminal, where the text must otherwise stay."""
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


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


def pasted_images(source: str) -> list[int]:
    """The document ids of the pictures pasted in GLPI's HTML (`<img src="…/front/
    document.send.php?docid=N…">`), in order, each once. The thread shows them as lines
    of their own, so `html_to_text` leaves them out of the text."""
    ids: list[int] = []
    for match in _IMG_SRC.finditer(source[:_MAX_HTML]):
        found = _DOCID.search(html.unescape(html.unescape(match.group(1) or match.group(2))))
        if found and int(found.group(1)) not in ids:
            ids.append(int(found.group(1)))
    return ids


def _pasted(url: str) -> bool:
    return bool(_DOCID.search(html.unescape(url)))


def html_to_text(source: str) -> str:
    """Readable terminal text from GLPI's HTML: lists, links with URLs, code, tables.

    markdownify does the conversion; images become a placeholder naming the file, except
    the pictures pasted as GLPI documents (see `pasted_images`), left out with their link.
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
            if _pasted(el.attrs.get("src") or ""):
                return ""
            name = el.attrs.get("alt") or el.attrs.get("title") or el.attrs.get("src", "")
            name = name.rsplit("/", 1)[-1].split("?", 1)[0] or "image"
            from cebox_support.tui.i18n import _

            return _("[image: {name}]").format(name=name)

        def convert_a(self, el: Any, text: str, parent_tags: Any = None, **kw: Any) -> str:
            href = el.get("href") or ""
            text = (text or "").strip()
            if not text and _pasted(href):
                return ""
            if not href or href == text or href.startswith(("javascript:", "data:")):
                return text
            return f"{text} <{href}>" if text else f"<{href}>"

        def convert_hN(  # noqa: N802 (markdownify's name)
            self, n: int, el: Any, text: str, parent_tags: Any = None
        ) -> str:
            if parent_tags and "_inline" in parent_tags:
                return text
            return "\n\n" + heading(" ".join(text.split()), level=n) + "\n\n"

        def convert_table(self, el: Any, text: str, parent_tags: Any = None) -> str:
            rows = [
                [_cell_lines(cell) for cell in tr.find_all(["td", "th"], recursive=False)]
                for tr in el.find_all("tr")
                if tr.find_parent("table") is el
            ]
            first = el.find("tr")
            head = first is not None and all(
                c.name == "th" for c in first.find_all(["td", "th"], recursive=False)
            )
            return "\n\n" + aligned_table([r for r in rows if r], header=head) + "\n\n"

        def convert_hr(self, el: Any, text: str, parent_tags: Any = None) -> str:
            return "\n\n" + "─" * 20 + "\n\n"

        def _plain(self, el: Any, text: str, parent_tags: Any = None) -> str:
            return text  # no ** or _ markers: a terminal shows the words, not Markdown

        convert_b = convert_strong = convert_em = convert_i = _plain

    return BeautifulSoup, TerminalConverter


HEADING_RULES = ("═", "─")
"""Heading underlines: `═` for level 1, `─` below. The thread styles a line followed by
its rule as a heading; `show` prints both as they are."""

TABLE_WIDTH = 76
"""A table wider than this wraps inside its columns (`show` prints 78 columns)."""


def heading(text: str, *, level: int = 2) -> str:
    rule = HEADING_RULES[0] if level <= 1 else HEADING_RULES[1]
    return f"{text}\n{rule * len(text)}"


def is_heading_rule(line: str, above: str) -> bool:
    """True for the rule under a heading line made by `heading`."""
    if not line or line[0] not in HEADING_RULES or len(set(line)) != 1:
        return False
    return bool(above.strip()) and len(line) == len(above.strip())


def _cell_lines(cell: Any) -> list[str]:
    for br in cell.find_all("br"):
        br.replace_with("\n")
    lines = (" ".join(line.split()) for line in cell.get_text().split("\n"))
    return [line for line in lines if line]


def aligned_table(rows: list[list[list[str]]], *, header: bool, gap: str = "  ") -> str:
    """Rows of cells (each a list of lines) as columns aligned for a monospace terminal."""
    if not rows:
        return ""
    count = max(len(r) for r in rows)
    rows = [r + [[]] * (count - len(r)) for r in rows]
    widths = [max((len(line) for r in rows for line in r[c]), default=0) for c in range(count)]
    while sum(widths) + len(gap) * (count - 1) > TABLE_WIDTH and max(widths) > 12:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    out: list[str] = []
    for index, row in enumerate(rows):
        cells = [
            [part for line in cell for part in textwrap.wrap(line, widths[c]) or [""]]
            for c, cell in enumerate(row)
        ]
        for n in range(max((len(cell) for cell in cells), default=0) or 1):
            parts = [
                (cell[n] if n < len(cell) else "").ljust(widths[c]) for c, cell in enumerate(cells)
            ]
            out.append(gap.join(parts).rstrip())
        if index == 0 and header and len(rows) > 1:
            out.append("─" * (sum(widths) + len(gap) * (count - 1)))
    return "\n".join(out)


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
