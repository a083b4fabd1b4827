"""parse_when against a fixed clock, attachment checks and size formatting."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.forms import AttachmentError, check_attachment, human_size, parse_when

NOW = datetime(2026, 11, 28, 10, 0, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9h", datetime(2026, 11, 28, 9, 0)),
        ("09:45", datetime(2026, 11, 28, 9, 45)),
        ("14:30", datetime(2026, 11, 27, 14, 30)),  # later today → yesterday
        ("hier 9h", datetime(2026, 11, 27, 9, 0)),
        ("Hier à 14h30", datetime(2026, 11, 27, 14, 30)),
        ("yesterday 9am", datetime(2026, 11, 27, 9, 0)),
        ("yesterday at 9:15 pm", datetime(2026, 11, 27, 21, 15)),
        ("12am", datetime(2026, 11, 28, 0, 0)),
        ("aujourd'hui 8h15", datetime(2026, 11, 28, 8, 15)),
        ("aujourd’hui 8h15", datetime(2026, 11, 28, 8, 15)),
        ("today 8:15", datetime(2026, 11, 28, 8, 15)),
        ("avant-hier 18h", datetime(2026, 11, 26, 18, 0)),
        ("hier", datetime(2026, 11, 27, 0, 0)),
        ("28/11 9h", datetime(2026, 11, 28, 9, 0)),
        ("27/11 14h", datetime(2026, 11, 27, 14, 0)),
        ("1/12 8h", datetime(2025, 12, 1, 8, 0)),  # day still to come → last year
        ("27/11/2026 8h", datetime(2026, 11, 27, 8, 0)),
        ("27/11/26 à 8h", datetime(2026, 11, 27, 8, 0)),
        ("2026-11-28 09:30", datetime(2026, 11, 28, 9, 30)),
        ("2026-11-27T23:59:59", datetime(2026, 11, 27, 23, 59)),
        ("2026-11-01", datetime(2026, 11, 1, 0, 0)),
        ("il y a 2h", datetime(2026, 11, 28, 8, 0)),
        ("il y a 1h30", datetime(2026, 11, 28, 8, 30)),
        ("il y a 45 min", datetime(2026, 11, 28, 9, 15)),
        ("il y a 3 jours", datetime(2026, 11, 25, 10, 0)),
        ("2h ago", datetime(2026, 11, 28, 8, 0)),
        ("2 hours ago", datetime(2026, 11, 28, 8, 0)),
        ("30 minutes ago", datetime(2026, 11, 28, 9, 30)),
        ("  maintenant ", datetime(2026, 11, 28, 10, 0)),
    ],
)
def test_parse_when_accepts(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No date"),
        ("   ", "No date"),
        ("demain 9h", "Unrecognised"),
        ("blah", "Unrecognised"),
        ("9", "Unrecognised"),
        ("25:00", "not a valid time"),
        ("9h75", "not a valid time"),
        ("13pm", "between 1 and 12"),
        ("31/02 1h", "not a valid date"),
        ("2026-13-01 10:00", "not a valid date"),
        ("aujourd'hui 15h", "future"),
        ("28/11 14h", "future"),
        ("2027-01-01 00:00", "future"),
        ("29/11/2026", "future"),
    ],
)
def test_parse_when_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_when(text, NOW)


def test_parse_when_keeps_the_timezone_of_now() -> None:
    now = NOW.replace(tzinfo=timezone(timedelta(hours=1)))
    assert parse_when("hier 9h", now).tzinfo == now.tzinfo
    assert parse_when("il y a 2h", now) == datetime(2026, 11, 28, 8, 0, tzinfo=now.tzinfo)


def test_parse_when_never_reads_the_clock() -> None:
    past = datetime(2001, 1, 2, 3, 4)
    assert parse_when("hier 9h", past) == datetime(2001, 1, 1, 9, 0)


def test_attachment_ok(tmp_path: Path) -> None:
    f = tmp_path / "capture écran.png"
    f.write_bytes(b"x" * 1000)
    a = check_attachment(str(f), 2 * 1024 * 1024)
    assert (a.name, a.size, a.path) == ("capture écran.png", 1000, f.resolve())
    assert check_attachment(f, None).size == 1000


def test_attachment_accepts_pasted_forms(tmp_path: Path) -> None:
    f = tmp_path / "a b.log"
    f.write_text("log")
    assert check_attachment(f"'{f}'", None).name == "a b.log"
    assert check_attachment(f' "{f}" ', None).name == "a b.log"
    assert check_attachment(f.as_uri(), None).name == "a b.log"


def test_attachment_missing(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="not found") as info:
        check_attachment(tmp_path / "nope.txt", None)
    assert "nope.txt" in info.value.message


def test_attachment_directory(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="folder"):
        check_attachment(str(tmp_path), None)


@pytest.mark.parametrize("name", ["", "   ", "''"])
def test_attachment_empty_name(name: str) -> None:
    with pytest.raises(AttachmentError, match="No file name"):
        check_attachment(name, None)


def test_attachment_too_big_gives_size_and_limit(tmp_path: Path) -> None:
    f = tmp_path / "big.bin"
    f.write_bytes(b"\0" * (3 * 1024 * 1024 + 300 * 1024))
    with pytest.raises(AttachmentError) as info:
        check_attachment(f, 2 * 1024 * 1024)
    assert info.value.message == "big.bin is too big: 3.3 MB, the limit is 2 MB."


def test_attachment_exactly_at_limit_is_fine(tmp_path: Path) -> None:
    f = tmp_path / "ok.bin"
    f.write_bytes(b"\0" * 1024)
    assert check_attachment(f, 1024).size == 1024


def test_attachment_unreadable_open_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads anything, so simulate the permission error at open()."""
    f = tmp_path / "secret.txt"
    f.write_text("x")
    real_open = Path.open

    def deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(AttachmentError, match="Cannot read .*Permission denied"):
        check_attachment(f, None)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_attachment_unreadable_chmod(tmp_path: Path) -> None:
    f = tmp_path / "secret.txt"
    f.write_text("x")
    f.chmod(0)
    try:
        with pytest.raises(AttachmentError, match="Cannot read"):
            check_attachment(f, None)
    finally:
        f.chmod(0o600)


def test_attachment_not_regular(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(AttachmentError, match="not a regular file"):
        check_attachment(fifo, None)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (2 * 1024 * 1024, "2 MB"),
        (int(3.25 * 1024**3), "3.2 GB"),
        (5 * 1024**4, "5120 GB"),
    ],
)
def test_human_size(n: int, text: str) -> None:
    assert human_size(n) == text


def test_french_sizes_use_the_decimal_comma() -> None:
    from cebox_support.tui.i18n import set_language

    set_language("fr")
    try:
        assert human_size(int(2.9 * 1024 * 1024)) == "2,9 Mo"
        assert human_size(2 * 1024 * 1024) == "2 Mo"
    finally:
        set_language("en")
