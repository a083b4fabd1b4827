"""Messages that flow up to the app, named as facts in the user's terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.session import Workspace


@dataclass
class SignedIn(Message):
    """The user is logged in; `workspace` holds the client and who they are."""

    workspace: Workspace


@dataclass
class SignedOut(Message):
    """The session was ended; back to the login screen."""


@dataclass
class TicketCreated(Message):
    """The server confirmed a new ticket."""

    ticket_id: int


@dataclass
class TicketChanged(Message):
    """A ticket was answered, approved or refused: lists should refresh it."""

    ticket_id: int
