"""Textual's Header, safe when its screen goes away while a title change is pending.

It replaces the private `Header._on_mount` (no public hook exists for the title
watcher): tests/widgets/test_title_bar.py fails when a Textual upgrade changes it.
"""

from __future__ import annotations

import contextlib

from cebox_support.tui.api.text import clean_line
from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class TitleBar(Header):
    """Header whose title watcher tolerates a screen being replaced.

    Textual's own watcher is awaited later; when the screen was switched away in the
    meantime (signing in replaces the login screen) its title is gone and the query
    raised NoMatches, which ended the app.
    """

    def format_title(self) -> Content:
        """Plain text (Textual's own), without what a terminal would interpret: a title
        may be a form's name from the server."""
        return self.app.format_title(
            clean_line(self.screen_title), clean_line(self.screen_sub_title)
        )

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()

        async def set_title() -> None:
            if not self.is_attached:
                return
            with contextlib.suppress(NoMatches, NoScreen):
                self.query_one(HeaderTitle).update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
