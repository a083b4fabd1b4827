"""Documents: files stored on tickets and their follow-ups, uploads over the API."""

from __future__ import annotations

import hashlib
import mimetypes
import os
from datetime import datetime
from typing import Any

from .base import Actor, ApiError, UploadedFile, _as_int, _date
from .rights import RightsStore
from .schema import ITEMTYPES

_EXTRA_MIME = {
    "LOG": "text/plain",
    "TXT": "text/plain",
    "MD": "text/markdown",
    "CSV": "text/csv",
    "GZ": "application/x-gzip",
}


class DocumentsStore(RightsStore):
    """GLPI's Document and Document_Item."""

    def add_document(
        self,
        ticket_id: int,
        *,
        filename: str,
        data: bytes,
        user_id: int,
        followup_id: int | None = None,
        date: datetime | str | None = None,
    ) -> int:
        when = _date(date, self.clock)
        if followup_id is not None:
            itemtype, items_id = "ITILFollowup", followup_id
            name = f"Document: Followup - {filename}"
        else:
            itemtype, items_id = "Ticket", ticket_id
            title = self.scalar("SELECT name FROM glpi_tickets WHERE id = ?", (ticket_id,)) or "N/A"
            name = f"Document: Ticket - {title}"[:200]
        return self._store_document(
            name=name,
            filename=filename,
            data=data,
            user_id=user_id,
            ticket_id=ticket_id,
            link=(itemtype, items_id),
            when=when,
        )

    def _store_document(
        self,
        *,
        name: str,
        filename: str,
        data: bytes,
        user_id: int,
        ticket_id: int,
        link: tuple[str, int] | None,
        when: str,
        mime: str | None = None,
        comment: str | None = None,
        category_id: int = 0,
    ) -> int:
        sha1 = hashlib.sha1(data).hexdigest()
        ext = (os.path.splitext(filename)[1][1:] or "bin").upper()
        guessed = (
            mime
            or mimetypes.guess_type(filename)[0]
            or _EXTRA_MIME.get(ext, "application/octet-stream")
        )
        doc_id = self.insert(
            "glpi_documents",
            {
                "name": name,
                "filename": filename,
                "filepath": f"{ext}/{sha1[:2]}/{sha1}.{ext}",
                "documentcategories_id": category_id,
                "mime": guessed,
                "date_mod": when,
                "comment": comment,
                "users_id": user_id,
                "tickets_id": ticket_id,
                "sha1sum": sha1,
                "date_creation": when,
                "x_filesize": len(data),
            },
        )
        self.execute(
            "INSERT INTO glpi_document_blobs (documents_id, data) VALUES (?, ?)", (doc_id, data)
        )
        if link is not None:
            self.insert(
                "glpi_documents_items",
                {
                    "documents_id": doc_id,
                    "items_id": link[1],
                    "itemtype": link[0],
                    "date_mod": when,
                    "users_id": user_id,
                    "date_creation": when,
                    "date": when,
                },
            )
            if ticket_id:
                self._touch_ticket(ticket_id, user_id, when)
        return doc_id

    def document_data(self, doc_id: int) -> bytes:
        return bytes(
            self.scalar("SELECT data FROM glpi_document_blobs WHERE documents_id = ?", (doc_id,))
            or b""
        )

    def documents(self, ticket_id: int) -> list[dict[str, Any]]:
        """Documents of the ticket and of its follow-ups, tasks and solutions."""
        sql, params = self._ticket_documents_where(ticket_id, include_private=True)
        return self.query(
            f"SELECT d.*, di.itemtype AS link_itemtype, di.items_id AS link_items_id FROM glpi_documents d"
            f" JOIN glpi_documents_items di ON di.documents_id = d.id WHERE {sql} ORDER BY d.id",
            params,
        )

    def _api_add_document(
        self, actor: Actor, data: dict[str, Any], files: list[UploadedFile]
    ) -> tuple[int, str, list[int]]:
        """``POST /Document``. A refused file (``upload.error``) gives GLPI's two answers:
        linked to an item, 400 "File X not found." and nothing created; not linked, an
        empty Document record (no file) and the usual success message."""
        if not files:
            raise ApiError(400, "ERROR_GLPI_ADD", "No file specified.")
        upload = files[0]
        itemtype = data.get("itemtype")
        items_id = _as_int(data.get("items_id"))
        link: tuple[str, int] | None = None
        ticket_id = 0
        name = str(data.get("name") or upload.filename)
        if isinstance(itemtype, str) and itemtype in ITEMTYPES and items_id > 0:
            if upload.error:
                raise ApiError(400, "ERROR_GLPI_ADD", _not_found(upload))
            link = (itemtype, items_id)
            it = ITEMTYPES[itemtype]
            row = self.query_one(f"SELECT * FROM {it.table} WHERE id = ?", (items_id,))
            label = {
                "ITILFollowup": "Followup",
                "TicketTask": "Ticket task",
                "ITILSolution": "Solution",
            }.get(itemtype, itemtype)
            item_name = (
                str(row.get("name") or "N/A") if row is not None and "name" in row else "N/A"
            )
            name = f"Document: {label} - {item_name}"[:200]
            if itemtype == "Ticket":
                ticket_id = items_id
            elif row is not None and itemtype in ("ITILFollowup", "ITILSolution"):
                ticket_id = int(row["items_id"]) if row["itemtype"] == "Ticket" else 0
            elif row is not None and itemtype == "TicketTask":
                ticket_id = int(row["tickets_id"])
        if upload.error:
            name = str(data.get("name") or "") or "N/A"
            now = self.clock.now_str()
            doc_id = self.insert(
                "glpi_documents",
                {
                    "name": str(data.get("name") or ""),
                    "filename": "",
                    "filepath": "",
                    "mime": "",
                    "documentcategories_id": _as_int(data.get("documentcategories_id")),
                    "comment": data.get("comment"),
                    "users_id": actor.user_id,
                    "tickets_id": 0,
                    "date_mod": now,
                    "date_creation": now,
                    "x_filesize": 0,
                },
            )
            return doc_id, f"Item successfully added: {name}", []
        doc_id = self._store_document(
            name=name,
            filename=upload.filename,
            data=upload.data,
            user_id=actor.user_id,
            ticket_id=ticket_id,
            link=link,
            when=self.clock.now_str(),
            mime=upload.content_type
            if upload.content_type not in ("", "application/octet-stream")
            else None,
            comment=data.get("comment"),
            category_id=_as_int(data.get("documentcategories_id")),
        )
        return doc_id, f"Item successfully added: {name}", [doc_id]

    def _attach_files(
        self, actor: Actor, files: list[UploadedFile], itemtype: str, items_id: int, ticket_id: int
    ) -> tuple[list[int], str | None]:
        """Files sent with a ticket or follow-up: (document ids, GLPI's message for the
        last refused file). A refused file is skipped; the item stays."""
        ids = []
        refused = None
        for upload in files:
            if upload.error:
                refused = _not_found(upload)
                continue
            label = "Followup" if itemtype == "ITILFollowup" else itemtype
            ids.append(
                self._store_document(
                    name=f"Document: {label} - {upload.filename}"[:200],
                    filename=upload.filename,
                    data=upload.data,
                    user_id=actor.user_id,
                    ticket_id=ticket_id,
                    link=(itemtype, items_id),
                    when=self.clock.now_str(),
                    mime=upload.content_type
                    if upload.content_type not in ("", "application/octet-stream")
                    else None,
                )
            )
        return ids, refused

    def _ticket_documents_where(
        self, ticket_id: int, *, include_private: bool
    ) -> tuple[str, list[Any]]:
        private = "" if include_private else " AND is_private = 0"
        return (
            "((di.itemtype = 'Ticket' AND di.items_id = ?)"
            " OR (di.itemtype = 'ITILFollowup' AND di.items_id IN (SELECT id FROM glpi_itilfollowups"
            f" WHERE itemtype = 'Ticket' AND items_id = ?{private}))"
            " OR (di.itemtype = 'TicketTask' AND di.items_id IN (SELECT id FROM glpi_tickettasks"
            f" WHERE tickets_id = ?{private}))"
            " OR (di.itemtype = 'ITILSolution' AND di.items_id IN (SELECT id FROM glpi_itilsolutions"
            " WHERE itemtype = 'Ticket' AND items_id = ?)))",
            [ticket_id, ticket_id, ticket_id, ticket_id],
        )

    def ticket_documents_for(self, actor: Actor, ticket_id: int) -> list[dict[str, Any]]:
        """``_documents`` of ``GET /Ticket/N?with_documents=true``."""
        see_private = actor.profile is not None and actor.profile.see_private
        where, params = self._ticket_documents_where(ticket_id, include_private=see_private)
        return self.query(
            "SELECT di.id AS assocID, di.date_creation AS assocdate, 0 AS entityID,"
            " 'Root entity' AS entity, NULL AS headings, d.* FROM glpi_documents_items di"
            f" JOIN glpi_documents d ON d.id = di.documents_id WHERE {where} ORDER BY di.id",
            params,
        )


def _not_found(upload: UploadedFile) -> str:
    """What GLPI says when the refused file is missing from its temporary folder."""
    return f"File {upload.filename} not found."
