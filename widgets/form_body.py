"""The body of a ticket form — its sections and questions — built from one field model.

Whatever the form's source, the body shows a ``FormDefinition`` (``tui/forms/schema.py``):
fields with a name, a kind, a label, help, a section, choices and ranges, one small
widget per field (``widgets/form_fields.py``). Answers, errors and drafts are keyed by
field name. The body never knows where a form came from.

How a source plugs in:

1. It gives a ``FormDefinition``, one field per question in the order shown. The
   built-in TOML forms are one already (``tui/forms/loader.py``); a Formcreator form
   becomes one through ``tui.forms.server.to_definition``; a third source (GLPI 11's
   native forms) converts its questions the same way in ``tui/forms/``, a question the
   terminal cannot take becoming a ``NOTE`` field that says where to finish the form.
2. When its questions show or hide with the answers, it gives ``visibility``: answers
   in, ``{field name: shown}`` out (Formcreator: ``tui.forms.server.visibility``),
   applied after every change. A source that must ask its server calls ``show_only``
   when the answer comes.
3. Its screen (``screens/new_ticket.py``, or a subclass per source such as
   ``screens/server_form.py``) validates ``answers()`` with the source's own rules,
   shows what is wrong with ``show_errors`` and sends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cebox_support.tui.forms import FieldKind, FormDefinition
from cebox_support.tui.i18n import _
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.form_fields import Answer, DocumentsField, FieldWidget, field_widget
from cebox_support.widgets.plain import plain
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

Visibility = Callable[[dict[str, Answer]], Mapping[str, bool]]
"""The source's show/hide conditions: answers in, which fields are shown out."""


class FormBody(Vertical):
    DEFAULT_CSS = """
    FormBody { height: auto; }
    """

    def __init__(
        self,
        form: FormDefinition,
        lang: str,
        *,
        visibility: Visibility | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.form = form
        self.lang = lang
        self.visibility = visibility

    def compose(self) -> ComposeResult:
        yield Static(plain(self.form.summary.get(self.lang)), id="form-summary")
        yield Static(_("Fields marked * are required."), id="form-legend", classes="hint")
        section = None
        for f in self.form.fields:
            if f.section is not None and f.section != section:
                yield Label(plain(f.section.get(self.lang)), classes="section-title")
            section = f.section
            yield field_widget(f, self.lang)

    # -- the fields ----------------------------------------------------------------------

    def field_widgets(self) -> list[FieldWidget]:
        return list(self.query(FieldWidget))

    def field_widget(self, name: str) -> FieldWidget:
        return self.query_one(f"#field-{name}", FieldWidget)

    def field_of(self, control: DOMNode | None) -> FieldWidget | None:
        """The field a control (an input, a list…) belongs to."""
        if control is None:
            return None
        return next((a for a in control.ancestors if isinstance(a, FieldWidget)), None)

    def documents(self) -> DocumentsField | None:
        found = self.query(DocumentsField)
        return found.first() if found else None

    def answers(self) -> dict[str, Answer]:
        return {
            w.field.name: w.get_value()
            for w in self.field_widgets()
            if w.field.kind is not FieldKind.NOTE
        }

    def set_answers(self, answers: Mapping[str, object]) -> None:
        """Fill from a draft: only answers of a shape a field can take."""
        for widget in self.field_widgets():
            value = answers.get(widget.field.name)
            if isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                widget.set_value(value)

    def fill(self, values: Mapping[str, str]) -> list[str]:
        """Put values in the fields shown (a hidden one could not be reviewed); the
        names of those filled."""
        shown = {w.field.name for w in self.field_widgets() if w.display}
        filled = [name for name in values if name in shown]
        for name in filled:
            self.field_widget(name).set_value(values[name])
        return filled

    def set_max_bytes(self, n: int | None) -> None:
        for attachments in self.query(AttachmentList):
            attachments.set_max_bytes(n)

    # -- what is shown ---------------------------------------------------------------------

    def apply_conditions(self) -> None:
        """Show only the questions whose conditions hold for the current answers."""
        if self.visibility is not None:
            self.show_only(self.visibility(self.answers()))

    def show_only(self, shown: Mapping[str, bool]) -> None:
        for widget in self.field_widgets():
            widget.display = shown.get(widget.field.name, True)

    def focus_first(self) -> None:
        for widget in self.field_widgets():
            if widget.field.kind is not FieldKind.NOTE and not widget.disabled and widget.display:
                widget.focus_input()
                return

    def show_errors(self, errors: Mapping[str, str]) -> None:
        for widget in self.field_widgets():
            widget.show_error(errors.get(widget.field.name))

    def lock_answers(self) -> None:
        """The ticket exists: only its documents can still change."""
        for widget in self.field_widgets():
            if not isinstance(widget, DocumentsField) and widget.field.kind is not FieldKind.NOTE:
                widget.disabled = True

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(AttachmentList.Changed)
    def _answer_changed(self, event: Any) -> None:
        """An answer changed: its error goes (not while a file path is being typed) and
        the conditions are applied again. The event goes on up (drafts are saved)."""
        widget = self.field_of(event.control)
        if widget is None:
            return
        if not (isinstance(event, Input.Changed) and isinstance(widget, DocumentsField)):
            widget.show_error(None)
        self.apply_conditions()
