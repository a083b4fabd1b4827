"""--json carries no terminal control from the server (issue 24 item 16): `jq -r` would
hand an ESC or OSC 52 sequence held in a raw `html` field straight to the terminal."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_clean(out: str) -> None:
    found = strings(json.loads(out))
    assert found
    for text in found:
        assert not CONTROL.search(text), text
        assert "52;c;" not in text and "[31m" not in text, text


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    return path


def test_every_string_of_list_and_show_json_is_free_of_controls(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    tid = fresh_helpdesk.store.create_ticket(
        name=f"Evil {OSC52} title \x9b31m",
        content=f"<p>line \x1b[31mred\x1b[0m {OSC52} \x07 bell\r\nnext\tcell</p>",
        requester_id=3,
    )
    fresh_helpdesk.store.add_followup(tid, user_id=4, content=f"<p>{OSC52}\x1bPdcs\x1b\\ ok</p>")
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    login = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only"]
    assert main([*login, "--password-stdin"]) == 0
    capsys.readouterr()
    for argv in (["list", "--json", "--status", "all"], ["show", str(tid), "--json"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert_clean(out)
    assert any("\tcell" in text for text in strings(json.loads(out)))  # tab kept


def test_print_json_keeps_newline_and_tab_and_cleans_keys(capsys: Any) -> None:
    from cebox_support.tui.commands.common import print_json

    print_json({f"k{OSC52}": ["a\nb\tc", {"x": "\x1b[2J\x85y"}], "n": 3, "t": None})
    data = json.loads(capsys.readouterr().out)
    assert data == {"k": ["a\nb\tc", {"x": "y"}], "n": 3, "t": None}
