"""Users, their passwords and their API/web sessions."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from .base import (
    Actor,
    ApiError,
    SessionRow,
    hash_password,
    php_empty,
    verify_password,
)
from .clock import fmt
from .config import ConfigStore
from .profiles import PROFILES, profile_by_name
from .schema import ITEMTYPES


class UsersStore(ConfigStore):
    """Accounts and sessions (GLPI's User, Auth and Session)."""

    def add_user(
        self,
        login: str,
        password: str,
        *,
        profile: str,
        realname: str = "",
        firstname: str = "",
        email: str = "",
        password_expired: bool = False,
        user_id: int | None = None,
        password_hash: str | None = None,
    ) -> int:
        prof = profile_by_name(profile)
        now = self.clock.now_str()
        values: dict[str, Any] = {
            "name": login,
            "password": password_hash or hash_password(password),
            "password_last_update": now,
            "realname": realname or None,
            "firstname": firstname or None,
            "language": None,
            "profiles_id": prof.id,
            "entities_id": 0,
            "date_mod": now,
            "date_creation": now,
            "x_email": email,
            "x_password_expired": int(password_expired),
        }
        if user_id is not None:
            values["id"] = user_id
        return self.insert("glpi_users", values)

    def user_id(self, login: str) -> int:
        uid = self.scalar("SELECT id FROM glpi_users WHERE name = ?", (login,))
        if uid is None:
            raise KeyError(login)
        return int(uid)

    def user(self, user_id: int) -> dict[str, Any] | None:
        return self.query_one("SELECT * FROM glpi_users WHERE id = ?", (user_id,))

    def check_password(self, login: str, password: str) -> bool:
        row = self.query_one(
            "SELECT password FROM glpi_users WHERE name = ? AND is_active = 1 AND is_deleted = 0",
            (login,),
        )
        return bool(row and row["password"] and verify_password(password, row["password"]))

    def set_password(self, user_id: int, password: str) -> None:
        self.update_row(
            "glpi_users",
            user_id,
            {
                "password": hash_password(password),
                "password_last_update": self.clock.now_str(),
                "x_password_expired": 0,
                "date_mod": self.clock.now_str(),
            },
        )

    def set_password_expired(self, login: str, expired: bool = True) -> None:
        self.execute(
            "UPDATE glpi_users SET x_password_expired = ? WHERE name = ?", (int(expired), login)
        )

    def set_user_token(self, login: str, token: str) -> None:
        self.execute(
            "UPDATE glpi_users SET api_token = ?, api_token_date = ? WHERE name = ?",
            (token, self.clock.now_str(), login),
        )

    def user_by_token(self, token: str) -> dict[str, Any] | None:
        return self.query_one(
            "SELECT * FROM glpi_users WHERE api_token = ? AND is_active = 1 AND is_deleted = 0",
            (token,),
        )

    def friendly_name(self, user_id: int) -> str:
        row = self.user(user_id)
        if row is None:
            return ""
        parts = [p for p in (row["realname"], row["firstname"]) if p]
        return " ".join(parts) if parts else str(row["name"])

    # --------------------------------------------------------------- sessions
    def create_session(self, user_id: int | None) -> str:
        token = self.version.new_session_token()
        now = self.clock.now_str()
        profile_id = None
        expired = False
        if user_id is not None:
            user = self.user(user_id)
            if user is None:
                raise KeyError(user_id)
            expired = bool(user["x_password_expired"])
            profile_id = None if expired else int(user["profiles_id"])
            self.update_row("glpi_users", user_id, {"last_login": now})
        self.execute(
            "INSERT INTO x_sessions (token, users_id, profiles_id, password_expired, created, last_seen, data)"
            " VALUES (?, ?, ?, ?, ?, ?, '{}')",
            (token, user_id, profile_id, int(expired), now, now),
        )
        return token

    def login_session(self, token: str, user_id: int) -> None:
        """Attach a user to an existing (anonymous web) session."""
        user = self.user(user_id)
        assert user is not None
        expired = bool(user["x_password_expired"])
        self.execute(
            "UPDATE x_sessions SET users_id = ?, profiles_id = ?, password_expired = ? WHERE token = ?",
            (user_id, None if expired else int(user["profiles_id"]), int(expired), token),
        )
        self.update_row("glpi_users", user_id, {"last_login": self.clock.now_str()})

    def get_session(self, token: str | None, *, touch: bool = True) -> SessionRow | None:
        if not token:
            return None
        row = self.query_one("SELECT * FROM x_sessions WHERE token = ?", (token,))
        if row is None:
            return None
        timeout = self.session_timeout_s
        now = self.clock.now()
        if (
            timeout is not None
            and datetime.strptime(row["last_seen"], "%Y-%m-%d %H:%M:%S")
            + timedelta(seconds=timeout)
            < now
        ):
            self.kill_session(token)
            return None
        if touch:
            with self.lock:
                done = self.execute(
                    "UPDATE x_sessions SET last_seen = ? WHERE token = ?", (fmt(now), token)
                )
                self._touches += done.rowcount
        return SessionRow(
            token=row["token"],
            users_id=row["users_id"],
            profiles_id=row["profiles_id"],
            password_expired=bool(row["password_expired"]),
            created=row["created"],
            last_seen=row["last_seen"],
            data=json.loads(row["data"] or "{}"),
        )

    def save_session_data(self, token: str, data: dict[str, Any]) -> None:
        self.execute("UPDATE x_sessions SET data = ? WHERE token = ?", (json.dumps(data), token))

    def kill_session(self, token: str) -> None:
        self.execute("DELETE FROM x_sessions WHERE token = ?", (token,))

    def actor_for(self, session: SessionRow) -> Actor | None:
        if session.users_id is None:
            return None
        user = self.user(session.users_id)
        if user is None:
            return None
        profile = PROFILES.get(session.profiles_id) if session.profiles_id is not None else None
        return Actor(user_id=int(user["id"]), login=str(user["name"]), profile=profile)

    def _api_update_user(self, row: dict[str, Any], data: dict[str, Any]) -> tuple[bool, str]:
        it = ITEMTYPES["User"]
        message = ""
        values: dict[str, Any] = {}
        password = data.get("password")
        if not php_empty(password) and "password2" in data:
            if str(password) != str(data.get("password2")):
                raise ApiError(400, "ERROR_GLPI_UPDATE", "Error: the two passwords do not match")
            errors = self.password_errors(str(password))
            if errors:
                message = errors[-1]
            elif not verify_password(str(password), str(row["password"] or "")):
                values["password"] = hash_password(str(password))
                values["password_last_update"] = self.clock.now_str()
                values["x_password_expired"] = 0
        for key in (
            "realname",
            "firstname",
            "phone",
            "phone2",
            "mobile",
            "language",
            "comment",
            "is_active",
        ):
            if key in data and key in it.columns:
                values[key] = data[key]
        if values:
            values["date_mod"] = self.clock.now_str()
        self.update_row("glpi_users", int(row["id"]), values)
        return True, message
