"""`reply --attach qgaAgent.log` against a server that refuses .log, as a default GLPI
does (issue 14): the reply is sent once, the file is named as not kept, exit 1; with
--compress-refused the ticket gets qgaAgent.log.gz once, exit 0."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main

DOMAIN = 1


@pytest.fixture
def logged_in(
    fresh_helpdesk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> Any:
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0, capsys.readouterr().err
    capsys.readouterr()
    return fresh_helpdesk


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "qgaAgent.log"
    path.write_text("2026-11-28 10:00 agent started\n")
    return path


def documents(server: Any) -> list[str]:
    async def read() -> list[str]:
        from cebox_support.tui.api.client import GlpiClient

        async with GlpiClient(server.api_url) as client:
            await client.login("post-only", "postonly")
            return [d.filename for d in (await client.get_ticket(DOMAIN)).documents]

    import asyncio

    return asyncio.run(read())


def test_a_refused_file_is_named_and_the_exit_is_1(logged_in: Any, log: Path, capsys: Any) -> None:
    before = len(logged_in.store.followups(DOMAIN))
    code = main(["reply", str(DOMAIN), "-m", "Voici le journal", "--attach", str(log)])
    captured = capsys.readouterr()
    assert code == 1
    assert "added to ticket #1" in captured.out
    err = captured.err.strip()
    assert err.count("\n") == 0
    assert "qgaAgent.log was not accepted by the server (type .log refused)" in err
    assert "--compress-refused" in err
    assert len(logged_in.store.followups(DOMAIN)) == before + 1
    assert "qgaAgent.log" not in documents(logged_in)


def test_compress_refused_sends_the_gz_once(logged_in: Any, log: Path, capsys: Any) -> None:
    before = documents(logged_in).count("qgaAgent.log.gz")  # the demo ticket has one already
    argv = ["reply", str(DOMAIN), "-m", "Journal", "--attach", str(log), "--compress-refused"]
    code = main([*argv, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["sent"] == [] and out["compressed"] == ["qgaAgent.log.gz"] and out["failed"] == []
    assert documents(logged_in).count("qgaAgent.log.gz") == before + 1


def test_json_names_each_failed_file(logged_in: Any, log: Path, capsys: Any) -> None:
    code = main(["reply", str(DOMAIN), "-m", "Journal", "--attach", str(log), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["failed"] == [{"file": "qgaAgent.log", "reason": "Filetype not allowed"}]
