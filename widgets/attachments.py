"""Files to send with a ticket or a reply: picked, typed or pasted, checked before upload.

Used by the new-ticket form and by replies on a ticket. A file is refused at once
(missing, a folder, unreadable, over the server's limit) with a message saying why,
rather than failing later in the middle of an upload.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cebox_support.tui.forms import Attachment, AttachmentError, check_attachment, human_size
from cebox_support.tui.i18n import _
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option


class AttachmentList(Vertical):
    """An input for paths, a Browse… button and the list of files kept."""

    DEFAULT_CSS = """
    AttachmentList { height: auto; }
    AttachmentList > .attachments-add { height: auto; }
    AttachmentList > .attachments-add > Input { width: 1fr; }
    AttachmentList > .attachments-add > Button { width: auto; margin-left: 1; }
    AttachmentList > OptionList { height: auto; max-height: 6; }
    AttachmentList > .attachments-message { height: auto; }
    """

    BINDINGS = [
        Binding(
            "delete",
            "remove",
            _("Remove file"),
            id="attachments.remove",
            tooltip=_("Remove the selected file from the list"),
        ),
    ]

    class Changed(Message):
        """The list of files changed."""

        def __init__(self, attachment_list: AttachmentList) -> None:
            super().__init__()
            self.attachment_list = attachment_list

        @property
        def control(self) -> AttachmentList:
            return self.attachment_list

    def __init__(
        self,
        max_bytes: int | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(id=id, classes=classes, disabled=disabled)
        self.max_bytes = max_bytes
        self._files: list[Attachment] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="attachments-add"):
            yield Input(
                placeholder=_("type or paste a file path, then Enter"),
                classes="attachments-path",
                compact=True,
            )
            yield Button(_("Browse…"), classes="attachments-browse", compact=True)
        option_list = OptionList(classes="attachments-files", compact=True)
        option_list.display = False
        yield option_list
        yield Static("", classes="attachments-message error-text", markup=False)

    # -- public interface -----------------------------------------------------------

    @property
    def paths(self) -> list[Path]:
        return [a.path for a in self._files]

    @property
    def attachments(self) -> list[Attachment]:
        return list(self._files)

    def set_paths(self, paths: Iterable[Path | str]) -> list[str]:
        """Replace the list; files that cannot be attached any more are left out and reported."""
        self._files = []
        problems = [p for p in (self._add(path) for path in paths) if p]
        self._refresh_list()
        self._show_message(" ".join(problems))
        self.post_message(self.Changed(self))
        return problems

    def set_max_bytes(self, n: int | None) -> None:
        self.max_bytes = n

    def add_path(self, path: Path | str) -> bool:
        """Add one file; False (and a message under the list) when it is refused."""
        problem = self._add(path)
        self._show_message(problem or "")
        if problem:
            return False
        self._refresh_list()
        self.post_message(self.Changed(self))
        return True

    # -- internals ----------------------------------------------------------------

    def _add(self, path: Path | str) -> str | None:
        try:
            attachment = check_attachment(path, self.max_bytes)
        except AttachmentError as exc:
            return exc.message
        if attachment.path not in self.paths:
            self._files.append(attachment)
        return None

    def _refresh_list(self) -> None:
        if not self.is_mounted:
            return
        option_list = self.query_one(".attachments-files", OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        for attachment in self._files:
            label = Text(attachment.name)
            label.append(f"  {human_size(attachment.size)}", style="dim")
            option_list.add_option(Option(label))
        option_list.display = bool(self._files)
        if self._files:
            option_list.highlighted = min(highlighted or 0, len(self._files) - 1)

    def _show_message(self, message: str) -> None:
        if self.is_mounted:
            static = self.query_one(".attachments-message", Static)
            static.update(message)
            static.display = bool(message)

    def on_mount(self) -> None:
        self._refresh_list()
        self._show_message("")

    @on(Input.Submitted, ".attachments-path")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if self.add_path(event.value):
            event.input.value = ""

    @on(Button.Pressed, ".attachments-browse")
    def _browse(self, event: Button.Pressed) -> None:
        event.stop()
        from cebox_support.widgets.file_picker import file_picker

        start = self._files[-1].path.parent if self._files else Path.home()
        self.app.push_screen(file_picker(start, _("Attach a file")), self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is not None:
            self.add_path(path)
        self.query_one(".attachments-path", Input).focus()

    def action_remove(self) -> None:
        option_list = self.query_one(".attachments-files", OptionList)
        index = option_list.highlighted
        if not self._files or index is None or not option_list.has_focus:
            return
        del self._files[index]
        self._refresh_list()
        self._show_message("")
        self.post_message(self.Changed(self))
        if not self._files:
            self.query_one(".attachments-path", Input).focus()
