"""Messages that flow up to the app: facts in the user's terms, then requests for
another screen (screens never call the app, they ask it with these)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from cebox_support.tui.session import Workspace


@dataclass
class SignedIn(Message):
    """The user is logged in; `workspace` holds the client and who they are."""

    workspace: Workspace


@dataclass
class TicketCreated(Message):
    """The server confirmed a new ticket."""

    ticket_id: int


@dataclass
class TicketChanged(Message):
    """A ticket was answered, approved or refused: lists should refresh it."""

    ticket_id: int


# Requests: a screen asks, the app decides which screen to show.


@dataclass
class OpenTicket(Message):
    """Show ticket `ticket_id` on top of the current screen."""

    ticket_id: int


@dataclass
class NewTicket(Message):
    """Open the forms list, or form `form_id` directly, or the GLPI 11 form of a
    direct-access link `(form id, token)`."""

    form_id: str | None = None
    form_link: tuple[int, str | None] | None = None


@dataclass
class ChangePassword(Message):
    """Open the password screen (not forced)."""


@dataclass
class SwitchProfile(Message):
    """Open the login screen: to sign in to another profile, or at start and after
    signing out (then on the current profile, resuming its cached session)."""

    profile_name: str | None = None
    auto_resume: bool = False


@dataclass
class SignOut(Message):
    """End the session and go back to the login screen."""


@dataclass
class ShowError(Message):
    """Show an error in a modal."""

    error: str
    title: str | None = None
