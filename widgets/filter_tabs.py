"""The dashboard's filters as tabs with their counts: open, awaiting my approval, ….

Not focusable: keys 1–5 and left/right on the screen switch them, so the ticket list
keeps the focus.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import Tab, Tabs

from tui.api.models import TicketFilter

FILTERS = list(TicketFilter)


class FilterTabs(Tabs, can_focus=False):
    @dataclass
    class FilterChosen(Message):
        filter: TicketFilter

    def __init__(self, active: TicketFilter = TicketFilter.OPEN, *, id: str | None = None) -> None:
        super().__init__(
            *[Tab(self._label(i, f, None), id=f"filter-{f.value}") for i, f in enumerate(FILTERS)],
            active=f"filter-{active.value}",
            id=id,
        )
        self.counts: dict[TicketFilter, int] = {}

    @staticmethod
    def _label(index: int, f: TicketFilter, count: int | None) -> str:
        shown = f"{f.label} ({count})" if count is not None else f.label
        return f"{index + 1} {shown}"

    @property
    def current(self) -> TicketFilter:
        active = self.active or f"filter-{FILTERS[0].value}"
        return TicketFilter(active.removeprefix("filter-"))

    def set_counts(self, counts: dict[TicketFilter, int]) -> None:
        self.counts = dict(counts)
        for i, f in enumerate(FILTERS):
            self.query_one(f"#filter-{f.value}", Tab).label = self._label(i, f, counts.get(f))

    def choose(self, f: TicketFilter) -> None:
        self.active = f"filter-{f.value}"

    def step(self, delta: int) -> None:
        i = FILTERS.index(self.current)
        self.choose(FILTERS[(i + delta) % len(FILTERS)])

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        if event.tab is not None and event.tab.id:
            self.post_message(FilterTabs.FilterChosen(self.current))
