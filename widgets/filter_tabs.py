"""The dashboard's filters as tabs with their counts: open, awaiting my approval, ….

Not focusable: keys 1–5 and left/right on the screen switch them, so the ticket list
keeps the focus.
"""

from __future__ import annotations

from dataclasses import dataclass

from cebox_support.tui.api.models import TicketFilter
from rich.cells import cell_len
from textual.message import Message
from textual.widgets import Tab, Tabs

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
        self._tier = 0

    def _label(self, index: int, f: TicketFilter, count: int | None) -> str:
        return self._label_at(getattr(self, "_tier", 0), index, f, count)

    @staticmethod
    def _label_at(tier: int, index: int, f: TicketFilter, count: int | None) -> str:
        """Tier 0 "1 Open (4)", 1 "1 Open 4", 2 "1 Open": narrower until all five fit."""
        if count is None or tier >= 2:
            return f"{index + 1} {f.label}"
        return f"{index + 1} {f.label} ({count})" if tier == 0 else f"{index + 1} {f.label} {count}"

    def _fit(self) -> None:
        width = self.size.width
        if not width:
            return
        tier = 0
        for tier in range(3):
            labels = [self._label_at(tier, i, f, self.counts.get(f)) for i, f in enumerate(FILTERS)]
            if sum(cell_len(label) + 2 for label in labels) <= width:
                break
        if tier != getattr(self, "_tier", 0):
            self._tier = tier
            self._relabel()

    def on_resize(self) -> None:
        self._fit()

    def _relabel(self) -> None:
        for i, f in enumerate(FILTERS):
            self.query_one(f"#filter-{f.value}", Tab).label = self._label(i, f, self.counts.get(f))

    @property
    def current(self) -> TicketFilter:
        active = self.active or f"filter-{FILTERS[0].value}"
        return TicketFilter(active.removeprefix("filter-"))

    def set_counts(self, counts: dict[TicketFilter, int]) -> None:
        self.counts = dict(counts)
        self._relabel()
        self._fit()

    def choose(self, f: TicketFilter) -> None:
        self.active = f"filter-{f.value}"

    def step(self, delta: int) -> None:
        i = FILTERS.index(self.current)
        self.choose(FILTERS[(i + delta) % len(FILTERS)])

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        if event.tab is not None and event.tab.id:
            self.post_message(FilterTabs.FilterChosen(self.current))
