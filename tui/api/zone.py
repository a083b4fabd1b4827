"""The server's time zone, for GLPI's zone-less dates.

GLPI sends `2026-01-15 10:00:00` in the zone its web pages use. A fixed offset learned
at sign-in is wrong for every date on the other side of a daylight-saving change (and
for the whole day after one, in a console left open): the offset is taken at each date
from the zone's rules instead — the zone GLPI names when it names one, else the
machine's own zone when it gives the offset measured on the server now, else (no rules
known) that measured offset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

QUARTER_HOUR = 900


class _MachineZone(tzinfo):
    """The machine's zone rules (TZ, /etc/localtime), whatever their name."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return datetime.now().astimezone().utcoffset() or timedelta(0)
        try:
            local = dt.replace(tzinfo=None).astimezone()
        except (OverflowError, ValueError, OSError):
            return datetime.now().astimezone().utcoffset() or timedelta(0)
        return local.utcoffset() or timedelta(0)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None

    def fromutc(self, dt: datetime) -> datetime:
        return dt.replace(tzinfo=UTC).astimezone().replace(tzinfo=self)


MACHINE_ZONE = _MachineZone()


def named_zone(name: object) -> tzinfo | None:
    """The IANA zone GLPI names (`Europe/Paris`); None when it names none or a bad one."""
    if not isinstance(name, str) or not name.strip() or name.strip() in ("0", "null"):
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def offset_at(zone: tzinfo, utc: datetime) -> timedelta | None:
    try:
        return utc.replace(tzinfo=UTC).astimezone(zone).utcoffset()
    except (OverflowError, ValueError, OSError):
        return None


class ServerZone(tzinfo):
    """One per client, attached to every date it parses; what it learns later (the
    zone GLPI names in its settings) applies to the dates already read too."""

    def __init__(self) -> None:
        self.rules: tzinfo = UTC
        self.measured: timedelta | None = None
        self.measured_at: datetime | None = None
        self.named = False

    def learn_offset(self, server_now: datetime, utc_now: datetime) -> None:
        """The server's clock and the HTTP Date header of the same answer (naive)."""
        quarters = round((server_now - utc_now).total_seconds() / QUARTER_HOUR)
        if abs(quarters) > 14 * 4:
            return
        self.measured = timedelta(seconds=quarters * QUARTER_HOUR)
        self.measured_at = utc_now
        if self.named and self._agrees(self.rules):
            return
        self.named = False
        self.rules = MACHINE_ZONE if self._agrees(MACHINE_ZONE) else timezone(self.measured)

    def learn_name(self, name: object) -> bool:
        """GLPI named its zone: its rules, when they give the offset measured now."""
        zone = named_zone(name)
        if zone is None or not self._agrees(zone):
            return False
        self.rules, self.named = zone, True
        return True

    def _agrees(self, zone: tzinfo) -> bool:
        if self.measured is None or self.measured_at is None:
            return True
        return offset_at(zone, self.measured_at) == self.measured

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return self.rules.utcoffset(None if dt is None else dt.replace(tzinfo=None))

    def dst(self, dt: datetime | None) -> timedelta | None:
        return self.rules.dst(None if dt is None else dt.replace(tzinfo=None))

    def tzname(self, dt: datetime | None) -> str | None:
        return self.rules.tzname(None if dt is None else dt.replace(tzinfo=None))

    def fromutc(self, dt: datetime) -> datetime:
        local = dt.replace(tzinfo=UTC).astimezone(self.rules)
        return local.replace(tzinfo=self)

    def __repr__(self) -> str:
        return f"ServerZone({self.rules!r})"
