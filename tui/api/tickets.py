"""Tickets: the search engine (filters, text, sort, paging), one ticket with its
timeline, and creating one."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from cebox_support.tui.api import errors as E
from cebox_support.tui.api.base import ClientBase, as_enum, as_flag, understood
from cebox_support.tui.api.models import (
    Actor,
    ActorRole,
    Followup,
    Priority,
    Solution,
    SolutionStatus,
    Task,
    Ticket,
    TicketDetail,
    TicketFilter,
    TicketPage,
    TicketStatus,
    TicketSummary,
    TicketType,
)
from cebox_support.tui.api.text import clean_line
from cebox_support.tui.api.transport import as_id, as_int
from cebox_support.tui.i18n import _

SORT_FIELDS = {
    "id": 2,
    "name": 1,
    "status": 12,
    "type": 14,
    "priority": 3,
    "category": 7,
    "date": 15,
    "date_mod": 19,
}
LIST_DISPLAY = (1, 2, 3, 7, 12, 14, 15, 19)
MAX_TOTAL = 10**9
"""A search total beyond this is a lie; negative ones too."""


class TicketsArea(ClientBase):
    """search/Ticket, Ticket/N with its sub-items, POST Ticket."""

    def _criteria(self, filter: TicketFilter, text: str | None) -> list[dict[str, Any]]:
        status: Any = {
            TicketFilter.OPEN: "notold",
            TicketFilter.APPROVAL: TicketStatus.SOLVED.value,
            TicketFilter.SOLVED: TicketStatus.SOLVED.value,
            TicketFilter.CLOSED: TicketStatus.CLOSED.value,
            TicketFilter.ALL: "all",
        }[filter]
        base = [{"field": 12, "searchtype": "equals", "value": status}]
        if filter is TicketFilter.APPROVAL:
            base.append({"link": "AND", "field": 4, "searchtype": "equals", "value": self._my_id()})
        if not text or not text.strip():
            return base
        # (title ∋ x AND base) OR (description ∋ x AND base): correct in GLPI's flat SQL.
        text = text.strip()
        criteria: list[dict[str, Any]] = []
        searches: list[tuple[int, str, str]] = [(1, "contains", text), (21, "contains", text)]
        number = re.fullmatch(r"#?\s*(\d{1,9})", text)
        if number:  # "4" or "#4": ticket 4 as well as titles that contain "4"
            searches.append((2, "equals", str(int(number.group(1)))))
        for field, searchtype, value in searches:
            first: dict[str, Any] = {"field": field, "searchtype": searchtype, "value": value}
            if criteria:
                first["link"] = "OR"
            criteria.append(first)
            for c in base:
                criteria.append({**c, "link": "AND"})
        return criteria

    @staticmethod
    def _search_params(
        criteria: Sequence[Mapping[str, Any]],
        *,
        display: Iterable[int],
        sort: int,
        order: str,
        start: int,
        count: int,
    ) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = []
        for i, criterion in enumerate(criteria):
            for key, value in criterion.items():
                params.append((f"criteria[{i}][{key}]", str(value)))
        for i, field in enumerate(display):
            params.append((f"forcedisplay[{i}]", str(field)))
        params += [
            ("sort", str(sort)),
            ("order", order),
            ("range", f"{start}-{start + max(count, 1) - 1}"),
        ]
        return params

    @understood(lambda: _("searching tickets"))
    async def list_tickets(
        self,
        filter: TicketFilter = TicketFilter.ALL,
        *,
        start: int = 0,
        count: int = 50,
        text: str | None = None,
        sort: str = "date_mod",
        descending: bool = True,
    ) -> TicketPage:
        """One page of my tickets through GLPI's search engine (one request)."""
        params = self._search_params(
            self._criteria(filter, text),
            display=LIST_DISPLAY,
            sort=SORT_FIELDS.get(sort, 19),
            order="DESC" if descending else "ASC",
            start=start,
            count=count,
        )
        body = self._json(await self._request("GET", "search/Ticket", params=params))
        if not isinstance(body, dict):
            raise E.NotGlpi(_("Unexpected answer from the ticket search."))
        rows = [self._summary(row) for row in body.get("data") or []]
        return TicketPage(
            rows=[r for r in rows if r is not None],
            start=start,
            total=min(max(as_int(body.get("totalcount"), 0) or 0, 0), MAX_TOTAL),
        )

    async def count_tickets(self, filter: TicketFilter) -> int:
        return (await self.list_tickets(filter, count=1)).total

    async def count_all_filters(self) -> dict[TicketFilter, int]:
        filters = list(TicketFilter)
        totals = await asyncio.gather(*(self.count_tickets(f) for f in filters))
        return dict(zip(filters, totals, strict=True))

    def _summary(self, row: Mapping[str, Any]) -> TicketSummary | None:
        def get(field: int) -> Any:
            return row.get(str(field), row.get(field))  # type: ignore[call-overload]

        ticket_id = as_int(get(2))
        status = as_enum(TicketStatus, get(12))
        if ticket_id is None or status is None:
            return None
        return TicketSummary(
            id=ticket_id,
            name=self._search_line(get(1)),
            status=status,
            type=as_enum(TicketType, get(14)),
            priority=as_enum(Priority, get(3)),
            category=self._search_line(get(7) or ""),
            date=self.parse_date(get(15)),
            date_mod=self.parse_date(get(19)),
        )

    @understood(lambda: _("reading the ticket"))
    async def get_ticket(self, ticket_id: int) -> TicketDetail:
        """The ticket and all its parts, requested concurrently (one round trip)."""
        names = [("add_keys_names[]", "users_id")]
        ticket_params = [
            ("with_documents", "true"),
            ("add_keys_names[]", "itilcategories_id"),
            ("add_keys_names[]", "users_id_recipient"),
            ("get_hateoas", "false"),
        ]
        base = f"Ticket/{int(ticket_id)}"
        sub = [*names, ("get_hateoas", "false")]
        ticket_r, followups, tasks, solutions, actors = await asyncio.gather(
            self._request("GET", base, params=ticket_params),
            self._collect(f"{base}/ITILFollowup", sub),
            self._collect(f"{base}/TicketTask", sub),
            self._collect(f"{base}/ITILSolution", sub),
            self._collect(f"{base}/Ticket_User", sub),
        )
        raw = self._json(ticket_r)
        if not isinstance(raw, dict) or as_int(raw.get("id")) is None:
            raise E.NotGlpi(_("Unexpected answer for ticket {id}.").format(id=ticket_id))
        return TicketDetail(
            ticket=self._ticket(raw),
            actors=[a for a in (self._actor(r) for r in actors) if a is not None],
            followups=[
                Followup(**self._entry(r)) for r in followups if not as_flag(r.get("is_private"))
            ],
            tasks=[Task(**self._entry(r)) for r in tasks if not as_flag(r.get("is_private"))],
            solutions=[self._solution(r) for r in solutions],
            documents=[
                self._document(d) for d in raw.get("_documents") or [] if isinstance(d, dict)
            ],
        )

    @understood(lambda: _("reading the ticket"))
    async def get_ticket_head(self, ticket_id: int) -> Ticket:
        """The ticket alone, without its timeline (one request): "does it exist for me?"."""
        params = [("add_keys_names[]", "itilcategories_id"), ("get_hateoas", "false")]
        raw = self._json(await self._request("GET", f"Ticket/{int(ticket_id)}", params=params))
        if not isinstance(raw, dict) or as_int(raw.get("id")) is None:
            raise E.NotGlpi(_("Unexpected answer for ticket {id}.").format(id=ticket_id))
        return self._ticket(raw)

    def _names(self, raw: Mapping[str, Any]) -> Mapping[str, Any]:
        names = raw.get("_keys_names")
        return names if isinstance(names, dict) else {}

    def _ticket(self, raw: Mapping[str, Any]) -> Ticket:
        html, text = self._rich(raw.get("content"))
        names = self._names(raw)
        return Ticket(
            id=int(raw["id"]),
            name=self._line(raw.get("name")),
            html=html,
            text=text,
            status=as_enum(TicketStatus, raw.get("status"), TicketStatus.NEW),
            type=as_enum(TicketType, raw.get("type")),
            priority=as_enum(Priority, raw.get("priority")),
            urgency=as_enum(Priority, raw.get("urgency")),
            category_id=as_int(raw.get("itilcategories_id"), 0) or 0,
            category=self._search_line(names.get("itilcategories_id") or ""),
            date=self.parse_date(raw.get("date")),
            date_mod=self.parse_date(raw.get("date_mod")),
            solvedate=self.parse_date(raw.get("solvedate")),
            closedate=self.parse_date(raw.get("closedate")),
            recipient_id=as_int(raw.get("users_id_recipient")),
            recipient=self._line(names.get("users_id_recipient") or ""),
        )

    def _entry(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        html, text = self._rich(raw.get("content"))
        author_id = as_int(raw.get("users_id"))
        author = self._line(self._names(raw).get("users_id") or "")
        return {
            "id": as_int(raw.get("id"), 0),
            "author_id": author_id,
            "author": author,
            "html": html,
            "text": text,
            "date": self.parse_date(raw.get("date") or raw.get("date_creation")),
            "is_private": as_flag(raw.get("is_private", 0)),
        }

    def _solution(self, raw: Mapping[str, Any]) -> Solution:
        entry = self._entry(raw)
        entry.pop("is_private")
        return Solution(
            **entry, status=as_enum(SolutionStatus, raw.get("status"), SolutionStatus.WAITING)
        )

    def _actor(self, raw: Mapping[str, Any]) -> Actor | None:
        role = as_enum(ActorRole, raw.get("type"))
        user_id = as_int(raw.get("users_id"))
        if role is None or user_id is None:
            return None
        name = self._line(self._names(raw).get("users_id") or "") or f"#{user_id}"
        return Actor(user_id=user_id, name=name, role=role)

    @understood(lambda: _("creating the ticket"))
    async def create_ticket(
        self,
        *,
        name: str,
        content_html: str,
        ticket_type: int,
        category_id: int | None = None,
        urgency: int | None = None,
    ) -> int:
        """Create a ticket with me as requester (without it, GLPI never lets me approve)."""
        ticket_input: dict[str, Any] = {
            "name": name,
            "content": content_html,
            "type": int(ticket_type),
            "_users_id_requester": self._my_id(),
        }
        if category_id:
            ticket_input["itilcategories_id"] = int(category_id)
        if urgency:
            ticket_input["urgency"] = int(urgency)
        body = self._json(await self._request("POST", "Ticket", json_body={"input": ticket_input}))
        ticket_id = as_id(body.get("id")) if isinstance(body, dict) else None
        if ticket_id is None:
            raise E.NotGlpi(_("The server did not return the new ticket's number."))
        return ticket_id

    @understood(lambda: _("searching tickets"))
    async def find_ticket_by_name(self, name: str, *, since: datetime) -> int | None:
        """After an uncertain create: did the ticket get saved after all?"""
        criteria = [
            {"field": 1, "searchtype": "contains", "value": name[:100]},
            {
                "link": "AND",
                "field": 15,
                "searchtype": "morethan",
                "value": self.server_time(since),
            },
        ]
        params = self._search_params(
            criteria, display=(1, 2), sort=2, order="DESC", start=0, count=20
        )
        body = self._json(await self._request("GET", "search/Ticket", params=params))
        for row in body.get("data") or []:
            if self._search_line(row.get("1")) == clean_line(name):
                return as_int(row.get("2"))
        return None
