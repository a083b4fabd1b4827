"""Sending a GLPI 11 native form under the rule every write follows: "in flight" is on
disk before SubmitAnswers leaves, and a record left by a send whose outcome nobody saw
(a crash, a lost answer) makes the next send look on the server first — the customer's
newest ticket linked to that form, dated by the server's clock — instead of posting the
form twice. Shared by the console and `new --form`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.drafts import InFlight, content_digest
from cebox_support.tui.submission import EPOCH, WriteGuard

if TYPE_CHECKING:
    from cebox_support.tui.api.models import RefusedFile
    from cebox_support.tui.api.native_forms import NativeForms, NativeSubmission, Progress
    from cebox_support.tui.forms.server import ServerForm


def guard_key(form: ServerForm) -> str:
    """The in-flight records' key: the same for the console and `new --form`."""
    return f"native-form-{form.id}"


def answers_digest(form: ServerForm, values: Mapping[str, object]) -> str:
    """The same answers to the same form, whoever sends them (console or command)."""
    plain = {
        key: [str(getattr(v, "path", v)) for v in value] if isinstance(value, list) else str(value)
        for key, value in sorted(values.items())
    }
    return content_digest("native-form", form.id, json.dumps(plain, sort_keys=True))


async def send_native_form(
    forms: NativeForms,
    form: ServerForm,
    values: Mapping[str, object],
    *,
    since: datetime,
    guard: WriteGuard | None = None,
    progress: Progress | None = None,
    substitute: Callable[[Path, RefusedFile], Path | None] | None = None,
) -> NativeSubmission:
    from cebox_support.tui.api.native_forms import NativeSubmission

    digest = answers_digest(form, values)
    if guard is not None:
        earlier = guard.drafts.in_flight(guard.key, digest)
        if earlier:
            if guard.checking is not None:
                guard.checking()
            for found in earlier:
                ticket = found.progress.get("ticket_id")
                try:
                    if not isinstance(ticket, int):
                        ticket = await forms.find_created(form.id, since=found.since or EPOCH)
                except GlpiError as error:
                    return NativeSubmission(error=error, maybe_sent=True)
                if ticket is not None:
                    for stale in earlier:
                        guard.drafts.finish(stale)
                    return NativeSubmission(ticket_id=ticket, already=True)
            for stale in earlier:  # looked: none of them reached the server
                guard.drafts.finish(stale)
    record: InFlight | None = None

    def before_submit(when: datetime) -> None:
        nonlocal record
        if guard is not None:
            content: dict[str, Any] = {"form": form.id, "name": form.name}
            record = guard.drafts.begin(guard.key, digest, content, since=when)

    result = await forms.send(
        form,
        values,
        since=since,
        progress=progress,
        substitute=substitute,
        before_submit=before_submit,
    )
    if guard is not None and record is not None and not result.maybe_sent:
        guard.drafts.finish(record)
    return result
