"""The line that says the screen shows a saved copy because the server cannot be reached."""

from __future__ import annotations

from cebox_support.tui.i18n import _
from cebox_support.tui.localfiles import say_warning
from cebox_support.tui.offline import copy_label
from textual.widgets import Static


class OfflineBanner(Static):
    """Hidden while the server answers; names the copy's time when it does not."""

    def __init__(self) -> None:
        super().__init__("", id="offline-banner", markup=False)
        self.display = False

    def show_copy(self, fetched_at: float | None) -> None:
        """`fetched_at` of the copy on screen, or None when the screen is live again (the
        screen has just tried to keep a copy: a disk that refused it is said, once)."""
        self.display = fetched_at is not None
        if fetched_at is not None:
            self.update(copy_label(fetched_at) + " · " + _("what you write stays a draft"))
        say_warning(self.notify)
