"""Approve or refuse the solution proposed on a ticket: the ticket screen's `a` and `x`.

Kept apart from the thread and the reply so that "what happens when I approve" is
one file: confirm, send, say what the server did, reload. A refusal reason the server
did not confirm is offered again on the next `x`.
"""

from __future__ import annotations

from cebox_support.screens.confirm import ConfirmScreen
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import TicketDetail
from cebox_support.tui.drafts import already_received, maybe_sent_checking
from cebox_support.tui.i18n import _
from cebox_support.tui.messages import ShowError, TicketChanged
from cebox_support.tui.session import Workspace
from cebox_support.tui.solution_answer import answer_solution
from cebox_support.widgets.reply_box import ReplyBox
from textual import work
from textual.screen import Screen


class SolutionAnswers(Screen[None]):
    """The approve/refuse flow, mixed into the ticket screen (which sets these)."""

    workspace: Workspace
    ticket_id: int
    detail: TicketDetail | None
    reply: ReplyBox
    answering: bool
    _refusal: str

    async def _fetch(self, *, announce: bool = False) -> None:
        raise NotImplementedError

    def action_approve(self) -> None:
        if self.answering or self.detail is None or self.detail.pending_solution is None:
            return
        self._approve()

    @work(group="ticket-answer", exit_on_error=False)
    async def _approve(self) -> None:
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(
                _("Approve the solution"),
                _("Approving the solution closes ticket #{id}. Approve it?").format(
                    id=self.ticket_id
                ),
                yes=_("Approve and close"),
            )
        )
        if not confirmed:
            return
        await self._answer(
            approve=True,
            done=_("Solution approved: the ticket is closed."),
            title=_("Approve the solution"),
        )

    def action_refuse(self) -> None:
        if self.answering or self.detail is None or self.detail.pending_solution is None:
            return
        self._refuse()

    @work(group="ticket-answer", exit_on_error=False)
    async def _refuse(self) -> None:
        from cebox_support.screens.refuse import RefuseScreen

        reason = await self.app.push_screen_wait(RefuseScreen(self.ticket_id, self._refusal))
        if not reason:
            return
        self._refusal = reason
        if await self._answer(
            approve=False,
            reason=reason,
            done=_("Solution refused: the ticket is back with the support team."),
            title=_("Refuse the solution"),
        ):
            self._refusal = ""

    async def _answer(self, *, approve: bool, reason: str = "", done: str, title: str) -> bool:
        """True once the server has the answer. After an unconfirmed one the ticket is
        reloaded; answering again first looks whether the earlier one arrived meanwhile
        (`answer_solution`), so it is never posted twice."""
        self.answering = True
        self.reply.set_answering(True)
        pending = self.detail.pending_solution if self.detail is not None else None
        try:
            if await answer_solution(
                self.workspace,
                self.ticket_id,
                approve=approve,
                reason=reason,
                solution_id=pending.id if pending is not None else None,
                checking=lambda: self.notify(maybe_sent_checking()),
            ):
                done = already_received()
        except GlpiError as error:
            self.post_message(ShowError(str(error), title))
            if getattr(error, "uncertain", False):
                await self._fetch()
            return False
        finally:
            self.answering = False
            self.reply.set_answering(False)
        self.notify(done)
        self.post_message(TicketChanged(self.ticket_id))
        await self._fetch()
        return True
