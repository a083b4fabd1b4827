"""One exception family for everything that can go wrong talking to GLPI.

Each error carries a message a user can act on. Messages never contain a token
or a password: they are built from fixed texts, the server's error code and the
server's own (untrusted, cleaned) message.
"""

from __future__ import annotations

from cebox_support.tui.i18n import _


class GlpiError(Exception):
    """Base class: screens catch only this."""

    # True when a write may have happened although it failed: look before resending.
    uncertain = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = detail

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # keep pickling/copy simple and secret-free
        return (type(self), (self.message,), {"code": self.code, "status": self.status})


class AuthError(GlpiError):
    """Wrong login/password or personal token."""


class AppTokenError(GlpiError):
    """The server wants another App-Token (or none)."""


class ApiDisabled(GlpiError):
    """The REST API (or login over it) is off on the server."""


class SessionExpired(GlpiError):
    """401 ERROR_SESSION_TOKEN_INVALID: nothing was done, log in again and replay."""


class PasswordExpired(GlpiError):
    """Logged in, but the session has no profile until the password is changed."""


class PermissionDenied(GlpiError):
    """403 on reads, or GLPI's 400 'You don't have permission' on writes."""


class NotFound(GlpiError):
    """The item does not exist or is not visible."""


class InvalidRequest(GlpiError):
    """GLPI refused the input (empty reason, already solved, ...)."""


class ServerError(GlpiError):
    """5xx or an answer that is not what GLPI sends."""


class NotGlpi(ServerError):
    """The URL answers, but not as a GLPI API."""


class Unreachable(GlpiError):
    """Connection refused, DNS failure, reset."""


class TlsError(Unreachable):
    """The certificate could not be verified."""


class Timeout(GlpiError):
    """No answer in time. `uncertain` is true when a write may have happened."""

    def __init__(self, message: str, *, uncertain: bool = False, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.uncertain = uncertain


class WebLoginRequired(GlpiError):
    """The action needs GLPI's web side, and no web session is open: ask the password."""


class NeedsBrowser(GlpiError):
    """The action exists only in the browser for this sign-in (e.g. a personal API
    token on GLPI 11 cannot open a web session); `url` is the page to open there."""

    def __init__(self, message: str, *, url: str, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.url = url


class PasswordChangeError(GlpiError):
    """GLPI refused the new password; `message` is GLPI's own reason, translated."""


class CurrentPasswordWrong(PasswordChangeError):
    """The current password given to change it is not the right one."""


def glpi_error_message(code: str, server_message: str | None) -> tuple[type[GlpiError], str]:
    """Map a GLPI error code to an exception class and a message a user can act on."""
    known: dict[str, tuple[type[GlpiError], str]] = {
        "ERROR_GLPI_LOGIN": (AuthError, _("Wrong login or password (they are case-sensitive).")),
        "ERROR_GLPI_LOGIN_USER_TOKEN": (AuthError, _("This personal API token is not valid.")),
        "ERROR_LOGIN_PARAMETERS_MISSING": (AuthError, _("Enter a login and a password.")),
        "ERROR_WRONG_APP_TOKEN_PARAMETER": (
            AppTokenError,
            _("The server refused the App-Token: check it with your GLPI administrator."),
        ),
        "ERROR_APP_TOKEN_PARAMETERS_MISSING": (
            AppTokenError,
            _("The server requires an App-Token: ask your GLPI administrator for it."),
        ),
        "ERROR_API_DISABLED": (
            ApiDisabled,
            _("The REST API is disabled on this GLPI server: ask its administrator to enable it."),
        ),
        "ERROR_LOGIN_WITH_CREDENTIALS_DISABLED": (
            ApiDisabled,
            _("Login with a password over the API is disabled: use a personal API token."),
        ),
        "ERROR_SESSION_TOKEN_INVALID": (
            SessionExpired,
            _("Your session has expired: log in again."),
        ),
        "ERROR_SESSION_TOKEN_MISSING": (SessionExpired, _("You are not logged in.")),
        "ERROR_RIGHT_MISSING": (PermissionDenied, _("You are not allowed to see this.")),
        "ERROR_ITEM_NOT_FOUND": (NotFound, _("Not found, or you may not see it.")),
        "ERROR_RANGE_EXCEED_TOTAL": (InvalidRequest, _("No more results.")),
        "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM": (
            NotGlpi,
            _("The server does not know this kind of item: is it a GLPI 10 server?"),
        ),
        "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE": (
            InvalidRequest,
            _("The server refused the file: it may be larger than its upload limit."),
        ),
    }
    if code in known:
        return known[code]
    message = server_message or ""
    if code == "ERROR" and "api disabled" in message.lower():
        return ApiDisabled, known["ERROR_API_DISABLED"][1]
    if "permission" in message.lower():
        return PermissionDenied, _("You are not allowed to do this.")
    if code in ("ERROR_GLPI_ADD", "ERROR_GLPI_UPDATE", "ERROR_GLPI_DELETE", "ERROR"):
        if message:
            return InvalidRequest, _("The server refused: {reason}").format(reason=message)
        return InvalidRequest, _("The server refused the change.")
    return ServerError, _("The server answered with an error ({code}).").format(code=code)
