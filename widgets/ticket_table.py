"""The ticket list: a window of rows over the server's pages.

A DataTable holding every row costs about 2 s per 10,000 rows, so this one keeps at
most `WINDOW` rows and asks its screen for the next page (`NeedMoreRows`) as the
cursor nears either edge. The widget never talks to the server: the screen fetches
and hands pages back with `show_page`. Only the answer to the latest request is
taken, so a slow page can never overwrite a newer filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from cebox_support.tui.api.models import Priority, TicketPage, TicketStatus, TicketSummary
from cebox_support.tui.i18n import _
from cebox_support.tui.render_text import relative_time
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

PAGE = 100
"""Rows per server request."""
WINDOW = 300
"""Most rows the DataTable ever holds."""
MARGIN = 20
"""Rows from an edge of the window at which the next page is asked for."""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    """Also the sort key the client understands (`GlpiClient.list_tickets(sort=…)`)."""
    label: str
    width: int
    """Cells; 0 means "takes what is left"."""
    min_table_width: int = 0
    """The column is shown only when the table is at least this wide."""


def columns() -> list[ColumnSpec]:
    return [
        ColumnSpec("mark", " ", 1),
        ColumnSpec("id", _("#"), 6),
        ColumnSpec("name", _("Title"), 0),
        ColumnSpec("status", _("Status"), 9),
        ColumnSpec("type", _("Type"), 8, min_table_width=100),
        ColumnSpec("category", _("Category"), 0, min_table_width=140),
        ColumnSpec("date_mod", _("Updated"), 10),
        ColumnSpec("priority", _("Priority"), 9, min_table_width=100),
    ]


SORT_KEYS = ("date_mod", "id", "name", "status", "type", "category", "priority", "date")
"""What `s` cycles through, in this order."""


def sort_label(key: str) -> str:
    labels = {
        "date_mod": _("Updated"),
        "id": _("Number"),
        "name": _("Title"),
        "status": _("Status"),
        "type": _("Type"),
        "category": _("Category"),
        "priority": _("Priority"),
        "date": _("Opened"),
    }
    return labels.get(key, key)


class TicketTable(DataTable[Text]):
    """My tickets, one row each; Enter chooses one."""

    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "ticket-table--updated",
        "ticket-table--status-new",
        "ticket-table--status-processing",
        "ticket-table--status-waiting",
        "ticket-table--status-solved",
        "ticket-table--status-closed",
        "ticket-table--priority-high",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", _("Down"), id="tickets.down", show=False),
        Binding("k", "cursor_up", _("Up"), id="tickets.up", show=False),
        Binding("home,ctrl+home", "first", _("First ticket"), id="tickets.first", show=False),
        Binding("end,ctrl+end", "last", _("Last ticket"), id="tickets.last", show=False),
    ]

    @dataclass
    class NeedMoreRows(Message):
        """Fetch `count` rows from `start`; answer with `show_page(page, request)`."""

        start: int
        count: int
        request: int
        """Token of this request: only the latest one's page is taken."""

    @dataclass
    class TicketChosen(Message):
        """Enter (or a click) on a ticket."""

        ticket_id: int

    @dataclass
    class TicketFocused(Message):
        """The cursor is on `ticket` (None: nothing), the `position`-th of `total`."""

        ticket: TicketSummary | None
        position: int
        total: int

    @dataclass
    class SortRequested(Message):
        """A column header was clicked."""

        key: str

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        is_updated: Callable[[int, datetime | None], bool] = lambda _id, _date: False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", cell_padding=1)
        self._now = now
        self._is_updated = is_updated
        self._rows: list[TicketSummary] = []
        self._offset = 0
        self.total: int | None = None
        self._request = 0
        self._pending: tuple[int, int | None, bool] | None = None
        """(request token, cursor target as a global index, replace the window)."""
        self._layout_width = 0
        self.sort_key = "date_mod"
        self.descending = True

    # -- what the screen reads -------------------------------------------------------

    @property
    def window(self) -> tuple[int, int]:
        """Global indexes [start, end) of the rows held."""
        return self._offset, self._offset + len(self._rows)

    @property
    def loaded(self) -> list[TicketSummary]:
        return list(self._rows)

    @property
    def fetching(self) -> bool:
        return self._pending is not None

    @property
    def position(self) -> int:
        return self._offset + self.cursor_row if self._rows else 0

    def current(self) -> TicketSummary | None:
        if not self._rows or not 0 <= self.cursor_row < len(self._rows):
            return None
        return self._rows[self.cursor_row]

    # -- what the screen calls -------------------------------------------------------

    def reset(self) -> int:
        """Forget every row (new filter, search or order); returns the first page's token."""
        self._rows = []
        self._offset = 0
        self.total = None
        self._relabel()
        self.clear()
        return self._ask(0, PAGE, target=0, replace=True, post=False)

    def reload(self) -> NeedMoreRows:
        """The request that refetches the rows held, keeping the cursor's ticket."""
        start, end = self.window
        count = max(end - start, PAGE)
        token = self._ask(start, count, target=self.position, replace=True, post=False)
        return TicketTable.NeedMoreRows(start, count, token)

    def show_page(self, page: TicketPage, request: int) -> None:
        if self._pending is None or self._pending[0] != request:
            return
        _token, target, replace = self._pending
        self._pending = None
        before = self.current()
        self.total = page.total
        rows = list(page.rows)
        start, end = self.window
        if not replace and self._rows and page.start == end:
            known = {r.id for r in self._rows}
            merged, offset = self._rows + _unique([r for r in rows if r.id not in known]), start
            if len(merged) > WINDOW:
                drop = len(merged) - WINDOW
                merged, offset = merged[drop:], offset + drop
        elif not replace and self._rows and page.start + len(rows) == start:
            merged, offset = _unique(rows + self._rows)[:WINDOW], page.start
        else:
            merged, offset = _unique(rows)[:WINDOW], page.start
            if before is not None and target == self.position:
                same = next((i for i, r in enumerate(merged) if r.id == before.id), None)
                if same is not None:
                    target = offset + same
        if target is None:
            target = self.position
        self._rows, self._offset = merged, offset
        if not merged and page.start > 0 and page.total > 0:
            self._ask(max(0, page.total - PAGE), PAGE, target=page.total - 1, replace=True)
            return
        self._rebuild(target)

    def page_failed(self, request: int) -> None:
        if self._pending is not None and self._pending[0] == request:
            self._pending = None

    def refresh_rows(self) -> None:
        """Redraw from the rows held (the clock moved, or a ticket was seen)."""
        self._rebuild(self.position)

    # -- internals -------------------------------------------------------------------

    def _ask(
        self, start: int, count: int, *, target: int | None, replace: bool, post: bool = True
    ) -> int:
        self._request += 1
        self._pending = (self._request, target, replace)
        if post:
            self.post_message(TicketTable.NeedMoreRows(start, count, self._request))
        return self._request

    def _check_edges(self) -> None:
        if self._pending is not None or self.total is None or not self._rows:
            return
        start, end = self.window
        local = self.cursor_row
        if end < self.total and local >= len(self._rows) - MARGIN:
            self._ask(end, PAGE, target=None, replace=False)
        elif start > 0 and local < MARGIN:
            first = max(0, start - PAGE)
            self._ask(first, start - first, target=None, replace=False)

    def _visible_columns(self) -> list[tuple[ColumnSpec, int]]:
        width = self._layout_width or 80
        shown = [c for c in columns() if width >= c.min_table_width]
        fixed = sum(c.width for c in shown) + 2 * len(shown) + 2
        flexible = [c for c in shown if c.width == 0]
        rest = max(width - fixed, 12 * len(flexible))
        sizes: dict[str, int] = {}
        if len(flexible) == 2:
            sizes["category"] = min(32, rest // 3)
            sizes["name"] = rest - sizes["category"]
        elif flexible:
            sizes[flexible[0].key] = rest
        return [(c, c.width or sizes[c.key]) for c in shown]

    def _relabel(self) -> None:
        self.clear(columns=True)
        for spec, width in self._visible_columns():
            label = spec.label
            if spec.key == self.sort_key:
                label = f"{label}{'▼' if self.descending else '▲'}"
            self.add_column(Text(label, no_wrap=True), width=width, key=spec.key)

    def _styles(self) -> dict[str, Style]:
        names = self.COMPONENT_CLASSES - DataTable.COMPONENT_CLASSES
        return {n: self.get_component_rich_style(n, partial=True) for n in names}

    def _cells(
        self, t: TicketSummary, cols: list[tuple[ColumnSpec, int]], styles: dict[str, Style]
    ) -> list[Text]:
        updated = self._is_updated(t.id, t.date_mod)
        status_class = {
            TicketStatus.NEW: "new",
            TicketStatus.ASSIGNED: "processing",
            TicketStatus.PLANNED: "processing",
            TicketStatus.WAITING: "waiting",
            TicketStatus.SOLVED: "solved",
            TicketStatus.CLOSED: "closed",
        }[t.status]
        now = self._now()
        cells: list[Text] = []
        for spec, width in cols:
            key = spec.key
            if key == "mark":
                cell = Text("●", style=styles["ticket-table--updated"]) if updated else Text("")
            elif key == "id":
                cell = Text(str(t.id), justify="right")
            elif key == "name":
                cell = Text(t.name, style="bold" if updated else "")
            elif key == "status":
                cell = Text(
                    t.status.short_label, style=styles[f"ticket-table--status-{status_class}"]
                )
            elif key == "type":
                cell = Text(t.type.label if t.type else "")
            elif key == "category":
                cell = Text(t.category)
            elif key == "date_mod":
                cell = Text(relative_time(t.date_mod, now))
            else:
                high = t.priority is not None and t.priority >= Priority.HIGH
                cell = Text(
                    t.priority.label if t.priority else "",
                    style=styles["ticket-table--priority-high"] if high else "",
                )
            cell.no_wrap = True
            cell.truncate(width, overflow="ellipsis")
            cells.append(cell)
        return cells

    def _rebuild(self, target: int) -> None:
        screen_row = self.cursor_row - int(self.scroll_y)
        cols = self._visible_columns()
        styles = self._styles()
        self.clear()
        for t in self._rows:
            self.add_row(*self._cells(t, cols, styles), key=str(t.id))
        if self._rows:
            local = min(max(target - self._offset, 0), len(self._rows) - 1)
            self.move_cursor(row=local, animate=False, scroll=False)
            scroll_to = max(0, local - max(screen_row, 0))
            self.call_after_refresh(self._settle, local, scroll_to)
        self._post_focused()

    def _settle(self, local: int, scroll_y: int) -> None:
        self.scroll_to(y=scroll_y, animate=False, immediate=True)
        if local < self.row_count:
            self.move_cursor(row=local, animate=False)

    def _post_focused(self) -> None:
        self.post_message(TicketTable.TicketFocused(self.current(), self.position, self.total or 0))

    # -- events ---------------------------------------------------------------------

    def on_mount(self) -> None:
        self._layout_width = self.size.width or 80
        self._relabel()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._layout_width and event.size.width > 0:
            self._layout_width = event.size.width
            position = self.position
            self._relabel()
            if self._rows:
                self._rebuild(position)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._post_focused()
        self._check_edges()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        ticket = self.current()
        if ticket is not None:
            self.post_message(TicketTable.TicketChosen(ticket.id))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = str(event.column_key.value)
        if key in SORT_KEYS:
            self.post_message(TicketTable.SortRequested(key))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Left and right go to the screen (filter tabs): the columns always fit."""
        if action in ("cursor_left", "cursor_right"):
            return False
        return super().check_action(action, parameters)

    def action_first(self) -> None:
        if self._offset == 0 or self.total is None:
            if self._rows:
                self.move_cursor(row=0, animate=False)
            return
        self._ask(0, PAGE, target=0, replace=True)

    def action_last(self) -> None:
        if self.total is None or not self._rows:
            return
        if self._offset + len(self._rows) >= self.total:
            self.move_cursor(row=len(self._rows) - 1, animate=False)
            return
        start = max(0, self.total - PAGE)
        self._ask(start, self.total - start, target=self.total - 1, replace=True)


def _unique(rows: list[TicketSummary]) -> list[TicketSummary]:
    """A ticket that moved between two pages while paging is shown once."""
    seen: set[int] = set()
    out = []
    for row in rows:
        if row.id not in seen:
            seen.add(row.id)
            out.append(row)
    return out
