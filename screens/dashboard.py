"""The home screen: my tickets, filtered, searched and sorted by the server.

The list pages through GLPI's search as the cursor moves (see widgets/ticket_table),
so an account with 10,000 tickets opens as fast as one with six. Tickets updated
since I last opened them carry a dot: it replaces the e-mail notifications for
someone who lives in the terminal.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from cebox_support.screens.dashboard_text import dashboard_help, empty_message, status_text
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import TicketFilter, TicketPage, TicketSummary
from cebox_support.tui.i18n import _
from cebox_support.tui.messages import NewTicket, OpenTicket, TicketChanged, TicketCreated
from cebox_support.tui.notify import News, Snapshot, news, snapshot
from cebox_support.tui.offline import copies_for, unreachable
from cebox_support.tui.session import Workspace, background
from cebox_support.tui.worker_errors import worker_failure
from cebox_support.widgets.filter_tabs import FILTERS, FilterTabs
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.offline_banner import OfflineBanner
from cebox_support.widgets.ticket_table import PAGE, SORT_KEYS, TicketTable
from cebox_support.widgets.title_bar import TitleBar
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker

if TYPE_CHECKING:
    from cebox_support.tui.api.client import GlpiClient

SEARCH_DELAY = 0.35
"""Seconds of quiet typing before the search is sent."""
ASCENDING_FIRST = {"name", "status", "type", "category"}
"""Sort keys whose natural first order is A→Z; the others start newest/highest first."""


class DashboardScreen(Screen[None]):
    BINDINGS = [
        Binding(
            "g",
            "goto",
            _("Go to"),
            id="dashboard.goto",
            tooltip=_("Open a ticket by number or link"),
        ),
        Binding(
            "slash",
            "focus_search",
            _("Search"),
            id="dashboard.search",
            tooltip=_("Search titles and descriptions"),
        ),
        Binding(
            "n",
            "new_ticket",
            _("New"),
            id="dashboard.new",
            tooltip=_("Declare an incident or open a request"),
        ),
        Binding(
            "r",
            "refresh",
            _("Refresh"),
            id="dashboard.refresh",
            tooltip=_("Reload the list and the counts"),
        ),
        Binding(
            "s", "cycle_sort", _("Sort"), id="dashboard.sort", tooltip=_("Sort by the next column")
        ),
        Binding(
            "S",
            "flip_sort",
            _("Reverse"),
            id="dashboard.reverse",
            show=False,
            tooltip=_("Reverse the order"),
        ),
        Binding("1", "filter(0)", _("Open tickets"), id="dashboard.filter-open", show=False),
        Binding(
            "2", "filter(1)", _("Awaiting my approval"), id="dashboard.filter-approval", show=False
        ),
        Binding("3", "filter(2)", _("Solved tickets"), id="dashboard.filter-solved", show=False),
        Binding("4", "filter(3)", _("Closed tickets"), id="dashboard.filter-closed", show=False),
        Binding("5", "filter(4)", _("All tickets"), id="dashboard.filter-all", show=False),
        Binding(
            "left", "step_filter(-1)", _("Previous filter"), id="dashboard.filter-prev", show=False
        ),
        Binding(
            "right", "step_filter(1)", _("Next filter"), id="dashboard.filter-next", show=False
        ),
        Binding(
            "escape", "leave_search", _("Back to the list"), id="dashboard.leave-search", show=False
        ),
        Binding("question_mark", "app.help", _("Help"), id="dashboard.help", show=False),
        Binding("q", "app.quit", _("Quit"), id="dashboard.quit"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.filter = TicketFilter.OPEN
        self.text = ""
        self.sort_key = "date_mod"
        self.descending = True
        self.counts: dict[TicketFilter, int] = {}
        self._first_token = 0
        self._started = False
        self._search_timer: Timer | None = None
        self._auto: Timer | None = None
        self._early_key = (self.filter, self.text, self.sort_key, self.descending)
        self._early_page = workspace.start(_first_page(*self._early_key))
        self._counted = False
        self._known: Snapshot = {}
        """Status and date of each ticket as last fetched: a refresh compares with it."""
        self._fetched_at: float | None = None
        self.last_nudge = ""
        """The last nudge's bytes, as written to the terminal (tests read it)."""

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield OfflineBanner()
        yield FilterTabs(self.filter, id="filters")
        yield Input(
            placeholder=_("/ Search titles and descriptions"),
            id="search",
            compact=True,
        )
        yield TicketTable(
            now=self.workspace.now, is_updated=self.workspace.seen.is_updated, id="tickets"
        )
        yield Static("", id="empty", markup=False)
        yield Static("", id="status-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        me = self.workspace.me
        self.title = "cebox-support"
        self.sub_title = f"{self.workspace.profile_name} — {me.name or me.login}"
        self.query_one("#empty", Static).display = False
        self.table.focus()
        seconds = self.workspace.settings.refresh_seconds
        if seconds > 0:
            self._auto = self.set_interval(seconds, self._refresh_tick)

    def help_text(self) -> str:
        return dashboard_help()

    @property
    def table(self) -> TicketTable:
        return self.query_one("#tickets", TicketTable)

    # -- loading --------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        if not self._started:
            self._started = True
            self.reload_all()
        else:
            self.action_refresh()

    def reload_all(self) -> None:
        """A new list from the top: filter, search or order changed."""
        table = self.table
        table.sort_key, table.descending = self.sort_key, self.descending
        self._first_token = table.reset()
        self._set_status(loading=True)
        self._load_first(self.filter, self.text, self.sort_key, self.descending, self._first_token)

    @work(group="ticket-list", exclusive=True, exit_on_error=False)
    async def _load_first(
        self, filter: TicketFilter, text: str, sort: str, descending: bool, token: int
    ) -> None:
        early, self._early_page = self._early_page, None
        if (filter, text, sort, descending) != self._early_key:
            early = None
        try:
            page = await self.workspace.call(
                _first_page(filter, text, sort, descending), early=early
            )
        except GlpiError as exc:
            if self._show_copy(exc, filter, text, token):
                return
            self.table.page_failed(token)
            self._set_status(error=exc.message)
            return
        finally:
            if not self._counted:
                # After the first rows, not with them: a server answering one search at
                # a time (or slowly, with 100,000 tickets) shows the rows first.
                self._counted = True
                self._load_counts()
        if not text and (sort, descending) == ("date_mod", True):
            copies = copies_for(self.workspace)
            copies.save_list(filter.value, page.rows, page.total)
            copies.save_me(self.workspace.me)
        self._apply(page, token)

    @work(group="ticket-counts", exclusive=True, exit_on_error=False)
    async def _load_counts(self) -> None:
        try:
            counts = await self.workspace.call(lambda c: c.count_all_filters())
        except GlpiError:
            return
        self.counts = counts
        self.query_one("#filters", FilterTabs).set_counts(counts)
        self._update_empty()

    @on(TicketTable.NeedMoreRows)
    def _need_more(self, message: TicketTable.NeedMoreRows) -> None:
        message.stop()
        self._load_page(message.start, message.count, message.request)

    @work(group="ticket-page", exit_on_error=False)
    async def _load_page(self, start: int, count: int, token: int) -> None:
        filter, text, sort, descending = self.filter, self.text, self.sort_key, self.descending
        try:
            page = await self.workspace.call(
                lambda c: c.list_tickets(
                    filter,
                    start=start,
                    count=count,
                    text=text or None,
                    sort=sort,
                    descending=descending,
                )
            )
        except GlpiError as exc:
            self.table.page_failed(token)
            if unreachable(exc) and self._fetched_at is not None:
                self._set_offline(self._fetched_at)  # the rows shown stay, marked
            self._set_status(error=exc.message)
            return
        self._apply(page, token)

    def _apply(self, page: TicketPage, token: int, *, copy_of: float | None = None) -> None:
        if copy_of is None:
            self._fetched_at = time.time()
            self._set_offline(None)
            self._notice_news(page.rows)
        self.table.show_page(page, token)
        self._update_empty()
        self._set_status()

    # -- while the link is down, and news from support ---------------------------------

    def _show_copy(self, exc: GlpiError, filter: TicketFilter, text: str, token: int) -> bool:
        """The server cannot be reached: the last copy of this list, marked (True), if any."""
        if text or not unreachable(exc):
            return False
        copy = copies_for(self.workspace).load_list(filter.value)
        if copy is None:
            return False
        page = TicketPage(rows=copy.rows, start=0, total=len(copy.rows))
        self._apply(page, token, copy_of=copy.fetched_at)
        self._set_offline(copy.fetched_at)
        return True

    def _set_offline(self, fetched_at: float | None) -> None:
        self.query_one(OfflineBanner).show_copy(fetched_at)

    def _notice_news(self, rows: list[TicketSummary]) -> None:
        """Support answered, solved or moved one of my tickets since the last refresh."""
        known, self._known = self._known, {**self._known, **snapshot(rows)}
        if known:
            items = news(known, rows, self.workspace.seen.is_updated_at)
            if items:
                self._nudge(items, self.workspace.settings.notify)

    @work(group="nudge", thread=True, exit_on_error=False)
    def _nudge(self, items: list[News], configured: str) -> None:
        from cebox_support.tui.notify import effective_mode, in_tmux, sequences

        data = sequences(effective_mode(configured), items, in_tmux=in_tmux())
        if data:
            self.app.call_from_thread(self._write_terminal, data)

    def _write_terminal(self, data: str) -> None:
        self.last_nudge = data
        driver = self.app._driver  # Textual's own writer thread: no interleaving
        if driver is not None and not self.app.is_headless:
            driver.write(data)
            driver.flush()

    def action_refresh(self) -> None:
        """Refetch the rows shown and the counts, keeping the cursor on its ticket."""
        if self.table.total is None:
            self.reload_all()
        else:
            request = self.table.reload()
            self._load_page(request.start, request.count, request.request)
        self._load_counts()

    def _refresh_tick(self) -> None:
        if self.app.screen is self and not self.table.fetching:
            with background():  # an expired session shows in the status line, no dialog
                self.action_refresh()

    def on_ticket_created(self, _message: TicketCreated) -> None:
        self.action_refresh()

    def on_ticket_changed(self, _message: TicketChanged) -> None:
        self.action_refresh()

    # -- what is shown besides the table ----------------------------------------------

    def _update_empty(self) -> None:
        table = self.table
        empty = table.total == 0
        table.set_class(empty, "-empty")
        box = self.query_one("#empty", Static)
        box.display = empty
        if not empty:
            return
        box.update(empty_message(self.text, self.counts, self.filter))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly never leaves "Loading…" on screen."""
        message = worker_failure(event)
        if message is None:
            return
        self._set_status(error=message)

    def _set_status(self, *, loading: bool = False, error: str | None = None) -> None:
        line = self.query_one("#status-line", Static)
        line.set_class(error is not None, "error-text")
        if error is not None:
            line.update(Text(error), layout=False)
            return
        table = self.table
        text = status_text(
            loading=loading,
            total=table.total,
            position=table.position,
            ticket=table.current() if table.total else None,
            sort_key=self.sort_key,
            descending=self.descending,
        )
        line.update(Text(text), layout=False)

    @on(TicketTable.TicketFocused)
    def _focused(self, message: TicketTable.TicketFocused) -> None:
        message.stop()
        self._set_status()

    # -- opening tickets ---------------------------------------------------------------

    @on(TicketTable.TicketChosen)
    def _chosen(self, message: TicketTable.TicketChosen) -> None:
        message.stop()
        self.open_ticket(message.ticket_id)

    def open_ticket(self, ticket_id: int) -> None:
        date_mod = next((t.date_mod for t in self.table.loaded if t.id == ticket_id), None)
        self.workspace.seen.mark_seen(ticket_id, date_mod)
        self.table.refresh_rows()
        self.post_message(OpenTicket(ticket_id))

    def action_goto(self) -> None:
        from cebox_support.screens.goto import GotoScreen

        def opened(ticket_id: int | None) -> None:
            if ticket_id is not None:
                self.open_ticket(ticket_id)

        self.app.push_screen(GotoScreen(self.workspace), opened)

    def action_new_ticket(self) -> None:
        self.post_message(NewTicket())

    # -- filters, search, order ----------------------------------------------------------

    def action_filter(self, index: int) -> None:
        self.query_one("#filters", FilterTabs).choose(FILTERS[index])

    def action_step_filter(self, delta: int) -> None:
        self.query_one("#filters", FilterTabs).step(delta)

    @on(FilterTabs.FilterChosen)
    def _filter_chosen(self, message: FilterTabs.FilterChosen) -> None:
        if message.filter is not self.filter:
            self.filter = message.filter
            if self._started:
                self.reload_all()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.table.focus()
        elif search.value:
            search.value = ""
            self._search_now()
            self.table.focus()

    @on(Input.Changed, "#search")
    def _search_typed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._search_now)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self._search_now()
        self.table.focus()

    def _search_now(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        text = self.query_one("#search", Input).value.strip()
        if text != self.text:
            self.text = text
            self.reload_all()

    def action_cycle_sort(self) -> None:
        i = SORT_KEYS.index(self.sort_key) if self.sort_key in SORT_KEYS else -1
        self._sort_by(SORT_KEYS[(i + 1) % len(SORT_KEYS)])

    def action_flip_sort(self) -> None:
        self.descending = not self.descending
        self.reload_all()

    @on(TicketTable.SortRequested)
    def _header_clicked(self, message: TicketTable.SortRequested) -> None:
        message.stop()
        if message.key == self.sort_key:
            self.action_flip_sort()
        else:
            self._sort_by(message.key)

    def _sort_by(self, key: str) -> None:
        self.sort_key = key
        self.descending = key not in ASCENDING_FIRST
        self.reload_all()


def _first_page(
    filter: TicketFilter, text: str, sort: str, descending: bool
) -> Callable[[GlpiClient], Awaitable[TicketPage]]:
    """The read of a list's first page (also sent early, before the screen is mounted)."""
    return lambda c: c.list_tickets(
        filter, start=0, count=PAGE, text=text or None, sort=sort, descending=descending
    )
