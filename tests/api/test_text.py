"""HTML → terminal text, and the user's text → HTML, including hostile input."""

from __future__ import annotations

from cebox_support.tui.api.text import clean_terminal, html_to_text, pasted_images, text_to_html
from hypothesis import given, settings
from hypothesis import strategies as st

CONTROL = set(range(0, 9)) | set(range(11, 32)) | {127} | set(range(0x80, 0xA0))
BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def inert(text: str) -> bool:
    return not any(ord(c) in CONTROL or ord(c) in BIDI for c in text)


def test_lists_links_images_tables() -> None:
    text = html_to_text(
        "<p>Bonjour</p><ul><li>un</li><li>deux</li></ul>"
        '<p><a href="https://x.example/doc">la doc</a></p>'
        '<p><img src="https://x.example/capture.png" alt="capture.png"></p>'
        "<table><tr><th>A</th></tr><tr><td>1</td></tr></table><pre><code>ls -l</code></pre>"
    )
    assert "- un" in text and "- deux" in text
    assert "la doc <https://x.example/doc>" in text
    assert "[image: capture.png]" in text
    assert "A\n─\n1" in text and "|" not in text and "ls -l" in text


def test_pasted_pictures_leave_the_text_for_lines_of_their_own() -> None:
    """GLPI's web editor stores a pasted picture as a document, linked from the text
    (`&amp;` escaped once or twice): the thread shows it on a line of its own."""
    source = (
        '<p>Voici :</p><p><a href="/front/document.send.php?docid=12&amp;itemtype=Ticket">'
        '<img src="/front/document.send.php?docid=12&amp;amp;itemtype=Ticket" alt="5fd3-uuid">'
        "</a></p><p>Fin</p>"
        "<img src='/glpi/front/document.send.php?itemtype=Ticket&items_id=6&docid=13'>"
        '<img src="/front/document.send.php?docid=12">'
        '<p><a href="/front/document.send.php?docid=14">le journal</a></p>'
    )
    assert pasted_images(source) == [12, 13]
    text = html_to_text(source)
    assert text == "Voici :\n\nFin\n\nle journal </front/document.send.php?docid=14>"


def test_form_markdown_reads_as_text() -> None:
    """A form's description: a heading is a line over its rule, a table aligned columns,
    no Markdown markers ("## ", "| --- |", "**")."""
    text = html_to_text(
        "<h2>Déclarer un incident ceBox</h2><p>Voir <b>ci-dessous</b></p>"
        '<table border="1"><tbody><tr><th>Numéro de série</th><td>CEBOX-042</td></tr>'
        "<tr><th>Priorité</th><td>Haute</td></tr>"
        "<tr><th>Documents</th><td>a.txt (1 Ko)<br>b.png (2,9 Mo)</td></tr></tbody></table>"
        f"<table><tr><th>Long</th><td>{'mot ' * 40}</td></tr></table>"
    )
    lines = text.splitlines()
    assert lines[:2] == ["Déclarer un incident ceBox", "─" * 26]
    assert "Voir ci-dessous" in lines
    assert "Numéro de série  CEBOX-042" in lines
    assert "Priorité         Haute" in lines
    assert "Documents        a.txt (1 Ko)" in lines and " " * 17 + "b.png (2,9 Mo)" in lines
    long_rows = [line for line in lines if "mot" in line]
    assert len(long_rows) > 1 and all(len(line) <= 76 for line in long_rows)
    assert all(line.index("mot") == 6 for line in long_rows)
    assert not any(marker in text for marker in ("##", "| ---", "**"))


def test_escape_sequences_removed() -> None:
    assert clean_terminal("a\x1b[2J\x1b]8;;http://evil\x07b\x1bP1;2|x\x1b\\c\u202ed\x00") == "abcd"


def test_deep_and_huge_html_degrade_gracefully() -> None:
    assert "deep" in html_to_text("<div>" * 3000 + "deep" + "</div>" * 3000)
    big = html_to_text("<p>" + "x" * 1_000_000 + "</p>")
    assert big.endswith("[…]") and len(big) < 300_000


def test_text_to_html_escapes() -> None:
    assert text_to_html("<script>&\n\nb") == "<p>&lt;script&gt;&amp;</p><p>b</p>"


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_html_to_text_never_leaks_controls(source: str) -> None:
    assert inert(html_to_text(source))


def words(text: str) -> str:
    """Whitespace normalised: paragraphs and line breaks are the HTML's, not the words'."""
    return " ".join(text.split())


HTML_LIKE = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",))),
        st.sampled_from(
            [
                "<b>",
                "</b>",
                "<script>alert(1)</script>",
                "<p>",
                "<br>",
                "<a href='https://x.example'>lien</a>",
                "&amp;",
                "&lt;",
                "&#x1b;",
                "*gras*",
                "_x_",
                "# titre",
                "- ",
                "1. ",
                "[a](b)",
                "`",
                "\\",
                "\n\n",
                "[@click=app.quit]",
            ]
        ),
    )
).map("".join)
"""What people type, including text that looks like HTML, Markdown or Rich markup."""


@settings(max_examples=200, deadline=None)
@given(HTML_LIKE)
def test_user_text_round_trips_without_tags(text: str) -> None:
    """Sent as HTML and read back, the user's words come back as typed (whitespace aside):
    nothing in them is taken for a tag, an entity or markup."""
    html = text_to_html(text)
    assert "<script" not in html.lower()
    back = html_to_text(html)
    assert inert(back)
    assert words(back) == words(clean_terminal(text))


def test_html_parser_loads_without_css_selectors_and_leaves_them_importable() -> None:
    """bs4 is loaded without soupsieve (70 ms); the import stays possible for others."""
    import subprocess
    import sys

    code = (
        "import sys, warnings; warnings.simplefilter('error');"
        "from cebox_support.tui.api.text import converter, html_to_text;"
        "converter();"
        "assert 'soupsieve' not in sys.modules, 'soupsieve loaded';"
        "print(html_to_text('<h2>T</h2><ul><li>a</li></ul><table><tr><td>x</td></tr></table>'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "T" in done.stdout and "- a" in done.stdout and "x" in done.stdout
