"""The compressed copy offered for a file refused for its type."""

from __future__ import annotations

import gzip
from pathlib import Path

from tui.compress import gzip_copy


def test_gzip_copy_keeps_the_name_and_the_bytes(tmp_path: Path) -> None:
    log = tmp_path / "qgaAgent.log"
    log.write_bytes(b"agent line\n" * 1000)
    copy = gzip_copy(log)
    assert copy.name == "qgaAgent.log.gz" and copy.parent != tmp_path
    assert gzip.decompress(copy.read_bytes()) == log.read_bytes()
    assert log.exists()
