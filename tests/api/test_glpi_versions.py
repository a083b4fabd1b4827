"""What the console must get right on every GLPI version it supports (10.0 and 11.0).

The real client over loopback against the embedded helpdesk playing each version
(one helpdesk per version for this module); faults the helpdesk cannot produce come
from `httpx.MockTransport`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import NeedsBrowser, ServerError, SessionExpired, WebLoginRequired

from tests.conftest import _start


async def logged(server: Any, login: str = "post-only", password: str = "postonly") -> GlpiClient:
    client = GlpiClient(server.api_url)
    await client.login(login, password)
    return client


async def test_version_known_from_the_token_then_from_the_config(helpdesk: Any) -> None:
    client = await logged(helpdesk)
    assert client.glpi_major == 10
    assert client.glpi_version == ""  # no extra request at sign-in
    config = await client.server_config()
    assert client.glpi_version == config.version
    assert client.glpi_version.startswith("10.")
    await client.close()


def test_token_shapes_tell_the_versions_apart() -> None:
    ten = GlpiClient("http://127.0.0.1:1")
    ten.use_session_token("0123456789abcdefghijklmnop")
    assert ten.glpi_major == 10
    eleven = GlpiClient("http://127.0.0.1:1")
    eleven.use_session_token("A" * 118 + "==")
    assert eleven.glpi_major == 11


def test_search_text_is_unescaped_once_on_10_never_on_11() -> None:
    client = GlpiClient("http://127.0.0.1:1")
    client.glpi_major = 10
    assert client._search_line("R&#38;D &#60;b&#62;") == "R&D <b>"
    client.glpi_major = 11
    # 11 sends raw text: what the user typed as "&amp;" stays as typed.
    assert client._search_line("R&amp;D <b>") == "R&amp;D <b>"


async def test_a_write_answered_5xx_is_uncertain_a_read_is_not() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="<html>Internal error</html>")

    client = GlpiClient("http://glpi.test", transport=httpx.MockTransport(handler), read_retries=0)
    client.use_session_token("0123456789abcdefghijklmnop")
    with pytest.raises(ServerError) as write:
        await client._request("POST", "ITILFollowup", json_body={"input": {}})
    assert write.value.uncertain
    with pytest.raises(ServerError) as read:
        await client._request("GET", "Ticket/1")
    assert not read.value.uncertain
    await client.close()


@pytest.mark.parametrize("code", ["ERROR_SESSION_TOKEN_INVALID", "ERROR_SESSION_TOKEN_MISSING"])
async def test_both_session_errors_mean_sign_in_again(code: str) -> None:
    status = 401 if code.endswith("INVALID") else 400

    def handler(request: httpx.Request) -> httpx.Response:
        assert "session_token" not in str(request.url)  # only ever a header
        assert request.headers["Session-Token"]
        return httpx.Response(status, json=[code, "session"])

    client = GlpiClient("http://glpi.test", transport=httpx.MockTransport(handler))
    client.use_session_token("A" * 118 + "==")
    with pytest.raises(SessionExpired):
        await client.get_ticket_head(1)
    assert not client.logged_in  # what the re-login path looks at
    await client.close()


async def test_download_on_10_is_the_rest_one(helpdesk: Any, tmp_path: Path) -> None:
    client = await logged(helpdesk)
    document = (await client.get_ticket(1)).documents[0]
    before = len(helpdesk.request_log)
    saved = await client.fetch_document(document, tmp_path, ticket_id=1)
    assert saved.read_bytes()
    paths = [e.path for e in helpdesk.request_log[before:]]
    assert any(p.endswith(f"/Document/{document.id}") for p in paths)
    assert not any("document.send.php" in p for p in paths)
    await client.close()


async def test_personal_token_on_11_is_sent_to_the_browser(tmp_path: Path) -> None:
    client = GlpiClient("http://glpi.test", transport=httpx.MockTransport(lambda r: None))  # type: ignore[arg-type,return-value]
    client.glpi_major, client.personal_token = 11, True
    from cebox_support.tui.api.models import Document

    with pytest.raises(NeedsBrowser) as needs:
        await client.fetch_document(Document(id=3, filename="a.txt"), tmp_path, ticket_id=7)
    assert needs.value.url.endswith("/front/ticket.form.php?id=7")
    client.personal_token = False
    with pytest.raises(WebLoginRequired):
        await client.fetch_document(Document(id=3, filename="a.txt"), tmp_path, ticket_id=7)
    await client.close()


@pytest.fixture(scope="module", params=["10.0", "11.0"])
def glpi(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One demo helpdesk per version for this module (these tests add their own tickets)."""
    running = _start(demo=True, glpi_version=request.param)
    yield running
    running.stop()


async def test_a_reply_whose_file_is_refused_is_sent_once(glpi: Any, tmp_path: Path) -> None:
    """10 answers 201 and names the refused file; 11 saves the reply, then answers 500
    (the client says so: uncertain). Each version's own path, asserted as such: one
    follow-up, the file named as not kept, nothing sent twice."""
    eleven = glpi.store.version.name == "11.0"
    client = await logged(glpi)
    ticket = await client.create_ticket(name="Journal", content_html="<p>x</p>", ticket_type=1)
    log = tmp_path / "qgaAgent.log"
    log.write_text("line\n")
    before = await client.ticket_document_ids(ticket)
    if eleven:
        with pytest.raises(ServerError) as failed:
            await client.send_followup(ticket, "voici le journal", [log])
        assert failed.value.uncertain and failed.value.status == 500
        found = await client.find_followup_outcome(
            ticket, "voici le journal", [log], known_documents=before
        )
        assert found is not None
        outcome = found
    else:
        outcome = await client.send_followup(ticket, "voici le journal", [log])
        assert outcome.refused[0].reason == "Filetype not allowed"
    assert outcome.item_id and [r.name for r in outcome.refused] == ["qgaAgent.log"]
    again = await client.find_followup_outcome(
        ticket, "voici le journal", [log], known_documents=before
    )
    assert again is not None and again.item_id == outcome.item_id
    followups = glpi.store.query(
        "SELECT id FROM glpi_itilfollowups WHERE itemtype = 'Ticket' AND items_id = ?", (ticket,)
    )
    assert len(followups) == 1
    await client.close()


async def test_a_download_asks_only_what_its_version_answers(glpi: Any, tmp_path: Path) -> None:
    """10: the REST download alone. 11 refuses REST downloads to customers: the client
    goes straight to the web page (a login, then document.send.php), never trying REST
    first."""
    eleven = glpi.store.version.name == "11.0"
    client = await logged(glpi)
    document = next(
        d for d in (await client.get_ticket(6)).documents if d.filename.startswith("procedure")
    )
    start = len(glpi.request_log)
    saved = await client.fetch_document(document, tmp_path, ticket_id=6, password="postonly")
    assert saved.read_bytes().startswith("Redémarrage".encode())
    made = [(e.method, e.path.split("?")[0]) for e in glpi.request_log[start:]]
    if eleven:
        assert not any("/Document/" in path for _, path in made), made
        assert [m for m in made if m == ("POST", "/front/login.php")] == [
            ("POST", "/front/login.php")
        ]
        assert made[-1] == ("GET", "/front/document.send.php"), made
        assert [p for _, p in made].count("/front/document.send.php") == 1
    else:
        assert made == [("GET", f"/apirest.php/Document/{document.id}")], made
    await client.close()
