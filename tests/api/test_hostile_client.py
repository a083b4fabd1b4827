"""Hostile server text reaches the models inert: no control sequences, no bidi tricks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.models import TicketFilter
from cebox_support.tui.helpdesk.hostile import seed_hostile

from tests.api.test_text import inert


async def test_hostile_corpus_is_inert(fresh_helpdesk: Any, tmp_path: Path) -> None:
    ids = seed_hostile(fresh_helpdesk.store)
    async with GlpiClient(fresh_helpdesk.api_url) as client:
        await client.login("post-only", "postonly")
        page = await client.list_tickets(TicketFilter.ALL, count=100)
        assert set(ids) <= {r.id for r in page.rows}
        for row in page.rows:
            assert inert(row.name)
        for ticket_id in ids:
            detail = await client.get_ticket(ticket_id)
            texts = [detail.ticket.name, detail.ticket.text]
            texts += [i.text for i in detail.timeline()] + [i.author for i in detail.timeline()]
            texts += [a.name for a in detail.actors] + [d.filename for d in detail.documents]
            for text in texts:
                assert inert(text), repr(text[:80])
            assert len(detail.ticket.text) < 300_000
            for document in detail.documents:
                saved = await client.download_document(document, tmp_path / "dl")
                assert saved.parent == tmp_path / "dl"
                assert inert(saved.name) and not saved.name.startswith(".")
