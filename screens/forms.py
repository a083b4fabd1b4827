"""The forms catalogue ("Formulaires"): choose what kind of ticket to open.

Forms are TOML files: the shipped ones, replaced or extended by the profile's own
directory. A broken file is shown as a warning and the others stay usable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.config import config_dir
from tui.forms import FormDefinition, FormFileError, load_forms
from tui.i18n import _, language
from tui.session import Workspace
from widgets.key_bar import KeyBar
from widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from tui.app import CeboxApp


def profile_forms_dir(workspace: Workspace) -> Path:
    """The profile's `forms_dir`, else `<config dir>/forms/<profile name>`."""
    if workspace.profile.forms_dir:
        return Path(workspace.profile.forms_dir).expanduser()
    return config_dir() / "forms" / workspace.profile_name


class FormsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", _("Back"), id="forms.back", tooltip=_("Close the catalogue")),
    ]

    def __init__(self, workspace: Workspace, *, open_form: str | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.open_form = open_form
        self.lang = language()
        self.forms: list[FormDefinition] = []
        self.problems: list[FormFileError] = []

    @property
    def shell(self) -> CeboxApp:
        return cast("CeboxApp", self.app)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="forms-panel"):
            yield Label(_("Forms"), id="forms-title")
            yield Static(
                _("Choose the kind of ticket to open and press Enter."),
                id="forms-hint",
                classes="hint",
            )
            yield OptionList(id="forms-list")
            yield Static("", id="forms-warnings", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("New ticket")
        self.reload()
        for problem in self.problems:
            self.notify(problem.message, title=_("Form file"), severity="warning", markup=False)
        if self.open_form is not None:
            form = next((f for f in self.forms if f.id == self.open_form), None)
            if form is None:
                self.notify(
                    _("There is no form named {id}.").format(id=self.open_form),
                    severity="error",
                    markup=False,
                )
                self.open_form = None
            else:
                self.call_after_refresh(self.open, form)
        self.query_one("#forms-list", OptionList).focus()

    def help_text(self) -> str:
        return _(
            "Each form asks what the support team needs for that kind of ticket. "
            "Choose one with the arrows and press Enter.\n\n"
            "Your administrator can add or replace forms for a server: TOML files in "
            "the profile's forms directory ({path})."
        ).format(path=profile_forms_dir(self.workspace))

    def reload(self) -> None:
        self.forms, self.problems = load_forms([profile_forms_dir(self.workspace)])
        drafts = set(self.workspace.drafts.keys())
        option_list = self.query_one("#forms-list", OptionList)
        option_list.clear_options()
        for index, form in enumerate(self.forms):
            if index:
                option_list.add_option(None)
            label = Text(form.title.get(self.lang), style="bold")
            if f"new-{form.id}" in drafts:
                label.append("  " + _("(draft saved)"), style="italic")
            label.append("\n" + form.summary.get(self.lang), style="dim")
            option_list.add_option(Option(label, id=form.id))
        if self.forms:
            option_list.highlighted = 0
        warnings = self.query_one("#forms-warnings", Static)
        warnings.update("\n".join(p.message for p in self.problems))
        warnings.display = bool(self.problems)

    @on(OptionList.OptionSelected, "#forms-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        form = next((f for f in self.forms if f.id == event.option.id), None)
        if form is not None:
            self.open(form)

    def open(self, form: FormDefinition) -> None:
        from screens.new_ticket import NewTicketScreen

        self.app.push_screen(NewTicketScreen(self.workspace, form), self._form_closed)

    def _form_closed(self, ticket_id: int | None) -> None:
        if ticket_id is not None:
            self.dismiss(None)
            self.shell.open_ticket(ticket_id)
        elif self.open_form is not None:
            self.dismiss(None)
        else:
            self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
