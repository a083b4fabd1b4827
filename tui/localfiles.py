"""The small files the console keeps for itself (offline copies, "seen" marks, the
status cache, the session tokens): written whole or not at all, 0600, through a unique
temporary name, and a lock that works on every platform.

Keeping them is best effort: a full or read-only disk must not cost the user the
answer the server just gave, nor a sign-in. `keep` and `remove` never raise; the
failures of the process are turned into one warning (`take_warning`: a session not kept
or not removed says so first) and no temporary file is left behind.

Light on purpose: `status` imports it on every tmux tick (os and contextlib only).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from cebox_support.tui.i18n import _

LOCK_STALE = 10.0
"""A lock folder older than this (seconds) was left by a dead process (portable lock)."""

COPIES, REMOVAL, SESSION = 0, 1, 2
"""What could not be kept, weightiest last: copies, marks or caches; a token's removal; a
session (or personal) token."""

_problem: tuple[int, str, str] | None = None
"""(kind, folder, reason) of the failure the warning names: the first of the weightiest kind."""
_warned = False


def write_atomic(path: Path, data: bytes) -> None:
    """`data` becomes `path` in one step, 0600 whatever the umask. The temporary name is
    unique (two processes never write into, or rename, each other's half file) and is
    gone after any failure; the OSError is raised."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def keep(path: Path, data: bytes, *, kind: int = COPIES) -> bool:
    """`write_atomic`, best effort: False (and the problem noted) when it failed."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        note_problem(path.parent, exc, kind=kind)
        return False
    return True


def remove(path: Path, *, kind: int = REMOVAL) -> bool:
    """Delete `path` (a symlink itself, never its target), best effort: False (and the
    problem noted) when the disk refused; a file already gone is no problem."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        note_problem(path.parent, exc, kind=kind)
        return False
    return True


def note_problem(folder: Path, exc: OSError, *, kind: int = COPIES) -> None:
    global _problem
    if _problem is None or kind > _problem[0]:
        _problem = (kind, str(folder), exc.strerror or type(exc).__name__)


def take_warning() -> str | None:
    """The one-line warning about local files that could not be kept, once per process."""
    global _warned
    if _problem is None or _warned:
        return None
    _warned = True
    kind, folder, reason = _problem
    if kind == SESSION:
        text = _(
            "Your session could not be kept in {folder} ({reason}): you are signed in for "
            "now; the next command will ask you to sign in again."
        )
    elif kind == REMOVAL:
        text = _("A session file could not be removed from {folder} ({reason}).")
    else:
        text = _("Local copies could not be saved in {folder} ({reason}); shown, not kept.")
    return text.format(folder=folder, reason=reason)


def say_warning(notify: Callable[..., object]) -> None:
    """The console's form of the one warning: a toast (`notify` is a widget's or the
    app's), given by whoever first shows something after a file was refused."""
    warning = take_warning()
    if warning:
        notify(warning, severity="warning", markup=False, timeout=10)


def reset_warning() -> None:
    """Forget the noted problem (tests; a long-running process after a fix)."""
    global _problem, _warned
    _problem, _warned = None, False


@contextlib.contextmanager
def locked(path: Path) -> Iterator[bool]:
    """`path` locked against other processes (True), or not at all (False) when the
    lock file cannot be made (a full or read-only disk: the writes will fail anyway).
    flock on POSIX, msvcrt on Windows, else a lock folder: no POSIX-only import."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        note_problem(path.parent, exc)
        fd = None
    release: Callable[[], None] | None = None
    try:
        held = False
        if fd is not None:
            held, release = _acquire(fd, path)
        yield held
    finally:
        if release is not None:
            release()
        if fd is not None:
            os.close(fd)  # for flock, closing releases the lock


def _acquire(fd: int, path: Path) -> tuple[bool, Callable[[], None] | None]:
    try:
        import fcntl
    except ImportError:
        pass
    else:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return True, None
    try:
        import msvcrt
    except ImportError:
        pass
    else:
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]

        def unlock() -> None:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]

        return True, unlock
    return _folder_lock(path.with_name(path.name + ".held"))


def _folder_lock(folder: Path, wait: float = LOCK_STALE) -> tuple[bool, Callable[[], None] | None]:
    """mkdir is atomic everywhere: the one process that made the folder holds the lock."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - folder.stat().st_mtime > LOCK_STALE:
                    os.rmdir(folder)  # its holder died
                    continue
            if time.monotonic() > deadline:
                return False, None
            time.sleep(0.01)
        except OSError as exc:
            note_problem(folder.parent, exc)
            return False, None
        else:
            return True, lambda: _remove_folder(folder)


def _remove_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        os.rmdir(folder)
