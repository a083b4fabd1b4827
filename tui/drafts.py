"""Drafts: what the user typed, saved as they type, deleted only once the server confirmed.

Kept per profile, server and account in the state dir (0600: a draft may be as private
as the ticket; a reply typed for ticket 1 on one server is never offered on another).
A save that fails (disk full, read-only or missing folder) never raises: the text stays
on screen, the screen warns once (`take_warning`) and saves again later.

Writes in flight. Before a reply, a new ticket or a form's answers leave for the server,
`begin` puts an `InFlight` record on disk (fsync'd, with what is sent): "in flight since
T by the server's clock, to server S, content hash H". `finish` removes it once the
outcome is known. A record still there means the process died (kill -9, dropped SSH,
crash) or the server never answered: whoever comes next with that content (this console
restarted, another console, the same command run again) looks on the server before
sending, and says so. The look-up itself lives with each write (`tui/reply.py`,
`tui/submission.py`); this module only keeps the records.

    record = drafts.begin(key, digest, content, since=server_now, mark=highest_id)
    ... send ...
    drafts.finish(record)                  # the outcome is known (sent or not)
    drafts.forget_sent(key, sent_matches)  # the draft goes only if it is what was sent
    drafts.in_flight(key)                  # records left by a process that died
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cebox_support.tui.config import file_safe, state_dir
from cebox_support.tui.i18n import _

RETRY_SECONDS = 5.0
"""How soon a screen tries again after a failed draft save."""

IN_FLIGHT_FOLDER = "in-flight"


def maybe_sent_checking() -> str:
    """Said while an earlier send whose outcome nobody saw is looked up on the server."""
    return _("Maybe already sent — checking…")


def already_received() -> str:
    """Said when that earlier send is on the server: nothing is sent again."""
    return _("Already received by the server: it was not sent again.")


def content_digest(*parts: Any) -> str:
    """The hash of what a write sends: the same content gives the same hash in every
    process (a command run again, a console restarted)."""
    canonical = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def server_folder(server: str, account: str) -> str:
    """A folder name for one account on one server: readable host, exact hash."""
    host = urlsplit(server).netloc or server
    digest = hashlib.sha256(f"{server}\n{account}".encode()).hexdigest()[:12]
    return f"{file_safe(host)[:40]}-{digest}"


@dataclass
class InFlight:
    """A write that may have reached the server although no answer said so yet."""

    key: str
    """The draft it belongs to: "reply-12", "new-incident", a server form's key."""
    digest: str
    """`content_digest` of what was sent."""
    server: str
    account: str
    since: datetime | None
    """The server's clock when the send started (aware); None if it was never read."""
    mark: int | None = None
    """The highest id of the written kind seen before the send (follow-up, ticket)."""
    started: float = field(default_factory=time.time)
    """This machine's time, only to tell people how old the record is."""
    content: dict[str, Any] = field(default_factory=dict)
    """What was sent, to restore it as a draft if it never arrived."""
    progress: dict[str, Any] = field(default_factory=dict)
    """What the server already confirmed (e.g. the new ticket's id before its files)."""
    stored: bool = False
    """On disk; False when the disk refused it (kept in memory by this process only)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "digest": self.digest,
            "server": self.server,
            "account": self.account,
            "since": self.since.isoformat() if self.since else None,
            "mark": self.mark,
            "started": self.started,
            "content": self.content,
            "progress": self.progress,
        }

    @classmethod
    def from_json(cls, data: Any) -> InFlight | None:
        if not isinstance(data, dict):
            return None
        try:
            since = data.get("since")
            mark = data.get("mark")
            return cls(
                key=str(data["key"]),
                digest=str(data["digest"]),
                server=str(data.get("server") or ""),
                account=str(data.get("account") or ""),
                since=datetime.fromisoformat(since) if isinstance(since, str) else None,
                mark=mark if isinstance(mark, int) and not isinstance(mark, bool) else None,
                started=float(data.get("started") or 0.0),
                content=data["content"] if isinstance(data.get("content"), dict) else {},
                progress=data["progress"] if isinstance(data.get("progress"), dict) else {},
                stored=True,
            )
        except (KeyError, TypeError, ValueError):
            return None


class Drafts:
    def __init__(
        self,
        profile: str,
        root: Path | None = None,
        *,
        server: str | None = None,
        account: str | None = None,
    ) -> None:
        folder = (root or state_dir() / "drafts") / file_safe(profile)
        if server is not None:
            folder = folder / server_folder(server, account or "")
        self.folder = folder
        self.server = server or ""
        self.account = account or ""
        self.problem: str | None = None
        """Why the last save failed; None once a save worked."""
        self._warned = False
        self._unstored: dict[tuple[str, str], InFlight] = {}
        """Records the disk refused: this process still looks before sending again."""

    def path(self, key: str) -> Path:
        return self.folder / f"{file_safe(key)}.json"

    def save(self, key: str, content: dict[str, Any]) -> bool:
        """True when the draft is on disk. A unique temporary name and an atomic replace:
        two consoles on the same draft never read half a file or remove each other's."""
        data = {"saved": time.time(), "content": content}
        return self._write(self.path(key), data, durable=False)

    def _write(self, target: Path, data: dict[str, Any], *, durable: bool) -> bool:
        """`durable`: fsync'd, file and folder, so that it survives a power cut too."""
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
        tmp: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:  # mkstemp: 0600 from the start
                handle.write(raw)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(tmp, target)
            if durable:
                _sync_folder(target.parent)
        except OSError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            self.problem = exc.strerror or type(exc).__name__
            return False
        self.problem = None
        self._warned = False
        return True

    def take_warning(self) -> str | None:
        """The warning to show, once per run of failed saves."""
        if self.problem is None or self._warned:
            return None
        self._warned = True
        return _(
            "Your draft could not be saved ({reason}): it stays here on screen and saving "
            "will be retried. Do not quit before sending it."
        ).format(reason=self.problem)

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        content = data.get("content") if isinstance(data, dict) else None
        return content if isinstance(content, dict) else None

    def delete(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self.path(key).unlink()

    def forget_sent(self, key: str, was_sent: Callable[[dict[str, Any]], bool]) -> bool:
        """After a confirmed send: delete the draft only if it still holds what was sent.
        Another console on the same ticket may have saved other text since: it stays.
        True when the draft is gone (or there was none)."""
        content = self.load(key)
        if content is None:
            self.delete(key)
            return True
        if not was_sent(content):
            return False
        self.delete(key)
        return True

    def keys(self) -> list[str]:
        try:
            return sorted(p.stem for p in self.folder.glob("*.json"))
        except OSError:
            return []

    # -- writes in flight ---------------------------------------------------------------

    def _in_flight_path(self, key: str, digest: str) -> Path:
        return self.folder / IN_FLIGHT_FOLDER / f"{file_safe(key)}.{digest[:24]}.json"

    def begin(
        self,
        key: str,
        digest: str,
        content: dict[str, Any],
        *,
        since: datetime | None,
        mark: int | None = None,
    ) -> InFlight:
        """Put "this is leaving now" on disk, fsync'd, before the request is sent.

        Never raises: a disk that refuses it leaves the record in memory (`stored`
        False), so this process still looks before sending again, and the send goes on
        (refusing to send because the disk is full would lose more than it saves)."""
        record = InFlight(
            key=key,
            digest=digest,
            server=self.server,
            account=self.account,
            since=since,
            mark=mark,
            content=content,
        )
        self._store(record)
        return record

    def advance(self, record: InFlight, **progress: Any) -> None:
        """Record what the server confirmed so far (e.g. the ticket's id before its files)."""
        record.progress.update(progress)
        self._store(record)

    def _store(self, record: InFlight) -> None:
        path = self._in_flight_path(record.key, record.digest)
        record.stored = self._write(path, record.to_json(), durable=True)
        ident = (record.key, record.digest)
        if record.stored:
            self._unstored.pop(ident, None)
        else:
            self._unstored[ident] = record

    def finish(self, record: InFlight) -> None:
        """The outcome is known (on the server, or certainly not): no look needed any more."""
        self._unstored.pop((record.key, record.digest), None)
        with contextlib.suppress(OSError):
            self._in_flight_path(record.key, record.digest).unlink()

    def in_flight(self, key: str, digest: str | None = None) -> list[InFlight]:
        """Records of writes for `key` whose outcome nobody saw, oldest first; only
        those of this content with `digest`. A record for another server or account
        (a copied folder) is not this one's to check and is left alone."""
        found: dict[tuple[str, str], InFlight] = {
            ident: record
            for ident, record in self._unstored.items()
            if ident[0] == key and (digest is None or ident[1] == digest)
        }
        pattern = f"{file_safe(key)}.{digest[:24] if digest else '*'}.json"
        try:
            paths = list((self.folder / IN_FLIGHT_FOLDER).glob(pattern))
        except OSError:
            paths = []
        for path in paths:
            try:
                record = InFlight.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
            if record is None or record.key != key:
                continue
            if (record.server, record.account) != (self.server, self.account):
                continue
            if digest is not None and record.digest != digest:
                continue
            found.setdefault((record.key, record.digest), record)
        return sorted(found.values(), key=lambda r: r.started)


def _sync_folder(folder: Path) -> None:
    """A renamed file survives a crash only once its folder is synced (POSIX)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
