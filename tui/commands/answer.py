"""`reply`, `approve`, `refuse`: answer a ticket from a script or a tmux key binding.

Same rules as the console: attachments are checked before anything is sent, and a
reply whose send was uncertain is looked up on the server rather than sent twice.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.config import LoadedSettings
from cebox_support.tui.i18n import _
from cebox_support.tui.session import Workspace

if TYPE_CHECKING:
    from cebox_support.tui.api.models import RefusedFile

from .common import (
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    CommandError,
    TextTooLong,
    fail,
    not_found,
    print_json,
    read_text_capped,
    run,
    ticket_number,
)


def register(sub: Any) -> None:
    p = sub.add_parser("reply", help=_("add a follow-up to a ticket"))
    p.add_argument("ticket", type=ticket_number, metavar="N", help=_("ticket number"))
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("-m", "--message", help=_("the reply's text"))
    source.add_argument("--file", help=_("read the reply's text from a file ('-' for stdin)"))
    p.add_argument(
        "--attach",
        action="append",
        default=[],
        metavar="PATH",
        help=_("attach a file (repeat for several)"),
    )
    p.add_argument(
        "--compress-refused",
        action="store_true",
        help=_(
            "send a compressed copy (.gz) of each file the server refuses for its type "
            "(GLPI refuses .log by default)"
        ),
    )
    p.add_argument("--json", action="store_true", help=_("print the outcome as JSON"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.set_defaults(handler=reply_command)

    p = sub.add_parser("approve", help=_("approve a ticket's solution (the ticket is closed)"))
    p.add_argument("ticket", type=ticket_number, metavar="N", help=_("ticket number"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.set_defaults(handler=approve_command)

    p = sub.add_parser("refuse", help=_("refuse a ticket's solution (the ticket is reopened)"))
    p.add_argument("ticket", type=ticket_number, metavar="N", help=_("ticket number"))
    p.add_argument("--reason", required=True, help=_("why the solution does not work"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.set_defaults(handler=refuse_command)


def _reply_text(args: argparse.Namespace) -> str:
    if args.message is not None:
        return str(args.message)
    try:
        return read_text_capped(args.file)
    except TextTooLong as exc:
        raise CommandError(f"--file: {exc}", code=EXIT_USAGE) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(
            _("Cannot read {path}: {reason}").format(
                path=args.file, reason=getattr(exc, "strerror", None) or exc
            )
        ) from None


def reply_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    try:
        text = _reply_text(args)
    except CommandError as exc:
        return fail(str(exc), exc.code)
    if not text.strip() and not args.attach:
        return fail(_("Write a message before sending."), EXIT_USAGE)

    async def action(workspace: Workspace) -> int:
        from cebox_support.tui.api.errors import NotFound, PermissionDenied
        from cebox_support.tui.drafts import maybe_sent_checking
        from cebox_support.tui.forms import AttachmentError, check_attachment
        from cebox_support.tui.reply import ReplyState, send_reply

        config = await workspace.server_config()
        paths: list[Path] = []
        for raw in args.attach:
            try:
                paths.append(check_attachment(raw, config.max_upload_bytes).path)
            except AttachmentError as exc:
                raise CommandError(exc.message, code=EXIT_USAGE) from None
        result = await send_reply(
            workspace,
            args.ticket,
            text,
            paths,
            started=workspace.now(),
            checking=lambda: print(f"cebox-support: {maybe_sent_checking()}", file=sys.stderr),
        )
        if isinstance(result.error, NotFound | PermissionDenied):
            # GLPI says only "not allowed": find out why, as `show` and the console do.
            await _explain_refused_reply(workspace, args.ticket)
        if result.state is ReplyState.NOT_ARRIVED:
            raise CommandError(
                _("The reply did not arrive (checked on the server): send it again.")
            )
        if result.state is ReplyState.UNCONFIRMED:
            raise CommandError(
                _(
                    "The server did not confirm the reply and could not be checked: look at "
                    "the ticket (`cebox-support show {ticket}`) before sending it again."
                ).format(ticket=args.ticket)
            )
        if result.error is not None:
            raise result.error
        followup_id = result.followup_id
        workspace.seen.mark_seen(args.ticket)  # my own change: no "new" mark, no nudge
        if result.already:
            print(f"cebox-support: {result.message()}", file=sys.stderr)
        return await _report_reply(workspace, args, followup_id, result.kept, result.refused, paths)

    return run(args, loaded, action)


async def _report_reply(
    workspace: Workspace,
    args: argparse.Namespace,
    followup_id: int | None,
    kept: list[str],
    refused: list[RefusedFile],
    paths: list[Path],
) -> int:
    """Say what the server kept: a 201 is no proof that a file arrived. Files it refused
    are named with the reason, sent again compressed with --compress-refused, and make
    the exit status 1."""
    from cebox_support.tui.compress import not_kept, send_compressed

    sent = list(kept)
    compressed: list[str] = []
    failed = list(refused)
    if refused and args.compress_refused:
        resend = await send_compressed(workspace, args.ticket, refused, paths)
        compressed, failed = resend.sent, resend.failed
    if args.json:
        print_json(
            {
                "ticket": args.ticket,
                "followup": followup_id,
                "sent": sent,
                "compressed": compressed,
                "failed": [{"file": f.name, "reason": f.reason} for f in failed],
            },
            ensure_ascii=False,
        )
    else:
        print(
            _("Reply {followup} added to ticket #{ticket}.").format(
                followup=followup_id, ticket=args.ticket
            )
        )
        for name in compressed:
            print(_("{name} sent in place of the refused file.").format(name=name))
    if not failed:
        return 0
    hint = ""
    if not args.compress_refused and any(f.compressible for f in failed):
        hint = " " + _("Send it compressed with --compress-refused.")
    fail(_("Reply sent; {files}.").format(files=not_kept(failed)) + hint)
    return 1


async def _explain_refused_reply(workspace: Workspace, ticket_id: int) -> None:
    """A refused reply: the ticket does not exist for me, or is closed (else: GLPI's reason)."""
    from cebox_support.tui.api.errors import NotFound, PermissionDenied
    from cebox_support.tui.api.models import TicketStatus

    try:
        ticket = await workspace.client.get_ticket_head(ticket_id)
    except (NotFound, PermissionDenied):
        raise CommandError(not_found(ticket_id), code=EXIT_NOT_FOUND) from None
    if ticket.status is TicketStatus.CLOSED:
        raise CommandError(
            _(
                "Ticket #{ticket} is closed: GLPI does not accept replies on a closed ticket. "
                "If the problem is back, open a new ticket (`cebox-support new`) and mention "
                "#{ticket}."
            ).format(ticket=ticket_id)
        )


async def _must_await_approval(workspace: Workspace, ticket_id: int) -> int | None:
    """Answering a solution that is not pending would only add a stray follow-up; its
    id. Not asked while an earlier answer's outcome is unknown: that is looked up first."""
    from cebox_support.tui.api.errors import NotFound, PermissionDenied
    from cebox_support.tui.solution_answer import answer_key

    if workspace.drafts.in_flight(answer_key(ticket_id)):
        return None
    try:
        detail = await workspace.client.get_ticket(ticket_id)
    except (NotFound, PermissionDenied):
        raise CommandError(not_found(ticket_id), code=EXIT_NOT_FOUND) from None
    if detail.pending_solution is None:
        raise CommandError(
            _("Ticket #{ticket} has no solution awaiting approval ({status}).").format(
                ticket=ticket_id, status=detail.ticket.status.label
            )
        )
    return detail.pending_solution.id


async def _answer(workspace: Workspace, ticket_id: int, *, approve: bool, reason: str = "") -> None:
    """Send once: an earlier answer whose outcome nobody saw is looked up first."""
    from cebox_support.tui.drafts import already_received, maybe_sent_checking
    from cebox_support.tui.solution_answer import answer_solution

    solution_id = await _must_await_approval(workspace, ticket_id)
    if await answer_solution(
        workspace,
        ticket_id,
        approve=approve,
        reason=reason,
        solution_id=solution_id,
        checking=lambda: print(f"cebox-support: {maybe_sent_checking()}", file=sys.stderr),
    ):
        print(f"cebox-support: {already_received()}", file=sys.stderr)


def approve_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    async def action(workspace: Workspace) -> int:
        await _answer(workspace, args.ticket, approve=True)
        workspace.seen.mark_seen(args.ticket)
        print(_("Solution of ticket #{ticket} approved: it is closed.").format(ticket=args.ticket))
        return 0

    return run(args, loaded, action)


def refuse_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    if not args.reason.strip():
        return fail(_("Give a reason: GLPI does not accept a refusal without one."), EXIT_USAGE)

    async def action(workspace: Workspace) -> int:
        await _answer(workspace, args.ticket, approve=False, reason=args.reason)
        workspace.seen.mark_seen(args.ticket)
        print(
            _("Solution of ticket #{ticket} refused: it is back with the support team.").format(
                ticket=args.ticket
            )
        )
        return 0

    return run(args, loaded, action)
