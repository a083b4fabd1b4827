"""One parsed API request and the JSON answer: what `api.py` and the plugins it routes
to (`formcreator.py`) share, below both."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .base import Actor, SessionRow, UploadedFile


class JsonResponse(Response):
    media_type = "application/json; charset=UTF-8"

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class Call:
    """One parsed API request (APIRest::parseIncomingParams)."""

    request: Request
    verb: str
    elements: list[str]
    params: dict[str, Any]
    files: list[UploadedFile] = field(default_factory=list)
    upload_fields: list[str] = field(default_factory=list)
    api_url: str = ""
    session: SessionRow | None = None
    actor: Actor | None = None
    #: Text fields go out HTML-escaped (``GlpiVersion.sanitized``).
    sanitized: bool = True
