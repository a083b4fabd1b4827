"""A server form (Formcreator's or GLPI 11's native one) on the command line: its
fields listed, the answers read from the options, the refusals printed. Below both
`server_form.py` and `native_form.py`, which share it."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from cebox_support.tui.i18n import _

from .common import CommandError, description_text, print_json

if TYPE_CHECKING:
    from cebox_support.tui.forms.server import ServerForm
    from cebox_support.tui.forms.validate import ValidationResult

EXIT_INVALID = 2
TITLE_LABELS = ("titre", "title")


def print_fields(form: ServerForm, as_json: bool) -> None:
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


def answers_from_options(form: ServerForm, args: argparse.Namespace) -> dict[str, str | list[str]]:
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


def report_invalid(lines: list[str]) -> int:
    from cebox_support.tui.api.text import clean_line

    first, *rest = lines
    print(
        "cebox-support: " + first + "".join("\n  " + clean_line(line) for line in rest),
        file=sys.stderr,
    )
    return EXIT_INVALID


def report_not_created(form: ServerForm, result: ValidationResult) -> int:
    """The fields to fix, in the form's order, for a form refused before sending."""
    lines = [_("The ticket was not created; fix these fields:")]
    for q in form.questions:
        if q.key in result.errors:
            lines.append(f"{q.key} ({q.label}): {result.errors[q.key]}")
    return report_invalid(lines)
