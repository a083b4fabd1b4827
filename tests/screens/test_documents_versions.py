"""Downloading the technician's document on GLPI 10 and 11: on 11 the dialog asks the GLPI
password once (a web session), and a personal-token sign-in is sent to the browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.documents import DocumentsScreen
from cebox_support.tui.helpdesk.seed import RESTART_PROCEDURE
from textual.widgets import Input, Static

from tests.conftest import _start, frozen_now, wait_for
from tests.helpers import stub_dashboard

PENDING = 6
"""The demo ticket whose technician's follow-up carries procedure-redemarrage.txt."""
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def stubbed_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)


@pytest.fixture(scope="module", params=["10.0", "11.0"])
def glpi(request: pytest.FixtureRequest) -> Iterator[Any]:
    running = _start(demo=True, glpi_version=request.param)
    yield running
    running.stop()


async def build_app(
    server: Any, *, user_token: str | None = None, web_session_ended: bool = True
) -> Any:
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.config import LoadedSettings, Profile, Settings, config_path
    from cebox_support.tui.session import sign_in

    profile = Profile(url=server.api_url, login="post-only")
    settings = Settings(profiles={"test": profile}, default_profile="test")
    workspace = await sign_in(
        "test",
        profile,
        password=None if user_token else "postonly",
        user_token=user_token,
        cache_session=False,
    )
    if web_session_ended:  # the one opened with the sign-in has ended since
        from cebox_support.tui.session import settle_web_session

        await settle_web_session(workspace)
        workspace.client.web_cookie = None
    return CeboxApp(
        LoadedSettings(settings, config_path()),
        workspace=workspace,
        now=frozen_now,
        open_ticket=PENDING,
    )


async def documents(pilot: Any, folder: Path) -> DocumentsScreen:
    await wait_for(lambda: type(pilot.app.screen).__name__ == "TicketScreen")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("d")
    await wait_for(lambda: isinstance(pilot.app.screen, DocumentsScreen))
    modal = pilot.app.screen
    assert isinstance(modal, DocumentsScreen)
    modal.query_one("#documents-folder", Input).value = str(folder)
    return modal


def message(modal: DocumentsScreen) -> str:
    return str(modal.query_one("#documents-message", Static).render())


async def test_download_asks_the_password_once_on_11(glpi: Any, tmp_path: Path) -> None:
    eleven = glpi.store.version.name == "11.0"
    app = await build_app(glpi)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await documents(pilot, tmp_path / "dl")
        await pilot.press("d")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        asked = modal.query_one("#documents-password-row").display
        assert asked is eleven
        if eleven:
            assert "password" in message(modal)
            assert app.focused is modal.query_one("#documents-password", Input)
            await pilot.press(*"wrong", "enter")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert "Wrong password" in message(modal)
            await pilot.press(*"postonly", "enter")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        assert (tmp_path / "dl" / "procedure-redemarrage.txt").read_bytes() == RESTART_PROCEDURE
        assert "Saved" in message(modal)
        assert not modal.query_one("#documents-password-row").display
        await pilot.press("d")  # again: the web session is kept, no second question
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "dl" / "procedure-redemarrage (1).txt").read_bytes() == RESTART_PROCEDURE
        assert not modal.query_one("#documents-password-row").display
        client = app.workspace.client
        assert bool(client.web_cookie) is eleven
        assert "postonly" not in (client.web_cookie or "")


async def test_a_password_sign_in_downloads_without_asking_again(glpi: Any, tmp_path: Path) -> None:
    """The web session opened with the password sign-in serves the downloads on 11."""
    app = await build_app(glpi, web_session_ended=False)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await documents(pilot, tmp_path / "dl")
        await pilot.press("d")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert not modal.query_one("#documents-password-row").display
        assert (tmp_path / "dl" / "procedure-redemarrage.txt").read_bytes() == RESTART_PROCEDURE


async def test_personal_token_on_11_gets_the_link(glpi: Any, tmp_path: Path) -> None:
    glpi.store.set_user_token("post-only", "tok3n-for-documents-0123456789")
    app = await build_app(glpi, user_token="tok3n-for-documents-0123456789")
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await documents(pilot, tmp_path / "dl")
        await pilot.press("d")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if glpi.store.version.name == "11.0":
            link = f"{glpi.base_url}/front/ticket.form.php?id={PENDING}"
            assert app.clipboard == link
            assert "browser" in message(modal) and link in message(modal)
            assert not modal.query_one("#documents-password-row").display
            assert not (tmp_path / "dl").exists()
        else:
            assert (tmp_path / "dl" / "procedure-redemarrage.txt").exists()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_snapshot_password_asked(snap_compare: Any, size: tuple[int, int]) -> None:
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.config import LoadedSettings, Profile, Settings, config_path

    server = _start(demo=True, glpi_version="11.0")
    try:
        profile = Profile(url=server.api_url, login="post-only")
        settings = Settings(profiles={"test": profile}, default_profile="test")
        from tests.conftest import _sign_in_sync

        workspace = _sign_in_sync(profile, "postonly")
        workspace.client.web_cookie = None  # the web session opened at sign-in has ended
        app = CeboxApp(
            LoadedSettings(settings, config_path()),
            workspace=workspace,
            now=frozen_now,
            open_ticket=PENDING,
        )

        async def ask(pilot: Any) -> None:
            modal = await documents(pilot, Path("~/Téléchargements"))
            await pilot.press("d")
            await pilot.app.workers.wait_for_complete()
            await wait_for(lambda: modal.query_one("#documents-password-row").display)
            await pilot.press(*"secret")
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=ask)
    finally:
        server.stop()


async def test_reply_with_a_refused_log_is_sent_once_and_names_the_file(
    glpi: Any, tmp_path: Path
) -> None:
    """10 keeps the reply and says so inside a 201; 11 keeps it and answers a 500 page:
    either way one follow-up, and the screen names the file that was not kept."""
    from cebox_support.widgets.attachments import AttachmentList
    from textual.widgets import TextArea

    log = tmp_path / "qgaAgent.log"
    log.write_text("agent log\n")
    store = glpi.store
    before = len(store.followups(PENDING))
    app = await build_app(glpi)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(lambda: type(app.screen).__name__ == "TicketScreen")
        await app.workers.wait_for_complete()
        screen = app.screen
        screen.query_one("#reply-text", TextArea).load_text("Voici le journal.")
        screen.query_one(AttachmentList).set_paths([log])
        screen.action_send_reply()
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = str(screen.query_one("#reply-message", Static).render())
        assert "Reply sent" in said and "qgaAgent.log was not accepted" in said, said
        assert not any("uploaded" in n.message for n in app._notifications)
    assert len(store.followups(PENDING)) == before + 1
    assert not [d for d in store.documents(PENDING) if d["filename"] == "qgaAgent.log"]
