"""Server configuration of the embedded helpdesk (GLPI's Setup > General and API)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from cebox_support.tui.api.filetypes import DEFAULT_UPLOAD_EXTENSIONS

from .base import StoreBase

#: GLPI's default ``document_max_size`` (MB).
DEFAULT_DOCUMENT_MAX_SIZE_MB = 2
#: PHP's default ``post_max_size`` (MB).
DEFAULT_POST_MAX_SIZE_MB = 8
FILETYPE_NOT_ALLOWED = "Filetype not allowed"
FILE_TOO_BIG = "File is too big"


class ConfigStore(StoreBase):
    """Settings kept in the database, as GLPI keeps them in ``glpi_configs``."""

    @property
    def app_token(self) -> str | None:
        """When set, every API request must carry it in ``App-Token``."""
        return self._setting("app_token", None)

    @app_token.setter
    def app_token(self, value: str | None) -> None:
        self._set_setting("app_token", value)

    @property
    def api_enabled(self) -> bool:
        return bool(self._setting("api_enabled", True))

    @api_enabled.setter
    def api_enabled(self, value: bool) -> None:
        self._set_setting("api_enabled", bool(value))

    @property
    def api_login_credentials(self) -> bool:
        """``enable_api_login_credentials`` (off on a fresh GLPI, on here)."""
        return bool(self._setting("api_login_credentials", True))

    @api_login_credentials.setter
    def api_login_credentials(self, value: bool) -> None:
        self._set_setting("api_login_credentials", bool(value))

    @property
    def upload_extensions(self) -> tuple[str, ...]:
        """Extensions of the uploadable document types (lower case, no dot)."""
        return tuple(self._setting("upload_extensions", DEFAULT_UPLOAD_EXTENSIONS))

    @upload_extensions.setter
    def upload_extensions(self, value: Iterable[str]) -> None:
        self._set_setting(
            "upload_extensions", sorted({v.strip().lstrip(".").lower() for v in value if v.strip()})
        )

    @property
    def document_max_size_mb(self) -> int:
        """``document_max_size``: the largest file accepted, in MB (GLPI's default 2)."""
        return int(self._setting("document_max_size_mb", DEFAULT_DOCUMENT_MAX_SIZE_MB))

    @document_max_size_mb.setter
    def document_max_size_mb(self, value: int) -> None:
        self._set_setting("document_max_size_mb", int(value))

    @property
    def post_max_size_mb(self) -> int:
        """PHP's ``post_max_size`` (MB, PHP's default 8): a bigger request body is dropped
        unread, so an upload past it arrives without its file."""
        return int(self._setting("post_max_size_mb", DEFAULT_POST_MAX_SIZE_MB))

    @post_max_size_mb.setter
    def post_max_size_mb(self, value: int) -> None:
        self._set_setting("post_max_size_mb", int(value))

    def upload_error(self, filename: str, size: int) -> str | None:
        """Why GLPI's upload handler refuses a file, in its words, or None.

        The type is checked first (``/\\.(ext|…)$/i`` on the name), then the size.
        """
        ext = filename.rsplit(".", 1)[1].lower() if "." in filename else ""
        if ext not in self.upload_extensions:
            return FILETYPE_NOT_ALLOWED
        if size > self.document_max_size_mb * 1024 * 1024:
            return FILE_TOO_BIG
        return None

    @property
    def session_timeout_s(self) -> int | None:
        """Idle lifetime of sessions on the server clock (None: never expire)."""
        return self._setting("session_timeout_s", None)

    @session_timeout_s.setter
    def session_timeout_s(self, value: int | None) -> None:
        self._set_setting("session_timeout_s", value)

    @property
    def cookie_name(self) -> str:
        """``glpi_<hash>``, fixed for this database like GLPI's per-install name."""
        name = self._setting("cookie_name", None)
        if name is None:
            name = self.version.new_cookie_name()
            self._set_setting("cookie_name", name)
        return str(name)

    def password_policy(self) -> dict[str, Any]:
        return self._setting(
            "password_policy",
            {
                "enabled": False,
                "min_length": 8,
                "need_digit": False,
                "need_letter": True,
                "need_caps": False,
                "need_symbol": True,
            },
        )

    def set_password_policy(
        self,
        *,
        enabled: bool,
        min_length: int = 8,
        need_digit: bool = False,
        need_letter: bool = True,
        need_caps: bool = False,
        need_symbol: bool = True,
    ) -> None:
        self._set_setting(
            "password_policy",
            {
                "enabled": enabled,
                "min_length": min_length,
                "need_digit": need_digit,
                "need_letter": need_letter,
                "need_caps": need_caps,
                "need_symbol": need_symbol,
            },
        )

    def password_errors(self, password: str) -> list[str]:
        """Config::validatePassword: every failed rule, in GLPI's order and wording."""
        pol = self.password_policy()
        if not pol["enabled"]:
            return []
        errors = []
        if len(password) < int(pol["min_length"]):
            errors.append("Password too short!")
        if pol["need_digit"] and not re.search(r"[0-9]", password):
            errors.append("Password must include at least a digit!")
        if pol["need_letter"] and not re.search(r"[a-z]", password):
            errors.append("Password must include at least a lowercase letter!")
        if pol["need_caps"] and not re.search(r"[A-Z]", password):
            errors.append("Password must include at least a uppercase letter!")
        if pol["need_symbol"] and not re.search(r"\W", password):
            errors.append("Password must include at least a symbol!")
        return errors
