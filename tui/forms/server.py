"""Forms defined on the helpdesk (GLPI's Formcreator plugin): model, rules, conditions.

The support changes these forms on the server, so the console builds its form from
what the server says: question types, required flags, formats (PHP regexes, translated
only when that is safe), ranges and show/hide conditions. Pure Python + pydantic;
the REST calls live in ``tui/api/formcreator.py``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import warnings
from collections.abc import Mapping
from datetime import datetime

from cebox_support.tui.forms.schema import Choice, FieldKind, FormDefinition, FormField, LocalText
from cebox_support.tui.forms.validate import ValidationResult, _validate_one
from cebox_support.tui.i18n import _
from pydantic import BaseModel, Field

# Question types a terminal can take, and the field kind that shows them.
KINDS: dict[str, FieldKind] = {
    "select": FieldKind.CHOICE,
    "radios": FieldKind.CHOICE,
    "checkboxes": FieldKind.CHOICES,
    "multiselect": FieldKind.CHOICES,
    "text": FieldKind.TEXT,
    "textarea": FieldKind.MULTILINE,
    "integer": FieldKind.INTEGER,
    "float": FieldKind.TEXT,
    "email": FieldKind.TEXT,
    "date": FieldKind.DATETIME,
    "datetime": FieldKind.DATETIME,
    "time": FieldKind.TEXT,
    "ip": FieldKind.TEXT,
    "hostname": FieldKind.HOSTNAME,
    "file": FieldKind.DOCUMENTS,
    "description": FieldKind.NOTE,
}
TEXT_KEYS = ("text", "textarea")
"""Types whose key must be in every answer, even empty (else the plugin refuses)."""

_TIME_RE = re.compile(r"^(\d{1,2})[:h](\d{2})(?::(\d{2}))?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FLOAT_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# PHP (PCRE) syntax Python's `re` lacks or reads differently: such a pattern is left
# to the server rather than guessed.
_UNSAFE = re.compile(
    r"\\[pPXRhHvVKGNCoex]\{?|\(\?R\)|\(\?\d|\(\?[+-]\d|\(\*|\[\[:|\(\?\||\(\?<[a-zA-Z]|\\[gk][{<'0-9-]|[*+?}]\+"
)


class Condition(BaseModel):
    """Shown when the answer to ``question_id`` compares with ``value`` (codes of the sheet)."""

    question_id: int
    op: int
    value: str = ""
    logic: int = 1


class ServerQuestion(BaseModel):
    id: int
    label: str
    fieldtype: str
    required: bool = False
    choices: list[str] = Field(default_factory=list)
    description: str = ""
    default: str = ""
    regex: str = ""
    pattern: str | None = None
    """``regex`` translated to Python, or None (none, or left to the server)."""
    range_min: float | None = None
    range_max: float | None = None
    show_rule: int = 1
    conditions: list[Condition] = Field(default_factory=list)
    section: str = ""
    section_rule: int = 1
    section_conditions: list[Condition] = Field(default_factory=list)
    choice_keys: list[str] = Field(default_factory=list)
    """GLPI 11: the option key sent for each of ``choices`` (same order)."""
    shown_by_server: bool | None = None
    """GLPI 11: visibility as the server's condition engine last said (None: by rules)."""
    section_id: int | None = None
    """GLPI 11: the id of the question's section (the engine says which sections show)."""

    @property
    def key(self) -> str:
        """A stable name for ``--field`` and drafts: the question id survives renames."""
        return f"q{self.id}"

    @property
    def supported(self) -> bool:
        return self.fieldtype in KINDS

    @property
    def answers(self) -> bool:
        """Does this question take an answer from the console?"""
        return self.supported and self.fieldtype != "description"


class ServerForm(BaseModel):
    id: int
    name: str
    description: str = ""
    category: str = ""
    content: str = ""
    url: str = ""
    """The form's web address, to finish in the browser what a terminal cannot take."""
    questions: list[ServerQuestion] = Field(default_factory=list)
    native: bool = False
    """A GLPI 11 native form (web routes), not a Formcreator one (REST)."""

    def fingerprint(self) -> str:
        """Changes whenever the support changes the questions (drafts are keyed by it)."""
        raw = json.dumps(
            [q.model_dump(exclude={"shown_by_server", "section_id"}) for q in self.questions],
            sort_keys=True,
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def question(self, key_or_label: str) -> ServerQuestion | None:
        for q in self.questions:
            if key_or_label in (q.key, str(q.id)):
                return q
        return next((q for q in self.questions if q.label == key_or_label), None)

    def unsupported(self) -> list[ServerQuestion]:
        return [q for q in self.questions if not q.supported and q.fieldtype != "hidden"]


class FormSummary(BaseModel):
    """One entry of the catalogue."""

    id: int
    name: str
    description: str = ""
    category: str = ""


def translate_php_regex(pattern: str) -> str | None:
    """``/…/flags`` (PCRE) as a Python pattern, or None when not safely translatable."""
    pattern = pattern.strip()
    if len(pattern) < 2 or pattern[0].isalnum() or pattern[0] == "\\":
        return None
    closing = {"(": ")", "{": "}", "[": "]", "<": ">"}.get(pattern[0], pattern[0])
    end = pattern.rfind(closing)
    if end <= 0:
        return None
    body, flags = pattern[1:end], pattern[end + 1 :]
    if set(flags) - set("imsxuU") or "U" in flags or _UNSAFE.search(body):
        return None
    # PCRE's \z and \A are Python's \Z and \A; PCRE's \Z also allows a final newline.
    body = body.replace(r"\z", r"\Z")
    inline = "".join(f for f in "imsx" if f in flags)
    if inline:
        body = f"(?{inline}){body}"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            re.compile(body)
        except (re.error, FutureWarning, DeprecationWarning):
            return None
    return body


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    if isinstance(value, str) and value.strip():
        return [value]
    return []


def _number(value: str) -> float | None:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return None


def _holds(cond: Condition, raw: object, tested_visible: bool) -> bool:
    if cond.op == 7:
        return tested_visible
    if cond.op == 8:
        return not tested_visible
    if not tested_visible:
        return False
    items = _as_list(raw)
    value = items[0] if len(items) == 1 else ", ".join(items)
    if cond.op == 1:
        return cond.value in items
    if cond.op == 2:
        return cond.value not in items
    if cond.op == 9:
        pattern = translate_php_regex(cond.value)
        return pattern is not None and re.search(pattern, value) is not None
    a, b = _number(value), _number(cond.value)
    left: object = a if a is not None and b is not None else value
    right: object = b if a is not None and b is not None else cond.value
    try:
        return {
            3: left < right,  # type: ignore[operator]
            4: left > right,  # type: ignore[operator]
            5: left <= right,  # type: ignore[operator]
            6: left >= right,  # type: ignore[operator]
        }.get(cond.op, False)
    except TypeError:
        return False


def visibility(form: ServerForm, answers: Mapping[str, object]) -> dict[str, bool]:
    """Which questions are shown for these answers (question key → shown), as the portal
    evaluates conditions: in order, each joined to the previous by its AND/OR."""
    by_id = {q.id: q for q in form.questions}
    memo: dict[int, bool] = {}

    def rule_holds(rule: int, conditions: list[Condition], depth: int) -> bool:
        if rule == 1 or depth > 20:
            return True
        result: bool | None = None
        for cond in conditions:
            tested = by_id.get(cond.question_id)
            shown = tested is not None and question_shown(tested, depth + 1)
            value = _holds(cond, answers.get(f"q{cond.question_id}") if shown else None, shown)
            if result is None:
                result = value
            elif cond.logic == 2:
                result = result or value
            else:
                result = result and value
        return bool(result) if rule == 2 else not bool(result)

    def question_shown(q: ServerQuestion, depth: int = 0) -> bool:
        if q.id in memo:
            return memo[q.id]
        shown = (
            q.shown_by_server is not False
            and rule_holds(q.section_rule, q.section_conditions, depth)
            and rule_holds(q.show_rule, q.conditions, depth)
        )
        if depth == 0:
            memo[q.id] = shown
        return shown

    return {q.key: question_shown(q) for q in form.questions}


_OPS = {1: "=", 2: "≠", 3: "<", 4: ">", 5: "≤", 6: "≥", 9: "~"}


def describe_rule(form: ServerForm, q: ServerQuestion) -> str | None:
    """When the question is shown, in the user's words (None: always), e.g.
    ``shown when q1 = "Perte de connexion"`` / ``affiché si q1 = "Perte de connexion"``."""
    if q.shown_by_server is False and not q.conditions and not q.section_conditions:
        return _("hidden until the server's conditions show it")
    parts: list[str] = []
    for rule, conditions in ((q.section_rule, q.section_conditions), (q.show_rule, q.conditions)):
        if rule == 1 or not conditions:
            continue
        text = ""
        for index, cond in enumerate(conditions):
            if index:
                text += " " + (_("or") if cond.logic == 2 else _("and")) + " "
            if cond.op == 7:
                text += _("q{id} is shown").format(id=cond.question_id)
            elif cond.op == 8:
                text += _("q{id} is hidden").format(id=cond.question_id)
            else:
                op = _OPS.get(cond.op, "?")
                text += f"q{cond.question_id} {op} {json.dumps(cond.value, ensure_ascii=False)}"
        parts.append(
            (_("shown when {rule}") if rule == 2 else _("hidden when {rule}")).format(rule=text)
        )
    return "; ".join(parts) or None


def describe_questions(form: ServerForm) -> list[dict[str, object]]:
    """JSON-ready questions for ``new --list-fields``."""
    out: list[dict[str, object]] = []
    for q in form.questions:
        if q.fieldtype in ("hidden", "description"):
            continue
        out.append(
            {
                "name": q.key,
                "label": q.label,
                "kind": q.fieldtype,
                "required": q.required,
                "choices": list(q.choices),
                "pattern": q.regex or None,
                "min": _whole(q.range_min),
                "max": _whole(q.range_max),
                "when": describe_rule(form, q),
                "supported": q.supported,
                "section": q.section or None,
            }
        )
    return out


def to_definition(form: ServerForm) -> FormDefinition:
    """The form as the console's field model (what the form screen and widgets show)."""
    fields: list[FormField] = []
    for q in form.questions:
        if q.fieldtype == "hidden":
            continue
        label = LocalText(fr=q.label or "?", en=q.label or "?")
        section = LocalText(fr=q.section, en=q.section) if q.section else None
        help_text = q.description
        if not q.supported:
            help_text = _(
                "This question ({type}) cannot be answered in the console; "
                "finish this form in your browser: {url}"
            ).format(type=q.fieldtype, url=form.url)
            fields.append(
                FormField(
                    name=q.key,
                    kind=FieldKind.NOTE,
                    label=label,
                    help=LocalText(fr=help_text, en=help_text),
                    section=section,
                )
            )
            continue
        kind = KINDS[q.fieldtype]
        hint = help_text or _format_hint(q)
        values: dict[str, object] = {}
        if kind in (FieldKind.CHOICE, FieldKind.CHOICES):
            values["choices"] = [
                Choice(value=c, label=LocalText(fr=c, en=c)) for c in dict.fromkeys(q.choices) if c
            ]
            if not values["choices"]:
                kind = FieldKind.TEXT
                values.pop("choices")
        if kind is FieldKind.INTEGER:
            values["min"] = int(q.range_min) if q.range_min is not None else None
            values["max"] = int(q.range_max) if q.range_max is not None else None
            if values["min"] is not None and values["max"] is not None:
                values["min"], values["max"] = sorted((values["min"], values["max"]))  # type: ignore[type-var]
        if (
            kind in (FieldKind.TEXT, FieldKind.MULTILINE)
            and q.fieldtype in TEXT_KEYS
            and q.range_max is not None
            and q.range_max >= 1
        ):
            values["max_length"] = int(q.range_max)
        fields.append(
            FormField(
                name=q.key,
                kind=kind,
                label=label,
                help=LocalText(fr=hint, en=hint) if hint else None,
                required=q.required and kind is not FieldKind.NOTE,
                section=section,
                **values,  # type: ignore[arg-type]
            )
        )
    if not fields:
        text = LocalText(fr=form.name, en=form.name)
        fields.append(FormField(name="empty", kind=FieldKind.NOTE, label=text))
    title = LocalText(fr=form.name, en=form.name)
    summary = LocalText(fr=form.description or form.name, en=form.description or form.name)
    return FormDefinition(
        id=f"server-{form.id}",
        title=title,
        summary=summary,
        ticket_type=1,
        fields=fields,
        remote=True,
    )


def _format_hint(q: ServerQuestion) -> str:
    return {
        "float": _("a number, e.g. 2.5"),
        "email": _("e.g. name@example.com"),
        "time": _("e.g. 14:30"),
        "ip": _("e.g. 192.0.2.10"),
        "date": _("e.g. 28/11, yesterday"),
    }.get(q.fieldtype, "")


def validate_server_answers(
    form: ServerForm,
    answers: Mapping[str, str | list[str]],
    *,
    now: datetime,
    max_upload_bytes: int | None = None,
) -> ValidationResult:
    """Every rule the plugin checks, for every shown question, all problems at once.

    ``values`` holds what to send, by question key: strings in the plugin's formats,
    lists for multiple choices, attachments for files.
    """
    definition = to_definition(form)
    fields = {f.name: f for f in definition.fields}
    shown = visibility(form, answers)
    result = ValidationResult()
    for q in form.questions:
        f = fields.get(q.key)
        if f is None or not q.answers or not shown.get(q.key, True):
            continue
        raw = answers.get(q.key, "")
        try:
            value = _one(q, f, raw, now, max_upload_bytes)
        except ValueError as exc:
            result.errors[q.key] = str(exc)
            continue
        if value is None or value == []:
            if q.required:
                result.errors[q.key] = _("This field is required.")
        else:
            result.values[q.key] = value
    return result


def _one(
    q: ServerQuestion, f: FormField, raw: str | list[str], now: datetime, max_bytes: int | None
) -> object:
    if f.kind is FieldKind.CHOICES:
        items = _as_list(raw if isinstance(raw, list) else [s.strip() for s in raw.split(",")])
        unknown = [i for i in items if i not in q.choices]
        if unknown:
            raise ValueError(_("Choose among: {choices}.").format(choices=", ".join(q.choices)))
        if q.range_min is not None and items and len(items) < q.range_min:
            raise ValueError(_("Choose at least {n}.").format(n=int(q.range_min)))
        if q.range_max is not None and q.range_max > 0 and len(items) > q.range_max:
            raise ValueError(_("Choose at most {n}.").format(n=int(q.range_max)))
        return items
    if f.kind is FieldKind.CHOICE:
        text = raw if isinstance(raw, str) else (raw[0] if raw else "")
        text = text.strip()
        if not text:
            return None
        match = next((c for c in q.choices if c.casefold() == text.casefold()), None)
        if match is None:
            raise ValueError(_("Choose one of: {choices}.").format(choices=", ".join(q.choices)))
        return match
    value = _validate_one(f, raw, now, max_bytes)
    if value is None:
        return None
    if f.kind is FieldKind.DOCUMENTS:
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if q.fieldtype == "date" else "%Y-%m-%d %H:%M:%S")
    text = str(value)
    if q.fieldtype == "float":
        number = _number(text) if _FLOAT_RE.match(text) else None
        if number is None:
            raise ValueError(_("Enter a number, e.g. 2.5."))
        _check_range(q, number)
        text = text.replace(",", ".")
    elif q.fieldtype == "integer":
        _check_range(q, float(text))
    elif q.fieldtype == "email":
        if not _EMAIL_RE.match(text):
            raise ValueError(_("Not a valid e-mail address (e.g. name@example.com)."))
    elif q.fieldtype == "time":
        m = _TIME_RE.match(text)
        if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError(_("Enter a time such as 14:30."))
        text = f"{int(m.group(1)):02d}:{m.group(2)}:{m.group(3) or '00'}"
    elif q.fieldtype == "ip":
        try:
            text = str(ipaddress.ip_address(text.strip("[]")))
        except ValueError:
            raise ValueError(_("Not a valid IP address (e.g. 192.0.2.10).")) from None
    elif q.fieldtype in TEXT_KEYS and q.range_min is not None and len(text) < q.range_min:
        raise ValueError(_("At least {min} characters.").format(min=int(q.range_min)))
    if q.pattern is not None and re.search(q.pattern, text) is None:
        raise ValueError(_("Does not have the expected format."))
    return text


def _check_range(q: ServerQuestion, number: float) -> None:
    if q.range_min is not None and number < q.range_min:
        raise ValueError(_("Must be at least {min}.").format(min=_n(q.range_min)))
    if q.range_max is not None and number > q.range_max:
        raise ValueError(_("Must be at most {max}.").format(max=_n(q.range_max)))


def _whole(value: float | None) -> float | int | None:
    """1.0 → 1: a range of whole numbers is shown as whole numbers."""
    return int(value) if value is not None and value == int(value) else value


def _n(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def answer_input(
    form: ServerForm, values: Mapping[str, object], document_ids: Mapping[str, list[int]]
) -> dict[str, object]:
    """The ``input`` of ``POST /PluginFormcreatorFormAnswer``: every text key present
    (empty when hidden or unanswered), files as ``"[D, …]"`` of documents just uploaded."""
    out: dict[str, object] = {"plugin_formcreator_forms_id": form.id}
    for q in form.questions:
        key = f"formcreator_field_{q.id}"
        if q.fieldtype == "file":
            ids = document_ids.get(q.key)
            if ids:
                out[key] = json.dumps(ids)
            continue
        if q.fieldtype == "hidden":
            out[key] = q.default
            continue
        value = values.get(q.key)
        if value is None:
            if q.fieldtype in TEXT_KEYS:
                out[key] = ""
            continue
        if q.fieldtype == "textarea" and isinstance(value, str):
            out[key] = "".join(f"<p>{_escape(line)}</p>" for line in value.split("\n"))
            continue
        out[key] = value
    return out


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)
