"""The command palette: the current screen's actions, then the global ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cebox_support.tui.i18n import _
from cebox_support.tui.messages import ChangePassword, NewTicket, SignOut, SwitchProfile
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from cebox_support.tui.session import Workspace


def system_commands(
    app: App[Any], screen: Screen[Any], signed_in: bool, workspace: Workspace | None = None
) -> Iterable[SystemCommand]:
    """One entry per action: a screen's `?` and the global F1 are one "Help", a
    screen's "Cancel" bound to two keys one "Cancel"."""
    seen: set[str] = set()
    for command in _all_commands(app, screen, signed_in, workspace):
        if command.title not in seen:
            seen.add(command.title)
            yield command


def _all_commands(
    app: App[Any], screen: Screen[Any], signed_in: bool, workspace: Workspace | None = None
) -> Iterable[SystemCommand]:
    """Every binding with a description on `screen`; the account commands once signed in."""
    for binding in screen.BINDINGS:
        if isinstance(binding, Binding) and binding.description:
            action = binding.action
            yield SystemCommand(
                binding.description,
                # not the title twice ("Help / Help" read as two entries)
                binding.tooltip or _("key {key}").format(key=app.get_key_display(binding)),
                lambda action=action: screen.run_action(action),
            )
    if signed_in:
        yield SystemCommand(
            _("New incident"),
            _("Declare a ceBox incident"),
            lambda: app.post_message(NewTicket("incident")),
        )
        yield SystemCommand(
            _("New request"),
            _("Open a ceBox request"),
            lambda: app.post_message(NewTicket("request")),
        )
        yield SystemCommand(
            _("Change password"),
            _("Change your GLPI password"),
            lambda: app.post_message(ChangePassword()),
        )
        if workspace is not None:
            from cebox_support.screens.help import glpi_version_label, profile_details

            # What support asks first: which profile, which server, which GLPI.
            yield SystemCommand(
                _("Profile {profile} · {version}").format(
                    profile=workspace.profile_name, version=glpi_version_label(workspace)
                ),
                profile_details(workspace),
                lambda: app.run_action("help"),
            )
        yield SystemCommand(
            _("Switch profile"),
            _("Sign in to another server profile (the current session stays cached)"),
            lambda: app.post_message(SwitchProfile()),
        )
        yield SystemCommand(
            _("Log out"),
            _("End the session and return to the login"),
            lambda: app.post_message(SignOut()),
        )
    yield SystemCommand(_("Theme"), _("Change the colour theme"), app.action_change_theme)
    yield SystemCommand(
        _("Help"), _("Keys and how-to for this screen"), lambda: app.run_action("help")
    )
    yield SystemCommand(_("Quit"), _("Quit cebox-support"), lambda: app.run_action("quit"))
