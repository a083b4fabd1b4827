"""Config errors name file and line; secrets never reach disk except 0600 token files."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.config import Profile, Settings, load_settings, save_settings
from cebox_support.tui.session import InsecureTokenFile, resume, sign_in
from cebox_support.tui.tokens import read_secret, session_token_path, user_token_path, write_secret

PASSWORDS = ("postonly", "N0uveau-mot!", "T3ch-nouveau!")
ROOT = Path(__file__).resolve().parents[2]


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('language = "fr"\n[profiles.acme\nurl = "x"\n')
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert len(loaded.problems) == 1
    assert str(path) in loaded.problems[0] and ":2" in loaded.problems[0]


def test_invalid_values_keep_valid_profiles(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.good]\nurl = "https://a"\n\n[profiles.bad]\nurl = "https://b"\n'
        "autoclose_days = -3\n"
    )
    loaded = load_settings(path)
    assert "good" in loaded.settings.profiles and "bad" not in loaded.settings.profiles
    assert "autoclose_days" in loaded.problems[0] and ":6" in loaded.problems[0]


def test_not_utf8_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00")
    assert "UTF-8" in load_settings(path).problems[0]


def test_save_round_trip_without_secrets(tmp_path: Path) -> None:
    path = tmp_path / "c" / "config.toml"
    settings = Settings(profiles={"acme": Profile(url="https://a", login="jd", app_token="t")})
    save_settings(settings, path)
    assert load_settings(path).settings == settings


def test_token_files_are_0600_and_loose_ones_refused(tmp_path: Path) -> None:
    path = tmp_path / "t" / "x.token"
    write_secret(path, "abc", server="https://a")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_secret(path, server="https://a") == "abc"
    os.chmod(path, 0o644)
    with pytest.raises(InsecureTokenFile) as refused:
        read_secret(path, server="https://a")
    assert "chmod 600" in str(refused.value)


async def test_login_writes_no_password_anywhere(fresh_helpdesk: Any, isolated_home: Path) -> None:
    profile = Profile(url=fresh_helpdesk.api_url, login="post-only")
    workspace = await sign_in("acme", profile, password="postonly")
    token = session_token_path("acme")
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    save_settings(Settings(profiles={"acme": profile}))
    again = await resume("acme", profile)
    assert again is not None and again.me.id == 3
    await again.client.close()
    await workspace.client.close()
    for file in isolated_home.rglob("*"):
        if file.is_file():
            content = file.read_bytes()
            for secret in PASSWORDS:
                assert secret.encode() not in content, f"{secret} found in {file}"


async def test_invalid_cached_session_falls_back_silently(
    fresh_helpdesk: Any, isolated_home: Path
) -> None:
    profile = Profile(url=fresh_helpdesk.api_url, login="post-only")
    write_secret(session_token_path("acme"), "z" * 26, server=profile.url)
    assert await resume("acme", profile) is None
    assert not session_token_path("acme").exists()


async def test_saved_user_token_is_used(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.set_user_token("post-only", "personal-token-0123456789abcdef")
    profile = Profile(url=fresh_helpdesk.api_url, use_user_token=True)
    workspace = await sign_in(
        "acme",
        profile,
        user_token="personal-token-0123456789abcdef",
        save_user_token=True,
        cache_session=False,
    )
    await workspace.client.close()
    assert stat.S_IMODE(user_token_path("acme").stat().st_mode) == 0o600
    again = await resume("acme", profile)
    assert again is not None and again.me.login == "post-only"
    await again.client.close()


def test_no_password_in_committed_snapshots() -> None:
    for svg in (ROOT / "tests").rglob("*.svg"):
        content = svg.read_text(encoding="utf-8", errors="replace")
        for secret in PASSWORDS:
            assert secret not in content, f"{secret} in {svg}"
