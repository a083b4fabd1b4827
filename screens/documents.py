"""The ticket's documents: view a picture, download to a folder, or open with the system's
opener.

Only documents GLPI listed for this ticket are offered (downloads are not right-checked
on GLPI 10), and the client sanitises the server's file names before writing. GLPI 11
hands documents to customers through its web pages only: the first download asks for
the GLPI password here (used for that web login, never kept).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cebox_support.screens.download_errors import explain_download_failure
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import Document
from cebox_support.tui.config import downloads_dir
from cebox_support.tui.forms import human_size
from cebox_support.tui.i18n import _, pgettext
from cebox_support.tui.processes import resolve, start_detached
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.timeline import format_when, is_picture
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

if TYPE_CHECKING:
    from cebox_support.tui.session import Workspace


def system_opener() -> list[str] | None:
    """The desktop's "open this file" command, or None (SSH, no desktop)."""
    if sys.platform == "darwin":
        return ["open"] if resolve("open") else None
    if sys.platform.startswith("win"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None
    opener = resolve("xdg-open")
    return [opener] if opener else None


class DocumentsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", _("Close"), id="documents.close"),
        Binding(
            "v",
            "view",
            _("View"),
            id="documents.view",
            tooltip=_("Show the selected picture here (Enter on a picture)"),
        ),
        Binding(
            "d",
            "download",
            _("Download"),
            id="documents.download",
            tooltip=_("Save the selected document in the folder"),
        ),
        Binding(
            "o",
            "open",
            pgettext("verb", "Open"),
            id="documents.open",
            tooltip=_("Save the selected document, then open it with the system's application"),
        ),
    ]

    def __init__(
        self,
        workspace: Workspace,
        ticket_id: int,
        documents: list[Document],
        *,
        selected: int | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.ticket_id = ticket_id
        self.documents = documents
        self.first = next((n for n, d in enumerate(documents) if d.id == selected), 0)
        self.opener = system_opener()
        self._waiting: tuple[Document, bool] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog documents"):
            yield Label(_("Documents of ticket #{id}").format(id=self.ticket_id), id="dialog-title")
            options = []
            for doc in self.documents:
                label = Text(doc.filename)
                if doc.size is not None:
                    label.append(f"  {human_size(doc.size)}", style="dim")
                label.append(f"  {format_when(doc.date)}", style="dim")
                options.append(Option(label, id=str(doc.id)))
            yield OptionList(*options, id="documents-list")
            if not self.documents:
                yield Static(_("No documents on this ticket."), classes="hint")
            with Horizontal(id="documents-folder-row"):
                yield Label(_("Save to"), id="documents-folder-label")
                yield Input(str(downloads_dir()), id="documents-folder", compact=True)
            with Horizontal(id="documents-password-row"):
                yield Label(_("GLPI password"), id="documents-password-label")
                yield Input(password=True, id="documents-password", compact=True)
            yield Static("", id="documents-message", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Download"), id="documents-download", variant="primary")
                if self.opener is not None:
                    yield Button(pgettext("verb", "Open"), id="documents-open")
                yield Button(_("Close"), id="documents-close")

    def on_mount(self) -> None:
        option_list = self.query_one("#documents-list", OptionList)
        option_list.display = bool(self.documents)
        self.query_one("#documents-password-row").display = False
        if self.documents:
            option_list.highlighted = self.first
            option_list.focus()
        if not self.documents:
            self.query_one("#documents-download", Button).disabled = True

    def selected(self) -> Document | None:
        option_list = self.query_one("#documents-list", OptionList)
        index = option_list.highlighted
        if index is None or not self.documents:
            return None
        return self.documents[index]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves this screen busy or silent
        (the message names the error's kind only: its text could hold what was typed)."""
        message = worker_failure(event)
        if message is None:
            return
        self.say(
            message,
            error=True,
        )

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#documents-message", Static)
        message.update(text)
        message.set_class(error, "error-text")

    @on(Input.Submitted, "#documents-password")
    def _password_given(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one("#documents-password", Input)
        password, field.value = field.value, ""
        if not password or self._waiting is None:
            return
        self.query_one("#documents-password-row").display = False
        document, open_after = self._waiting
        self._waiting = None
        self.query_one("#documents-list", OptionList).focus()
        self.fetch(document, open_after=open_after, password=password)

    def _ask_password(self, document: Document, open_after: bool, message: str) -> None:
        self._waiting = (document, open_after)
        self.query_one("#documents-password-row").display = True
        self.query_one("#documents-password", Input).focus()
        self.say(message, error=True)

    @on(OptionList.OptionSelected, "#documents-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter views a picture and downloads anything else."""
        event.stop()
        document = self.selected()
        if document is not None and is_picture(document):
            self.action_view()
        else:
            self.action_download()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":
            document = self.selected()
            return True if document is not None and is_picture(document) else None
        return True

    @on(OptionList.OptionHighlighted, "#documents-list")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def action_view(self) -> None:
        document = self.selected()
        if document is None or not is_picture(document):
            return
        from cebox_support.screens.image_viewer import ImageViewerScreen

        self.app.push_screen(ImageViewerScreen(self.workspace, self.ticket_id, document))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "documents-download":
            self.action_download()
        elif event.button.id == "documents-open":
            self.action_open()
        else:
            self.action_close()

    def action_download(self) -> None:
        document = self.selected()
        if document is not None:
            self.fetch(document, open_after=False)

    def action_open(self) -> None:
        if self.opener is None:
            self.say(_("No application to open files here: download it instead."), error=True)
            return
        document = self.selected()
        if document is not None:
            self.fetch(document, open_after=True)

    def action_close(self) -> None:
        self.dismiss(None)

    @work(group="documents-download", exit_on_error=False)
    async def fetch(
        self, document: Document, *, open_after: bool, password: str | None = None
    ) -> None:
        folder = Path(self.query_one("#documents-folder", Input).value.strip() or downloads_dir())
        folder = folder.expanduser()
        self.say(_("Downloading {name}…").format(name=document.filename))
        try:
            target = await self.workspace.call(
                lambda c: c.fetch_document(
                    document, folder, ticket_id=self.ticket_id, password=password
                )
            )
        except GlpiError as error:
            explain_download_failure(
                error,
                app=self.app,
                say=self.say,
                ask_password=lambda message: self._ask_password(document, open_after, message),
            )
            return
        except OSError as error:
            self.say(
                _("Cannot write in {folder}: {reason}").format(
                    folder=folder, reason=error.strerror or error
                ),
                error=True,
            )
            return
        self.say(_("Saved: {path}").format(path=target))
        if open_after and self.opener is not None:
            try:
                start_detached([*self.opener, str(target)])
            except OSError as error:
                self.say(
                    _("Saved: {path}, but it could not be opened ({reason}).").format(
                        path=target, reason=error.strerror or error
                    ),
                    error=True,
                )
