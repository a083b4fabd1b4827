"""`--demo`: which embedded helpdesk to sign in to, and as whom (light: no HTTP stack)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cebox_support.tui.config import Profile

if TYPE_CHECKING:
    from cebox_support.tui.helpdesk.runner import RunningHelpdesk


@dataclass
class DemoLogin:
    """The embedded helpdesk and the demo customer's credentials (in memory only)."""

    api_url: str
    login: str = "post-only"
    password: str = "postonly"
    helpdesk: RunningHelpdesk | None = None

    @property
    def profile(self) -> Profile:
        return Profile(url=self.api_url, login=self.login)
