"""The forms catalogue ("Formulaires"): choose what kind of ticket to open.

When the helpdesk has the Formcreator plugin, its forms are the catalogue (grouped by
category; remembered per server and checked again in the background; the last copy,
marked, while the server cannot be reached). Otherwise the
console's own forms: TOML files, the shipped ones replaced or extended by the
profile's own directory; a broken file is shown as a warning, the others stay usable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from cebox_support.tui.config import config_dir
from cebox_support.tui.forms import FormDefinition, FormFileError, load_forms
from cebox_support.tui.forms.server import FormSummary, ServerForm
from cebox_support.tui.i18n import _, language
from cebox_support.tui.messages import OpenTicket
from cebox_support.tui.offline import copies_for, unreachable
from cebox_support.tui.session import Workspace
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.offline_banner import OfflineBanner
from cebox_support.widgets.plain import plain
from cebox_support.widgets.title_bar import TitleBar
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

T = TypeVar("T")


def profile_forms_dir(workspace: Workspace) -> Path:
    """The profile's `forms_dir`, else `<config dir>/forms/<profile name>`."""
    if workspace.profile.forms_dir:
        return Path(workspace.profile.forms_dir).expanduser()
    return config_dir() / "forms" / workspace.profile_name


class FormsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", _("Back"), id="forms.back", tooltip=_("Close the catalogue")),
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        open_form: str | None = None,
        open_link: tuple[int, str | None] | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.open_form = open_form
        self.open_link = open_link
        """A GLPI 11 form's direct-access link (form id, token): opened from its page."""
        self.lang = language()
        self.forms: list[FormDefinition] = []
        self.problems: list[FormFileError] = []
        self.server_forms: list[FormSummary] = []
        from cebox_support.tui.server_forms import forms_source

        self.area = forms_source(workspace.client)
        # Asked before the screen is built: the round trip overlaps the mount.
        self._early_catalogue = workspace.start(self.area.load_catalogue)
        self.web_password_asked = False
        self.browser_only = ""
        """Why the server's forms can only be used in the browser, and where."""
        self._open_pending = False
        self.source: str | None = None
        """"server" or "builtin" once known; None while the server is being asked."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield OfflineBanner()
        with Vertical(id="forms-panel"):
            yield Label(_("Forms"), id="forms-title")
            yield Static(
                _("Choose the kind of ticket to open and press Enter."),
                id="forms-hint",
                classes="hint",
            )
            yield Static("", id="forms-source", classes="hint", markup=False)
            yield OptionList(id="forms-list")
            yield Static("", id="forms-warnings", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("New ticket")
        has_plugin, forms = self.area.cached_catalogue(self.workspace.client)
        if has_plugin is not None:
            self.source = "server" if has_plugin else "builtin"
            self.server_forms = forms
        self.reload()
        self.load_server_forms()
        for problem in self.problems:
            self.notify(problem.message, title=_("Form file"), severity="warning", markup=False)
        if self.open_link is not None:
            self.open_linked_form(*self.open_link)
        if self.open_form is not None:
            if self.source is None:
                self._open_pending = True  # decided once the server has answered
            else:
                self._open_requested()
        self.query_one("#forms-list", OptionList).focus()

    def _open_requested(self) -> None:
        """`open_form` names a built-in form (the palette's "New incident"): on a server
        with its own forms, the server's form of the same title is the one opened."""
        self._open_pending = False
        builtin = next((f for f in self.forms if f.id == self.open_form), None)
        if self.source == "server" and builtin is not None:
            titles = {builtin.title.fr.casefold(), builtin.title.en.casefold()}
            match = next((f for f in self.server_forms if f.name.casefold() in titles), None)
            if match is not None:
                self.call_after_refresh(self.open_server_form, match)
                return
        if builtin is None:
            self.notify(
                _("There is no form named {id}.").format(id=self.open_form),
                severity="error",
                markup=False,
            )
            self.open_form = None
        else:
            self.call_after_refresh(self.open, builtin)

    def help_text(self) -> str:
        return _(
            "Each form asks what the support team needs for that kind of ticket. "
            "Choose one with the arrows and press Enter.\n\n"
            "Your administrator can add or replace forms for a server: TOML files in "
            "the profile's forms directory ({path})."
        ).format(path=profile_forms_dir(self.workspace))

    @work(group="forms-catalogue", exclusive=True, exit_on_error=False)
    async def load_server_forms(self) -> None:
        """Ask the server for its forms (also when they are known: they may have changed)."""
        from cebox_support.tui.api.errors import GlpiError

        early, self._early_catalogue = self._early_catalogue, None
        try:
            found = await self._with_web_session(
                lambda: self.workspace.call(self.area.load_catalogue, early=early),
                lambda: self.workspace.call(self.area.load_catalogue),
            )
        except GlpiError as error:
            from cebox_support.tui.api.errors import NeedsBrowser

            if isinstance(error, NeedsBrowser):
                self.browser_only = _(
                    "Signed in with a personal API token: the helpdesk's forms need a "
                    "sign-in with your password, or your browser: {url}"
                ).format(url=error.url)
            if unreachable(error) and self._show_copy():
                return
            if self.source is None:
                self.source = "builtin"
                self.reload()
            self.notify(error.message, title=_("Forms"), severity="warning", markup=False)
            if self._open_pending:
                self._open_requested()
            return
        source = "builtin" if found is None else "server"
        copies_for(self.workspace).save_catalogue(found is not None, found or [])
        self.query_one(OfflineBanner).show_copy(None)
        if source != self.source or (found or []) != self.server_forms:
            self.source, self.server_forms = source, found or []
            self.reload()
        if self._open_pending:
            self._open_requested()

    def _show_copy(self) -> bool:
        """The server cannot be reached: the last copy of its catalogue, marked (True),
        if this profile kept one for this server."""
        copy = copies_for(self.workspace).load_catalogue()
        if copy is None:
            return False
        self.source = "server" if copy.has_forms else "builtin"
        self.server_forms = copy.forms
        self.reload()
        self.query_one(OfflineBanner).show_copy(copy.fetched_at)
        if self._open_pending:
            self._open_requested()
        return True

    async def _with_web_session(
        self, first: Callable[[], Awaitable[T]], again: Callable[[], Awaitable[T]]
    ) -> T:
        """GLPI 11's forms need GLPI's web session: when it has ended, the password is
        asked once (never kept) and the call made again."""
        from cebox_support.tui.api.errors import WebLoginRequired
        from cebox_support.tui.session import settle_web_session

        try:
            return await first()
        except WebLoginRequired:
            await settle_web_session(self.workspace)  # the one opened at sign-in
            if self.workspace.client.web_cookie:
                return await again()
            if self.web_password_asked:
                raise
            self.web_password_asked = True
            from cebox_support.screens.web_password import WebPasswordScreen

            if not await self.app.push_screen_wait(WebPasswordScreen(self.workspace)):
                raise
        return await again()

    def _show_source(self) -> None:
        if self.browser_only:
            self.query_one("#forms-source", Static).update(self.browser_only)
            return
        text = {
            None: _("The console's own forms, while the server is asked for its forms…"),
            "builtin": _("The console's own forms (this server has no forms of its own)."),
            "server": _("Forms of the helpdesk, as defined by the support team."),
        }[self.source]
        self.query_one("#forms-source", Static).update(text)

    def reload(self) -> None:
        self._show_source()
        # The built-in forms stay known (``open_form``) even when the server's are shown.
        self.forms, self.problems = load_forms([profile_forms_dir(self.workspace)])
        if self.source == "server":
            self._list_server_forms()
            return
        drafts = set(self.workspace.drafts.keys())
        option_list = self.query_one("#forms-list", OptionList)
        option_list.clear_options()
        for index, form in enumerate(self.forms):
            if index:
                option_list.add_option(None)
            label = plain(form.title.get(self.lang), style="bold")
            if f"new-{form.id}" in drafts:
                label.append("  " + _("(draft saved)"), style="italic")
            label.append_text(plain("\n" + form.summary.get(self.lang), style="dim"))
            option_list.add_option(Option(label, id=form.id))
        if self.forms:
            option_list.highlighted = 0
        warnings = self.query_one("#forms-warnings", Static)
        warnings.update("\n".join(p.message for p in self.problems))
        warnings.display = bool(self.problems)

    def _list_server_forms(self) -> None:
        from cebox_support.screens.server_form import server_draft_prefix

        option_list = self.query_one("#forms-list", OptionList)
        highlighted = option_list.highlighted_option
        option_list.clear_options()
        prefix = server_draft_prefix(self.workspace)
        saved: list[str] = self.workspace.drafts.keys()
        drafts = {k for k in saved if k.startswith(prefix)}
        # No heading at all when the server sorts no form into a category.
        category: str | None = None if any(f.category for f in self.server_forms) else ""
        for form in self.server_forms:
            if form.category != category:
                category = form.category
                if option_list.option_count:
                    option_list.add_option(None)
                heading = plain(category or _("Other forms"), style="bold underline")
                option_list.add_option(Option(heading, disabled=True))
            label = plain(form.name, style="bold")
            if f"{prefix}{form.id}" in drafts:
                label.append("  " + _("(draft saved)"), style="italic")
            if form.description:
                label.append_text(plain("\n" + form.description, style="dim"))
            option_list.add_option(Option(label, id=f"server-{form.id}"))
        if not self.server_forms:
            option_list.add_option(
                Option(Text(_("The helpdesk offers no form to you.")), disabled=True)
            )
        first = next(
            (i for i in range(option_list.option_count)
             if not option_list.get_option_at_index(i).disabled),
            None,
        )  # fmt: skip
        if highlighted is not None and highlighted.id:
            try:
                option_list.highlighted = option_list.get_option_index(highlighted.id)
            except Exception:
                option_list.highlighted = first
        else:
            option_list.highlighted = first
        warnings = self.query_one("#forms-warnings", Static)
        warnings.display = False

    @on(OptionList.OptionSelected, "#forms-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("server-"):
            summary = next((f for f in self.server_forms if f"server-{f.id}" == option_id), None)
            if summary is not None:
                self.open_server_form(summary)
            return
        form = next((f for f in self.forms if f.id == option_id), None)
        if form is not None:
            self.open(form)

    def open_server_form(self, summary: FormSummary) -> None:
        """Open at once from the cache (checked again behind), else after loading it."""
        form = self.area.cached_form(self.workspace.client, summary.id)
        if form is not None:
            self._push_server_form(form)
            self.revalidate_form(summary)
        else:
            self.fetch_form(summary)

    def _push_server_form(self, form: object) -> None:
        from cebox_support.screens.server_form import ServerFormScreen
        from cebox_support.tui.forms.server import ServerForm

        assert isinstance(form, ServerForm)
        self.app.push_screen(ServerFormScreen(self.workspace, form), self._form_closed)

    @work(group="forms-open", exclusive=True, exit_on_error=False)
    async def fetch_form(self, summary: FormSummary) -> None:
        from cebox_support.tui.api.errors import GlpiError

        self.query_one("#forms-source", Static).update(
            _("Opening {name}…").format(name=summary.name)
        )

        def read() -> Awaitable[ServerForm]:
            return self.workspace.call(lambda client: self.area.load_form(client, summary))

        try:
            form = await self._with_web_session(read, read)
        except GlpiError as error:
            self._show_source()
            self.notify(error.message, title=_("Forms"), severity="error", markup=False)
            return
        self._show_source()
        if self.app.screen is self:
            self._push_server_form(form)

    @work(group="forms-open", exclusive=True, exit_on_error=False)
    async def open_linked_form(self, form_id: int, token: str | None) -> None:
        """A form of a link: opened from its own page, listed in the catalogue or not."""
        from cebox_support.tui.api.errors import GlpiError

        if not self.area.native:
            self.notify(
                _("Form links open on GLPI 11 only; this server has no such form."),
                severity="error",
                markup=False,
            )
            return
        from cebox_support.tui.api.native_forms import conversation

        def read() -> Awaitable[ServerForm]:
            return conversation(self.workspace.client).render(form_id, token=token)

        try:
            form = await self._with_web_session(read, read)
        except GlpiError as error:
            self.notify(error.message, title=_("Forms"), severity="error", markup=False)
            return
        if self.app.screen is self:
            self._push_server_form(form)

    @work(group="forms-revalidate", exclusive=True, exit_on_error=False)
    async def revalidate_form(self, summary: FormSummary) -> None:
        """The next opening gets what the server has now (the open form stays as it is)."""
        from cebox_support.tui.api.errors import GlpiError

        with contextlib.suppress(GlpiError):
            await self.area.load_form(self.workspace.client, summary)

    def open(self, form: FormDefinition) -> None:
        from cebox_support.screens.new_ticket import NewTicketScreen

        self.app.push_screen(NewTicketScreen(self.workspace, form), self._form_closed)

    def _form_closed(self, ticket_id: int | None) -> None:
        if ticket_id is not None:
            self.dismiss(None)
            self.app.post_message(OpenTicket(ticket_id))  # this screen is gone
        elif self.open_form is not None:
            self.dismiss(None)
        else:
            self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
