"""The five filter tabs fit the width: at 60 columns in French "5 Tous" is not cut off."""

from __future__ import annotations

import pytest
from cebox_support.tui.api.models import TicketFilter
from cebox_support.tui.i18n import set_language
from cebox_support.widgets.filter_tabs import FilterTabs
from textual.app import App, ComposeResult
from textual.widgets import Tab

COUNTS = {
    TicketFilter.OPEN: 4,
    TicketFilter.APPROVAL: 1,
    TicketFilter.SOLVED: 1,
    TicketFilter.CLOSED: 12,
    TicketFilter.ALL: 18,
}


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield FilterTabs()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [60, 80, 160])
async def test_all_five_tabs_visible(lang: str, width: int) -> None:
    set_language(lang)
    try:
        app = _Host()
        async with app.run_test(size=(width, 6)) as pilot:
            tabs = app.query_one(FilterTabs)
            tabs.set_counts(COUNTS)
            await pilot.pause()
            await pilot.pause()
            for n, tab in enumerate(tabs.query(Tab), start=1):
                assert str(tab.label).startswith(f"{n} ")
                assert tab.region.right <= width, (width, [str(t.label) for t in tabs.query(Tab)])
            last = str(tabs.query(Tab).last().label)
            if width >= 160:
                assert last.endswith("(18)")  # room for the full labels
    finally:
        set_language("en")
