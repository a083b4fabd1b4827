"""The last copy of my ticket lists, of the tickets I opened and of the forms catalogue,
for reading while the link to the helpdesk is down.

Kept per profile under the state dir in 0600 files (a ticket may be as private as a
draft), each with its fetch time and the server it came from, best effort (a full or
read-only disk costs the copy, never the answer shown); at most MAX_TICKETS
tickets, the least recently fetched dropped first. `logout` deletes a profile's copies,
and a copy is only ever read back for the profile (and server) that wrote it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.config import file_safe, state_dir
from cebox_support.tui.i18n import _
from cebox_support.tui.localfiles import keep

if TYPE_CHECKING:
    from cebox_support.tui.api.errors import GlpiError
    from cebox_support.tui.api.models import Me, TicketDetail, TicketSummary
    from cebox_support.tui.forms.server import FormSummary
    from cebox_support.tui.session import Workspace

MAX_TICKETS = 100


def offline_dir(profile: str, root: Path | None = None) -> Path:
    return (root or state_dir()) / "offline" / file_safe(profile)


def unreachable(exc: GlpiError) -> bool:
    """The server cannot be reached (no answer, refused, or a gateway saying so): the
    case for showing the last copy. A server that answers with a refusal is not."""
    from cebox_support.tui.api.errors import ServerError, Timeout, Unreachable

    if isinstance(exc, Unreachable | Timeout):
        return True
    return isinstance(exc, ServerError) and exc.status in (502, 503, 504)


def copy_label(fetched_at: float) -> str:
    """ "offline — copy of 12/12 09:41" (stderr of the commands, the console's banner)."""
    when = datetime.fromtimestamp(fetched_at).strftime("%d/%m %H:%M")
    return _("offline — copy of {when}").format(when=when)


def iso(fetched_at: float) -> str:
    return datetime.fromtimestamp(fetched_at).astimezone().isoformat(timespec="seconds")


WIDER = {"open": "all", "solved": "all", "closed": "all"}
"""The list whose copy holds every row of another, found by each row's status. "Awaiting
my approval" is not derived: it needs the requester, which a row does not carry."""
ROW_STATUSES = {"open": (1, 2, 3, 4), "solved": (5,), "closed": (6,)}


@dataclass
class ListCopy:
    fetched_at: float
    total: int
    rows: list[TicketSummary]
    source: str = ""
    """The list the copy was taken of: the filter itself, or a wider one."""
    complete: bool = True
    """False when derived from a wider copy that held only its first rows."""


@dataclass
class CatalogueCopy:
    fetched_at: float
    has_forms: bool
    """False: the server has no forms of its own (GLPI 10 without Formcreator)."""
    forms: list[FormSummary]


@dataclass
class TicketCopy:
    fetched_at: float
    detail: TicketDetail


class OfflineCopies:
    def __init__(self, profile: str, server: str, root: Path | None = None) -> None:
        self.folder = offline_dir(profile, root)
        self.server = server

    # -- files ------------------------------------------------------------------------

    def _write(self, name: str, payload: dict[str, Any]) -> bool:
        """Best effort (tui/localfiles.py): a copy that cannot be kept never costs the
        answer being shown."""
        data = {"server": self.server, "fetched_at": time.time(), **payload}
        return keep(self.folder / name, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / name).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("server") != self.server:
            return None  # written for another server under the same profile name
        if not isinstance(data.get("fetched_at"), int | float):
            return None
        return data

    # -- who I am ---------------------------------------------------------------------

    def save_me(self, me: Me) -> None:
        """Who the copies belong to: the console can then start on them while the
        server cannot be reached (it needs a name for the header and my id)."""
        self._write("me.json", {"me": me.model_dump(mode="json")})

    def load_me(self) -> Me | None:
        from cebox_support.tui.api.models import Me
        from pydantic import ValidationError

        data = self._read("me.json")
        if data is None:
            return None
        try:
            return Me.model_validate(data.get("me"))
        except ValidationError:
            return None

    # -- lists ------------------------------------------------------------------------

    def save_list(self, status: str, rows: list[TicketSummary], total: int) -> None:
        self._write(
            f"list-{file_safe(status)}.json",
            {"total": total, "rows": [r.model_dump(mode="json") for r in rows]},
        )

    def load_list(self, status: str) -> ListCopy | None:
        """The copy of this list, or its rows in the copy of a wider one (the newer of
        the two when the wider copy holds all its rows)."""
        exact = self._load_list(status)
        wider = self._load_list(WIDER[status]) if status in WIDER else None
        if wider is None:
            return exact
        statuses = ROW_STATUSES[status]
        rows = [r for r in wider.rows if int(r.status) in statuses]
        complete = len(wider.rows) >= wider.total
        derived = ListCopy(wider.fetched_at, len(rows), rows, wider.source, complete)
        if exact is not None and (not complete or exact.fetched_at >= wider.fetched_at):
            return exact
        return derived

    def _load_list(self, status: str) -> ListCopy | None:
        from cebox_support.tui.api.models import TicketSummary
        from pydantic import ValidationError

        data = self._read(f"list-{file_safe(status)}.json")
        if data is None:
            return None
        try:
            rows = [TicketSummary.model_validate(r) for r in data.get("rows") or []]
        except ValidationError:
            return None
        total = data.get("total")
        total = total if isinstance(total, int) and total >= len(rows) else len(rows)
        return ListCopy(float(data["fetched_at"]), total, rows, status)

    # -- the forms catalogue ----------------------------------------------------------

    def save_catalogue(self, has_forms: bool, forms: list[FormSummary]) -> None:
        """The server's forms as offered (Formcreator's on 10, the service catalog's on 11)."""
        self._write(
            "forms.json",
            {"has_forms": has_forms, "forms": [f.model_dump(mode="json") for f in forms]},
        )

    def load_catalogue(self) -> CatalogueCopy | None:
        from cebox_support.tui.forms.server import FormSummary
        from pydantic import ValidationError

        data = self._read("forms.json")
        if data is None or not isinstance(data.get("has_forms"), bool):
            return None
        try:
            forms = [FormSummary.model_validate(f) for f in data.get("forms") or []]
        except ValidationError:
            return None
        return CatalogueCopy(float(data["fetched_at"]), data["has_forms"], forms)

    # -- tickets ----------------------------------------------------------------------

    def save_ticket(self, detail: TicketDetail) -> None:
        name = f"ticket-{int(detail.ticket.id)}.json"
        if self._write(name, {"detail": detail.model_dump(mode="json")}):
            self._prune(kept=name)

    def load_ticket(self, ticket_id: int) -> TicketCopy | None:
        from cebox_support.tui.api.models import TicketDetail
        from pydantic import ValidationError

        data = self._read(f"ticket-{int(ticket_id)}.json")
        if data is None:
            return None
        try:
            detail = TicketDetail.model_validate(data.get("detail"))
        except ValidationError:
            return None
        return TicketCopy(float(data["fetched_at"]), detail)

    def _prune(self, kept: str) -> None:
        tickets = sorted(
            (p for p in self.folder.glob("ticket-*.json") if p.name != kept),
            key=_mtime,
            reverse=True,
        )
        for old in tickets[MAX_TICKETS - 1 :]:
            with contextlib.suppress(OSError):
                old.unlink()

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def copies_for(workspace: Workspace) -> OfflineCopies:
    """The copies of the workspace's profile and server."""
    return OfflineCopies(workspace.profile_name, workspace.client.api_url)


def forget_profile(profile: str) -> None:
    """`logout`: this profile's copies and status counts go."""
    from cebox_support.tui.statusline import delete_cache

    shutil.rmtree(offline_dir(profile), ignore_errors=True)
    delete_cache(profile)
