"""What a screen says when a document could not be fetched: GLPI 11 hands documents out
through its web pages, so the password may be asked (again), or only the browser can."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cebox_support.tui.api.errors import AuthError, GlpiError, NeedsBrowser, WebLoginRequired
from cebox_support.tui.i18n import _
from textual.app import App


def explain_download_failure(
    error: GlpiError,
    *,
    app: App[Any],
    say: Callable[..., None],
    ask_password: Callable[[str], None],
) -> None:
    """A web login needed or refused asks for the password (each screen asks its own
    way); a server only a browser can use gets the ticket's link copied."""
    if isinstance(error, WebLoginRequired):
        ask_password(
            _(
                "This server hands documents out through its web pages: type your GLPI "
                "password, then Enter (asked once, never stored)."
            )
        )
    elif isinstance(error, NeedsBrowser):
        app.copy_to_clipboard(error.url)
        say(
            _("{reason} The ticket's link is copied: {url}").format(
                reason=error.message, url=error.url
            ),
            error=True,
        )
    elif isinstance(error, AuthError) and error.code == "WEB_LOGIN":
        ask_password(_("Wrong password: type your GLPI password again."))
    else:
        say(str(error), error=True)
