"""Turn validated answers into the GLPI ticket: name, HTML description, type, category.

The description is read by technicians in GLPI's web UI, so it is structured HTML.
Every answer is user text and goes through ``html.escape``; labels come from form
files, which are escaped as well. The fixed headings are chosen by ``lang`` (the
support team's language), not by the UI language, hence the small table below
instead of ``_()``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime

from cebox_support.tui.forms.schema import FieldKind, FormDefinition, FormField, LocalText
from cebox_support.tui.forms.validate import ValidationResult
from cebox_support.tui.forms.values import Attachment, human_size

_GENERAL = LocalText(fr="Informations", en="Information")


@dataclass
class TicketDraft:
    name: str
    content_html: str
    ticket_type: int
    category_id: int | None
    attachments: list[Attachment] = field(default_factory=list)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _paragraphs(text: str) -> str:
    blocks = [b.strip("\n") for b in text.split("\n\n")]
    return "".join(
        "<p>" + "<br>".join(_e(line) for line in b.split("\n")) + "</p>" for b in blocks if b
    )


def _format_date(value: datetime, lang: str) -> str:
    return value.strftime("%Y-%m-%d %H:%M" if lang == "en" else "%d/%m/%Y %H:%M")


def _inline(f: FormField, value: object, lang: str) -> str:
    if f.kind is FieldKind.CHOICE:
        choice = next((c for c in f.choices if c.value == value), None)
        return _e(choice.label.get(lang) if choice else str(value))
    if isinstance(value, datetime):
        return _e(_format_date(value, lang))
    if f.kind is FieldKind.DOCUMENTS and isinstance(value, list):
        return "<br>".join(f"{_e(a.name)} ({_e(human_size(a.size))})" for a in value)
    return _e(str(value))


def _group(fields: list[FormField], values: dict[str, object], lang: str) -> str:
    rows: list[str] = []
    long_texts: list[str] = []
    for f in fields:
        value = values[f.name]
        label = _e(f.label.get(lang))
        if f.kind is FieldKind.MULTILINE:
            long_texts.append(f"<h4>{label}</h4>{_paragraphs(str(value))}")
        else:
            rows.append(f"<tr><th>{label}</th><td>{_inline(f, value, lang)}</td></tr>")
    out = ""
    if rows:
        out += '<table border="1" cellpadding="4"><tbody>' + "".join(rows) + "</tbody></table>"
    return out + "".join(long_texts)


def render_ticket(
    form: FormDefinition, result: ValidationResult, *, lang: str = "fr"
) -> TicketDraft:
    """Build the ticket; answers must have been validated without errors."""
    if not result.ok:
        raise ValueError("render_ticket() needs answers that passed validation")
    values = result.values
    title_field = form.role_field("title")
    assert title_field is not None
    desc_field = form.role_field("description")
    type_field = form.role_field("type")

    parts = [f"<h2>{_e(form.title.get(lang))}</h2>"]
    if desc_field is not None and desc_field.name in values:
        parts.append(f"<h3>{_e(desc_field.label.get(lang))}</h3>")
        parts.append(_paragraphs(str(values[desc_field.name])))

    groups: dict[str, tuple[LocalText, list[FormField]]] = {}
    for f in form.fields:
        if f is desc_field or f.kind is FieldKind.NOTE or f.name not in values:
            continue
        heading = f.section or _GENERAL
        groups.setdefault(heading.fr + "\0" + heading.en, (heading, []))[1].append(f)
    for heading, fields in groups.values():
        parts.append(f"<h3>{_e(heading.get(lang))}</h3>")
        parts.append(_group(fields, values, lang))

    category_id = None
    if type_field is not None and type_field.name in values:
        chosen = values[type_field.name]
        category_id = next((c.category_id for c in type_field.choices if c.value == chosen), None)
    attachments: list[Attachment] = []
    for f in form.fields:
        docs = values.get(f.name) if f.kind is FieldKind.DOCUMENTS else None
        if isinstance(docs, list):
            attachments.extend(a for a in docs if isinstance(a, Attachment))
    return TicketDraft(
        name=str(values[title_field.name]),
        content_html="".join(parts),
        ticket_type=form.ticket_type,
        category_id=category_id,
        attachments=attachments,
    )


def describe_fields(form: FormDefinition, lang: str) -> list[dict]:
    """JSON-ready description of the fields, for ``cebox-support new --list-fields``."""
    described: list[dict] = []
    for f in form.fields:
        described.append(
            {
                "name": f.name,
                "kind": f.kind.value,
                "required": f.required,
                "label": f.label.get(lang),
                "help": f.help.get(lang) if f.help else None,
                "section": f.section.get(lang) if f.section else None,
                "role": f.role,
                "choices": [
                    {"value": c.value, "label": c.label.get(lang), "category_id": c.category_id}
                    for c in f.choices
                ],
                "min": f.min,
                "max": f.max,
                "max_length": f.max_length,
                "pattern": None,
                "when": None,
            }
        )
    return described
