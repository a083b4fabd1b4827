"""The helpdesk's clock: naive time in the server's zone, which tests can move."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

#: The zone of the demo server (GLPI stores and answers naive times in its own zone).
DEFAULT_TIMEZONE = "Europe/Paris"


class Clock:
    """Wall clock of the server's zone, with an adjustable offset.

    Everything time-dependent in the helpdesk (dates stored on items, auto-close,
    session ages, the HTTP ``Date`` header) reads this clock, so a test can jump
    days ahead deterministically. The time is the real time in ``timezone`` whatever
    the machine's own zone: on a UTC machine a Paris server is still an hour ahead.
    """

    def __init__(self, start: datetime | None = None, *, timezone: str = DEFAULT_TIMEZONE) -> None:
        self.timezone = timezone
        self.tz = ZoneInfo(timezone)
        self._lock = threading.Lock()
        self._fixed: datetime | None = None
        self._offset = timedelta(0)
        if start is not None:
            self._fixed = start.replace(microsecond=0, tzinfo=None)

    def now(self) -> datetime:
        with self._lock:
            if self._fixed is not None:
                return self._fixed
            wall = datetime.now(self.tz).replace(tzinfo=None)
            return (wall + self._offset).replace(microsecond=0)

    def advance(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> None:
        delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        with self._lock:
            if self._fixed is not None:
                self._fixed += delta
            else:
                self._offset += delta

    def set(self, when: datetime) -> None:
        """Freeze the clock at ``when`` (it only moves with ``advance``/``set`` afterwards)."""
        with self._lock:
            self._fixed = when.replace(microsecond=0, tzinfo=None)

    def now_str(self) -> str:
        return fmt(self.now())


def fmt(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def parse(value: str) -> datetime:
    return datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
