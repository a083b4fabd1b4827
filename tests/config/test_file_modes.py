"""Our own files are private whatever the umask (issue 24, item 11): config.toml is
created 0600, "seen" marks are 0600 and written through unique temporary names."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cebox_support.tui.config import Profile, Settings, save_settings
from cebox_support.tui.seen import SeenTickets


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask a shared account may have."""
    before = os.umask(0)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_config_file_is_0600(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(profiles={"acme": Profile(url="https://acme.example/glpi")}), path)
    assert mode(path) == 0o600


def test_seen_marks_are_0600(tmp_path: Path, open_umask: None) -> None:
    seen = SeenTickets("p", root=tmp_path)
    seen.mark_seen(1)
    assert mode(tmp_path / "seen" / "p.json") == 0o600


def test_seen_marks_written_together_never_collide(tmp_path: Path) -> None:
    """Two consoles, `show` and `status` share the file: each write has a name of its own,
    so no writer renames another's half-written file or loses its own."""
    errors: list[BaseException] = []

    def writer(first: int) -> None:
        try:
            seen = SeenTickets("p", root=tmp_path)
            for n in range(first, first + 150):
                seen.mark_seen(n)
        except BaseException as exc:  # noqa: BLE001 (collected for the assertion)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i * 1000,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert json.loads((tmp_path / "seen" / "p.json").read_text())["tickets"]
    assert list((tmp_path / "seen").glob("*.tmp")) == []
