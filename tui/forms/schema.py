"""Pydantic schema of a declarative ticket form (one TOML file per form).

Form files are edited by administrators, so every model forbids unknown keys: a typo
such as ``requierd`` is reported instead of being silently ignored.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocalText(_Strict):
    """A text given in French and English; French wins when a language is unknown."""

    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang[:2].lower() == "en" else self.fr


class Choice(_Strict):
    value: str = Field(min_length=1)
    label: LocalText
    category_id: int | None = Field(default=None, ge=1)


class FieldKind(StrEnum):
    CHOICE = "choice"
    CHOICES = "choices"
    """Several of the choices (server forms' checkboxes and multiple selects)."""
    TEXT = "text"
    MULTILINE = "multiline"
    INTEGER = "integer"
    DATETIME = "datetime"
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    HOSTNAME = "hostname"
    DOCUMENTS = "documents"
    NOTE = "note"


_ROLE_KINDS: dict[str, tuple[FieldKind, ...]] = {
    "title": (FieldKind.TEXT,),
    "description": (FieldKind.TEXT, FieldKind.MULTILINE),
    "type": (FieldKind.CHOICE,),
}


class FormField(_Strict):
    """One question of a form.

    ``role`` says which answer becomes the GLPI ticket name (``title``), which one is
    shown first in the description (``description``) and which choice gives the GLPI
    category (``type``).
    """

    name: str
    kind: FieldKind
    label: LocalText
    help: LocalText | None = None
    required: bool = False
    section: LocalText | None = None
    choices: list[Choice] = Field(default_factory=list)
    min: int | None = None
    max: int | None = None
    max_length: int | None = Field(default=None, ge=1)
    role: Literal["title", "description", "type", None] = None

    @model_validator(mode="after")
    def _coherent(self) -> FormField:
        if not _NAME_RE.match(self.name):
            raise ValueError(
                f"field name {self.name!r} must be lowercase letters, digits and '_',"
                " starting with a letter"
            )
        if self.kind in (FieldKind.CHOICE, FieldKind.CHOICES):
            if not self.choices:
                raise ValueError(f"choice field {self.name!r} needs at least one choice")
            values = [c.value for c in self.choices]
            if len(set(values)) != len(values):
                raise ValueError(f"choice field {self.name!r} has duplicate choice values")
        elif self.choices:
            raise ValueError(f"only choice fields take choices ({self.name!r} is {self.kind})")
        if (self.min is not None or self.max is not None) and self.kind is not FieldKind.INTEGER:
            raise ValueError(f"min/max apply to integer fields only ({self.name!r})")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"field {self.name!r}: min is greater than max")
        if self.max_length is not None and self.kind not in (FieldKind.TEXT, FieldKind.MULTILINE):
            raise ValueError(
                f"max_length applies to text and multiline fields only ({self.name!r})"
            )
        if self.kind is FieldKind.NOTE and self.required:
            raise ValueError(f"note {self.name!r} has no input and cannot be required")
        if self.role is not None and self.kind not in _ROLE_KINDS[self.role]:
            raise ValueError(
                f"field {self.name!r}: role {self.role!r} does not fit kind {self.kind}"
            )
        if self.role == "title" and not self.required:
            raise ValueError(f"title field {self.name!r} must be required (GLPI needs a name)")
        return self


class FormDefinition(_Strict):
    """A whole form; ``source`` is the file it was loaded from, never read from TOML."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: LocalText
    summary: LocalText
    ticket_type: Literal[1, 2]
    fields: list[FormField] = Field(min_length=1)
    source: str = Field(default="", exclude=True)
    remote: bool = Field(default=False, exclude=True)
    """Built from a server (Formcreator) form: its target rules make the ticket, so no
    field needs a role."""

    @model_validator(mode="after")
    def _coherent(self) -> FormDefinition:
        names = [f.name for f in self.fields]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate field names: {', '.join(dupes)}")
        for role in ("title", "description", "type"):
            count = sum(1 for f in self.fields if f.role == role)
            if role == "title" and count != 1 and not self.remote:
                raise ValueError("exactly one field must have role = 'title'")
            if count > 1:
                raise ValueError(f"at most one field may have role = {role!r}")
        return self

    def field(self, name: str) -> FormField:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def role_field(self, role: str) -> FormField | None:
        return next((f for f in self.fields if f.role == role), None)
