"""`cebox-support`: the console, and subcommands for scripts and tmux key bindings.

Imports stay lazy so `--help`, `list` and `show` start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cebox_support.tui import __version__

if TYPE_CHECKING:
    from cebox_support.tui.config import LoadedSettings


DEMO_GLPI_VERSIONS = ("10.0", "11.0")
"""`tui.helpdesk.versions.VERSIONS`, not imported here: that would load the helpdesk."""


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    from cebox_support.tui.i18n import _

    parser = argparse.ArgumentParser(
        prog="cebox-support",
        description=_("Terminal console for the customers of a GLPI helpdesk (ceBox support)."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"cebox-support {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("start the embedded helpdesk with demo data and log in as the demo customer"),
    )
    parser.add_argument(
        "--glpi-version",
        choices=DEMO_GLPI_VERSIONS,
        default=DEMO_GLPI_VERSIONS[0],
        help=_("with --demo: the GLPI version the embedded helpdesk plays (default: %(default)s)"),
    )
    parser.add_argument("--profile", help=_("server profile from config.toml"))
    parser.add_argument(
        "--lang", choices=["fr", "en"], help=_("language (default: config, locale, French)")
    )
    if not with_commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo-server", help=_("run the embedded GLPI-compatible helpdesk"))
    p.add_argument("args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

    from cebox_support.tui.commands import add_subcommands

    add_subcommands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from cebox_support.tui.i18n import argparse_translated, detect_language, set_language

    lang = None
    if "--lang" in argv:
        i = argv.index("--lang")
        lang = argv[i + 1] if i + 1 < len(argv) else None
    if argv[:1] == ["demo-server"]:
        set_language(detect_language(lang))
        from cebox_support.tui.helpdesk.runner import serve_forever

        with argparse_translated():
            return serve_forever(argv[1:])
    from cebox_support.tui.config import load_settings

    loaded = load_settings()
    set_language(detect_language(lang, loaded.settings.language))
    warn_about_config(loaded)
    with argparse_translated():
        args = _parse(argv)
    if args.command:
        from cebox_support.tui.commands import run_command

        return run_command(args, loaded)
    from cebox_support.tui.commands.console import run_console

    return run_console(args, loaded)


def warn_about_config(loaded: LoadedSettings) -> None:
    """Every entry point (console and commands) says what is wrong in config.toml."""
    from cebox_support.tui.i18n import _

    for problem in loaded.problems:
        print(f"cebox-support: {problem}", file=sys.stderr)
    for name, profile in loaded.settings.profiles.items():
        if profile.insecure:
            print(
                "cebox-support: "
                + _("WARNING: TLS verification is off for profile {name}").format(name=name),
                file=sys.stderr,
            )


def _parse(argv: list[str]) -> argparse.Namespace:
    if argv[:1] == ["status"]:
        # tmux runs it every few seconds: only its own parser.
        from cebox_support.tui.commands.status import build_parser as status_parser

        args = status_parser().parse_args(argv[1:])
        args.command, args.demo = "status", False
        return args
    if not {"-h", "--help", "--version"} & set(argv):
        # The console itself: skip importing every subcommand (faster first paint).
        args, rest = build_parser(with_commands=False).parse_known_args(argv)
        if not rest:
            args.command = None
            return args
    return build_parser().parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
