"""A compressed copy of a file the server refused for its type (issue 14).

A default GLPI refuses `.log` but accepts `.gz`: `qgaAgent.log` can reach the support as
`qgaAgent.log.gz`. The copy is streamed (logs can be large) into a private temporary
folder; the user's file is never touched.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path


def gzip_copy(path: Path, folder: Path | None = None) -> Path:
    """`path` compressed as `<name>.gz` in `folder` (default: a new private temp folder)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="cebox-gz-"))
    target = folder / f"{Path(path).name}.gz"
    with open(path, "rb") as source, gzip.open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    return target
