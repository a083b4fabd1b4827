"""What a screen says when one of its workers failed unexpectedly.

Textual does not pass a screen's worker errors up to the app, so each screen with a
worker ends its busy state itself; the words are the same everywhere.
"""

from __future__ import annotations

from cebox_support.tui.i18n import _
from textual.worker import Worker, WorkerState


def worker_failure(event: Worker.StateChanged) -> str | None:
    """The message for a worker that failed, None for any other state change. It names the
    error's kind only: its text could hold what was typed."""
    if event.state is not WorkerState.ERROR:
        return None
    return _("Unexpected error ({error}); nothing you typed is lost, try again.").format(
        error=type(event.worker.error).__name__
    )
