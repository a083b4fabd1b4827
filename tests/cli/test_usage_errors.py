"""Usage errors exit 2 with one line, for every command (issue 24 item 14): nothing is
asked of the server for a ticket number that cannot exist."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main


@pytest.fixture
def logged_in(
    fresh_helpdesk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> Any:
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(tmp_path / "cebox.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    login = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only"]
    assert main([*login, "--password-stdin"]) == 0
    capsys.readouterr()
    consoles: list[Any] = []
    monkeypatch.setattr(
        "cebox_support.tui.commands.console.run_console",
        lambda *a, **k: consoles.append(k) or 0,
    )
    fresh_helpdesk.clear_log()
    return consoles


def exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own refusals
        return int(exc.code or 0)


COMMANDS = [
    ["show", "{n}"],
    ["show", "{n}", "--json"],
    ["open", "{n}"],
    ["reply", "{n}", "-m", "hello"],
    ["approve", "{n}"],
    ["refuse", "{n}", "--reason", "still broken"],
]


@pytest.mark.parametrize("number", ["-3", "-1", "0", "١", "٣", "１", "#-2", "2²"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0] + "-".join(c[2:3]))
def test_a_ticket_number_that_cannot_exist_is_a_usage_error(
    logged_in: Any, fresh_helpdesk: Any, capsys: Any, command: list[str], number: str
) -> None:
    argv = [part.format(n=number) for part in command]
    assert exit_code(argv) == 2, argv
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.strip(), argv
    assert logged_in == [] and fresh_helpdesk.request_log == []


def test_list_limit_zero_and_negative(logged_in: Any, capsys: Any) -> None:
    for limit in ("0", "-5"):
        assert exit_code(["list", "--limit", limit]) == 2
        assert "--limit" in capsys.readouterr().err


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_refuse_without_a_reason(logged_in: Any, fresh_helpdesk: Any, reason: str) -> None:
    assert exit_code(["refuse", "2", "--reason", reason]) == 2
    assert fresh_helpdesk.request_log == []


def test_ascii_numbers_still_work(logged_in: Any, capsys: Any) -> None:
    assert exit_code(["show", "#1"]) == 0
    assert exit_code(["open", "1"]) == 0 and logged_in


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--profile", "nope"],
        ["show", "1", "--profile", "nope"],
        ["reply", "1", "-m", "x", "--profile", "nope"],
        ["reply", "1", "-m", "  "],
        ["login", "--profile", "nope"],
    ],
)
def test_other_bad_input_is_a_usage_error_too(
    logged_in: Any, fresh_helpdesk: Any, capsys: Any, argv: list[str]
) -> None:
    assert exit_code(argv) == 2, argv
    assert capsys.readouterr().err.count("\n") == 1
    assert fresh_helpdesk.request_log == []


def test_login_without_a_login_or_with_an_empty_password(
    fresh_helpdesk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(tmp_path / "cebox.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    assert exit_code(["login", "--server", fresh_helpdesk.api_url, "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    login = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only"]
    assert exit_code([*login, "--password-stdin"]) == 2
    assert fresh_helpdesk.request_log == []
