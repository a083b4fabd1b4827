"""Processes the project starts run the installed code only (issue 24, item 1), and no
command needs a POSIX-only module to start (item 17)."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.processes import python_command, resolve
from cebox_support.tui.statusline import cache_path, read_cache

HOSTILE = """\
import pathlib
pathlib.Path({marker!r}).write_text("ran from the current folder")
"""


def hostile_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A folder holding a `cebox_support` package that leaves a marker when imported."""
    folder = tmp_path / "clone"
    marker = tmp_path / "marker"
    (folder / "cebox_support").mkdir(parents=True)
    (folder / "cebox_support" / "__init__.py").write_text(HOSTILE.format(marker=str(marker)))
    return folder, marker


def test_status_run_from_a_folder_holding_cebox_support_runs_none_of_it(
    fresh_helpdesk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from cebox_support.tui.config import load_settings

    config = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(config))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only"]
    assert main([*argv, "--password-stdin"]) == 0
    capsys.readouterr()
    profile = load_settings().settings.default_profile
    folder, marker = hostile_folder(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    script = Path(sys.executable).with_name("cebox-support")  # what tmux runs
    done = subprocess.run(
        [str(script), "status", "--always"], cwd=folder, env=env, capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        cache = read_cache(cache_path(profile))
        if cache.fetched_at is not None or cache.failed_at is not None:
            break  # the refresher (a detached process) has finished
        time.sleep(0.05)
    assert not marker.exists(), "the refresher ran the current folder's cebox_support"
    assert read_cache(cache_path(profile)).fetched_at is not None


def test_our_python_processes_are_isolated() -> None:
    command = python_command("cebox_support.tui.statusline", "p")
    assert command[:3] == [sys.executable, "-I", "-m"]


def test_programs_are_never_found_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    planted = folder / "tmux"
    planted.write_text("#!/bin/sh\ntouch planted\n")
    planted.chmod(planted.stat().st_mode | stat.S_IXUSR)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("PATH", os.pathsep.join(["", ".", "bin"]))
    assert resolve("tmux") is None
    system = tmp_path / "system"
    system.mkdir()
    real = system / "tmux"
    real.write_bytes(planted.read_bytes())
    real.chmod(planted.stat().st_mode)
    monkeypatch.setenv("PATH", os.pathsep.join([".", str(system)]))
    assert resolve("tmux") == str(real)


BLOCKED = """\
import importlib, pkgutil, sys
sys.modules["fcntl"] = None  # as on Windows: `import fcntl` raises ImportError
sys.modules["msvcrt"] = None
import cebox_support.tui.commands as commands
import cebox_support.tui.cli
import cebox_support.tui.statusline as statusline
for module in pkgutil.iter_modules(commands.__path__):
    importlib.import_module(f"cebox_support.tui.commands.{module.name}")
from pathlib import Path
path = Path(sys.argv[1])
assert statusline.claim_refresh(path, 60, 1000.0) is True
assert statusline.claim_refresh(path, 60, 1001.0) is False  # the lock and the mark hold
print("started")
"""


def test_every_command_starts_without_posix_only_modules(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-I", "-c", BLOCKED, str(tmp_path / "status" / "p.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "started\n"
    assert not (tmp_path / "status" / "p.lock.held").exists()  # the portable lock let go


def test_the_browser_is_never_a_program_of_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    from cebox_support.tui.processes import graphical_browser as _graphical_browser

    planted = tmp_path / "xdg-open"
    planted.write_text("#!/bin/sh\ntouch planted\n")
    planted.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", os.pathsep.join([".", str(tmp_path / "nowhere")]))
    monkeypatch.setattr(webbrowser, "get", lambda: webbrowser.BackgroundBrowser("xdg-open"))
    assert _graphical_browser() is None
    system = tmp_path / "system"
    system.mkdir()
    (system / "xdg-open").write_bytes(planted.read_bytes())
    (system / "xdg-open").chmod(0o755)
    monkeypatch.setenv("PATH", os.pathsep.join([".", str(system)]))
    browser = _graphical_browser()
    assert isinstance(browser, webbrowser.BackgroundBrowser)
    assert browser.name == str(system / "xdg-open")
