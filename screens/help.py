"""F1: the keys of the screen below and its short how-to, in the chosen language, under
the profile's details (who, which server, its GLPI version: what support asks first)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cebox_support.tui.i18n import _
from cebox_support.tui.links import host_of
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Markdown, Static

if TYPE_CHECKING:
    from cebox_support.tui.session import Workspace


def glpi_version_label(workspace: Workspace) -> str:
    """ "GLPI 11.0.8" once the server's settings were read, "GLPI 11" from the session
    token's shape before, "GLPI ?" when neither says."""
    client = workspace.client
    if client.glpi_version:
        return f"GLPI {client.glpi_version}"
    return f"GLPI {client.glpi_major}" if client.glpi_major else "GLPI ?"


def profile_details(workspace: Workspace) -> str:
    return _("Profile {profile}: {name} ({login}) on {host}, {version}").format(
        profile=workspace.profile_name,
        name=workspace.me.name,
        login=workspace.me.login,
        host=host_of(workspace.client.web_url),
        version=glpi_version_label(workspace),
    )


def _key_label(key: str) -> str:
    return " / ".join(k.strip().replace("ctrl+", "Ctrl+") for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q,question_mark", "close", _("Close"), id="help.close"),
    ]

    def __init__(self, target: Screen[Any]) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog help"):
            yield Label(_("Help"), id="dialog-title")
            workspace = self.workspace
            if workspace is not None:
                yield Static(profile_details(workspace), id="help-profile", markup=False)
            how_to = getattr(self.target, "help_text", None)
            text = how_to() if callable(how_to) else ""
            keys = _("Keys")
            lines = [text, "", f"### {keys}", ""] if text else [f"### {keys}", ""]
            for binding in [*self.target.BINDINGS, *self.app.BINDINGS]:
                if isinstance(binding, Binding) and binding.description:
                    lines.append(f"- `{_key_label(binding.key)}` — {binding.description}")
            palette = _("Command palette: every action by name")
            lines.append(f"- `Ctrl+P` — {palette}")
            yield Markdown("\n".join(lines))

    @property
    def workspace(self) -> Workspace | None:
        return getattr(self.target, "workspace", None)

    def on_mount(self) -> None:
        workspace = self.workspace
        if workspace is not None and not workspace.client.glpi_version:
            self._learn_version(workspace)

    @work(group="help-version", exclusive=True, exit_on_error=False)
    async def _learn_version(self, workspace: Workspace) -> None:
        """The full version is in getGlpiConfig, read once per session (shared)."""
        await workspace.server_config()
        self.query_one("#help-profile", Static).update(profile_details(workspace))

    def action_close(self) -> None:
        self.dismiss(None)
