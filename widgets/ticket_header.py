"""What a ticket is at a glance: number, title, status, people, and whether it awaits me."""

from __future__ import annotations

from cebox_support.tui.api.models import ActorRole, TicketDetail, TicketStatus
from cebox_support.tui.i18n import _, ngettext
from cebox_support.tui.render_text import exact_date
from cebox_support.widgets.timeline import format_when
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


def _names(detail: TicketDetail, role: ActorRole, me_id: int | None) -> str:
    people = [_("You") if a.user_id == me_id else a.name for a in detail.people(role)]
    return ", ".join(people) or "—"


class TicketHeader(Vertical):
    """Filled by `show(detail)`; until then only the number is known."""

    DEFAULT_CSS = """
    TicketHeader { height: auto; }
    TicketHeader > Static { height: auto; }
    """

    def __init__(self, ticket_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ticket_id = ticket_id

    def compose(self) -> ComposeResult:
        yield Static(Text(f"#{self.ticket_id}", style="bold"), id="ticket-title")
        yield Static("", id="ticket-facts")
        yield Static("", id="ticket-dates")
        yield Static("", id="ticket-people")
        notice = Static("", id="ticket-approval")
        notice.display = False
        yield notice

    def show(self, detail: TicketDetail, *, me_id: int | None, autoclose_days: int) -> None:
        t = detail.ticket
        title = Text(f"#{t.id}  ", style="bold")
        title.append(t.name, style="bold")
        self.query_one("#ticket-title", Static).update(title)

        facts = Text()
        facts.append(t.status.label, style="bold")
        if t.type is not None:
            facts.append(" · " + t.type.label)
        if t.category:
            facts.append(" · ")
            facts.append(t.category)
        self.query_one("#ticket-facts", Static).update(facts)

        dates = _("Opened {date}").format(date=format_when(t.date))
        dates += " · " + _("updated {date}").format(date=format_when(t.date_mod))
        if t.status is TicketStatus.CLOSED and t.closedate is not None:
            dates += " · " + _("closed {date}").format(date=format_when(t.closedate))
        self.query_one("#ticket-dates", Static).update(Text(dates, style="dim"))

        people = Text()
        people.append(_("{label}: ").format(label=_("Requester")), style="dim")
        people.append(_names(detail, ActorRole.REQUESTER, me_id))
        observers = detail.people(ActorRole.OBSERVER)
        if observers:
            people.append("  " + _("{label}: ").format(label=_("Observers")), style="dim")
            people.append(_names(detail, ActorRole.OBSERVER, me_id))
        technicians = detail.people(ActorRole.ASSIGNED)
        if technicians:
            people.append("  " + _("{label}: ").format(label=_("Technician")), style="dim")
            people.append(_names(detail, ActorRole.ASSIGNED, me_id))
        self.query_one("#ticket-people", Static).update(people)

        notice = self.query_one("#ticket-approval", Static)
        closes = detail.autoclose_date(autoclose_days)
        if detail.pending_solution is not None:
            text = _("Solution awaiting your approval")
            if closes is not None:
                text += " — " + _(
                    "closes automatically on or after {date} without an answer"
                ).format(date=exact_date(closes))
            notice.update(Text(text))
            notice.display = True
        else:
            notice.display = False


def news_from_support(before: TicketDetail, after: TicketDetail, me_id: int) -> str | None:
    """A toast's words for what changed between two fetches that the user did not do."""
    changes = changes_by_others(before, after, me_id)
    if not changes:
        return None
    return _("Ticket #{id} was updated by the support team: {changes}.").format(
        id=after.ticket.id, changes=", ".join(changes)
    )


def changes_by_others(before: TicketDetail, after: TicketDetail, me_id: int) -> list[str]:
    """What changed between two fetches that the user did not do here, in words."""
    changes = []
    known = {f.id for f in before.followups}
    new = [
        f
        for f in after.followups
        if f.id not in known and f.author_id != me_id and not f.is_private
    ]
    if new:
        changes.append(
            ngettext("{n} new follow-up", "{n} new follow-ups", len(new)).format(n=len(new))
        )
    solution = after.pending_solution
    old = before.pending_solution
    proposed = solution is not None and (old is None or old.id != solution.id)
    if proposed:
        changes.append(_("a solution awaits your approval"))
    elif after.ticket.status is not before.ticket.status:
        changes.append(_("status: {status}").format(status=after.ticket.status.label))
    return changes
