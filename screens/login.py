"""Sign in to a GLPI server: a saved profile or a new URL, a password or a personal token.

The password only lives in the Input while the request is in flight; the profile
(URL, login, App-Token) is remembered in config.toml after a successful login.
"""

from __future__ import annotations

import contextlib
import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.urls import BadServerUrl, check_server_url, normalize_api_url
from cebox_support.tui.config import (
    ConfigNotSaved,
    Profile,
    Settings,
    config_path,
    profile_name_for,
    save_settings,
)
from cebox_support.tui.i18n import _
from cebox_support.tui.messages import SignedIn
from cebox_support.tui.tokens import InsecureTokenFile, Secret
from cebox_support.widgets.key_bar import KeyBar
from cebox_support.widgets.plain import plain
from cebox_support.widgets.tab_input import FIELD_BY_FIELD, TabInput
from cebox_support.widgets.title_bar import TitleBar
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from cebox_support.tui.demo import DemoLogin
    from cebox_support.tui.session import Workspace


def is_loopback(url: str) -> bool:
    host = urlparse(normalize_api_url(url)).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_plain_http(url: str) -> bool:
    return normalize_api_url(url).lower().startswith("http://")


class LoginScreen(Screen[None]):
    """The first screen: where, who, and how to prove it."""

    BINDINGS = [
        Binding(
            "enter",
            "submit",
            _("Sign in"),
            id="login.submit",
            tooltip=_("Sign in with what is filled in (from any field)"),
        ),
        *FIELD_BY_FIELD,  # a burst of keys (auto-type, tmux) moves field by field
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        profile_name: str | None = None,
        auto_resume: bool = True,
        demo: DemoLogin | None = None,
    ) -> None:
        super().__init__()
        self.auto_resume = auto_resume
        self.demo = demo
        self.settings = settings
        self.profile_name = profile_name if profile_name in settings.profiles else None
        if self.profile_name is None and len(settings.profiles) == 1:
            self.profile_name = next(iter(settings.profiles))
        self.busy = False
        self._http_confirmed: str | None = None
        self._filled_from: str | None = None

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="login-scroll"), Vertical(id="login-panel"):
            yield Label(_("Sign in to the ceBox support"), id="login-title")
            if self.settings.profiles:
                with Horizontal(classes="login-row"):
                    yield Label(_("Saved server"), classes="login-label")
                    yield Select(
                        [(plain(name), name) for name in sorted(self.settings.profiles)],
                        prompt=_("New server"),
                        value=self.profile_name or Select.NULL,
                        id="server-select",
                        compact=True,
                    )
            with Horizontal(classes="login-row"):
                yield Label(_("Server URL"), classes="login-label")
                yield TabInput(
                    placeholder="https://support.example.com", id="server-url", compact=True
                )
            with Horizontal(classes="login-row -with-hint"):
                yield Label(_("Login"), classes="login-label")
                yield TabInput(id="login-user", compact=True)
            yield Label(
                _("login or e-mail address — case-sensitive"), id="login-hint", classes="hint"
            )
            with Horizontal(classes="login-row password-row"):
                yield Label(_("Password"), classes="login-label")
                yield TabInput(password=True, id="login-password", compact=True)
            with Horizontal(classes="login-row token-row"):
                yield Label(_("API token"), classes="login-label")
                yield TabInput(
                    password=True,
                    placeholder=_("personal API token (GLPI › My settings)"),
                    id="login-token",
                    compact=True,
                )
            with Horizontal(classes="login-row"):
                yield Label(_("App-Token"), classes="login-label")
                yield TabInput(
                    placeholder=_("optional — only if your administrator gave you one"),
                    id="login-app-token",
                    password=True,  # a secret too: never on screen, nor in a screenshot
                    compact=True,
                )
            with Horizontal(id="login-options"):
                yield Checkbox(_("use a personal API token instead"), id="use-token", compact=True)
                yield Checkbox(
                    _("remember this token"), id="remember-token", compact=True, classes="token-row"
                )
            yield Static("", id="login-message", markup=False)
            yield Button(_("Sign in"), id="login-submit", variant="primary", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("Sign in")
        self._set_token_mode(False)
        if self.profile_name is not None:
            self._fill_from(self.settings.profiles[self.profile_name])
            self._filled_from = self.profile_name
            if self.auto_resume:
                self.resume_session(self.profile_name, self.settings.profiles[self.profile_name])
        elif self.demo is not None:
            # `--demo` after signing out: its server has a random port shown nowhere else
            self.query_one("#server-url", Input).value = self.demo.api_url
            self.query_one("#login-user", Input).value = self.demo.login
            self.show_message(
                _("Demo server: account {login}, password {password}.").format(
                    login=self.demo.login, password=self.demo.password
                ),
                error=False,
            )
        self._focus_first_empty()

    def help_text(self) -> str:
        return _(
            "Choose a saved server or type the address of your GLPI server, then your "
            "login (or e-mail address) and password. Both are case-sensitive.\n\n"
            "If your GLPI administrator gave you an App-Token, enter it too. Tick "
            "*use a personal API token instead* to sign in with the token shown in GLPI "
            "under *My settings › Remote access keys*.\n\n"
            "Enter signs in from any field. Your password is never saved."
        )

    # -- fields ---------------------------------------------------------------------

    @property
    def token_mode(self) -> bool:
        return self.query_one("#use-token", Checkbox).value

    def _set_token_mode(self, on: bool) -> None:
        for widget in self.query(".password-row"):
            widget.display = not on
        for widget in self.query(".token-row"):
            widget.display = on

    def _fill_from(self, profile: Profile) -> None:
        self.query_one("#server-url", Input).value = profile.url
        self.query_one("#login-user", Input).value = profile.login
        self.query_one("#login-app-token", Input).value = profile.app_token
        self.query_one("#use-token", Checkbox).value = profile.use_user_token
        self._set_token_mode(profile.use_user_token)

    def _secret_input(self) -> Input:
        return self.query_one("#login-token" if self.token_mode else "#login-password", Input)

    def _focus_first_empty(self) -> None:
        for selector in ("#server-url", "#login-user"):
            field = self.query_one(selector, Input)
            if not field.value:
                field.focus()
                return
        self._secret_input().focus()

    @on(Select.Changed, "#server-select")
    def _profile_chosen(self, event: Select.Changed) -> None:
        if event.value == self._filled_from:
            return  # the preselected profile announcing itself on mount
        self._filled_from = event.value if isinstance(event.value, str) else None
        if isinstance(event.value, str) and event.value in self.settings.profiles:
            self._fill_from(self.settings.profiles[event.value])
            self._secret_input().value = ""
        self.show_message("")

    @on(Checkbox.Changed, "#use-token")
    def _token_toggled(self, event: Checkbox.Changed) -> None:
        self._set_token_mode(event.value)
        self.show_message("")

    @on(Input.Changed, "#server-url")
    def _url_edited(self) -> None:
        self._http_confirmed = None

    def show_message(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#login-message", Static)
        message.update(text)
        message.set_class(bool(text) and error, "error-text")
        message.set_class(bool(text) and not error, "hint")

    def set_busy(self, busy: bool) -> None:
        """While a request is in flight the submit is disabled and Enter does nothing."""
        self.busy = busy
        self.query_one("#login-submit", Button).disabled = busy
        if busy:
            self.show_message(_("Signing in…"), error=False)

    # -- submit ---------------------------------------------------------------------

    @on(Button.Pressed, "#login-submit")
    @on(Input.Submitted)
    def _submit_requested(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if self.busy:
            return
        url = self.query_one("#server-url", Input).value.strip()
        login = self.query_one("#login-user", Input).value.strip()
        secret = self._secret_input().value
        if not url:
            self.show_message(_("Enter the address of your GLPI server."))
            self.query_one("#server-url", Input).focus()
            return
        if not self.token_mode and not login:
            self.show_message(_("Enter your login or e-mail address."))
            self.query_one("#login-user", Input).focus()
            return
        if not secret:
            self.show_message(
                _("Enter your personal API token.")
                if self.token_mode
                else _("Enter your password.")
            )
            self._secret_input().focus()
            return
        try:
            check_server_url(url)
        except BadServerUrl as problem:
            self.show_message(problem.message)
            self.query_one("#server-url", Input).focus()
            return
        if is_plain_http(url) and not is_loopback(url) and self._http_confirmed != url:
            self._http_confirmed = url
            self.show_message(
                _(
                    "Warning: {url} is plain http, your password would travel unencrypted. "
                    "Press Enter again to send it anyway, or use https://."
                ).format(url=url)
            )
            return
        name, profile = self._target_profile(url, login)
        self.set_busy(True)
        self.sign_in_worker(name, profile, Secret(secret))

    def _target_profile(self, url: str, login: str) -> tuple[str, Profile]:
        """The chosen profile when the URL is still its own, else a profile for the new URL."""
        profiles = self.settings.profiles
        api_url = normalize_api_url(url)
        candidates: list[str] = []
        with contextlib.suppress(Exception):
            chosen = self.query_one("#server-select", Select).value
            if isinstance(chosen, str):
                candidates.append(chosen)
        candidates += sorted(profiles)
        name = next(
            (
                n
                for n in candidates
                if n in profiles and normalize_api_url(profiles[n].url) == api_url
            ),
            None,
        )
        if name is None:
            base = profile_name_for(url)
            name, number = base, 2
            while name in profiles:
                name, number = f"{base}-{number}", number + 1
        update = {
            "url": url,
            "login": login,
            "app_token": self.query_one("#login-app-token", Input).value.strip(),
            "use_user_token": self.token_mode,
        }
        if name in profiles:
            return name, profiles[name].model_copy(update=update)
        return name, Profile.model_validate(update)

    @work(group="sign-in", exit_on_error=False)
    async def sign_in_worker(self, name: str, profile: Profile, secret: Secret) -> None:
        from cebox_support.tui.session import sign_in

        token_mode = profile.use_user_token
        try:
            workspace = await sign_in(
                name,
                profile,
                password=None if token_mode else secret.reveal(),
                user_token=secret.reveal() if token_mode else None,
                save_user_token=token_mode and self.query_one("#remember-token", Checkbox).value,
                cache_session=not self._is_demo(profile),
            )
        except (GlpiError, InsecureTokenFile) as error:
            self.set_busy(False)
            self.show_message(str(error))
            field = self._secret_input()
            field.value = ""
            field.focus()
            return
        self._remember(name, profile)
        self._secret_input().value = ""
        self.busy = False
        self.post_message(SignedIn(workspace))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Whatever failed in a sign-in worker, this screen leaves "Signing in…" and says
        so (by the error's kind only: its text could hold what was typed)."""
        if event.state is not WorkerState.ERROR:
            return
        self.set_busy(False)
        self.show_message(
            _("The sign-in failed unexpectedly ({error}); try again.").format(
                error=type(event.worker.error).__name__
            )
        )
        field = self._secret_input()
        field.value = ""
        field.focus()

    def _is_demo(self, profile: Profile) -> bool:
        demo = self.demo
        return demo is not None and normalize_api_url(profile.url) == normalize_api_url(
            demo.api_url
        )

    def _remember(self, name: str, profile: Profile) -> None:
        if self._is_demo(profile):
            return  # a throw-away port: never the default profile of a later `list`
        self.settings.profiles[name] = profile
        self.settings.default_profile = name
        loaded = getattr(self.app, "loaded", None)
        try:
            save_settings(self.settings, loaded.path if loaded is not None else config_path())
        except ConfigNotSaved as exc:
            self.notify(
                _(
                    "The server profile was not saved; the file was left as it is:\n{problems}"
                ).format(problems=exc),
                severity="warning",
                markup=False,
                timeout=15,
            )
        except OSError as exc:
            self.notify(
                _("The server profile could not be saved: {reason}").format(reason=exc.strerror),
                severity="warning",
                markup=False,
            )

    # -- a cached session -------------------------------------------------------------

    @work(group="resume", exclusive=True, exit_on_error=False)
    async def resume_session(self, name: str, profile: Profile) -> None:
        """A still-valid cached session (or a saved personal token) skips the form."""
        from cebox_support.tui.session import resume

        self.set_busy(True)
        self.show_message(_("Resuming your session…"), error=False)
        try:
            workspace = await resume(name, profile)
        except InsecureTokenFile as problem:
            self.set_busy(False)
            self.show_message(str(problem))
            return
        except GlpiError as error:
            workspace = await self._offline(name, profile, error)
        self.set_busy(False)
        if workspace is None:
            self.show_message("")
            return
        self.post_message(SignedIn(workspace))

    async def _offline(self, name: str, profile: Profile, error: GlpiError) -> Workspace | None:
        """An unreachable server opens the console on the last copies, when there are some."""
        from cebox_support.tui.offline import unreachable
        from cebox_support.tui.session import resume_offline

        if not unreachable(error):
            return None
        try:
            return await resume_offline(name, profile)
        except (GlpiError, InsecureTokenFile):
            return None
