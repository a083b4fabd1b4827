"""The console as a real process in a pseudo-terminal (issue 24 items 9 and 10): how it
ends on SIGTERM, SIGHUP and a crash, and that it refuses to start without a terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "cebox-support"
ALT_SCREEN_OFF = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"
DEADLINE = 60.0


class Console:
    """A process on the slave side of a pty, 80x24; `out` is everything it wrote."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.out = b""
        self.status: int | None = None

    def read_until(self, found: Callable[[bytes], bool], timeout: float = DEADLINE) -> None:
        end = time.monotonic() + timeout
        while not found(self.out):
            left = end - time.monotonic()
            assert left > 0, self.out[-2000:]
            ready, _w, _x = select.select([self.fd], [], [], min(left, 1.0))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk:
                    assert found(self.out), self.out[-2000:]
                    return
                self.out += chunk

    def screen_shows(self, *words: str) -> None:
        self.read_until(lambda out: all(w.encode() in out for w in words))

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def echoed(self, text: str) -> None:
        """Wait until the last character of `text` (one the screen shows nowhere else)
        is drawn: keys are handled in order, so every one before it was too."""
        start = len(self.out)
        self.read_until(lambda out: text[-1].encode() in out[start:])

    def wait(self, timeout: float = DEADLINE) -> int:
        """The exit status as a shell reports it, reading what the process still writes."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._drain()
                return os.waitstatus_to_exitcode(status)
            ready, _w, _x = select.select([self.fd], [], [], 0.2)
            if ready:
                self._drain_once()
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("the console did not end: " + repr(self.out[-2000:]))

    def _drain_once(self) -> bool:
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        self.out += chunk
        return bool(chunk)

    def _drain(self) -> None:
        while select.select([self.fd], [], [], 0.1)[0] and self._drain_once():
            pass

    def hang_up(self) -> int:
        """The terminal goes away (SSH dropped, tmux killed): the kernel sends SIGHUP."""
        os.close(self.fd)
        self.fd = -1
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)  # nothing to read any more: only the exit to wait for
        raise AssertionError("the console did not end after its terminal went away")

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        if self.fd >= 0:
            os.close(self.fd)


@pytest.fixture
def env(isolated_home: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    return {**keep, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}


@pytest.fixture
def console(env: dict[str, str]) -> Iterator[Callable[..., Console]]:
    started: list[Console] = []

    def start(*argv: str) -> Console:
        started.append(Console([*argv], env))
        return started[-1]

    yield start
    for c in started:
        c.close()


def drafts(home: Path) -> list[dict[str, object]]:
    folder = home / "state" / "cebox-support" / "drafts"
    return [json.loads(p.read_text())["content"] for p in sorted(folder.rglob("*.json"))]


def reply_typed(console: Callable[..., Console], words: str) -> Console:
    """The demo console on ticket 5's reply box, `words` just typed (no time to save)."""
    c = console(str(BIN), "--demo", "--lang", "en")
    # The tabs are drawn before the rows: Enter waits for the first row's title.
    c.screen_shows("Awaiting my approval", "Demande de cr")
    c.type("\r")  # the first ticket
    c.screen_shows("Description", "Requester")  # loaded: its keys work
    c.type("r")
    c.screen_shows("mrite a reply")  # the cursor on the placeholder's W: the box has focus
    c.type(words)
    c.echoed(words)
    return c


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_saves_the_last_words_restores_the_terminal_and_says_so(
    console: Callable[..., Console], isolated_home: Path, signum: int, status: int
) -> None:
    c = reply_typed(console, "dernier mot¶")
    os.kill(c.pid, signum)
    assert c.wait() == status
    tail = c.out.rsplit("¶".encode(), 1)[-1]
    assert ALT_SCREEN_OFF in tail and MOUSE_OFF in tail
    assert any(d.get("text") == "dernier mot¶" for d in drafts(isolated_home)), (
        drafts(isolated_home),
        sorted(str(p) for p in isolated_home.rglob("*")),
    )


def test_a_terminal_that_goes_away_still_saves_the_last_words(
    console: Callable[..., Console], isolated_home: Path
) -> None:
    c = reply_typed(console, "avant la coupure¶")
    assert c.hang_up() == 129
    assert any(d.get("text") == "avant la coupure¶" for d in drafts(isolated_home))


CRASH = (
    "import sys\n"
    "from cebox_support.screens.dashboard import DashboardScreen\n"
    "def boom(self, *a):\n"
    "    raise RuntimeError('boom in the dashboard')\n"
    "DashboardScreen.on_mount = boom\n"
    "from cebox_support.tui.cli import main\n"
    "sys.exit(main(['--demo', '--lang', 'en']))\n"
)


def test_a_crash_exits_non_zero_and_names_the_crash_report(
    console: Callable[..., Console], isolated_home: Path
) -> None:
    c = console(sys.executable, "-I", "-c", CRASH)
    assert c.wait() == 1
    text = c.out.decode("utf-8", "replace")
    assert "crash report: " in text
    path = Path(text.split("crash report: ", 1)[1].split()[0])
    assert path.is_relative_to(isolated_home / "state")
    assert "boom in the dashboard" in path.read_text()
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("argv", [[], ["--demo"], ["open", "1"]])
def test_without_a_terminal_the_console_refuses_at_once(
    env: dict[str, str], isolated_home: Path, argv: list[str]
) -> None:
    config = isolated_home / "config" / "cebox-support" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[profiles.p]\nurl = "https://support.example.com"\nlogin = "x"\n')
    done = subprocess.run(
        [str(BIN), *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert b"needs a terminal" in done.stderr and b"show" in done.stderr
    assert done.stdout == b""
