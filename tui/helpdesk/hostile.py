"""A corpus of hostile tickets: what a compromised or careless server could send.

Used by the tests (every place server text reaches the screen or stdout must render
it inert) and available to `demo-server` for manual checks.
"""

from __future__ import annotations

from .store import Store

HOSTILE_TEXTS: tuple[str, ...] = (
    "[bold red]Rich markup[/] [link=https://evil.example]click[/link]",
    "[@click=app.quit]quit on click[/]",
    "\x1b[2J\x1b[H screen cleared",
    "\x1b]8;;https://evil.example\x07hyperlink\x1b]8;;\x07",
    "\x1b]52;c;ZXZpbA==\x07 clipboard write",
    "\x1bP+q544e\x1b\\ DCS query",
    "\u202eevil bidi override\u202c",
    "NUL\x00byte",
    "\x9b31m C1 CSI",
    "tab\tand\rcarriage return",
    "<script>alert(1)</script>",
    "emoji 🚨 and wide 漢字",
)

HOSTILE_HTML: tuple[str, ...] = (
    "<div>" * 2000 + "deeply nested" + "</div>" * 2000,
    "<p>unclosed <b><i><u>tags <table><tr><td>cell",
    '<p><a href="javascript:alert(1)">js link</a> <img src="x" onerror="alert(1)"></p>',
    "<p>" + "A" * 1_000_000 + "</p>",
    "&#60;p&#62;double &#38;amp; escaped&#60;/p&#62;",
    "<p>[bold]markup in html[/bold] \x1b[31mred\x1b[0m</p>",
)


def seed_hostile(store: Store, requester_id: int = 3) -> list[int]:
    """Tickets whose titles, bodies, follow-ups, authors and file names are all hostile."""
    author = store.add_user(
        "evil-tech",
        "evil-tech-password",
        profile="Technician",
        realname="[red]Evil\x1b[5m",
        firstname="\u202eTech",
    )
    ids = []
    for i, title in enumerate(HOSTILE_TEXTS):
        body = HOSTILE_HTML[i % len(HOSTILE_HTML)] if i < len(HOSTILE_HTML) else f"<p>{title}</p>"
        ticket = store.create_ticket(name=title, content=body, requester_id=requester_id)
        store.add_followup(ticket, user_id=author, content=f"<p>{title}</p>")
        store.add_document(
            ticket,
            filename=f"../../{title[:20]}.log",
            data=title.encode("utf-8", "replace"),
            user_id=author,
        )
        ids.append(ticket)
    return ids
