"""The Formcreator plugin (2.13.x) as a Self-Service customer sees it over the REST API.

Reproduces ``shared/docs/glpi-formcreator.md``, weaknesses included, so the console is
tested against what a real GLPI 10 + Formcreator answers: the plugin's item types are
ordinary REST item types, the API does not filter inactive or hidden forms, a form
answer creates its ticket through a target whose templates use ``##answer_N##`` tags,
the ticket is found through ``Item_Ticket``, and a refusal carries only the last
failing rule. Plugged into :class:`~tui.helpdesk.api.Api` by ``HelpdeskConfig.formcreator``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.responses import Response

from .calls import Call, JsonResponse
from .params import php_truthy
from .store import NO_PERMISSION, ApiError, Store
from .text import decode, encode, encode_deep

LIST_LIMIT = 20


@dataclass(frozen=True)
class PluginType:
    name: str
    table: str
    columns: tuple[str, ...]
    parent_fk: str | None = None
    readable: bool = True


def _t(name: str, table: str, columns: str, parent_fk: str | None = None) -> PluginType:
    return PluginType(name, table, tuple(columns.split()), parent_fk)


TYPES: dict[str, PluginType] = {
    t.name: t
    for t in [
        _t(
            "PluginFormcreatorCategory",
            "glpi_plugin_formcreator_categories",
            "id name comment completename plugin_formcreator_categories_id level",
        ),
        _t(
            "PluginFormcreatorForm",
            "glpi_plugin_formcreator_forms",
            "id name entities_id is_recursive icon icon_color background_color access_rights"
            " description content plugin_formcreator_categories_id is_active language"
            " helpdesk_home is_deleted validation_required usage_count is_default"
            " is_captcha_enabled show_rule formanswer_name is_visible uuid",
        ),
        _t(
            "PluginFormcreatorSection",
            "glpi_plugin_formcreator_sections",
            "id plugin_formcreator_forms_id name order show_rule uuid",
            "plugin_formcreator_forms_id",
        ),
        _t(
            "PluginFormcreatorQuestion",
            "glpi_plugin_formcreator_questions",
            "id plugin_formcreator_sections_id fieldtype name required show_empty"
            " default_values itemtype values description row col width show_rule uuid",
            "plugin_formcreator_sections_id",
        ),
        _t(
            "PluginFormcreatorQuestionRegex",
            "glpi_plugin_formcreator_questionregexes",
            "id plugin_formcreator_questions_id fieldname regex uuid",
            "plugin_formcreator_questions_id",
        ),
        _t(
            "PluginFormcreatorQuestionRange",
            "glpi_plugin_formcreator_questionranges",
            "id plugin_formcreator_questions_id fieldname range_min range_max uuid",
            "plugin_formcreator_questions_id",
        ),
        _t(
            "PluginFormcreatorCondition",
            "glpi_plugin_formcreator_conditions",
            "id itemtype items_id plugin_formcreator_questions_id show_condition show_value"
            " show_logic order uuid",
            # The sub-route lists the conditions that *test* a question (sheet's trap).
            "plugin_formcreator_questions_id",
        ),
        _t(
            "PluginFormcreatorFormAnswer",
            "glpi_plugin_formcreator_formanswers",
            "id name entities_id is_recursive plugin_formcreator_forms_id requester_id"
            " users_id_validator groups_id_validator request_date status comment",
        ),
        # Leaks every user's answers to searches and reads, like the real plugin.
        _t(
            "PluginFormcreatorAnswer",
            "glpi_plugin_formcreator_answers",
            "id plugin_formcreator_formanswers_id plugin_formcreator_questions_id answer",
            "plugin_formcreator_formanswers_id",
        ),
        _t(
            "PluginFormcreatorTargetTicket",
            "glpi_plugin_formcreator_targettickets",
            "id name plugin_formcreator_forms_id target_name content type_rule"
            " type_question itilcategories_id",
            "plugin_formcreator_forms_id",
        ),
        # Who may see a restricted form (access_rights 2); the REST API refuses it (403).
        _t(
            "PluginFormcreatorForm_Profile",
            "glpi_plugin_formcreator_forms_profiles",
            "id plugin_formcreator_forms_id profiles_id uuid",
            "plugin_formcreator_forms_id",
        ),
        _t(
            "Item_Ticket",
            "glpi_plugin_formcreator_items_tickets",
            "id itemtype items_id tickets_id",
        ),
    ]
}
FORBIDDEN = {
    "PluginFormcreatorForm_Profile",
    "PluginFormcreatorForm_User",
    "PluginFormcreatorForm_Group",
    "PluginFormcreatorTargetTicket",
}
TEXT_TYPES = ("text", "textarea")
REQUESTTYPE_NAME = "Formcreator"


def _sql_columns(t: PluginType) -> str:
    cols = []
    for c in t.columns:
        if c == "id":
            cols.append("id INTEGER PRIMARY KEY AUTOINCREMENT")
        else:
            cols.append(f'"{c}"')
    return ", ".join(cols)


def php_regex(pattern: str) -> re.Pattern[str] | None:
    """Compile a PHP ``/…/flags`` pattern for the emulator's own checks (None when empty
    or not understood: the real server would then reject nothing either)."""
    if not pattern or len(pattern) < 2:
        return None
    delim = pattern[0]
    end = pattern.rfind(delim)
    if end <= 0:
        return None
    body, flags = pattern[1:end], pattern[end + 1 :]
    # Unicode letters (Latin ranges are enough for the seeded forms), valid in a class too.
    body = body.replace(r"\p{L}", "a-zA-Z\u00c0-\u024f").replace(r"\p{N}", r"0-9")
    py_flags = 0
    if "i" in flags:
        py_flags |= re.IGNORECASE
    if "m" in flags:
        py_flags |= re.MULTILINE
    if "s" in flags:
        py_flags |= re.DOTALL
    if "x" in flags:
        py_flags |= re.VERBOSE
    try:
        return re.compile(body, py_flags)
    except re.error:
        return None


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


class Formcreator:
    """The plugin's tables in the helpdesk's database and its REST surface."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.install()

    # ------------------------------------------------------------------ schema
    def install(self) -> None:
        for t in TYPES.values():
            self.store.execute(f"CREATE TABLE IF NOT EXISTS {t.table} ({_sql_columns(t)})")
        if not self.store.scalar(
            "SELECT id FROM glpi_requesttypes WHERE name = ?", (REQUESTTYPE_NAME,)
        ):
            now = self.store.clock.now_str()
            self.store.insert(
                "glpi_requesttypes",
                {"name": REQUESTTYPE_NAME, "date_mod": now, "date_creation": now},
            )

    def add(self, itemtype: str, values: dict[str, Any]) -> int:
        t = TYPES[itemtype]
        row = {c: values.get(c, "" if c not in ("id",) else None) for c in t.columns if c != "id"}
        for key, value in values.items():
            if key not in t.columns:
                raise KeyError(f"{itemtype} has no column {key}")
            if key == "id":
                row["id"] = value
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _ in row)
        cur = self.store.execute(
            f"INSERT INTO {t.table} ({cols}) VALUES ({marks})", list(row.values())
        )
        return int(cur.lastrowid or 0)

    def rows(
        self, itemtype: str, where: str = "1 = 1", params: tuple[Any, ...] = ()
    ) -> list[dict[str, Any]]:
        t = TYPES[itemtype]
        return self.store.query(f"SELECT * FROM {t.table} WHERE {where} ORDER BY id", params)

    # ------------------------------------------------------------------- REST
    @staticmethod
    def handles(resource: str) -> bool:
        return resource.startswith("PluginFormcreator") or resource == "Item_Ticket"

    def handle(self, call: Call) -> Response:
        elements = [e for e in call.elements if e != ""]
        name = elements[0]
        if name in FORBIDDEN or (len(elements) >= 3 and elements[2] in FORBIDDEN):
            raise ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)
        if name not in TYPES or (len(elements) >= 3 and elements[2] not in TYPES):
            raise ApiError(
                400,
                "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                "resource not found or not an instance of CommonDBTM",
                doc=True,
            )
        if call.verb == "POST" and name == "PluginFormcreatorFormAnswer" and len(elements) == 1:
            return self._submit(call)
        if call.verb != "GET":
            raise ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)
        item_id = self._int(elements[1]) if len(elements) >= 2 else None
        if len(elements) >= 3:
            child = TYPES[elements[2]]
            if item_id is None:
                raise ApiError(400, "ERROR_RESOURCE_MISSING", "missing resource", doc=True)
            self._get_row(call, name, item_id)
            params: tuple[Any, ...]
            if child.name == "Item_Ticket":
                where, params = "itemtype = ? AND items_id = ?", (name, item_id)
            elif child.parent_fk is not None:
                where, params = f'"{child.parent_fk}" = ?', (item_id,)
            else:
                where, params = "0 = 1", ()
            return self._list(call, child, where, params, JsonResponse)
        if item_id is not None and item_id > 0:
            row = self._get_row(call, name, item_id)
            return JsonResponse(self._out(call, row))
        return self._list(call, TYPES[name], "1 = 1", (), JsonResponse)

    @staticmethod
    def _int(raw: str) -> int | None:
        try:
            return int(float(raw))
        except ValueError:
            return None

    def _get_row(self, call: Call, itemtype: str, item_id: int) -> dict[str, Any]:
        rows = self.rows(itemtype, "id = ?", (item_id,))
        if not rows:
            raise ApiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
        row = rows[0]
        actor = call.actor
        if (
            itemtype == "PluginFormcreatorFormAnswer"
            and actor is not None
            and int(row["requester_id"] or 0) != actor.user_id
            and not actor.is_admin
        ):
            raise ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)
        return row

    def _out(self, call: Call, row: dict[str, Any]) -> dict[str, Any]:
        out = encode_deep(dict(row))
        if not call.sanitized:
            out = {k: decode(v) if isinstance(v, str) else v for k, v in out.items()}
        return dict(out)

    def _list(
        self, call: Call, t: PluginType, where: str, params: tuple[Any, ...], response: Any
    ) -> Response:
        p = call.params
        rows = self.store.query(f"SELECT * FROM {t.table} WHERE {where} ORDER BY id", params)
        actor = call.actor
        if t.name == "PluginFormcreatorFormAnswer" and actor is not None and not actor.is_admin:
            rows = [r for r in rows if int(r["requester_id"] or 0) == actor.user_id]
        if t.name == "Item_Ticket" and actor is not None and not actor.is_admin:
            mine = {
                int(r["id"])
                for r in self.rows(
                    "PluginFormcreatorFormAnswer", "requester_id = ?", (actor.user_id,)
                )
            }
            rows = [
                r
                for r in rows
                if r["itemtype"] == "PluginFormcreatorFormAnswer" and int(r["items_id"]) in mine
            ]
        search = p.get("searchText")
        if isinstance(search, dict):
            for col, val in search.items():
                if col in t.columns and str(val) != "":
                    rows = [r for r in rows if _search_match(str(r.get(col) or ""), str(val))]
        rng = str(p.get("range", f"0-{LIST_LIMIT - 1}"))
        m = re.fullmatch(r"([0-9]+)-([0-9]+)", rng)
        if not m:
            raise ApiError(
                400, "ERROR", "range must be in format : [start-end] with integers", doc=True
            )
        start, end = int(m.group(1)), int(m.group(2))
        total = len(rows)
        if start > total:
            raise ApiError(
                400,
                "ERROR_RANGE_EXCEED_TOTAL",
                f"Provided range exceed total count of data: {total}",
                doc=True,
            )
        page = rows[start : end + 1]
        h_end = min(end if "range" in p else LIST_LIMIT, total - 1)
        code = 206 if h_end - start + 1 < total else 200
        headers = {"Accept-Range": f"{t.name} 1000"}
        if total > 0:
            headers["Content-Range"] = f"{start}-{h_end}/{total}"
        return response([self._out(call, r) for r in page], status_code=code, headers=headers)

    # ----------------------------------------------------------------- submit
    def questions(self, form_id: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(section, question) pairs of a form in display order."""
        out = []
        sections = self.store.query(
            'SELECT * FROM glpi_plugin_formcreator_sections WHERE plugin_formcreator_forms_id = ? ORDER BY "order", id',
            (form_id,),
        )
        for section in sections:
            for q in self.store.query(
                "SELECT * FROM glpi_plugin_formcreator_questions"
                ' WHERE plugin_formcreator_sections_id = ? ORDER BY "row", "col", id',
                (section["id"],),
            ):
                out.append((section, q))
        return out

    def _submit(self, call: Call) -> Response:
        inp = call.params.get("input")
        if not isinstance(inp, dict):
            raise ApiError(
                400, "ERROR_BAD_ARRAY", "input parameter must be an array of objects", doc=True
            )
        form_id = self._int(str(inp.get("plugin_formcreator_forms_id") or 0)) or 0
        forms = self.rows("PluginFormcreatorForm", "id = ?", (form_id,))
        if not forms:
            # What the plugin answers for a form that does not exist.
            return JsonResponse(None, status_code=200)
        form = forms[0]
        # No access check here: inactive or restricted forms still create a ticket.
        # A file sent in the same multipart request is dropped silently (call.files).
        pairs = self.questions(form_id)
        answers: dict[int, Any] = {}
        for _section, q in pairs:
            key = f"formcreator_field_{q['id']}"
            if key in inp:
                answers[int(q["id"])] = inp[key]
            elif q["fieldtype"] in TEXT_TYPES:
                raise ApiError(400, "ERROR_GLPI_ADD", "")
        visible = self._visibility(pairs, answers)
        last_error: str | None = None
        for _section, q in pairs:
            qid = int(q["id"])
            if not visible.get(qid, True):
                continue
            problem = self._check(q, answers.get(qid))
            if problem is not None:
                last_error = problem
        if last_error is not None:
            raise ApiError(400, "ERROR_GLPI_ADD", last_error)
        actor = call.actor
        assert actor is not None
        now = self.store.clock.now_str()
        answer_id = self.add(
            "PluginFormcreatorFormAnswer",
            {
                "name": form["name"],
                "entities_id": 0,
                "is_recursive": 0,
                "plugin_formcreator_forms_id": form_id,
                "requester_id": actor.user_id,
                "users_id_validator": 0,
                "groups_id_validator": 0,
                "request_date": now,
                "status": 103,
                "comment": "",
            },
        )
        texts: dict[int, str] = {}
        for _section, q in pairs:
            qid = int(q["id"])
            text = self._answer_text(q, answers.get(qid)) if visible.get(qid, True) else ""
            texts[qid] = text
            if q["fieldtype"] != "description":
                raw = answers.get(qid, "")
                self.add(
                    "PluginFormcreatorAnswer",
                    {
                        "plugin_formcreator_formanswers_id": answer_id,
                        "plugin_formcreator_questions_id": qid,
                        "answer": raw if isinstance(raw, str) else json.dumps(raw),
                    },
                )
        for target in self.rows(
            "PluginFormcreatorTargetTicket", "plugin_formcreator_forms_id = ?", (form_id,)
        ):
            self._create_ticket(
                actor.user_id, form, target, pairs, texts, visible, answers, answer_id
            )
        return JsonResponse(
            {"id": answer_id, "message": f"Item successfully added: {form['name']}"},
            status_code=201,
            headers={"location": f"{call.api_url}/PluginFormcreatorFormAnswer/{answer_id}"},
        )

    def _create_ticket(
        self,
        user_id: int,
        form: dict[str, Any],
        target: dict[str, Any],
        pairs: list[tuple[dict[str, Any], dict[str, Any]]],
        texts: dict[int, str],
        visible: dict[int, bool],
        answers: dict[int, Any],
        answer_id: int,
    ) -> None:
        used: set[int] = set()
        by_id = {int(q["id"]): q for _s, q in pairs}

        def fill(template: str, *, html: bool) -> str:
            def one(m: re.Match[str]) -> str:
                qid = int(m.group(1))
                used.add(qid)
                return _render(by_id[qid], texts.get(qid, ""), html=html)

            out = re.sub(r"##answer_(\d+)##", one, template)
            if "##FULLFORM##" in out:
                lines = []
                section_name = None
                for section, q in pairs:
                    qid = int(q["id"])
                    if not visible.get(qid, True) or q["fieldtype"] == "description":
                        continue
                    used.add(qid)
                    if section["name"] != section_name:
                        section_name = section["name"]
                        lines.append(f"<h2>{encode(str(section_name))}</h2>")
                    value = _render(q, texts.get(qid, ""), html=True)
                    lines.append(f"<p><b>{encode(str(q['name']))} : </b>{value}</p>")
                out = out.replace("##FULLFORM##", "".join(lines))
            return out

        name = fill(str(target["target_name"] or form["name"]), html=False).strip() or form["name"]
        content = fill(str(target["content"] or "##FULLFORM##"), html=True)
        ticket_type = int(target["type_rule"] or 1)
        requesttype = self.store.scalar(
            "SELECT id FROM glpi_requesttypes WHERE name = ?", (REQUESTTYPE_NAME,)
        )
        tid = self.store.create_ticket(
            name=name[:255],
            content=content,
            requester_id=user_id,
            type=ticket_type,
            category_id=int(target["itilcategories_id"] or 0),
        )
        if requesttype:
            self.store.update_row("glpi_tickets", tid, {"requesttypes_id": int(requesttype)})
        self.add(
            "Item_Ticket",
            {"itemtype": "PluginFormcreatorFormAnswer", "items_id": answer_id, "tickets_id": tid},
        )
        # A file answer reaches the ticket only when the target puts it in the ticket.
        for _section, q in pairs:
            qid = int(q["id"])
            if q["fieldtype"] != "file" or qid not in used or not visible.get(qid, True):
                continue
            for doc_id in _doc_ids(answers.get(qid)):
                if not self.store.scalar("SELECT id FROM glpi_documents WHERE id = ?", (doc_id,)):
                    continue
                now = self.store.clock.now_str()
                self.store.insert(
                    "glpi_documents_items",
                    {
                        "documents_id": doc_id,
                        "items_id": tid,
                        "itemtype": "Ticket",
                        "date_mod": now,
                        "users_id": user_id,
                        "date_creation": now,
                        "date": now,
                    },
                )

    # ------------------------------------------------------------ conditions
    def conditions(self, itemtype: str, items_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            'SELECT * FROM glpi_plugin_formcreator_conditions WHERE itemtype = ? AND items_id = ? ORDER BY "order", id',
            (itemtype, items_id),
        )

    def _visibility(
        self, pairs: list[tuple[dict[str, Any], dict[str, Any]]], answers: dict[int, Any]
    ) -> dict[int, bool]:
        """Which questions are shown, given the answers (sections' rules included)."""
        visible: dict[int, bool] = {}
        by_id = {int(q["id"]): q for _s, q in pairs}
        section_seen: dict[int, bool] = {}

        def shown(itemtype: str, row: dict[str, Any], depth: int = 0) -> bool:
            rule = int(row["show_rule"] or 1)
            if rule == 1 or depth > 20:
                return True
            result: bool | None = None
            for cond in self.conditions(itemtype, int(row["id"])):
                tested_id = int(cond["plugin_formcreator_questions_id"])
                tested = by_id.get(tested_id)
                tested_visible = tested is not None and shown(
                    "PluginFormcreatorQuestion", tested, depth + 1
                )
                value = _condition_holds(
                    int(cond["show_condition"]),
                    str(cond["show_value"] or ""),
                    answers.get(tested_id) if tested_visible else None,
                    tested_visible,
                )
                if result is None:
                    result = value
                elif int(cond["show_logic"] or 1) == 2:
                    result = result or value
                else:
                    result = result and value
            holds = bool(result)
            return holds if rule == 2 else not holds

        for section, q in pairs:
            sid = int(section["id"])
            if sid not in section_seen:
                section_seen[sid] = shown("PluginFormcreatorSection", section)
            visible[int(q["id"])] = section_seen[sid] and shown("PluginFormcreatorQuestion", q)
        return visible

    # ------------------------------------------------------------- validation
    def _ranges(self, qid: int) -> tuple[str, str]:
        rows = self.rows(
            "PluginFormcreatorQuestionRange", "plugin_formcreator_questions_id = ?", (qid,)
        )
        if not rows:
            return "", ""
        return str(rows[0]["range_min"] or ""), str(rows[0]["range_max"] or "")

    def _regex(self, qid: int) -> str:
        rows = self.rows(
            "PluginFormcreatorQuestionRegex", "plugin_formcreator_questions_id = ?", (qid,)
        )
        return str(rows[0]["regex"] or "") if rows else ""

    def _check(self, q: dict[str, Any], raw: Any) -> str | None:
        """The plugin's message for the first rule this answer breaks, else None."""
        label = str(q["name"])
        kind = str(q["fieldtype"])
        qid = int(q["id"])
        required = php_truthy(q["required"])
        if kind in ("description", "hidden"):
            return None
        if kind in ("checkboxes", "multiselect"):
            items = _as_list(raw)
            if required and not items:
                return f"A required field is empty: {label}"
            allowed = _values(q)
            for item in items:
                if item not in allowed:
                    return f"This value {item} is not allowed: {label}"
            low, high = self._ranges(qid)
            if low and items and len(items) < int(float(low)):
                return f"The following question needs at least {low} answers: {label}"
            if high and len(items) > int(float(high)):
                return f"The following question does not accept more than {high} answers: {label}"
            return None
        if kind == "file":
            ids = _doc_ids(raw)
            if required and not ids:
                return f"A required file is missing: {label}"
            return None
        value = "" if raw is None else (raw if isinstance(raw, str) else str(raw))
        if value.strip() == "":
            return f"A required field is empty: {label}" if required else None
        if kind in ("select", "radios"):
            if value not in _values(q):
                return f"This value {value} is not allowed: {label}"
            return None
        if kind == "integer":
            if not re.fullmatch(r"-?[0-9]+", value.strip()):
                return f"This is not an integer: {label}"
            return self._number_range(qid, float(value), label) or self._regex_check(
                qid, value, label
            )
        if kind == "float":
            number = _number(value.strip())
            if number is None:
                return f"This is not a number: {label}"
            return self._number_range(qid, number, label) or self._regex_check(qid, value, label)
        if kind == "email":
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
                return f"This is not a valid e-mail: {label}"
            return None
        if kind in ("date", "datetime", "time"):
            fmt = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M:%S", "time": "%H:%M:%S"}[kind]
            alt = {"datetime": "%Y-%m-%d %H:%M", "time": "%H:%M"}.get(kind)
            for f in (fmt, alt):
                if f is None:
                    continue
                try:
                    datetime.strptime(value.strip(), f)
                    return None
                except ValueError:
                    continue
            return f"Invalid value: {label}"
        if kind in TEXT_TYPES:
            low, high = self._ranges(qid)
            length = len(value)
            if low and length < int(float(low)):
                return f"The text is too short (minimum {low} characters): {label}"
            if high and length > int(float(high)):
                return f"The text is too long (maximum {high} characters): {label}"
            return self._regex_check(qid, value, label)
        return None

    def _number_range(self, qid: int, number: float, label: str) -> str | None:
        low, high = self._ranges(qid)
        if low and number < float(low):
            return f"The following number must be greater than {low}: {label}"
        if high and number > float(high):
            return f"The following number must be lower than {high}: {label}"
        return None

    def _regex_check(self, qid: int, value: str, label: str) -> str | None:
        compiled = php_regex(self._regex(qid))
        if compiled is not None and not compiled.search(value):
            return f"Specific format does not match: {label}"
        return None

    def _answer_text(self, q: dict[str, Any], raw: Any) -> str:
        kind = str(q["fieldtype"])
        if kind in ("checkboxes", "multiselect"):
            return ", ".join(_as_list(raw))
        if kind == "file":
            names = []
            for doc_id in _doc_ids(raw):
                name = self.store.scalar(
                    "SELECT filename FROM glpi_documents WHERE id = ?", (doc_id,)
                )
                if name:
                    names.append(str(name))
            return ", ".join(names)
        if raw is None:
            return ""
        return raw if isinstance(raw, str) else str(raw)


def _render(q: dict[str, Any], value: str, *, html: bool) -> str:
    """An answer in a target template: a textarea answer is HTML already."""
    if q["fieldtype"] == "textarea":
        return value if html else re.sub(r"<[^>]*>", " ", value).strip()
    return encode(value).replace("\n", "<br />") if html else value


ACCESS_RESTRICTED = 2
_WIZARD = "/plugins/formcreator/ajax/homepage_wizard.php"


class FormcreatorWeb:
    """The portal's own form list: ``front/formlist.php`` (its page carries the CSRF
    token) and ``ajax/homepage_wizard.php`` (POST ``wizard=forms``, JSON
    ``{"default": false, "forms": [{"id", "name", …}]}``), with the profile
    restrictions the REST API does not apply."""

    def __init__(self, plugin: Formcreator, web: Any) -> None:
        self.plugin = plugin
        self.web = web

    def routes(self) -> list[Any]:
        from starlette.routing import Route

        return [
            Route("/plugins/formcreator/front/formlist.php", self.formlist, methods=["GET"]),
            Route(_WIZARD, self.wizard, methods=["POST"]),
        ]

    def _user_session(self, request: Any) -> Any:
        session = self.web._session(request)
        if session is None or session.users_id is None or session.password_expired:
            return None
        return session

    async def formlist(self, request: Any) -> Response:
        from starlette.responses import HTMLResponse, RedirectResponse

        session = self._user_session(request)
        if session is None:
            return RedirectResponse("/index.php?noAUTO=1", status_code=302)
        token = self.web.new_csrf(session)
        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Forms - GLPI</title>'
            f'<meta property="glpi:csrf_token" content="{token}"></head>\n'
            '<body><div id="plugin_formcreator_wizard"></div></body></html>\n'
        )
        return HTMLResponse(page)

    async def wizard(self, request: Any) -> Response:
        from starlette.responses import HTMLResponse

        session = self._user_session(request)
        token = request.headers.get("x-glpi-csrf-token")
        tokens = session.data.get("csrf", {}) if session is not None else {}
        if session is None or not isinstance(token, str) or token not in tokens:
            # GLPI answers a failed ajax CSRF check with a 403 page.
            return HTMLResponse("<p>The action you have requested is not allowed.</p>", 403)
        form = await request.form()
        if form.get("wizard") != "forms":
            return HTMLResponse("", 200)
        allowed = []
        for row in self.plugin.rows(
            "PluginFormcreatorForm", "is_active = 1 AND is_visible = 1 AND is_deleted = 0"
        ):
            if int(row["access_rights"] or 0) == ACCESS_RESTRICTED:
                profiles = {
                    int(r["profiles_id"])
                    for r in self.plugin.rows(
                        "PluginFormcreatorForm_Profile",
                        "plugin_formcreator_forms_id = ?",
                        (row["id"],),
                    )
                }
                if int(session.profiles_id or 0) not in profiles:
                    continue
            allowed.append(
                {
                    "id": int(row["id"]),
                    "name": encode(str(row["name"])),
                    "icon": str(row["icon"] or ""),
                    "icon_color": str(row["icon_color"] or ""),
                    "background_color": str(row["background_color"] or ""),
                    "description": encode(str(row["description"] or "")),
                    "type": "form",
                    "usage_count": int(row["usage_count"] or 0),
                    "is_default": "true" if php_truthy(row["is_default"]) else "false",
                    "tile_template": 0,
                }
            )
        # JSON, not HTML: observed on 10.0.12 + Formcreator 2.13.10 (glpi-formcreator.md).
        body = json.dumps({"default": False, "forms": allowed}, ensure_ascii=False)
        return Response(body, media_type="application/json; charset=UTF-8")


def _values(q: dict[str, Any]) -> list[str]:
    try:
        decoded = json.loads(str(q["values"] or "[]"))
    except ValueError:
        return []
    return [str(v) for v in decoded] if isinstance(decoded, list) else []


def _as_list(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, list):
        return [str(v) for v in raw if str(v) != ""]
    if isinstance(raw, str):
        try:
            decoded = json.loads(raw)
        except ValueError:
            return [raw]
        if isinstance(decoded, list):
            return [str(v) for v in decoded if str(v) != ""]
        return [raw]
    return [str(raw)]


def _doc_ids(raw: Any) -> list[int]:
    """A file answer is the JSON string ``"[D, …]"`` of document ids (any id is taken)."""
    out = []
    for item in _as_list(raw):
        try:
            out.append(int(item))
        except ValueError:
            continue
    return out


def _search_match(value: str, wanted: str) -> bool:
    """GLPI's searchText: ``^`` and ``$`` anchor, otherwise a case-insensitive contains."""
    start = wanted.startswith("^")
    end = wanted.endswith("$")
    core = wanted[1 if start else 0 : len(wanted) - 1 if end else len(wanted)].casefold()
    value = value.casefold()
    if start and end:
        return value == core
    if start:
        return value.startswith(core)
    if end:
        return value.endswith(core)
    return core in value


def _condition_holds(code: int, expected: str, raw: Any, tested_visible: bool) -> bool:
    if code == 7:
        return tested_visible
    if code == 8:
        return not tested_visible
    if raw is None:
        return False
    items = _as_list(raw) if isinstance(raw, list) or str(raw).startswith("[") else [str(raw)]
    value = ", ".join(items) if len(items) != 1 else items[0]
    if code == 1:
        return expected in items or value == expected
    if code == 2:
        return expected not in items and value != expected
    if code == 9:
        compiled = php_regex(expected)
        return compiled is not None and bool(compiled.search(value))
    a, b = _number(value), _number(expected)
    left: Any = a if a is not None and b is not None else value
    right: Any = b if a is not None and b is not None else expected
    return {3: left < right, 4: left > right, 5: left <= right, 6: left >= right}.get(code, False)
