"""What the home screen says besides the table: its help, the empty list's message
and the status line. Plain functions of what is shown, so the words are found in one place,
apart from the paging and the refresh of the dashboard itself."""

from __future__ import annotations

from cebox_support.tui.api.models import TicketFilter, TicketSummary
from cebox_support.tui.i18n import _
from cebox_support.tui.render_text import exact_time
from cebox_support.widgets.ticket_table import sort_label


def dashboard_help() -> str:
    """F1 on the dashboard: its keys."""
    return _(
        "Your tickets, where you are a requester or an observer; the newest update first.\n\n"
        "- **Enter** opens the ticket under the cursor; **g** goes to a ticket by number "
        "or by a link pasted from an e-mail.\n"
        "- **1**–**5** or **←**/**→** switch between open, awaiting my approval, solved, "
        "closed and all tickets.\n"
        "- **/** searches titles and descriptions; **Escape** returns to the list.\n"
        "- **s** sorts by the next column, **S** reverses the order.\n"
        "- A **●** marks a ticket updated since you last opened it.\n"
        "- **n** declares an incident or opens a request; **r** reloads."
    )


def empty_message(text: str, counts: dict[TicketFilter, int], filter: TicketFilter) -> str:
    """Why the list is empty, and the key that shows tickets."""
    if text:
        return _("No ticket matches “{text}”. Press Escape to clear the search.").format(text=text)
    if not counts.get(TicketFilter.ALL):
        return _("No tickets yet — press n to declare an incident.")
    if filter is TicketFilter.APPROVAL:
        return _("No solution is waiting for your approval. Press 5 to see all your tickets.")
    return _(
        "No tickets in “{filter}”. Press 5 to see all your tickets, or n to declare an incident."
    ).format(filter=filter.label)


def status_text(
    *,
    loading: bool,
    total: int | None,
    position: int,
    ticket: TicketSummary | None,
    sort_key: str,
    descending: bool,
) -> str:
    """The line under the table: where the cursor is, the ticket's facts, the order."""
    order = f"{sort_label(sort_key)} {'▼' if descending else '▲'}"
    parts: list[str] = []
    if loading or total is None:
        parts.append(_("Loading…"))
    elif total:
        parts.append(_("{n} of {total}").format(n=position + 1, total=total))
    if ticket is not None:
        parts.append(ticket_facts(ticket))
    parts.append(_("sorted by {order}").format(order=order))
    return " · ".join(parts)


def ticket_facts(ticket: TicketSummary) -> str:
    facts = [f"#{ticket.id}"]
    if ticket.type is not None:
        facts.append(ticket.type.label)
    if ticket.category:
        facts.append(ticket.category)
    if ticket.priority is not None:
        facts.append(_("priority {p}").format(p=ticket.priority.label.lower()))
    if ticket.date_mod is not None:
        facts.append(_("updated {when}").format(when=exact_time(ticket.date_mod)))
    return " · ".join(facts)
