"""The GLPI API client: no Textual, no Rich — pydantic models are the boundary."""

import sys
import types

# httpx imports its command-line tool (click, pygments, rich) when those are installed,
# which they are beside Textual: ~50 ms and Rich in a package that must stay free of it.
# The tool is never used here, so a stub stands in for it.
if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    _stub = types.ModuleType("httpx._main")
    _stub.main = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = _stub

from tui.api.client import GlpiClient, normalize_api_url, safe_filename  # noqa: E402
from tui.api.errors import (  # noqa: E402
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
from tui.api.models import (  # noqa: E402
    Actor,
    ActorRole,
    Document,
    Followup,
    Me,
    PasswordPolicy,
    Priority,
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
)

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
    "TimelineItem",
    "TimelineKind",
    "Timeout",
    "TlsError",
    "Unreachable",
    "normalize_api_url",
    "safe_filename",
]
