"""Validation of a whole form at once, so the user sees every problem in one pass."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cebox_support.tui.forms.schema import FieldKind, FormDefinition, FormField
from cebox_support.tui.forms.values import Attachment, AttachmentError, check_attachment, parse_when
from cebox_support.tui.i18n import _

_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_LABEL_RE = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


@dataclass
class ValidationResult:
    """Cleaned answers (empty optional ones left out) and per-field error messages."""

    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _split_documents(raw: str | list[str]) -> list[str]:
    items = raw.splitlines() if isinstance(raw, str) else list(raw)
    return [item.strip() for item in items if item and item.strip()]


def _check_hostname(value: str) -> str:
    """RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens."""
    name = value.removesuffix(".")
    if len(name) > 253 or not all(_LABEL_RE.match(label) for label in name.split(".")):
        raise ValueError(_("Not a valid host name (letters, digits and hyphens, e.g. cebox-042)."))
    return name


def _fold(text: str) -> str:
    """A choice as typed or pasted: case, spaces and typographic apostrophes don't count."""
    return "".join(text.replace("\u2019", "'").split()).casefold()


def _clean(f: FormField, raw: str, now: datetime) -> object:
    kind = f.kind
    if kind is FieldKind.CHOICE:
        folded = _fold(raw)
        for choice in f.choices:
            if folded in (_fold(choice.value), _fold(choice.label.fr), _fold(choice.label.en)):
                return choice.value
        raise ValueError(
            _("Choose one of: {choices}.").format(choices=", ".join(c.value for c in f.choices))
        )
    if kind in (FieldKind.TEXT, FieldKind.MULTILINE):
        if kind is FieldKind.TEXT and "\n" in raw:
            raise ValueError(_("This field takes a single line."))
        if f.max_length is not None and len(raw) > f.max_length:
            raise ValueError(
                _("At most {max} characters ({count} given).").format(
                    max=f.max_length, count=len(raw)
                )
            )
        return raw
    if kind is FieldKind.INTEGER:
        if not _INT_RE.match(raw):
            raise ValueError(_("Enter a whole number."))
        number = int(raw)
        if f.min is not None and number < f.min:
            raise ValueError(_("Must be at least {min}.").format(min=f.min))
        if f.max is not None and number > f.max:
            raise ValueError(_("Must be at most {max}.").format(max=f.max))
        return number
    if kind is FieldKind.DATETIME:
        return parse_when(raw, now)
    if kind is FieldKind.IPV4:
        try:
            return str(ipaddress.IPv4Address(raw))
        except ValueError:
            raise ValueError(_("Not a valid IPv4 address (e.g. 192.0.2.10).")) from None
    if kind is FieldKind.IPV6:
        try:
            return str(ipaddress.IPv6Address(raw.removeprefix("[").removesuffix("]")))
        except ValueError:
            raise ValueError(_("Not a valid IPv6 address (e.g. 2001:db8::10).")) from None
    if kind is FieldKind.HOSTNAME:
        return _check_hostname(raw)
    raise AssertionError(f"unhandled kind {kind}")


def _normalise(raw: str, kind: FieldKind) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if kind is FieldKind.MULTILINE:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip()


def validate_answers(
    form: FormDefinition,
    answers: Mapping[str, str | list[str]],
    *,
    now: datetime,
    max_upload_bytes: int | None = None,
) -> ValidationResult:
    """Check every field; unknown answer keys are ignored, note fields take no answer."""
    result = ValidationResult()
    for f in form.fields:
        if f.kind is FieldKind.NOTE:
            continue
        raw = answers.get(f.name, "")
        try:
            value = _validate_one(f, raw, now, max_upload_bytes)
        except ValueError as exc:
            result.errors[f.name] = str(exc)
            continue
        if value is None:
            if f.required:
                result.errors[f.name] = _("This field is required.")
        else:
            result.values[f.name] = value
    return result


def _validate_one(
    f: FormField, raw: str | list[str], now: datetime, max_upload_bytes: int | None
) -> object | None:
    items = [raw] if isinstance(raw, str) else raw
    if any("\x00" in item for item in items):
        raise ValueError(_("NUL characters are not allowed."))
    if f.kind is FieldKind.DOCUMENTS:
        attachments: list[Attachment] = []
        problems: list[str] = []
        for path in _split_documents(raw):
            try:
                attachment = check_attachment(path, max_upload_bytes)
            except AttachmentError as exc:
                problems.append(exc.message)
                continue
            if attachment.path not in {a.path for a in attachments}:
                attachments.append(attachment)
        if problems:
            raise ValueError(" ".join(problems))
        return attachments or None
    if not isinstance(raw, str):
        if len(raw) > 1:
            raise ValueError(_("This field takes a single value."))
        raw = raw[0] if raw else ""
    text = _normalise(raw, f.kind)
    if not text:
        return None
    return _clean(f, text, now)
