"""Issue 24 item 8, on the command line: a reply or a description read from a file or
stdin is read up to MAX_TEXT_BYTES and refused past it (exit 2, nothing sent); an
attachment is held to GLPI's default size when the server states no limit."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.commands.common import MAX_TEXT_BYTES

DOMAIN = 1


@pytest.fixture
def logged_in(
    fresh_helpdesk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> Any:
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    code = main(
        ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only", "--password-stdin"]
    )
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    return fresh_helpdesk


class EndlessStdin:
    """Standard input that never ends (`… | cebox-support reply N --file -`)."""

    class _Bytes:
        def read(self, n: int = -1) -> bytes:
            if n < 0:
                raise AssertionError("stdin read without a bound")
            return b"\0" * n

    buffer = _Bytes()

    def read(self, n: int = -1) -> str:
        if n < 0:
            raise AssertionError("stdin read without a bound")
        return "\0" * n


def test_reply_from_a_file_past_the_cap_is_refused(
    logged_in: Any, tmp_path: Path, capsys: Any
) -> None:
    text = tmp_path / "reply.txt"
    text.write_bytes(b"a" * (MAX_TEXT_BYTES + 1))
    before = len(logged_in.store.followups(DOMAIN))
    assert main(["reply", str(DOMAIN), "--file", str(text)]) == 2
    assert "more than 1 MB of text" in capsys.readouterr().err
    assert len(logged_in.store.followups(DOMAIN)) == before


def test_reply_from_endless_stdin_is_refused(
    logged_in: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr("sys.stdin", EndlessStdin())
    before = len(logged_in.store.followups(DOMAIN))
    assert main(["reply", str(DOMAIN), "--file", "-"]) == 2
    assert "standard input holds more than 1 MB" in capsys.readouterr().err
    assert len(logged_in.store.followups(DOMAIN)) == before


def test_reply_at_the_cap_is_sent(logged_in: Any, tmp_path: Path) -> None:
    text = tmp_path / "reply.txt"
    text.write_bytes(b"a" * 100 + b"\r\nb\n")
    assert main(["reply", str(DOMAIN), "--file", str(text)]) == 0
    assert "a" * 100 in logged_in.store.followups(DOMAIN)[-1]["content"]


NEW = [
    "new",
    "--form",
    "incident",
    "--title",
    "Printer offline",
    "--field",
    "type=printing",
    "--field",
    "account=ACME",
    "--field",
    "workstations=4",
]


def test_new_description_file_past_the_cap_is_refused(
    logged_in: Any, tmp_path: Path, capsys: Any
) -> None:
    text = tmp_path / "description.txt"
    text.write_bytes(b"a" * (MAX_TEXT_BYTES + 1))
    before = logged_in.store.count("tickets")
    assert main([*NEW, "--description-file", str(text)]) == 2
    assert "--description-file: " in capsys.readouterr().err
    assert logged_in.store.count("tickets") == before


def test_new_description_from_endless_stdin_is_refused(
    logged_in: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr("sys.stdin", EndlessStdin())
    before = logged_in.store.count("tickets")
    assert main([*NEW, "--description-file", "-"]) == 2
    assert "more than 1 MB of text" in capsys.readouterr().err
    assert logged_in.store.count("tickets") == before


def test_an_attachment_past_glpis_default_is_refused_when_the_server_says_0(
    logged_in: Any, tmp_path: Path, capsys: Any
) -> None:
    logged_in.store.document_max_size_mb = 0
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (2 * 2**20 + 1))
    before = len(logged_in.store.followups(DOMAIN))
    assert main(["reply", str(DOMAIN), "-m", "voici", "--attach", str(big)]) == 2
    assert "too big" in capsys.readouterr().err
    assert len(logged_in.store.followups(DOMAIN)) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["reply", "1", "--file", "/dev/zero"],
        [*NEW, "--description-file", "/dev/urandom"],
    ],
    ids=["reply-dev-zero", "new-dev-urandom"],
)
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_endless_devices_end_with_exit_2(argv: list[str], tmp_path: Path) -> None:
    """The issue's own commands, in a process of their own held to 1 GB of memory."""
    import resource

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    code = "import sys; from cebox_support.tui.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "CEBOX_SUPPORT_CONFIG": str(tmp_path / "config.toml")}
    done = subprocess.run(
        [sys.executable, "-c", code, *argv],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limited,
    )
    assert done.returncode == 2, done.stderr
    assert "more than 1 MB of text" in done.stderr
