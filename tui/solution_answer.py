"""Approve or refuse a solution once: the one rule for the console and the commands.

The same mechanism as a reply (`tui/reply.py`): before the answer leaves, an in-flight
record is on disk (`Drafts.begin`) naming the solution awaiting approval. An
uncertain outcome (a timed-out answer, a process killed) leaves it there, and the
next attempt asks the server first: if that solution is no longer
awaiting approval the answer arrived and is not sent again. GLPI's own status says
so, whatever either clock says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.drafts import Drafts, InFlight, content_digest
from cebox_support.tui.reply import uncertain
from cebox_support.tui.submission import server_now

if TYPE_CHECKING:
    from cebox_support.tui.session import Workspace


def answer_key(ticket_id: int) -> str:
    """In-flight records of an approval or refusal of this ticket's solution."""
    return f"answer-{int(ticket_id)}"


async def _answered(workspace: Workspace, ticket_id: int, record: InFlight) -> bool:
    """The solution the record's answer was about is no longer awaiting approval."""
    detail = await workspace.call(lambda c: c.get_ticket(ticket_id))
    pending = detail.pending_solution
    return pending is None or (record.mark is not None and pending.id != record.mark)


async def answer_solution(
    workspace: Workspace,
    ticket_id: int,
    *,
    approve: bool,
    reason: str = "",
    solution_id: int | None = None,
    checking: Callable[[], None] | None = None,
) -> bool:
    """Send the approval (or refusal with `reason`) unless an earlier one arrived.

    True when an earlier answer whose outcome nobody saw is on the server (nothing was
    sent); False when this one was sent. Raises the send's error otherwise; after an
    uncertain one its record stays, so the next attempt looks first."""
    drafts: Drafts = workspace.drafts
    key = answer_key(ticket_id)
    earlier = []
    for record in drafts.in_flight(key):
        if None not in (solution_id, record.mark) and record.mark != solution_id:
            drafts.finish(record)  # about an earlier solution, answered since: not this one
        else:
            earlier.append(record)
    if earlier:
        if checking is not None:
            checking()
        if await _answered(workspace, ticket_id, earlier[-1]):
            for done in earlier:
                drafts.finish(done)
            return True
        for done in earlier:
            drafts.finish(done)
    verb = "approve" if approve else "refuse"
    content = {"ticket": int(ticket_id), "answer": verb, "reason": reason}
    digest = content_digest(verb, int(ticket_id), reason.strip())
    since = server_now(workspace.client)
    record = drafts.begin(key, digest, content, since=since, mark=solution_id)
    try:
        if approve:
            await workspace.call(lambda c: c.approve_solution(ticket_id))
        else:
            await workspace.call(lambda c: c.refuse_solution(ticket_id, reason))
    except GlpiError as error:
        # Uncertain: the record stays, so the next attempt looks before sending.
        if not uncertain(error):
            drafts.finish(record)
        raise
    drafts.finish(record)
    return False
