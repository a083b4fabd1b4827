"""The helpdesk database core: the SQLite connection, settings rows, and the value
types and GLPI constants every area of the store shares.

The areas (``config``, ``users``, ``rights``, ``documents``, ``itil``) are layered
classes over :class:`StoreBase`; ``store.Store`` stacks them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .clock import Clock, fmt
from .errors import ApiError
from .params import php_intval
from .profiles import SUPER_ADMIN, Profile
from .schema import ITEMTYPES, create_table_sql
from .versions import GlpiVersion, glpi_version

NO_PERMISSION = "You don't have permission to perform this action."
STATUS_NEW, STATUS_ASSIGNED, STATUS_PLANNED, STATUS_WAITING, STATUS_SOLVED, STATUS_CLOSED = range(
    1, 7
)
SOLUTION_WAITING, SOLUTION_ACCEPTED, SOLUTION_REFUSED = 2, 3, 4
REQUESTER, ASSIGN, OBSERVER = 1, 2, 3

# GLPI's default urgency x impact matrix.
_PRIORITY = {
    (1, 1): 1, (1, 2): 1, (1, 3): 2, (1, 4): 2, (1, 5): 2,
    (2, 1): 1, (2, 2): 2, (2, 3): 2, (2, 4): 3, (2, 5): 3,
    (3, 1): 2, (3, 2): 2, (3, 3): 3, (3, 4): 4, (3, 5): 4,
    (4, 1): 2, (4, 2): 3, (4, 3): 4, (4, 4): 4, (4, 5): 5,
    (5, 1): 2, (5, 2): 3, (5, 3): 4, (5, 4): 5, (5, 5): 5,
}  # fmt: skip

PBKDF2_ROUNDS = 60_000
_WHOLE = re.compile(r"[+-]?\d+", re.ASCII)


@dataclass
class Actor:
    """The user behind a request; ``profile`` is None while the password is expired."""

    user_id: int
    login: str
    profile: Profile | None

    @property
    def is_admin(self) -> bool:
        return self.profile is not None and self.profile.id == SUPER_ADMIN.id


@dataclass
class SessionRow:
    token: str
    users_id: int | None
    profiles_id: int | None
    password_expired: bool
    created: str
    last_seen: str
    data: dict[str, Any]


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)
    return f"pbkdf2_sha256${PBKDF2_ROUNDS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _algo, rounds, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(rounds))
    return hmac.compare_digest(candidate.hex(), digest)


def new_session_token() -> str:
    """A session id of the default version (26 characters like a PHP session id)."""
    return glpi_version().new_session_token()


def _as_int(value: Any, default: int = 0) -> int:
    """An integer input field: ``default`` unless it is a whole number (ASCII digits),
    saturated to the 64-bit range as on GLPI's PHP, so SQLite never overflows."""
    if isinstance(value, bool | int):
        return php_intval(value)
    if isinstance(value, float):
        return php_intval(value) if math.isfinite(value) else default
    text = str(value).strip()
    if _WHOLE.fullmatch(text):
        return php_intval(text)
    return default


def _date(value: datetime | str | None, clock: Clock) -> str:
    if value is None:
        return clock.now_str()
    if isinstance(value, datetime):
        return fmt(value)
    return value


def php_empty(value: Any) -> bool:
    return value in (None, "", 0, "0", False, [], {})


@dataclass
class UploadedFile:
    """One file part of a multipart request.

    ``error`` is the upload handler's refusal ("Filetype not allowed", "File is too
    big"); a refused file's ``data`` may be left empty, ``size`` is what was sent.
    """

    field: str
    filename: str
    content_type: str
    data: bytes
    size: int = -1
    error: str | None = None

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.data)


def _user_ids(value: Any) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [_as_int(v) for v in value if _as_int(v) > 0]
    if isinstance(value, dict):
        return [_as_int(v) for v in value.values() if _as_int(v) > 0]
    uid = _as_int(value)
    return [uid] if uid > 0 else []


def _actor_ids(value: Any) -> list[int]:
    out = []
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict) and entry.get("itemtype", "User") == "User":
                uid = _as_int(entry.get("items_id"))
                if uid > 0:
                    out.append(uid)
    return out


class StoreBase:
    """The connection and SQL helpers. ``path=None`` keeps the database in memory.

    One connection shared by the server thread and the caller, guarded by a lock.
    """

    def __init__(
        self, path: str | None = None, *, version: GlpiVersion | str | None = None
    ) -> None:
        self.path = path
        #: The GLPI version this helpdesk plays (``versions.py``).
        self.version = glpi_version(version)
        self._db = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        self._counts: dict[tuple[str, tuple[Any, ...], int], int] = {}
        self._touches = 0
        self.clock = Clock()
        with self.lock:
            self._db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._create_schema()

    # ------------------------------------------------------------------ basics
    def _create_schema(self) -> None:
        for it in ITEMTYPES.values():
            self._db.execute(create_table_sql(it))
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS glpi_document_blobs (documents_id INTEGER PRIMARY KEY, data BLOB);
            CREATE TABLE IF NOT EXISTS x_sessions (
                token TEXT PRIMARY KEY, users_id INTEGER, profiles_id INTEGER,
                password_expired INTEGER DEFAULT 0, created TEXT, last_seen TEXT, data TEXT DEFAULT '{}');
            CREATE TABLE IF NOT EXISTS x_settings (key TEXT PRIMARY KEY, value TEXT);
            CREATE INDEX IF NOT EXISTS i_tu_user ON glpi_tickets_users (users_id, type, tickets_id);
            CREATE INDEX IF NOT EXISTS i_tu_ticket ON glpi_tickets_users (tickets_id, type);
            CREATE INDEX IF NOT EXISTS i_t_recipient ON glpi_tickets (users_id_recipient);
            CREATE INDEX IF NOT EXISTS i_t_datemod ON glpi_tickets (date_mod);
            CREATE INDEX IF NOT EXISTS i_t_status ON glpi_tickets (status, solvedate);
            CREATE INDEX IF NOT EXISTS i_t_scope ON glpi_tickets (status, is_deleted, users_id_recipient);
            CREATE INDEX IF NOT EXISTS i_fu_item ON glpi_itilfollowups (itemtype, items_id);
            CREATE INDEX IF NOT EXISTS i_sol_item ON glpi_itilsolutions (itemtype, items_id);
            CREATE INDEX IF NOT EXISTS i_task_ticket ON glpi_tickettasks (tickets_id);
            CREATE INDEX IF NOT EXISTS i_di_item ON glpi_documents_items (itemtype, items_id);
            CREATE UNIQUE INDEX IF NOT EXISTS i_user_name ON glpi_users (name);
            """
        )
        self._analyze_if_unknown()
        if self._db.execute("SELECT COUNT(*) FROM glpi_entities").fetchone()[0] == 0:
            now = self.clock.now_str()
            self._db.execute(
                "INSERT INTO glpi_entities (id, name, entities_id, completename, level, date_mod, date_creation)"
                " VALUES (0, 'Root entity', NULL, 'Root entity', 1, ?, ?)",
                (now, now),
            )
            for i, name in enumerate(
                ["Helpdesk", "E-Mail", "Phone", "Direct", "Written", "Other"], 1
            ):
                self._db.execute(
                    "INSERT INTO glpi_requesttypes (id, name, is_helpdesk_default, is_followup_default,"
                    " date_mod, date_creation) VALUES (?, ?, ?, ?, ?, ?)",
                    (i, name, int(i == 1), int(i == 1), now, now),
                )

    def _analyze_if_unknown(self) -> None:
        """Statistics for a big database that has none (made by an older version):
        without them a page of a big list sorts every visible ticket."""
        has_stats = (
            self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
            and self._db.execute("SELECT 1 FROM sqlite_stat1 WHERE idx = 'i_t_scope'").fetchone()
        )
        if (
            not has_stats
            and self._db.execute("SELECT COUNT(*) > 1000 FROM glpi_tickets").fetchone()[0]
        ):
            self._db.execute("ANALYZE")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self.lock:
            return self._db.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self._db.execute(sql, params).fetchall()]

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        with self.lock:
            row = self._db.execute(sql, params).fetchone()
            return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.lock:
            row = self._db.execute(sql, params).fetchone()
            return row[0] if row is not None else None

    def counted(self, sql: str, params: Sequence[Any] = ()) -> int:
        """A COUNT(*) remembered until the next write (SQLite counts every change; a
        session's "last seen" stamp, written by every request, does not count).

        Paging through 100,000 tickets asks the same total with every page; counting
        60,000 visible rows again each time cost ~100 ms per request.
        """
        with self.lock:
            key = (sql, tuple(params), self._db.total_changes - self._touches)
            if key not in self._counts:
                if len(self._counts) > 256:
                    self._counts.clear()
                self._counts[key] = int(self.scalar(sql, params) or 0)
            return self._counts[key]

    def insert(self, table: str, values: dict[str, Any]) -> int:
        cols = ", ".join(f'"{k}"' for k in values)
        marks = ", ".join("?" for _ in values)
        with self.lock:
            cur = self._db.execute(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(values.values())
            )
            return int(cur.lastrowid or 0)

    def update_row(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        if not values:
            return
        sets = ", ".join(f'"{k}" = ?' for k in values)
        with self.lock:
            self._db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id])

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def _setting(self, key: str, default: Any) -> Any:
        raw = self.scalar("SELECT value FROM x_settings WHERE key = ?", (key,))
        return default if raw is None else json.loads(raw)

    def _set_setting(self, key: str, value: Any) -> None:
        self.execute(
            "INSERT INTO x_settings (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    def _touch_ticket(self, ticket_id: int, user_id: int, when: str | None = None) -> None:
        self.update_row(
            "glpi_tickets",
            ticket_id,
            {"date_mod": when or self.clock.now_str(), "users_id_lastupdater": user_id},
        )

    def count(self, table: str) -> int:
        table = table if table.startswith(("glpi_", "x_")) else f"glpi_{table}"
        if not re.fullmatch(r"[a-z_]+", table):
            raise ValueError(table)
        return int(self.scalar(f"SELECT COUNT(*) FROM {table}"))

    def _deny(self, code: str) -> ApiError:
        return ApiError(400, code, NO_PERMISSION)
