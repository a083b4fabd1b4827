"""Non-interactive subcommands. Each module registers its own with `register(sub)`."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from cebox_support.tui.config import LoadedSettings

MODULES = ("auth", "tickets", "new", "forms", "answer", "status")


def add_subcommands(sub: Any) -> None:
    for name in MODULES:
        importlib.import_module(f"cebox_support.tui.commands.{name}").register(sub)


def run_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    handler = getattr(args, "handler", None)
    if handler is None:
        return 2
    try:
        return int(handler(args, loaded) or 0)
    finally:
        from .common import warn_local_files

        warn_local_files()  # every command: a token, copy or mark the disk refused, once
