"""The thread of a ticket: one small entry per description, follow-up, task, solution, document.

Every piece of server text is shown inert (plain `Text` or `markup=False`): titles,
names and messages come from a server we do not control.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cebox_support.tui.api.models import Document, SolutionStatus, TimelineItem, TimelineKind
from cebox_support.tui.api.text import is_heading_rule
from cebox_support.tui.forms import human_size
from cebox_support.tui.i18n import _
from cebox_support.tui.images import is_image
from cebox_support.tui.render_text import format_when, kind_label
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import LoadingIndicator, Static

__all__ = [
    "DocumentChosen",
    "PictureLine",
    "Timeline",
    "TimelineEntry",
    "format_when",
    "kind_label",
    "styled_text",
]


def is_picture(document: Document) -> bool:
    """A document the picture viewer can try (by type, else by extension)."""
    return is_image(document.filename, document.mime)


class DocumentChosen(Message):
    """Enter on a document of the thread: a picture opens in the viewer."""

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document


_SOLUTION_CLASS = {
    SolutionStatus.NONE: "solution-waiting",
    SolutionStatus.WAITING: "solution-waiting",
    SolutionStatus.ACCEPTED: "solution-accepted",
    SolutionStatus.REFUSED: "solution-refused",
}


def styled_text(text: str) -> Text:
    """Server text as written, with its headings (a line over its rule) in bold."""
    lines = text.split("\n")
    out = Text()
    for n, line in enumerate(lines):
        if n:
            out.append("\n")
        if n + 1 < len(lines) and is_heading_rule(lines[n + 1], line):
            out.append(line, style="bold")
        elif n and is_heading_rule(line, lines[n - 1]):
            out.append(line, style="dim")
        else:
            out.append(line)
    return out


def _classes(item: TimelineItem, mine: bool) -> str:
    classes = f"timeline-item kind-{item.kind.value} {'mine' if mine else 'theirs'}"
    if item.solution_status is not None:
        classes += f" {_SOLUTION_CLASS[item.solution_status]}"
    return classes


class _Choosable(Static):
    """A line of the thread that Enter (or a click) opens: it posts DocumentChosen."""

    BINDINGS = [Binding("enter", "choose", _("View"), id="timeline.view")]
    document: Document | None = None

    def action_choose(self) -> None:
        if self.document is not None:
            self.post_message(DocumentChosen(self.document))

    def on_click(self) -> None:
        self.action_choose()


class TimelineEntry(_Choosable):
    """One item of the thread; `mine` when I wrote it, so it stands apart from the support's.

    A single widget (its header line and text in one renderable): a thread of 50 items
    mounts 50 widgets, not 150. A document's entry takes the focus: Enter opens it.
    """

    DEFAULT_CSS = """
    TimelineEntry { height: auto; }
    """

    def __init__(self, item: TimelineItem, *, mine: bool, author: str) -> None:
        self.item = item
        self.mine = mine
        self.author = author
        super().__init__(
            Text.assemble(self.meta(), "\n", self.body()), classes=_classes(item, mine)
        )
        if item.kind is TimelineKind.DOCUMENT and item.document is not None:
            self.document = item.document
            self.can_focus = True

    def meta(self) -> Text:
        item = self.item
        line = Text(style="dim")
        line.append(kind_label(item.kind), style="bold")
        who = _("You") if self.mine else self.author
        if who:
            line.append(" · ")
            line.append(who, style="bold" if self.mine else "")
        line.append(" · ")
        line.append(format_when(item.date))
        if item.solution_status is not None:
            line.append(" · ")
            line.append(item.solution_status.label, style="italic")
        return line

    def body(self) -> Text:
        item = self.item
        if item.kind is TimelineKind.DOCUMENT and item.document is not None:
            if is_picture(item.document):
                return picture_text(item.document)
            body = Text("📎 ")
            body.append(item.document.filename)
            if item.document.size is not None:
                body.append(f"  {human_size(item.document.size)}", style="dim")
            return body
        return styled_text(item.text) if item.text else Text(_("(no text)"))


def picture_text(document: Document) -> Text:
    line = Text("🖼 ")
    line.append(document.filename)
    if document.size is not None:
        line.append(f"  {human_size(document.size)}", style="dim")
    line.append(" — ")
    line.append(_("Enter to view"), style="italic")
    return line


class PictureLine(_Choosable):
    """A picture pasted in the text of the entry above it, on a line of its own."""

    def __init__(self, item: TimelineItem, document: Document, *, mine: bool) -> None:
        super().__init__(picture_text(document), classes=_classes(item, mine) + " timeline-picture")
        self.document = document
        self.can_focus = True


def _unlisted_line(item: TimelineItem, document_id: int, *, mine: bool) -> Static:
    text = Text("🖼 ", style="dim")
    text.append(
        _("picture #{id}: not among the ticket's documents, not downloaded").format(id=document_id)
    )
    return Static(text, classes=_classes(item, mine) + " timeline-picture")


class Timeline(VerticalScroll):
    """The thread, oldest or newest first; a loading indicator until the first data."""

    DEFAULT_CSS = """
    Timeline { height: 1fr; }
    Timeline > .timeline-message { height: auto; }
    """

    FIRST_BATCH = 12
    """Entries mounted before the thread is first painted (the newest: what is in view);
    the older ones follow right after that paint, off screen."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.me_id: int | None = None
        self.newest_first = False
        self.names: dict[int, str] = {}
        self._items: list[TimelineItem] = []
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()

    def _entry(self, item: TimelineItem) -> list[Widget]:
        """The item's entry, then a line per picture pasted in its text."""
        mine = self.me_id is not None and item.author_id == self.me_id
        author = item.author or self.names.get(item.author_id or -1, "")
        widgets: list[Widget] = [TimelineEntry(item, mine=mine, author=author)]
        widgets.extend(PictureLine(item, doc, mine=mine) for doc in item.images)
        widgets.extend(_unlisted_line(item, n, mine=mine) for n in item.unlisted_images)
        return widgets

    @property
    def entries(self) -> list[TimelineEntry]:
        return list(self.query_children(TimelineEntry))

    async def show_items(
        self,
        items: Iterable[TimelineItem],
        *,
        me_id: int | None,
        names: Mapping[int, str] | None = None,
    ) -> None:
        """Replace the thread and scroll to its newest end.

        A long thread is mounted in two steps: the newest entries at once, the older
        ones after the first paint, so opening a ticket with a long history shows its
        end as soon as its short one would.
        """
        self.me_id = me_id
        self.names = dict(names or {})
        ordered = sorted(items, key=_sort_key, reverse=self.newest_first)
        self._items = ordered
        self._generation += 1
        n = self.FIRST_BATCH
        if self.newest_first:
            first, rest = ordered[:n], ordered[n:]
        else:
            first, rest = ordered[-n:], ordered[:-n]
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all([w for item in first for w in self._entry(item)])
        self._scroll_newest()
        if rest:
            self.call_after_refresh(self._mount_older, rest, self._generation)

    async def _mount_older(self, older: list[TimelineItem], generation: int) -> None:
        if generation != self._generation or not self.is_attached:
            return  # the thread was replaced meanwhile
        entries = [w for item in older for w in self._entry(item)]
        shown = self.entries
        if self.newest_first or not shown:
            await self.mount_all(entries)
            return
        # Growing above the view: held at the bottom while the new height settles.
        at_end = self.scroll_y >= self.max_scroll_y
        if at_end:
            self.anchor()
        await self.mount_all(entries, before=shown[0])
        if at_end:
            self.call_after_refresh(self.anchor, False)

    async def show_message(self, text: str) -> None:
        self._items = []
        self._generation += 1
        with self.app.batch_update():
            await self.remove_children()
            await self.mount(Static(Text(text), classes="timeline-message error-text"))

    async def add_item(self, item: TimelineItem) -> None:
        """One new item (a reply just sent) at the newest end, without redrawing the rest."""
        entries = self.entries
        widgets = self._entry(item)
        if self.newest_first:
            self._items.insert(0, item)
        else:
            self._items.append(item)
        if self.newest_first and entries:
            await self.mount_all(widgets, before=entries[0])
        else:
            await self.mount_all(widgets)
        self._scroll_newest()

    async def flip(self) -> None:
        self.newest_first = not self.newest_first
        if self._items:
            await self.show_items(self._items, me_id=self.me_id, names=self.names)

    def _scroll_newest(self) -> None:
        if self.newest_first:
            self.call_after_refresh(self.scroll_home, animate=False)
        else:
            self.call_after_refresh(self.scroll_end, animate=False)


def _sort_key(item: TimelineItem) -> tuple[float, int, int]:
    order = {k: i for i, k in enumerate(TimelineKind)}
    return (item.date.timestamp() if item.date else float("-inf"), order[item.kind], item.id)
