"""`status`: one short line for tmux's status bar (see tui/statusline.py for the cache).

Imported on every tmux tick: it must stay light (no HTTP client, no pydantic).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from cebox_support.tui.config import LoadedSettings
from cebox_support.tui.i18n import _

from .common import CommandError, fail, pick_profile, warn_local_files

FORMATS = ("text", "tmux", "json")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "status",
        help=_("one short line for the tmux status bar: to approve, new, open"),
    )
    add_arguments(p)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format", choices=FORMATS, default="text", help=_("text, tmux colours or JSON numbers")
    )
    p.add_argument(
        "--json",
        action="store_const",
        dest="format",
        const="json",
        help=_("print JSON (the same as --format json)"),
    )
    p.add_argument(
        "--max-age",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help=_("how old the cached counts may be (default 60)"),
    )
    p.add_argument(
        "--always", action="store_true", help=_("print a line even when nothing needs you")
    )
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.set_defaults(handler=status_command)


def build_parser() -> argparse.ArgumentParser:
    """The parser of `status` alone: tmux's every tick skips building the others."""
    p = argparse.ArgumentParser(prog="cebox-support status")
    p.add_argument("--lang", choices=["fr", "en"], help=argparse.SUPPRESS)
    add_arguments(p)
    return p


def status_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from cebox_support.tui.statusline import answer, counts, refresh, render

    if args.max_age < 0:
        return fail(_("--max-age must not be negative."), 2)
    try:
        name, profile = pick_profile(args, loaded)
    except CommandError as exc:
        return fail(str(exc), exc.code)
    cache = answer(name, args.max_age, ask_here=lambda: refresh(name, profile))
    now = time.time()
    line = render(counts(cache, name, args.max_age, now), args.format, now, always=args.always)
    if line:
        sys.stdout.write(line + "\n")
    warn_local_files()  # stderr: tmux shows stdout only
    return 0
