"""The picture viewer: the demo ticket's capture and the photo pasted in a follow-up, opened
from the thread and from the documents dialog, zoomed, moved, saved; a picture too large
or damaged is refused with a message and can still be saved. Half-blocks only: the
viewer draws nothing else, so the snapshots are the same on every terminal."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.screens.documents import DocumentsScreen
from cebox_support.screens.image_viewer import ImageViewerScreen
from cebox_support.screens.ticket import TicketScreen
from cebox_support.tui.helpdesk.pictures import console_screenshot, front_panel_photo
from cebox_support.tui.helpdesk.seed import CAPTURE_NAME, PASTED_NAME
from cebox_support.widgets.image_view import ImageView
from cebox_support.widgets.timeline import PictureLine, TimelineEntry
from textual.widgets import Static

from tests.conftest import _start, frozen_now, wait_for
from tests.helpers import stub_dashboard

PENDING = 6
"""The demo ticket with the customer's capture and the technician's pasted photo."""
SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
HUGE, BROKEN = "huge.png", "broken.png"
HOSTILE = "[b]voyants\x1b]0;pwned\x07[/b].png"
"""A file name with markup and a terminal title sequence: shown as text, inert."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(side: int = 20000) -> bytes:
    """A valid 20000×20000 black-and-white PNG: 50 MB of pixels in 60 kB of file."""
    row = b"\x00" + b"\x00" * (side // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def broken_png() -> bytes:
    """The demo capture cut in the middle of its pixels."""
    data = console_screenshot()
    return data[: len(data) // 2]


def _with_refusals(running: Any) -> Any:
    """The demo helpdesk plus a ticket with a huge and a broken picture."""
    store = running.store
    ticket = store.create_ticket(
        name="Captures illisibles",
        content="<p>Deux captures qui ne s'affichent pas.</p>",
        requester_id=3,
        date="2026-11-27 09:00:00",
    )
    store.add_document(
        ticket, filename=HUGE, data=huge_png(), user_id=3, date="2026-11-27 09:00:00"
    )
    store.add_document(
        ticket, filename=BROKEN, data=broken_png(), user_id=3, date="2026-11-27 09:01:00"
    )
    store.add_document(
        ticket,
        filename=HOSTILE,
        data=front_panel_photo(),
        user_id=4,
        date="2026-11-27 09:02:00",
    )
    store.add_followup(
        ticket,
        user_id=4,
        content='<p>Voir :</p><p><img src="/front/document.send.php?docid=999999"></p>',
        date="2026-11-27 10:00:00",
    )
    running.refusals_ticket = ticket
    return running


@pytest.fixture(scope="module", params=["10.0", "11.0"])
def glpi(request: pytest.FixtureRequest) -> Iterator[Any]:
    running = _with_refusals(_start(demo=True, formcreator=False, glpi_version=request.param))
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def stubbed_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dashboard(monkeypatch)


async def build_app(server: Any, *, ticket: int = PENDING, web_session_ended: bool = True) -> Any:
    """Signed in as the demo customer; on GLPI 11 the web session opened with the sign-in
    has ended (`web_session_ended`), so the viewer asks the password."""
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.config import LoadedSettings, Profile, Settings, config_path
    from cebox_support.tui.session import settle_web_session, sign_in

    profile = Profile(url=server.api_url, login="post-only")
    settings = Settings(profiles={"test": profile}, default_profile="test")
    workspace = await sign_in("test", profile, password="postonly", cache_session=False)
    if web_session_ended:
        await settle_web_session(workspace)
        workspace.client.web_cookie = None
    return CeboxApp(
        LoadedSettings(settings, config_path()),
        workspace=workspace,
        now=frozen_now,
        open_ticket=ticket,
    )


async def ticket_opened(pilot: Any) -> TicketScreen:
    await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen)
    return screen


async def tab_to(pilot: Any, name: str, kind: type[Any] = PictureLine) -> Any:
    """Tab through the thread, as a person would, to the line of the document `name`."""
    for _ in range(20):
        focused = pilot.app.focused
        if isinstance(focused, kind) and focused.document and focused.document.filename == name:
            return focused
        await pilot.press("tab")
    raise AssertionError(f"no {kind.__name__} for {name}")


async def viewer_shown(pilot: Any, *, password: str | None = None) -> ImageViewerScreen:
    await wait_for(lambda: isinstance(pilot.app.screen, ImageViewerScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ImageViewerScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    if password is not None and screen.query_one("#viewer-password-row").display:
        await pilot.press(*password, "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return screen


async def from_dialog(pilot: Any, name: str, *, password: str = "postonly") -> ImageViewerScreen:
    """`d`, down to the document named `name`, Enter: the viewer (after the password on 11)."""
    await pilot.press("d")
    await wait_for(lambda: isinstance(pilot.app.screen, DocumentsScreen))
    names = [d.filename for d in pilot.app.screen.documents]
    for _ in range(names.index(name)):
        await pilot.press("down")
    await pilot.press("enter")
    return await viewer_shown(pilot, password=password)


def message(screen: ImageViewerScreen) -> str:
    return str(screen.query_one("#viewer-message", Static).render())


def status(screen: ImageViewerScreen) -> str:
    return str(screen.query_one("#viewer-status", Static).render())


# -- the thread ---------------------------------------------------------------------


async def test_the_pasted_photo_is_a_line_of_its_own(glpi: Any) -> None:
    async with (await build_app(glpi)).run_test(size=(100, 40)) as pilot:
        screen = await ticket_opened(pilot)
        lines = list(screen.query(PictureLine))
        assert [line.document.filename for line in lines] == [PASTED_NAME]
        assert "Enter to view" in str(lines[0].render())
        entry = lines[0].parent.children[lines[0].parent.children.index(lines[0]) - 1]
        assert isinstance(entry, TimelineEntry)
        text = str(entry.body())
        assert "démarre normalement" in text and "document.send.php" not in text
        assert "[image" not in text


async def test_the_pasted_photo_in_the_viewer_then_back(glpi: Any, tmp_path: Path) -> None:
    eleven = glpi.store.version.name == "11.0"
    async with (await build_app(glpi)).run_test(size=(100, 30)) as pilot:
        await ticket_opened(pilot)
        await pilot.press("d")
        await wait_for(lambda: isinstance(pilot.app.screen, DocumentsScreen))
        dialog = pilot.app.screen
        for _ in range([d.filename for d in dialog.documents].index(PASTED_NAME)):
            await pilot.press("down")
        await pilot.press("enter")
        viewer = await viewer_shown(pilot)
        assert viewer.query_one("#viewer-password-row").display is eleven
        if eleven:
            assert "password" in message(viewer)
            viewer = await viewer_shown(pilot, password="postonly")
        view = viewer.query_one(ImageView)
        assert (view.image.width, view.image.height) == (480, 270)
        title = str(viewer.query_one("#viewer-title", Static).render())
        assert PASTED_NAME in title and "480×270 px" in title and "1.4 KB" in title
        assert not any((tmp_path / "downloads").iterdir())  # nothing written
        await pilot.press("escape")
        await wait_for(lambda: pilot.app.screen is dialog)


async def test_enter_on_the_pasted_photo_in_the_thread_then_back(glpi: Any) -> None:
    async with (await build_app(glpi)).run_test(size=(100, 30)) as pilot:
        await ticket_opened(pilot)
        line = await tab_to(pilot, PASTED_NAME)
        await pilot.press("enter")
        viewer = await viewer_shown(pilot, password="postonly")
        assert viewer.query_one(ImageView).image.size == (480, 270)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
        assert pilot.app.focused is line


async def test_enter_on_a_document_of_the_thread(glpi: Any) -> None:
    """The capture's entry opens the viewer; a text document's opens the dialog on it."""
    async with (await build_app(glpi)).run_test(size=(100, 30)) as pilot:
        await ticket_opened(pilot)
        await tab_to(pilot, CAPTURE_NAME, TimelineEntry)
        await pilot.press("enter")
        viewer = await viewer_shown(pilot, password="postonly")
        assert viewer.query_one(ImageView).image.size == (960, 540)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(pilot.app.screen, TicketScreen))
        await tab_to(pilot, "procedure-redemarrage.txt", TimelineEntry)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(pilot.app.screen, DocumentsScreen))
        dialog = pilot.app.screen
        assert dialog.selected().filename == "procedure-redemarrage.txt"


async def test_zoom_pan_fit_save_and_back(glpi: Any, tmp_path: Path) -> None:
    async with (await build_app(glpi)).run_test(size=(80, 24)) as pilot:
        await ticket_opened(pilot)
        viewer = await from_dialog(pilot, CAPTURE_NAME)
        view = viewer.query_one(ImageView)
        assert view.fitted and view.percent == 8  # 960 pixels in 80 columns
        before = view.render_line(5).text
        await pilot.press("plus", "plus")
        assert not view.fitted and view.percent == 18
        assert "18%" in str(viewer.query_one("#viewer-title", Static).render())
        centre = view.centre
        await pilot.press("right", "down")
        assert view.centre[0] > centre[0] and view.centre[1] > centre[1]
        await pilot.press("1")
        assert view.percent == 100
        for _ in range(20):  # the view stops at the picture's edge
            await pilot.press("right")
        assert view.centre[0] == 960 - view.size.width / 2
        await pilot.press("minus")
        assert view.percent == 67
        await pilot.press("f")
        assert view.fitted and view.centre == (480, 270)
        await pilot.pause()
        assert view.render_line(5).text == before
        await pilot.press("s")
        saved = tmp_path / "downloads" / CAPTURE_NAME
        assert saved.read_bytes() == console_screenshot()
        assert str(saved) in status(viewer)
        await pilot.press("s")  # again: a new name, the first file kept
        assert (tmp_path / "downloads" / "capture-console (1).png").exists()
        await pilot.press("escape")
        await wait_for(lambda: isinstance(pilot.app.screen, DocumentsScreen))


async def test_documents_dialog_enter_views_a_picture(glpi: Any, tmp_path: Path) -> None:
    async with (await build_app(glpi)).run_test(size=(100, 30)) as pilot:
        await ticket_opened(pilot)
        await pilot.press("d")
        await wait_for(lambda: isinstance(pilot.app.screen, DocumentsScreen))
        dialog = pilot.app.screen
        names = [d.filename for d in dialog.documents]
        assert CAPTURE_NAME in names
        for _ in range(names.index(CAPTURE_NAME)):
            await pilot.press("down")
        await pilot.press("enter")
        viewer = await viewer_shown(pilot, password="postonly")
        assert viewer.query_one(ImageView).image.size == (960, 540)
        await pilot.press("escape")
        await wait_for(lambda: pilot.app.screen is dialog)
        assert not (tmp_path / "downloads").exists() or not any((tmp_path / "downloads").iterdir())


async def test_a_pasted_picture_the_ticket_does_not_list_is_not_offered(glpi: Any) -> None:
    async with (await build_app(glpi, ticket=glpi.refusals_ticket)).run_test() as pilot:
        screen = await ticket_opened(pilot)
        assert not screen.query(PictureLine)
        lines = [str(w.render()) for w in screen.query(".timeline-picture")]
        assert lines == ["🖼 picture #999999: not among the ticket's documents, not downloaded"]
        assert not any(w.focusable for w in screen.query(".timeline-picture"))


async def test_a_hostile_file_name_is_shown_as_text(glpi: Any) -> None:
    async with (await build_app(glpi, ticket=glpi.refusals_ticket)).run_test() as pilot:
        await ticket_opened(pilot)
        names = [d.filename for d in pilot.app.screen.detail.documents]
        shown = next(n for n in names if n.startswith("[b]"))
        viewer = await from_dialog(pilot, shown)
        title = viewer.query_one("#viewer-title", Static).render()
        assert "[b]voyants" in str(title) and "[/b].png" in str(title)
        assert "\x1b" not in str(title) and "\x07" not in str(title)
        assert viewer.query_one(ImageView).image.size == (480, 270)


async def test_a_huge_picture_is_refused_and_can_be_saved(glpi: Any, tmp_path: Path) -> None:
    async with (await build_app(glpi, ticket=glpi.refusals_ticket)).run_test() as pilot:
        await ticket_opened(pilot)
        viewer = await from_dialog(pilot, HUGE)
        assert "too large to show here (400 million pixels" in message(viewer)
        assert not viewer.query(ImageView)
        await pilot.press("s")
        assert (tmp_path / "downloads" / HUGE).read_bytes() == huge_png()


async def test_a_broken_picture_says_so(glpi: Any) -> None:
    async with (await build_app(glpi, ticket=glpi.refusals_ticket)).run_test() as pilot:
        await ticket_opened(pilot)
        viewer = await from_dialog(pilot, BROKEN)
        assert "damaged" in message(viewer) and "Press s to save" in message(viewer)


# -- snapshots ----------------------------------------------------------------------


def _opening(name: str, kind: type[Any] = PictureLine, *, view: bool = True) -> Any:
    """Focus the thread's line for `name`, or (`view`) open it from the documents dialog."""

    async def run_before(pilot: Any) -> None:
        await ticket_opened(pilot)
        if view:
            await from_dialog(pilot, name)
        else:
            widget = next(
                w
                for w in pilot.app.screen.query(kind)
                if w.document and w.document.filename == name
            )
            widget.focus()
        await pilot.pause()

    return run_before


@pytest.fixture(scope="module")
def glpi10() -> Iterator[Any]:
    running = _with_refusals(_start(demo=True, formcreator=False))
    yield running
    running.stop()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_capture(snap_compare: Any, make_app: Any, glpi10: Any, size: Any) -> None:
    app = make_app(server=glpi10, open_ticket=PENDING)
    run_before = _opening(CAPTURE_NAME, TimelineEntry)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_pasted_photo_line(
    snap_compare: Any, make_app: Any, glpi10: Any, size: Any
) -> None:
    app = make_app(server=glpi10, open_ticket=PENDING)
    run_before = _opening(PASTED_NAME, view=False)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.fixture
def same_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refusals name the downloads folder: the same one in every run (never written)."""
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", "/home/client/Téléchargements")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.usefixtures("same_downloads")
def test_snapshot_huge_refused(snap_compare: Any, make_app: Any, glpi10: Any, size: Any) -> None:
    app = make_app(server=glpi10, open_ticket=glpi10.refusals_ticket)
    assert snap_compare(app, terminal_size=size, run_before=_opening(HUGE, TimelineEntry))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.usefixtures("same_downloads")
def test_snapshot_broken_refused(snap_compare: Any, make_app: Any, glpi10: Any, size: Any) -> None:
    app = make_app(server=glpi10, open_ticket=glpi10.refusals_ticket)
    assert snap_compare(app, terminal_size=size, run_before=_opening(BROKEN, TimelineEntry))


def test_front_panel_photo_is_stable() -> None:
    """Seeded at every start: the same bytes each time (snapshots depend on it)."""
    assert front_panel_photo() == front_panel_photo.__wrapped__()


def test_pillow_waits_for_the_first_picture() -> None:
    """Start-up, the warm-up, the ticket, the documents dialog and the viewer's own module
    load no Pillow: decoding the first picture does."""
    import subprocess
    import sys

    code = (
        "import importlib, sys\n"
        "from cebox_support.tui.warmup import WARM_UP\n"
        "for name in WARM_UP: importlib.import_module(name.partition(':')[0])\n"
        "import cebox_support.tui.app, cebox_support.screens.documents\n"
        "import cebox_support.screens.image_viewer, cebox_support.widgets.timeline\n"
        "before = 'PIL' in sys.modules\n"
        "from cebox_support.tui.helpdesk.pictures import front_panel_photo\n"
        "from cebox_support.tui.images import decode\n"
        "decode(front_panel_photo())\n"
        "print(before, 'PIL' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "True"], result.stderr[-2000:]


# -- decoding -----------------------------------------------------------------------


def _saved(image: Any, fmt: str, **options: Any) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def test_decode_formats_first_frame_and_transparency() -> None:
    from cebox_support.tui.images import BACKGROUND, decode
    from PIL import Image

    red, blue = Image.new("RGB", (4, 3), (255, 0, 0)), Image.new("RGB", (4, 3), (0, 0, 255))
    gif = _saved(red, "GIF", save_all=True, append_images=[blue])
    picture = decode(gif)
    assert picture.format == "GIF" and picture.image.getpixel((0, 0)) == (255, 0, 0)
    for fmt in ("JPEG", "WEBP", "BMP"):
        assert decode(_saved(red, fmt)).image.size == (4, 3)
    clear = Image.new("RGBA", (2, 2), (255, 255, 255, 0))
    assert decode(_saved(clear, "PNG")).image.getpixel((1, 1)) == BACKGROUND


def test_decode_refuses_what_it_should_not_show() -> None:
    from cebox_support.tui.images import ImageRefused, decode
    from PIL import Image

    tiff = _saved(Image.new("RGB", (4, 3)), "TIFF")  # Pillow reads it; the viewer does not
    for data, kind in (
        (tiff, "unsupported"),
        (b"%PDF-1.7 not a picture", "unsupported"),
        (broken_png(), "corrupt"),
        (huge_png(), "too-large"),
        (huge_png(7000), "too-large"),  # 49 MP: under Pillow's own limit, over ours
    ):
        with pytest.raises(ImageRefused) as refused:
            decode(data)
        assert refused.value.kind == kind, data[:8]
    with pytest.raises(ImageRefused, match="7000×7000"):
        decode(huge_png(7000))
