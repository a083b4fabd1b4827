"""Any date a server sends displays (issue 15): far past, far future, invalid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.models import Ticket, TicketDetail, TicketStatus
from cebox_support.tui.render_text import exact_time, relative_time, ticket_detail
from cebox_support.widgets.timeline import format_when
from hypothesis import given
from hypothesis import strategies as st

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
GLPI_DATES = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M:%S").rjust(19, "0")
    ),
    st.sampled_from(["0000-00-00 00:00:00", "2026-02-30 10:00:00", "2026-11-28 25:61:00", ""]),
    st.text(max_size=25),
)


@given(value=GLPI_DATES, offset=st.integers(-14 * 4, 14 * 4), delay=st.integers(1, 365))
def test_any_server_date_displays(value: str, offset: int, delay: int) -> None:
    client = GlpiClient("http://127.0.0.1:9")
    client.server_tz = timezone(timedelta(minutes=15 * offset))
    when = client.parse_date(value)
    shown = relative_time(when, NOW)
    exact_time(when)
    format_when(when)
    if when is not None and (when - NOW).total_seconds() > 60:
        assert shown != "just now"
    ticket = Ticket(
        id=1, name="t", html="", text="", status=TicketStatus.SOLVED, date=when, solvedate=when
    )
    detail = TicketDetail(ticket=ticket)
    closes = detail.autoclose_date(delay)
    if closes is not None:
        closes.astimezone().strftime("%Y-%m-%d")  # what the ticket header shows
    ticket_detail(detail, NOW)


def test_the_future_is_never_just_now() -> None:
    assert relative_time(NOW + timedelta(days=3), NOW) == "2026-12-01"
    assert relative_time(NOW + timedelta(seconds=30), NOW) == "just now"  # clock skew
