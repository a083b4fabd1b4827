"""Declarative ticket forms: TOML definitions, validation and the GLPI description.

Pure Python + pydantic; never imports textual or rich.
"""

from cebox_support.tui.forms.loader import FormFileError, load_forms
from cebox_support.tui.forms.render import TicketDraft, describe_fields, render_ticket
from cebox_support.tui.forms.schema import Choice, FieldKind, FormDefinition, FormField, LocalText
from cebox_support.tui.forms.validate import ValidationResult, validate_answers
from cebox_support.tui.forms.values import (
    Attachment,
    AttachmentError,
    check_attachment,
    human_size,
    parse_when,
)

__all__ = [
    "Attachment",
    "AttachmentError",
    "Choice",
    "FieldKind",
    "FormDefinition",
    "FormField",
    "FormFileError",
    "LocalText",
    "TicketDraft",
    "ValidationResult",
    "check_attachment",
    "describe_fields",
    "human_size",
    "load_forms",
    "parse_when",
    "render_ticket",
    "validate_answers",
]
