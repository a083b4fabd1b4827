"""The real client over real loopback HTTP against the embedded helpdesk."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    SessionExpired,
)
from cebox_support.tui.api.models import SolutionStatus, TicketFilter, TicketStatus, TimelineKind

from tests.conftest import _start


@pytest.fixture(scope="module", params=["10.0", "11.0"])
def helpdesk(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Every test here runs against both GLPI versions (one helpdesk each, read-only)."""
    running = _start(demo=True, glpi_version=request.param)
    yield running
    running.stop()


@pytest.fixture
def fresh_helpdesk(helpdesk: Any) -> Iterator[Any]:
    """A helpdesk of the test's own, of the version the module's run plays."""
    running = _start(demo=True, glpi_version=helpdesk.store.version.name)
    yield running
    running.stop()


async def logged(server: Any, login: str = "post-only", password: str = "postonly") -> GlpiClient:
    client = GlpiClient(server.api_url)
    await client.login(login, password)
    return client


async def test_login_with_password_gives_who_i_am(helpdesk: Any) -> None:
    client = GlpiClient(helpdesk.api_url)
    me = await client.login("post-only", "postonly")
    assert (me.id, me.login, me.password_expired) == (3, "post-only", False)
    assert client.session_token and len(client.session_token) >= 20
    await client.logout()
    assert not client.logged_in
    await client.close()


async def test_login_is_case_sensitive_and_wrong_password_refused(helpdesk: Any) -> None:
    async with GlpiClient(helpdesk.api_url) as client:
        with pytest.raises(AuthError) as wrong:
            await client.login("post-only", "wrong")
        assert "password" in wrong.value.message.lower()
        assert "postonly" not in str(wrong.value)
        with pytest.raises(AuthError):
            await client.login("Post-Only", "postonly")


async def test_user_token_login(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.set_user_token("post-only", "tok3n-for-tests-0123456789")
    async with GlpiClient(fresh_helpdesk.api_url) as client:
        me = await client.login_with_token("tok3n-for-tests-0123456789")
        assert me.login == "post-only"
        with pytest.raises(AuthError) as bad:
            await client.login_with_token("nope")
        assert bad.value.code == "ERROR_GLPI_LOGIN_USER_TOKEN"


async def test_killed_session_raises_session_expired(helpdesk: Any) -> None:
    client = await logged(helpdesk)
    token = client.session_token
    other = GlpiClient(helpdesk.api_url)
    await other.resume(token or "")
    await other.logout()
    await other.close()
    with pytest.raises(SessionExpired) as expired:
        await client.list_tickets()
    assert expired.value.status == 401
    assert token not in str(expired.value)
    assert not client.logged_in
    await client.close()


async def test_resume_with_invalid_token(helpdesk: Any) -> None:
    async with GlpiClient(helpdesk.api_url) as client:
        with pytest.raises(SessionExpired):
            await client.resume("a" * 26)
        assert not client.logged_in


async def test_list_pages_and_filters(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.bulk_tickets(3, 120)
    client = await logged(fresh_helpdesk)
    first = await client.list_tickets(TicketFilter.ALL, start=0, count=50)
    assert len(first.rows) == 50
    assert first.total >= 120
    second = await client.list_tickets(TicketFilter.ALL, start=50, count=50)
    assert {r.id for r in first.rows}.isdisjoint({r.id for r in second.rows})
    dates = [r.date_mod for r in first.rows if r.date_mod]
    assert dates == sorted(dates, reverse=True)
    counts = await client.count_all_filters()
    assert counts[TicketFilter.ALL] == first.total
    assert (
        counts[TicketFilter.OPEN] + counts[TicketFilter.SOLVED] + counts[TicketFilter.CLOSED]
        == counts[TicketFilter.ALL]
    )
    approval = await client.list_tickets(TicketFilter.APPROVAL, count=50)
    assert all(r.status is TicketStatus.SOLVED for r in approval.rows)
    await client.close()


async def test_empty_search_has_no_rows(fresh_helpdesk: Any) -> None:
    client = await logged(fresh_helpdesk)
    page = await client.list_tickets(TicketFilter.ALL, text="zzz-no-such-ticket-zzz")
    assert page.rows == [] and page.total == 0
    await client.close()


async def test_text_search_in_title_and_description(fresh_helpdesk: Any) -> None:
    client = await logged(fresh_helpdesk)
    a = await client.create_ticket(
        name="Imprimante bloquée", content_html="<p>rien</p>", ticket_type=1
    )
    b = await client.create_ticket(
        name="Autre", content_html="<p>le mot imprimante ici</p>", ticket_type=1
    )
    page = await client.list_tickets(TicketFilter.ALL, text="imprimante", count=50)
    ids = {r.id for r in page.rows}
    assert {a, b} <= ids
    await client.close()


async def test_a_number_finds_that_ticket(helpdesk: Any) -> None:
    """ "4" and "#4" find ticket 4 (the console's `/`), besides titles containing "4"."""
    client = await logged(helpdesk)
    for typed in ("4", "#4", " # 4 "):
        page = await client.list_tickets(TicketFilter.ALL, text=typed, count=50)
        assert 4 in {r.id for r in page.rows}, typed
    page = await client.list_tickets(TicketFilter.OPEN, text="3", count=50)
    assert 3 not in {r.id for r in page.rows}  # ticket 3 is closed: the filter still holds
    await client.close()


async def test_create_sets_me_as_requester_and_escapes(fresh_helpdesk: Any) -> None:
    from cebox_support.tui.api.text import text_to_html

    client = await logged(fresh_helpdesk)
    body = text_to_html("VDI <down> & [bold]out[/bold]\nligne 2")
    ticket_id = await client.create_ticket(name="Poste <3> & co", content_html=body, ticket_type=2)
    users = fresh_helpdesk.store.ticket_users(ticket_id)
    assert any(u["users_id"] == 3 and u["type"] == 1 for u in users)
    detail = await client.get_ticket(ticket_id)
    assert detail.ticket.name == "Poste <3> & co"
    assert "VDI <down> & [bold]out[/bold]" in detail.ticket.text
    assert detail.is_requester(3)
    assert detail.ticket.type is not None and detail.ticket.type.value == 2
    await client.close()


async def test_escaped_answers_are_decoded_too(fresh_helpdesk: Any) -> None:
    client = await logged(fresh_helpdesk)
    ticket_id = await client.create_ticket(
        name="a & b", content_html="<p>x &lt; y</p>", ticket_type=1
    )
    escaped = GlpiClient(fresh_helpdesk.api_url, raw_html=False)
    await escaped.login("post-only", "postonly")
    raw = await client.get_ticket(ticket_id)
    sanitized = await escaped.get_ticket(ticket_id)
    assert raw.ticket.name == sanitized.ticket.name == "a & b"
    assert raw.ticket.text == sanitized.ticket.text == "x < y"
    await client.close()
    await escaped.close()


async def test_ticket_timeline_hides_private_items(helpdesk: Any) -> None:
    client = await logged(helpdesk)
    page = await client.list_tickets(TicketFilter.ALL, count=100)
    details = await asyncio.gather(*(client.get_ticket(r.id) for r in page.rows))
    items = [i for d in details for i in d.timeline()]
    kinds = {i.kind for i in items}
    assert TimelineKind.DESCRIPTION in kinds and TimelineKind.FOLLOWUP in kinds
    private_texts = [
        f["content"]
        for d in details
        for f in helpdesk.store.followups(d.ticket.id)
        if f.get("is_private")
    ]
    shown = "\n".join(i.text for i in items)
    for secret in private_texts:
        assert secret not in shown
    for d in details:
        timeline = d.timeline()
        stamps = [i.date for i in timeline if i.date]
        assert stamps == sorted(stamps)
    await client.close()


async def test_not_found_ticket(helpdesk: Any) -> None:
    client = await logged(helpdesk)
    with pytest.raises((NotFound, PermissionDenied)):
        await client.get_ticket(999_999)
    await client.close()


async def test_followup_then_approve(fresh_helpdesk: Any) -> None:
    store = fresh_helpdesk.store
    client = await logged(fresh_helpdesk)
    ticket_id = await client.create_ticket(
        name="Approve me", content_html="<p>x</p>", ticket_type=1
    )
    followup_id = await client.add_followup(ticket_id, "Merci <b>!</b>")
    assert any(f["id"] == followup_id for f in store.followups(ticket_id))
    store.add_solution(ticket_id, user_id=4, content="<p>Redémarrez la ceBox.</p>")
    detail = await client.get_ticket(ticket_id)
    assert detail.pending_solution is not None
    await client.approve_solution(ticket_id)
    assert store.ticket(ticket_id)["status"] == 6
    assert store.solutions(ticket_id)[-1]["status"] == SolutionStatus.ACCEPTED
    await client.close()


async def test_refuse_needs_a_reason_and_reopens(fresh_helpdesk: Any) -> None:
    store = fresh_helpdesk.store
    client = await logged(fresh_helpdesk)
    ticket_id = await client.create_ticket(name="Refuse me", content_html="<p>x</p>", ticket_type=1)
    store.add_solution(ticket_id, user_id=4, content="<p>Non.</p>")
    with pytest.raises(InvalidRequest):
        await client.refuse_solution(ticket_id, "   ")
    assert store.ticket(ticket_id)["status"] == 5
    await client.refuse_solution(ticket_id, "Toujours en panne")
    assert store.ticket(ticket_id)["status"] in (1, 2)
    assert store.solutions(ticket_id)[-1]["status"] == SolutionStatus.REFUSED
    await client.close()


async def test_approval_ignored_without_requester_is_reported(fresh_helpdesk: Any) -> None:
    store = fresh_helpdesk.store
    ticket_id = store.create_ticket(
        name="No requester", content="<p>x</p>", requester_id=None, recipient_id=3
    )
    store.add_solution(ticket_id, user_id=4, content="<p>s</p>")
    client = await logged(fresh_helpdesk)
    with pytest.raises(PermissionDenied) as ignored:
        await client.approve_solution(ticket_id)
    assert ignored.value.code == "APPROVAL_IGNORED"
    assert store.ticket(ticket_id)["status"] == 5
    await client.close()


async def test_upload_and_download(fresh_helpdesk: Any, tmp_path: Path) -> None:
    client = await logged(fresh_helpdesk)
    ticket_id = await client.create_ticket(name="Docs", content_html="<p>x</p>", ticket_type=1)
    source = tmp_path / "qgaAgent.txt"
    source.write_bytes(b"line 1\nline 2\n")
    await client.upload_document(ticket_id, source)
    reply = tmp_path / "capture.txt"
    reply.write_text("capture")
    await client.add_followup(ticket_id, "Voici la capture", [reply])
    detail = await client.get_ticket(ticket_id)
    names = sorted(d.filename for d in detail.documents)
    assert names == ["capture.txt", "qgaAgent.txt"]
    out = tmp_path / "out"
    log = next(d for d in detail.documents if d.filename == "qgaAgent.txt")
    # GLPI 11: through the web page, a web session opened with the password once.
    saved = await client.fetch_document(log, out, ticket_id=ticket_id, password="postonly")
    assert saved.read_bytes() == b"line 1\nline 2\n"
    assert saved.parent == out
    again = await client.fetch_document(log, out, ticket_id=ticket_id)
    assert again != saved and again.parent == out
    assert bool(client.web_cookie) is (client.glpi_major == 11)
    await client.close()


async def test_observer_cannot_reply(fresh_helpdesk: Any) -> None:
    store = fresh_helpdesk.store
    ticket_id = store.create_ticket(
        name="Watched", content="<p>x</p>", requester_id=5, observers=(3,)
    )
    client = await logged(fresh_helpdesk)
    detail = await client.get_ticket(ticket_id)
    assert not detail.is_requester(3)
    with pytest.raises((PermissionDenied, InvalidRequest)):
        await client.add_followup(ticket_id, "hello")
    await client.close()


async def test_server_config_policy(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.set_password_policy(enabled=True, min_length=10, need_digit=True)
    client = await logged(fresh_helpdesk)
    config = await client.server_config()
    assert config.password_policy.enabled and config.password_policy.min_length == 10
    assert config.max_upload_bytes and config.max_upload_bytes > 0
    await client.close()


async def test_password_change_via_web_form_for_self_service(fresh_helpdesk: Any) -> None:
    client = await logged(fresh_helpdesk)
    await client.change_password("postonly", "N0uveau-mot!")
    await client.close()
    async with GlpiClient(fresh_helpdesk.api_url) as check:
        await check.login("post-only", "N0uveau-mot!")
        with pytest.raises(AuthError):
            await GlpiClient(fresh_helpdesk.api_url).login("post-only", "postonly")


async def test_password_change_wrong_current(fresh_helpdesk: Any) -> None:
    from cebox_support.tui.api.errors import PasswordChangeError

    client = await logged(fresh_helpdesk)
    with pytest.raises(PasswordChangeError):
        await client.change_password("not-the-password", "N0uveau-mot!")
    await client.close()


async def test_password_change_via_api_for_technician(fresh_helpdesk: Any) -> None:
    client = await logged(fresh_helpdesk, "tech", "tech")
    await client.change_password("tech", "T3ch-nouveau!")
    await client.close()
    assert fresh_helpdesk.store.check_password("tech", "T3ch-nouveau!")


async def test_expired_password_detected_then_changed(fresh_helpdesk: Any) -> None:
    fresh_helpdesk.store.add_user(
        "newbie", "Temp-1234", profile="Self-Service", password_expired=True
    )
    client = GlpiClient(fresh_helpdesk.api_url)
    me = await client.login("newbie", "Temp-1234")
    assert me.password_expired
    await client.change_password("Temp-1234", "Definitif-5678")
    assert client.me is not None and not client.me.password_expired
    await client.close()
    async with GlpiClient(fresh_helpdesk.api_url) as again:
        assert not (await again.login("newbie", "Definitif-5678")).password_expired


async def test_search_titles_are_unescaped(fresh_helpdesk: Any) -> None:
    client = await logged(fresh_helpdesk)
    ticket_id = await client.create_ticket(name="R&D <lab>", content_html="<p>x</p>", ticket_type=1)
    page = await client.list_tickets(TicketFilter.ALL, count=100)
    assert next(r for r in page.rows if r.id == ticket_id).name == "R&D <lab>"
    await client.close()


async def test_api_disabled_is_named(fresh_helpdesk: Any) -> None:
    from cebox_support.tui.api.errors import ApiDisabled

    fresh_helpdesk.store.api_enabled = False
    async with GlpiClient(fresh_helpdesk.api_url) as client:
        with pytest.raises(ApiDisabled):
            await client.login("post-only", "postonly")


async def test_app_token_required_and_wrong(fresh_helpdesk: Any) -> None:
    from cebox_support.tui.api.errors import AppTokenError

    fresh_helpdesk.store.app_token = "the-app-token"
    async with GlpiClient(fresh_helpdesk.api_url) as client:
        with pytest.raises(AppTokenError):
            await client.login("post-only", "postonly")
    async with GlpiClient(fresh_helpdesk.api_url, app_token="wrong") as client:
        with pytest.raises(AppTokenError):
            await client.login("post-only", "postonly")
    async with GlpiClient(fresh_helpdesk.api_url, app_token="the-app-token") as client:
        assert (await client.login("post-only", "postonly")).id == 3
