"""Every process the project starts goes through here, so that it runs the installed
code only, whatever folder the user (or tmux) started us from.

- Our own Python code runs as `python -I -m …`: isolated, so neither the current folder
  nor PYTHON* variables nor the user's site folder come before the installed package
  (`-m` alone puts the current folder first: a `cebox_support/` there would run).
- A program named without a path (an editor, tmux, xdg-open) is looked up on PATH
  without its relative entries ("", "."), never in the current folder.
- Detached processes start in the file system's root, a folder nobody can plant code
  in and that is never unmounted under them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import webbrowser
from collections.abc import Sequence
from typing import Any


def python_command(module: str, *args: str) -> list[str]:
    """The command that runs one of our modules with the installed code only."""
    return [sys.executable, "-I", "-m", module, *args]


def safe_cwd() -> str:
    return os.path.abspath(os.sep)


def resolve(program: str) -> str | None:
    """`program`'s absolute path, found on PATH's absolute entries only (None: not there)."""
    if os.path.dirname(program):
        return program if os.path.isabs(program) else os.path.abspath(program)
    entries = os.environ.get("PATH", os.defpath).split(os.pathsep)
    path = os.pathsep.join(e for e in entries if e and os.path.isabs(e))
    return shutil.which(program, path=path) if path else None


def _argv(command: Sequence[str]) -> list[str]:
    found = resolve(command[0])
    if found is None:
        raise FileNotFoundError(2, "No such file or directory", command[0])
    return [found, *command[1:]]


def run(command: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    """subprocess.run, the program found without the current folder."""
    return subprocess.run(_argv(command), **kwargs)


def start_detached(command: Sequence[str]) -> subprocess.Popen[bytes]:
    """A process that outlives us, from a safe folder, without our terminal."""
    return subprocess.Popen(
        _argv(command),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
        cwd=safe_cwd(),
    )


def graphical_browser() -> webbrowser.BaseBrowser | None:
    """A browser that does not take over this terminal (not lynx or w3m)."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    if type(browser) is webbrowser.GenericBrowser:
        return None
    name = getattr(browser, "name", "")
    if isinstance(browser, webbrowser.GenericBrowser | webbrowser.UnixBrowser) and name:
        found = resolve(name)  # as every program we start: never from the current folder
        if found is None:
            return None
        browser.name = found
    return browser
