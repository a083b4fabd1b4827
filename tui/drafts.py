"""Drafts: what the user typed, saved as they type, deleted only once the server confirmed.

Kept per profile in the state dir (0600: a draft may be as private as the ticket).
A save that fails (disk full, read-only or missing folder) never raises: the text stays
on screen, the screen warns once (`take_warning`) and saves again later.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from cebox_support.tui.config import file_safe, state_dir
from cebox_support.tui.i18n import _

RETRY_SECONDS = 5.0
"""How soon a screen tries again after a failed draft save."""


class Drafts:
    def __init__(self, profile: str, root: Path | None = None) -> None:
        self.folder = (root or state_dir() / "drafts") / file_safe(profile)
        self.problem: str | None = None
        """Why the last save failed; None once a save worked."""
        self._warned = False

    def path(self, key: str) -> Path:
        return self.folder / f"{file_safe(key)}.json"

    def save(self, key: str, content: dict[str, Any]) -> bool:
        """True when the draft is on disk. A unique temporary name and an atomic replace:
        two consoles on the same draft never read half a file or remove each other's."""
        data = json.dumps({"saved": time.time(), "content": content}, ensure_ascii=False)
        target = self.path(key)
        tmp: str | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{target.stem}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:  # mkstemp: 0600 from the start
                handle.write(data.encode("utf-8"))
            os.replace(tmp, target)
        except OSError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            self.problem = exc.strerror or type(exc).__name__
            return False
        self.problem = None
        self._warned = False
        return True

    def take_warning(self) -> str | None:
        """The warning to show, once per run of failed saves."""
        if self.problem is None or self._warned:
            return None
        self._warned = True
        return _(
            "Your draft could not be saved ({reason}): it stays here on screen and saving "
            "will be retried. Do not quit before sending it."
        ).format(reason=self.problem)

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        content = data.get("content") if isinstance(data, dict) else None
        return content if isinstance(content, dict) else None

    def delete(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self.path(key).unlink()

    def keys(self) -> list[str]:
        try:
            return sorted(p.stem for p in self.folder.glob("*.json"))
        except OSError:
            return []
