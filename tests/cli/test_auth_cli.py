"""`cebox-support login / logout / passwd` in-process, against the embedded helpdesk."""

from __future__ import annotations

import asyncio
import io
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import SessionExpired
from cebox_support.tui.cli import main
from cebox_support.tui.config import load_settings
from cebox_support.tui.tokens import read_secret, session_token_path, user_token_path

from tests.conftest import _start
from tests.helpers import lose_password_verdict, password_works


@pytest.fixture(params=["10.0", "11.0"])
def fresh_helpdesk(request: pytest.FixtureRequest) -> Iterator[Any]:
    """login, logout and passwd on both GLPI versions."""
    running = _start(demo=True, formcreator=False, glpi_version=request.param)
    yield running
    running.stop()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    return path


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def login(
    monkeypatch: pytest.MonkeyPatch, server: Any, password: str = "postonly", *extra: str
) -> int:
    stdin(monkeypatch, password + "\n")
    return main(
        ["login", "--server", server.api_url, "--user", "post-only", "--password-stdin", *extra]
    )


def works(server: Any, login: str, password: str) -> bool:
    return asyncio.run(password_works(server, login, password))


def test_login_saves_profile_and_caches_session(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert login(monkeypatch, helpdesk) == 0
    assert "post-only" in capsys.readouterr().out
    settings = load_settings(config_file).settings
    assert settings.default_profile == "127-0-0-1"
    profile = settings.profiles["127-0-0-1"]
    assert (profile.url, profile.login) == (helpdesk.api_url, "post-only")
    assert "postonly" not in config_file.read_text(encoding="utf-8")
    token = session_token_path("127-0-0-1")
    assert stat.S_IMODE(token.stat().st_mode) == 0o600 and read_secret(
        token, server=helpdesk.api_url
    )


def test_login_with_named_profile_and_getpass(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return "postonly"

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    code = main(["login", "--profile", "work", "--server", helpdesk.api_url, "--user", "post-only"])
    assert code == 0
    assert len(prompts) == 1 and "post-only" in prompts[0]
    assert "work" in load_settings(config_file).settings.profiles
    assert read_secret(session_token_path("work"), server=helpdesk.api_url)


def test_wrong_password_is_one_line_and_nonzero(
    helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert login(monkeypatch, helpdesk, "nope") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Wrong login or password" in err
    assert not config_file.exists()


def test_token_login_and_save_token(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_helpdesk.store.set_user_token("post-only", "tok-cli-123")
    stdin(monkeypatch, "tok-cli-123\n")
    code = main(
        ["login", "--profile", "t", "--server", fresh_helpdesk.api_url, "--token-stdin"]
        + ["--save-token"]
    )
    assert code == 0
    assert read_secret(user_token_path("t"), server=fresh_helpdesk.api_url) == "tok-cli-123"
    assert load_settings(config_file).settings.profiles["t"].use_user_token
    assert "tok-cli-123" not in config_file.read_text(encoding="utf-8")


def test_app_token_is_remembered(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    fresh_helpdesk.store.app_token = "app-secret"
    assert login(monkeypatch, fresh_helpdesk) == 1
    assert "App-Token" in capsys.readouterr().err
    assert login(monkeypatch, fresh_helpdesk, "postonly", "--app-token", "app-secret") == 0
    assert load_settings(config_file).settings.profiles["127-0-0-1"].app_token == "app-secret"


def test_logout_kills_session_and_deletes_token(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert login(monkeypatch, fresh_helpdesk) == 0
    token = read_secret(session_token_path("127-0-0-1"), server=fresh_helpdesk.api_url)
    assert token
    assert main(["logout"]) == 0
    assert "Logged out" in capsys.readouterr().out
    assert not session_token_path("127-0-0-1").exists()

    async def resume() -> None:
        probe = GlpiClient(fresh_helpdesk.api_url)
        try:
            await probe.resume(token)
        finally:
            await probe.close()

    with pytest.raises(SessionExpired):
        asyncio.run(resume())
    assert main(["logout"]) == 0
    assert "Not logged in" in capsys.readouterr().out


def test_logout_without_profile_fails(config_file: Path, capsys: Any) -> None:
    assert main(["logout"]) == 3
    assert "login --server" in capsys.readouterr().err


def test_passwd_stdin_changes_password(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert login(monkeypatch, fresh_helpdesk) == 0
    stdin(monkeypatch, "postonly\nN3w-pass!\n")
    assert main(["passwd", "--stdin"]) == 0
    assert "changed" in capsys.readouterr().out
    assert works(fresh_helpdesk, "post-only", "N3w-pass!")
    assert not works(fresh_helpdesk, "post-only", "postonly")
    assert read_secret(
        session_token_path("127-0-0-1"), server=fresh_helpdesk.api_url
    )  # the cached session stays


def test_passwd_lost_answer_checks_the_new_password(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """The change's answer is lost: the new password opening a session proves it changed."""
    assert login(monkeypatch, fresh_helpdesk) == 0
    lose_password_verdict(monkeypatch)
    stdin(monkeypatch, "postonly\nN3w-pass!\n")
    assert main(["passwd", "--stdin"]) == 0
    assert "Your password was changed." in capsys.readouterr().out
    assert works(fresh_helpdesk, "post-only", "N3w-pass!")


def test_passwd_checks_before_sending(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    fresh_helpdesk.store.set_password_policy(enabled=True, min_length=8, need_digit=True)
    assert login(monkeypatch, fresh_helpdesk) == 0
    fresh_helpdesk.clear_log()
    stdin(monkeypatch, "postonly\npostonly\n")
    assert main(["passwd", "--stdin"]) == 1
    assert "different" in capsys.readouterr().err
    stdin(monkeypatch, "postonly\nabcdefgh!\n")
    assert main(["passwd", "--stdin"]) == 1
    assert "a digit" in capsys.readouterr().err
    assert not [e for e in fresh_helpdesk.request_log if "updatepassword" in e.path]
    assert fresh_helpdesk.store.check_password("post-only", "postonly")


def test_passwd_wrong_current_reports_glpi(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert login(monkeypatch, fresh_helpdesk) == 0
    stdin(monkeypatch, "wrong\nN3w-pass!\n")
    assert main(["passwd", "--stdin"]) == 1
    assert "current password is incorrect" in capsys.readouterr().err


def test_expired_password_login_then_passwd(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    fresh_helpdesk.store.add_user(
        "newbie", "Temp1234!", profile="Self-Service", password_expired=True
    )
    stdin(monkeypatch, "Temp1234!\n")
    args = ["login", "--profile", "w", "--server", fresh_helpdesk.api_url, "--user", "newbie"]
    assert main([*args, "--password-stdin"]) == 5
    err = capsys.readouterr().err
    assert "expired" in err and "`cebox-support passwd`" in err
    assert not session_token_path("w").exists()
    # The advice works as given: the profile was kept although the login was refused.
    stdin(monkeypatch, "Temp1234!\nN3w-pass!\n")
    assert main(["passwd", "--stdin"]) == 0
    assert works(fresh_helpdesk, "newbie", "N3w-pass!")
    stdin(monkeypatch, "N3w-pass!\n")
    assert main([*args, "--password-stdin"]) == 0
