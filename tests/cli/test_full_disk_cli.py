"""A full or read-only state folder costs the local copies, never the answer: `list`,
`show` and `status` print what the server said, warn once on stderr and leave no
temporary file (issue 24, item 7). The suite runs as root, so the disk's refusal is
injected: ENOSPC when a file is written, EROFS when one is created."""

from __future__ import annotations

import errno
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.config import state_dir
from cebox_support.tui.localfiles import keep, reset_warning, take_warning

from tests.diskfaults import leftovers, refusing_disk

ROOT = Path(__file__).resolve().parents[2]
WARNING = "Local copies could not be saved in "


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    reset_warning()
    yield path
    reset_warning()


def login(monkeypatch: pytest.MonkeyPatch, server: Any, capsys: Any) -> str:
    from cebox_support.tui.config import load_settings

    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    code = main(["login", "--server", server.api_url, "--user", "post-only", "--password-stdin"])
    assert code == 0
    capsys.readouterr()
    return load_settings().settings.default_profile


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
def test_list_show_and_status_answer_on_a_disk_that_refuses(
    fresh_helpdesk: Any,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    code: int,
) -> None:
    login(monkeypatch, fresh_helpdesk, capsys)
    expected = {}
    for argv in (["list"], ["show", "1"]):
        assert main(argv) == 0
        expected[argv[0]] = capsys.readouterr().out
    folder = state_dir()
    for sub in ("offline", "seen", "status"):  # present, as after a day of use
        (folder / sub).mkdir(parents=True, exist_ok=True)
    refusing_disk(monkeypatch, folder, code)

    for argv in (["list"], ["show", "1"], ["status", "--always"], ["status", "--json"]):
        reset_warning()  # each command is a process of its own
        assert main(argv) == 0, argv
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("cebox-support: " + WARNING), (argv, err)
        assert os.strerror(code) in lines[0]
        if argv[0] in expected:
            assert out == expected[argv[0]]  # what the server said, as when the disk was fine
        elif argv == ["status", "--always"]:
            assert out == "ceBox: 1 to approve · 4 open\n"  # the server's answer, not a copy
        else:
            data = json.loads(out)
            assert data["state"] == "current" and data["approval"] == 1
    assert leftovers(folder) == []


def test_the_warning_is_given_once_per_process(tmp_path: Path) -> None:
    reset_warning()
    folder = tmp_path / "blocked"
    folder.write_text("a file where a folder should be")
    assert keep(folder / "a.json", b"{}") is False
    assert keep(folder / "b.json", b"{}") is False
    first = take_warning()
    assert first is not None and str(folder) in first
    assert take_warning() is None
    reset_warning()


def test_an_interrupted_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cebox_support.tui.seen import SeenTickets

    reset_warning()
    refusing_disk(monkeypatch, tmp_path, errno.ENOSPC)
    seen = SeenTickets("p", root=tmp_path)
    seen.mark_seen(3)  # no exception: the mark is only redone later
    assert leftovers(tmp_path) == [] and not (tmp_path / "seen" / "p.json").exists()
    assert take_warning() is not None
    reset_warning()


def test_the_counts_of_a_read_only_disk_are_kept_not_crashed_on(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`login` and `logout` drop the status counts; on a read-only disk they stay, said once."""
    from cebox_support.tui.statusline import StatusCache, cache_path, delete_cache, write_cache

    path = cache_path("p")
    write_cache(path, StatusCache(fetched_at=1.0))
    real_unlink = Path.unlink

    def refuse(self: Path, missing_ok: bool = False) -> None:
        if self == path:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    delete_cache("p")
    assert path.exists() and take_warning() is not None
