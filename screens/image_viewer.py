"""A picture of the ticket (a document or a capture pasted in the thread), inside the console.

Downloaded into memory (the download cap and deadline of every document), decoded with a
pixel limit, drawn with half-blocks; nothing reaches the disk unless `s` saves it. A
picture that cannot be shown says why and can still be saved.

Kitty and Sixel graphics are left out: textual-image, the Textual library for them,
detects the terminal when it is imported by writing queries and reading the answers on
stdin, which only works before Textual starts; importing it at start-up would cost
every launch (and could eat the first key typed). Half-blocks work everywhere, tmux
over SSH included.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from cebox_support.screens.download_errors import explain_download_failure
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import Document
from cebox_support.tui.config import downloads_dir
from cebox_support.tui.forms import human_size
from cebox_support.tui.i18n import _
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.image_view import ImageView
from cebox_support.widgets.key_bar import KeyBar
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Label, Static
from textual.worker import Worker

if TYPE_CHECKING:
    from cebox_support.tui.api.models import DocumentContent
    from cebox_support.tui.images import Picture
    from cebox_support.tui.session import Workspace


class ImageViewerScreen(Screen[None]):
    AUTO_FOCUS = ""
    """The keys are the screen's: the picture takes the focus once shown, the password
    field only when asked."""

    BINDINGS = [
        Binding("escape,backspace,q", "back", _("Back"), id="viewer.back"),
        Binding("s", "save", _("Save"), id="viewer.save", tooltip=_("Save the picture")),
        Binding("plus,equals_sign", "zoom_in", _("Zoom in"), id="viewer.zoom_in"),
        Binding("minus", "zoom_out", _("Zoom out"), id="viewer.zoom_out"),
        Binding("f,0", "fit", _("Fit"), id="viewer.fit", tooltip=_("Fit to the window")),
        Binding("1", "actual", _("1:1"), id="viewer.actual", tooltip=_("One pixel per half-cell")),
        Binding("left,h", "pan(-0.25, 0)", _("Pan"), id="viewer.left", show=False),
        Binding("right,l", "pan(0.25, 0)", _("Pan"), id="viewer.right", show=False),
        Binding("up,k", "pan(0, -0.25)", _("Pan"), id="viewer.up", show=False),
        Binding("down,j", "pan(0, 0.25)", _("Pan"), id="viewer.down", show=False),
    ]

    def __init__(self, workspace: Workspace, ticket_id: int, document: Document) -> None:
        super().__init__()
        self.workspace = workspace
        self.ticket_id = ticket_id
        self.document = document
        self.content: DocumentContent | None = None
        self.picture: Picture | None = None
        self.saved: Path | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id="viewer-title")
        yield Static(
            Text(_("Downloading {name}…").format(name=self.document.filename)),
            id="viewer-message",
        )
        with Horizontal(id="viewer-password-row"):
            yield Label(_("GLPI password"), id="viewer-password-label")
            yield Input(password=True, id="viewer-password", compact=True)
        yield Static("", id="viewer-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        from cebox_support.tui.images import load_decoder

        self.query_one("#viewer-password-row").display = False
        self.run_worker(load_decoder, thread=True, group="viewer-decoder", exit_on_error=False)
        self.load()

    def help_text(self) -> str:
        return _(
            "A picture of the ticket, drawn in the terminal.\n\n"
            "`+` and `-` zoom, `f` fits it to the window, `1` shows one pixel per "
            "half-cell, the arrows (or `h` `j` `k` `l`) move around a zoomed picture.\n\n"
            "`s` saves it in your downloads folder; `Esc` goes back."
        )

    # -- title and messages ----------------------------------------------------------

    def title_text(self) -> Text:
        doc = self.document
        line = Text("🖼 ")
        line.append(doc.filename, style="bold")
        size = len(self.content.data) if self.content is not None else doc.size
        if size is not None:
            line.append(f" · {human_size(size)}")
        picture = self.picture
        if picture is not None:
            line.append(f" · {picture.width}×{picture.height} px")
            view = self.view
            if view is not None:
                zoom = _("fit") if view.fitted else ""
                line.append(f" · {zoom} {view.percent}%".replace("  ", " "), style="dim")
        return line

    @property
    def view(self) -> ImageView | None:
        views = self.query(ImageView)
        return views.first() if views else None

    def _show_title(self) -> None:
        self.query_one("#viewer-title", Static).update(self.title_text())

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#viewer-message", Static)
        message.display = True
        message.update(Text(text))
        message.set_class(error, "error-text")

    def status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#viewer-status", Static)
        status.update(text)
        status.set_class(error, "error-text")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        message = worker_failure(event)
        if message is not None:
            self.say(message, error=True)

    @on(ImageView.Changed)
    def _view_changed(self) -> None:
        self._show_title()

    # -- loading -------------------------------------------------------------------

    @work(group="viewer-load", exclusive=True, exit_on_error=False)
    async def load(self, password: str | None = None) -> None:
        document = self.document
        try:
            content = await self.workspace.call(
                lambda c: c.document_content(document, ticket_id=self.ticket_id, password=password)
            )
        except GlpiError as error:
            explain_download_failure(
                error, app=self.app, say=self.say, ask_password=self._ask_password
            )
            return
        self.content = content
        self._show_title()
        self.refresh_bindings()
        await self.show(content.data)

    async def show(self, data: bytes) -> None:
        from cebox_support.tui.images import ImageRefused, decode

        try:
            picture = await asyncio.to_thread(decode, data)
        except ImageRefused as refusal:
            self.say(
                refusal.message
                + "\n\n"
                + _("Press s to save the file in {folder}.").format(folder=downloads_dir()),
                error=True,
            )
            return
        self.picture = picture
        self.query_one("#viewer-message", Static).display = False
        view = ImageView(picture.image, id="viewer-image")
        await self.mount(view, after="#viewer-message")
        view.focus()
        self._show_title()
        self.refresh_bindings()

    def _ask_password(self, message: str) -> None:
        self.query_one("#viewer-password-row").display = True
        self.query_one("#viewer-password", Input).focus()
        self.say(message, error=True)

    @on(Input.Submitted, "#viewer-password")
    def _password_given(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one("#viewer-password", Input)
        password, field.value = field.value, ""
        if not password:
            return
        self.query_one("#viewer-password-row").display = False
        self.say(_("Downloading {name}…").format(name=self.document.filename))
        self.load(password)

    # -- keys ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The zoom keys once a picture is shown, `s` once the file is here."""
        if action in ("zoom_in", "zoom_out", "fit", "actual", "pan"):
            return self.picture is not None
        if action == "save":
            return self.content is not None
        return True

    def action_back(self) -> None:
        self.dismiss(None)

    def action_zoom_in(self) -> None:
        if (view := self.view) is not None:
            view.zoom_in()

    def action_zoom_out(self) -> None:
        if (view := self.view) is not None:
            view.zoom_out()

    def action_fit(self) -> None:
        if (view := self.view) is not None:
            view.fit()

    def action_actual(self) -> None:
        if (view := self.view) is not None:
            view.actual_size()

    def action_pan(self, columns: float, rows: float) -> None:
        if (view := self.view) is not None:
            view.pan(columns, rows)

    def action_save(self) -> None:
        content = self.content
        if content is None:
            return
        from cebox_support.tui.api.documents import unused_path

        folder = downloads_dir().expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = unused_path(folder / content.name)
            with open(target, "xb") as out:
                out.write(content.data)
        except OSError as error:
            self.status(
                _("Cannot write in {folder}: {reason}").format(
                    folder=folder, reason=error.strerror or error
                ),
                error=True,
            )
            return
        self.saved = target
        self.status(_("Saved: {path}").format(path=target))
