"""The app shell: compose the screens, route their requests, install the hooks. Screens
depend on the session layer (`tui/session.py`), never on this module: they ask for
another screen with the messages of `tui/messages.py`, routed by `tui/navigation.py`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from cebox_support.screens.too_small import follow_size
from cebox_support.tui import messages as m
from cebox_support.tui import navigation as nav
from cebox_support.tui.config import LoadedSettings
from cebox_support.tui.i18n import _
from cebox_support.tui.palette import system_commands
from cebox_support.tui.warmup import start_warm_up
from cebox_support.widgets.plain import PlainToastsApp
from textual import events, on
from textual.app import SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from cebox_support.tui.demo import DemoLogin
    from cebox_support.tui.session import Workspace


class CeboxApp(PlainToastsApp[int]):
    TITLE = "cebox-support"
    CSS_PATH = [
        f"../styles/{n}.tcss" for n in ("base", "login", "dashboard", "ticket", "forms", "modals")
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
        open_ticket: int | Message | None = None,
        now: Callable[[], datetime] | None = None,
        workspace: Workspace | None = None,
    ) -> None:
        super().__init__()
        self.loaded, self.settings = loaded, loaded.settings
        self.profile_name = profile_name or self.settings.default_profile or None
        self.demo, self.open_ticket_id = demo, open_ticket
        self.now = now or (lambda: datetime.now().astimezone())
        self.workspace = workspace
        nav.apply_look(self, loaded)

    def on_mount(self) -> None:
        for text, title in nav.startup_notices(self.loaded):
            self.notify(text, title=title or "", severity="warning", markup=False)
        if self.workspace is not None:
            return self._enter(self.workspace)
        self.push_screen(nav.login_screen(self.settings, self.profile_name))
        self.set_timer(0.4, start_warm_up)  # once the first frame is out, not after Enter
        if self.demo is not None:
            self.run_worker(nav.demo_sign_in(self, self.demo), group="sign-in")

    def on_signed_in(self, message: m.SignedIn) -> None:
        from cebox_support.tui.localfiles import say_warning

        say_warning(self.notify)  # a session the disk did not keep: the next start asks
        self._enter(message.workspace)

    def _enter(self, workspace: Workspace) -> None:
        """Install the clock, the settings and the re-login dialog; show the first screen."""
        from cebox_support.tui.session import close

        previous, self.workspace = self.workspace, workspace
        if previous is not None and previous is not workspace:
            self.run_worker(close(previous), group="close-profile", exit_on_error=False)
        workspace.install(self.now, self.settings, partial(nav.relogin, self, workspace))
        while len(self.screen_stack) > 2:
            self.pop_screen()
        first = nav.first_screen(workspace)
        (self.switch_screen if len(self.screen_stack) > 1 else self.push_screen)(first)
        if self.open_ticket_id is not None and not workspace.me.password_expired:
            self.route(nav.opening(self.open_ticket_id))
            self.open_ticket_id = None

    @on(m.TicketChanged)
    @on(m.TicketCreated)
    def _tell_dashboard(self, fact: m.TicketChanged | m.TicketCreated) -> None:
        nav.tell_dashboards(self.screen_stack, fact)

    @on(m.OpenTicket)
    @on(m.NewTicket)
    @on(m.ChangePassword)
    @on(m.SwitchProfile)
    @on(m.ShowError)
    def route(self, request: Message) -> None:
        self.push_screen(nav.screen_for(request, self.workspace, self.settings))

    @on(m.SignOut)
    def _sign_out_requested(self) -> None:
        self.run_worker(self.sign_out(), group="sign-out", exit_on_error=False)

    async def sign_out(self) -> None:
        from cebox_support.tui.session import sign_out

        if self.workspace is not None:
            await sign_out(self.workspace)
            self.workspace = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(nav.login_screen(self.settings, self.profile_name, self.demo))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly shows a modal; the app and its drafts stay."""
        if event.state is WorkerState.ERROR and not event.worker.exit_on_error:
            self.route(nav.failure_text(event.worker.error or Exception()))

    def _fatal_error(self) -> None:
        nav.safe_crash_report(self)

    def on_resize(self, event: events.Resize) -> None:
        follow_size(self, event.size)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return system_commands(self, screen, self.workspace is not None, self.workspace)

    def action_help(self) -> None:
        if (shown := nav.help_for(self.screen)) is not None:
            self.push_screen(shown)

    def watch_theme(self, theme: str) -> None:
        if self.is_running:
            nav.theme_chosen(self, self.loaded, theme)

    async def action_quit(self) -> None:
        if self.workspace is not None:
            from cebox_support.tui.session import close

            await close(self.workspace)
        self.exit(0)
