"""Plain text for `cebox-support list` and `show`, and the "3 h ago" of the ticket list.

No Textual, no Rich: these run in a tmux popup where start-up time counts. Server text
is passed through `clean_terminal`/`clean_line` again, so nothing a server sends can
drive the terminal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import datetime

from cebox_support.tui.api.models import (
    ActorRole,
    TicketDetail,
    TicketSummary,
    TimelineItem,
    TimelineKind,
)
from cebox_support.tui.api.text import clean_line, clean_terminal
from cebox_support.tui.i18n import _

WIDTH = 80


def relative_time(when: datetime | None, now: datetime) -> str:
    """A short age: "just now", "5 min ago", "3 h ago", "2 d ago", then the date (also for
    a date in the future, which is never "just now")."""
    if when is None:
        return ""
    if when.tzinfo is None and now.tzinfo is not None:
        when = when.replace(tzinfo=now.tzinfo)
    elif now.tzinfo is None and when.tzinfo is not None:
        now = now.replace(tzinfo=when.tzinfo)
    seconds = (now - when).total_seconds()
    if seconds < -60:  # the future (a server clock ahead, a bogus date): the date itself
        return exact_time(when)[:10]
    if seconds < 60:
        return _("just now")
    minutes = int(seconds // 60)
    if minutes < 60:
        return _("{n} min ago").format(n=minutes)
    hours = minutes // 60
    if hours < 24:
        return _("{n} h ago").format(n=hours)
    days = hours // 24
    if days < 30:
        return _("{n} d ago").format(n=days)
    return exact_time(when)[:10]


def local_time(when: datetime) -> datetime:
    """The one conversion of every view (list, `show`, header, thread): the user's zone.

    The client reads server times as aware datetimes in the server's zone; a naive one
    is taken as already local.
    """
    return when.astimezone() if when.tzinfo is not None else when


def exact_time(when: datetime | None) -> str:
    return local_time(when).strftime("%Y-%m-%d %H:%M") if when else ""


def format_when(when: datetime | None) -> str:
    """A timestamp ("horodatage") in the user's own timezone; a dash when there is none."""
    return exact_time(when) or "—"


def exact_date(when: datetime | None) -> str:
    return local_time(when).strftime("%Y-%m-%d") if when else ""


def _fit(text: str, width: int) -> str:
    text = clean_line(text)
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(width - 1, 0)] + "…"


def ticket_list(rows: Sequence[TicketSummary], now: datetime, *, width: int = WIDTH) -> str:
    """One line per ticket, columns fitting `width` (80 by default)."""
    fixed = [("#", 6), (_("Status"), 10), (_("Updated"), 11)]
    title_width = width - sum(w for _label, w in fixed) - len(fixed)
    lines = [
        " ".join(
            [
                _fit(_("#"), 6),
                _fit(_("Title"), title_width),
                _fit(_("Status"), 10),
                _fit(_("Updated"), 11),
            ]
        ).rstrip()
    ]
    for row in rows:
        lines.append(
            " ".join(
                [
                    str(row.id).rjust(6),
                    _fit(row.name, title_width),
                    _fit(row.status.short_label, 10),
                    _fit(relative_time(row.date_mod, now), 11),
                ]
            ).rstrip()
        )
    return "\n".join(lines)


def autoclose_notice(closes: datetime) -> str:
    """Said the same way by `show` and the ticket screen."""
    return _("automatically on or after {date} without an answer").format(date=exact_date(closes))


def kind_label(kind: TimelineKind) -> str:
    """What a thread entry is, in words: one wording for `show` and the ticket screen."""
    return {
        TimelineKind.DESCRIPTION: _("Description"),
        TimelineKind.FOLLOWUP: _("Follow-up"),
        TimelineKind.TASK: _("Task"),
        TimelineKind.SOLUTION: _("Solution"),
        TimelineKind.DOCUMENT: _("Document"),
    }[kind]


def _kind_label(item: TimelineItem) -> str:
    status = item.solution_status.label if item.solution_status else ""
    return kind_label(item.kind) + (f" ({status})" if status else "")


def _wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    out: list[str] = []
    for paragraph in clean_terminal(text).splitlines():
        if not paragraph.strip():
            out.append("")
            continue
        out.extend(
            textwrap.wrap(
                paragraph,
                width=width,
                initial_indent=indent,
                subsequent_indent=indent,
                break_long_words=True,
                break_on_hyphens=False,
                replace_whitespace=False,
            )
            or [indent]
        )
    return out


def ticket_detail(
    detail: TicketDetail,
    now: datetime,
    *,
    url: str = "",
    width: int = WIDTH,
    autoclose_days: int | None = None,
) -> str:
    """The ticket, its people and its whole public timeline, oldest first."""
    t = detail.ticket
    closes = detail.autoclose_date(autoclose_days) if autoclose_days is not None else None
    lines = [f"#{t.id}  {clean_line(t.name)}", "=" * min(width, len(clean_line(t.name)) + 8)]
    facts = [
        (_("Status"), t.status.label),
        (_("Type"), t.type.label if t.type else ""),
        (_("Category"), t.category),
        (_("Priority"), t.priority.label if t.priority else ""),
        (_("Opened"), exact_time(t.date)),
        (
            _("Last update"),
            f"{exact_time(t.date_mod)} ({relative_time(t.date_mod, now)})" if t.date_mod else "",
        ),
    ]
    if detail.pending_solution is not None and closes is not None:
        facts.append((_("Closes"), autoclose_notice(closes)))
    for role in ActorRole:
        people = ", ".join(clean_line(a.name) for a in detail.people(role))
        if people:
            facts.append((role.label, people))
    if url:
        facts.append((_("Link"), url))
    label_width = max(len(label) for label, _value in facts)
    for label, value in facts:
        if value:
            lines.append(f"{label.ljust(label_width)} : {clean_line(value)}")
    for item in detail.timeline():
        lines.append("")
        who = clean_line(item.author) if item.author else ""
        head = " · ".join(x for x in (_kind_label(item), who, exact_time(item.date)) if x)
        lines.append(f"── {head} " + "─" * max(0, width - len(head) - 4))
        lines.extend(_wrap(item.text, width - 2))
        lines.extend(_("[image: {name}]").format(name=clean_line(d.filename)) for d in item.images)
    return "\n".join(lines).rstrip() + "\n"
