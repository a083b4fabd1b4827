"""Files the server did not keep: named, and sent again compressed (issue 14)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from cebox_support.tui.api.models import RefusedFile
from cebox_support.tui.compress import gzip_copy, not_kept, send_compressed
from cebox_support.tui.config import Profile
from cebox_support.tui.session import sign_in


def test_gzip_copy_keeps_the_name_and_the_bytes(tmp_path: Path) -> None:
    log = tmp_path / "qgaAgent.log"
    log.write_bytes(b"agent line\n" * 1000)
    copy = gzip_copy(log)
    assert copy.name == "qgaAgent.log.gz" and copy.parent != tmp_path
    assert gzip.decompress(copy.read_bytes()) == log.read_bytes()
    assert log.exists()


def test_not_kept_names_each_file_and_why() -> None:
    refused = [RefusedFile(name="qgaAgent.log", reason="Filetype not allowed", kind="type")]
    assert not_kept(refused) == "qgaAgent.log was not accepted by the server (type .log refused)"


async def test_a_refused_log_reaches_the_ticket_compressed_once(
    fresh_helpdesk: Any, tmp_path: Path
) -> None:
    log = tmp_path / "qgaAgent.log"
    log.write_text("2026-11-28 agent started\n")
    profile = Profile(url=fresh_helpdesk.api_url, login="post-only")
    workspace = await sign_in("t", profile, password="postonly", cache_session=False)
    try:
        ticket = (await workspace.client.list_tickets()).rows[0].id
        old = [d.filename for d in (await workspace.client.get_ticket(ticket)).documents]
        outcome = await workspace.client.send_followup(ticket, "le journal", [log])
        assert outcome.item_id and outcome.kept == []
        assert [r.name for r in outcome.refused] == ["qgaAgent.log"]
        resent = await send_compressed(workspace, ticket, outcome.refused, [log])
        assert resent.sent == ["qgaAgent.log.gz"] and resent.failed == []
        names = [d.filename for d in (await workspace.client.get_ticket(ticket)).documents]
        assert names.count("qgaAgent.log.gz") == old.count("qgaAgent.log.gz") + 1
        assert "qgaAgent.log" not in names
    finally:
        await workspace.client.close()
