"""Drafts while the user types: the one place for the reply box and the new-ticket form.

When and how a draft reaches the disk is decided here (``DraftKeeper``): a short pause
in typing writes it, a write that fails is warned about once and tried again, the last
keystrokes are written when the screen goes away, and a draft the server has confirmed
is deleted. What a form's draft holds besides the answers — how far sending went — is
``FormDraft`` below; a reply's is ``ReplyBox._draft_content`` (its text, files and the
start of an unconfirmed send). The store is ``tui.drafts.Drafts`` (``workspace.drafts``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cebox_support.tui.drafts import RETRY_SECONDS, Drafts
from textual.timer import Timer
from textual.widget import Widget

Content = dict[str, Any]


class DraftKeeper:
    """Keeps one draft (``key`` in ``drafts``) in step with what its owner shows.

    ``content`` reads what is to be kept now; ``worth_keeping`` says whether it holds
    anything (else the draft is deleted); ``host`` is the widget whose timers and
    toasts are used.
    """

    def __init__(
        self,
        host: Widget,
        drafts: Drafts,
        key: Callable[[], str],
        content: Callable[[], Content],
        worth_keeping: Callable[[Content], bool],
        *,
        delay: float,
    ) -> None:
        self.host = host
        self.drafts = drafts
        self.key = key
        self.content = content
        self.worth_keeping = worth_keeping
        self.delay = delay
        self._timer: Timer | None = None
        self._unsaved: Content | None = None
        """What was typed last and not yet on disk: written on unmount if need be."""
        self._owned = False
        """The draft on disk is this keeper's (loaded or written since the last discard):
        emptying the box deletes it. Once sent, it is not: what another console saves
        under the same key meanwhile stays."""

    def load(self) -> Content | None:
        content = self.drafts.load(self.key())
        self._owned = content is not None
        return content

    def changed(self) -> None:
        """Something was typed: written after a pause in typing."""
        self._stop()
        self._unsaved = self.content()
        self._timer = self.host.set_timer(self.delay, self.save)

    def save(self, content: Content | None = None, *, retry: bool = True) -> None:
        """Written now (or deleted when there is nothing worth keeping). A failed write
        leaves the text on screen: warned once, written again a little later."""
        self._stop()
        self._unsaved = None
        content = content or self.content()
        if not self.worth_keeping(content):
            if self._owned:
                self.drafts.delete(self.key())
                self._owned = False
            return
        self._owned = True
        if not self.drafts.save(self.key(), content) and retry:
            if (warning := self.drafts.take_warning()) is not None:
                self.host.notify(warning, severity="warning", markup=False, timeout=10)
            self._unsaved = content
            self._timer = self.host.set_timer(RETRY_SECONDS, self.save)

    def discard(self, was_sent: Callable[[Content], bool] | None = None) -> None:
        """The server has it: the draft goes — with `was_sent`, only if the draft on disk
        is still what was sent (another console on the same draft may have saved other
        text since: it stays)."""
        self._stop()
        self._unsaved = None
        self._owned = False
        if was_sent is None:
            self.drafts.delete(self.key())
        else:
            self.drafts.forget_sent(self.key(), was_sent)

    def flush(self) -> None:
        """The screen goes away (or the app quits): the last keystrokes are written."""
        self._stop()
        if self._unsaved is not None:
            self.save(self._unsaved, retry=False)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None


@dataclass
class FormDraft:
    """A new-ticket form's draft: the answers, and how far sending went — the ticket
    already created (only missing documents are sent again), the documents the server
    has, and the start of a send whose ticket may exist (looked for before sending)."""

    form: str
    answers: dict[str, Any] = field(default_factory=dict)
    fingerprint: str | None = None
    """The source's version of the questions (a changed form is said when restoring)."""
    ticket_id: int | None = None
    uploaded: set[str] = field(default_factory=set)
    maybe_created_since: datetime | None = None

    def content(self) -> Content:
        return {
            "form": self.form,
            "fingerprint": self.fingerprint,
            "answers": self.answers,
            "ticket_id": self.ticket_id,
            "uploaded": sorted(self.uploaded),
            "maybe_created_since": (
                self.maybe_created_since.isoformat() if self.maybe_created_since else None
            ),
        }

    @classmethod
    def read(cls, content: Content) -> FormDraft:
        """From disk, where anything may be: what does not fit is left out."""
        answers = content.get("answers")
        ticket_id = content.get("ticket_id")
        uploaded = content.get("uploaded")
        since = content.get("maybe_created_since")
        try:
            maybe_created_since = datetime.fromisoformat(since) if since else None
        except (TypeError, ValueError):
            maybe_created_since = None
        return cls(
            form=str(content.get("form") or ""),
            answers=answers if isinstance(answers, dict) else {},
            ticket_id=ticket_id if isinstance(ticket_id, int) else None,
            uploaded={str(p) for p in uploaded} if isinstance(uploaded, list) else set(),
            maybe_created_since=maybe_created_since,
        )


def form_draft_has_content(content: Content | None) -> bool:
    """Worth keeping: an answer typed, or a ticket already created."""
    if not content:
        return False
    answers = content.get("answers")
    filled = isinstance(answers, dict) and any(
        (v.strip() if isinstance(v, str) else v) for v in answers.values()
    )
    return bool(filled or content.get("ticket_id"))
