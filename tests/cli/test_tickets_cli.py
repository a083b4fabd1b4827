"""`cebox-support list / show / open` in-process, against the embedded helpdesk."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    return path


def login(
    monkeypatch: pytest.MonkeyPatch, server: Any, capsys: Any, user: str = "post-only"
) -> None:
    password = {"post-only": "postonly", "tech": "tech"}[user]
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code = main(["login", "--server", server.api_url, "--user", user, "--password-stdin"])
    assert code == 0
    capsys.readouterr()


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_open_fits_80_columns(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    login(monkeypatch, helpdesk, capsys)
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["#", "Title"]
    assert all(len(line) <= 80 for line in lines)
    ids = [int(line.split()[0]) for line in lines[1:]]
    assert ids and set(ids) <= {1, 2, 3, 4, 5, 6}
    assert 3 not in ids and 2 not in ids  # closed and solved are not "open"
    assert "Pending" in out or "Assigned" in out


@pytest.mark.parametrize(
    ("status", "expected"),
    [("approval", {2}), ("solved", {2}), ("closed", {3}), ("all", {1, 2, 3, 4, 5, 6})],
)
def test_list_status_json(
    helpdesk: Any,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    status: str,
    expected: set[int],
) -> None:
    login(monkeypatch, helpdesk, capsys)
    code, out, _err = run(capsys, "list", "--status", status, "--json")
    assert code == 0
    data = json.loads(out)
    assert {t["id"] for t in data["tickets"]} == expected
    assert data["total"] == len(expected) and data["status"] == status
    first = data["tickets"][0]
    assert {"id", "name", "status", "status_label", "date_mod", "category"} <= set(first)


def test_list_limit_pages_with_ranges(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    fresh_helpdesk.store.bulk_tickets(3, 450)
    login(monkeypatch, fresh_helpdesk, capsys)
    fresh_helpdesk.clear_log()
    code, out, _err = run(capsys, "list", "--status", "all", "--limit", "250", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["tickets"]) == 250 and data["total"] == 456
    assert len({t["id"] for t in data["tickets"]}) == 250
    ranges = [e.query for e in fresh_helpdesk.request_log if e.path.endswith("/search/Ticket")]
    assert len(ranges) == 3 and all("range=" in q for q in ranges)
    code, out, _err = run(capsys, "list", "--status", "all", "--limit", "3")
    assert code == 0 and "3 of 456" in out


def test_show_plain_has_the_whole_public_thread(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    login(monkeypatch, helpdesk, capsys)
    code, out, err = run(capsys, "show", "1")
    assert code == 0 and err == ""
    assert out.startswith("#1  CEBOX-ACME-042")
    assert "Description" in out and "Follow-up" in out
    assert "10.20.0.10" in out  # the technician's public follow-up
    assert "Note interne" not in out  # a private one never reaches Self-Service
    assert "qgaAgent.log" in out
    assert f"{helpdesk.base_url}/front/ticket.form.php?id=1" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert not CONTROL.search(out.replace("\n", ""))


def test_show_by_link_and_json(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    login(monkeypatch, helpdesk, capsys)
    link = f"{helpdesk.base_url}/front/ticket.form.php?id=2&forcetab=Ticket$1"
    code, out, _err = run(capsys, "show", link, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ticket"]["id"] == 2 and data["url"].endswith("id=2")
    kinds = [i["kind"] for i in data["timeline"]]
    assert kinds[0] == "description" and "solution" in kinds


def test_show_errors_and_exit_codes(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, _out, err = run(capsys, "show", "1")
    assert code == 3 and err.count("\n") == 1  # no profile yet: not logged in
    login(monkeypatch, helpdesk, capsys)
    for ref in ("9999", "7"):  # missing; exists but not mine
        code, out, err = run(capsys, "show", ref)
        assert code == 4 and out == "" and err.count("\n") == 1 and ref in err
    code, _out, err = run(capsys, "show", "https://elsewhere.example/front/ticket.form.php?id=1")
    assert code == 2 and "elsewhere.example" in err and "127.0.0.1" in err  # a usage error
    code, _out, err = run(capsys, "show", "hello")
    assert code == 2 and err.startswith("cebox-support: ")


def test_not_logged_in_is_3(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    login(monkeypatch, helpdesk, capsys)
    assert main(["logout"]) == 0
    capsys.readouterr()
    for argv in (["list"], ["show", "1"]):
        code, out, err = run(capsys, *argv)
        assert code == 3 and out == "" and "login" in err and err.count("\n") == 1


def test_server_text_cannot_drive_the_terminal(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    tid = fresh_helpdesk.store.create_ticket(
        name="Evil \x1b]0;pwned\x07 \x1b[2J title \x9b31m",
        content="<p>line \x1b[31mred\x1b[0m \x07 bell</p>",
        requester_id=3,
    )
    fresh_helpdesk.store.add_followup(tid, user_id=4, content="<p>\x1bPdcs\x1b\\ ok</p>")
    login(monkeypatch, fresh_helpdesk, capsys)
    for argv in (["list"], ["list", "--json"], ["show", str(tid)], ["show", str(tid), "--json"]):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, argv
        assert not CONTROL.search(out.replace("\n", "")), argv


def test_open_starts_the_console_on_the_ticket(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    login(monkeypatch, helpdesk, capsys)
    calls: list[int | None] = []

    def fake_console(args: Any, loaded: Any, open_ticket: int | None = None) -> int:
        calls.append(open_ticket)
        return 0

    monkeypatch.setattr("cebox_support.tui.commands.console.run_console", fake_console)
    link = f"{helpdesk.base_url}/front/ticket.form.php?id=4"
    assert main(["open", link]) == 0
    assert main(["open", "#2"]) == 0
    assert calls == [4, 2]
    code, _out, err = run(capsys, "open", "https://elsewhere.example/front/ticket.form.php?id=4")
    assert code == 2 and "elsewhere.example" in err and calls == [4, 2]


def test_open_with_a_form_link_starts_the_console_on_that_form(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """A GLPI 11 direct form link (this profile's server only) starts on that form."""
    from cebox_support.tui.messages import NewTicket

    login(monkeypatch, helpdesk, capsys)
    calls: list[Any] = []

    def fake_console(args: Any, loaded: Any, open_ticket: Any = None) -> int:
        calls.append(open_ticket)
        return 0

    monkeypatch.setattr("cebox_support.tui.commands.console.run_console", fake_console)
    assert main(["open", f"{helpdesk.base_url}/Form/Render/7?token=abc"]) == 0
    assert len(calls) == 1 and isinstance(calls[0], NewTicket)
    assert calls[0].form_link == (7, "abc") and calls[0].form_id is None
    code, _out, err = run(capsys, "open", "https://elsewhere.example/Form/Render/7?token=abc")
    assert code == 2 and "elsewhere.example" in err and len(calls) == 1


def test_show_sends_the_ticket_reads_with_the_session_check(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """One round trip with a cached session: the ticket is not read after getFullSession."""
    login(monkeypatch, fresh_helpdesk, capsys)
    fresh_helpdesk.clear_log()
    code, out, _err = run(capsys, "show", "1")
    assert code == 0 and out.startswith("#1  ")
    paths = sorted(e.path.rsplit("apirest.php/", 1)[-1] for e in fresh_helpdesk.request_log)
    assert paths == sorted(
        [
            "getFullSession",
            "Ticket/1",
            "Ticket/1/ITILFollowup",
            "Ticket/1/TicketTask",
            "Ticket/1/ITILSolution",
            "Ticket/1/Ticket_User",
        ]
    )


def stale_cached_session(server: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> str:
    """Log in (the session token is cached), then end that session on the server."""
    from cebox_support.tui.tokens import read_secret, session_token_path

    login(monkeypatch, server, capsys)
    stale = read_secret(session_token_path("127-0-0-1"), server=server.api_url)
    assert stale
    server.store.kill_session(stale)
    return stale


def test_show_with_a_stale_session_logs_in_again_with_the_saved_token(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from cebox_support.tui.tokens import (
        read_secret,
        session_token_path,
        user_token_path,
        write_secret,
    )

    stale = stale_cached_session(fresh_helpdesk, monkeypatch, capsys)
    fresh_helpdesk.store.set_user_token("post-only", "tok-show-1")
    write_secret(user_token_path("127-0-0-1"), "tok-show-1", server=fresh_helpdesk.api_url)
    code, out, err = run(capsys, "show", "2")
    assert code == 0 and out.startswith("#2  ") and err == ""
    renewed = read_secret(session_token_path("127-0-0-1"), server=fresh_helpdesk.api_url)
    assert renewed and renewed != stale


def test_show_with_a_stale_session_and_no_saved_token_is_3(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    stale_cached_session(fresh_helpdesk, monkeypatch, capsys)
    code, out, err = run(capsys, "show", "1")
    assert code == 3 and out == "" and "login" in err and err.count("\n") == 1


def test_show_mentions_the_automatic_closing_date(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Ticket 2 has a solution awaiting approval: `show` says when it closes by itself."""
    from datetime import datetime, timedelta

    login(monkeypatch, helpdesk, capsys)
    code, out, _err = run(capsys, "show", "2", "--json")
    assert code == 0
    data = json.loads(out)
    solved = datetime.fromisoformat(data["ticket"]["solvedate"])
    closes = datetime.fromisoformat(data["autoclose_date"])
    assert closes == solved + timedelta(days=7)  # the profile's autoclose_days default
    code, out, _err = run(capsys, "show", "2")
    expected = closes.astimezone().strftime("%Y-%m-%d")
    assert f"automatically on or after {expected} without an answer" in out
    code, out, _err = run(capsys, "show", "1", "--json")
    assert json.loads(out)["autoclose_date"] is None


def test_every_view_shows_a_time_in_the_users_zone(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """The user is in New York, the server in Paris: `show` and the console's views
    (list status line, header, thread: all `exact_time`/`format_when`) agree."""
    import time
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cebox_support.tui.render_text import exact_time
    from cebox_support.widgets.timeline import format_when

    login(monkeypatch, helpdesk, capsys)
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    code, out, _err = run(capsys, "show", "1", "--json")
    data = json.loads(out)
    updated = datetime.fromisoformat(data["ticket"]["date_mod"])
    opened = datetime.fromisoformat(data["ticket"]["date"])
    expected = updated.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M")
    assert updated.strftime("%H:%M") != expected[-5:]  # the server's own clock differs
    code, out, _err = run(capsys, "show", "1")
    assert f"{expected} (" in out
    assert opened.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M") in out
    assert format_when(updated) == exact_time(updated) == expected


@pytest.mark.parametrize("argv", [["list"], ["show", "1"], ["logout"]])
def test_commands_report_config_problems_and_insecure_profiles(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, argv: list[str]
) -> None:
    """Not only the console: every command says what is wrong in config.toml, on stderr."""
    login(monkeypatch, helpdesk, capsys)
    text = config_file.read_text(encoding="utf-8")
    text = text.replace(
        f'url = "{helpdesk.api_url}"', f'url = "{helpdesk.api_url}"\ninsecure = true'
    )
    config_file.write_text(
        text + '\n[profiles.bad]\nurl = "https://b"\nautoclose_days = -3\n', encoding="utf-8"
    )
    code, out, err = run(capsys, *argv)
    assert code == 0 and out
    assert "TLS verification is off for profile 127-0-0-1" in err
    assert "autoclose_days" in err and str(config_file) in err
    assert "TLS" not in out and "autoclose_days" not in out


def test_show_reads_a_form_ticket_without_markdown(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """The HTML a form makes (heading, table of answers) prints as a person would read it."""
    tid = fresh_helpdesk.store.create_ticket(
        name="Incident",
        content=(
            "<h2>Déclarer un incident ceBox</h2>"
            '<table border="1" cellpadding="4"><tbody>'
            "<tr><th>Numéro de série</th><td>CEBOX-042</td></tr>"
            "<tr><th>Impact</th><td>Bloquant</td></tr></tbody></table>"
            "<h4>Description</h4><p>La box ne démarre plus.</p>"
        ),
        requester_id=3,
    )
    login(monkeypatch, fresh_helpdesk, capsys)
    code, out, err = run(capsys, "show", str(tid))
    assert code == 0, err
    lines = out.splitlines()
    at = lines.index("  Déclarer un incident ceBox")
    assert lines[at + 1] == "  " + "─" * 26
    assert "  Numéro de série  CEBOX-042" in lines and "  Impact           Bloquant" in lines
    assert "##" not in out and "| ---" not in out
