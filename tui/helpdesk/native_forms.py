"""GLPI 11's native forms (``Glpi\\Form\\Form``) as a Self-Service customer reaches them.

Reproduces ``shared/docs/glpi11-forms.md`` and its transcript: the forms, sections,
questions, access policies and ticket destinations live in GLPI 11's tables; the web
routes (``native_forms_web.py``) render and submit them; over REST a customer gets
``403`` for every form itemtype and reads what a submission created through
``Ticket/N/Item_Ticket``. Seeded by ``native_forms_seed.py``; only the 11.0 helpdesk has
them (``GlpiVersion.has_native_forms``).
"""

from __future__ import annotations

import html
import json
import re
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

from .base import NO_PERMISSION, Actor, ApiError
from .calls import Call, JsonResponse
from .formcreator import php_regex
from .params import php_intval
from .store import Store

NS = "Glpi\\Form\\"
QT = NS + "QuestionType\\QuestionType"
SHORT_TEXT = QT + "ShortText"
LONG_TEXT = QT + "LongText"
EMAIL = QT + "Email"
NUMBER = QT + "Number"
DROPDOWN = QT + "Dropdown"
RADIO = QT + "Radio"
CHECKBOX = QT + "Checkbox"
FILE = QT + "File"
DATETIME = QT + "DateTime"
URGENCY = QT + "Urgency"
ITEM_DROPDOWN = QT + "ItemDropdown"
USER_DEVICE = QT + "UserDevice"
OBSERVER = QT + "Observer"
ALLOW_LIST = NS + "AccessControl\\ControlType\\AllowList"
DIRECT_ACCESS = NS + "AccessControl\\ControlType\\DirectAccess"
TICKET_DESTINATION = NS + "Destination\\FormDestinationTicket"
FORM_ITEMTYPE = NS + "Form"
TITLE_FIELD = "glpi-form-destination-commonitilfield-titlefield"
CONTENT_FIELD = "glpi-form-destination-commonitilfield-contentfield"
URGENCY_FIELD = "glpi-form-destination-commonitilfield-urgencyfield"
TYPE_FIELD = "glpi-form-destination-commonitilfield-tickettypefield"
URGENCIES = {5: "Very high", 4: "High", 3: "Medium", 2: "Low", 1: "Very low"}
#: What GLPI answers a file whose name, once its prefix is removed, is refused (C28).
UNAUTHORIZED_FILE = "Unauthorized file type"
MANDATORY = "This field is mandatory"
INVALID_NUMBER = "Please enter a valid number"
INVALID_EMAIL = "Please enter a valid email address"
INVALID_FORMAT = "The value does not match the expected format"
#: ``uniqid('', true)``: 14 hex digits, a dot and 8 digits, the prefix the browser's
#: uploader puts before a file name (the server strips the first 23 characters).
PREFIX_LEN = 23
FAIL_AFTER_SUBMIT = "forms_fail_after_submit"

TABLES = {
    "glpi_forms_categories": "id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, description TEXT,"
    " illustration TEXT DEFAULT '', forms_categories_id INTEGER DEFAULT 0",
    "glpi_forms_forms": "id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT, entities_id INTEGER"
    " DEFAULT 0, is_recursive INTEGER DEFAULT 1, is_active INTEGER DEFAULT 0, is_deleted INTEGER"
    " DEFAULT 0, is_draft INTEGER DEFAULT 0, is_pinned INTEGER DEFAULT 0, render_layout TEXT"
    " DEFAULT '', name TEXT, header TEXT, illustration TEXT DEFAULT 'request-service',"
    " description TEXT, forms_categories_id INTEGER DEFAULT 0, usage_count INTEGER DEFAULT 0,"
    " submit_button_visibility_strategy TEXT DEFAULT '', submit_button_conditions TEXT"
    " DEFAULT '[]', date_mod TEXT, date_creation TEXT",
    "glpi_forms_sections": "id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT, forms_forms_id"
    " INTEGER, name TEXT, description TEXT, rank INTEGER DEFAULT 0, visibility_strategy TEXT"
    " DEFAULT '', conditions TEXT DEFAULT '[]'",
    "glpi_forms_questions": "id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT, forms_sections_id"
    " INTEGER, forms_sections_uuid TEXT, name TEXT, type TEXT, is_mandatory INTEGER DEFAULT 0,"
    " vertical_rank INTEGER DEFAULT 0, horizontal_rank INTEGER, description TEXT,"
    " default_value TEXT, extra_data TEXT, visibility_strategy TEXT DEFAULT '', conditions"
    " TEXT DEFAULT '[]', validation_strategy TEXT DEFAULT '', validation_conditions TEXT"
    " DEFAULT '[]'",
    "glpi_forms_accesscontrols_formaccesscontrols": "id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " forms_forms_id INTEGER, strategy TEXT, config TEXT, is_active INTEGER DEFAULT 1",
    "glpi_forms_destinations_formdestinations": "id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " forms_forms_id INTEGER, itemtype TEXT, name TEXT, config TEXT DEFAULT '[]',"
    " creation_strategy TEXT DEFAULT '', conditions TEXT DEFAULT '[]'",
    "glpi_forms_answerssets": "id INTEGER PRIMARY KEY AUTOINCREMENT, forms_forms_id INTEGER,"
    " users_id INTEGER, name TEXT, answers TEXT, date_creation TEXT",
    "glpi_items_tickets": "id INTEGER PRIMARY KEY AUTOINCREMENT, itemtype TEXT, items_id"
    " INTEGER, tickets_id INTEGER",
    # GLPI_TMP_DIR: what /ajax/fileupload.php kept, until a submission takes it.
    "x_forms_uploads": "name TEXT PRIMARY KEY, data BLOB, mime TEXT, users_id INTEGER, date TEXT",
}


def new_uuid() -> str:
    return str(uuidlib.uuid4())


def php_escape(value: str) -> str:
    """``htmlspecialchars(…, ENT_QUOTES)``: what GLPI puts in a ticket for a text answer."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#039;")
    )


def decode_json(raw: Any, default: Any) -> Any:
    """A JSON column (``extra_data``, ``conditions``, ``config``), ``default`` when unreadable."""
    if raw is None or raw == "":
        return default
    try:
        return json.loads(str(raw))
    except ValueError:
        return default


@dataclass
class Answers:
    """What a request answered: values by question id, and uploaded files by question id
    as (name with prefix, prefix) pairs."""

    values: dict[int, Any] = field(default_factory=dict)
    files: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def from_submission(cls, params: dict[str, Any]) -> Answers:
        """``answers_ID=…``, ``answers_ID[]=…``, ``_answers_ID[k]`` + ``_prefix_answers_ID[k]``."""
        out = cls()
        for key, value in params.items():
            m = re.fullmatch(r"answers_(\d+)", key)
            if m:
                out.values[int(m.group(1))] = value
                continue
            m = re.fullmatch(r"_answers_(\d+)", key)
            if m and isinstance(value, dict):
                prefixes = params.get(f"_prefix_answers_{m.group(1)}")
                prefixes = prefixes if isinstance(prefixes, dict) else {}
                out.files[int(m.group(1))] = [
                    (str(name), str(prefixes.get(k, ""))) for k, name in value.items()
                ]
        return out

    @classmethod
    def from_engine(cls, params: dict[str, Any]) -> Answers:
        """``answers[ID]=…`` as the condition engine gets them."""
        out = cls()
        raw = params.get("answers")
        if isinstance(raw, dict):
            for key, value in raw.items():
                if str(key).isdigit():
                    out.values[int(key)] = value
        return out


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [str(v) for v in value.values() if str(v) not in ("", "0")]
    text = str(value)
    return [] if text in ("", "0") else [text]


def _is_empty(question: dict[str, Any], answers: Answers) -> bool:
    qid = int(question["id"])
    if question["type"] == FILE:
        return not answers.files.get(qid)
    value = answers.values.get(qid)
    if isinstance(value, dict):
        if question["type"] == ITEM_DROPDOWN:
            return php_intval(value.get("items_id") or 0) == 0
        return not _as_list(value)
    if question["type"] in (DROPDOWN, RADIO, URGENCY, USER_DEVICE):
        return str(value or "") in ("", "0")
    return value is None or str(value).strip() == "" or str(value).strip() == "<p></p>"


def _number(value: Any) -> float | None:
    try:
        return float(str(value).strip())
    except ValueError:
        return None


class NativeForms:
    """The forms' tables in the helpdesk's database, GLPI 11's rules over them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        for table, columns in TABLES.items():
            store.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")

    # ---------------------------------------------------------------- reading
    def form(self, form_id: int) -> dict[str, Any] | None:
        return self.store.query_one("SELECT * FROM glpi_forms_forms WHERE id = ?", (form_id,))

    def forms(self) -> list[dict[str, Any]]:
        return self.store.query("SELECT * FROM glpi_forms_forms ORDER BY id")

    def sections(self, form_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM glpi_forms_sections WHERE forms_forms_id = ? ORDER BY rank, id",
            (form_id,),
        )

    def questions(self, form_id: int) -> list[dict[str, Any]]:
        """Every question of the form in display order (section, then rank)."""
        return self.store.query(
            "SELECT q.* FROM glpi_forms_questions q JOIN glpi_forms_sections s"
            " ON s.id = q.forms_sections_id WHERE s.forms_forms_id = ?"
            " ORDER BY s.rank, s.id, q.vertical_rank, q.horizontal_rank, q.id",
            (form_id,),
        )

    def categories(self) -> list[dict[str, Any]]:
        return self.store.query("SELECT * FROM glpi_forms_categories ORDER BY name, id")

    # ----------------------------------------------------------------- access
    def policies(self, form_id: int) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM glpi_forms_accesscontrols_formaccesscontrols"
            " WHERE forms_forms_id = ? AND is_active = 1 ORDER BY id",
            (form_id,),
        )

    def can_answer(self, form: dict[str, Any], actor: Actor, token: str | None = None) -> bool:
        """FormAccessControlManager::canAnswerForm: active, not deleted, and one active
        policy grants it (AllowList: everyone, the user or the profile; DirectAccess: the
        link's token)."""
        if not form["is_active"] or form["is_deleted"] or actor.profile is None:
            return False
        for policy in self.policies(int(form["id"])):
            config = decode_json(policy["config"], {})
            if policy["strategy"] == ALLOW_LIST:
                users = [str(u) for u in config.get("user_ids", [])]
                profiles = [php_intval(p) for p in config.get("profile_ids", [])]
                if "all" in users or str(actor.user_id) in users or actor.profile.id in profiles:
                    return True
            elif policy["strategy"] == DIRECT_ACCESS and token and token == config.get("token"):
                return True
        return False

    def offered(self, actor: Actor) -> list[dict[str, Any]]:
        """The forms of the service catalog: answerable without a link's token."""
        return [f for f in self.forms() if self.can_answer(f, actor)]

    # ------------------------------------------------------------- conditions
    def visibility(self, form_id: int, answers: Answers) -> tuple[dict[int, bool], dict[int, bool]]:
        """(sections, questions) → visible, given the answers (GLPI's condition engine:
        ``visible_if`` / ``hidden_if`` over ``question-UUID`` items, in order)."""
        sections = self.sections(form_id)
        questions = self.questions(form_id)
        by_uuid = {str(q["uuid"]): q for q in questions}
        sections_by_uuid = {str(s["uuid"]): s for s in sections}
        q_seen: dict[int, bool] = {}
        s_seen: dict[int, bool] = {}

        def item_visible(item: str, depth: int) -> bool:
            kind, _, ref = item.partition("-")
            if kind == "question" and ref in by_uuid:
                return question_visible(by_uuid[ref], depth + 1)
            if kind == "section" and ref in sections_by_uuid:
                return section_visible(sections_by_uuid[ref], depth + 1)
            return False

        def holds(conditions: list[Any], depth: int) -> bool:
            result: bool | None = None
            for cond in conditions:
                if not isinstance(cond, dict):
                    continue
                item = str(cond.get("item", ""))
                tested = by_uuid.get(item.partition("-")[2])
                op = str(cond.get("value_operator", "equals"))
                if op in ("visible", "not_visible"):
                    value = item_visible(item, depth) == (op == "visible")
                else:
                    raw = (
                        answers.values.get(int(tested["id"]))
                        if tested is not None and item_visible(item, depth)
                        else None
                    )
                    value = _compare(op, raw, cond.get("value"))
                if result is None:
                    result = value
                elif str(cond.get("logic_operator", "and")) == "or":
                    result = result or value
                else:
                    result = result and value
            return bool(result)

        def strategy_allows(row: dict[str, Any], depth: int) -> bool:
            strategy = str(row["visibility_strategy"] or "")
            if strategy not in ("visible_if", "hidden_if") or depth > 30:
                return True
            met = holds(decode_json(row["conditions"], []), depth)
            return met if strategy == "visible_if" else not met

        def section_visible(section: dict[str, Any], depth: int = 0) -> bool:
            sid = int(section["id"])
            if sid not in s_seen:
                s_seen[sid] = strategy_allows(section, depth)
            return s_seen[sid]

        section_of = {int(s["id"]): s for s in sections}

        def question_visible(question: dict[str, Any], depth: int = 0) -> bool:
            qid = int(question["id"])
            if qid not in q_seen:
                section = section_of.get(int(question["forms_sections_id"]))
                q_seen[qid] = (section is None or section_visible(section, depth)) and (
                    strategy_allows(question, depth)
                )
            return q_seen[qid]

        for section in sections:
            section_visible(section)
        for question in questions:
            question_visible(question)
        return s_seen, q_seen

    # -------------------------------------------------------------- validation
    def errors(self, form_id: int, answers: Answers) -> list[dict[str, Any]]:
        """``/Form/ValidateAnswers``' errors: visible questions only, in form order."""
        _sections, visible = self.visibility(form_id, answers)
        out = []
        for q in self.questions(form_id):
            qid = int(q["id"])
            if not visible.get(qid, True):
                continue
            message = self._problem(q, answers)
            if message is not None:
                out.append({"question_id": qid, "question_name": q["name"], "message": message})
        return out

    def _problem(self, q: dict[str, Any], answers: Answers) -> str | None:
        qid = int(q["id"])
        empty = _is_empty(q, answers)
        if empty:
            if not q["is_mandatory"]:
                return None
            return INVALID_NUMBER if q["type"] == NUMBER else MANDATORY
        value = answers.values.get(qid)
        text = "" if value is None or isinstance(value, dict) else str(value).strip()
        if q["type"] == EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
            return INVALID_EMAIL
        strategy = str(q["validation_strategy"] or "")
        if strategy in ("valid_if", "invalid_if") and q["type"] in (SHORT_TEXT, LONG_TEXT, EMAIL):
            met = all(
                _compare(str(c.get("value_operator", "")), text, c.get("value"))
                for c in decode_json(q["validation_conditions"], [])
                if isinstance(c, dict)
            )
            if met != (strategy == "valid_if"):
                return INVALID_FORMAT
        return None

    # -------------------------------------------------------------- uploads
    def keep_upload(self, name: str, data: bytes, mime: str, user_id: int) -> None:
        self.store.execute(
            "INSERT OR REPLACE INTO x_forms_uploads (name, data, mime, users_id, date)"
            " VALUES (?, ?, ?, ?, ?)",
            (name, data, mime, user_id, self.store.clock.now_str()),
        )

    def _file_problem(self, answers: Answers, visible: dict[int, bool]) -> str | None:
        for qid, files in answers.files.items():
            if not visible.get(qid, False):
                continue
            for name, prefix in files:
                real = name[len(prefix) :] if name.startswith(prefix) else name
                if not real or self.store.upload_error(real, 0) is not None:
                    return UNAUTHORIZED_FILE
                if not self.store.scalar(
                    "SELECT COUNT(*) FROM x_forms_uploads WHERE name = ?", (name,)
                ):
                    return f"File {real} not found."
        return None

    # ------------------------------------------------------------- submission
    def submit(self, form: dict[str, Any], actor: Actor, answers: Answers) -> tuple[int, str]:
        """Create what the form's destinations say (a ticket); (ticket id, title).

        Raises ``SubmissionRefused`` with GLPI's (often empty) error list when the
        answers are refused: nothing is kept then."""
        form_id = int(form["id"])
        if not answers.values and not answers.files:
            raise SubmissionRefused([])
        if self.errors(form_id, answers):
            raise SubmissionRefused([])
        _sections, visible = self.visibility(form_id, answers)
        problem = self._file_problem(answers, visible)
        if problem is not None:
            raise SubmissionRefused([problem])
        questions = [q for q in self.questions(form_id) if visible.get(int(q["id"]), True)]
        now = self.store.clock.now_str()
        with self.store.lock:
            return self._create(form, actor, answers, questions, now)

    def _create(
        self,
        form: dict[str, Any],
        actor: Actor,
        answers: Answers,
        questions: list[dict[str, Any]],
        now: str,
    ) -> tuple[int, str]:
        form_id = int(form["id"])
        kept: list[dict[str, Any]] = []
        lines: list[str] = []
        documents: list[int] = []
        by_id = {int(q["id"]): q for q in questions}
        texts: dict[int, str] = {}
        for q in questions:
            qid = int(q["id"])
            if _is_empty(q, answers):
                continue
            if q["type"] == FILE:
                names, ids = [], []
                for name, prefix in answers.files.get(qid, []):
                    real = name[len(prefix) :]
                    upload = self.store.query_one(
                        "SELECT * FROM x_forms_uploads WHERE name = ?", (name,)
                    )
                    assert upload is not None
                    ids.append(
                        self.store._store_document(
                            name=f"{form['name']} - {q['name']}",
                            filename=real,
                            data=bytes(upload["data"]),
                            user_id=actor.user_id,
                            ticket_id=0,
                            link=None,
                            when=now,
                            mime=upload["mime"] or None,
                        )
                    )
                    self.store.execute("DELETE FROM x_forms_uploads WHERE name = ?", (name,))
                    names.append(real)
                documents.extend(ids)
                raw: Any = ids
                text = ", ".join(names)
            else:
                raw = answers.values.get(qid)
                text = self._answer_text(q, raw)
            texts[qid] = text
            kept.append(
                {
                    "question_id": qid,
                    "question_label": q["name"],
                    "raw_question_type": q["type"],
                    "raw_answer": raw,
                }
            )
            lines.append(f"<b>{len(lines) + 1}) {q['name']}</b>: {text}<br>")
        destination = self.store.query_one(
            "SELECT * FROM glpi_forms_destinations_formdestinations WHERE forms_forms_id = ?"
            " AND itemtype = ? ORDER BY id",
            (form_id, TICKET_DESTINATION),
        )
        config = decode_json(destination["config"], {}) if destination else {}
        if not isinstance(config, dict):
            config = {}
        title = str(form["name"])
        title_qid = _tagged_question(config.get(TITLE_FIELD))
        if title_qid in by_id and not _is_empty(by_id[title_qid], answers):
            title = str(answers.values.get(title_qid))
        content = "<p>" + "".join(lines) + "</p>"
        content_qid = _tagged_question(config.get(CONTENT_FIELD))
        if content_qid is not None:
            content = texts.get(content_qid, "")
        urgency = 3
        urgency_qid = (config.get(URGENCY_FIELD) or {}).get("specific_question_id")
        if urgency_qid in by_id:
            urgency = php_intval(answers.values.get(urgency_qid) or 3) or 3
        ticket_type = php_intval((config.get(TYPE_FIELD) or {}).get("specific_itiltype") or 1)
        count = int(
            self.store.scalar(
                "SELECT COUNT(*) FROM glpi_forms_answerssets WHERE forms_forms_id = ?", (form_id,)
            )
        )
        self.store.insert(
            "glpi_forms_answerssets",
            {
                "forms_forms_id": form_id,
                "users_id": actor.user_id,
                "name": f"{form['name']} #{count + 1}",
                "answers": json.dumps(kept, ensure_ascii=False),
                "date_creation": now,
            },
        )
        ticket_id = self.store.create_ticket(
            name=title[:255],
            content=content,
            requester_id=actor.user_id,
            type=ticket_type if ticket_type in (1, 2) else 1,
            urgency=min(max(urgency, 1), 5),
            date=now,
        )
        self.store.insert(
            "glpi_items_tickets",
            {"itemtype": FORM_ITEMTYPE, "items_id": form_id, "tickets_id": ticket_id},
        )
        for doc_id in documents:
            self.store.insert(
                "glpi_documents_items",
                {
                    "documents_id": doc_id,
                    "items_id": ticket_id,
                    "itemtype": "Ticket",
                    "date_mod": now,
                    "users_id": actor.user_id,
                    "date_creation": now,
                    "date": now,
                },
            )
            self.store.execute(
                "UPDATE glpi_documents SET tickets_id = ? WHERE id = ?", (ticket_id, doc_id)
            )
        self.store.execute(
            "UPDATE glpi_forms_forms SET usage_count = usage_count + 1 WHERE id = ?", (form_id,)
        )
        return ticket_id, title

    def _answer_text(self, q: dict[str, Any], raw: Any) -> str:
        if q["type"] == LONG_TEXT:
            return str(raw)
        if q["type"] in (DROPDOWN, RADIO, CHECKBOX):
            options = (decode_json(q["extra_data"], {}) or {}).get("options", {})
            chosen = _as_list(raw)
            return ", ".join(php_escape(str(options.get(c, c))) for c in chosen)
        if q["type"] == URGENCY:
            return URGENCIES.get(php_intval(raw), str(raw))
        if isinstance(raw, dict):
            return php_escape(", ".join(str(v) for v in raw.values()))
        return php_escape(str(raw))

    # ----------------------------------------------------------- fault hook
    def take_submit_fault(self) -> bool:
        """One of the submissions tests asked to fail after saving (see
        :func:`fail_submissions_after_saving`)."""
        left = int(self.store._setting(FAIL_AFTER_SUBMIT, 0) or 0)
        if left <= 0:
            return False
        self.store._set_setting(FAIL_AFTER_SUBMIT, left - 1)
        return True

    # ------------------------------------------------------------------ REST
    @staticmethod
    def handles(call: Call) -> bool:
        """The form itemtypes, and ``Item_Ticket`` (alone or under a ticket)."""
        elements = [e for e in call.elements if e != ""]
        return bool(elements) and (
            elements[0].startswith(NS)
            or (elements[0] == "search" and len(elements) >= 2 and elements[1].startswith(NS))
            or elements[0] == "Item_Ticket"
            or (len(elements) >= 3 and elements[2] in ("Item_Ticket",))
            or (len(elements) >= 3 and elements[2].startswith(NS))
        )

    def handle(self, call: Call) -> Response:
        elements = [e for e in call.elements if e != ""]
        actor = call.actor
        assert actor is not None
        if any(e.startswith(NS) for e in elements):
            if actor.is_admin and call.verb == "GET" and elements[0] != "search":
                return self._admin_read(call, elements)
            # Self-Service has no ``form`` right; its profile cannot be given it (A3–A6).
            raise ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)
        if call.verb != "GET":
            raise ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)
        if elements[0] == "Item_Ticket":
            if len(elements) >= 2:
                row = self.store.query_one(
                    "SELECT * FROM glpi_items_tickets WHERE id = ?", (php_intval(elements[1]),)
                )
                if row is None:
                    raise ApiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
                if not self._ticket_readable(actor, int(row["tickets_id"])):
                    raise ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)
                return JsonResponse(self._item_ticket(call, row))
            rows = [
                r
                for r in self.store.query("SELECT * FROM glpi_items_tickets ORDER BY id")
                if self._ticket_readable(actor, int(r["tickets_id"]))
            ]
            return JsonResponse([self._item_ticket(call, r) for r in rows])
        if elements[0] != "Ticket":
            raise ApiError(
                400,
                "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                "resource not found or not an instance of CommonDBTM",
                doc=True,
            )
        ticket_id = php_intval(elements[1])
        ticket = self.store.query_one("SELECT * FROM glpi_tickets WHERE id = ?", (ticket_id,))
        if ticket is None:
            raise ApiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
        if not self.store.can_read(actor, "Ticket", ticket):
            raise ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)
        rows = self.store.query(
            "SELECT * FROM glpi_items_tickets WHERE tickets_id = ? ORDER BY id", (ticket_id,)
        )
        return JsonResponse([self._item_ticket(call, r) for r in rows])

    def _admin_read(self, call: Call, elements: list[str]) -> Response:
        """A Super-Admin's reads (A9–A15): a type's rows, one row, or the rows under a
        parent (``Form/N/Section``, ``Section/N/Question``…); answers sets never (A17)."""
        name = elements[0]
        child = elements[2] if len(elements) >= 3 else None
        wanted = child or name
        if wanted not in REST_TABLES:
            raise ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)
        table, parent_rel, parent_fk = REST_TABLES[wanted]
        base = self.store.version.api_link(call.api_url)
        if child is None and len(elements) >= 2 and php_intval(elements[1]) > 0:
            row = self.store.query_one(
                f"SELECT * FROM {table} WHERE id = ?", (php_intval(elements[1]),)
            )
            if row is None:
                raise ApiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
            return JsonResponse(_with_links(row, base, parent_rel, parent_fk))
        where = "1 = 1"
        params: tuple[Any, ...] = ()
        if child is not None:
            if REST_TABLES.get(name, ("", "", ""))[0] == "" or parent_rel != name:
                where = "0 = 1"
            else:
                where, params = f"{parent_fk} = ?", (php_intval(elements[1]),)
        rows = self.store.query(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
        return JsonResponse([_with_links(r, base, parent_rel, parent_fk) for r in rows])

    def _ticket_readable(self, actor: Actor, ticket_id: int) -> bool:
        ticket = self.store.query_one("SELECT * FROM glpi_tickets WHERE id = ?", (ticket_id,))
        return ticket is not None and self.store.can_read(actor, "Ticket", ticket)

    def _item_ticket(self, call: Call, row: dict[str, Any]) -> dict[str, Any]:
        base = self.store.version.api_link(call.api_url)
        return {
            "id": row["id"],
            "itemtype": row["itemtype"],
            "items_id": row["items_id"],
            "tickets_id": row["tickets_id"],
            "links": [
                {"rel": row["itemtype"], "href": f"{base}/{row['itemtype']}/{row['items_id']}"},
                {"rel": "Ticket", "href": f"{base}/Ticket/{row['tickets_id']}"},
            ],
        }


#: REST name → (table, the parent's REST name, the column holding the parent's id).
REST_TABLES = {
    NS + "Form": ("glpi_forms_forms", "", ""),
    NS + "Category": ("glpi_forms_categories", "", ""),
    NS + "Section": ("glpi_forms_sections", NS + "Form", "forms_forms_id"),
    NS + "Question": ("glpi_forms_questions", NS + "Section", "forms_sections_id"),
    NS + "AccessControl\\FormAccessControl": (
        "glpi_forms_accesscontrols_formaccesscontrols",
        NS + "Form",
        "forms_forms_id",
    ),
    NS + "Destination\\FormDestination": (
        "glpi_forms_destinations_formdestinations",
        NS + "Form",
        "forms_forms_id",
    ),
}


def _with_links(row: dict[str, Any], base: str, parent_rel: str, parent_fk: str) -> dict[str, Any]:
    out = dict(row)
    if parent_rel:
        out["links"] = [{"rel": parent_rel, "href": f"{base}/{parent_rel}/{row[parent_fk]}"}]
    return out


class SubmissionRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def fail_submissions_after_saving(store: Store, count: int = 1) -> None:
    """Make the next ``count`` submissions create their ticket, then answer
    ``500 {"errors": []}`` as if they had failed (a client must look before saying
    "not created")."""
    store._set_setting(FAIL_AFTER_SUBMIT, int(count))


def _tagged_question(field_config: Any) -> int | None:
    """The question an ``#Answer: …`` tag of a destination field names."""
    if not isinstance(field_config, dict):
        return None
    m = re.search(r'data-form-tag-value=\\?"(\d+)', str(field_config.get("value", "")))
    return int(m.group(1)) if m else None


def _compare(op: str, raw: Any, expected: Any) -> bool:
    """One condition's value operator on an answer (a choice's key, a text, a list)."""
    values = _as_list(raw) if isinstance(raw, dict) else ([] if raw is None else [str(raw)])
    value = values[0] if len(values) == 1 else ", ".join(values)
    wanted = "" if expected is None else str(expected)
    if op == "equals":
        return value == wanted or (len(values) > 1 and wanted in values)
    if op == "not_equals":
        return not _compare("equals", raw, expected)
    if op == "contains":
        return wanted.casefold() in value.casefold() or wanted in values
    if op == "not_contains":
        return not _compare("contains", raw, expected)
    if op == "empty":
        return value.strip() == ""
    if op == "not_empty":
        return value.strip() != ""
    if op in ("match_regex", "not_match_regex"):
        compiled = php_regex(wanted)
        found = compiled is not None and bool(compiled.search(value))
        return found if op == "match_regex" else not found
    if op in ("length_greater_than", "length_less_than"):
        limit = php_intval(wanted)
        return len(value) > limit if op == "length_greater_than" else len(value) < limit
    a, b = _number(value), _number(wanted)
    if a is None or b is None:
        return False
    return {
        "greater_than": a > b,
        "greater_than_or_equals": a >= b,
        "less_than": a < b,
        "less_than_or_equals": a <= b,
    }.get(op, False)


def ticket_link(ticket_id: int, title: str) -> str:
    """``links_to_created_items``' entry (C11): the ticket id is in the ``href``."""
    shown = html.escape(title, quote=True).replace("&#x27;", "&#039;")
    return (
        f'<a href="/front/ticket.form.php?id={ticket_id}" data-bs-toggle="tooltip"'
        f' data-bs-placement="bottom" title="{shown}">{shown}</a>'
    )
