"""Documents: an upload linked to a ticket and its outcome, REST and web downloads,
and the names downloads are saved under."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import httpx
from cebox_support.tui.api import errors as E
from cebox_support.tui.api.base import ClientBase, understood, upload_outcome
from cebox_support.tui.api.filetypes import refused_for_type
from cebox_support.tui.api.models import Document, DocumentContent, RefusedFile, UploadOutcome
from cebox_support.tui.api.text import clean_terminal
from cebox_support.tui.api.transport import (
    DOWNLOAD_FLOOR_BYTES_PER_S,
    DOWNLOAD_MARGIN,
    as_id,
)
from cebox_support.tui.i18n import _

T = TypeVar("T")


class DocumentsArea(ClientBase):
    """POST Document, GET Document/N, and GLPI's `document.send.php`."""

    @understood(lambda: _("sending the file"))
    async def upload_document(self, ticket_id: int, path: Path) -> int:
        """Upload one file linked to the ticket; raises InvalidRequest when refused."""
        outcome = await self.upload_document_outcome(ticket_id, path)
        if outcome.refused or outcome.item_id is None:
            refused = outcome.refused[0] if outcome.refused else None
            raise E.InvalidRequest(
                _("The server did not keep {name}: {reason}").format(
                    name=Path(path).name,
                    reason=refused.reason_text if refused else _("refused by the server"),
                ),
                code="UPLOAD_REFUSED",
            )
        return outcome.item_id

    @understood(lambda: _("sending the file"))
    async def upload_document_outcome(self, ticket_id: int, path: Path) -> UploadOutcome:
        """Upload one file linked to the ticket (a refused linked upload leaves nothing,
        where an unlinked one leaves an empty Document): kept or refused, and why."""
        name = Path(path).name
        payload = {"name": name, "itemtype": "Ticket", "items_id": int(ticket_id)}
        try:
            response = await self._multipart("Document", payload, [Path(path)])
        except E.InvalidRequest as error:
            # 400 ["ERROR_GLPI_ADD", "File X not found."]: GLPI dropped the file (type or
            # size) before linking it; it does not say which.
            if error.code == "ERROR_GLPI_ADD" and "not found" in (error.detail or "").lower():
                # The size was checked before sending; a type a default GLPI refuses is
                # the likely reason, and the one the user can act on (a .gz copy).
                kind = "type" if refused_for_type(name) else "other"
                reason = error.detail or ""
                return UploadOutcome(refused=[RefusedFile(name=name, reason=reason, kind=kind)])
            raise
        body = self._json(response)
        doc_id = as_id(body.get("id")) if isinstance(body, dict) else None
        if doc_id is None:
            raise E.NotGlpi(_("The server did not confirm the upload."))
        outcome = upload_outcome(body, [name], item_id=doc_id)
        if outcome.refused:  # an empty Document record: never referenced
            return outcome.model_copy(update={"item_id": None})
        return outcome

    def _download_limit(self, document: Document) -> int:
        """The most a download of `document` may bring: `max_download_bytes`, or the
        size the ticket lists for it plus a margin. Over the cap already: refused."""
        limit = self._max_download
        if document.size is not None and document.size > limit:
            raise E.InvalidRequest(
                _(
                    "{name} is larger than the download limit ({mb} MB; `download_max_mb` in "
                    "config.toml)."
                ).format(name=document.filename, mb=f"{limit / 2**20:g}")
            )
        if document.size is not None and document.size >= 0:
            limit = min(limit, document.size + document.size // 10 + DOWNLOAD_MARGIN)
        return limit

    def _download_deadline(self, limit: int) -> float:
        """One deadline for the whole download: `timeout`, plus time for `limit` bytes at
        50 kB/s (a server trickling a byte a second never holds the console)."""
        return (
            asyncio.get_running_loop().time() + self._timeout + limit / DOWNLOAD_FLOOR_BYTES_PER_S
        )

    async def download_document(self, document: Document, folder: Path) -> Path:
        """Save a document listed on the ticket into `folder` under a safe, unused name,
        through the REST API (`_save_stream`: streamed, capped, one deadline)."""
        limit = self._download_limit(document)
        return await self._rest_download(
            document, limit, lambda response: _save_stream(response, document, folder, limit)
        )

    async def _rest_download(
        self, document: Document, limit: int, save: Callable[[httpx.Response], Awaitable[T]]
    ) -> T:
        """GET Document/N, its answer handed to `save` as a stream, under one deadline."""
        client = self._client()
        sent_token = self._session_token
        request = client.build_request(
            "GET",
            f"{self.api_url}/Document/{int(document.id)}",
            headers=self._headers({"Accept": "application/octet-stream"}, session=True),
        )
        try:
            async with asyncio.timeout_at(self._download_deadline(limit)):
                response = await client.send(request, stream=True)
                try:
                    if response.status_code >= 400:
                        body = await _read_at_most(response, 2**20)
                        raise self._http_error(
                            httpx.Response(response.status_code, content=body, request=request)
                        )
                    return await save(response)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise self._too_slow(write=False) from None
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, write=False)[0] from None
        except E.GlpiError as exc:
            self._forget_token(exc, sent_token, session=True)
            raise

    async def fetch_document(
        self,
        document: Document,
        folder: Path,
        *,
        ticket_id: int,
        password: str | None = None,
    ) -> Path:
        """Save a document listed on ticket `ticket_id` into `folder` (safe, unused name).

        GLPI 10: the REST download, GLPI's web page as the fallback. GLPI 11 refuses
        REST downloads to customers: the web page, with a web session opened with the
        user's `password` (WebLoginRequired when it is needed and not given;
        NeedsBrowser for a personal-token sign-in, which has no password). Either way
        streamed to disk under the same cap and whole-download deadline.
        """
        limit = self._download_limit(document)
        return await self._fetch(
            document,
            ticket_id,
            password,
            limit,
            lambda response: _save_stream(response, document, folder, limit),
        )

    async def document_content(
        self, document: Document, *, ticket_id: int, password: str | None = None
    ) -> DocumentContent:
        """A document listed on ticket `ticket_id`, downloaded into memory (the picture
        viewer): the cap, deadline and ways of `fetch_document`, nothing written to disk."""
        limit = self._download_limit(document)
        return await self._fetch(
            document,
            ticket_id,
            password,
            limit,
            lambda response: _read_stream(response, document, limit),
        )

    async def _fetch(
        self,
        document: Document,
        ticket_id: int,
        password: str | None,
        limit: int,
        save: Callable[[httpx.Response], Awaitable[T]],
    ) -> T:
        if (self.glpi_major or 10) < 11:
            try:
                return await self._rest_download(document, limit, save)
            except E.PermissionDenied:
                pass
        try:
            async with asyncio.timeout_at(self._download_deadline(limit)):
                return await self._web_download(document, ticket_id, password, save)
        except TimeoutError:
            raise self._too_slow(write=False) from None

    async def _web_download(
        self,
        document: Document,
        ticket_id: int,
        password: str | None,
        save: Callable[[httpx.Response], Awaitable[T]],
    ) -> T:
        from cebox_support.tui.api.web import WebSession, flavour

        if (
            self.personal_token
            and not self.web_cookie
            and not flavour(self.glpi_major).token_is_cookie
        ):
            raise E.NeedsBrowser(
                _(
                    "Signed in with a personal API token, documents can only be downloaded "
                    "in the browser."
                ),
                url=self.ticket_url(ticket_id),
            )
        web = WebSession(self, self.web_cookie)
        try:
            return await web.download(
                document_id=document.id,
                ticket_id=ticket_id,
                save=save,
                login=self.me.login if self.me else None,
                password=password,
            )
        finally:
            if web.cookie != self.web_cookie:
                self.web_cookie = web.cookie
                if self.on_web_cookie is not None:
                    self.on_web_cookie(web.cookie)


async def _save_stream(
    response: httpx.Response, document: Document, folder: Path, limit: int
) -> Path:
    """Write a download's body to an unused file in `folder` as it comes, never held in
    memory, and cut at `limit` bytes: a server sending more, or a small compressed
    answer inflating past it, leaves no partial file behind."""
    folder.mkdir(parents=True, exist_ok=True)
    target = unused_path(folder / download_name(document.filename, response.headers))
    with open(target, "xb") as out:
        try:
            written = 0
            async for chunk in response.aiter_bytes():
                written += len(chunk)
                if written > limit:
                    raise E.ServerError(
                        _(
                            "{name}: the server sent more than the {size} the document "
                            "should have; the download was stopped and the partial file removed."
                        ).format(name=document.filename, size=_size(limit))
                    )
                out.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return target


async def _read_stream(response: httpx.Response, document: Document, limit: int) -> DocumentContent:
    """A download's body held in memory (a picture to view), cut at `limit` bytes."""
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > limit:
            raise E.ServerError(
                _(
                    "{name}: the server sent more than the {size} the document should have; "
                    "the download was stopped."
                ).format(name=document.filename, size=_size(limit))
            )
    return DocumentContent(
        name=download_name(document.filename, response.headers), data=bytes(data)
    )


def too_big(paths: Sequence[Path], max_bytes: int | None) -> list[RefusedFile]:
    """The files over the server's `document_max_size`, caught before sending."""
    if not max_bytes:
        return []
    found = []
    for path in paths:
        try:
            size = Path(path).stat().st_size
        except OSError:
            continue
        if size > max_bytes:
            found.append(RefusedFile(name=Path(path).name, reason="File is too big", kind="size"))
    return found


def _disposition_filename(header: str | None) -> str | None:
    if not header:
        return None
    match = re.search(r"filename\*=UTF-8''([^;]+)", header, re.I)
    if match:
        from urllib.parse import unquote

        return unquote(match.group(1))
    match = re.search(r'filename="?([^";]+)"?', header, re.I)
    return match.group(1) if match else None


async def _read_at_most(response: httpx.Response, limit: int) -> bytes:
    data = b""
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= limit:
            break
    return data[:limit]


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(1, n // 1024)} KB"


MAX_NAME_BYTES = 240
"""Below the 255 bytes most file systems allow, leaving room for unused_path's " (12)"."""


def download_name(listed: str, headers: Mapping[str, str]) -> str:
    """The name to save a document under: the server's Content-Disposition name if any,
    but always with the extension the ticket lists for the document (a server cannot turn
    `report.pdf` into `report.desktop`)."""
    listed_name = safe_filename(listed)
    offered = _disposition_filename(headers.get("content-disposition"))
    if not offered:
        return listed_name
    name = safe_filename(offered)
    extension = _extension(listed_name)
    if extension and _extension(name).lower() != extension.lower():
        name = safe_filename(_stem(name) + extension)
    return name


def _extension(name: str) -> str:
    suffix = Path(name).suffix
    return suffix if 1 < len(suffix.encode()) <= 32 and " " not in suffix else ""


def _stem(name: str) -> str:
    extension = _extension(name)
    return name[: -len(extension)] if extension else name


def safe_filename(name: str) -> str:
    """A server-given file name made harmless: no directories, no controls, no dot files,
    at most MAX_NAME_BYTES bytes of UTF-8 with its extension kept."""
    name = clean_terminal(name).replace("\\", "/").split("/")[-1]
    name = re.sub(r'[<>:"|?*\x00-\x1f]', "_", name).strip(" .")
    if len(name.encode()) > MAX_NAME_BYTES:
        extension = _extension(name)
        room = MAX_NAME_BYTES - len(extension.encode())
        stem = name[: -len(extension)] if extension else name
        stem = stem.encode()[:room].decode(errors="ignore").rstrip(" .")
        name = stem + extension
    return name or "document"


def unused_path(path: Path) -> Path:
    if not path.exists():
        return path
    stem, suffix = path.stem, path.suffix
    for i in range(1, 10_000):
        candidate = path.with_name(f"{stem} ({i}){suffix}")
        if not candidate.exists():
            return candidate
    raise E.InvalidRequest(_("Too many files named {name}.").format(name=path.name))
