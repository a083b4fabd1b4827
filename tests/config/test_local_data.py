"""Local data is never lost: config.toml kept as the user wrote it (or refused, untouched),
drafts that cannot be saved stay on screen, token files never followed through a symlink."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.config import ConfigNotSaved, Profile, load_settings, save_settings
from cebox_support.tui.drafts import Drafts
from cebox_support.tui.navigation import remember_theme
from cebox_support.tui.tokens import InsecureTokenFile, read_secret, write_secret
from textual.widgets import TextArea

from tests.conftest import wait_for

COMMENTED = """\
# Mon fichier, à garder tel quel
theme = "nord"  # le préféré
from_a_newer_version = 3

[profiles.acme]
# le serveur du support
url = "https://support.example.com"
app_token = "APPTOKEN123"
shiny = true   # a key this version does not know
"""


def test_save_keeps_comments_order_and_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    loaded = load_settings(path)
    loaded.settings.theme = "gruvbox"
    loaded.settings.profiles["new"] = Profile(url="https://b.example.com", login="jd")
    save_settings(loaded.settings, loaded.path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED.replace('"nord"', '"gruvbox"'))
    assert '[profiles.new]\nurl = "https://b.example.com"\nlogin = "jd"\n' in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds an App-Token
    assert list(tmp_path.glob(".config.toml*")) == []  # no temporary left


def test_config_without_app_token_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n')
    path.chmod(0o640)
    loaded = load_settings(path)
    loaded.settings.theme = "gruvbox"
    save_settings(loaded.settings, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('theme = "nord"\n[profiles.acme\nurl = "https://a.example.com"\n', ":2: "),
        (
            '# mine\n[profiles.acme]\nurl = "https://a.example.com"\napp_token = "T"\n'
            "autoclose_days = -3\n",
            ":5: profiles.acme.autoclose_days",
        ),
    ],
    ids=["does-not-parse", "bad-value"],
)
def test_broken_config_is_never_overwritten(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_settings(path)
    loaded.settings.profiles["x"] = Profile(url="https://x.example.com")
    with pytest.raises(ConfigNotSaved) as refused:
        save_settings(loaded.settings, path)
    assert f"{path}{where}" in str(refused.value)
    assert path.read_text(encoding="utf-8") == text
    # Ctrl+T says so instead of writing.
    message = remember_theme(loaded, "gruvbox")
    assert message is not None and f"{path}{where}" in message
    assert path.read_text(encoding="utf-8") == text


def test_login_refuses_a_broken_config_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    path = tmp_path / "cebox.toml"
    text = (
        '# keep me\n[profiles.acme]\nurl = "https://a.example.com"\napp_token = "T"\n'
        'timeout = "slow"\n'
    )
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    code = main(["login", "--server", "https://b.example.com", "--user", "jd", "--password-stdin"])
    assert code != 0
    err = capsys.readouterr().err
    assert f"{path}:5: profiles.acme.timeout" in err and "not changed" in err
    assert path.read_text(encoding="utf-8") == text


def test_login_keeps_a_profile_with_an_unknown_key_and_every_comment(
    helpdesk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cebox.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--profile", "lab", "--server", helpdesk.api_url, "--user", "post-only"]
    assert main([*argv, "--password-stdin"]) == 0
    text = path.read_text(encoding="utf-8")
    acme = COMMENTED[COMMENTED.index("[profiles.acme]") :]
    assert acme in text  # acme, its App-Token and comments untouched
    assert text.startswith(COMMENTED[: COMMENTED.index("\n[profiles")])
    assert load_settings(path).settings.profiles["lab"].login == "post-only"


# -- drafts ---------------------------------------------------------------------------


def test_failed_draft_save_is_reported_once_and_retried(tmp_path: Path) -> None:
    drafts = Drafts("acme", root=tmp_path / "drafts")
    drafts.folder.parent.mkdir(parents=True)
    drafts.folder.write_text("not a folder")  # the folder replaced by a file
    assert drafts.save("reply-1", {"text": "bonjour"}) is False
    warning = drafts.take_warning()
    assert warning is not None and "retried" in warning
    assert drafts.save("reply-1", {"text": "bonjour!"}) is False
    assert drafts.take_warning() is None  # once per run of failures
    assert drafts.keys() == [] and drafts.load("reply-1") is None
    drafts.delete("reply-1")  # does not raise either
    drafts.folder.unlink()
    assert drafts.save("reply-1", {"text": "bonjour!!"}) is True
    assert drafts.load("reply-1") == {"text": "bonjour!!"}
    assert drafts.take_warning() is None


def test_read_only_drafts_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drafts = Drafts("acme", root=tmp_path / "drafts")
    drafts.folder.mkdir(parents=True)
    drafts.folder.chmod(0o500)
    if getattr(os, "geteuid", lambda: -1)() == 0:
        # Root writes into a 0500 folder: the refusal any user gets is injected where the
        # kernel gives it, at the opening of a file in that folder.
        real_open = os.open

        def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if Path(path).parent == drafts.folder and flags & (os.O_WRONLY | os.O_RDWR):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", read_only)
    try:
        assert drafts.save("k", {"text": "x"}) is False
        assert "Permission denied" in (drafts.take_warning() or "")
        assert drafts.take_warning() is None  # once per run of failed saves
        assert list(drafts.folder.iterdir()) == []  # no temporary file left
    finally:
        monkeypatch.undo()
        drafts.folder.chmod(0o700)
    assert drafts.save("k", {"text": "x"}) is True


def test_disk_full_leaves_no_half_written_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafts = Drafts("acme", root=tmp_path)
    assert drafts.save("k", {"text": "before"})

    def full(*_args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("cebox_support.tui.drafts.os.replace", full)
    assert drafts.save("k", {"text": "after"}) is False
    monkeypatch.undo()
    assert "No space left" in (drafts.take_warning() or "")
    assert drafts.load("k") == {"text": "before"}
    assert sorted(p.name for p in drafts.folder.iterdir()) == ["k.json"]


def test_two_consoles_on_the_same_draft_never_crash_each_other(tmp_path: Path) -> None:
    first, second = Drafts("acme", root=tmp_path), Drafts("acme", root=tmp_path)
    failures: list[Drafts] = []

    def type_into(drafts: Drafts, who: str) -> None:
        for n in range(200):
            if not drafts.save("reply-7", {"text": f"{who} {n}"}):
                failures.append(drafts)

    threads = [
        threading.Thread(target=type_into, args=(d, w)) for d, w in ((first, "a"), (second, "b"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    saved = json.loads(first.path("reply-7").read_text(encoding="utf-8"))
    assert saved["content"]["text"] in ("a 199", "b 199")
    assert sorted(p.name for p in first.folder.iterdir()) == ["reply-7.json"]
    assert stat.S_IMODE(first.path("reply-7").stat().st_mode) == 0o600


async def test_ticket_screen_keeps_typing_when_drafts_cannot_be_saved(
    helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.screens.test_ticket import DOMAIN, build_app, opened, type_reply

    monkeypatch.setattr("cebox_support.widgets.draft_keeper.RETRY_SECONDS", 0.05)
    app = await build_app(helpdesk, ticket=DOMAIN)
    folder = app.workspace.drafts.folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the drafts folder was")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await type_reply(pilot, "Texte précieux")
        await wait_for(lambda: any("could not be saved" in n.message for n in app._notifications))
        await pilot.press(*" encore")
        await pilot.pause()
        assert app.is_running
        assert screen.query_one("#reply-text", TextArea).text == "Texte précieux encore"
        warnings = [n for n in app._notifications if "could not be saved" in n.message]
        assert len(warnings) == 1
        folder.unlink()  # the disk is writable again: the retry saves it
        await wait_for(lambda: app.workspace.drafts.load(f"reply-{DOMAIN}") is not None)
        assert app.workspace.drafts.load(f"reply-{DOMAIN}")["text"] == "Texte précieux encore"
        await pilot.press("escape", "escape")


# -- token files ----------------------------------------------------------------------


def test_symlinked_token_file_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("stolen")
    elsewhere.chmod(0o600)
    link = tmp_path / "tokens" / "acme.token"
    link.parent.mkdir()
    link.symlink_to(elsewhere)
    with pytest.raises(InsecureTokenFile) as refused:
        read_secret(link, server="https://a")
    assert "symbolic link" in str(refused.value) and str(link) in str(refused.value)
    with pytest.raises(InsecureTokenFile):
        write_secret(link, "secret-token", server="https://a")
    assert elsewhere.read_text() == "stolen"  # nothing written through the link


async def test_theme_change_with_a_broken_config_says_so_once(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "broken.toml"
    text = '[profiles.acme\nurl = "https://a.example.com"\n'
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    app = make_app(logged_in=False)
    async with app.run_test() as pilot:
        app.theme = "gruvbox"
        await pilot.pause()
        app.theme = "nord"  # the picker previews one theme after another
        await pilot.pause()
        shown = [n for n in app._notifications if "theme was not saved" in n.message]
        assert len(shown) == 1 and f"{path}:1" in shown[0].message
        assert app.is_running
    assert path.read_text(encoding="utf-8") == text
