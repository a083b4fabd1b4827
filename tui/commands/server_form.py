"""`new --form ID|NAME` with a form of the server (Formcreator): same options, same
exit codes as the built-in forms; every problem listed at once (exit 2)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from cebox_support.tui.config import LoadedSettings
from cebox_support.tui.i18n import _
from cebox_support.tui.session import Workspace

from .common import CommandError, description_text, fail, fill_from_this_machine, print_json, run

if TYPE_CHECKING:
    from cebox_support.tui.forms.server import ServerForm

EXIT_INVALID = 2
TITLE_LABELS = ("titre", "title")


def _print_fields(form: ServerForm, as_json: bool) -> None:
    from cebox_support.tui.api.text import clean_line
    from cebox_support.tui.forms.server import describe_questions

    described = describe_questions(form)
    if as_json:
        print_json(
            {"form": form.id, "name": form.name, "source": "server", "fields": described},
            ensure_ascii=False,
            indent=2,
        )
        return
    for f in described:
        flag = _("required") if f["required"] else _("optional")
        print(f"{f['name']!s:<6} {f['kind']!s:<11} {flag:<9} {clean_line(str(f['label']))}")
        pad = " " * 7
        if f["choices"]:
            choices = ", ".join(str(c) for c in f["choices"])  # type: ignore[attr-defined]
            print(pad + _("choices: {choices}").format(choices=clean_line(choices)))
        if f["pattern"]:
            print(pad + _("format: {pattern}").format(pattern=clean_line(str(f["pattern"]))))
        if f["min"] is not None or f["max"] is not None:
            low = "" if f["min"] is None else f["min"]
            high = "" if f["max"] is None else f["max"]
            print(pad + _("range: {min}–{max}").format(min=low, max=high))
        if f["when"]:
            print(pad + clean_line(str(f["when"])))
        if not f["supported"]:
            print(pad + _("cannot be answered here: {url}").format(url=form.url))


def _answers(form: ServerForm, args: argparse.Namespace) -> dict[str, str | list[str]]:
    answers: dict[str, str | list[str]] = {}
    problems: list[str] = []
    title = next(
        (q for q in form.questions if q.fieldtype == "text" and q.label.casefold() in TITLE_LABELS),
        None,
    )
    description = next((q for q in form.questions if q.fieldtype == "textarea"), None)
    if args.title is not None:
        if title is None:
            problems.append(_("--title: this form has no title question; use --field"))
        else:
            answers[title.key] = args.title
    text = description_text(args, problems)
    if text is not None:
        if description is None:
            problems.append(_("--description: this form has no description field"))
        else:
            answers[description.key] = text
    for item in args.field:
        name, sep, value = item.partition("=")
        q = form.question(name.strip()) if sep else None
        if not sep:
            problems.append(_("--field {item}: expected NAME=VALUE").format(item=item))
        elif q is None or not q.answers:
            problems.append(_("{name}: no such field in this form").format(name=name.strip()))
        elif q.fieldtype in ("file", "checkboxes", "multiselect"):
            items = answers.setdefault(q.key, [])
            assert isinstance(items, list)
            items.append(value)
        else:
            answers[q.key] = value
    if args.attach:
        files = next((q for q in form.questions if q.fieldtype == "file"), None)
        if files is None:
            problems.append(_("--attach: this form takes no documents"))
        else:
            items = answers.setdefault(files.key, [])
            assert isinstance(items, list)
            items.extend(args.attach)
    if problems:
        raise CommandError("\n".join(problems), code=EXIT_INVALID)
    return answers


def _invalid(lines: list[str]) -> int:
    from cebox_support.tui.api.text import clean_line

    first, *rest = lines
    print(
        "cebox-support: " + first + "".join("\n  " + clean_line(line) for line in rest),
        file=sys.stderr,
    )
    return EXIT_INVALID


def new_from_server_form(args: argparse.Namespace, loaded: LoadedSettings, unknown: str) -> int:
    async def action(workspace: Workspace) -> int:
        from cebox_support.tui.api.formcreator import load_catalogue, load_form, submit_form
        from cebox_support.tui.forms.server import validate_server_answers

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
            _print_fields(form, args.json)
            return 0
        try:
            answers = _answers(form, args)
        except CommandError as exc:
            return _invalid(str(exc).split("\n"))
        if getattr(args, "from_this_machine", False):
            from cebox_support.tui.forms.server import to_definition

            fill_from_this_machine(to_definition(form), answers)
        limit = (await workspace.server_config()).max_upload_bytes
        result = validate_server_answers(
            form, answers, now=datetime.now().astimezone(), max_upload_bytes=limit
        )
        if not result.ok:
            lines = [_("The ticket was not created; fix these fields:")]
            for q in form.questions:
                if q.key in result.errors:
                    lines.append(f"{q.key} ({q.label}): {result.errors[q.key]}")
            return _invalid(lines)
        outcome = await submit_form(client, form, result.values)
        if outcome.ticket_id is None:
            assert outcome.error is not None
            detail = outcome.error.detail
            if outcome.error.code == "ERROR_GLPI_ADD" and detail is not None:
                return _invalid([_("The server refused the form: {message}").format(
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
