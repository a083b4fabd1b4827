"""`new`: open a ticket from a script, through the same forms and checks as the console.

`--list-fields` tells scripts what to pass and works without a session. A missing
or invalid field exits with status 2 and names every offending field at once.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.config import LoadedSettings, config_dir
from cebox_support.tui.i18n import _, language
from cebox_support.tui.session import Workspace

from .common import (
    CommandError,
    description_text,
    fail,
    fill_from_this_machine,
    pick_profile,
    print_json,
    run,
)

if TYPE_CHECKING:  # the forms package (pydantic models) loads only for `new`
    from cebox_support.tui.forms import FormDefinition, ValidationResult
    from cebox_support.tui.submission import SubmissionResult

EXIT_INVALID = 2


def register(sub: Any) -> None:
    p = sub.add_parser("new", help=_("open a ticket through a form (see --list-fields)"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.add_argument(
        "--form",
        required=True,
        help=_("form: incident, request, … or a server form's id or exact name"),
    )
    p.add_argument(
        "--list-fields",
        action="store_true",
        help=_(
            "print the form's fields (name, label, kind, required, choices, pattern, min,"
            " max, when shown) and exit"
        ),
    )
    p.add_argument("--title", help=_("the ticket's title"))
    text = p.add_mutually_exclusive_group()
    text.add_argument("--description", help=_("the detailed description"))
    text.add_argument(
        "--description-file",
        metavar="FILE",
        help=_("read the description from FILE ('-' for stdin)"),
    )
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=_("answer another field of the form, by name or exact label (repeatable)"),
    )
    p.add_argument(
        "--attach",
        action="append",
        default=[],
        metavar="PATH",
        help=_("attach a file (repeatable)"),
    )
    p.add_argument(
        "--compress-refused",
        action="store_true",
        help=_(
            "send a compressed copy (.gz) of each file the server refuses for its type "
            "(GLPI refuses .log by default)"
        ),
    )
    p.add_argument(
        "--from-this-machine",
        action="store_true",
        help=_("fill the ceBox name, IP and IPv6 fields from this machine (--field wins)"),
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    from .native_form import add_password_option

    add_password_option(p)
    p.set_defaults(handler=new_command)


def _forms_dirs(args: argparse.Namespace, loaded: LoadedSettings) -> list[Path]:
    try:
        name, profile = pick_profile(args, loaded)
    except CommandError:
        return []
    if profile.forms_dir:
        return [Path(profile.forms_dir).expanduser()]
    return [config_dir() / "forms" / name]


def _find_form(args: argparse.Namespace, loaded: LoadedSettings) -> FormDefinition:
    from cebox_support.tui.forms import load_forms

    forms, problems = load_forms(_forms_dirs(args, loaded))
    for problem in problems:
        print(f"cebox-support: {problem.message}", file=sys.stderr)
    form = next((f for f in forms if f.id == args.form), None)
    if form is None:
        raise UnknownForm(
            _("Unknown form {id}; known: {ids}.").format(
                id=args.form, ids=", ".join(f.id for f in forms)
            ),
            code=EXIT_INVALID,
        )
    return form


class UnknownForm(CommandError):
    """Not a built-in form: maybe one of the server's."""


def _print_fields(form: FormDefinition, as_json: bool) -> None:
    from cebox_support.tui.forms import FieldKind, describe_fields

    described = describe_fields(form, language())
    if as_json:
        print_json({"form": form.id, "fields": described}, ensure_ascii=False, indent=2)
        return
    for f in described:
        if f["kind"] == FieldKind.NOTE.value:
            continue
        flag = _("required") if f["required"] else _("optional")
        line = f"{f['name']:<22} {f['kind']:<10} {flag:<9} {f['label']}"
        print(line)
        if f["choices"]:
            choices = ", ".join(c["value"] for c in f["choices"])
            print(" " * 23 + _("choices: {choices}").format(choices=choices))


def _answers(form: FormDefinition, args: argparse.Namespace) -> dict[str, str | list[str]]:
    """Map the options onto the form's fields; unknown names are reported all at once."""
    from cebox_support.tui.forms import FieldKind

    answers: dict[str, str | list[str]] = {}
    problems: list[str] = []
    title = form.role_field("title")
    description = form.role_field("description")
    if args.title is not None and title is not None:
        answers[title.name] = args.title
    desc_text = description_text(args, problems)
    if desc_text is not None:
        if description is None:
            problems.append(_("--description: this form has no description field"))
        else:
            answers[description.name] = desc_text
    names = {f.name: f for f in form.fields}
    for item in args.field:
        name, sep, value = item.partition("=")
        name = name.strip()
        f = names.get(name)
        if not sep:
            problems.append(_("--field {item}: expected NAME=VALUE").format(item=item))
        elif f is None or f.kind is FieldKind.NOTE:
            problems.append(_("{name}: no such field in this form").format(name=name))
        elif f.kind is FieldKind.DOCUMENTS:
            docs = answers.setdefault(name, [])
            assert isinstance(docs, list)
            docs.append(value)
        else:
            answers[name] = value
    if args.attach:
        documents = next((f for f in form.fields if f.kind is FieldKind.DOCUMENTS), None)
        if documents is None:
            problems.append(_("--attach: this form takes no documents"))
        else:
            docs = answers.setdefault(documents.name, [])
            assert isinstance(docs, list)
            docs.extend(args.attach)
    if problems:
        raise CommandError("\n".join(problems), code=EXIT_INVALID)
    return answers


def _fail(message: str, code: int) -> int:
    """`fail` for messages of several lines (one per offending field)."""
    from cebox_support.tui.api.text import clean_line

    first, *rest = message.split("\n")
    for line in rest:
        first += "\n  " + clean_line(line)
    print(f"cebox-support: {first}", file=sys.stderr)
    return code


def _check(form: FormDefinition, result: ValidationResult) -> None:
    if result.ok:
        return
    lines = [_("The ticket was not created; fix these fields:")]
    for f in form.fields:
        if f.name in result.errors:
            lines.append(f"{f.name}: {result.errors[f.name]}")
    raise CommandError("\n".join(lines), code=EXIT_INVALID)


def _offer_qga_log(
    args: argparse.Namespace,
    loaded: LoadedSettings,
    form: FormDefinition,
    answers: dict[str, str | list[str]],
) -> None:
    """A qgaAgent.log in the profile's `qga_log` folder is offered, never attached unasked."""
    from cebox_support.tui.forms import FieldKind
    from cebox_support.tui.machine import qga_log

    documents = next((f for f in form.fields if f.kind is FieldKind.DOCUMENTS), None)
    try:
        log = qga_log(pick_profile(args, loaded)[1])
    except CommandError:
        return
    if documents is None or log is None:
        return
    given = answers.get(documents.name) or []
    if any(Path(p).expanduser().resolve() == log.resolve() for p in given):
        return
    print(
        "cebox-support: "
        + _("{path} exists; add --attach {path} to send it with the ticket.").format(path=log),
        file=sys.stderr,
    )


def new_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from cebox_support.tui.forms import render_ticket, validate_answers

    try:
        try:
            form = _find_form(args, loaded)
        except UnknownForm as unknown:
            try:
                pick_profile(args, loaded)
            except CommandError:
                raise unknown from None
            from .server_form import new_from_server_form

            return new_from_server_form(args, loaded, str(unknown))
        if args.list_fields:
            _print_fields(form, args.json)
            return 0
        answers = _answers(form, args)
        if args.from_this_machine:
            fill_from_this_machine(form, answers)
        _offer_qga_log(args, loaded, form, answers)
        # Checked once before logging in, so a typo never needs a session to show.
        _check(form, validate_answers(form, answers, now=datetime.now().astimezone()))
    except CommandError as exc:
        return _fail(str(exc), exc.code)

    async def action(workspace: Workspace) -> int:
        from cebox_support.tui.drafts import maybe_sent_checking
        from cebox_support.tui.submission import WriteGuard, submit_ticket

        limit = (await workspace.server_config()).max_upload_bytes
        result = validate_answers(
            form, answers, now=datetime.now().astimezone(), max_upload_bytes=limit
        )
        try:
            _check(form, result)
        except CommandError as exc:
            return _fail(str(exc), exc.code)
        draft = render_ticket(form, result)
        guard = WriteGuard(
            workspace.drafts,
            f"new-{form.id}",
            checking=lambda: print(f"cebox-support: {maybe_sent_checking()}", file=sys.stderr),
        )
        outcome = await submit_ticket(workspace.client, draft, guard=guard)
        if outcome.already:
            print(
                "cebox-support: "
                + _("Already received: ticket {id} exists; it was not created again.").format(
                    id=outcome.ticket_id
                ),
                file=sys.stderr,
            )
        if outcome.ticket_id is None:
            assert outcome.error is not None
            message = outcome.error.message
            if outcome.maybe_created_since is not None:
                message += " " + _("Check the ticket list before running the command again.")
            return fail(message)
        failed = [(f.path, f.name, f.error.message) for f in outcome.failed]
        compressed: list[str] = []
        if args.compress_refused and failed:
            failed, compressed = await _send_compressed(workspace, outcome.ticket_id, outcome)
        if args.json:
            print_json(
                {
                    "id": outcome.ticket_id,
                    "url": workspace.client.ticket_url(outcome.ticket_id),
                    "documents": [p.name for p in outcome.uploaded] + compressed,
                    "compressed": compressed,
                    "failed": [{"file": str(path), "error": why} for path, _n, why in failed],
                },
                ensure_ascii=False,
            )
        else:
            print(outcome.ticket_id)
        for name in compressed:
            print(
                "cebox-support: "
                + _("{name} sent in place of the refused file.").format(name=name),
                file=sys.stderr,
            )
        for _path, name, why in failed:
            print(
                "cebox-support: "
                + _("ticket {id}: {name} was not sent: {reason}").format(
                    id=outcome.ticket_id, name=name, reason=why
                ),
                file=sys.stderr,
            )
        return 1 if failed else 0

    return run(args, loaded, action)


async def _send_compressed(
    workspace: Workspace, ticket_id: int, outcome: SubmissionResult
) -> tuple[list[tuple[Path, str, str]], list[str]]:
    """A .gz copy of each document refused for its type, linked to the new ticket: what
    is still not on the server (path, name, why), and the names of the copies kept."""
    from cebox_support.tui.api.filetypes import refused_for_type
    from cebox_support.tui.api.models import RefusedFile
    from cebox_support.tui.compress import send_compressed

    refused = [
        RefusedFile(name=f.name, reason=f.error.message, kind="type")
        for f in outcome.failed
        if f.error.code == "UPLOAD_REFUSED" and refused_for_type(f.name)
    ]
    resend = await send_compressed(workspace, ticket_id, refused, [f.path for f in outcome.failed])
    arrived = {name.removesuffix(".gz") for name in resend.sent}
    failed = [(f.path, f.name, f.error.message) for f in outcome.failed if f.name not in arrived]
    return failed, resend.sent
