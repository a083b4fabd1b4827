"""The tmux status segment: my ticket counts from a small per-profile cache.

tmux runs `cebox-support status` every `status-interval` seconds from every session,
so the answer comes from a cache file (json, 0600) and the server is asked at most
once per period across all callers: the one caller that wins a lock on the cache marks
the attempt and starts a detached refresher (`python -I -m cebox_support.tui.statusline
PROFILE`, see tui/processes.py), which writes the counts back when the server answers. A caller whose copy
is too old waits for that refresher a fraction of a second, then prints the last copy
marked stale: the status line never stalls on a slow or unreachable server.

The cache is best effort (tui/localfiles.py): on a full or read-only disk the caller
asks the server itself and prints the answer. This module is imported on every tmux
tick: json, the lock and the state dir only. The HTTP client is imported by the
refresher alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cebox_support.tui.config import Profile, file_safe, state_dir
from cebox_support.tui.i18n import _
from cebox_support.tui.localfiles import keep, write_atomic
from cebox_support.tui.localfiles import locked as _locked

ANSWER_WITHIN = 0.3
"""Whole-process budget (seconds) of a `status` call whose copy is too old."""
REFRESH_AHEAD = 0.75
"""A copy older than this share of --max-age is refreshed in the background while it
is still shown as current, so a healthy server keeps it under --max-age."""
RECENT = 50
"""Most recently updated tickets looked at for "updated since I last looked"."""
REFRESH_TIMEOUT = 30.0
"""The refresher gives up after this long (a refresh stuck longer may be retried)."""


@dataclass
class StatusCache:
    """What the last refresh found, and when refreshes were tried."""

    fetched_at: float | None = None
    attempted_at: float | None = None
    failed_at: float | None = None
    error: str = ""
    error_kind: str = ""  # "offline" | "login" | "error"
    open: int = 0
    approval: int = 0
    recent: dict[str, float] = field(default_factory=dict)
    """Ticket id → date_mod (POSIX) of my most recently updated tickets."""

    @classmethod
    def from_json(cls, data: Any) -> StatusCache:
        if not isinstance(data, dict):
            return cls()
        cache = cls()
        for name in ("fetched_at", "attempted_at", "failed_at"):
            value = data.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                setattr(cache, name, float(value))
        for name in ("error", "error_kind"):
            if isinstance(data.get(name), str):
                setattr(cache, name, data[name])
        for name in ("open", "approval"):
            value = data.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                setattr(cache, name, value)
        recent = data.get("recent")
        if isinstance(recent, dict):
            cache.recent = {
                str(k): float(v)
                for k, v in recent.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            }
        return cache

    def refreshing(self, now: float) -> bool:
        """An attempt newer than the last outcome, not yet given up."""
        if self.attempted_at is None:
            return False
        outcome = max(self.fetched_at or 0.0, self.failed_at or 0.0)
        return self.attempted_at > outcome and now - self.attempted_at < REFRESH_TIMEOUT + 5

    def age(self, now: float) -> float | None:
        return None if self.fetched_at is None else max(0.0, now - self.fetched_at)


def cache_path(profile: str) -> Path:
    return state_dir() / "status" / f"{file_safe(profile)}.json"


def read_cache(path: Path) -> StatusCache:
    try:
        return StatusCache.from_json(json.loads(path.read_bytes()))
    except (OSError, ValueError):
        return StatusCache()


def write_cache(path: Path, cache: StatusCache) -> None:
    """Atomically, 0600 (the counts say something about my tickets); OSError if it failed."""
    write_atomic(path, json.dumps(asdict(cache)).encode("utf-8"))


def delete_cache(profile: str) -> None:
    """The counts go (`login`, `logout`); the lock file stays, as another caller may hold
    it. Best effort: a read-only disk keeps them, and says so once."""
    from cebox_support.tui.localfiles import note_problem

    path = cache_path(profile)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        note_problem(path.parent, exc)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[bool]:
    """The cache's read-modify-write section, across processes (held for microseconds)."""
    with _locked(path.with_suffix(".lock")) as held:
        yield held


def claim_refresh(path: Path, max_age: float, now: float) -> bool:
    """True for the one caller that should start a refresh now (the attempt is marked).
    OSError when the attempt cannot be marked: a refresher could not write back either."""
    with locked(path):
        cache = read_cache(path)
        if cache.refreshing(now):
            return False
        age = cache.age(now)
        if age is not None and age < max_age * REFRESH_AHEAD:
            return False
        if cache.attempted_at is not None and now - cache.attempted_at < max_age * REFRESH_AHEAD:
            return False  # tried lately (and failed): spare the server until the next period
        cache.attempted_at = now
        write_cache(path, cache)
        return True


def spawn_refresher(profile: str) -> None:
    """A detached process: it outlives this call, and tmux does not wait for its output."""
    from cebox_support.tui.processes import python_command, start_detached

    start_detached(python_command("cebox_support.tui.statusline", profile))


def process_age() -> float | None:
    """Seconds since this process started (Linux), so the budget counts Python's start-up."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def answer(
    profile: str,
    max_age: float,
    *,
    now: float | None = None,
    spawn: bool = True,
    budget: float = ANSWER_WITHIN,
    ask_here: Callable[[], StatusCache] | None = None,
) -> StatusCache:
    """The copy to print: the cached one if young enough, else what a refresh brings
    within the budget, else the last copy (the caller marks it stale). When the cache
    cannot be written (a full or read-only disk), `ask_here` asks the server in this
    process instead: the answer is shown, only not kept."""
    from cebox_support.tui.localfiles import note_problem

    path = cache_path(profile)
    now = time.time() if now is None else now
    cache = read_cache(path)
    age = cache.age(now)
    if age is not None and age < max_age * REFRESH_AHEAD:
        return cache
    try:
        claimed = spawn and claim_refresh(path, max_age, now)
    except OSError as exc:
        note_problem(path.parent, exc)
        return ask_here() if ask_here is not None else cache
    if claimed:
        spawn_refresher(profile)
    cache = read_cache(path)
    if age is not None and age <= max_age:
        return cache  # still current: the refresh is for the next tick
    started = process_age()
    deadline = time.monotonic() + (
        max(0.0, budget - 0.05 - started) if started is not None else budget / 2
    )
    while cache.refreshing(time.time()) and time.monotonic() < deadline:
        time.sleep(0.02)
        cache = read_cache(path)
    return cache


# -- what is shown -------------------------------------------------------------------


@dataclass
class StatusCounts:
    approval: int
    updated: int
    open: int
    stale: bool
    fetched_at: float | None
    error_kind: str = ""
    loading: bool = False
    """No copy yet, a refresh on its way (right after `login`)."""

    @property
    def quiet(self) -> bool:
        return self.approval == 0 and self.updated == 0


def counts(cache: StatusCache, profile: str, max_age: float, now: float) -> StatusCounts:
    """Counts as of now: "updated" is checked against when I last looked, so opening a
    ticket clears it at once, without waiting for the next refresh."""
    from cebox_support.tui.seen import seen_path

    try:
        seen = json.loads(seen_path(profile).read_bytes())
        since = float(seen.get("since"))
        looked = {str(k): float(v) for k, v in seen.get("tickets", {}).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        since, looked = float("inf"), {}
    updated = sum(1 for k, stamp in cache.recent.items() if stamp > looked.get(k, since))
    age = cache.age(now)
    return StatusCounts(
        approval=cache.approval,
        updated=updated,
        open=cache.open,
        stale=age is None or age > max_age,
        fetched_at=cache.fetched_at,
        error_kind=cache.error_kind,
        loading=cache.fetched_at is None and cache.refreshing(now),
    )


def _when(stamp: float, now: float) -> str:
    moment = datetime.fromtimestamp(stamp)
    if moment.date() == datetime.fromtimestamp(now).date():
        return moment.strftime("%H:%M")
    return moment.strftime("%d/%m %H:%M")


def render(c: StatusCounts, fmt: str, now: float, *, always: bool = False) -> str:
    """One line (or "" when quiet and not asked); numbers only, no server text. With no
    copy yet and a refresh on its way, a placeholder, so a first call does not look
    broken and tmux's line is not blank for a whole interval."""
    if fmt == "json":
        if c.loading:
            return json.dumps({"state": "loading"})
        state = "none" if c.fetched_at is None else "stale" if c.stale else "current"
        return json.dumps(
            {
                "state": state,
                "approval": c.approval,
                "updated": c.updated,
                "open": c.open,
                "stale": c.stale,
                "fetched_at": (
                    datetime.fromtimestamp(c.fetched_at).astimezone().isoformat(timespec="seconds")
                    if c.fetched_at is not None
                    else None
                ),
                "error": c.error_kind or None,
            }
        )
    tmux = fmt == "tmux"
    if c.loading:
        return "#[dim]ceBox: …#[default]" if tmux else "ceBox: …"
    if c.fetched_at is None:
        if not always:
            return ""
        what = _("not logged in") if c.error_kind == "login" else _("no data yet")
        return f"#[dim]ceBox: {what}#[default]" if tmux else f"ceBox: {what}"
    if c.quiet and not always:
        return ""
    parts: list[tuple[str, str]] = []
    if c.approval:
        parts.append((_("{n} to approve").format(n=c.approval), "fg=yellow,bold"))
    if c.updated:
        parts.append((_("{n} new").format(n=c.updated), "fg=cyan,bold"))
    if always or not parts:
        parts.append((_("{n} open").format(n=c.open), ""))
    if tmux and not c.stale:
        body = " · ".join(f"#[{style}]{text}#[default]" if style else text for text, style in parts)
    else:
        body = " · ".join(text for text, _style in parts)
    line = f"ceBox: {body}"
    if c.stale:
        line += " " + _("(copy of {when})").format(when=_when(c.fetched_at, now))
        if tmux:
            line = f"#[dim]{line}#[default]"
    return line


# -- the refresher (a process of its own) ---------------------------------------------


async def fetch(name: str, profile: Profile) -> tuple[int, int, dict[str, float]]:
    """Open and awaiting-approval counts and my recently updated tickets: the session
    check, then the three searches together (two round trips). The page is not sent
    with the session check: its dates need the server's time zone, learned from it."""
    import asyncio

    from cebox_support.tui.api.models import TicketFilter
    from cebox_support.tui.session import close, resume

    workspace = await resume(name, profile)
    if workspace is None:
        raise LookupError("not logged in")
    client = workspace.client
    try:
        page, opened, approval = await asyncio.gather(
            client.list_tickets(TicketFilter.ALL, count=RECENT),
            client.count_tickets(TicketFilter.OPEN),
            client.count_tickets(TicketFilter.APPROVAL),
        )
    finally:
        await close(workspace)
    recent = {str(r.id): r.date_mod.timestamp() for r in page.rows if r.date_mod is not None}
    return opened, approval, recent


def refresh(name: str, profile: Profile) -> StatusCache:
    """Ask the server and write the outcome into the cache (counts or the failure)."""
    import asyncio

    from cebox_support.tui.api.errors import GlpiError, Timeout, Unreachable
    from cebox_support.tui.tokens import InsecureTokenFile

    path = cache_path(name)
    result: tuple[int, int, dict[str, float]] | None = None
    kind, message = "", ""
    try:
        result = asyncio.run(
            asyncio.wait_for(fetch(name, profile), min(profile.timeout, REFRESH_TIMEOUT))
        )
    except LookupError:
        kind, message = "login", "not logged in"
    except (Unreachable, Timeout, TimeoutError):
        kind, message = "offline", "unreachable"
    except GlpiError as exc:
        kind, message = "error", exc.message
    except InsecureTokenFile:
        kind, message = "error", "insecure token file"
    with locked(path):
        cache = read_cache(path)
        now = time.time()
        if result is not None:
            cache.open, cache.approval, cache.recent = result
            cache.fetched_at, cache.failed_at, cache.error, cache.error_kind = now, None, "", ""
        else:
            cache.failed_at, cache.error, cache.error_kind = now, message, kind
            if kind == "login":
                cache.fetched_at, cache.recent = None, {}
        keep(path, json.dumps(asdict(cache)).encode("utf-8"))
    return cache


def _refresher_main(argv: list[str]) -> int:
    from cebox_support.tui.config import load_settings

    if len(argv) != 1:
        return 2
    settings = load_settings().settings
    profile = settings.profiles.get(argv[0])
    if profile is None:
        return 2
    refresh(argv[0], profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(_refresher_main(sys.argv[1:]))
