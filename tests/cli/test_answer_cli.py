"""`cebox-support reply | approve | refuse`: exit codes, one-line errors, the helpdesk's state."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main

DOMAIN, SOLVED, CLOSED, OBSERVED = 1, 2, 3, 4


@pytest.fixture
def logged_in(
    fresh_helpdesk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> Any:
    """A config file of the test's own and a cached session for the demo customer."""
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    code = main(
        ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only", "--password-stdin"]
    )
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    return fresh_helpdesk


def one_error_line(capsys: Any) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cebox-support: ")
    return lines[0]


def test_reply_with_message_and_attachment(logged_in: Any, tmp_path: Path, capsys: Any) -> None:
    store = logged_in.store
    before = len(store.followups(DOMAIN))
    log = tmp_path / "trace.txt"
    log.write_bytes(b"trace\n")
    code = main(["reply", str(DOMAIN), "-m", "Voici la trace", "--attach", str(log)])
    out = capsys.readouterr().out
    assert code == 0
    followups = store.followups(DOMAIN)
    assert len(followups) == before + 1
    new = followups[-1]
    assert "Voici la trace" in new["content"]
    assert f"Reply {new['id']} added to ticket #{DOMAIN}" in out
    docs = [d for d in store.documents(DOMAIN) if d["filename"] == "trace.txt"]
    assert [(d["link_itemtype"], d["link_items_id"]) for d in docs] == [("ITILFollowup", new["id"])]


def test_reply_from_file_and_stdin(
    logged_in: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = logged_in.store
    text = tmp_path / "reply.txt"
    text.write_text("Ligne 1\n\nLigne 2 <b>pas du html</b>\n", encoding="utf-8")
    assert main(["reply", str(DOMAIN), "--file", str(text)]) == 0
    content = store.followups(DOMAIN)[-1]["content"]
    assert "<p>Ligne 1</p>" in content and "&lt;b&gt;" in content
    monkeypatch.setattr("sys.stdin", io.StringIO("Depuis stdin\n"))
    assert main(["reply", str(DOMAIN), "--file", "-"]) == 0
    assert "Depuis stdin" in store.followups(DOMAIN)[-1]["content"]


def test_reply_errors_are_one_line(logged_in: Any, tmp_path: Path, capsys: Any) -> None:
    store = logged_in.store
    before = len(store.followups(DOMAIN))
    assert main(["reply", str(DOMAIN), "-m", "x", "--attach", str(tmp_path / "nope")]) != 0
    assert "not found" in one_error_line(capsys).lower()
    assert main(["reply", str(DOMAIN), "-m", "   "]) != 0
    one_error_line(capsys)
    assert len(store.followups(DOMAIN)) == before
    assert main(["reply", str(CLOSED), "-m", "Encore moi"]) != 0
    one_error_line(capsys)
    assert main(["reply", str(OBSERVED), "-m", "Observateur"]) != 0
    assert "not allowed" in one_error_line(capsys)
    assert store.followups(OBSERVED) == []
    with pytest.raises(SystemExit) as exit_info:
        main(["reply", str(DOMAIN)])
    assert exit_info.value.code == 2


def test_approve_closes_the_ticket(logged_in: Any, capsys: Any) -> None:
    assert main(["approve", str(SOLVED)]) == 0
    assert "approved" in capsys.readouterr().out
    assert logged_in.store.ticket(SOLVED)["status"] == 6
    assert logged_in.store.solutions(SOLVED)[-1]["status"] == 3


def test_approve_without_pending_solution_sends_nothing(logged_in: Any, capsys: Any) -> None:
    before = len(logged_in.store.followups(DOMAIN))
    assert main(["approve", str(DOMAIN)]) != 0
    assert "no solution awaiting approval" in one_error_line(capsys)
    assert len(logged_in.store.followups(DOMAIN)) == before


def test_refuse_needs_a_reason(logged_in: Any, capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["refuse", str(SOLVED)])
    assert exit_info.value.code == 2
    capsys.readouterr()
    assert main(["refuse", str(SOLVED), "--reason", "  "]) != 0
    one_error_line(capsys)
    assert logged_in.store.ticket(SOLVED)["status"] == 5


def test_refuse_reopens_the_ticket(logged_in: Any, capsys: Any) -> None:
    assert main(["refuse", str(SOLVED), "--reason", "Toujours des coupures"]) == 0
    assert "refused" in capsys.readouterr().out
    store = logged_in.store
    assert store.ticket(SOLVED)["status"] in (1, 2)
    assert store.solutions(SOLVED)[-1]["status"] == 4
    assert "Toujours des coupures" in store.followups(SOLVED)[-1]["content"]


def test_unknown_ticket_exits_with_not_found(logged_in: Any, capsys: Any) -> None:
    assert main(["approve", "999"]) == 4
    one_error_line(capsys)


def test_no_profile_is_not_logged_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """No profile at all is the README's "not logged in" (3), like a profile without session."""
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(tmp_path / "none.toml"))
    assert main(["approve", "2"]) == 3
    assert "login --server" in one_error_line(capsys)


def test_reply_while_logged_out_is_3(logged_in: Any, capsys: Any) -> None:
    """The README's exit code for "not logged in", and nothing reaches the server."""
    assert main(["logout"]) == 0
    capsys.readouterr()
    before = len(logged_in.store.followups(DOMAIN))
    assert main(["reply", str(DOMAIN), "-m", "Toujours là ?"]) == 3
    assert "cebox-support login" in one_error_line(capsys)
    assert len(logged_in.store.followups(DOMAIN)) == before


def test_refused_replies_say_why(logged_in: Any, capsys: Any) -> None:
    """GLPI answers "not allowed" to both; the command says what `show` would say."""
    assert main(["reply", "999", "-m", "x"]) == 4
    assert "Ticket 999 does not exist, or you may not see it." in one_error_line(capsys)
    assert main(["reply", str(CLOSED), "-m", "Encore moi"]) == 1
    line = one_error_line(capsys)
    assert f"Ticket #{CLOSED} is closed" in line and "open a new ticket" in line


def test_approve_and_refuse_unknown_ticket_worded_like_show(logged_in: Any, capsys: Any) -> None:
    assert main(["show", "999"]) == 4
    shown = one_error_line(capsys)
    assert main(["approve", "999"]) == 4
    assert one_error_line(capsys) == shown
    assert main(["refuse", "999", "--reason", "non"]) == 4
    assert one_error_line(capsys) == shown
