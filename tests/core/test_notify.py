"""The nudge: what counts as news, the bytes sent to the terminal, and which mode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cebox_support.tui.notify import News, effective_mode, news, passthrough, sequences, snapshot


@dataclass
class Row:
    id: int
    name: str
    status: str
    date_mod: datetime


def at(minute: int) -> datetime:
    return datetime(2026, 12, 12, 9, minute, tzinfo=UTC)


def always(_id: int, _stamp: float) -> bool:
    return True


def test_answer_solution_and_status_change_are_news() -> None:
    before = snapshot(
        [Row(1, "VPN", "2", at(0)), Row(2, "Printer", "2", at(0)), Row(3, "DNS", "4", at(0))]
    )
    after = [
        Row(1, "VPN", "2", at(5)),  # a follow-up
        Row(2, "Printer", "5", at(5)),  # solved: awaits my approval
        Row(3, "DNS", "2", at(5)),  # back from pending
        Row(4, "New one", "1", at(5)),  # not in the previous refresh
    ]
    assert [(n.ticket_id, n.kind) for n in news(before, after, always)] == [
        (1, "answer"),
        (2, "approval"),
        (3, "status"),
    ]
    assert news(before, [Row(1, "VPN", "2", at(0))], always) == []  # nothing changed


def test_my_own_changes_are_not_news(tmp_path: Path) -> None:
    """A change I made marks the ticket seen (console, reply/approve commands): newer
    than the change, so is_updated says no."""
    from cebox_support.tui.seen import SeenTickets

    seen = SeenTickets("p", root=tmp_path, now=lambda: at(10))
    seen.mark_seen(1)  # I replied at 09:10
    before = snapshot([Row(1, "VPN", "2", at(0)), Row(2, "Printer", "2", at(0))])
    after = [Row(1, "VPN", "2", at(9)), Row(2, "Printer", "2", at(11))]
    assert [n.ticket_id for n in news(before, after, seen.is_updated_at)] == [2]


def test_sequences_bell_osc_and_tmux_passthrough() -> None:
    item = [News(7, "answer", "VPN down")]
    assert sequences("off", item, in_tmux=False) == ""
    assert sequences("bell", [], in_tmux=False) == ""
    assert sequences("bell", item, in_tmux=True) == "\a"  # tmux flags the window itself
    osc = sequences("osc", item, in_tmux=False)
    assert osc.startswith("\x1b]9;ceBox: #7 VPN down") and osc.endswith("\x07")
    assert "\x1b]777;notify;ceBox;#7 VPN down" in osc
    wrapped = sequences("osc", item, in_tmux=True)
    assert wrapped == passthrough(osc)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]9;") and wrapped.endswith("\x1b\\")


def test_server_text_cannot_escape_the_sequence() -> None:
    hostile = [News(7, "answer", "x\x07\x1b]52;c;ZXZpbA==\x07; rm")]
    out = sequences("osc", hostile, in_tmux=False)
    body = out.split("\x1b]777;notify;ceBox;", 1)[1]
    assert body.count("\x07") == 1 and body.endswith("\x07") and "\x1b" not in body
    assert out.count("\x1b") == 2  # the two OSC introducers, nothing from the title


def test_several_changes_make_one_notification() -> None:
    items = [News(1, "answer", "a"), News(2, "status", "b")]
    assert "2 tickets changed" in sequences("osc", items, in_tmux=False)


@pytest.mark.parametrize(
    ("configured", "front", "expected"),
    [
        ("osc", True, "osc"),
        ("off", False, "off"),
        ("", False, "bell"),  # tmux says another pane is in front
        ("", True, "off"),
        ("", None, "off"),  # not in tmux, or tmux cannot say
    ],
)
def test_effective_mode(configured: str, front: bool | None, expected: str) -> None:
    assert effective_mode(configured, lambda: front) == expected


def test_notify_key_is_checked(tmp_path: Path) -> None:
    from cebox_support.tui.config import load_settings

    path = tmp_path / "config.toml"
    path.write_text('notify = "osc"\n')
    assert load_settings(path).settings.notify == "osc"
    path.write_text('notify = "loud"\n')
    loaded = load_settings(path)
    assert loaded.settings.notify == "" and "notify" in loaded.problems[0]
