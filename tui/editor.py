"""Edit long text in the user's $EDITOR, the app suspended meanwhile.

Whatever the editor does (a malformed command, a crash, a non-zero exit, its file
deleted), the text typed so far is never lost and the user is told what happened.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from pathlib import Path
from typing import Any

from cebox_support.tui import processes
from cebox_support.tui.i18n import _


class EditorProblem(Exception):
    """No editor command can be run; the message says why, for the user."""


def editor_command(configured: str = "") -> list[str] | None:
    """The configured editor, $VISUAL, $EDITOR, else nano or vi; None when there is none.
    A setting that is not a valid shell command raises EditorProblem naming it."""
    sources = (("editor", configured), ("VISUAL", os.environ.get("VISUAL", "")))
    for name, candidate in (*sources, ("EDITOR", os.environ.get("EDITOR", ""))):
        if not candidate.strip():
            continue
        try:
            return shlex.split(candidate)
        except ValueError as exc:
            raise EditorProblem(
                _("{name} is not a valid command ({command}: {reason}).").format(
                    name=name, command=" ".join(candidate.split())[:60], reason=exc
                )
            ) from None
    for fallback in ("nano", "vi"):
        if processes.resolve(fallback):
            return [fallback]
    return None


def edit_text(app: Any, text: str, *, configured: str = "", suffix: str = ".md") -> str:
    """The text to keep: the editor's when it saved one, else `text` unchanged, with a
    warning (app.notify) saying what happened."""
    kept, problem = _edit(app, text, configured, suffix)
    if problem:
        app.notify(problem, severity="warning", markup=False, timeout=10)
    return kept


def _edit(app: Any, text: str, configured: str, suffix: str) -> tuple[str, str | None]:
    unchanged = _("Your text is unchanged.")
    try:
        command = editor_command(configured)
    except EditorProblem as exc:
        return text, f"{exc} {unchanged}"
    if command is None:
        return text, _("No editor found: set $EDITOR or `editor` in config.toml.")
    fd, name = tempfile.mkstemp(prefix="cebox-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            with app.suspend():
                result = processes.run([*command, str(path)], check=False)
        except Exception as exc:  # OSError, SubprocessError, Textual's SuspendNotSupported
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            return text, _("The editor {command} could not be started ({reason}).").format(
                command=command[0], reason=reason
            ) + " " + unchanged
        try:
            edited = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return text, _("The editor removed its file.") + " " + unchanged
        if result.returncode == 0:
            return edited, None
        status = _("The editor exited with status {code}.").format(code=result.returncode)
        if edited != text and edited.strip():
            return edited, status + " " + _("The text it saved is kept.")
        return text, status + " " + unchanged
    except OSError as exc:
        return text, _("The text could not be handed to the editor ({reason}).").format(
            reason=exc.strerror or exc
        ) + " " + unchanged
    finally:
        path.unlink(missing_ok=True)
