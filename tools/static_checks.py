"""Type and layer checks of the package under its installed import name (`cebox_support.*`).

The repository keeps the design card's folders (tui/, screens/, widgets/, styles/) while
the distribution installs them as `cebox_support.tui` … through setuptools' package-dir
mapping. Neither mypy nor import-linter can follow an editable install's import hook, so
this lays a tree of symlinks with the installed names and runs both over it.

    python tools/static_checks.py            # mypy, then lint-imports
    python tools/static_checks.py mypy       # one of them
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("tui", "screens", "widgets", "styles")
CHECKED = ("tui", "screens", "widgets")


def _commands() -> dict[str, list[str]]:
    packages = [arg for name in CHECKED for arg in ("-p", f"cebox_support.{name}")]
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    return {
        "mypy": [sys.executable, "-m", "mypy", *packages],
        "lint-imports": [lint_imports or "lint-imports"],
    }


def main(argv: list[str]) -> int:
    commands = _commands()
    chosen = argv or list(commands)
    with tempfile.TemporaryDirectory(prefix="cebox-checks-") as tree:
        package = Path(tree, "cebox_support")
        package.mkdir()
        for folder in FOLDERS:
            os.symlink(ROOT / folder, package / folder, target_is_directory=True)
        env = {**os.environ, "MYPYPATH": tree, "PYTHONPATH": tree}
        for name in chosen:
            if subprocess.call(commands[name], cwd=ROOT, env=env) != 0:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
