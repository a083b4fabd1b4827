"""`list`, `show`, `open`: quick lookups from a shell or a tmux popup.

Exit codes: 0 ok, 3 not logged in, 4 no such ticket (or not mine to see), 1 any other
error — always with one line on stderr. Server text is cleaned before printing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cebox_support.tui.api.urls import normalize_api_url, web_root
from cebox_support.tui.config import LoadedSettings
from cebox_support.tui.i18n import _
from cebox_support.tui.session import Workspace

if TYPE_CHECKING:
    from cebox_support.tui.api.client import GlpiClient
    from cebox_support.tui.api.models import TicketDetail, TicketFilter, TicketSummary
    from cebox_support.tui.offline import ListCopy, OfflineCopies

from .common import (
    EXIT_USAGE,
    CommandError,
    fail,
    not_found,
    pick_profile,
    print_json,
    run,
    run_read,
)

STATUSES = ("open", "approval", "solved", "closed", "all")
LIST_PAGE = 100


def register(sub: Any) -> None:
    p = sub.add_parser("list", help=_("list my tickets"))
    p.add_argument(
        "--status",
        choices=STATUSES,
        default="open",
        help=_("which tickets (default: open)"),
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.add_argument(
        "--limit", type=int, default=50, metavar="N", help=_("at most N tickets (default 50)")
    )
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.set_defaults(handler=list_command)

    p = sub.add_parser("show", help=_("print a ticket and its whole thread"))
    p.add_argument("ticket", metavar="N|URL", help=_("ticket number or link"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.set_defaults(handler=show_command)

    p = sub.add_parser("open", help=_("start the console on a ticket or a GLPI 11 form link"))
    p.add_argument(
        "ticket", metavar="N|URL", help=_("ticket number or link, or a GLPI 11 form link")
    )
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.set_defaults(handler=open_command)


def _now() -> datetime:
    return datetime.now().astimezone()


def _ticket_id(text: str, server_url: str | None) -> int:
    from cebox_support.tui.links import LinkError, parse_ticket_ref

    try:
        return parse_ticket_ref(text, server_url)
    except LinkError as exc:  # not a ticket number, or another server's link
        raise CommandError(str(exc), code=EXIT_USAGE) from None


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _copies(args: argparse.Namespace, loaded: LoadedSettings) -> OfflineCopies:
    from cebox_support.tui.offline import OfflineCopies

    name, profile = pick_profile(args, loaded)
    return OfflineCopies(name, normalize_api_url(profile.url))


def _offline_notice(fetched_at: float, source: str = "") -> None:
    """On stderr, so stdout stays the same text or JSON as online."""
    from cebox_support.tui.offline import copy_label

    line = copy_label(fetched_at) + (f" ({source})" if source else "")
    print(f"cebox-support: {line}", file=sys.stderr)


def _list_source(f: TicketFilter, copy: ListCopy) -> str:
    """Which copy the rows come from, when it is not this list's own."""
    if copy.source == f.value:
        return ""
    source = _command_for(copy.source)
    if copy.complete:
        return _("taken from the copy of `{command}`").format(command=source)
    return _("taken from the copy of `{command}`, which holds only its latest tickets").format(
        command=source
    )


def _no_list_copy(f: TicketFilter) -> str:
    """Said after "cannot connect": which list, listed online, would have left a copy."""
    from cebox_support.tui.offline import WIDER

    commands = [_command_for(f.value)]
    if f.value in WIDER:
        commands.append(_command_for(WIDER[f.value]))
    return _("No copy of this list is kept: {commands} keeps one while the server answers.").format(
        commands=_(" or ").join(f"`{c}`" for c in commands)
    )


def _command_for(status: str) -> str:
    return "cebox-support list" + ("" if status == "open" else f" --status {status}")


def list_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from cebox_support.tui.api.models import TicketFilter

    if args.limit < 1:
        return fail(_("--limit must be at least 1."), EXIT_USAGE)
    f = TicketFilter(args.status)

    async def action(workspace: Workspace) -> int:

        rows: list[TicketSummary] = []
        total = 0
        while len(rows) < args.limit:
            count = min(LIST_PAGE, args.limit - len(rows))
            page = await workspace.client.list_tickets(f, start=len(rows), count=count)
            total = page.total
            rows.extend(page.rows)
            if not page.rows or len(rows) >= total:
                break
        rows = rows[: args.limit]
        copies = _copies(args, loaded)
        copies.save_list(f.value, rows, total)
        copies.save_me(workspace.me)  # a console opened offline can start on this copy
        return _print_list(args, f, rows, total, None)

    def offline() -> int | str:
        copy = _copies(args, loaded).load_list(f.value)
        if copy is None:
            return _no_list_copy(f)
        _offline_notice(copy.fetched_at, _list_source(f, copy))
        rows = copy.rows[: args.limit]
        return _print_list(args, f, rows, copy.total, copy.fetched_at, copy)

    return run(args, loaded, action, offline)


def _print_list(
    args: argparse.Namespace,
    f: TicketFilter,
    rows: list[TicketSummary],
    total: int,
    fetched_at: float | None,
    copy: ListCopy | None = None,
) -> int:
    from cebox_support.tui.render_text import ticket_list

    if args.json:
        payload: dict[str, Any] = {
            "status": f.value,
            "total": total,
            "tickets": [
                {**t.model_dump(mode="json"), "status_label": t.status.label} for t in rows
            ],
            **_freshness(fetched_at),
        }
        if copy is not None:
            payload["copy_of"] = copy.source
            payload["complete"] = copy.complete
        print_json(payload, indent=2)
        return 0
    if not rows:
        _write(_("No tickets ({filter}).").format(filter=f.label))
        return 0
    _write(ticket_list(rows, _now()))
    if total > len(rows):
        _write(_("{n} of {total} shown; use --limit to see more.").format(n=len(rows), total=total))
    return 0


def _freshness(fetched_at: float | None) -> dict[str, Any]:
    """--json: "stale" and the fetch time of a copy shown while the server is unreachable."""
    from cebox_support.tui.offline import iso

    if fetched_at is None:
        return {"stale": False}
    return {"stale": True, "fetched_at": iso(fetched_at)}


def show_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from cebox_support.tui.api.errors import NotFound, PermissionDenied

    try:
        api_url = normalize_api_url(pick_profile(args, loaded)[1].url)
        ticket_id = _ticket_id(args.ticket, web_root(api_url))
    except CommandError as exc:
        return fail(str(exc), exc.code)
    url = f"{web_root(api_url)}/front/ticket.form.php?id={ticket_id}"

    async def read(client: GlpiClient) -> TicketDetail | None:
        try:
            return await client.get_ticket(ticket_id)
        except (NotFound, PermissionDenied):
            return None

    async def action(workspace: Workspace, detail: TicketDetail | None) -> int:
        if detail is None:
            raise CommandError(not_found(ticket_id), code=4)
        _copies(args, loaded).save_ticket(detail)
        days = workspace.profile.autoclose_days
        _print_ticket(args, detail, workspace.client.ticket_url(ticket_id), None, days)
        workspace.seen.mark_seen(ticket_id, detail.ticket.date_mod)
        return 0

    def offline() -> int | None:
        copy = _copies(args, loaded).load_ticket(ticket_id)
        if copy is None:
            return None
        _offline_notice(copy.fetched_at)
        days = pick_profile(args, loaded)[1].autoclose_days
        _print_ticket(args, copy.detail, url, copy.fetched_at, days)
        return 0

    return run_read(args, loaded, read, action, offline)


def _print_ticket(
    args: argparse.Namespace,
    detail: TicketDetail,
    url: str,
    fetched_at: float | None,
    autoclose_days: int,
) -> None:
    from cebox_support.tui.render_text import ticket_detail

    if args.json:
        pending = detail.pending_solution is not None
        closes = detail.autoclose_date(autoclose_days) if pending else None
        payload = detail.model_dump(mode="json")
        payload["url"] = url
        payload["autoclose_date"] = closes.isoformat() if closes is not None else None
        payload["timeline"] = [i.model_dump(mode="json") for i in detail.timeline()]
        payload.update(_freshness(fetched_at))
        print_json(payload, indent=2)
    else:
        _write(ticket_detail(detail, _now(), url=url, autoclose_days=autoclose_days))


def open_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    server_url: str | None = None
    if not getattr(args, "demo", False):
        try:
            server_url = pick_profile(args, loaded)[1].url
        except CommandError as exc:
            return fail(str(exc), exc.code)
    from cebox_support.tui.links import LinkError, parse_form_link

    try:
        form = parse_form_link(args.ticket, server_url)
    except LinkError as exc:  # another server's form
        return fail(str(exc), EXIT_USAGE)
    from cebox_support.tui.commands.console import run_console

    if form is not None:  # a GLPI 11 form's (direct-access) link: that form
        from cebox_support.tui.messages import NewTicket

        return run_console(args, loaded, open_ticket=NewTicket(form_link=form))
    try:
        ticket_id = _ticket_id(args.ticket, server_url)
    except CommandError as exc:
        return fail(str(exc), exc.code)
    return run_console(args, loaded, open_ticket=ticket_id)
