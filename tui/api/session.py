"""Sign-in, resume and sign-out; what the server says of itself (version, time zone,
settings)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from cebox_support.tui.api import errors as E
from cebox_support.tui.api.base import ClientBase, as_flag, understood
from cebox_support.tui.api.models import Me, PasswordPolicy, ServerConfig
from cebox_support.tui.api.transport import SESSION_TOKEN, as_int, basic_authorization
from cebox_support.tui.api.zone import ServerZone
from cebox_support.tui.i18n import _


class SessionArea(ClientBase):
    """initSession, getFullSession, getGlpiConfig, killSession and the web sign-out."""

    async def login(self, login: str, password: str) -> Me:
        """initSession with login and password (Basic), the full session in the same trip."""
        if not login or not password:
            raise E.AuthError(_("Enter a login and a password."))
        return await self._init_session(basic_authorization(login, password))

    async def login_with_token(self, user_token: str) -> Me:
        if not user_token.strip():
            raise E.AuthError(_("Enter your personal API token."))
        me = await self._init_session(f"user_token {user_token.strip()}")
        self.personal_token = True
        return me

    @understood(lambda: _("signing in"))
    async def _init_session(self, authorization: str) -> Me:
        response = await self._request(
            "GET",
            "initSession",
            params={"get_full_session": "true"},
            headers={"Authorization": authorization},
            session=False,
        )
        body = self._json(response)
        if not isinstance(body, dict) or not isinstance(body.get("session_token"), str):
            raise E.NotGlpi(
                _("{url} does not answer like a GLPI API. Check the server URL.").format(
                    url=self.api_url
                )
            )
        if not SESSION_TOKEN.fullmatch(body["session_token"]):
            # It goes into every request header: control characters there could split or
            # smuggle headers, and non-ASCII cannot be sent at all.
            raise E.NotGlpi(
                _("The server sent an invalid session token; it was not used (check the URL).")
            )
        self._session_token = body["session_token"]
        self._learn_version_from_token(self._session_token)
        session = body.get("session")
        if not isinstance(session, dict):
            return await self.whoami()
        return self._set_me(session, response)

    def use_session_token(self, session_token: str) -> None:
        """Send requests with a cached session token before `resume` has checked it."""
        self._session_token = session_token
        self._learn_version_from_token(session_token)

    def _learn_version_from_token(self, token: str) -> None:
        """GLPI 10 hands out PHP session ids (26 chars of [0-9a-v]); 11 long base64
        tokens. Enough to pick the right behaviour before getGlpiConfig is read."""
        if self.glpi_version:
            return
        if re.fullmatch(r"[0-9a-v]{26,40}", token):
            self.glpi_major = 10
        elif len(token) >= 64:
            self.glpi_major = 11

    def _learn_version(self, version: str) -> None:
        match = re.match(r"\s*(\d+)\.", version)
        if match:
            self.glpi_version = version.strip()
            self.glpi_major = int(match.group(1))

    async def resume(self, session_token: str) -> Me:
        """Reuse a cached session token; raises SessionExpired when it is no longer valid."""
        self.use_session_token(session_token)
        try:
            return await self.whoami()
        except E.GlpiError:
            self._session_token = None
            raise

    @understood(lambda: _("checking the session"))
    async def whoami(self) -> Me:
        response = await self._request("GET", "getFullSession")
        body = self._json(response)
        session = body.get("session") if isinstance(body, dict) else None
        if not isinstance(session, dict):
            raise E.NotGlpi(_("Unexpected answer to getFullSession."))
        return self._set_me(session, response)

    def _set_me(self, session: Mapping[str, Any], response: httpx.Response) -> Me:
        self._learn_timezone(
            session.get("glpi_currenttime"), response.headers.get("date"), session.get("glpi_tz")
        )
        user_id = as_int(session.get("glpiID"))
        if user_id is None:
            raise E.NotGlpi(_("Unexpected answer to getFullSession."))
        login = self._line(session.get("glpiname", ""))
        self.me = Me(
            id=user_id,
            login=login,
            name=self._line(session.get("glpifriendlyname") or login),
            language=str(session.get("glpilanguage") or ""),
            password_expired=as_flag(session.get("glpi_password_expired", 0)),
        )
        return self.me

    def _learn_timezone(self, server_now: Any, date_header: str | None, name: Any) -> None:
        """Server offset now = its local clock minus the HTTP Date header; the zone whose
        rules give each date its own offset (tui/api/zone.py)."""
        zone = self._zone()
        try:
            local = datetime.strptime(str(server_now or "")[:19], "%Y-%m-%d %H:%M:%S")
            utc = parsedate_to_datetime(date_header or "").astimezone(UTC).replace(tzinfo=None)
        except (ValueError, TypeError):
            pass
        else:
            zone.learn_offset(local, utc)
        zone.learn_name(name)

    def _zone(self) -> ServerZone:
        if not isinstance(self.server_tz, ServerZone):
            self.server_tz = ServerZone()
        return self.server_tz

    async def logout(self) -> None:
        """killSession; the local token is forgotten even if the server is unreachable."""
        if not self._session_token:
            return
        try:
            await self._request("GET", "killSession")
        except E.GlpiError:
            pass
        finally:
            self._session_token = None
            self.me = None

    @understood(lambda: _("reading the server settings"))
    async def server_config(self, *, refresh: bool = False) -> ServerConfig:
        if self._config is not None and not refresh:
            return self._config
        body = self._json(await self._request("GET", "getGlpiConfig"))
        cfg = body.get("cfg_glpi", {}) if isinstance(body, dict) else {}
        try:
            max_size: float | None = float(cfg.get("document_max_size") or 0) or None
        except (TypeError, ValueError):
            max_size = None
        self._learn_version(str(cfg.get("version", "")))
        if not self._zone().named:
            self._zone().learn_name(cfg.get("timezone"))
        self._config = ServerConfig(
            version=str(cfg.get("version", "")),
            url_base=str(cfg.get("url_base", "")),
            document_max_size_mb=max_size,
            password_policy=PasswordPolicy(
                enabled=as_flag(cfg.get("use_password_security", 0)),
                min_length=as_int(cfg.get("password_min_length"), 8) or 8,
                need_digit=as_flag(cfg.get("password_need_number", 0)),
                need_lowercase=as_flag(cfg.get("password_need_letter", 0)),
                need_uppercase=as_flag(cfg.get("password_need_caps", 0)),
                need_symbol=as_flag(cfg.get("password_need_symbol", 0)),
            ),
        )
        return self._config

    async def close_web_session(self) -> None:
        """Sign out of GLPI's web side too (at sign-out): the kept cookie is dropped."""
        if not self.web_cookie:
            return
        from cebox_support.tui.api.web import WebSession

        await WebSession(self, self.web_cookie).logout()
        self.web_cookie = None
        if self.on_web_cookie is not None:
            self.on_web_cookie(None)
