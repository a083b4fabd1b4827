"""Reading while the link is down: `list`, `show` and `status` show the last copy of
this profile, marked, when a dedicated embedded helpdesk is stopped mid-test."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.offline import MAX_TICKETS, OfflineCopies, offline_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return path


@pytest.fixture
def server() -> Iterator[Any]:
    """A helpdesk of these tests' own (runner API), stopped by the tests themselves."""
    from cebox_support.tui.helpdesk.clock import Clock
    from cebox_support.tui.helpdesk.runner import start_helpdesk

    from tests.conftest import FROZEN_NOW

    clock = Clock()
    clock.set(FROZEN_NOW)
    running = start_helpdesk(demo=True, clock=clock)
    yield running
    running.stop()


def login(monkeypatch: pytest.MonkeyPatch, server: Any, capsys: Any, *extra: str) -> str:
    from cebox_support.tui.config import load_settings

    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", server.api_url, "--user", "post-only", "--password-stdin"]
    assert main([*argv, *extra]) == 0
    capsys.readouterr()
    return load_settings().settings.default_profile


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


NOTICE = "cebox-support: offline — copy of "


def test_list_and_show_print_the_last_copy_when_the_server_is_down(
    server: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    profile = login(monkeypatch, server, capsys)
    code, online_list, err = run(capsys, "list")
    assert code == 0 and err == ""
    code, online_show, err = run(capsys, "show", "1")
    assert code == 0 and err == ""
    code, online_json, _err = run(capsys, "show", "1", "--json")
    assert json.loads(online_json)["stale"] is False
    files = sorted(p.name for p in offline_dir(profile).iterdir())
    assert files == ["list-open.json", "me.json", "ticket-1.json"]  # me: a console can start
    assert all((offline_dir(profile) / f).stat().st_mode & 0o777 == 0o600 for f in files)

    server.stop()
    code, out, err = run(capsys, "list")
    assert code == 0 and out == online_list
    assert err.startswith(NOTICE) and err.count("\n") == 1
    stamp = err.removeprefix(NOTICE).strip()
    assert time.strptime(stamp, "%d/%m %H:%M")  # "12/12 09:41"
    code, out, err = run(capsys, "list", "--json")
    data = json.loads(out)
    assert code == 0 and data["stale"] is True and data["fetched_at"]
    assert {t["id"] for t in data["tickets"]} == {1, 4, 5, 6}
    code, out, err = run(capsys, "show", "1")
    assert code == 0 and out == online_show and err.startswith(NOTICE)
    code, out, _err = run(capsys, "show", "1", "--json")
    data = json.loads(out)
    assert data["stale"] is True and data["ticket"]["id"] == 1 and data["fetched_at"]
    assert data["timeline"] == json.loads(online_json)["timeline"]
    # Never copied: the usual one-line error, exit 1.
    code, out, err = run(capsys, "show", "4")
    assert code == 1 and out == "" and "Cannot connect" in err
    code, out, err = run(capsys, "list", "--status", "closed")
    assert code == 1 and out == ""


def test_logout_deletes_the_copies(
    server: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    profile = login(monkeypatch, server, capsys)
    assert run(capsys, "show", "1")[0] == 0
    assert run(capsys, "list")[0] == 0
    assert offline_dir(profile).exists()
    code, _out, _err = run(capsys, "logout")
    assert code == 0 and not offline_dir(profile).exists()


def test_a_copy_is_never_shown_for_another_profile(
    server: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    login(monkeypatch, server, capsys)
    assert run(capsys, "show", "1")[0] == 0
    login(monkeypatch, server, capsys, "--profile", "other")
    server.stop()
    code, out, err = run(capsys, "show", "1", "--profile", "other")
    assert code == 1 and out == "" and "offline" not in err


def ticket(n: int) -> Any:
    from cebox_support.tui.api.models import Ticket, TicketDetail, TicketStatus

    return TicketDetail(
        ticket=Ticket(id=n, name=f"T{n}", html="", text="", status=TicketStatus.NEW)
    )


def test_a_copy_from_another_server_is_not_shown(tmp_path: Path) -> None:
    detail = ticket(7)
    OfflineCopies("acme", "https://a.example/apirest.php", tmp_path).save_ticket(detail)
    assert OfflineCopies("acme", "https://a.example/apirest.php", tmp_path).load_ticket(7)
    assert OfflineCopies("acme", "https://b.example/apirest.php", tmp_path).load_ticket(7) is None


def test_the_number_of_tickets_kept_is_bounded(tmp_path: Path) -> None:
    copies = OfflineCopies("acme", "https://a.example/apirest.php", tmp_path)
    for n in range(1, MAX_TICKETS + 6):
        copies.save_ticket(ticket(n))
    kept = list(copies.folder.glob("ticket-*.json"))
    assert len(kept) == MAX_TICKETS
    assert copies.load_ticket(MAX_TICKETS + 5) is not None  # the newest stays


# -- a list's rows from the copy of a wider one (issue 27) ------------------------------


def test_offline_list_takes_its_rows_from_the_copy_of_all_tickets(
    server: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    login(monkeypatch, server, capsys)
    code, online_all, _err = run(capsys, "list", "--status", "all", "--json")
    assert code == 0
    by_status: dict[int, set[int]] = {}
    for t in json.loads(online_all)["tickets"]:
        by_status.setdefault(t["status"], set()).add(t["id"])
    server.stop()

    code, out, err = run(capsys, "list")
    source = "(taken from the copy of `cebox-support list --status all`)"
    assert code == 0 and err.startswith(NOTICE) and err.rstrip().endswith(source)
    assert err.count("\n") == 1
    code, out, err = run(capsys, "list", "--json")
    data = json.loads(out)
    assert code == 0 and data["stale"] is True and data["fetched_at"]
    assert data["copy_of"] == "all" and data["complete"] is True
    open_ids = by_status.get(1, set()) | by_status.get(2, set()) | by_status.get(4, set())
    open_ids |= by_status.get(3, set())
    assert {t["id"] for t in data["tickets"]} == open_ids == {1, 4, 5, 6}
    assert data["total"] == len(open_ids)
    code, out, _err = run(capsys, "list", "--status", "closed", "--json")
    assert code == 0
    assert {t["id"] for t in json.loads(out)["tickets"]} == by_status.get(6, set())

    # No copy can say who must approve: which listing would have kept one is named.
    code, out, err = run(capsys, "list", "--status", "approval")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "Cannot connect" in err
    assert "`cebox-support list --status approval` keeps one" in err


def test_offline_list_without_any_copy_names_the_listings_that_keep_one(
    server: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    login(monkeypatch, server, capsys)
    server.stop()
    code, out, err = run(capsys, "list")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "Cannot connect" in err
    assert "`cebox-support list` or `cebox-support list --status all` keeps one" in err


def summary(n: int, status: int) -> Any:
    from cebox_support.tui.api.models import TicketSummary

    return TicketSummary(id=n, name=f"T{n}", status=status)


def aged(copies: OfflineCopies, name: str, fetched_at: float) -> None:
    path = copies.folder / f"list-{name}.json"
    data = json.loads(path.read_text())
    data["fetched_at"] = fetched_at
    path.write_text(json.dumps(data))


def test_the_newer_of_a_list_copy_and_a_complete_wider_one_serves(tmp_path: Path) -> None:
    copies = OfflineCopies("acme", "https://a.example/apirest.php", tmp_path)
    copies.save_list("open", [summary(1, 1)], 1)
    copies.save_list("all", [summary(1, 5), summary(2, 2), summary(3, 6)], 3)
    aged(copies, "open", 1000.0)
    aged(copies, "all", 2000.0)
    copy = copies.load_list("open")
    assert copy is not None and copy.source == "all" and copy.complete
    assert [r.id for r in copy.rows] == [2] and copy.total == 1  # 1 was solved since
    aged(copies, "open", 3000.0)
    copy = copies.load_list("open")
    assert copy is not None and copy.source == "open" and [r.id for r in copy.rows] == [1]
    # A wider copy holding only its first rows serves only when there is no other.
    copies.save_list("all", [summary(2, 2)], 40)
    assert copies.load_list("open").source == "open"  # type: ignore[union-attr]
    (copies.folder / "list-open.json").unlink()
    copy = copies.load_list("open")
    assert copy is not None and copy.source == "all" and copy.complete is False
    assert copies.load_list("approval") is None  # never derived: a row has no requester


# -- a gateway in front of a stopped server (issue 28) ---------------------------------


@pytest.mark.parametrize("gateway_status", [502, 503, 504])
def test_a_gateway_error_with_the_server_down_shows_the_copy(
    server: Any,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    gateway_status: int,
) -> None:
    from tests.gateway import start_gateway

    gateway = start_gateway(server.base_url, gateway_status)
    try:
        login(monkeypatch, gateway, capsys)
        code, online_list, _err = run(capsys, "list")
        assert code == 0
        code, online_show, _err = run(capsys, "show", "1")
        assert code == 0
        server.stop()  # the gateway still answers, with its own error page
        code, out, err = run(capsys, "list")
        assert (code, out) == (0, online_list) and err.startswith(NOTICE)
        code, out, err = run(capsys, "show", "1")
        assert (code, out) == (0, online_show) and err.startswith(NOTICE)
        code, out, _err = run(capsys, "show", "1", "--json")
        assert code == 0 and json.loads(out)["stale"] is True
    finally:
        gateway.stop()
