"""A nudge outside the current window when support did something on one of my tickets.

What counts: a new answer, a solution to approve, a status change — seen by a refresh,
on a ticket whose change is newer than when I last looked at it (my own replies and
approvals mark the ticket seen, so they never nudge me).

How: the terminal bell (tmux flags the window, a terminal its tab), and/or a desktop
notification by OSC 9 (iTerm2, WezTerm, Windows Terminal, foot…) and OSC 777 (VTE,
rxvt, kitty). Inside tmux, OSC sequences go through DCS passthrough (tmux ≥ 3.3 needs
`set -g allow-passthrough on`); the bell is left to tmux itself.

`notify = "bell" | "osc" | "off"` in config.toml; unset: the bell when tmux says the
console's pane is not the one in front of the user, otherwise nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from cebox_support.tui import processes
from cebox_support.tui.i18n import _

MODES = ("bell", "osc", "off")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f;]")


class Row(Protocol):
    """What a refresh knows of a ticket (TicketSummary has it)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def status(self) -> object: ...
    @property
    def date_mod(self) -> object: ...


@dataclass(frozen=True)
class News:
    ticket_id: int
    kind: str  # "approval" | "status" | "answer"
    title: str

    def text(self) -> str:
        what = {
            "approval": _("a solution to approve"),
            "status": _("status changed"),
            "answer": _("new answer"),
        }[self.kind]
        return f"#{self.ticket_id} {self.title} — {what}"


Snapshot = dict[int, tuple[str, float]]
"""Ticket id → (status value, date_mod time stamp), as of one refresh."""


def snapshot(rows: Iterable[Row]) -> Snapshot:
    shot: Snapshot = {}
    for r in rows:
        stamp = getattr(r.date_mod, "timestamp", None)
        shot[r.id] = (str(getattr(r.status, "value", r.status)), stamp() if stamp else 0.0)
    return shot


def news(
    before: Snapshot,
    rows: Iterable[Row],
    is_updated: Callable[[int, float], bool],
    solved: str = "5",
) -> list[News]:
    """What changed on my tickets between two refreshes, newer than my last look.

    Tickets absent from `before` (the first refresh, another page) are not news.
    """
    found = []
    for r in rows:
        old = before.get(r.id)
        if old is None:
            continue
        status, stamp = snapshot([r])[r.id]
        if stamp <= old[1] and status == old[0]:
            continue
        if not is_updated(r.id, stamp):
            continue  # I looked at it since (or changed it myself)
        kind = "answer"
        if status != old[0]:
            kind = "approval" if status == solved else "status"
        found.append(News(r.id, kind, r.name))
    return found


# -- sequences ------------------------------------------------------------------------


def _clean(text: str, limit: int = 120) -> str:
    """Server text inside an escape sequence: no control characters, no separators."""
    return _UNSAFE.sub(" ", text).strip()[:limit]


def passthrough(sequence: str) -> str:
    """DCS passthrough: tmux hands the sequence to the outer terminal."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def sequences(mode: str, items: list[News], *, in_tmux: bool) -> str:
    """The bytes to write to the terminal for `items` (empty for none or "off")."""
    if not items or mode == "off":
        return ""
    if mode == "bell":
        return "\a"
    title = "ceBox"
    body = _clean(
        items[0].text() if len(items) == 1 else _("{n} tickets changed").format(n=len(items))
    )
    osc = f"\x1b]9;{title}: {body}\x07" + f"\x1b]777;notify;{title};{body}\x07"
    return passthrough(osc) if in_tmux else osc


# -- which mode ------------------------------------------------------------------------


def in_tmux(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("TMUX"))


def pane_in_front(env: Mapping[str, str] | None = None) -> bool | None:
    """Whether tmux shows this pane to an attached client (None: tmux cannot say)."""
    env = os.environ if env is None else env
    pane = env.get("TMUX_PANE")
    if not env.get("TMUX") or not pane:
        return None
    try:
        out = processes.run(
            [
                "tmux",
                "display-message",
                "-p",
                "-t",
                pane,
                "#{pane_active}#{window_active}#{session_attached}",
            ],
            capture_output=True,
            text=True,
            timeout=1,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    flags = out.stdout.strip()
    if out.returncode != 0 or len(flags) < 3:
        return None
    return flags[0] == "1" and flags[1] == "1" and flags[2] not in ("", "0")


def effective_mode(configured: str, front: Callable[[], bool | None] = pane_in_front) -> str:
    """The configured mode, or the default: the bell when tmux says the pane is not in
    front, else nothing."""
    if configured in MODES:
        return configured
    return "bell" if front() is False else "off"
