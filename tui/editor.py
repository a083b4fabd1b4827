"""Edit long text in the user's $EDITOR, the app suspended meanwhile."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from cebox_support.tui import processes


def editor_command(configured: str = "") -> list[str] | None:
    for candidate in (configured, os.environ.get("VISUAL", ""), os.environ.get("EDITOR", "")):
        if candidate.strip():
            return shlex.split(candidate)
    for fallback in ("nano", "vi"):
        if processes.resolve(fallback):
            return [fallback]
    return None


def edit_text(app: Any, text: str, *, configured: str = "", suffix: str = ".md") -> str | None:
    """Return the edited text, or None when no editor could run (the text is untouched)."""
    command = editor_command(configured)
    if command is None:
        return None
    fd, name = tempfile.mkstemp(prefix="cebox-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        with app.suspend():
            result = processes.run([*command, str(path)], check=False)
        if result.returncode != 0:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        path.unlink(missing_ok=True)
