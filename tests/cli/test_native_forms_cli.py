"""`forms` and `new --form` on GLPI 11 (native forms, through a web session)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.tokens import web_cookie_path

from tests.conftest import _start


@pytest.fixture
def glpi11() -> Iterator[Any]:
    running = _start(demo=True, formcreator=False, glpi_version="11.0")
    yield running
    running.stop()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from cebox_support.tui.api.native_forms import _CACHE

    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    _CACHE.clear()
    return path


def _login(server: Any, monkeypatch: pytest.MonkeyPatch, *, token: str | None = None) -> None:
    if token is None:
        monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
        argv = ["login", "--server", server.api_url, "--user", "post-only", "--password-stdin"]
    else:
        server.store.set_user_token("post-only", token)
        monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
        argv = ["login", "--server", server.api_url, "--token-stdin"]
    assert main(argv) == 0


def test_the_password_login_keeps_the_web_session_for_the_forms(
    glpi11: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _login(glpi11, monkeypatch)
    server, cookie = web_cookie_path("127-0-0-1").read_text().split(" ")
    assert server.startswith(glpi11.base_url) and cookie.startswith("glpi_")


def test_without_a_web_session_the_forms_ask_for_the_password(
    glpi11: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _login(glpi11, monkeypatch)
    web_cookie_path("127-0-0-1").unlink()
    capsys.readouterr()
    assert main(["forms", "--json"]) == 3
    assert "--password-stdin" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(["forms", "--password-stdin"]) == 3
    assert "Wrong password" in capsys.readouterr().err


def test_a_personal_token_sign_in_is_sent_to_the_browser(
    glpi11: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _login(glpi11, monkeypatch, token="tok3n-for-forms-0123456789")
    capsys.readouterr()
    assert main(["forms"]) == 3
    err = capsys.readouterr().err
    assert "password" in err and f"{glpi11.base_url}/ServiceCatalog" in err
