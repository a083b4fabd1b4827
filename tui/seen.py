"""When I last looked at each ticket (per profile), to mark those updated since.

Light on purpose (json and the state dir only): `status` reads it on every tmux tick.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from cebox_support.tui.config import file_safe, state_dir
from cebox_support.tui.localfiles import keep


def seen_path(profile: str, root: Path | None = None) -> Path:
    return (root or state_dir()) / "seen" / f"{file_safe(profile)}.json"


class SeenTickets:
    """When I last looked at each ticket, to mark those updated since (per profile)."""

    def __init__(
        self,
        profile: str,
        root: Path | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.path = seen_path(profile, root)
        self.now = now or (lambda: datetime.now().astimezone())
        self._since: float | None = None
        self._seen: dict[str, float] = {}
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._since = float(data.get("since"))
            self._seen = {str(k): float(v) for k, v in data.get("tickets", {}).items()}
        except (OSError, ValueError, TypeError, AttributeError):
            self._since = self.now().timestamp()
            self._save()

    def _save(self) -> None:
        """0600, through a unique temporary name (two consoles, `show` and `status` share
        it), best effort: a mark that cannot be kept is only redone later."""
        keep(self.path, json.dumps({"since": self._since, "tickets": self._seen}).encode("utf-8"))

    def is_updated(self, ticket_id: int, date_mod: datetime | None) -> bool:
        self._load()
        if date_mod is None:
            return False
        return self.is_updated_at(ticket_id, date_mod.timestamp())

    def is_updated_at(self, ticket_id: int, stamp: float) -> bool:
        """`is_updated` for a POSIX time stamp."""
        self._load()
        last = self._seen.get(str(ticket_id), self._since or 0.0)
        return stamp > last

    def mark_seen(self, ticket_id: int, date_mod: datetime | None = None) -> None:
        self._load()
        stamp = max(date_mod.timestamp() if date_mod else 0.0, self.now().timestamp())
        self._seen[str(ticket_id)] = stamp
        self._save()
