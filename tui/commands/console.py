"""The full-screen console, started by `cebox-support` alone, `--demo` or `open N`."""

from __future__ import annotations

import argparse

from cebox_support.tui.config import LoadedSettings


def run_console(
    args: argparse.Namespace, loaded: LoadedSettings, open_ticket: int | None = None
) -> int:
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
        result = app.run()
    finally:
        if helpdesk is not None:
            helpdesk.stop()
    return int(result or 0)
