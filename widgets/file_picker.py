"""textual-fspicker's file dialog, in our words, and one that keeps the typing going.

The dialog's own input moves the focus to the directory list after a folder name is
typed: the next relative path typed then went to that list, and Enter there opened
"..": a few keys later the dialog stood at "/" with nothing picked. Here the focus
stays in the input, so "tmp", Enter, "trace.log", Enter picks tmp/trace.log.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from cebox_support.tui.i18n import _, pgettext
from textual import on
from textual.widgets import Input


@cache
def _picker_class() -> type[Any]:
    from textual_fspicker import FileOpen

    class FilePicker(FileOpen):
        @on(Input.Submitted)
        def _keep_typing(self, event: Input.Submitted) -> None:
            field = event.input
            # The dialog cleared the input: it went into a folder (else it closed or
            # shows an error with the focus still in the input).
            self.call_after_refresh(lambda: self.is_attached and not field.value and field.focus())

    return FilePicker


def file_picker(start: Path, title: str) -> Any:
    """A modal file dialog starting at `start`; dismissed with a `Path` or None."""
    return _picker_class()(
        start,
        title=title,
        open_button=pgettext("verb", "Open"),
        cancel_button=_("Cancel"),
    )
