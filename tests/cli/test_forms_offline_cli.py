"""`forms` while the link is down: the last copy of the catalogue, marked with its date
as the ticket list's copies are, on GLPI 10 (Formcreator or the built-in forms) and 11
(the service catalog); a helpdesk of each test's own, stopped mid-test."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.offline import offline_dir

from tests.conftest import _start

NOTICE = "cebox-support: offline — copy of "
VERSIONS = {
    "10-formcreator": {"formcreator": True},
    "10-builtin": {"formcreator": False},
    "11-native": {"formcreator": False, "glpi_version": "11.0"},
}


@pytest.fixture(params=list(VERSIONS))
def server(request: pytest.FixtureRequest) -> Iterator[Any]:
    running = _start(demo=True, **VERSIONS[request.param])
    running.variant = request.param
    yield running
    running.stop()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from cebox_support.tui.api import formcreator, native_forms

    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    formcreator._CACHE.clear()
    native_forms._CACHE.clear()
    return path


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_forms_prints_the_last_copy_when_the_server_is_down(
    server: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", server.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0
    capsys.readouterr()
    code, online, err = run(capsys, "forms")
    assert code == 0 and err == ""
    code, out, _err = run(capsys, "forms", "--json")
    online_json = json.loads(out)
    assert online_json["stale"] is False
    copy = offline_dir("127-0-0-1") / "forms.json"
    assert copy.stat().st_mode & 0o777 == 0o600
    assert json.loads(copy.read_text())["server"] == server.api_url

    server.stop()
    code, out, err = run(capsys, "forms")
    assert code == 0 and out == online
    assert err.startswith(NOTICE) and err.count("\n") == 1
    assert time.strptime(err.removeprefix(NOTICE).strip(), "%d/%m %H:%M")
    code, out, err = run(capsys, "forms", "--json")
    data = json.loads(out)
    assert code == 0 and data["stale"] is True and data["fetched_at"]
    assert data["source"] == online_json["source"] and data["forms"] == online_json["forms"]
    expected = "builtin" if server.variant == "10-builtin" else "server"
    assert data["source"] == expected and data["forms"]


def test_without_a_copy_the_error_says_how_to_keep_one(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    running = _start(demo=True, formcreator=False, glpi_version="11.0")
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", running.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0
    running.stop()
    capsys.readouterr()
    code, out, err = run(capsys, "forms")
    assert code == 1 and out == ""
    assert "Cannot connect" in err and "`cebox-support forms` keeps one" in err


def test_a_copy_of_another_server_is_not_shown(
    server: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    if server.variant != "11-native":
        pytest.skip("one version is enough: the copy's server is checked the same way")
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", server.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0
    assert run(capsys, "forms")[0] == 0
    copy = offline_dir("127-0-0-1") / "forms.json"
    data = json.loads(copy.read_text())
    data["server"] = "https://elsewhere.example/apirest.php"
    copy.write_text(json.dumps(data))
    server.stop()
    code, out, err = run(capsys, "forms")
    assert code == 1 and out == "" and NOTICE not in err
