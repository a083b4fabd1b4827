"""The full-screen console, started by `cebox-support` alone, `--demo` or `open N`.

It needs a terminal on stdin and stdout (without one Textual would spin); SIGTERM and
SIGHUP end it as a quit does (drafts saved, terminal restored) with 143/129; a crash
exits 1 and names the file that holds the crash report.
"""

from __future__ import annotations

import argparse
import signal
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.config import LoadedSettings
from cebox_support.tui.i18n import _

from .common import EXIT_USAGE, fail

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message

EXIT_CRASH = 1
EXIT_SIGNALS = {"SIGHUP": 128 + 1, "SIGTERM": 128 + 15}
"""The shell's convention (128 + signal number), also where the numbers differ (Windows)."""


def has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def no_terminal() -> int:
    return fail(
        _("The console needs a terminal; use `cebox-support show N` to print a ticket."),
        EXIT_USAGE,
    )


def run_console(
    args: argparse.Namespace, loaded: LoadedSettings, open_ticket: int | Message | None = None
) -> int:
    """`open_ticket`: a ticket number, or the request the console starts on (a GLPI 11
    form's link: `NewTicket(form_link=…)`)."""
    if not has_terminal():
        return no_terminal()
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.demo import DemoLogin

    demo = None
    helpdesk = None
    if args.demo:
        from cebox_support.tui.helpdesk.runner import start_helpdesk

        helpdesk = start_helpdesk(demo=True, glpi_version=args.glpi_version)
        demo = DemoLogin(api_url=helpdesk.api_url, helpdesk=helpdesk)
    try:
        app = CeboxApp(loaded, profile_name=args.profile, demo=demo, open_ticket=open_ticket)
        result = run_app(app)
    finally:
        if helpdesk is not None:
            helpdesk.stop()
    if app.return_code:
        return crashed(app)
    return int(result or 0)


def run_app(app: App[Any]) -> Any:
    """`app.run()`, with SIGTERM and SIGHUP asking the app to exit like a quit."""
    import asyncio

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        for name, code in EXIT_SIGNALS.items():
            if (signum := getattr(signal, name, None)) is not None:
                loop.add_signal_handler(signum, partial(app.exit, None, code))
        return await app.run_async()

    return asyncio.run(main())


def crashed(app: App[Any]) -> int:
    """A signal's status as is; after a crash, where its report is (the terminal's copy
    is gone with the alternate screen in a tmux popup)."""
    code = int(app.return_code or EXIT_CRASH)
    if code in EXIT_SIGNALS.values():
        return code
    path = write_crash_report(getattr(app, "_exception", None))
    if path is None:
        return fail(_("The console stopped on an unexpected error."), code)
    return fail(
        _("The console stopped on an unexpected error; crash report: {path}").format(path=path),
        code,
    )


def write_crash_report(error: BaseException | None) -> Path | None:
    """The traceback without the frames' variables (they may hold a password or token),
    in a private file of the state folder; None when it cannot be written."""
    import os
    import time
    import traceback

    from cebox_support.tui import __version__
    from cebox_support.tui.config import state_dir

    lines = [f"cebox-support {__version__}, {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n"]
    if error is not None:
        lines += traceback.format_exception(type(error), error, error.__traceback__)
    folder = state_dir() / "crashes"
    path = folder / time.strftime("crash-%Y%m%d-%H%M%S.txt")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
    except OSError:
        return None
    return path
