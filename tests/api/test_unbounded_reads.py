"""Issue 24 item 8: nothing is read without a bound — GLPI 11's web download streams
under the REST download's cap and whole-download deadline, attachments go out from
disk at the size they had when opened, and `document_max_size = 0` is no "no limit"."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cebox_support.tui.api import errors as E
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.models import Document, ServerConfig
from cebox_support.tui.api.transport import DOWNLOAD_MARGIN, FileAtSize

CHUNK = 64 * 1024


def web_client_on_11(handler: httpx.MockTransport, *, timeout: float = 20.0) -> GlpiClient:
    """A GLPI 11 client holding a web session: a download goes straight to the web page."""
    client = GlpiClient("http://glpi.test", transport=handler, timeout=timeout)
    client.glpi_major = 11
    client.web_cookie = "glpi_0123=abcdef"
    return client


async def test_glpi11_web_download_stops_reading_at_the_cap(tmp_path: Path) -> None:
    pulled = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(400):  # 25 MB if read whole
            pulled += CHUNK
            yield b"x" * CHUNK

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/front/document.send.php"
        return httpx.Response(
            200, headers={"content-type": "application/octet-stream"}, content=endless()
        )

    client = web_client_on_11(httpx.MockTransport(handler))
    document = Document(id=3, filename="a.txt", size=1000)
    with pytest.raises(E.ServerError, match="sent more than"):
        await client.fetch_document(document, tmp_path / "dl", ticket_id=7)
    limit = 1000 + 100 + DOWNLOAD_MARGIN
    assert pulled <= limit + 2 * CHUNK  # stopped at the cap, not read whole then cut
    assert list((tmp_path / "dl").iterdir()) == []  # no partial file
    await client.close()


async def test_glpi11_web_download_has_one_deadline_for_the_whole_download(
    tmp_path: Path,
) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        while True:  # a byte every 50 ms: each read is quick, the download never ends
            await asyncio.sleep(0.05)
            yield b"x"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "application/octet-stream"}, content=trickle()
        )

    client = web_client_on_11(httpx.MockTransport(handler), timeout=0.5)
    document = Document(id=3, filename="a.txt", size=1)  # deadline 0.5 s + 64 kB at 50 kB/s
    with pytest.raises(E.Timeout):
        await asyncio.wait_for(client.fetch_document(document, tmp_path / "dl", ticket_id=7), 15)
    assert list((tmp_path / "dl").iterdir()) == []
    await client.close()


async def test_an_attachment_is_streamed_from_disk_never_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "trace.txt"
    log.write_bytes(b"0123456789" * 20_000)
    sent: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.read())
        return httpx.Response(201, json={"id": 9, "message": ""})

    def whole(self: Path) -> bytes:
        raise AssertionError(f"{self} read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)
    client = GlpiClient("http://glpi.test", transport=httpx.MockTransport(handler))
    client.use_session_token("0123456789abcdefghijklmnop")
    outcome = await client.send_followup(1, "voici", [log])
    assert outcome.item_id == 9 and outcome.kept == ["trace.txt"]
    assert b"0123456789" * 20_000 in sent[0]
    await client.close()


def test_a_file_still_growing_is_sent_at_the_size_it_had_when_opened(tmp_path: Path) -> None:
    log = tmp_path / "qga.txt"
    log.write_bytes(b"a" * 10)
    with log.open("rb") as handle:
        part = FileAtSize(handle, os.fstat(handle.fileno()).st_size)
        with log.open("ab") as writer:
            writer.write(b"b" * 1000)
        assert part.seek(0, os.SEEK_END) == 10  # what Content-Length is computed from
        part.seek(0)
        assert part.read(4) + part.read() == b"a" * 10
        assert part.read(1) == b""


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
async def test_a_device_is_never_uploaded(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    client = GlpiClient("http://glpi.test", transport=httpx.MockTransport(handler))
    client.use_session_token("0123456789abcdefghijklmnop")
    with pytest.raises(E.InvalidRequest, match="not a regular file"):
        await client.send_followup(1, "voici", [Path("/dev/zero")])
    await client.close()


@pytest.mark.parametrize("said", ["0", "", None, "-1", "nan", "1e400"])
async def test_a_server_without_a_document_max_size_gets_glpis_default(said: object) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        cfg = {"version": "10.0.12"}
        if said is not None:
            cfg["document_max_size"] = str(said)
        return httpx.Response(200, content=json.dumps({"cfg_glpi": cfg}).encode())

    client = GlpiClient("http://glpi.test", transport=httpx.MockTransport(handler))
    client.use_session_token("0123456789abcdefghijklmnop")
    config = await client.server_config()
    assert config.max_upload_bytes == 2 * 2**20  # GLPI's default, never "no limit"
    await client.close()


def test_a_server_limit_is_kept() -> None:
    assert ServerConfig(document_max_size_mb=10).max_upload_bytes == 10 * 2**20
    assert ServerConfig(document_max_size_mb=0.5).max_upload_bytes == 2**19


async def test_a_native_form_attachment_is_streamed_from_disk_never_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GLPI 11's uploader (/ajax/fileupload.php) gets the file like every other upload:
    from disk, over real HTTP to the helpdesk playing 11.0, the whole file kept."""
    from cebox_support.tui.api.native_forms import NativeForms, UploadedFile

    from tests.conftest import _start

    eleven = _start(demo=True, formcreator=False, glpi_version="11.0")
    client = GlpiClient(eleven.api_url)
    forms = NativeForms(client)
    try:
        await client.login("post-only", "postonly")
        await forms.sign_in("post-only", "postonly")
        incident = next(f for f in (await forms.catalogue()).forms if "incident" in f.name)
        form = await forms.render(incident.id, summary=incident)
        question = next(q for q in form.questions if q.fieldtype == "file")
        log = tmp_path / "trace.txt"
        log.write_bytes(b"0123456789" * 20_000)

        def whole(self: Path) -> bytes:
            raise AssertionError(f"{self} read whole")

        monkeypatch.setattr(Path, "read_bytes", whole)
        kept = await forms.upload(question, log, form)
        monkeypatch.undo()
        assert isinstance(kept, UploadedFile)
        [(data,)] = eleven.store.execute(
            "SELECT data FROM x_forms_uploads WHERE name = ?", (kept.name,)
        ).fetchall()
        assert bytes(data) == b"0123456789" * 20_000
    finally:
        await forms.close()
        await client.close()
        eleven.stop()
