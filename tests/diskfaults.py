"""A disk that refuses to write, for tests that run as root (where a read-only folder
still accepts root's writes): ENOSPC on every write into a file under a folder (the
file is created fine, as on a full disk), or EROFS on every file or folder created or
removed."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest


def refusing_disk(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """Under `folder`: `code` (errno.ENOSPC or errno.EROFS) as described above."""
    real_open, real_write, real_mkdir, real_unlink = os.open, os.write, os.mkdir, os.unlink
    inside = str(folder) + os.sep

    def under(path: Any) -> bool:
        return os.fspath(path).startswith(inside)

    def refuse() -> OSError:
        return OSError(code, os.strerror(code))

    def fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if code == errno.EROFS and under(path) and flags & (os.O_CREAT | os.O_WRONLY):
            raise refuse()
        return real_open(path, flags, *args, **kwargs)

    def fake_write(fd: int, data: Any) -> int:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if under(target):
            raise refuse()
        return real_write(fd, data)

    def fake_mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if code == errno.EROFS and under(path) and not os.path.isdir(path):
            raise refuse()
        real_mkdir(path, *args, **kwargs)

    def fake_unlink(path: Any, *args: Any, **kwargs: Any) -> None:
        if code == errno.EROFS and under(path) and os.path.lexists(path):
            raise refuse()  # a missing file is ENOENT first, as on a real read-only mount
        real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "write", fake_write)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(os, "unlink", fake_unlink)


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.tmp"))
