"""SQLite-backed data of the embedded helpdesk, and GLPI's rights and ITIL rules.

The HTTP layer (``api.py``, ``web.py``) only parses requests and formats answers;
every decision a real GLPI takes about who may read or write what lives in the store,
so tests and benchmarks can also use the helpers directly.

The store is split by GLPI area, each a class stacked on the previous one:
``base`` (connection, shared types) → ``config`` → ``users`` (and sessions) →
``rights`` → ``documents`` → ``itil`` (tickets and their workflow) → :class:`Store`
(the API's create/update/delete routing). A plugin's item types (Formcreator) get a
module of their own stacked the same way; a difference between GLPI versions is an
entry of ``versions.GlpiVersion``, read through ``store.version``.
"""

from __future__ import annotations

import secrets
from typing import Any

from .base import (
    ASSIGN,
    NO_PERMISSION,
    OBSERVER,
    REQUESTER,
    STATUS_ASSIGNED,
    STATUS_CLOSED,
    STATUS_NEW,
    STATUS_SOLVED,
    STATUS_WAITING,
    Actor,
    ApiError,
    SessionRow,
    UploadedFile,
    _as_int,
    hash_password,
    php_empty,
)
from .itil import ItilStore
from .schema import ITEMTYPES

__all__ = [
    "ASSIGN",
    "NO_PERMISSION",
    "OBSERVER",
    "REQUESTER",
    "STATUS_ASSIGNED",
    "STATUS_CLOSED",
    "STATUS_NEW",
    "STATUS_SOLVED",
    "STATUS_WAITING",
    "Actor",
    "ApiError",
    "SessionRow",
    "Store",
    "UploadedFile",
    "hash_password",
    "php_empty",
]


class Store(ItilStore):
    """The helpdesk database: every area stacked, and the API's create/update/delete routing."""

    def api_create(
        self,
        actor: Actor,
        itemtype: str,
        data: dict[str, Any],
        files: list[UploadedFile] | None = None,
    ) -> tuple[int, str, list[int]]:
        """Create one item the way GLPI's API does; returns (id, message, created document ids)."""
        if actor.profile is None:
            raise self._deny("ERROR_GLPI_ADD")
        files = files or []
        if itemtype == "Ticket":
            tid, msg = self._api_create_ticket(actor, data)
            docs, _refused = self._attach_files(actor, files, "Ticket", tid, tid)
            # GLPI's last message wins; the ticket's "Item successfully added" is the last.
            return tid, msg, docs
        if itemtype == "ITILFollowup":
            fid = self._api_add_followup(actor, data)
            docs, refused = self._attach_files(
                actor, files, "ITILFollowup", fid, _as_int(data.get("items_id"))
            )
            return fid, refused or "", docs
        if itemtype == "ITILSolution":
            return self._api_add_solution(actor, data), "", []
        if itemtype == "TicketTask":
            return self._api_add_task(actor, data), "", []
        if itemtype == "Ticket_User":
            return self._api_add_ticket_user(actor, data), "", []
        if itemtype == "Document":
            return self._api_add_document(actor, data, files)
        if itemtype == "ITILCategory":
            if not actor.is_admin:
                raise self._deny("ERROR_GLPI_ADD")
            name = str(data.get("name") or "")
            cid = self.add_category(
                name,
                parent_id=_as_int(data.get("itilcategories_id")),
                comment=data.get("comment"),
            )
            return cid, f"Item successfully added: {name}", []
        if itemtype == "User":
            if not actor.is_admin:
                raise self._deny("ERROR_GLPI_ADD")
            login = str(data.get("name") or "")
            if not login or self.scalar("SELECT 1 FROM glpi_users WHERE name = ?", (login,)):
                raise ApiError(400, "ERROR_GLPI_ADD", "Unable to add. The user already exists.")
            uid = self.add_user(
                login,
                str(data.get("password") or secrets.token_hex(8)),
                profile="Self-Service",
                realname=str(data.get("realname") or ""),
                firstname=str(data.get("firstname") or ""),
            )
            return uid, f"Item successfully added: {login}", []
        raise self._deny("ERROR_GLPI_ADD")

    def api_update(
        self, actor: Actor, itemtype: str, item_id: int, data: dict[str, Any]
    ) -> tuple[bool, str]:
        """Update one item; raises ApiError like GLPI. Returns (result, message)."""
        it = ITEMTYPES[itemtype]
        row = self.query_one(f"SELECT * FROM {it.table} WHERE id = ?", (item_id,))
        if row is None:
            raise ApiError(400, "ERROR_GLPI_UPDATE", None)
        profile = actor.profile
        if profile is None:
            raise self._deny("ERROR_GLPI_UPDATE")
        now = self.clock.now_str()
        if itemtype == "User":
            if not profile.user_update:
                raise self._deny("ERROR_GLPI_UPDATE")
            return self._api_update_user(row, data)
        if itemtype == "Ticket":
            if not profile.ticket_update:
                raise self._deny("ERROR_GLPI_UPDATE")
            return self._api_update_ticket(actor, row, data), ""
        allowed_by_type = {
            "ITILFollowup": profile.followup_all,
            "TicketTask": profile.task_add,
            "ITILSolution": profile.solution_add,
            "Ticket_User": profile.ticket_update,
            "Document": profile.ticket_update,
            "Document_Item": profile.ticket_update,
        }
        if not allowed_by_type.get(itemtype, actor.is_admin):
            raise self._deny("ERROR_GLPI_UPDATE")
        values = {
            k: v
            for k, v in data.items()
            if k in it.columns and k != "id" and not k.startswith("x_") and k not in it.undisclosed
        }
        if "date_mod" in it.columns:
            values["date_mod"] = now
        self.update_row(it.table, item_id, values)
        return True, ""

    def api_delete(
        self, actor: Actor, itemtype: str, item_id: int, *, force_purge: bool
    ) -> tuple[bool, str]:
        it = ITEMTYPES[itemtype]
        row = self.query_one(f"SELECT * FROM {it.table} WHERE id = ?", (item_id,))
        if row is None:
            raise ApiError(400, "ERROR_GLPI_DELETE", "Item not found")
        profile = actor.profile
        if profile is None:
            raise self._deny("ERROR_GLPI_DELETE")
        purge = force_purge or not it.maybe_deleted
        if itemtype == "Ticket":
            allowed = profile.ticket_purge if purge else profile.ticket_delete
        elif itemtype in (
            "ITILFollowup",
            "TicketTask",
            "ITILSolution",
            "Ticket_User",
            "Document_Item",
            "Document",
        ):
            allowed = profile.ticket_update
        else:
            allowed = actor.is_admin
        if not allowed:
            raise self._deny("ERROR_GLPI_DELETE")
        if purge:
            self.execute(f"DELETE FROM {it.table} WHERE id = ?", (item_id,))
            if itemtype == "Ticket":
                for child in ("glpi_tickets_users", "glpi_tickettasks"):
                    self.execute(f"DELETE FROM {child} WHERE tickets_id = ?", (item_id,))
                for child in ("glpi_itilfollowups", "glpi_itilsolutions"):
                    self.execute(
                        f"DELETE FROM {child} WHERE itemtype = 'Ticket' AND items_id = ?",
                        (item_id,),
                    )
        else:
            self.update_row(it.table, item_id, {"is_deleted": 1, "date_mod": self.clock.now_str()})
        return True, ""
