"""Which screen answers a screen's request, and what the app says at start.

The app routes requests (`tui/messages.py`) here and pushes the screen returned, so
the shell stays a router and screens never import it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cebox_support.tui import messages as m
from cebox_support.tui.config import LoadedSettings, Settings
from cebox_support.tui.i18n import _
from textual.app import App
from textual.message import Message
from textual.screen import Screen

if TYPE_CHECKING:
    from cebox_support.tui.demo import DemoLogin
    from cebox_support.tui.session import Workspace

REQUESTS = (m.OpenTicket, m.NewTicket, m.ChangePassword, m.SwitchProfile, m.ShowError)


def screen_for(request: Message, workspace: Workspace | None, settings: Settings) -> Screen[Any]:
    """The screen to push for `request` (screens are imported when first needed)."""
    if isinstance(request, m.ShowError):
        from cebox_support.screens.error import ErrorScreen

        return ErrorScreen(request.title or _("Error"), request.error)
    if isinstance(request, m.SwitchProfile):
        from cebox_support.screens.login import LoginScreen

        return LoginScreen(
            settings, profile_name=request.profile_name, auto_resume=request.auto_resume
        )
    assert workspace is not None, request
    if isinstance(request, m.OpenTicket):
        from cebox_support.screens.ticket import TicketScreen

        return TicketScreen(workspace, request.ticket_id)
    if isinstance(request, m.NewTicket):
        from cebox_support.screens.forms import FormsScreen

        return FormsScreen(workspace, open_form=request.form_id, open_link=request.form_link)
    from cebox_support.screens.password import PasswordScreen

    assert isinstance(request, m.ChangePassword), request
    return PasswordScreen(workspace, forced=False)


def opening(request: int | Message) -> Message:
    """What `open N|LINK` starts the console on: a ticket, or a GLPI 11 form's link."""
    return m.OpenTicket(request) if isinstance(request, int) else request


def login_screen(
    settings: Settings, profile_name: str | None, demo: DemoLogin | None = None
) -> Screen[Any]:
    """At start and after signing out: the login, resuming the profile's cached session
    (with `--demo`, it offers the demo server and account)."""
    from cebox_support.screens.login import LoginScreen

    return LoginScreen(settings, profile_name=profile_name, demo=demo)


def safe_crash_report(app: App[Any]) -> None:
    """Textual's crash report without the frames' local variables: they would show the
    password being typed, the session token and the App-Token (replaces
    `App._fatal_error`, whose body this follows)."""
    from rich.segment import Segments
    from rich.traceback import Traceback

    app.bell()
    traceback = Traceback(show_locals=False, width=None)
    app._exit_renderables.append(Segments(app.console.render(traceback, app.console.options)))
    app._close_messages_no_wait()


def tell_dashboards(stack: list[Screen[Any]], fact: m.TicketChanged | m.TicketCreated) -> None:
    """Facts from a ticket screen reach the dashboard below it (messages only bubble up)."""
    from cebox_support.screens.dashboard import DashboardScreen

    for screen in stack:
        if isinstance(screen, DashboardScreen):
            told = type(fact)(fact.ticket_id)
            told.stop()  # handled there, it must not bubble back up to the app
            screen.post_message(told)


def help_for(screen: Screen[Any]) -> Screen[Any] | None:
    """The keys and how-to of `screen`; None when help is already shown."""
    from cebox_support.screens.help import HelpScreen

    return None if isinstance(screen, HelpScreen) else HelpScreen(screen)


async def relogin(app: App[Any], workspace: Workspace) -> bool:
    """The session died under a call: ask for the password again (True once signed in)."""
    from cebox_support.screens.relogin import ReloginScreen

    return await app.push_screen_wait(ReloginScreen(workspace)) is True


def first_screen(workspace: Workspace) -> Screen[Any]:
    """After signing in: the dashboard, or the new password GLPI demands first."""
    from cebox_support.screens.dashboard import DashboardScreen
    from cebox_support.screens.password import PasswordScreen

    if workspace.me.password_expired:
        return PasswordScreen(workspace, forced=True)
    return DashboardScreen(workspace)


async def demo_sign_in(app: App[Any], demo: DemoLogin) -> None:
    """`--demo`: sign in as the demo customer, then tell the app as the login screen does."""
    from cebox_support.tui.session import sign_in_demo

    try:
        app.post_message(m.SignedIn(await sign_in_demo(demo)))
    except Exception as error:  # GlpiError, or the helpdesk failing to start
        app.post_message(m.ShowError(str(error), _("Demo")))


def failure_text(error: BaseException) -> m.ShowError:
    """A worker's unexpected failure, told to the user (the GLPI errors in their words)."""
    from cebox_support.tui.api.errors import GlpiError

    if isinstance(error, GlpiError):
        return m.ShowError(str(error))
    text = _("Unexpected error: {error}. What you typed is kept as a draft.")
    return m.ShowError(text.format(error=type(error).__name__), _("Unexpected error"))


def startup_notices(loaded: LoadedSettings) -> Iterator[tuple[str, str | None]]:
    """(text, title) warnings: problems in config.toml, profiles without TLS checks."""
    for problem in loaded.problems:
        yield problem, _("Configuration")
    for name, profile in loaded.settings.profiles.items():
        if profile.insecure:
            yield _("TLS verification is OFF for profile {name}.").format(name=name), None


def apply_look(app: App[Any], loaded: LoadedSettings) -> None:
    """Textual's own words in the user's language, the configured theme (an unknown one
    is a start-up problem) and keymap."""
    from cebox_support.tui.textual_words import localize_textual

    localize_textual()
    settings = loaded.settings
    if settings.theme in app.available_themes:
        app.theme = settings.theme
    elif settings.theme:  # keep TEXTUAL_THEME or Textual's default
        unknown = _("unknown theme {name}").format(name=repr(settings.theme))
        loaded.problems.append(f"{loaded.path}: theme: {unknown}")
    if settings.keymap:
        app.set_keymap(settings.keymap)


def theme_chosen(app: App[Any], loaded: LoadedSettings, theme: str) -> None:
    """Remember Ctrl+T's theme; a config.toml left as it is is said once, not on every
    theme the picker previews."""
    problem = remember_theme(loaded, theme)
    if problem is not None and problem != getattr(app, "_theme_not_saved", None):
        app._theme_not_saved = problem  # type: ignore[attr-defined]
        app.notify(problem, severity="warning", markup=False, timeout=10)


def remember_theme(loaded: LoadedSettings, theme: str) -> str | None:
    """Ctrl+T's choice is written to config.toml (a read-only config just keeps it).

    Returns why it was not saved when config.toml is broken (it is never overwritten)."""
    if loaded.settings.theme != theme:
        from cebox_support.tui.config import ConfigNotSaved, save_settings

        loaded.settings.theme = theme
        try:
            save_settings(loaded.settings, loaded.path)
        except ConfigNotSaved as exc:
            return _("The theme was not saved; {path} was left as it is:\n{problems}").format(
                path=loaded.path, problems=exc
            )
        except OSError:
            pass
    return None
