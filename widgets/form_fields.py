"""One small widget per kind of form field: label, required marker, input, help, error.

Labels, help and choices come from the server or from form files others edit: they
reach every widget through `plain()` (widgets/plain.py), never as markup.
"""

from __future__ import annotations

from pathlib import Path

from cebox_support.tui.forms import FieldKind, FormField
from cebox_support.tui.i18n import _
from cebox_support.widgets.attachments import AttachmentList
from cebox_support.widgets.plain import plain
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

Answer = str | list[str]


def _hint(kind: FieldKind) -> str:
    return {
        FieldKind.INTEGER: _("a whole number, e.g. 3"),
        FieldKind.DATETIME: _("e.g. 14:30, yesterday 9am, 28/11 14h"),
        FieldKind.IPV4: _("e.g. 192.0.2.10"),
        FieldKind.IPV6: _("e.g. 2001:db8::10"),
        FieldKind.HOSTNAME: _("e.g. cebox-042"),
    }.get(kind, "")


class FieldWidget(Vertical):
    """The common frame; subclasses provide the input and read/write its answer."""

    def __init__(self, field: FormField, lang: str) -> None:
        super().__init__(id=f"field-{field.name}", classes=f"form-field -{field.kind.value}")
        self.field = field
        self.lang = lang
        self.error: str | None = None
        if field.required:
            self.add_class("-required")

    def compose(self) -> ComposeResult:
        label = self.field.label.get(self.lang)
        if self.field.required:
            label += " *"
        yield Label(plain(label), classes="field-label")
        yield self.make_input()
        if self.field.help is not None:
            yield Static(plain(self.field.help.get(self.lang)), classes="field-help hint")
        error = Static("", classes="field-error error-text", markup=False)
        error.display = False
        yield error

    def make_input(self) -> Widget:
        raise NotImplementedError

    @property
    def input(self) -> Widget:
        return self.query_one(".field-input")

    def get_value(self) -> Answer:
        return ""

    def set_value(self, value: Answer) -> None:
        """Fill from a draft."""

    def show_error(self, message: str | None) -> None:
        message = message or None
        if message == self.error:
            return
        self.error = message
        error = self.query_one(".field-error", Static)
        error.update(message or "")
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")

    def focus_input(self) -> None:
        self.input.focus()
        self.call_after_refresh(self.scroll_visible)


class ChoiceField(FieldWidget):
    def make_input(self) -> Widget:
        options = [(plain(c.label.get(self.lang)), c.value) for c in self.field.choices]
        return Select(options, prompt=_("Choose…"), classes="field-input", compact=True)

    def get_value(self) -> Answer:
        value = self.query_one(Select).value
        return value if isinstance(value, str) else ""

    def set_value(self, value: Answer) -> None:
        if isinstance(value, str) and value in {c.value for c in self.field.choices}:
            self.query_one(Select).value = value


class ChoicesField(FieldWidget):
    """Several choices (a server form's checkboxes): Space ticks the highlighted one."""

    def make_input(self) -> Widget:
        return SelectionList[str](
            *[(plain(c.label.get(self.lang)), c.value) for c in self.field.choices],
            classes="field-input",
            compact=True,
        )

    def get_value(self) -> Answer:
        return [str(v) for v in self.query_one(SelectionList).selected]

    def set_value(self, value: Answer) -> None:
        items = [value] if isinstance(value, str) else value
        known = {c.value for c in self.field.choices}
        selection: SelectionList[str] = self.query_one(SelectionList)
        selection.deselect_all()
        for item in items:
            if item in known:
                selection.select(item)


class TextField(FieldWidget):
    """Single-line text and the typed values (integer, date-time, addresses, host name)."""

    def make_input(self) -> Widget:
        hint = _hint(self.field.kind) if self.field.help is None else ""
        return Input(placeholder=hint, classes="field-input", compact=True)

    def get_value(self) -> Answer:
        return self.query_one(Input).value

    def set_value(self, value: Answer) -> None:
        if isinstance(value, str):
            self.query_one(Input).value = value


class MultilineField(FieldWidget):
    BINDINGS = [
        Binding(
            "ctrl+g,f4",
            "external_editor",
            _("Edit in $EDITOR"),
            id="form.editor",
            tooltip=_("Edit this text in your own editor (the console is suspended meanwhile)"),
        ),
    ]

    def make_input(self) -> Widget:
        return TextArea(classes="field-input", soft_wrap=True, compact=True)

    def get_value(self) -> Answer:
        return self.query_one(TextArea).text

    def set_value(self, value: Answer) -> None:
        if isinstance(value, str):
            self.query_one(TextArea).load_text(value)

    def action_external_editor(self) -> None:
        from cebox_support.tui.editor import edit_text

        area = self.query_one(TextArea)
        configured = getattr(getattr(self.app, "settings", None), "editor", "") or ""
        edited = edit_text(self.app, area.text, configured=configured, suffix=".txt")
        area.load_text(edited.rstrip("\n"))
        area.focus()


class NoteField(FieldWidget):
    """A reminder with no answer (e.g. where to find qgaAgent.log)."""

    can_focus = False

    def compose(self) -> ComposeResult:
        yield Label(plain(self.field.label.get(self.lang)), classes="field-label")
        if self.field.help is not None:
            yield Static(plain(self.field.help.get(self.lang)), classes="field-note")

    def show_error(self, message: str | None) -> None:
        """A note is never wrong."""

    def focus_input(self) -> None:
        """Nothing to focus."""


class DocumentsField(FieldWidget):
    def make_input(self) -> Widget:
        return AttachmentList(classes="field-input")

    @property
    def attachments(self) -> AttachmentList:
        return self.query_one(AttachmentList)

    def get_value(self) -> Answer:
        return [str(p) for p in self.attachments.paths]

    def set_value(self, value: Answer) -> None:
        items = value.splitlines() if isinstance(value, str) else value
        self.attachments.set_paths(Path(p) for p in items if p)

    def focus_input(self) -> None:
        self.attachments.query_one(Input).focus()
        self.call_after_refresh(self.scroll_visible)


def field_widget(field: FormField, lang: str) -> FieldWidget:
    """The widget for one field of a form."""
    kind = field.kind
    if kind is FieldKind.CHOICE:
        return ChoiceField(field, lang)
    if kind is FieldKind.CHOICES:
        return ChoicesField(field, lang)
    if kind is FieldKind.MULTILINE:
        return MultilineField(field, lang)
    if kind is FieldKind.NOTE:
        return NoteField(field, lang)
    if kind is FieldKind.DOCUMENTS:
        return DocumentsField(field, lang)
    return TextField(field, lang)
