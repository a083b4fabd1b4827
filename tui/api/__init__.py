"""The GLPI API client: no Textual, no Rich — pydantic models are the boundary.

Names load on first use (PEP 562): the login screen gets its URL helpers and error
types without paying for httpx and pydantic before the first paint.
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# httpx imports its command-line tool (click, pygments, rich) when those are installed,
# which they are beside Textual: ~50 ms and Rich in a package that must stay free of it.
# The tool is never used here, so a stub stands in for it.
if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    _stub = types.ModuleType("httpx._main")
    _stub.main = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = _stub

_WHERE = {
    "Actor": "models",
    "ActorRole": "models",
    "ApiDisabled": "errors",
    "AppTokenError": "errors",
    "AuthError": "errors",
    "Document": "models",
    "Followup": "models",
    "GlpiClient": "client",
    "GlpiError": "errors",
    "InvalidRequest": "errors",
    "Me": "models",
    "NotFound": "errors",
    "NotGlpi": "errors",
    "PasswordChangeError": "errors",
    "PasswordExpired": "errors",
    "PasswordPolicy": "models",
    "PermissionDenied": "errors",
    "Priority": "models",
    "RefusedFile": "models",
    "UploadOutcome": "models",
    "ServerConfig": "models",
    "ServerError": "errors",
    "SessionExpired": "errors",
    "Solution": "models",
    "SolutionStatus": "models",
    "Task": "models",
    "Ticket": "models",
    "TicketDetail": "models",
    "TicketFilter": "models",
    "TicketPage": "models",
    "TicketStatus": "models",
    "TicketSummary": "models",
    "TicketType": "models",
    "TimelineItem": "models",
    "TimelineKind": "models",
    "Timeout": "errors",
    "TlsError": "errors",
    "Unreachable": "errors",
    "normalize_api_url": "urls",
    "safe_filename": "client",
}

if TYPE_CHECKING:
    from cebox_support.tui.api.client import (
        GlpiClient,
        safe_filename,
    )
    from cebox_support.tui.api.errors import (
        ApiDisabled,
        AppTokenError,
        AuthError,
        GlpiError,
        InvalidRequest,
        NotFound,
        NotGlpi,
        PasswordChangeError,
        PasswordExpired,
        PermissionDenied,
        ServerError,
        SessionExpired,
        Timeout,
        TlsError,
        Unreachable,
    )
    from cebox_support.tui.api.models import (
        Actor,
        ActorRole,
        Document,
        Followup,
        Me,
        PasswordPolicy,
        Priority,
        RefusedFile,
        ServerConfig,
        Solution,
        SolutionStatus,
        Task,
        Ticket,
        TicketDetail,
        TicketFilter,
        TicketPage,
        TicketStatus,
        TicketSummary,
        TicketType,
        TimelineItem,
        TimelineKind,
        UploadOutcome,
    )
    from cebox_support.tui.api.urls import (
        normalize_api_url,
    )


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'cebox_support.tui.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"cebox_support.tui.api.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Actor",
    "ActorRole",
    "ApiDisabled",
    "AppTokenError",
    "AuthError",
    "Document",
    "Followup",
    "GlpiClient",
    "GlpiError",
    "InvalidRequest",
    "Me",
    "NotFound",
    "NotGlpi",
    "PasswordChangeError",
    "PasswordExpired",
    "PasswordPolicy",
    "PermissionDenied",
    "Priority",
    "RefusedFile",
    "ServerConfig",
    "ServerError",
    "SessionExpired",
    "Solution",
    "SolutionStatus",
    "Task",
    "Ticket",
    "TicketDetail",
    "TicketFilter",
    "TicketPage",
    "TicketStatus",
    "TicketSummary",
    "TicketType",
    "UploadOutcome",
    "TimelineItem",
    "TimelineKind",
    "Timeout",
    "TlsError",
    "Unreachable",
    "normalize_api_url",
    "safe_filename",
]
