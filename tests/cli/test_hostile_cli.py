"""Commands against broken and hostile servers (issue 15): one line, exit 1, no secret."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.config import load_settings

from tests.fakeserver import FakeServer, Reply, Request

SESSION = {"glpiID": 7, "glpiname": "post-only", "glpifriendlyname": "Post Only"}


def glpi(**routes: Reply) -> Any:
    def handle(request: Request) -> Reply:
        for prefix, reply in routes.items():
            if request.route.startswith(prefix):
                return reply
        if request.route.startswith("initSession"):
            return Reply.json({"session_token": "s" * 26, "session": SESSION})
        if request.route.startswith("getFullSession"):
            return Reply.json({"session": SESSION})
        return Reply.json(["ERROR_ITEM_NOT_FOUND", "x"], status=404)

    return handle


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    return path


def login(monkeypatch: pytest.MonkeyPatch, url: str, stdin: str, *extra: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["login", "--server", url, "--user", "post-only", "--password-stdin", *extra])


def test_credentials_in_the_server_url_are_refused_never_sent(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    with FakeServer(glpi()) as server:
        url = server.api_url.replace("://", "://jdupont:S3cret-pw@")
        assert login(monkeypatch, url, "postonly\n") == 2
        assert server.requests == []
    err = capsys.readouterr().err
    assert "login or password" in err and "S3cret-pw" not in err
    assert not config_file.exists()


@pytest.mark.parametrize(
    "url",
    ["ftp://host", "https://host:99999", "https://::1/glpi", "https://exa mple.com", "https://"],
)
def test_invalid_server_urls_are_refused_where_they_enter(
    url: str, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert login(monkeypatch, url, "postonly\n") == 2
    assert capsys.readouterr().err.count("\n") == 1
    config_file.write_text(f'[profiles.x]\nurl = "{url}"\n', encoding="utf-8")
    loaded = load_settings(config_file)
    assert "x" not in loaded.settings.profiles and loaded.problems


def test_ipv6_in_brackets_and_a_port_are_fine(config_file: Path) -> None:
    config_file.write_text('[profiles.x]\nurl = "http://[::1]:8080/glpi"\n', encoding="utf-8")
    assert "x" in load_settings(config_file).settings.profiles


def test_app_token_from_stdin_not_the_command_line(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    with pytest.raises(SystemExit):
        main(["login", "--help"])
    assert "--app-token-stdin" in capsys.readouterr().out
    with FakeServer(glpi()) as server:
        assert (
            login(monkeypatch, server.api_url, "app-TOKEN-1\npostonly\n", "--app-token-stdin") == 0
        )
        assert server.requests[0].headers.get("app-token") == "app-TOKEN-1"
    assert "app-TOKEN-1" not in capsys.readouterr().out


def test_a_slow_server_ends_show_at_the_timeout(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    trickle = Reply(body=b'{"id": 1, "name": "x", "status": 2}', chunk=1, trickle=0.4)
    with FakeServer(glpi(**{"Ticket/1": trickle})) as server:
        config_file.write_text(
            f'[profiles.slow]\nurl = "{server.api_url}"\nlogin = "post-only"\ntimeout = 1\n',
            encoding="utf-8",
        )
        monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
        assert main(["login", "--profile", "slow", "--password-stdin"]) == 0
        capsys.readouterr()
        assert main(["show", "1"]) == 1
    err = capsys.readouterr().err
    assert "too slow" in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "body",
    [b'{"id": 1e400, "status": 2}', b'{"id": [1], "status": 2}', b"[[[["],
)
def test_an_answer_not_understood_is_one_line_and_exit_1(
    body: bytes, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    with FakeServer(glpi(**{"Ticket/1": Reply.json(body)})) as server:
        assert login(monkeypatch, server.api_url, "postonly\n") == 0
        capsys.readouterr()
        assert main(["show", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "url", ["http://support.example.com/glpi", "http://10.1.2.3", "support.example.com:80"]
)
def test_plain_http_to_the_network_is_warned_before_the_secret_is_read(
    url: str, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Issue 24 item 15, as the console's login form warns. The empty password ends the
    command before any traffic leaves."""
    if not url.startswith("http"):
        url = "http://" + url
    assert login(monkeypatch, url, "\n") == 2
    err = capsys.readouterr().err
    assert "WARNING" in err and "plain http" in err and url in err


@pytest.mark.parametrize(
    "url",
    [
        "https://support.example.com",
        "http://127.0.0.1:9/glpi",
        "http://[::1]:9",
        "http://localhost:9",
    ],
)
def test_https_and_loopback_are_not_warned(
    url: str, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert login(monkeypatch, url, "\n") == 2
    assert "plain http" not in capsys.readouterr().err
