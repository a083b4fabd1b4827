"""Who may see what: ticket actors, profile rights and the visibility scopes of lists."""

from __future__ import annotations

from typing import Any

from .base import OBSERVER, REQUESTER, Actor
from .users import UsersStore


class RightsStore(UsersStore):
    """GLPI's canView/can(READ) and Search::addDefaultWhere for the helpdesk's types."""

    def is_actor(self, ticket_id: int, user_id: int, kind: int) -> bool:
        return self._is_actor(ticket_id, user_id, kind)

    def _is_actor(self, ticket_id: int, user_id: int, kind: int) -> bool:
        return (
            self.scalar(
                "SELECT 1 FROM glpi_tickets_users WHERE tickets_id = ? AND users_id = ? AND type = ?",
                (ticket_id, user_id, kind),
            )
            is not None
        )

    def ticket_scope(self, actor: Actor, alias: str = "glpi_tickets") -> tuple[str, list[Any]]:
        """SQL restricting tickets to those the actor may see."""
        if actor.profile is not None and actor.profile.ticket_all:
            return "1=1", []
        uid = actor.user_id
        # Correlated, so a page can follow an index in the requested order and stop
        # early; the writer first, answered from the i_t_scope index without a lookup.
        return (
            f"({alias}.users_id_recipient = ? OR EXISTS (SELECT 1 FROM glpi_tickets_users tu"
            f" WHERE tu.tickets_id = {alias}.id AND tu.users_id = ?"
            f" AND tu.type IN ({REQUESTER}, {OBSERVER})))",
            [uid, uid],
        )

    def can_view_ticket(self, actor: Actor, ticket: dict[str, Any]) -> bool:
        if actor.profile is None:
            return False
        if actor.profile.ticket_all:
            return True
        if ticket["users_id_recipient"] == actor.user_id:
            return True
        return self._is_actor(ticket["id"], actor.user_id, REQUESTER) or self._is_actor(
            ticket["id"], actor.user_id, OBSERVER
        )

    def can_view_type(self, actor: Actor, itemtype: str) -> bool:
        """CommonDBTM::canView: the type-level read right."""
        if actor.profile is None:
            return False
        if itemtype in ("Ticket", "ITILFollowup", "ITILSolution", "TicketTask", "Ticket_User"):
            return True
        return actor.profile.central_read

    def can_read(self, actor: Actor, itemtype: str, row: dict[str, Any]) -> bool:
        """CommonDBTM::can(READ) on one item."""
        if not self.can_view_type(actor, itemtype) or actor.profile is None:
            return False
        if itemtype == "Ticket":
            return self.can_view_ticket(actor, row)
        if itemtype in ("ITILFollowup", "ITILSolution"):
            parent = self.query_one("SELECT * FROM glpi_tickets WHERE id = ?", (row["items_id"],))
            if (
                row["itemtype"] != "Ticket"
                or parent is None
                or not self.can_view_ticket(actor, parent)
            ):
                return False
            return itemtype == "ITILSolution" or not row["is_private"] or actor.profile.see_private
        if itemtype in ("TicketTask", "Ticket_User"):
            parent = self.query_one("SELECT * FROM glpi_tickets WHERE id = ?", (row["tickets_id"],))
            if parent is None or not self.can_view_ticket(actor, parent):
                return False
            return itemtype == "Ticket_User" or not row["is_private"] or actor.profile.see_private
        return True

    def collection_scope(self, actor: Actor, itemtype: str) -> tuple[str, list[Any]]:
        """Search::addDefaultWhere for top-level collections."""
        profile = actor.profile
        assert profile is not None
        if itemtype == "Ticket":
            return self.ticket_scope(actor)
        scope, params = self.ticket_scope(actor, "t")
        visible = f"(SELECT t.id FROM glpi_tickets t WHERE {scope})"
        if itemtype == "ITILFollowup":
            where = f"(itemtype = 'Ticket' AND items_id IN {visible})"
            if not profile.see_private:
                where += " AND is_private = 0"
            return where, params
        if itemtype == "ITILSolution":
            return f"(itemtype = 'Ticket' AND items_id IN {visible})", params
        if itemtype == "Ticket_User":
            return f"tickets_id IN {visible}", params
        if itemtype == "TicketTask":
            # GLPI 10.0.12 leaks public tasks of every ticket here (facts sheet).
            return ("1=1", []) if profile.see_private else ("is_private = 0", [])
        return "1=1", []

    def child_filter(self, actor: Actor, itemtype: str) -> tuple[str, list[Any]]:
        """Extra filter on children listed under a readable parent."""
        profile = actor.profile
        if (
            itemtype in ("ITILFollowup", "TicketTask")
            and profile is not None
            and not profile.see_private
        ):
            return "is_private = 0", []
        return "1=1", []
