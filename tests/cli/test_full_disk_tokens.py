"""Session tokens on a full or read-only disk (issue 24, item 7): signing in still signs in,
an expired session still says "not logged in" (exit 3), a saved personal token still
answers; one warning says the session could not be kept (or removed), and no temporary
file is left. The suite runs as root, so the disk's refusal is injected."""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.config import state_dir
from cebox_support.tui.localfiles import reset_warning
from cebox_support.tui.tokens import read_secret, session_token_path, write_secret

from tests.diskfaults import leftovers, refusing_disk

CODES = pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
PROFILE = "p"


@pytest.fixture(autouse=True)
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    reset_warning()
    yield path
    reset_warning()


def cli(monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    reset_warning()  # each command is a process of its own
    return main(list(argv))


def login_argv(server: Any) -> list[str]:
    return ["login", "--profile", PROFILE, "--server", server.api_url, "--user", "post-only"]


def one_warning(err: str, *words: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "could not be" in line]
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@CODES
def test_login_signs_in_and_says_the_session_is_not_kept(
    fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any, code: int
) -> None:
    folder = state_dir()
    (folder / "sessions").mkdir(parents=True, exist_ok=True)
    refusing_disk(monkeypatch, folder, code)

    assert cli(monkeypatch, "postonly\n", *login_argv(fresh_helpdesk), "--password-stdin") == 0
    out, err = capsys.readouterr()
    assert "Logged in to p as post-only" in out
    one_warning(err, "session could not be kept", os.strerror(code), "sign in again")
    assert leftovers(folder) == []
    assert not session_token_path(PROFILE).exists()  # not even an empty, half-written file

    assert cli(monkeypatch, "", "list", "--profile", PROFILE) == 3  # the next command asks
    out, err = capsys.readouterr()
    assert "Not logged in to p" in err and "Traceback" not in err
    assert leftovers(folder) == []


def test_a_full_disk_keeps_the_session_already_there(
    fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """A sign-in whose token cannot be written leaves the one kept before whole (written
    in place, it was truncated to nothing)."""
    assert cli(monkeypatch, "postonly\n", *login_argv(fresh_helpdesk), "--password-stdin") == 0
    path = session_token_path(PROFILE)
    before = path.read_bytes()
    refusing_disk(monkeypatch, state_dir(), errno.ENOSPC)
    assert cli(monkeypatch, "postonly\n", *login_argv(fresh_helpdesk), "--password-stdin") == 0
    assert path.read_bytes() == before
    assert (path.stat().st_mode & 0o777) == 0o600
    assert leftovers(state_dir()) == []


def test_list_with_an_expired_session_on_a_read_only_disk_exits_3(
    fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert cli(monkeypatch, "postonly\n", *login_argv(fresh_helpdesk), "--password-stdin") == 0
    path = session_token_path(PROFILE)
    write_secret(path, "expired-session-token", server=fresh_helpdesk.api_url)
    capsys.readouterr()
    folder = state_dir()
    refusing_disk(monkeypatch, folder, errno.EROFS)

    assert cli(monkeypatch, "", "list", "--profile", PROFILE) == 3
    out, err = capsys.readouterr()
    assert out == "" and "Not logged in to p" in err
    one_warning(err, "could not be removed", os.strerror(errno.EROFS))
    assert leftovers(folder) == []
    assert path.exists()  # the disk kept it; it is simply refused by the server again


@CODES
def test_list_with_an_expired_session_and_a_saved_token_answers(
    fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any, code: int
) -> None:
    """The saved personal token signs in again; the new session cannot be kept: said once,
    the list is shown as on a healthy disk."""
    fresh_helpdesk.store.set_user_token("post-only", "tok-disk-1")
    argv = ["login", "--profile", PROFILE, "--server", fresh_helpdesk.api_url, "--token-stdin"]
    assert cli(monkeypatch, "tok-disk-1\n", *argv, "--save-token") == 0
    capsys.readouterr()
    assert cli(monkeypatch, "", "list", "--profile", PROFILE) == 0
    expected = capsys.readouterr().out
    write_secret(session_token_path(PROFILE), "expired", server=fresh_helpdesk.api_url)
    folder = state_dir()
    refusing_disk(monkeypatch, folder, code)

    assert cli(monkeypatch, "", "list", "--profile", PROFILE) == 0
    out, err = capsys.readouterr()
    assert out == expected
    one_warning(err, os.strerror(code))
    assert leftovers(folder) == []


def test_logout_on_a_read_only_disk_says_what_stayed(
    fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert cli(monkeypatch, "postonly\n", *login_argv(fresh_helpdesk), "--password-stdin") == 0
    capsys.readouterr()
    refusing_disk(monkeypatch, state_dir(), errno.EROFS)
    assert cli(monkeypatch, "", "logout", "--profile", PROFILE) == 0
    out, err = capsys.readouterr()
    assert "Logged out of p" in out
    one_warning(err, "could not be removed")
    # the session was ended on the server: what stayed on disk no longer signs anyone in
    token = read_secret(session_token_path(PROFILE), server=fresh_helpdesk.api_url)
    assert token is not None
    assert cli(monkeypatch, "", "list", "--profile", PROFILE) == 3


def test_login_with_a_file_where_the_sessions_folder_should_be(
    fresh_helpdesk: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Not a directory (ENOTDIR) when reading or writing a token: no token, not a failure."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sessions").write_text("in the way")
    assert cli(monkeypatch, "postonly\n", *login_argv(fresh_helpdesk), "--password-stdin") == 0
    out, err = capsys.readouterr()
    assert "Logged in to p as post-only" in out
    one_warning(err, "session could not be kept")
    assert cli(monkeypatch, "", "list", "--profile", PROFILE) == 3
    assert "Not logged in to p" in capsys.readouterr().err
    assert leftovers(folder) == []
