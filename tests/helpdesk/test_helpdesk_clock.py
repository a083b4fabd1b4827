"""The helpdesk's wall clock is its time zone's, whatever the machine's: dates it stores
and the `Date` header agree, so a client's "since I sent it" holds on any machine."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cebox_support.tui.helpdesk.runner import start_helpdesk


def test_clock_runs_in_the_servers_zone_on_a_utc_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        with start_helpdesk(demo=False) as hd:
            paris = datetime.now(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
            assert abs(hd.store.clock.now() - paris) < timedelta(seconds=5)
    finally:
        monkeypatch.setenv("TZ", "Europe/Paris")
        time.tzset()
