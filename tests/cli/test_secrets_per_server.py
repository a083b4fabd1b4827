"""Secrets belong to the server they were made for (issue 24 item 5), with two helpdesks
on loopback: a profile moved from A to B never sends, nor offers, A's session token,
personal API token, App-Token or web session cookie to B."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.config import load_settings
from cebox_support.tui.helpdesk.runner import start_helpdesk
from cebox_support.tui.session import sign_in
from cebox_support.tui.tokens import session_token_path, user_token_path, web_cookie_path

PERSONAL_A = "tok-A-personal-0123456789"
APP_A = "app-A-0123456789abcdef"
COOKIE_A = "glpi_0123456789abcdef=web-cookie-of-A"


@pytest.fixture
def server_b() -> Iterator[Any]:
    running = start_helpdesk(demo=True, formcreator=False)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    return path


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(host:port, everything the request carried: URL and headers) of every request
    the client sends, on the real connections."""
    seen: list[tuple[str, str]] = []
    real_send = httpx.AsyncClient.send

    async def spy(self: httpx.AsyncClient, request: httpx.Request, **kw: Any) -> Any:
        carried = (
            str(request.url) + "\n" + "\n".join(f"{k}: {v}" for k, v in request.headers.items())
        )
        seen.append((f"{request.url.host}:{request.url.port}", carried))
        return await real_send(self, request, **kw)

    monkeypatch.setattr(httpx.AsyncClient, "send", spy)
    return seen


def to(server: Any, sent: list[tuple[str, str]]) -> str:
    where = server.api_url.split("://", 1)[1].split("/", 1)[0]
    return "\n".join(carried for host, carried in sent if host == where)


def cli(monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def test_a_personal_token_of_a_is_never_sent_to_b(
    fresh_helpdesk: Any,
    server_b: Any,
    config_file: Path,
    sent: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    a = fresh_helpdesk
    a.store.set_user_token("post-only", PERSONAL_A)
    login_a = ["login", "--profile", "p", "--server", a.api_url, "--token-stdin", "--save-token"]
    assert cli(monkeypatch, PERSONAL_A + "\n", *login_a) == 0
    session_a = (session_token_path("p").read_text().splitlines() or [""])[-1]
    capsys.readouterr()
    login_b = ["login", "--profile", "p", "--server", server_b.api_url, "--user", "post-only"]
    assert cli(monkeypatch, "postonly\n", *login_b, "--password-stdin") == 0
    err = capsys.readouterr().err
    assert "personal API token" in err and "dropped" in err and a.api_url in err
    server_b.store.execute("DELETE FROM x_sessions")  # B forgets the session: log in again
    assert cli(monkeypatch, "", "list", "--profile", "p") == 3
    assert to(server_b, sent) and PERSONAL_A not in to(server_b, sent)
    assert session_a not in to(server_b, sent)
    assert not user_token_path("p").exists()


def test_a_profile_edited_by_hand_to_b_sends_none_of_a_secrets(
    fresh_helpdesk: Any,
    server_b: Any,
    config_file: Path,
    sent: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = fresh_helpdesk
    a.store.set_user_token("post-only", PERSONAL_A)
    login_a = ["login", "--profile", "p", "--server", a.api_url, "--token-stdin", "--save-token"]
    assert cli(monkeypatch, PERSONAL_A + "\n", *login_a) == 0
    session_a = (session_token_path("p").read_text().splitlines() or [""])[-1]
    config_file.write_text(config_file.read_text().replace(a.api_url, server_b.api_url))
    assert cli(monkeypatch, "", "list", "--profile", "p") == 3
    assert cli(monkeypatch, "", "show", "1", "--profile", "p") == 3
    assert PERSONAL_A not in to(server_b, sent) and session_a not in to(server_b, sent)


def test_the_app_token_of_a_is_dropped_when_the_profile_moves_to_b(
    fresh_helpdesk: Any,
    server_b: Any,
    config_file: Path,
    sent: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    a = fresh_helpdesk
    a.store.app_token = APP_A
    login = ["login", "--profile", "p", "--user", "post-only", "--password-stdin"]
    assert cli(monkeypatch, "postonly\n", *login, "--server", a.api_url, "--app-token", APP_A) == 0
    assert load_settings(config_file).settings.profiles["p"].app_token == APP_A
    capsys.readouterr()
    assert cli(monkeypatch, "postonly\n", *login, "--server", server_b.api_url) == 0
    assert "App-Token" in capsys.readouterr().err
    assert to(server_b, sent) and APP_A not in to(server_b, sent)
    assert load_settings(config_file).settings.profiles["p"].app_token == ""
    assert APP_A not in config_file.read_text()


def test_the_web_session_of_a_is_never_given_to_b(
    fresh_helpdesk: Any,
    server_b: Any,
    config_file: Path,
    sent: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = fresh_helpdesk
    login = ["login", "--profile", "p", "--user", "post-only", "--password-stdin"]
    assert cli(monkeypatch, "postonly\n", *login, "--server", a.api_url) == 0
    profile_a = load_settings(config_file).settings.profiles["p"]

    async def keep_a_web_session() -> None:
        workspace = await sign_in("p", profile_a, password="postonly")
        workspace.client.on_web_cookie(COOKIE_A)  # as a GLPI 11 download keeps it
        await workspace.client.close()

    asyncio.run(keep_a_web_session())
    assert web_cookie_path("p").exists()
    assert cli(monkeypatch, "postonly\n", *login, "--server", server_b.api_url) == 0
    kept = web_cookie_path("p")
    assert not kept.exists() or COOKIE_A not in kept.read_text()  # B's own, if any
    # and a cookie file of A still there (the profile edited by hand) is not read for B
    asyncio.run(keep_a_web_session())
    profile_b = load_settings(config_file).settings.profiles["p"]

    async def on_b() -> None:
        workspace = await sign_in("p", profile_b, password="postonly")
        assert workspace.client.web_cookie is None
        await workspace.client.logout()
        await workspace.client.close()

    asyncio.run(on_b())
    assert COOKIE_A.split("=", 1)[1] not in to(server_b, sent)


def test_an_app_token_given_for_a_is_not_sent_after_a_hand_edit_to_b(
    fresh_helpdesk: Any,
    server_b: Any,
    config_file: Path,
    sent: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = fresh_helpdesk
    a.store.app_token = APP_A
    login = ["login", "--profile", "p", "--user", "post-only", "--password-stdin"]
    assert cli(monkeypatch, "postonly\n", *login, "--server", a.api_url, "--app-token", APP_A) == 0
    edited = config_file.read_text().replace(f'url = "{a.api_url}"', f'url = "{server_b.api_url}"')
    config_file.write_text(edited)
    assert cli(monkeypatch, "postonly\n", "login", "--profile", "p", "--password-stdin") == 0
    assert to(server_b, sent) and APP_A not in to(server_b, sent)


def test_an_app_token_written_by_hand_with_its_url_is_sent(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = fresh_helpdesk
    a.store.app_token = APP_A
    config_file.write_text(
        f'[profiles.p]\nurl = "{a.api_url}"\nlogin = "post-only"\napp_token = "{APP_A}"\n'
    )
    config_file.chmod(0o600)
    assert cli(monkeypatch, "postonly\n", "login", "--profile", "p", "--password-stdin") == 0
