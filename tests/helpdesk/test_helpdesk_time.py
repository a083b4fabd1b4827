"""The server's clock is the real time of its zone, whatever the machine's zone.

A client learns the server's offset as ``glpi_currenttime`` minus the HTTP ``Date``
header (docs/glpi-api.md): both must be true for that to work.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from cebox_support.tui.helpdesk.clock import Clock
from cebox_support.tui.helpdesk.runner import start_helpdesk
from cebox_support.tui.helpdesk.server import create_app
from cebox_support.tui.helpdesk.store import Store

PARIS = ZoneInfo("Europe/Paris")
SLACK = timedelta(minutes=1)  # two clock reads around a request, not a speed limit


@pytest.fixture
def utc_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local zone is UTC (the conftest sets Europe/Paris for the console)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _paris_offset(at: datetime) -> timedelta:
    offset = PARIS.utcoffset(at.replace(tzinfo=None))
    assert offset is not None
    return offset


@pytest.mark.usefixtures("utc_machine")
def test_clock_reads_paris_time_on_a_utc_machine() -> None:
    now_utc = datetime.now(UTC)
    assert time.timezone == 0  # really a UTC machine
    server = Clock().now()
    expected = now_utc.replace(tzinfo=None) + _paris_offset(now_utc)
    assert abs(server - expected) < SLACK
    assert abs(Clock(timezone="UTC").now() - now_utc.replace(tzinfo=None)) < SLACK


@pytest.mark.usefixtures("utc_machine")
def test_date_header_and_currenttime_give_the_servers_offset() -> None:
    with start_helpdesk(demo=False, clock=Clock()) as hd:
        token = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "postonly")).json()
        r = httpx.get(
            f"{hd.api_url}/getFullSession", headers={"Session-Token": token["session_token"]}
        )
        config = httpx.get(
            f"{hd.api_url}/getGlpiConfig", headers={"Session-Token": token["session_token"]}
        ).json()["cfg_glpi"]
    sent = parsedate_to_datetime(r.headers["date"])
    assert abs(sent - datetime.now(UTC)) < SLACK  # the Date header is the true UTC time
    current = datetime.strptime(r.json()["session"]["glpi_currenttime"], "%Y-%m-%d %H:%M:%S")
    offset = current - sent.replace(tzinfo=None)
    assert abs(offset - _paris_offset(sent)) < timedelta(seconds=5)
    assert config["timezone"] == "Europe/Paris"


def test_a_frozen_clock_keeps_its_date_header_true() -> None:
    clock = Clock(datetime(2026, 7, 1, 12, 0, 0))  # Paris summer time: UTC+2
    with start_helpdesk(demo=False, clock=clock) as hd:
        r = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "postonly"))
    assert r.headers["date"] == "Wed, 01 Jul 2026 10:00:00 GMT"


def test_the_app_zone_is_the_clocks() -> None:
    with pytest.raises(ValueError, match="Clock\\(timezone='UTC'\\)"):
        create_app(Store(), clock=Clock(), timezone="UTC")
    app = create_app(Store(), clock=Clock(timezone="America/New_York"))
    assert app.state.config.timezone == "America/New_York"
