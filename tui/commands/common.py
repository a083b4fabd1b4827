"""What every subcommand shares: picking the profile, resuming the session, one-line errors."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.config import LoadedSettings, Profile
from cebox_support.tui.i18n import _
from cebox_support.tui.tokens import InsecureTokenFile

if TYPE_CHECKING:
    from cebox_support.tui.api.client import GlpiClient
    from cebox_support.tui.forms import FormDefinition
    from cebox_support.tui.session import Workspace

T = TypeVar("T")

EXIT_USAGE = 2
EXIT_NOT_LOGGED_IN = 3
EXIT_NOT_FOUND = 4


def not_found(ticket_id: int) -> str:
    """The one wording of "no such ticket for me", shared by every command."""
    return _("Ticket {n} does not exist, or you may not see it.").format(n=ticket_id)


class CommandError(Exception):
    """A one-line message for stderr and a non-zero exit."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def print_json(payload: object, **dumps: Any) -> None:
    """The one way a command prints --json: no string in it, key or value, carries a
    terminal control from the server (`jq -r` would send it to the terminal)."""
    import json

    from cebox_support.tui.api.text import strip_controls

    print(json.dumps(_without_controls(payload, strip_controls), **dumps))


def _without_controls(value: Any, strip: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return strip(value)
    if isinstance(value, dict):
        return {_without_controls(k, strip): _without_controls(v, strip) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_controls(v, strip) for v in value]
    return value


def ticket_number(text: str) -> int:
    """argparse type of a ticket number: ASCII digits (an optional `#`), at least 1."""
    from cebox_support.tui.links import LinkError, parse_ticket_number

    try:
        return parse_ticket_number(text)
    except LinkError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def fail(message: str, code: int = 1) -> int:
    from cebox_support.tui.api.text import clean_line

    print(f"cebox-support: {clean_line(message)}", file=sys.stderr)
    return code


MAX_TEXT_BYTES = 2**20
"""The most text a reply or a description is read from a file or stdin. GLPI gets it in
one request, as HTML that may be several times longer, and PHP drops a request past
`post_max_size` (8 MB by default): 1 MB of text always fits, and `/dev/zero` ends."""


class TextTooLong(ValueError):
    """A text file or stdin past MAX_TEXT_BYTES (a usage error: exit 2)."""


def read_text_capped(source: str) -> str:
    """The UTF-8 text of file `source` (`-`: stdin), never reading past MAX_TEXT_BYTES."""
    if source == "-":
        binary = getattr(sys.stdin, "buffer", None)
        if binary is not None:
            data = binary.read(MAX_TEXT_BYTES + 1)
        else:  # a text stream without bytes under it (a test's StringIO)
            data = sys.stdin.read(MAX_TEXT_BYTES + 1).encode("utf-8")
    else:
        with Path(source).expanduser().open("rb") as handle:
            data = handle.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise TextTooLong(
            _("{path} holds more than {mb} MB of text; nothing was sent.").format(
                path=_("standard input") if source == "-" else source,
                mb=MAX_TEXT_BYTES // 2**20,
            )
        )
    # Newlines as read_text gives them (\r\n and \r become \n); invalid UTF-8 refused.
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()


def description_text(args: argparse.Namespace, problems: list[str]) -> str | None:
    """`--description`, or the text of `--description-file` (`-` is stdin); a file that
    cannot be read adds a problem instead of ending the command."""
    if not args.description_file:
        return args.description
    try:
        return read_text_capped(args.description_file)
    except TextTooLong as exc:
        problems.append(f"--description-file: {exc}")
        return args.description
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(
            _("--description-file: cannot read {path} ({reason})").format(
                path=args.description_file, reason=getattr(exc, "strerror", None) or exc
            )
        )
        return args.description


def pick_profile(args: argparse.Namespace, loaded: LoadedSettings) -> tuple[str, Profile]:
    settings = loaded.settings
    name = getattr(args, "profile", None) or settings.default_profile
    if not name and len(settings.profiles) == 1:
        name = next(iter(settings.profiles))
    if not name or name not in settings.profiles:
        if not settings.profiles:
            raise CommandError(
                _("No server profile yet: run `cebox-support login --server URL`."),
                code=EXIT_NOT_LOGGED_IN,
            )
        raise CommandError(
            _("Unknown profile {name}; known: {names}.").format(
                name=name or "-", names=", ".join(sorted(settings.profiles))
            ),
            code=EXIT_USAGE,
        )
    return name, settings.profiles[name]


async def logged_in(args: argparse.Namespace, loaded: LoadedSettings) -> Workspace:
    from cebox_support.tui.session import resume

    name, profile = pick_profile(args, loaded)
    try:
        workspace = await resume(name, profile)
    except InsecureTokenFile as exc:
        raise CommandError(str(exc)) from None
    return _present(workspace, name)


def _present(workspace: Workspace | None, name: str) -> Workspace:
    if workspace is None:
        raise CommandError(
            _("Not logged in to {name}: run `cebox-support login`.").format(name=name),
            code=EXIT_NOT_LOGGED_IN,
        )
    return workspace


Offline = Callable[[], "int | str | None"]
"""What a read command shows when the server cannot be reached (the last copy, and its
exit code), or what it says after the error when it has no copy to show (or None)."""


def run(
    args: argparse.Namespace,
    loaded: LoadedSettings,
    action: Callable[[Workspace], Awaitable[int]],
    offline: Offline | None = None,
) -> int:
    """Resume the session, run `action`, keep the session cached; errors → one line."""
    from cebox_support.tui.session import close

    async def main() -> int:
        workspace = await logged_in(args, loaded)
        try:
            return await action(workspace)
        finally:
            await close(workspace)

    return _run(main, offline)


def run_read(
    args: argparse.Namespace,
    loaded: LoadedSettings,
    read: Callable[[GlpiClient], Awaitable[T]],
    action: Callable[[Workspace, T], Awaitable[int]],
    offline: Offline | None = None,
) -> int:
    """`run` for a command that starts with one read: with a cached session the read
    goes out together with the session check (one round trip instead of two)."""
    from cebox_support.tui.api.errors import SessionExpired
    from cebox_support.tui.session import close, resume_and_read

    async def main() -> int:
        name, profile = pick_profile(args, loaded)
        try:
            found, early = await resume_and_read(name, profile, read)
        except InsecureTokenFile as exc:
            raise CommandError(str(exc)) from None
        workspace = _present(found, name)
        try:
            try:
                result = await early if early is not None else await read(workspace.client)
            except SessionExpired:  # the cached token was stale; resume logged in again
                result = await read(workspace.client)
            return await action(workspace, result)
        finally:
            await close(workspace)

    return _run(main, offline)


def _run(main: Callable[[], Coroutine[object, object, int]], offline: Offline | None = None) -> int:
    try:
        return _run_main(main, offline)
    finally:
        warn_local_files()


def warn_local_files() -> None:
    """Once, on stderr: a session, copy, mark or cache that a full or read-only disk did
    not keep (or a session file it did not let go)."""
    from cebox_support.tui.localfiles import take_warning

    warning = take_warning()
    if warning:
        print(f"cebox-support: {warning}", file=sys.stderr)


def _run_main(
    main: Callable[[], Coroutine[object, object, int]], offline: Offline | None = None
) -> int:
    try:
        import asyncio  # here: `status` imports this module on every tmux tick

        return asyncio.run(main())
    except CommandError as exc:
        return fail(str(exc), exc.code)
    except GlpiError as exc:
        if offline is not None:
            from cebox_support.tui.offline import unreachable

            shown = offline() if unreachable(exc) else None
            if isinstance(shown, int):
                return shown
            if shown:
                return fail(f"{exc.message} {shown}")
        return fail(exc.message, 4 if exc.status == 404 else 1)
    except KeyboardInterrupt:
        return 130


def fill_from_this_machine(form: FormDefinition, answers: dict[str, str | list[str]]) -> None:
    """Fields the user left out take this machine's facts; each one said on stderr."""
    from cebox_support.tui.machine import machine_answers, this_machine

    for name, value in machine_answers(form, this_machine()).items():
        if name in answers:
            continue
        answers[name] = value
        print(
            "cebox-support: "
            + _("{name} = {value} (from this machine)").format(name=name, value=value),
            file=sys.stderr,
        )
