"""The app shell: settings, theme and keymap, the first screen, the workspace.

Screens do the work; the shell only decides where to start, keeps the logged-in
workspace and offers `call_api`, which re-logs in and replays once when GLPI says the
session expired.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.config import LoadedSettings, Profile
from tui.i18n import _
from tui.messages import SignedIn, SignedOut, TicketChanged, TicketCreated

if TYPE_CHECKING:
    from tui.api import GlpiClient, GlpiError
    from tui.helpdesk.runner import RunningHelpdesk
    from tui.session import Workspace

T = TypeVar("T")

_WARM_UP = (
    "tui.session",
    "tui.api.client",
    "httpcore",
    "anyio._backends._asyncio",
    "anyio.streams.tls",
    "truststore",
    "screens.dashboard",
    "screens.ticket",
    "tui.api.text:converter",
    "screens.forms",
)
"""Loaded in order while the user types the password: what signing in needs first,
then what opening a ticket or a form needs ("module:function" also calls it)."""


@dataclass
class DemoLogin:
    """`--demo`: the embedded helpdesk and the demo customer's credentials (in memory only)."""

    api_url: str
    login: str = "post-only"
    password: str = "postonly"
    helpdesk: RunningHelpdesk | None = None


class CeboxApp(App[int]):
    TITLE = "cebox-support"
    CSS_PATH = [
        "../styles/base.tcss",
        "../styles/login.tcss",
        "../styles/dashboard.tcss",
        "../styles/ticket.tcss",
        "../styles/forms.tcss",
        "../styles/modals.tcss",
    ]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+c", "quit", _("Quit"), id="app.quit", show=False, priority=True),
        Binding("f1", "help", _("Help"), id="app.help"),
        Binding("ctrl+t", "change_theme", _("Theme"), id="app.theme", show=False),
    ]

    def __init__(
        self,
        loaded: LoadedSettings,
        *,
        profile_name: str | None = None,
        demo: DemoLogin | None = None,
        open_ticket: int | None = None,
        now: Callable[[], datetime] | None = None,
        workspace: Workspace | None = None,
    ) -> None:
        super().__init__()
        from tui.textual_words import localize_textual

        localize_textual()
        self.loaded = loaded
        self.settings = loaded.settings
        self.profile_name = profile_name or self.settings.default_profile or None
        self.demo = demo
        self.open_ticket_id = open_ticket
        self.now = now or (lambda: datetime.now().astimezone())
        self.workspace: Workspace | None = workspace
        self._relogin_lock = asyncio.Lock()
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        elif self.settings.theme:  # keep TEXTUAL_THEME or Textual's default
            unknown = _("unknown theme {name}").format(name=repr(self.settings.theme))
            self.loaded.problems.append(f"{self.loaded.path}: theme: {unknown}")
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)

    # -- start -----------------------------------------------------------------

    def on_mount(self) -> None:
        for problem in self.loaded.problems:
            self.notify(problem, title=_("Configuration"), severity="warning", markup=False)
        for name, profile in self.settings.profiles.items():
            if profile.insecure:
                self.notify(
                    _("TLS verification is OFF for profile {name}.").format(name=name),
                    severity="warning",
                    markup=False,
                )
        if self.workspace is not None:
            self._enter(self.workspace)
            return
        from screens.login import LoginScreen

        self.push_screen(LoginScreen(self.settings, profile_name=self.profile_name))
        # Once the first frame is out (it would slow it down), not after the user's Enter.
        self.set_timer(0.4, self._warm_up)
        if self.demo is not None:
            self.run_worker(self._demo_sign_in(self.demo), group="sign-in", exit_on_error=False)

    def _warm_up(self) -> None:
        """After the first paint, load what signing in needs while the user types."""
        import gc
        import importlib
        import threading

        def load() -> None:
            for name in _WARM_UP:
                module, _sep, function = name.partition(":")
                with contextlib.suppress(Exception):
                    loaded = importlib.import_module(module)
                    if function:
                        getattr(loaded, function)()
            # What is loaded now lives as long as the process: the collector need not
            # walk it again (a full collection during a screen's mount cost ~40 ms).
            gc.freeze()

        threading.Thread(target=load, name="warm-up", daemon=True).start()

    async def _demo_sign_in(self, demo: DemoLogin) -> None:
        from tui.session import sign_in

        try:
            workspace = await sign_in(
                "demo", profile_for_demo(demo), password=demo.password, cache_session=False
            )
        except Exception as error:  # GlpiError, or the helpdesk failing to start
            self.show_error(str(error), title=_("Demo"))
            return
        workspace.demo = True
        self._enter(workspace)

    def on_ticket_changed(self, message: TicketChanged) -> None:
        self._tell_dashboard(TicketChanged(message.ticket_id))

    def on_ticket_created(self, message: TicketCreated) -> None:
        self._tell_dashboard(TicketCreated(message.ticket_id))

    def _tell_dashboard(self, message: TicketChanged | TicketCreated) -> None:
        """Facts from a ticket screen reach the dashboard below it (messages only bubble up)."""
        from screens.dashboard import DashboardScreen

        message.stop()  # handled there, it must not bubble back up to here
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.post_message(message)

    def on_signed_in(self, message: SignedIn) -> None:
        self._enter(message.workspace)

    def _enter(self, workspace: Workspace) -> None:
        previous, self.workspace = self.workspace, workspace
        if previous is not None and previous is not workspace:
            from tui.session import close

            self.run_worker(close(previous), group="close-profile", exit_on_error=False)
        workspace.seen.now = self.now
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if workspace.me.password_expired:
            from screens.password import PasswordScreen

            self.switch_screen(PasswordScreen(workspace, forced=True))
            return
        from screens.dashboard import DashboardScreen

        dashboard = DashboardScreen(workspace)
        if len(self.screen_stack) > 1:
            self.switch_screen(dashboard)
        else:
            self.push_screen(dashboard)
        if self.open_ticket_id is not None:
            ticket_id, self.open_ticket_id = self.open_ticket_id, None
            self.open_ticket(ticket_id)

    # -- services for screens --------------------------------------------------------

    @property
    def client(self) -> GlpiClient:
        assert self.workspace is not None
        return self.workspace.client

    async def call_api(
        self,
        action: Callable[[GlpiClient], Awaitable[T]],
        *,
        early: Awaitable[T] | None = None,
    ) -> T:
        """Run a GLPI call; on an expired session ask to log in again and replay it once.

        `early` is the same call already sent (`Workspace.start`): its answer is used.
        Must run in a worker (it may wait for the re-login modal).
        """
        from tui.api import SessionExpired

        try:
            return await (early if early is not None else action(self.client))
        except SessionExpired:
            if not await self.relogin():
                raise
        return await action(self.client)

    async def relogin(self) -> bool:
        async with self._relogin_lock:
            if self.client.logged_in:
                return True
            from screens.relogin import ReloginScreen

            assert self.workspace is not None
            screen: Screen[Any] = ReloginScreen(self.workspace)
            return bool(await self.push_screen_wait(screen))

    def open_ticket(self, ticket_id: int) -> None:
        from screens.ticket import TicketScreen

        assert self.workspace is not None
        self.push_screen(TicketScreen(self.workspace, ticket_id))

    def new_ticket(self, form_id: str | None = None) -> None:
        from screens.forms import FormsScreen

        assert self.workspace is not None
        self.push_screen(FormsScreen(self.workspace, open_form=form_id))

    def change_password(self) -> None:
        from screens.password import PasswordScreen

        assert self.workspace is not None
        self.push_screen(PasswordScreen(self.workspace, forced=False))

    def switch_profile(self) -> None:
        from screens.login import LoginScreen

        self.push_screen(LoginScreen(self.settings, profile_name=None, auto_resume=False))

    async def sign_out(self) -> None:
        from tui.session import sign_out

        if self.workspace is not None:
            await sign_out(self.workspace)
            self.workspace = None
        self.post_message(SignedOut())

    def on_signed_out(self, _message: SignedOut) -> None:
        from screens.login import LoginScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen(self.settings, profile_name=self.profile_name))

    def show_error(self, error: GlpiError | str, *, title: str | None = None) -> None:
        from screens.error import ErrorScreen

        self.push_screen(ErrorScreen(title or _("Error"), str(error)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly shows a modal; the app and its drafts stay."""
        if event.state is WorkerState.ERROR and not event.worker.exit_on_error:
            from tui.api import GlpiError

            error = event.worker.error
            if isinstance(error, GlpiError):
                self.show_error(error)
            else:
                self.show_error(
                    _("Unexpected error: {error}. What you typed is kept as a draft.").format(
                        error=type(error).__name__
                    ),
                    title=_("Unexpected error"),
                )

    def _fatal_error(self) -> None:
        """Textual's crash report without the frames' local variables: they would show
        the password being typed, the session token and the App-Token."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    def on_resize(self, event: events.Resize) -> None:
        from screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen

        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif not small and showing:
            self.pop_screen()

    # -- commands and keys ----------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette lists every action of the current screen, then the global ones."""
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                action = binding.action
                yield SystemCommand(
                    binding.description,
                    binding.tooltip or binding.description,
                    lambda action=action: screen.run_action(action),
                )
        if self.workspace is not None:
            yield SystemCommand(
                _("New incident"),
                _("Declare a ceBox incident"),
                lambda: self.new_ticket("incident"),
            )
            yield SystemCommand(
                _("New request"), _("Open a ceBox request"), lambda: self.new_ticket("request")
            )
            yield SystemCommand(
                _("Change password"), _("Change your GLPI password"), self.change_password
            )
            yield SystemCommand(
                _("Switch profile"),
                _("Sign in to another server profile (the current session stays cached)"),
                self.switch_profile,
            )
            yield SystemCommand(
                _("Log out"),
                _("End the session and return to the login"),
                lambda: self.run_worker(self.sign_out(), exit_on_error=False),
            )
        yield SystemCommand(_("Theme"), _("Change the colour theme"), self.action_change_theme)
        yield SystemCommand(_("Help"), _("Keys and how-to for this screen"), self.action_help)
        yield SystemCommand(_("Quit"), _("Quit cebox-support"), self.action_quit)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def watch_theme(self, theme: str) -> None:
        if self.settings.theme != theme and self.is_running:
            self.settings.theme = theme
            from tui.config import save_settings

            with contextlib.suppress(OSError):
                save_settings(self.settings, self.loaded.path)

    async def action_quit(self) -> None:
        if self.workspace is not None:
            from tui.session import close

            await close(self.workspace)
        self.exit(0)


def profile_for_demo(demo: DemoLogin) -> Profile:
    return Profile(url=demo.api_url, login=demo.login)
