"""`cebox-support status`: the tmux segment, its cache and its lock, against the embedded
helpdesk (the refresher is a real detached process, as under tmux)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.statusline import (
    StatusCache,
    StatusCounts,
    cache_path,
    claim_refresh,
    read_cache,
    render,
    write_cache,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return path


def login(monkeypatch: pytest.MonkeyPatch, server: Any, capsys: Any) -> str:
    from cebox_support.tui.config import load_settings

    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    code = main(["login", "--server", server.api_url, "--user", "post-only", "--password-stdin"])
    assert code == 0
    capsys.readouterr()
    return load_settings().settings.default_profile


def status(capsys: Any, *argv: str) -> str:
    code = main(["status", *argv])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    return out


def wait_refreshed(profile: str, timeout: float = 30.0) -> StatusCache:
    """Until the detached refresher has written its outcome (a process: no pilot here)."""
    deadline = time.monotonic() + timeout
    while True:
        cache = read_cache(cache_path(profile))
        if cache.attempted_at is not None and not cache.refreshing(time.time()):
            return cache
        if time.monotonic() > deadline:
            raise AssertionError("the refresher did not finish")
        time.sleep(0.05)


def age_cache(profile: str, seconds: float) -> None:
    """Make the cached copy `seconds` older (instead of waiting for it to age)."""
    path = cache_path(profile)
    cache = read_cache(path)
    for name in ("fetched_at", "attempted_at", "failed_at"):
        value = getattr(cache, name)
        if value is not None:
            setattr(cache, name, value - seconds)
    write_cache(path, cache)


def test_counts_in_every_format(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    profile = login(monkeypatch, fresh_helpdesk, capsys)
    status(capsys, "--format", "json")  # starts the first refresh
    cache = wait_refreshed(profile)
    assert cache.error == "" and cache.fetched_at is not None
    data = json.loads(status(capsys, "--format", "json"))
    assert data["approval"] == 1 and data["open"] == 4 and data["stale"] is False
    assert data["fetched_at"] and data["error"] is None
    assert status(capsys) == "ceBox: 1 to approve\n"
    assert status(capsys, "--always") == "ceBox: 1 to approve · 4 open\n"
    assert status(capsys, "--format", "tmux") == "ceBox: #[fg=yellow,bold]1 to approve#[default]\n"
    mode = cache_path(profile).stat().st_mode & 0o777
    assert mode == 0o600


def test_new_since_i_last_looked_clears_without_a_refresh(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from cebox_support.tui.seen import SeenTickets, seen_path

    profile = login(monkeypatch, fresh_helpdesk, capsys)
    seen_path(profile).parent.mkdir(parents=True, exist_ok=True)
    seen_path(profile).write_text(json.dumps({"since": 0, "tickets": {}}))
    status(capsys)
    wait_refreshed(profile)
    assert json.loads(status(capsys, "--format", "json"))["updated"] == 6
    fresh_helpdesk.clear_log()
    SeenTickets(profile).mark_seen(5)  # the console or `show 5` looked at it
    assert json.loads(status(capsys, "--format", "json"))["updated"] == 5
    assert fresh_helpdesk.request_log == []  # answered from the cache


def test_concurrent_callers_make_one_refresh(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    profile = login(monkeypatch, fresh_helpdesk, capsys)

    def burst() -> list[str]:
        callers = [
            subprocess.Popen(
                [sys.executable, "-m", "cebox_support.tui.cli", "status", "--format", "json"],
                stdout=subprocess.PIPE,
                env=os.environ.copy(),
                cwd=ROOT,
            )
            for _ in range(6)
        ]
        outs = [c.communicate(timeout=30)[0].decode() for c in callers]
        assert all(c.returncode == 0 for c in callers)
        return outs

    fresh_helpdesk.clear_log()
    burst()
    wait_refreshed(profile)
    paths = [e.path for e in fresh_helpdesk.request_log]
    assert sum(p.endswith("/getFullSession") for p in paths) == 1
    assert sum(p.endswith("/search/Ticket") for p in paths) == 3  # page, open, approval
    fresh_helpdesk.clear_log()
    outs = burst()
    assert fresh_helpdesk.request_log == []  # a fresh copy: nobody asks the server
    assert all(json.loads(o)["approval"] == 1 for o in outs)


def test_server_down_prints_the_last_copy_marked_stale(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    profile = login(monkeypatch, fresh_helpdesk, capsys)
    status(capsys)
    wait_refreshed(profile)
    fresh_helpdesk.stop()
    age_cache(profile, 120)  # older than --max-age: a refresh is due
    out = status(capsys)
    assert out.startswith("ceBox: 1 to approve (copy of ") and out.count("\n") == 1
    cache = wait_refreshed(profile)
    assert cache.error_kind == "offline" and cache.approval == 1
    data = json.loads(status(capsys, "--format", "json"))
    assert data["stale"] is True and data["error"] == "offline" and data["approval"] == 1
    assert read_cache(cache_path(profile)).attempted_at == cache.attempted_at  # not retried
    tmux = status(capsys, "--format", "tmux")
    assert tmux.startswith("#[dim]ceBox: 1 to approve (copy of ") and "fg=yellow" not in tmux


def test_not_logged_in_says_nothing_unless_asked(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    profile = login(monkeypatch, fresh_helpdesk, capsys)
    assert main(["logout"]) == 0
    capsys.readouterr()
    status(capsys)
    cache = wait_refreshed(profile)
    assert cache.error_kind == "login"
    assert status(capsys) == ""
    assert status(capsys, "--always") == "ceBox: not logged in\n"


def test_one_claim_per_period(tmp_path: Path) -> None:
    path = tmp_path / "status" / "p.json"
    now = 1_000_000.0
    assert claim_refresh(path, 60, now) is True
    assert claim_refresh(path, 60, now + 1) is False  # in progress
    cache = read_cache(path)
    cache.failed_at, cache.error_kind = now + 2, "offline"
    write_cache(path, cache)
    assert claim_refresh(path, 60, now + 10) is False  # failed lately: spare the server
    assert claim_refresh(path, 60, now + 46) is True  # next period (3/4 of 60 s)


@pytest.mark.parametrize(
    ("counts", "fmt", "always", "expected"),
    [
        (StatusCounts(0, 0, 3, False, 1.0), "text", False, ""),
        (StatusCounts(0, 0, 3, False, 1.0), "text", True, "ceBox: 3 open"),
        (StatusCounts(1, 2, 3, False, 1.0), "text", False, "ceBox: 1 to approve · 2 new"),
        (
            StatusCounts(0, 2, 3, False, 1.0),
            "tmux",
            False,
            "ceBox: #[fg=cyan,bold]2 new#[default]",
        ),
        (
            StatusCounts(0, 0, 0, True, None, "login"),
            "tmux",
            True,
            "#[dim]ceBox: not logged in#[default]",
        ),
    ],
    ids=["quiet", "quiet-asked", "text", "tmux", "logged-out"],
)
def test_render(counts: StatusCounts, fmt: str, always: bool, expected: str) -> None:
    assert render(counts, fmt, 2.0, always=always) == expected


def test_french_line() -> None:
    from cebox_support.tui.i18n import set_language

    set_language("fr")
    try:
        assert render(StatusCounts(1, 2, 3, False, 1.0), "text", 2.0) == (
            "ceBox: 1 à valider · 2 nouv."
        )
    finally:
        set_language("en")


# -- the first call, --json (issue 27) and the early refresh (issue 28) ----------------


def test_the_first_call_after_login_prints_a_placeholder_in_every_format(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Right after `login` there is no copy: the refresh has only started (this process
    is older than the whole budget, so it does not wait), and a line says so."""
    profile = login(monkeypatch, fresh_helpdesk, capsys)
    assert status(capsys) == "ceBox: …\n"
    assert read_cache(cache_path(profile)).refreshing(time.time())  # one refresh started
    assert status(capsys, "--format", "tmux") == "#[dim]ceBox: …#[default]\n"
    assert json.loads(status(capsys, "--format", "json")) == {"state": "loading"}
    assert json.loads(status(capsys, "--json")) == {"state": "loading"}
    wait_refreshed(profile)
    assert status(capsys) == "ceBox: 1 to approve\n"
    data = json.loads(status(capsys, "--json"))
    assert data == json.loads(status(capsys, "--format", "json"))
    assert data["state"] == "current" and data["approval"] == 1


def test_with_no_copy_at_all_the_call_waits_for_the_refresh_within_its_budget(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from cebox_support.tui import statusline

    profile = login(monkeypatch, fresh_helpdesk, capsys)
    monkeypatch.setattr(statusline, "process_age", lambda: 0.0)  # a process just started
    cache = statusline.answer(profile, 60, budget=30.0)
    assert cache.fetched_at is not None and cache.approval == 1  # waited, not a placeholder


def test_a_copy_near_its_max_age_is_refreshed_early_and_shown_as_current(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Older than ¾ of --max-age but younger than it: the copy is printed unmarked and one
    background refresh renews it, so a healthy server keeps it under --max-age."""
    profile = login(monkeypatch, fresh_helpdesk, capsys)
    status(capsys)
    before = wait_refreshed(profile)
    age_cache(profile, 50)  # in the window: 45 s < age < 60 s
    fresh_helpdesk.clear_log()
    assert status(capsys) == "ceBox: 1 to approve\n"  # not "(copy of …)"
    assert json.loads(status(capsys, "--json"))["stale"] is False
    after = wait_refreshed(profile)
    assert after.fetched_at is not None and before.fetched_at is not None
    assert after.fetched_at > before.fetched_at - 50 + 1  # renewed
    paths = [e.path for e in fresh_helpdesk.request_log]
    assert sum(p.endswith("/search/Ticket") for p in paths) == 3  # one refresh
    fresh_helpdesk.clear_log()
    assert status(capsys) == "ceBox: 1 to approve\n"
    assert fresh_helpdesk.request_log == []


def test_a_tick_during_login_does_not_blank_the_line_after_it(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """tmux ticks while `login` runs: the refresh it started found no session yet. Once
    signed in, the next call starts a refresh at once (a placeholder), not in 45 s."""
    profile = login(monkeypatch, fresh_helpdesk, capsys)
    write_cache(
        cache_path(profile),
        StatusCache(attempted_at=time.time() - 2, failed_at=time.time() - 1, error_kind="login"),
    )
    assert status(capsys) == ""  # what the tick during the sign-in left
    login(monkeypatch, fresh_helpdesk, capsys)
    assert status(capsys) == "ceBox: …\n"
    assert wait_refreshed(profile).approval == 1
