"""Load, while the user types the password, what signing in and the next screens need."""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading

WARM_UP = (
    "cebox_support.tui.session",
    "cebox_support.tui.api.client",
    "httpcore",
    "anyio._backends._asyncio",
    "anyio.streams.tls",
    "truststore",
    "cebox_support.screens.dashboard",
    "cebox_support.screens.ticket",
    "cebox_support.tui.api.text:converter",
    "cebox_support.screens.forms",
)
"""Loaded in order: what signing in needs first, then what opening a ticket or a form
needs ("module:function" also calls it)."""


def start_warm_up() -> None:
    """In a daemon thread: imports take the GIL in short slices, the login stays live."""

    def load() -> None:
        for name in WARM_UP:
            module, _sep, function = name.partition(":")
            with contextlib.suppress(Exception):
                loaded = importlib.import_module(module)
                if function:
                    getattr(loaded, function)()
        # What is loaded now lives as long as the process: the collector need not
        # walk it again (a full collection during a screen's mount cost ~40 ms).
        gc.freeze()

    threading.Thread(target=load, name="warm-up", daemon=True).start()
