"""The ``/apirest.php`` endpoints, reproducing GLPI 10.0.12's APIRest::call()."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .base import NO_PERMISSION, Actor, ApiError, SessionRow, UploadedFile, php_empty
from .calls import Call, JsonResponse
from .clock import Clock, parse
from .params import (
    INT_MAX,
    INVALID,
    as_list,
    filter_bool,
    json_decode,
    php_intval,
    php_is_numeric,
    php_json_truthy,
    php_parse_str,
    php_truthy,
)
from .profiles import profile_json
from .schema import ITEMTYPES, TABLE_TO_ITEMTYPE, is_foreign_key, table_for_fkey
from .search import TICKET_OPTIONS, Search
from .store import Store
from .text import encode_deep

if TYPE_CHECKING:
    from .formcreator import Formcreator
    from .native_forms import NativeForms

LIST_LIMIT = 20
log = logging.getLogger(__name__)
WITHOUT_SESSION = ("initSession", "lostPassword")
FATAL_PAGE = (
    "<!DOCTYPE html><html><head><title>GLPI</title></head><body>"
    "<h1>An unexpected error occurred</h1></body></html>"
)
"""What GLPI 11 answers when it fails inside a request (a PHP error page)."""


@dataclass
class HelpdeskConfig:
    store: Store
    clock: Clock
    autoclose_days: int = 7
    timezone: str = "Europe/Paris"
    language: str = "fr_FR"
    formcreator: Formcreator | None = None
    """The Formcreator plugin, when installed (``tui/helpdesk/formcreator.py``)."""
    native_forms: NativeForms | None = None
    """GLPI 11's native forms (``tui/helpdesk/native_forms.py``)."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def to_utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.tz).astimezone(UTC)

    def http_date(self, local: datetime) -> str:
        return format_datetime(self.to_utc(local), usegmt=True)


class Api:
    def __init__(self, config: HelpdeskConfig) -> None:
        self.cfg = config
        self.store = config.store

    # ------------------------------------------------------------- helpers
    def error(self, call_or_url: Call | str, err: ApiError) -> Response:
        api_url = call_or_url if isinstance(call_or_url, str) else call_or_url.api_url
        message = err.message
        if err.doc:
            message = f"{message}; view documentation in your browser at {api_url}/#{err.code}"
        return JsonResponse([err.code, message], status_code=err.status)

    async def handle(self, request: Request, path: str) -> Response:
        api_url = str(request.base_url).rstrip("/") + "/apirest.php"
        if not self.store.version.token_in_query and "session_token" in php_parse_str(
            request.url.query
        ):
            # GLPI 11 takes the token from the header only and crashes on this one.
            return HTMLResponse(FATAL_PAGE, status_code=500)
        try:
            call = await self._parse(request, path, api_url)
            return await self._dispatch(call)
        except ApiError as err:
            return self.error(api_url, err)
        except (ValueError, OverflowError, RecursionError) as exc:
            # Input no rule above foresaw (a number too big for SQLite, nesting past
            # Python's limit…): a GLPI-shaped 400, never a bare 500 page.
            log.warning("helpdesk: %s %s refused as a bad request: %r", request.method, path, exc)
            return self.error(api_url, ApiError(400, "ERROR", "Bad Request", doc=True))

    async def _read_body(self, request: Request) -> tuple[bytes, bool]:
        """The request body, or ``b""`` and True past ``post_max_size`` as PHP does.

        A body over the limit is read to its end and dropped chunk by chunk (never held
        whole in memory), so the client still receives the answer.
        """
        limit = self.store.post_max_size_mb * 1024 * 1024
        declared = request.headers.get("content-length", "")
        too_big = declared.isascii() and declared.isdigit() and php_intval(declared) > limit
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if too_big or size > limit:
                too_big = True
                chunks.clear()
                continue
            chunks.append(chunk)
        body = b"" if too_big else b"".join(chunks)
        # Starlette's own cache of the body: request.form() parses these bytes.
        request._body = body
        return body, too_big

    async def _parse(self, request: Request, path: str, api_url: str) -> Call:
        path_info = path.strip("/").replace("api/", "")
        elements = path_info.split("/")
        verb = request.method.upper()
        params: dict[str, Any] = php_parse_str(request.url.query)
        body, too_big = await self._read_body(request)
        if body.strip() and verb == "GET":
            raise ApiError(
                400,
                "ERROR_JSON_PAYLOAD_FORBIDDEN",
                "GET Request should not have json payload (http body)",
                doc=True,
            )
        ctype = request.headers.get("content-type")
        if ctype is None:
            ctype = "" if elements[0] == "" else "application/json"
        files: list[UploadedFile] = []
        upload_fields: list[str] = []
        if "application/json" in ctype:
            decoded = json_decode(body.strip()) if body.strip() else None
            if php_json_truthy(decoded):
                if isinstance(decoded, dict):
                    params.update(decoded)
            elif body.strip():
                raise ApiError(400, "ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid")
        elif "multipart/form-data" in ctype:
            try:
                if too_big:
                    raise MultiPartException("post_max_size")
                form = await request.form(
                    max_files=100, max_fields=1000, max_part_size=64 * 1024 * 1024
                )
            except (MultiPartException, HTTPException):
                # PHP drops a body past post_max_size (or one it cannot parse): no
                # $_FILES, which GLPI reports as a file too big.
                raise ApiError(
                    400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE", "The file seems too big"
                ) from None
            manifest_raw = None
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    upload = value
                    filename = upload.filename or "file"
                    size = upload.size if upload.size is not None else 0
                    refusal = self.store.upload_error(filename, size)
                    # A refused file is never kept: no need to read it into memory.
                    data = await upload.read() if refusal is None else b""
                    base = key.split("[", 1)[0]
                    files.append(
                        UploadedFile(
                            field=base,
                            filename=filename,
                            content_type=upload.content_type or "",
                            data=data,
                            size=size,
                            error=refusal,
                        )
                    )
                    if base not in upload_fields:
                        upload_fields.append(base)
                elif key == "uploadManifest":
                    manifest_raw = str(value)
                else:
                    params[key] = value
            if not files:
                raise ApiError(
                    400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE", "The file seems too big"
                )
            manifest = json_decode(manifest_raw.encode()) if manifest_raw is not None else INVALID
            if not php_json_truthy(manifest):
                raise ApiError(400, "ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid")
            if isinstance(manifest, dict):
                params.update(manifest)
            inp = params.get("input")
            if not isinstance(inp, dict):
                inp = {}
                params["input"] = inp
            inp["_filename"] = []
            inp["_prefix_filename"] = []
        elif "application/x-www-form-urlencoded" in ctype:
            for key, value in php_parse_str(body.decode("utf-8", "replace")).items():
                params[key] = value
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                raw = base64.b64decode(auth[6:].strip()).decode("utf-8")
                login, _, password = raw.partition(":")
                params["login"], params["password"] = login, password
            except (binascii.Error, UnicodeDecodeError):
                pass
        if "user_token" in auth:
            parts = auth.split(" ")
            if len(parts) > 1:
                params["user_token"] = parts[1]
        if "session-token" in request.headers:
            params["session_token"] = request.headers["session-token"]
        if "app-token" in request.headers:
            params["app_token"] = request.headers["app-token"]
        for key, value in list(params.items()):
            if value == "true":
                params[key] = True
            elif value == "false":
                params[key] = False
        if not self.store.api_enabled:
            raise ApiError(400, "ERROR", "API disabled")
        sanitized = self.store.version.sanitized(request.headers.get("x-glpi-sanitized-content"))
        return Call(
            request, verb, elements, params, files, upload_fields, api_url, sanitized=sanitized
        )

    def _check_app_token(self, call: Call) -> None:
        sent = call.params.get("app_token") or ""
        expected = self.store.app_token or ""
        if sent != expected:
            if sent:
                raise ApiError(
                    400,
                    "ERROR_WRONG_APP_TOKEN_PARAMETER",
                    "parameter app_token seems wrong",
                    doc=True,
                )
            raise ApiError(
                400, "ERROR_APP_TOKEN_PARAMETERS_MISSING", "missing parameter app_token", doc=True
            )

    def _check_session(self, call: Call) -> None:
        token = call.params.get("session_token")
        if php_empty(token):
            raise ApiError(
                400,
                "ERROR_SESSION_TOKEN_MISSING",
                "parameter session_token is missing or empty",
                doc=True,
            )
        session = self.store.get_session(str(token).strip())
        actor = self.store.actor_for(session) if session else None
        if session is None:
            raise self.store.version.unreadable_token(str(token).strip())
        if actor is None:
            raise ApiError(401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid")
        call.session, call.actor = session, actor

    # ------------------------------------------------------------ dispatch
    async def _dispatch(self, call: Call) -> Response:
        resource = call.elements[0].strip()
        if resource == "":
            return Response(
                "GLPI REST API (embedded ceBox helpdesk). See GLPI's apirest.md.",
                media_type="text/plain; charset=UTF-8",
            )
        if resource not in WITHOUT_SESSION:
            self._check_app_token(call)
            self._check_session(call)
        if resource == "initSession":
            return self._init_session(call)
        if resource == "lostPassword":
            if call.verb not in ("PUT", "PATCH"):
                raise ApiError(400, "ERROR", "Only HTTP verb PUT is allowed", doc=True)
            self._check_app_token(call)
            raise ApiError(400, "ERROR", "Email notifications are disabled", doc=True)
        actor = call.actor
        session = call.session
        assert actor is not None and session is not None
        if resource == "killSession":
            self.store.kill_session(session.token)
            return JsonResponse(True)
        if resource == "getFullSession":
            return JsonResponse({"session": self.full_session(session, actor, call)})
        if resource == "getMyProfiles":
            if actor.profile is None:
                return JsonResponse({"myprofiles": []})
            return JsonResponse(
                {
                    "myprofiles": [
                        {
                            "id": actor.profile.id,
                            "name": actor.profile.name,
                            "entities": self._entities(),
                        }
                    ]
                }
            )
        if resource == "getActiveProfile":
            active = profile_json(actor.profile, self._entities()) if actor.profile else None
            return JsonResponse({"active_profile": active})
        if resource == "changeActiveProfile":
            wanted = call.params.get("profiles_id")
            if wanted is None:
                raise ApiError(400, "ERROR", "Bad Request", doc=True)
            if actor.profile is None or str(wanted) != str(actor.profile.id):
                raise ApiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
            return JsonResponse(True)
        if resource == "getMyEntities":
            if actor.profile is None:
                return JsonResponse({"myentities": []})
            return JsonResponse({"myentities": [{"id": 0, "name": "Root entity"}]})
        if resource == "getActiveEntities":
            active_ids = [{"id": 0}] if actor.profile else []
            return JsonResponse(
                {
                    "active_entity": {
                        "id": 0 if actor.profile else None,
                        "active_entity_recursive": bool(actor.profile),
                        "active_entities": active_ids,
                    }
                }
            )
        if resource == "changeActiveEntities":
            return JsonResponse(True)
        if resource == "getGlpiConfig":
            return JsonResponse({"cfg_glpi": self.glpi_config(call)})
        if resource == "listSearchOptions":
            itemtype = self._itemtype(call, 1, recursive=False)
            return JsonResponse(self._search_options(itemtype or ""))
        if resource == "getMultipleItems":
            items = as_list(call.params.get("items"))
            out = []
            for item in items:
                if not isinstance(item, dict) or (
                    "items_id" not in item and "itemtype" not in item
                ):
                    raise ApiError(
                        400,
                        "ERROR_BAD_ARRAY",
                        "input parameter must be an array of objects",
                        doc=True,
                    )
                itype = str(item.get("itemtype"))
                if itype not in ITEMTYPES:
                    raise ApiError(
                        400,
                        "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                        "resource not found or not an instance of CommonDBTM",
                        doc=True,
                    )
                fields, _ = self._get_item(call, itype, php_intval(item.get("items_id") or 0))
                out.append(fields)
            return JsonResponse(out)
        native = self.cfg.native_forms
        if native is not None and native.handles(call):
            return native.handle(call)
        if resource == "search":
            itemtype = self._itemtype(call, 1, recursive=True)
            assert itemtype is not None
            params = {
                k: v for k, v in call.params.items() if k not in ("session_token", "app_token")
            }
            result, code, headers = Search(self.store, actor, itemtype, params, LIST_LIMIT).run()
            return JsonResponse(result, status_code=code, headers=headers)
        if (
            len(call.elements) >= 3
            and call.elements[0].lower() == "user"
            and call.elements[2] == "picture"
        ):
            return Response(status_code=204)
        plugin = self.cfg.formcreator
        if plugin is not None and plugin.handles(resource):
            return plugin.handle(call)
        return await self._items(call)

    # ---------------------------------------------------------- sessions
    def _init_session(self, call: Call) -> Response:
        self._check_app_token(call)
        p = call.params
        creds = not php_empty(p.get("login")) and not php_empty(p.get("password"))
        token = p.get("user_token")
        if not creds and php_empty(token):
            raise ApiError(
                400,
                "ERROR_LOGIN_PARAMETERS_MISSING",
                "parameter(s) login, password or user_token are missing",
                doc=True,
            )
        if not php_empty(token):
            user = self.store.user_by_token(str(token))
            if user is None:
                raise ApiError(
                    401, "ERROR_GLPI_LOGIN_USER_TOKEN", "parameter user_token seems invalid"
                )
            uid = int(user["id"])
        else:
            if not self.store.api_login_credentials:
                raise ApiError(
                    400,
                    "ERROR_LOGIN_WITH_CREDENTIALS_DISABLED",
                    "usage of initSession resource with credentials is disabled",
                )
            login, password = str(p.get("login")), str(p.get("password"))
            if not self.store.check_password(login, password):
                raise ApiError(401, "ERROR_GLPI_LOGIN", "Incorrect username or password")
            uid = self.store.user_id(login)
        session_token = self.store.create_session(uid)
        data: dict[str, Any] = {"session_token": session_token}
        if php_truthy(p.get("get_full_session", False)):
            session = self.store.get_session(session_token, touch=False)
            assert session is not None
            actor = self.store.actor_for(session)
            assert actor is not None
            data["session"] = self.full_session(session, actor, call)
        return JsonResponse(data)

    def _entities(self) -> list[dict[str, Any]]:
        return [{"id": 0, "name": "Root entity", "is_recursive": 1}]

    def full_session(self, session: SessionRow, actor: Actor, call: Call) -> dict[str, Any]:
        user = self.store.user(actor.user_id) or {}
        friendly = self.store.friendly_name(actor.user_id)
        data: dict[str, Any] = {
            "glpi_use_mode": 0,
            "glpi_currenttime": self.cfg.clock.now_str(),
            "glpiID": actor.user_id,
            "glpiis_ids_visible": 0,
            "glpifriendlyname": friendly,
            "glpiname": actor.login,
            "glpirealname": user.get("realname") or "",
            "glpifirstname": user.get("firstname") or "",
            "glpidefault_entity": 0,
            "glpiextauth": 0,
            "glpiauthtype": 1,
            "glpiroot": str(call.request.base_url).rstrip("/"),
            "glpilanguage": user.get("language") or self.cfg.language,
            "glpidate_format": 0,
            "glpinumber_format": 0,
            "glpinames_format": 0,
            "glpicsv_delimiter": ";",
            "glpilist_limit": LIST_LIMIT,
            "glpiuse_flat_dropdowntree": 0,
            "glpifollowup_private": 0,
            "glpitask_private": 0,
            "glpidefault_requesttypes_id": 1,
            "glpiauthorisation": 1,
            "valid_id": session.token,
            "glpi_tabs": [],
        }
        if actor.profile is None:
            data["glpi_password_expired"] = 1
            return data
        entities = self._entities()
        data.update(
            {
                "glpiactiveprofile": profile_json(actor.profile, entities),
                "glpiprofiles": {
                    str(actor.profile.id): {
                        "name": actor.profile.name,
                        "entities": {"0": entities[0]},
                    }
                },
                "glpiactiveentities": [0],
                "glpiactiveentities_string": "'0'",
                "glpiactive_entity": 0,
                "glpiactive_entity_recursive": True,
                "glpiactive_entity_name": "Root entity",
                "glpiactive_entity_shortname": "Root entity",
                "glpiparententities": [],
                "glpigroups": [],
            }
        )
        return data

    def glpi_config(self, call: Call) -> dict[str, Any]:
        pol = self.store.password_policy()
        version = self.store.version
        base = str(call.request.base_url).rstrip("/")

        def b(v: Any) -> str:
            return "1" if v else "0"

        return {
            "version": version.version,
            "dbversion": f"{version.version}@{version.commit}",
            "url_base": base,
            **version.config_extra(base),
            "root_doc": "",
            "language": self.cfg.language,
            "timezone": self.cfg.timezone,
            "document_max_size": str(self.store.document_max_size_mb),
            "list_limit": str(LIST_LIMIT),
            "list_limit_max": "50",
            "cut": "250",
            "date_format": "0",
            "names_format": "0",
            "use_password_security": b(pol["enabled"]),
            "password_min_length": str(pol["min_length"]),
            "password_need_number": b(pol["need_digit"]),
            "password_need_letter": b(pol["need_letter"]),
            "password_need_caps": b(pol["need_caps"]),
            "password_need_symbol": b(pol["need_symbol"]),
            "password_expiration_delay": "-1",
            "password_expiration_notice": "-1",
            "enable_api": "1",
            "enable_api_login_credentials": b(self.store.api_login_credentials),
            "enable_api_login_external_token": "1",
            "use_notifications": "0",
            "notifications_mailing": "0",
            "use_anonymous_helpdesk": "0",
            "maintenance_mode": "0",
            "urgency_mask": "62",
            "impact_mask": "62",
            "default_mailcollector_filesize_max": "2097152",
            "helpdesk_doc_url": "",
            "central_doc_url": "",
        }

    def _search_options(self, itemtype: str) -> dict[str, Any]:
        if itemtype != "Ticket":
            return {"common": "Characteristics"}
        names = {
            1: "Title",
            2: "ID",
            3: "Priority",
            4: "Requester",
            5: "Technician",
            7: "Category",
            10: "Urgency",
            11: "Impact",
            12: "Status",
            14: "Type",
            15: "Opening date",
            16: "Closing date",
            17: "Resolution date",
            18: "Time to resolve",
            19: "Last update",
            21: "Description",
            25: "Followup - Description",
            65: "Watcher group",
            66: "Watcher",
            80: "Entity",
        }
        out: dict[str, Any] = {"common": "Characteristics"}
        for oid, opt in TICKET_OPTIONS.items():
            searchtypes = {
                "status": ["equals", "notequals"],
                "date": ["equals", "notequals", "lessthan", "morethan", "contains", "notcontains"],
                "user": ["equals", "notequals", "contains", "notcontains"],
                "category": ["equals", "notequals", "contains", "notcontains", "under", "notunder"],
            }.get(opt.kind, ["contains", "notcontains", "equals", "notequals"])
            parts = opt.uid.split(".")
            out[str(oid)] = {
                "name": names.get(oid, opt.uid),
                "table": {
                    "user": "glpi_users",
                    "category": "glpi_itilcategories",
                    "entity": "glpi_entities",
                }.get(opt.kind, "glpi_tickets"),
                "field": parts[-1],
                "datatype": {
                    "date": "datetime",
                    "int": "number",
                    "status": "specific",
                    "user": "dropdown",
                }.get(opt.kind, "string"),
                "nosearch": False,
                "nodisplay": False,
                "available_searchtypes": searchtypes,
                "uid": opt.uid,
            }
        return out

    # ------------------------------------------------------------- items
    def _itemtype(self, call: Call, index: int, *, recursive: bool) -> str | None:
        """APIRest::getItemtype (case-sensitive; a sub-itemtype at index+2 wins)."""
        if index < len(call.elements) and call.elements[index] != "":
            name = call.elements[index]
            if name in ITEMTYPES:
                if recursive:
                    sub = self._itemtype(call, index + 2, recursive=False)
                    if sub:
                        call.params["parent_itemtype"] = name
                        return sub
                return name
            raise ApiError(
                400,
                "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                "resource not found or not an instance of CommonDBTM",
                doc=True,
            )
        if recursive:
            raise ApiError(400, "ERROR_RESOURCE_MISSING", "missing resource", doc=True)
        return None

    def _id(self, call: Call) -> int | None:
        def num(i: int) -> int | None:
            # APIRest::getId: is_numeric() then intval(); anything else is "no id".
            if i < len(call.elements) and php_is_numeric(call.elements[i]):
                return php_intval(call.elements[i])
            return None

        item_id = num(1)
        additional = num(3)
        if additional or "parent_itemtype" in call.params:
            call.params["parent_id"] = item_id
            item_id = additional
        return item_id

    async def _items(self, call: Call) -> Response:
        itemtype = self._itemtype(call, 0, recursive=True)
        assert itemtype is not None
        item_id = self._id(call)
        verb = call.verb
        if verb in ("PUT", "PATCH"):
            return self._update(call, itemtype, item_id)
        if verb == "POST":
            return self._create(call, itemtype)
        if verb == "DELETE":
            return self._delete(call, itemtype, item_id)
        # GET and anything else
        if (item_id is not None and item_id > 0) or (item_id == 0 and itemtype == "Entity"):
            if itemtype == "Document":
                download = self._maybe_download(call, item_id)
                if download is not None:
                    return download
            fields, headers = self._get_item(call, itemtype, item_id)
            return JsonResponse(fields, headers=headers)
        return self._get_items(call, itemtype)

    def _links(self, call: Call) -> str:
        return self.store.version.api_link(call.api_url)

    def _right_error(self) -> ApiError:
        return ApiError(403, "ERROR_RIGHT_MISSING", NO_PERMISSION)

    def _get_item(self, call: Call, itemtype: str, item_id: int) -> tuple[Any, dict[str, str]]:
        actor = call.actor
        assert actor is not None
        it = ITEMTYPES[itemtype]
        row = self.store.query_one(f"SELECT * FROM {it.table} WHERE id = ?", (item_id,))
        if row is None:
            raise ApiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
        if not self.store.can_read(actor, itemtype, row):
            raise self._right_error()
        p = call.params
        fields = {k: row[k] for k in it.public_columns}
        if itemtype == "Ticket":
            fields = self.store.version.ticket_fields(fields)
        if php_truthy(p.get("with_documents", False)):
            if itemtype == "Ticket":
                docs = []
                for d in self.store.ticket_documents_for(actor, item_id):
                    d["filesize"] = d.pop("x_filesize", 0)
                    docs.append(d)
                fields["_documents"] = docs
            elif not self.store.can_view_type(actor, "Document"):
                fields["_documents"] = {"error": 401, "message": NO_PERMISSION}
            else:
                fields["_documents"] = []
        if php_truthy(p.get("with_logs", False)):
            if actor.profile is None or not actor.profile.central_read:
                fields["_logs"] = {"error": 401, "message": NO_PERMISSION}
            else:
                fields["_logs"] = self.store.query(
                    "SELECT * FROM glpi_logs WHERE itemtype = ? AND items_id = ?",
                    (itemtype, item_id),
                )
        for flag, key in (
            ("with_tickets", "_tickets"),
            ("with_problems", "_problems"),
            ("with_changes", "_changes"),
        ):
            if php_truthy(p.get(flag, False)) and itemtype != "Ticket":
                fields[key] = []
        fields = self._parse_dropdowns(fields, call)
        if php_truthy(p.get("get_hateoas", True)):
            links = fields.setdefault("links", [])
            for child in it.hateoas:
                links.append(
                    {"rel": child, "href": f"{self._links(call)}/{itemtype}/{item_id}/{child}/"}
                )
            if not links:
                fields.pop("links")
        headers: dict[str, str] = {}
        if row.get("date_mod"):
            headers["Last-Modified"] = self.cfg.http_date(parse(row["date_mod"]))
        if php_truthy(p.get("get_sha1", False)):
            encoded = encode_deep(fields)
            digest = hashlib.sha1(
                json.dumps(encoded, ensure_ascii=False, separators=(",", ":")).encode()
            ).hexdigest()
            return digest, headers
        keys_names = as_list(p.get("add_keys_names"))
        if keys_names:
            fields["_keys_names"] = self._keys_names(row, keys_names, itemtype)
        return self._finish(fields, call), headers

    def _finish(self, fields: dict[str, Any], call: Call) -> dict[str, Any]:
        """Escape every text like GLPI's DB content; decode top-level strings on request."""
        return self.store.version.item_text(fields, sanitized=call.sanitized)

    def _keys_names(self, row: dict[str, Any], keys: list[Any], itemtype: str) -> dict[str, Any]:
        names: dict[str, Any] = {}
        for key in keys:
            key = str(key)
            if key == "id":
                target_type, target_id = itemtype, row.get("id")
            else:
                if key not in row:
                    continue
                target_id = row[key]
                target_type = (
                    TABLE_TO_ITEMTYPE.get(table_for_fkey(key), "") if is_foreign_key(key) else ""
                )
            names[key] = self._friendly(target_type, target_id)
        return names

    def _friendly(self, itemtype: str, item_id: Any) -> str:
        try:
            iid = int(item_id or 0)
        except (TypeError, ValueError):
            return ""
        if itemtype == "User":
            return self.store.friendly_name(iid) if iid else ""
        it = ITEMTYPES.get(itemtype)
        if it is None or not iid and itemtype != "Entity":
            return ""
        col = "completename" if "completename" in it.columns else "name"
        return str(self.store.scalar(f"SELECT {col} FROM {it.table} WHERE id = ?", (iid,)) or "")

    def _dropdown_name(self, table: str, value: int) -> Any:
        itemtype = TABLE_TO_ITEMTYPE.get(table)
        it = ITEMTYPES.get(itemtype or "")
        if it is None:
            return "&nbsp;"
        if itemtype == "User":
            login = self.store.scalar("SELECT name FROM glpi_users WHERE id = ?", (value,))
            return login if login is not None else ""
        col = "completename" if "completename" in it.columns else "name"
        if col not in it.columns:
            return f"{itemtype} {value}" if itemtype else ""
        name = self.store.scalar(f"SELECT {col} FROM {it.table} WHERE id = ?", (value,))
        return "&nbsp;" if name is None else name

    def _parse_dropdowns(self, fields: Any, call: Call) -> Any:
        """API::parseDropdowns: links for foreign keys, names with expand_dropdowns (recursive)."""
        expand = php_truthy(call.params.get("expand_dropdowns", False))
        hateoas = php_truthy(call.params.get("get_hateoas", True))
        if isinstance(fields, list):
            return [self._parse_dropdowns(v, call) for v in fields]
        if not isinstance(fields, dict):
            return fields
        out: dict[str, Any] = {}
        links: list[dict[str, Any]] = (
            list(fields.get("links", [])) if isinstance(fields.get("links"), list) else []
        )
        for key, value in fields.items():
            if key == "links":
                continue
            if isinstance(value, list | dict):
                value = self._parse_dropdowns(value, call)
            if is_foreign_key(key):
                fk = key
                if key == "items_id" and isinstance(fields.get("itemtype"), str):
                    target = ITEMTYPES.get(fields["itemtype"])
                    fk = target.table[5:] + "_id" if target else key
                if value not in (None, "", 0, "0") or (
                    fk == "entities_id" and isinstance(value, int) and value >= 0
                ):
                    table = table_for_fkey(fk)
                    rel = TABLE_TO_ITEMTYPE.get(
                        table, table[5:-1].capitalize() if table.endswith("s") else table
                    )
                    if hateoas and isinstance(value, int):
                        links.append({"rel": rel, "href": f"{self._links(call)}/{rel}/{value}"})
                    if expand and isinstance(value, int):
                        value = self._dropdown_name(table, value)
            out[key] = value
        if links:
            out["links"] = links
        return out

    def _get_items(self, call: Call, itemtype: str) -> Response:
        actor = call.actor
        assert actor is not None
        it = ITEMTYPES[itemtype]
        p = call.params
        if not self.store.can_view_type(actor, itemtype):
            raise self._right_error()
        rng = p.get("range", f"0-{LIST_LIMIT - 1}")
        m = re.fullmatch(r"([0-9]+)-([0-9]+)", str(rng))
        if not m:
            raise ApiError(
                400, "ERROR", "range must be in format : [start-end] with integers", doc=True
            )
        start, end = php_intval(m.group(1)), php_intval(m.group(2))
        limit = min(end - start + 1, INT_MAX)
        order = str(p.get("order", "ASC"))
        if order.upper() not in ("ASC", "DESC"):
            raise ApiError(400, "ERROR", "order must be DESC or ASC", doc=True)
        sort = str(p.get("sort", "id"))
        if sort not in it.columns or sort.startswith("x_"):
            raise ApiError(400, "ERROR", f"sort param is not a field of {it.table}", doc=True)
        where, params = self.store.collection_scope(actor, itemtype)
        if it.maybe_deleted:
            where += f" AND {it.table}.is_deleted = ?"
            params = [*params, 1 if php_truthy(p.get("is_deleted", False)) else 0]
        if "parent_itemtype" in p and "parent_id" in p:
            parent_type = str(p["parent_itemtype"])
            parent_id = php_intval(p["parent_id"] or 0)
            parent_it = ITEMTYPES[parent_type]
            parent = self.store.query_one(
                f"SELECT * FROM {parent_it.table} WHERE id = ?", (parent_id,)
            )
            if parent is None:
                raise ApiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
            if not self.store.can_read(actor, parent_type, parent):
                raise self._right_error()
            fk_parent = parent_it.table[5:] + "_id"
            if fk_parent in it.columns:
                where += f" AND {it.table}.{fk_parent} = ?"
                params = [*params, parent_id]
            elif "itemtype" in it.columns and "items_id" in it.columns:
                where += f" AND {it.table}.itemtype = ? AND {it.table}.items_id = ?"
                params = [*params, parent_type, parent_id]
            else:
                where += " AND 0 = 1"
            if parent_type == "Ticket":
                extra, extra_params = self.store.child_filter(actor, itemtype)
                where += f" AND {extra}"
                params = [*params, *extra_params]
        search_text = p.get("searchText")
        if isinstance(search_text, dict):
            for col, val in search_text.items():
                if col in it.columns and not php_empty(val):
                    where += f' AND {it.table}."{col}" LIKE ?'
                    params = [*params, f"%{val}%"]
        with self.store.lock:
            total = int(self.store.scalar(f"SELECT COUNT(*) FROM {it.table} WHERE {where}", params))
            rows = self.store.query(
                f'SELECT * FROM {it.table} WHERE {where} ORDER BY "{sort}" {order.upper()} LIMIT ? OFFSET ?',
                [*params, max(limit, 0), start],
            )
        if start > total:
            raise ApiError(
                400,
                "ERROR_RANGE_EXCEED_TOTAL",
                f"Provided range exceed total count of data: {total}",
                doc=True,
            )
        keys_names = as_list(p.get("add_keys_names"))
        result = []
        for row in rows:
            fields: dict[str, Any] = {k: row[k] for k in it.public_columns}
            if itemtype == "Ticket":
                fields = self.store.version.ticket_fields(fields)
            if keys_names:
                fields["_keys_names"] = self._keys_names(row, keys_names, itemtype)
            if php_truthy(p.get("only_id", False)):
                fields = {"id": row["id"]}
            fields = self._parse_dropdowns(fields, call)
            if php_truthy(p.get("get_hateoas", True)) and it.hateoas:
                links = fields.setdefault("links", [])
                for child in it.hateoas:
                    links.append(
                        {
                            "rel": child,
                            "href": f"{self._links(call)}/{itemtype}/{row['id']}/{child}/",
                        }
                    )
            result.append(self._finish(fields, call))
        # APIRest::call computes the headers from the raw range (default 0-list_limit).
        if "range" in p:
            h_start, h_end = start, end
        else:
            h_start, h_end = 0, LIST_LIMIT
        h_end = min(h_end, total - 1)
        code = 206 if h_end - h_start + 1 < total else 200
        headers = {"Accept-Range": f"{itemtype} 1000"}
        if total > 0:
            headers["Content-Range"] = f"{h_start}-{h_end}/{total}"
        return JsonResponse(result, status_code=code, headers=headers)

    def _maybe_download(self, call: Call, doc_id: int) -> Response | None:
        wants = (
            call.params.get("alt") == "media"
            or call.request.headers.get("accept") == "application/octet-stream"
        )
        if not wants:
            return None
        row = self.store.query_one("SELECT * FROM glpi_documents WHERE id = ?", (doc_id,))
        if row is None:
            raise ApiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
        actor = call.actor
        if (
            not self.store.version.rest_download_for_self_service
            and actor is not None
            and not self.store.can_view_type(actor, "Document")
        ):
            raise self._right_error()
        return file_response(self.cfg, call.request, row, self.store.document_data(doc_id))

    # ------------------------------------------------------------ writes
    def _input_objects(self, call: Call) -> tuple[list[Any], bool]:
        inp = call.params.get("input")
        if isinstance(inp, dict):
            return [inp], False
        if isinstance(inp, list):
            return inp, True
        raise ApiError(
            400, "ERROR_BAD_ARRAY", "input parameter must be an array of objects", doc=True
        )

    def _create(self, call: Call, itemtype: str) -> Response:
        actor = call.actor
        assert actor is not None
        objects, multiple = self._input_objects(call)
        results: list[dict[str, Any]] = []
        failed = 0
        for index, obj in enumerate(objects):
            data = obj if isinstance(obj, dict) else {}
            files = call.files if index == 0 else []
            try:
                new_id, message, _docs = self.store.api_create(actor, itemtype, dict(data), files)
                res: dict[str, Any] = {"id": new_id, "message": message}
            except ApiError as err:
                if not multiple:
                    raise
                failed += 1
                res = {"id": False, "message": err.message}
            if index == 0 and call.files:
                res["upload_result"] = self._upload_result(call)
                if self._fails_after_create(itemtype, call):
                    return HTMLResponse(FATAL_PAGE, status_code=500)
            results.append(res)
        if not multiple:
            res = results[0]
            out = dict(res)
            if call.sanitized:
                out["message"] = encode_deep(out["message"])
            return JsonResponse(
                out, status_code=201, headers={"location": f"{call.api_url}/{itemtype}/{res['id']}"}
            )
        if failed == len(objects):
            return JsonResponse(["ERROR_GLPI_ADD", results], status_code=400)
        if failed:
            return JsonResponse(["ERROR_GLPI_PARTIAL_ADD", results], status_code=207)
        link = ",".join(f"{call.api_url}/{itemtype}/{r['id']}" for r in results if r["id"])
        return JsonResponse(results, status_code=201, headers={"link": link})

    def _fails_after_create(self, itemtype: str, call: Call) -> bool:
        """GLPI 11 saves a follow-up, then fails on a file it refused: a 500 page."""
        return (
            itemtype == "ITILFollowup"
            and self.store.version.followup_fails_on_refused_file
            and any(getattr(upload, "error", None) for upload in call.files)
        )

    def _upload_result(self, call: Call) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for upload in call.files:
            prefix = hashlib.md5(upload.data + upload.filename.encode()).hexdigest()[:13] + ".0"
            size = upload.size
            if upload.error:
                out.setdefault(upload.field, []).append(
                    {
                        "name": prefix + upload.filename,
                        "size": size,
                        "type": upload.content_type or "application/octet-stream",
                        "error": upload.error,
                        "prefix": prefix,
                        "display": upload.filename,
                    }
                )
                continue
            out.setdefault(upload.field, []).append(
                {
                    "name": prefix + upload.filename,
                    "size": size,
                    "type": upload.content_type or "application/octet-stream",
                    "url": f"{str(call.request.base_url).rstrip('/')}/files/_tmp/{prefix}{upload.filename}",
                    "deleteUrl": f"{call.api_url}?file={prefix}{upload.filename}&_method=DELETE",
                    "deleteType": "DELETE",
                    "prefix": prefix,
                    "display": upload.filename,
                    "filesize": _human_size(size),
                    "id": "doc" + upload.field + prefix[:8],
                }
            )
        return out

    def _update(self, call: Call, itemtype: str, item_id: int | None) -> Response:
        actor = call.actor
        assert actor is not None
        if "input" not in call.params:
            raise ApiError(
                400, "ERROR_BAD_ARRAY", "input parameter must be an array of objects", doc=True
            )
        objects, multiple = self._input_objects(call)
        if (
            not multiple
            and item_id is not None
            and (item_id > 0 or itemtype == "Entity")
            and "id" not in objects[0]
        ):
            objects[0]["id"] = item_id
        results: list[dict[str, Any]] = []
        failed = 0
        for obj in objects:
            if not isinstance(obj, dict) or "id" not in obj:
                results.append({})
                continue
            oid = php_intval(obj["id"])
            try:
                ok, message = self.store.api_update(actor, itemtype, oid, dict(obj))
                results.append({str(oid): ok, "message": message})
            except ApiError as err:
                failed += 1
                if err.message is None:
                    if not multiple:
                        raise
                    continue
                if not multiple:
                    raise
                results.append({str(oid): False, "message": err.message})
        if multiple and failed == len(objects):
            return JsonResponse(["ERROR_GLPI_UPDATE", results], status_code=400)
        if multiple and failed:
            return JsonResponse(["ERROR_GLPI_PARTIAL_UPDATE", results], status_code=207)
        return JsonResponse(results)

    def _delete(self, call: Call, itemtype: str, item_id: int | None) -> Response:
        actor = call.actor
        assert actor is not None
        if item_id is not None:
            objects, multiple = [{"id": item_id}], False
        else:
            objects, multiple = self._input_objects(call)
        purge = filter_bool(call.params.get("force_purge", False))
        results: list[dict[str, Any]] = []
        failed = 0
        for obj in objects:
            if not isinstance(obj, dict) or "id" not in obj:
                continue
            oid = php_intval(obj["id"])
            try:
                ok, message = self.store.api_delete(actor, itemtype, oid, force_purge=purge)
                results.append({str(oid): ok, "message": message})
            except ApiError as err:
                if not multiple:
                    raise
                failed += 1
                results.append({str(oid): False, "message": err.message})
        if multiple and failed == len(objects):
            return JsonResponse(["ERROR_GLPI_DELETE", results], status_code=400)
        if multiple and failed:
            return JsonResponse(["ERROR_GLPI_PARTIAL_DELETE", results], status_code=207)
        return JsonResponse(results)


def _human_size(size: int) -> str:
    units = ["B", "KiB", "MiB", "GiB"]
    value = float(size)
    for unit in units:
        if value < 1024 or unit == units[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    return f"{size} B"


def file_response(
    cfg: HelpdeskConfig, request: Request, row: dict[str, Any], data: bytes
) -> Response:
    """A document's bytes as GLPI sends them (ETag, Last-Modified, 304, the file name in
    Content-Disposition), for the API and for ``front/document.send.php``."""
    etag = hashlib.md5(data).hexdigest()
    modified = cfg.to_utc(parse(row["date_mod"] or row["date_creation"]))
    headers = {
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Etag": etag,
        "Cache-Control": "private",
    }
    inm = request.headers.get("if-none-match")
    ims = request.headers.get("if-modified-since")
    not_modified = inm is not None and inm.strip().strip('"') == etag
    if not not_modified and ims:
        with contextlib.suppress(TypeError, ValueError):
            not_modified = parsedate_to_datetime(ims) >= modified
    if not_modified:
        return Response(status_code=304, headers=headers)
    # PHP's header() refuses control characters: such a name never reaches the wire.
    filename = "".join(c for c in str(row["filename"] or "document") if c >= " ")
    quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
    # PHP sends the UTF-8 bytes as they are; ASGI headers are latin-1 strings.
    quoted = quoted.encode("utf-8").decode("latin-1")
    headers["Content-disposition"] = (
        f"attachment; filename=\"{quoted}\"; filename*=utf-8''{quote(filename)}"
    )
    return Response(
        data, headers=headers, media_type=str(row["mime"] or "application/octet-stream")
    )
