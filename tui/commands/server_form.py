"""`new --form ID|NAME` with a form of the server (Formcreator): same options, same
exit codes as the built-in forms; every problem listed at once (exit 2)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from cebox_support.tui.config import LoadedSettings
from cebox_support.tui.i18n import _
from cebox_support.tui.session import Workspace

from .common import CommandError, fail, fill_from_this_machine, print_json, run
from .server_answers import (
    EXIT_INVALID,
    answers_from_options,
    print_fields,
    report_invalid,
    report_not_created,
)


def new_from_server_form(args: argparse.Namespace, loaded: LoadedSettings, unknown: str) -> int:
    async def action(workspace: Workspace) -> int:
        from cebox_support.tui.api.formcreator import load_catalogue, load_form
        from cebox_support.tui.drafts import maybe_sent_checking
        from cebox_support.tui.forms.server import validate_server_answers
        from cebox_support.tui.submission import WriteGuard, server_form_key, submit_server_form

        from .native_form import is_native, new_with_native_form

        if is_native(workspace):
            return await new_with_native_form(workspace, args, unknown)
        client = workspace.client
        catalogue = await load_catalogue(client)
        wanted = str(args.form)
        summary = next(
            (f for f in catalogue or [] if wanted == str(f.id) or wanted == f.name), None
        )
        if summary is None:
            known = ", ".join(f"{f.id} ({f.name})" for f in catalogue or [])
            message = unknown
            if known:
                message += " " + _("Forms of the server: {forms}.").format(forms=known)
            return fail(message, EXIT_INVALID)
        form = await load_form(client, summary)
        if args.list_fields:
            print_fields(form, args.json)
            return 0
        try:
            answers = answers_from_options(form, args)
        except CommandError as exc:
            return report_invalid(str(exc).split("\n"))
        if getattr(args, "from_this_machine", False):
            from cebox_support.tui.forms.server import to_definition

            fill_from_this_machine(to_definition(form), answers)
        limit = (await workspace.server_config()).max_upload_bytes
        result = validate_server_answers(
            form, answers, now=datetime.now().astimezone(), max_upload_bytes=limit
        )
        if not result.ok:
            return report_not_created(form, result)
        from .native_form import _compressor, _refused

        substitute = _compressor() if args.compress_refused else None
        guard = WriteGuard(
            workspace.drafts,
            server_form_key(form.id),
            checking=lambda: print(f"cebox-support: {maybe_sent_checking()}", file=sys.stderr),
        )
        outcome, already = await submit_server_form(
            client, form, result.values, guard=guard, substitute=substitute
        )
        if already and outcome.ticket_id is not None:
            print(
                "cebox-support: "
                + _("Already received: ticket {id} exists; it was not created again.").format(
                    id=outcome.ticket_id
                ),
                file=sys.stderr,
            )
        if outcome.refused:
            return _refused(outcome.refused, args.compress_refused)
        if outcome.ticket_id is None:
            assert outcome.error is not None
            detail = outcome.error.detail
            if outcome.error.code == "ERROR_GLPI_ADD" and detail is not None:
                return report_invalid([_("The server refused the form: {message}").format(
                    message=detail or _("(no reason given)")
                )])  # fmt: skip
            message = outcome.error.message
            if outcome.maybe_sent or outcome.answer_id is not None:
                message += " " + _("Check the ticket list before running the command again.")
            return fail(message)
        if args.json:
            print_json(
                {
                    "id": outcome.ticket_id,
                    "url": client.ticket_url(outcome.ticket_id),
                    "documents": [p.name for p in outcome.uploaded],
                    "compressed": [p.name for p in outcome.compressed],
                    "failed": [
                        {"file": str(path), "error": error.message}
                        for path, error in outcome.failed
                    ],
                },
                ensure_ascii=False,
            )
        else:
            print(outcome.ticket_id)
        for path, error in outcome.failed:
            print(
                "cebox-support: "
                + _("ticket {id}: {name} was not sent: {reason}").format(
                    id=outcome.ticket_id, name=path.name, reason=error.message
                ),
                file=sys.stderr,
            )
        return 1 if outcome.failed else 0

    return run(args, loaded, action)
