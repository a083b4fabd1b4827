"""What the console shows, as typed values: the boundary between GLPI's JSON and the screens."""

from __future__ import annotations

import string
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from cebox_support.tui.api.text import pasted_images
from cebox_support.tui.i18n import _
from pydantic import BaseModel, ConfigDict, Field


class TicketStatus(IntEnum):
    NEW = 1
    ASSIGNED = 2
    PLANNED = 3
    WAITING = 4
    SOLVED = 5
    CLOSED = 6

    @property
    def label(self) -> str:
        return {
            1: _("New"),
            2: _("Processing (assigned)"),
            3: _("Processing (planned)"),
            4: _("Pending"),
            5: _("Solved"),
            6: _("Closed"),
        }[self.value]

    @property
    def short_label(self) -> str:
        return {
            1: _("New"),
            2: _("Assigned"),
            3: _("Planned"),
            4: _("Pending"),
            5: _("Solved"),
            6: _("Closed"),
        }[self.value]


class TicketType(IntEnum):
    INCIDENT = 1
    REQUEST = 2

    @property
    def label(self) -> str:
        return _("Incident") if self is TicketType.INCIDENT else _("Request")


class Priority(IntEnum):
    VERY_LOW = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    VERY_HIGH = 5
    MAJOR = 6

    @property
    def label(self) -> str:
        return {
            1: _("Very low"),
            2: _("Low"),
            3: _("Medium"),
            4: _("High"),
            5: _("Very high"),
            6: _("Major"),
        }[self.value]


class SolutionStatus(IntEnum):
    NONE = 1
    WAITING = 2
    ACCEPTED = 3
    REFUSED = 4

    @property
    def label(self) -> str:
        return {
            1: _("Proposed"),
            2: _("Awaiting approval"),
            3: _("Accepted"),
            4: _("Refused"),
        }[self.value]


class ActorRole(IntEnum):
    REQUESTER = 1
    ASSIGNED = 2
    OBSERVER = 3

    @property
    def label(self) -> str:
        return {1: _("Requester"), 2: _("Technician"), 3: _("Observer")}[self.value]


class TicketFilter(StrEnum):
    """The dashboard's tabs."""

    OPEN = "open"
    APPROVAL = "approval"
    SOLVED = "solved"
    CLOSED = "closed"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            "open": _("Open"),
            "approval": _("Awaiting my approval"),
            "solved": _("Solved"),
            "closed": _("Closed"),
            "all": _("All"),
        }[self.value]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Me(_Model):
    id: int
    login: str
    name: str
    language: str = ""
    password_expired: bool = False


class PasswordPolicy(_Model):
    enabled: bool = False
    min_length: int = 8
    need_digit: bool = False
    need_lowercase: bool = False
    need_uppercase: bool = False
    need_symbol: bool = False

    def rules(self, password: str) -> list[tuple[str, bool]]:
        """Each rule of the policy with whether `password` meets it (empty when off)."""
        if not self.enabled:
            return []
        rules = [
            (
                _("At least {n} characters").format(n=self.min_length),
                len(password) >= self.min_length,
            )
        ]
        if self.need_digit:
            rules.append((_("A digit"), any(c.isdigit() for c in password)))
        if self.need_lowercase:
            rules.append((_("A lowercase letter"), any(c.islower() for c in password)))
        if self.need_uppercase:
            rules.append((_("An uppercase letter"), any(c.isupper() for c in password)))
        if self.need_symbol:
            rules.append(
                (
                    _("A symbol"),
                    any(c in string.punctuation or not c.isalnum() for c in password),
                )
            )
        return rules


GLPI_DEFAULT_DOCUMENT_MAX_SIZE_MB = 2
"""`document_max_size` on a fresh GLPI (10 and 11)."""


class ServerConfig(_Model):
    version: str = ""
    url_base: str = ""
    document_max_size_mb: float | None = None
    password_policy: PasswordPolicy = PasswordPolicy()

    @property
    def max_upload_bytes(self) -> int:
        """The largest file the server keeps. GLPI's setup asks at least 1 MB: a 0, a
        negative or a missing `document_max_size` is no limit GLPI has, so GLPI's own
        default (2 MB) stands, never "no limit"."""
        size = self.document_max_size_mb
        if size is None or not 0 < size <= 10**6:  # nan, inf and nonsense too
            size = GLPI_DEFAULT_DOCUMENT_MAX_SIZE_MB
        return int(size * 1024 * 1024)


class RefusedFile(_Model):
    """A file the server did not keep, and why (GLPI says so inside a 201, or as a 400)."""

    name: str
    reason: str
    """GLPI's own words, cleaned ("Filetype not allowed", "File is too big", …)."""
    kind: str = "other"
    """"type", "size" or "other": what the user can do about it differs."""

    @property
    def reason_text(self) -> str:
        """Why, for people: "type .log refused", "too big", or the server's words."""
        if self.kind == "type":
            extension = self.name.rsplit(".", 1)[-1] if "." in self.name else ""
            if extension:
                return _("type .{extension} refused").format(extension=extension)
            return _("file type refused")
        if self.kind == "size":
            return _("too big for the server")
        return self.reason or _("refused by the server")

    @property
    def compressible(self) -> bool:
        """Refused for its type: a .gz copy is accepted by a default GLPI."""
        return self.kind == "type"


class UploadOutcome(_Model):
    """What an upload left on the server: a 201 is no proof, so each file is named."""

    item_id: int | None = None
    """The follow-up (or document) created, when there is one."""
    kept: list[str] = Field(default_factory=list)
    refused: list[RefusedFile] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.refused


class TicketSummary(_Model):
    """One row of the ticket list."""

    id: int
    name: str
    status: TicketStatus
    type: TicketType | None = None
    priority: Priority | None = None
    category: str = ""
    date: datetime | None = None
    date_mod: datetime | None = None


class TicketPage(_Model):
    rows: list[TicketSummary]
    start: int
    total: int


class Actor(_Model):
    user_id: int
    name: str
    role: ActorRole


class Document(_Model):
    id: int
    filename: str
    mime: str = ""
    size: int | None = None
    date: datetime | None = None
    uploader_id: int | None = None


class Followup(_Model):
    id: int
    author_id: int | None
    author: str
    html: str
    text: str
    date: datetime | None
    is_private: bool = False


class Task(Followup):
    pass


class Solution(_Model):
    id: int
    author_id: int | None
    author: str
    html: str
    text: str
    date: datetime | None
    status: SolutionStatus


class Ticket(_Model):
    id: int
    name: str
    html: str
    text: str
    status: TicketStatus
    type: TicketType | None = None
    priority: Priority | None = None
    urgency: Priority | None = None
    category_id: int = 0
    category: str = ""
    date: datetime | None = None
    date_mod: datetime | None = None
    solvedate: datetime | None = None
    closedate: datetime | None = None
    recipient_id: int | None = None
    recipient: str = ""


class TimelineKind(StrEnum):
    DESCRIPTION = "description"
    FOLLOWUP = "followup"
    TASK = "task"
    SOLUTION = "solution"
    DOCUMENT = "document"


class TimelineItem(_Model):
    kind: TimelineKind
    id: int
    date: datetime | None
    author: str
    author_id: int | None
    text: str
    solution_status: SolutionStatus | None = None
    document: Document | None = None
    images: list[Document] = Field(default_factory=list)
    """Pictures pasted in the text, each a document listed on the ticket."""
    unlisted_images: list[int] = Field(default_factory=list)
    """Pictures pasted in the text whose document the ticket does not list (not offered)."""


class DocumentContent(_Model):
    """A document downloaded into memory (the viewer's picture), saved only on request."""

    name: str
    """The safe file name to save it under."""
    data: bytes


class TicketDetail(_Model):
    ticket: Ticket
    actors: list[Actor] = Field(default_factory=list)
    followups: list[Followup] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    solutions: list[Solution] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)

    def people(self, role: ActorRole) -> list[Actor]:
        return [a for a in self.actors if a.role is role]

    def is_requester(self, user_id: int) -> bool:
        return any(a.user_id == user_id for a in self.people(ActorRole.REQUESTER))

    @property
    def pending_solution(self) -> Solution | None:
        if self.ticket.status is not TicketStatus.SOLVED:
            return None
        waiting = [s for s in self.solutions if s.status is SolutionStatus.WAITING]
        return waiting[-1] if waiting else None

    def autoclose_date(self, delay_days: int) -> datetime | None:
        """When GLPI's closeticket task may close the ticket (on or after this date)."""
        if self.ticket.status is not TicketStatus.SOLVED or self.ticket.solvedate is None:
            return None
        try:
            return self.ticket.solvedate + timedelta(days=delay_days)
        except OverflowError:  # a solve date near year 9999: no countdown, no crash
            return None

    def _with_pictures(self, item: TimelineItem, html: str) -> TimelineItem:
        """`item` with the pictures pasted in its `html`: listed documents, other ids."""
        ids = pasted_images(html) if "docid" in html else []
        if not ids:
            return item
        listed = {d.id: d for d in self.documents}
        return item.model_copy(
            update={
                "images": [listed[i] for i in ids if i in listed],
                "unlisted_images": [i for i in ids if i not in listed],
            }
        )

    def timeline(self) -> list[TimelineItem]:
        """Description, public follow-ups and tasks, solutions and documents by date."""
        t = self.ticket
        items = [
            self._with_pictures(
                TimelineItem(
                    kind=TimelineKind.DESCRIPTION,
                    id=t.id,
                    date=t.date,
                    author=t.recipient,
                    author_id=t.recipient_id,
                    text=t.text,
                ),
                t.html,
            )
        ]
        for kind, entries in (
            (TimelineKind.FOLLOWUP, self.followups),
            (TimelineKind.TASK, self.tasks),
        ):
            items.extend(
                self._with_pictures(
                    TimelineItem(
                        kind=kind,
                        id=e.id,
                        date=e.date,
                        author=e.author,
                        author_id=e.author_id,
                        text=e.text,
                    ),
                    e.html,
                )
                for e in entries
                if not e.is_private
            )
        for s in self.solutions:
            items.append(
                self._with_pictures(
                    TimelineItem(
                        kind=TimelineKind.SOLUTION,
                        id=s.id,
                        date=s.date,
                        author=s.author,
                        author_id=s.author_id,
                        text=s.text,
                        solution_status=s.status,
                    ),
                    s.html,
                )
            )
        for d in self.documents:
            items.append(
                TimelineItem(
                    kind=TimelineKind.DOCUMENT,
                    id=d.id,
                    date=d.date,
                    author="",
                    author_id=d.uploader_id,
                    text=d.filename,
                    document=d,
                )
            )
        order = {k: i for i, k in enumerate(TimelineKind)}
        items.sort(
            key=lambda i: (i.date.timestamp() if i.date else float("-inf"), order[i.kind], i.id)
        )
        return items
