"""Drafts: what the user typed, saved as they type, deleted only once the server confirmed.

Kept per profile in the state dir (0600: a draft may be as private as the ticket).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

from tui.config import file_safe, state_dir


class Drafts:
    def __init__(self, profile: str, root: Path | None = None) -> None:
        self.folder = (root or state_dir() / "drafts") / file_safe(profile)

    def path(self, key: str) -> Path:
        return self.folder / f"{file_safe(key)}.json"

    def save(self, key: str, content: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.path(key)
        tmp = target.with_suffix(".tmp")
        data = json.dumps({"saved": time.time(), "content": content}, ensure_ascii=False)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data.encode("utf-8"))
        finally:
            os.close(fd)
        tmp.replace(target)

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        content = data.get("content") if isinstance(data, dict) else None
        return content if isinstance(content, dict) else None

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()

    def keys(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json"))
