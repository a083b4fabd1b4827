"""Theme precedence: `theme` in config.toml, then Textual's TEXTUAL_THEME, then its default.

Textual reads TEXTUAL_THEME once, when it is imported, so the environment cases run
the app in a subprocess of their own (one per environment, every config file in it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, json, sys
from pathlib import Path

from cebox_support.tui.app import CeboxApp
from cebox_support.tui.config import load_settings


async def run(path):
    loaded = load_settings(Path(path))
    app = CeboxApp(loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return {"theme": app.theme, "problems": loaded.problems}


async def main():
    print(json.dumps([await run(path) for path in sys.argv[1:]]))


asyncio.run(main())
"""


def _themes(tmp_path: Path, textual_theme: str | None, *configs: str) -> list[dict[str, Any]]:
    """Start the console headless once per config text, in one process with this env."""
    env = dict(os.environ)
    env.pop("TEXTUAL_THEME", None)
    if textual_theme is not None:
        env["TEXTUAL_THEME"] = textual_theme
    paths = []
    for number, text in enumerate(configs):
        path = tmp_path / f"config-{number}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *paths],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_config_theme_beats_textual_theme_which_beats_the_default(tmp_path: Path) -> None:
    unset, chosen, unknown = _themes(
        tmp_path,
        "nord",
        'language = "en"\n',
        'theme = "gruvbox"\n',
        'theme = "no-such-theme"\n',
    )
    assert unset == {"theme": "nord", "problems": []}
    assert chosen == {"theme": "gruvbox", "problems": []}
    assert unknown["theme"] == "nord"
    assert len(unknown["problems"]) == 1
    assert "theme" in unknown["problems"][0]
    assert "'no-such-theme'" in unknown["problems"][0]
    # The theme taken from the environment is not written into the config.
    assert (tmp_path / "config-0.toml").read_text(encoding="utf-8") == 'language = "en"\n'


def test_without_textual_theme_the_default_is_textual_dark(tmp_path: Path) -> None:
    (unset,) = _themes(tmp_path, None, "")
    assert unset == {"theme": "textual-dark", "problems": []}


async def test_choosing_a_theme_saves_it_to_the_config(tmp_path: Path) -> None:
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.config import load_settings

    path = tmp_path / "config.toml"
    app = CeboxApp(load_settings(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "gruvbox"
        await pilot.pause()
    assert load_settings(path).settings.theme == "gruvbox"
