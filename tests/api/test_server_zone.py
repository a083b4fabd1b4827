"""Dates across a daylight-saving change (issue 24 item 12): each date shows the wall
time GLPI's web page shows, the server's offset not frozen at sign-in."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.cli import main
from cebox_support.tui.helpdesk.clock import Clock
from cebox_support.tui.helpdesk.runner import start_helpdesk

SUMMER = datetime(2026, 7, 1, 12, 0)  # Paris +02:00, New York -04:00
WINTER_DATE = "2026-01-15 10:00:00"  # Paris +01:00, New York -05:00


def helpdesk_in(zone: str) -> Iterator[Any]:
    clock = Clock(timezone=zone)
    clock.set(SUMMER)
    running = start_helpdesk(clock=clock, demo=True, formcreator=False)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def paris() -> Iterator[Any]:
    yield from helpdesk_in("Europe/Paris")


@pytest.fixture
def new_york() -> Iterator[Any]:
    yield from helpdesk_in("America/New_York")


def winter_ticket(server: Any) -> int:
    return int(
        server.store.create_ticket(
            name="Hiver", content="<p>janvier</p>", requester_id=3, date=WINTER_DATE
        )
    )


def test_show_gives_a_winter_date_its_winter_offset(
    paris: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Signed in in summer (+02:00), GLPI names no zone to `show`: the machine's zone
    (Europe/Paris, like the server's now) gives January its +01:00."""
    tid = winter_ticket(paris)
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(tmp_path / "c.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    login = ["login", "--server", paris.api_url, "--user", "post-only", "--password-stdin"]
    assert main(login) == 0
    capsys.readouterr()
    assert main(["show", str(tid), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ticket"]["date"] == "2026-01-15T10:00:00+01:00"
    assert main(["show", str(tid)]) == 0
    assert "2026-01-15 10:00" in capsys.readouterr().out  # the wall time GLPI's page shows


async def test_the_zone_glpi_names_gives_each_date_its_offset(new_york: Any) -> None:
    """A server in New York, this machine in Paris: the zone GLPI's settings name."""
    tid = winter_ticket(new_york)
    client = GlpiClient(new_york.api_url)
    await client.login("post-only", "postonly")
    await client.server_config()
    detail = await client.get_ticket(tid)
    date = detail.ticket.date
    assert date is not None and date.isoformat() == "2026-01-15T10:00:00-05:00"
    summer = client.parse_date("2026-07-01 08:00:00")
    assert summer is not None and summer.isoformat() == "2026-07-01T08:00:00-04:00"
    assert client.server_time(datetime.fromisoformat("2026-01-15T15:00:00+00:00")) == WINTER_DATE
    await client.logout()
    await client.close()


async def test_a_server_in_another_zone_naming_none_keeps_its_measured_offset(
    new_york: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No rules known (GLPI names no zone, the machine's differ): the offset measured."""
    client = GlpiClient(new_york.api_url)
    await client.login("post-only", "postonly")
    date = client.parse_date(WINTER_DATE)
    assert date is not None and date.utcoffset() is not None
    assert date.isoformat() == "2026-01-15T10:00:00-04:00"
    await client.logout()
    await client.close()


async def test_a_console_open_across_the_change_follows_it(paris: Any) -> None:
    """Signed in on the Saturday before the autumn change: Monday's answer is +01:00."""
    paris.clock.set(datetime(2026, 10, 24, 12, 0))
    client = GlpiClient(paris.api_url)
    await client.login("post-only", "postonly")
    before = client.parse_date("2026-10-24 12:00:00")
    after = client.parse_date("2026-10-26 09:00:00")
    assert before is not None and before.isoformat().endswith("+02:00")
    assert after is not None and after.isoformat().endswith("+01:00")
    await client.logout()
    await client.close()
