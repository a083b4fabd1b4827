"""GLPI's API refusal, below every part of the helpdesk that raises it (the store and
the version table alike)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A GLPI API error: answered as ``[code, message]`` with ``status``.

    ``doc`` adds GLPI's "; view documentation in your browser at …" suffix.
    """

    def __init__(self, status: int, code: str, message: Any, *, doc: bool = False) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.doc = doc
