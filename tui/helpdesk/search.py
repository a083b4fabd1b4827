"""``GET /search/Ticket``: GLPI's search engine for the options a client needs, in SQL.

Everything is paged in SQLite (COUNT + LIMIT/OFFSET) so 100,000 tickets stay fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .base import ASSIGN, OBSERVER, REQUESTER, Actor, ApiError
from .clock import fmt
from .params import INT_MAX, php_intval
from .schema import ITEMTYPES
from .store import Store

_ASCII_INT = re.compile(r"-?\d+", re.ASCII)


@dataclass(frozen=True)
class Option:
    id: int
    uid: str
    kind: str  # text, int, date, status, user, category, followup, entity, group
    column: str = ""
    actor_type: int = 0


TICKET_OPTIONS: dict[int, Option] = {
    o.id: o
    for o in [
        Option(1, "Ticket.name", "text", "name"),
        Option(2, "Ticket.id", "int", "id"),
        Option(3, "Ticket.priority", "int", "priority"),
        Option(4, "Ticket._users_id_requester.Ticket_User.User.name", "user", actor_type=REQUESTER),
        Option(5, "Ticket._users_id_assign.Ticket_User.User.name", "user", actor_type=ASSIGN),
        Option(7, "Ticket.ITILCategory.completename", "category", "itilcategories_id"),
        Option(10, "Ticket.urgency", "int", "urgency"),
        Option(11, "Ticket.impact", "int", "impact"),
        Option(12, "Ticket.status", "status", "status"),
        Option(14, "Ticket.type", "int", "type"),
        Option(15, "Ticket.date", "date", "date"),
        Option(16, "Ticket.closedate", "date", "closedate"),
        Option(17, "Ticket.solvedate", "date", "solvedate"),
        Option(18, "Ticket.time_to_resolve", "date", "time_to_resolve"),
        Option(19, "Ticket.date_mod", "date", "date_mod"),
        Option(21, "Ticket.content", "text", "content"),
        Option(25, "Ticket.ITILFollowup.content", "followup"),
        Option(65, "Ticket._groups_id_observer.Group_Ticket.Group.completename", "group"),
        Option(66, "Ticket._users_id_observer.Ticket_User.User.name", "user", actor_type=OBSERVER),
        Option(80, "Ticket.Entity.completename", "entity", "entities_id"),
    ]
}

DEFAULT_TICKET_VIEW = [12, 19, 15, 3, 4, 5, 7]
SELF_SERVICE_FORBIDDEN_CRITERIA = {5, 25, 66}
STATUS_KEYWORDS = {
    "notold": (1, 2, 3, 4),
    "old": (5, 6),
    "process": (2, 3),
    "notclosed": (1, 2, 3, 4, 5),
    "solved": (5,),
    "closed": (6,),
    "new": (1,),
}


def generic_options(itemtype: str) -> dict[int, Option]:
    it = ITEMTYPES[itemtype]
    name_col = "completename" if "completename" in it.columns else "name"
    opts = {
        1: Option(1, f"{itemtype}.{name_col}", "text", name_col),
        2: Option(2, f"{itemtype}.id", "int", "id"),
    }
    if "date_mod" in it.columns:
        opts[19] = Option(19, f"{itemtype}.date_mod", "date", "date_mod")
    if "comment" in it.columns:
        opts[16] = Option(16, f"{itemtype}.comment", "text", "comment")
    return opts


def _doc(message: str) -> ApiError:
    return ApiError(400, "ERROR", message, doc=True)


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    return [value]


class Search:
    def __init__(
        self,
        store: Store,
        actor: Actor,
        itemtype: str,
        params: dict[str, Any],
        list_limit: int = 20,
    ):
        self.store = store
        self.actor = actor
        self.itemtype = itemtype
        self.params = params
        self.list_limit = list_limit
        self.options = TICKET_OPTIONS if itemtype == "Ticket" else generic_options(itemtype)
        self.table = ITEMTYPES[itemtype].table

    # ------------------------------------------------------------ criteria
    def _criteria(self) -> list[Any]:
        raw = self.params.get("criteria")
        if raw is None:
            if self.itemtype == "Ticket":
                return [{"field": "12", "searchtype": "equals", "value": "notold"}]
            return []
        return (
            [c for c in _flatten(raw) if isinstance(c, dict)]
            if isinstance(raw, dict | list)
            else []
        )

    def _check(self, criteria: list[Any]) -> None:
        """API::searchItems' validation, with its messages."""
        for crit in criteria:
            if "criteria" in crit:
                self._check([c for c in _flatten(crit["criteria"]) if isinstance(c, dict)])
                continue
            if "field" not in crit or "searchtype" not in crit or "value" not in crit:
                raise _doc("Malformed search criteria")
            field = str(crit["field"])
            if not _ASCII_INT.fullmatch(field) or php_intval(field) not in self.options:
                raise _doc("Bad field ID in search criteria")
            profile = self.actor.profile
            if (
                self.itemtype == "Ticket"
                and profile is not None
                and profile.interface == "helpdesk"
                and int(field) in SELF_SERVICE_FORBIDDEN_CRITERIA
            ):
                raise _doc("Forbidden field ID in search criteria")

    def _where(self, criteria: list[Any]) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for crit in criteria:
            if "criteria" in crit:
                sub, sub_params = self._where(
                    [c for c in _flatten(crit["criteria"]) if isinstance(c, dict)]
                )
            else:
                sub, sub_params = self._criterion(
                    self.options[int(crit["field"])], str(crit["searchtype"]), crit["value"]
                )
            link = str(crit.get("link") or "AND").upper().strip()
            if link not in ("AND", "OR", "AND NOT", "OR NOT"):
                link = "AND"
            if link.endswith("NOT"):
                sub = f"NOT ({sub})"
                link = link[:-4]
            if parts:
                parts.append(link)
            parts.append(f"({sub})")
            params += sub_params
        return (" ".join(parts) or "1=1"), params

    def _relative_date(self, value: str) -> str:
        now = self.store.clock.now()
        v = value.strip().upper()
        if v == "NOW":
            return fmt(now)
        m = re.fullmatch(r"(-?\d{1,9})(MINUTE|HOUR|DAY|WEEK|MONTH|YEAR)", v, re.ASCII)
        if m:
            n = int(m.group(1))
            unit = {
                "MINUTE": 60,
                "HOUR": 3600,
                "DAY": 86400,
                "WEEK": 604800,
                "MONTH": 2592000,
                "YEAR": 31536000,
            }[m.group(2)]
            try:
                return fmt(now + timedelta(seconds=n * unit))
            except OverflowError:  # past year 9999: compares as the text it was
                return value.strip()
        return value.strip()

    def _like(self, expr: str, value: Any) -> tuple[str, list[Any]]:
        v = "" if value is None else str(value)
        if v == "NULL":
            return f"({expr} IS NULL OR {expr} = '')", []
        if v == "":
            return "1=1", []
        starts = v.startswith("^")
        ends = v.endswith("$")
        core = v[1 if starts else 0 : len(v) - 1 if ends else len(v)]
        core = core.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = ("" if starts else "%") + core + ("" if ends else "%")
        return f"{expr} LIKE ? ESCAPE '\\'", [pattern]

    def _criterion(self, opt: Option, searchtype: str, value: Any) -> tuple[str, list[Any]]:
        st = searchtype.lower()
        if st == "notequals":  # GLPI 10.0.12 treats it as equals (facts sheet).
            st = "equals"
        t = self.table
        col = f"{t}.{opt.column}" if opt.column else ""
        sval = "" if value is None else str(value).strip()
        if opt.kind == "status":
            if st in ("equals", "contains"):
                if sval == "all" or sval == "":
                    return "1=1", []
                if sval in STATUS_KEYWORDS:
                    statuses = STATUS_KEYWORDS[sval]
                    return f"{col} IN ({','.join(str(s) for s in statuses)})", []
                return f"{col} = ?", [_int(sval)]
            return self._compare(col, st, _int(sval))
        if opt.kind == "int":
            if st == "contains":
                return self._like(f"CAST({col} AS TEXT)", sval)
            if st == "equals":
                return f"{col} = ?", [_int(sval)]
            return self._compare(col, st, _int(sval))
        if opt.kind == "text":
            if st == "equals":
                return f"{col} = ?", [sval]
            return self._like(col, sval)
        if opt.kind == "date":
            if st in ("lessthan", "morethan"):
                return self._compare(col, st, self._relative_date(sval))
            if st == "equals":
                return f"{col} LIKE ?", [self._relative_date(sval) + "%"]
            return self._like(col, sval)
        if opt.kind == "user":
            sub = (
                "SELECT tu.tickets_id FROM glpi_tickets_users tu JOIN glpi_users u ON u.id = tu.users_id"
                f" WHERE tu.type = {opt.actor_type}"
            )
            if st == "equals" or (st == "contains" and sval.isdigit()):
                uid = self.actor.user_id if sval in ("myself", "__myself__") else _int(sval)
                return f"{t}.id IN ({sub} AND tu.users_id = ?)", [uid]
            if st == "contains":
                like, params = self._like(
                    "(u.name || ' ' || COALESCE(u.realname,'') || ' ' || COALESCE(u.firstname,''))",
                    sval,
                )
                return f"{t}.id IN ({sub} AND {like})", params
            return "1=1", []
        if opt.kind == "category":
            if st == "equals":
                return f"{col} = ?", [_int(sval)]
            if st in ("under", "notunder"):
                ids = self._category_subtree(_int(sval))
                marks = ",".join("?" for _ in ids) or "NULL"
                op = "IN" if st == "under" else "NOT IN"
                return f"{col} {op} ({marks})", ids
            like, params = self._like("c.completename", sval)
            return f"{col} IN (SELECT c.id FROM glpi_itilcategories c WHERE {like})", params
        if opt.kind == "followup":
            like, params = self._like("f.content", sval)
            return (
                f"{t}.id IN (SELECT f.items_id FROM glpi_itilfollowups f WHERE f.itemtype = 'Ticket' AND {like})",
                params,
            )
        if opt.kind == "entity":
            return ("1=1", []) if sval in ("", "0") or "root" in sval.lower() else ("0=1", [])
        return "1=1", []

    def _compare(self, col: str, st: str, value: Any) -> tuple[str, list[Any]]:
        if st == "lessthan":
            return f"{col} < ?", [value]
        if st == "morethan":
            return f"{col} > ?", [value]
        return f"{col} = ?", [value]

    def _category_subtree(self, root: int) -> list[int]:
        ids = [root]
        frontier = [root]
        while frontier:
            marks = ",".join("?" for _ in frontier)
            children = [
                int(r["id"])
                for r in self.store.query(
                    f"SELECT id FROM glpi_itilcategories WHERE itilcategories_id IN ({marks})",
                    frontier,
                )
            ]
            frontier = [c for c in children if c not in ids]
            ids += frontier
        return ids

    # ---------------------------------------------------------------- run
    def _int_list(self, value: Any) -> list[int]:
        out = []
        for v in _flatten(value):
            s = str(v).strip()
            if _ASCII_INT.fullmatch(s):
                out.append(php_intval(s))
        return out

    def run(self) -> tuple[dict[str, Any], int, dict[str, str]]:
        if not self.store.can_view_type(self.actor, self.itemtype):
            raise ApiError(
                403, "ERROR_RIGHT_MISSING", "You don't have permission to perform this action."
            )
        criteria = self._criteria()
        if "criteria" in self.params:
            self._check(criteria)
        forcedisplay = (
            self._int_list(self.params["forcedisplay"]) if "forcedisplay" in self.params else []
        )
        rng = self.params.get("range")
        if rng is not None:
            m = re.fullmatch(r"([0-9]+)-([0-9]+)", str(rng))
            if not m:
                raise _doc("range must be in format : [start-end] with integers")
            start, end = php_intval(m.group(1)), php_intval(m.group(2))
        else:
            start, end = 0, self.list_limit - 1
        limit = min(max(end - start + 1, 0), INT_MAX)

        sort_ids = self._int_list(self.params["sort"]) if "sort" in self.params else []
        sort_ids = [s for s in sort_ids if s in self.options]
        default_sort = self.store.version.default_ticket_sort if self.itemtype == "Ticket" else 1
        if not sort_ids:
            sort_ids = [default_sort]
        orders = [
            str(o).upper()
            for o in _flatten(
                self.params.get("order", "DESC" if self.itemtype == "Ticket" else "ASC")
            )
        ]
        orders = [o if o in ("ASC", "DESC") else "ASC" for o in orders] or ["ASC"]

        view: list[int] = [2, 1] if self.itemtype == "Ticket" else [1]
        view += (
            forcedisplay
            if forcedisplay
            else (DEFAULT_TICKET_VIEW if self.itemtype == "Ticket" else [2])
        )
        for crit in self._flat_criteria(criteria):
            if str(crit.get("field", "")).isdigit():
                view.append(int(crit["field"]))
        view += sort_ids
        cols: list[int] = []
        for c in view:
            if c in self.options and c not in cols:
                cols.append(c)

        t = self.table
        where, params = self._where(criteria)
        scope, scope_params = self._scope()
        deleted = (
            f" AND {t}.is_deleted = 0" if "is_deleted" in ITEMTYPES[self.itemtype].columns else ""
        )
        full_where = f"({scope}){deleted} AND ({where})"
        all_params = scope_params + params
        with self.store.lock:
            total = self.store.counted(f"SELECT COUNT(*) FROM {t} WHERE {full_where}", all_params)
            if start > total:
                raise ApiError(
                    400,
                    "ERROR_RANGE_EXCEED_TOTAL",
                    f"Provided range exceed total count of data: {total}",
                    doc=True,
                )
            order_sql = ", ".join(
                f"{self._sort_expr(s)} {orders[i] if i < len(orders) else orders[-1]}"
                for i, s in enumerate(sort_ids)
            )
            rows = self.store.query(
                f"SELECT {t}.* FROM {t} WHERE {full_where} ORDER BY {order_sql}, {t}.id {orders[0]}"
                " LIMIT ? OFFSET ?",
                [*all_params, limit, start],
            )
        values = self._values(rows, cols)
        uid_cols = "uid_cols" in self.params
        result: dict[str, Any] = {
            "totalcount": total,
            "count": len(rows),
            "sort": sort_ids,
            "order": orders[: len(sort_ids)] if len(orders) >= len(sort_ids) else orders,
        }
        keyed: list[dict[str, Any]] = []
        for row_values in values:
            if uid_cols:
                keyed.append(
                    {self.options[c].uid: v for c, v in zip(cols, row_values, strict=True)}
                )
            else:
                keyed.append({str(c): v for c, v in zip(cols, row_values, strict=True)})
        if keyed:
            if "withindexes" in self.params:
                result["data"] = {str(r["id"]): k for r, k in zip(rows, keyed, strict=True)}
            else:
                result["data"] = keyed
        end_fixed = min(end, total - 1)
        result["content-range"] = f"{start}-{end_fixed}/{total}"
        headers = {"Accept-Range": f"{self.itemtype} 1000"}
        if total > 0:
            headers["Content-Range"] = result["content-range"]
        code = 200 if len(rows) >= total else 206
        return self.store.version.search_text(result), code, headers

    def _flat_criteria(self, criteria: list[Any]) -> list[dict[str, Any]]:
        out = []
        for c in criteria:
            if "criteria" in c:
                out += self._flat_criteria(
                    [x for x in _flatten(c["criteria"]) if isinstance(x, dict)]
                )
            else:
                out.append(c)
        return out

    def _scope(self) -> tuple[str, list[Any]]:
        if self.itemtype == "Ticket":
            return self.store.ticket_scope(self.actor, self.table)
        return self.store.collection_scope(self.actor, self.itemtype)

    def _sort_expr(self, opt_id: int) -> str:
        opt = self.options[opt_id]
        t = self.table
        if opt.kind == "user":
            return (
                "(SELECT MIN(u.name) FROM glpi_tickets_users tu JOIN glpi_users u ON u.id = tu.users_id"
                f" WHERE tu.tickets_id = {t}.id AND tu.type = {opt.actor_type})"
            )
        if opt.kind == "category":
            return f"(SELECT c.completename FROM glpi_itilcategories c WHERE c.id = {t}.itilcategories_id)"
        if opt.column:
            return f"{t}.{opt.column}"
        return f"{t}.id"

    def _values(self, rows: list[dict[str, Any]], cols: list[int]) -> list[list[Any]]:
        ids = [int(r["id"]) for r in rows]
        actors: dict[tuple[int, int], list[str]] = {}
        categories: dict[int, str] = {}
        if ids and self.itemtype == "Ticket":
            marks = ",".join("?" for _ in ids)
            for r in self.store.query(
                "SELECT tu.tickets_id, tu.type, u.name FROM glpi_tickets_users tu JOIN glpi_users u"
                f" ON u.id = tu.users_id WHERE tu.tickets_id IN ({marks}) ORDER BY tu.id",
                ids,
            ):
                actors.setdefault((int(r["tickets_id"]), int(r["type"])), []).append(r["name"])
            cat_ids = sorted(
                {int(r["itilcategories_id"]) for r in rows if r.get("itilcategories_id")}
            )
            if cat_ids:
                cmarks = ",".join("?" for _ in cat_ids)
                for r in self.store.query(
                    f"SELECT id, completename FROM glpi_itilcategories WHERE id IN ({cmarks})",
                    cat_ids,
                ):
                    categories[int(r["id"])] = r["completename"]
        out = []
        for row in rows:
            vals: list[Any] = []
            for c in cols:
                opt = self.options[c]
                vals.append(self._value(opt, row, actors, categories))
            out.append(vals)
        return out

    def _value(
        self,
        opt: Option,
        row: dict[str, Any],
        actors: dict[tuple[int, int], list[str]],
        categories: dict[int, str],
    ) -> Any:
        if opt.kind == "user":
            names = actors.get((int(row["id"]), opt.actor_type), [])
            if not names:
                return None
            return names[0] if len(names) == 1 else names
        if opt.kind == "category":
            return categories.get(int(row.get("itilcategories_id") or 0))
        if opt.kind == "entity":
            return "Root entity"
        if opt.kind in ("followup", "group"):
            return None
        return row.get(opt.column)


def _int(value: Any) -> int:
    text = str(value).strip()
    return php_intval(text) if _ASCII_INT.fullmatch(text) else 0
