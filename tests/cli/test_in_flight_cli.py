"""Issue 24 items 3-4 through the commands: `reply` and `new` cut off in flight (a
process killed with SIGKILL while the helpdesk holds its answer after saving it) and
run again post once; a lost answer is found whatever the server's clock says.

The helpdesk runs in this process with a live clock moved minutes or days away from
this machine's; the commands run as a person runs them.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.helpdesk.clock import Clock
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.tui.helpdesk.runner import start_helpdesk

DOMAIN = 1
FOLLOWUP_POST = "POST /apirest.php/ITILFollowup"
TICKET_POST = "POST /apirest.php/Ticket"
SKEWS = {
    "3-minutes-behind": timedelta(minutes=-3),
    "3-minutes-ahead": timedelta(minutes=3),
    "2-days-behind": timedelta(days=-2),
    "2-days-ahead": timedelta(days=2),
}


@pytest.fixture(params=list(SKEWS), ids=list(SKEWS))
def skewed(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A helpdesk whose clock runs, away from this machine's by the parameter."""
    clock = Clock()
    clock.advance(seconds=SKEWS[request.param].total_seconds())
    running = start_helpdesk(clock=clock, demo=True, formcreator=False)
    yield running
    running.stop()


def logged_in(server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timeout: int) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.acme]\nurl = "{server.api_url}"\nlogin = "post-only"\ntimeout = {timeout}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(config))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    assert main(["login", "--profile", "acme", "--password-stdin"]) == 0


def mine(server: Any, text: str) -> list[Any]:
    return [f for f in server.store.followups(DOMAIN) if f["content"] == f"<p>{text}</p>"]


def tickets_named(server: Any, name: str) -> list[int]:
    rows = server.store.query("SELECT id FROM glpi_tickets WHERE name = ?", (name,))
    return [int(r["id"]) for r in rows]


# -- item 4: the server's clock, never this machine's -----------------------------------


def test_reply_whose_answer_is_lost_is_found_whatever_the_servers_clock(
    skewed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """The answer held past the command's 1 s deadline: saved, but unconfirmed. The
    look-up finds it (exit 0) however far the server's clock is from ours; sending it
    again finds it too. One follow-up in the end."""
    logged_in(skewed, tmp_path, monkeypatch, timeout=1)
    skewed.set_faults(FaultConfig(hold=(FOLLOWUP_POST,), hold_s=3))
    capsys.readouterr()
    text = "Arrivée malgré son horloge"
    assert main(["reply", str(DOMAIN), "-m", text]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    (followup,) = mine(skewed, text)
    assert f"Reply {followup['id']} added" in out


def test_a_reply_held_before_saving_is_sent_again_once(
    skewed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Held before saving past the command's deadline: not there when it looks, so it
    says "send it again"; the server may still save it afterwards (as a real one does),
    so running the command again looks first. One follow-up in the end."""
    logged_in(skewed, tmp_path, monkeypatch, timeout=1)
    skewed.set_faults(FaultConfig(hold=(FOLLOWUP_POST,), hold_after=False, hold_s=1.5))
    capsys.readouterr()
    text = "Retenue en route"
    code = main(["reply", str(DOMAIN), "-m", text])
    err = capsys.readouterr().err
    assert code == 1 and "did not arrive" in err
    assert main(["reply", str(DOMAIN), "-m", text]) == 0
    assert "Maybe already sent — checking…" in capsys.readouterr().err
    assert len(mine(skewed, text)) == 1


def test_new_ticket_whose_answer_is_lost_is_found_whatever_the_servers_clock(
    skewed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    logged_in(skewed, tmp_path, monkeypatch, timeout=1)
    skewed.set_faults(FaultConfig(hold=(TICKET_POST,), hold_s=3))
    capsys.readouterr()
    argv = ["new", "--form", "incident", "--title", "Horloge décalée", "--description", "x"]
    argv += ["--field", "type=printing", "--field", "account=ACME", "--field", "workstations=4"]
    assert main(argv) == 0, capsys.readouterr().err
    (created,) = tickets_named(skewed, "Horloge décalée")
    assert capsys.readouterr().out.strip() == str(created)


# -- item 3: killed in flight --------------------------------------------------------------


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cebox_support.tui.cli", *args]


@pytest.mark.parametrize("after", [True, False], ids=["saved-then-killed", "killed-before-saving"])
def test_reply_killed_in_flight_then_run_again_posts_once(
    skewed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, after: bool
) -> None:
    logged_in(skewed, tmp_path, monkeypatch, timeout=20)
    skewed.set_faults(FaultConfig(hold=(FOLLOWUP_POST,), hold_after=after))
    text = "Tuée en plein envoi"
    first = subprocess.Popen(
        command("reply", str(DOMAIN), "-m", text),
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert skewed.wait_held(30), first.stderr.read() if first.poll() is not None else ""
        state = Path(os.environ["XDG_STATE_HOME"]) / "cebox-support" / "drafts"
        records = list(state.glob("acme/*/in-flight/reply-1.*.json"))
        assert len(records) == 1  # on disk while the write is in flight
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
    skewed.release()  # returns once the held request is over on the server
    assert first.returncode == -signal.SIGKILL
    saved = len(mine(skewed, text)) == 1
    assert saved or not after  # held before saving, a server may still save it

    again = subprocess.run(
        command("reply", str(DOMAIN), "-m", text),
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert "Maybe already sent — checking…" in again.stderr
    assert ("Already received" in again.stderr) is saved
    assert len(mine(skewed, text)) == 1
    assert list(state.glob("acme/*/in-flight/*.json")) == []


@pytest.mark.parametrize("after", [True, False], ids=["saved-then-killed", "killed-before-saving"])
def test_refusal_killed_in_flight_then_run_again_posts_once(
    skewed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: bool
) -> None:
    """`refuse` follows the reply's rule: its record is on disk while it is in flight;
    run again after the process died, it looks first: "already received" (exit 0)
    when the server saved it, else it sends. One refusal follow-up in the end."""
    solved = 2
    logged_in(skewed, tmp_path, monkeypatch, timeout=20)
    skewed.set_faults(FaultConfig(hold=(FOLLOWUP_POST,), hold_after=after))
    reason = "Coupé encore ce matin"
    argv = command("refuse", str(solved), "--reason", reason)
    first = subprocess.Popen(
        argv, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert skewed.wait_held(30), first.stderr.read() if first.poll() is not None else ""
        state = Path(os.environ["XDG_STATE_HOME"]) / "cebox-support" / "drafts"
        assert len(list(state.glob(f"acme/*/in-flight/answer-{solved}.*.json"))) == 1
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
    skewed.release()
    skewed.set_faults(None)
    refusals = [f for f in skewed.store.followups(solved) if reason in f["content"]]
    saved = len(refusals) == 1
    assert saved or not after

    again = subprocess.run(argv, env=os.environ.copy(), capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "Maybe already sent — checking…" in again.stderr
    assert ("Already received" in again.stderr) is saved
    refusals = [f for f in skewed.store.followups(solved) if reason in f["content"]]
    assert len(refusals) == 1
    assert list(state.glob("acme/*/in-flight/*.json")) == []
