"""The helpdesk's clock: naive server-local time that tests can move."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, tzinfo


class Clock:
    """Server-local wall clock with an adjustable offset.

    Everything time-dependent in the helpdesk (dates stored on items, auto-close,
    session ages, the HTTP ``Date`` header) reads this clock, so a test can jump
    days ahead deterministically.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._fixed: datetime | None = None
        self._offset = timedelta(0)
        # The server's time zone (the helpdesk's `timezone`): its wall clock is that
        # zone's, not the machine's, as a real GLPI's is.
        self.tz: tzinfo | None = None
        if start is not None:
            self._fixed = start.replace(microsecond=0, tzinfo=None)

    def now(self) -> datetime:
        with self._lock:
            if self._fixed is not None:
                return self._fixed
            now = datetime.now(self.tz).replace(tzinfo=None) if self.tz else datetime.now()
            return (now + self._offset).replace(microsecond=0)

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
