"""GLPI 11's web routes for native forms, as the transcript records them.

``/ServiceCatalog`` and ``/ServiceCatalog/Items`` (HTML), ``/Form/Render/N`` (HTML with
the ``data-glpi-form-renderer-*`` hooks), ``/Form/Condition/Engine``,
``/Form/ValidateAnswers``, ``/Form/SubmitAnswers`` and ``/ajax/fileupload.php`` (JSON),
behind the web session and GLPI 11's CSRF rule: a token sent as ``X-Glpi-Csrf-Token``
with ``X-Requested-With: XMLHttpRequest`` is checked and kept, one sent as
``_glpi_csrf_token`` in a body is used up.
"""

from __future__ import annotations

import html
import json
import mimetypes
import secrets
import time
from typing import Any
from urllib.parse import quote, urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .base import Actor, SessionRow
from .native_forms import (
    CHECKBOX,
    DATETIME,
    DROPDOWN,
    EMAIL,
    FILE,
    ITEM_DROPDOWN,
    LONG_TEXT,
    NUMBER,
    OBSERVER,
    PREFIX_LEN,
    RADIO,
    SHORT_TEXT,
    URGENCIES,
    URGENCY,
    USER_DEVICE,
    Answers,
    NativeForms,
    SubmissionRefused,
    decode_json,
    ticket_link,
)
from .params import php_intval, php_parse_str
from .web import NOT_ALLOWED, Web

PAGE_SIZE = 12
HTML = "text/html; charset=UTF-8"
NO_RIGHT = "You don't have permission to perform this action."
EXPIRED = "Your session has expired. Please log in again."
ILLUSTRATION_TITLES = {"report-issue": "Report an issue", "request-service": "Request a service"}


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True).replace("&#x27;", "&#039;")


def _rid() -> int:
    return secrets.randbelow(2_000_000_000)


def _page(title: str, body: str, csrf: str | None, status: int = 200) -> HTMLResponse:
    meta = f'<meta property="glpi:csrf_token" content="{csrf}" />\n' if csrf else ""
    doc = (
        '<!DOCTYPE html>\n<html lang="en_GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)} - GLPI</title>\n{meta}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return HTMLResponse(doc, status_code=status, media_type=HTML)


def _json_response(content: Any, status: int = 200, **headers: str) -> Response:
    return Response(
        json.dumps(content), status_code=status, media_type="application/json", headers=headers
    )


def _rich(text: Any) -> str:
    """A description as GLPI shows it: HTML as stored, plain text in a paragraph."""
    value = "" if text is None else str(text)
    if not value.strip():
        return ""
    return value if value.lstrip().startswith("<") else f"<p>{_e(value)}</p>"


class NativeFormsWeb:
    def __init__(self, forms: NativeForms, web: Web) -> None:
        self.forms = forms
        self.web = web
        self.store = forms.store

    def routes(self) -> list[Route]:
        return [
            Route("/ServiceCatalog", self.catalog, methods=["GET"]),
            Route("/ServiceCatalog/Items", self.catalog_items, methods=["GET"]),
            Route("/Form/Render/{form_id}", self.render, methods=["GET"]),
            Route("/Form/Condition/Engine", self.engine, methods=["POST"]),
            Route("/Form/ValidateAnswers", self.validate, methods=["POST"]),
            Route("/Form/SubmitAnswers", self.submit, methods=["POST"]),
            Route("/ajax/fileupload.php", self.upload, methods=["POST"]),
        ]

    # ------------------------------------------------------------- refusals
    @staticmethod
    def _ajax(request: Request) -> bool:
        return request.headers.get("x-requested-with", "").lower() == "xmlhttprequest"

    @staticmethod
    def _wants_json(request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "")

    def _error(
        self,
        request: Request,
        status: int,
        title: str,
        message: str,
        session: SessionRow | None = None,
    ) -> Response:
        """GLPI's ErrorController: JSON when asked for with ``Accept``, else a page."""
        if self._wants_json(request):
            return _json_response(
                {"error": True, "title": title, "message": message, "trace": None}, status
            )
        csrf = self.web.new_csrf(session) if session is not None else None
        body = (
            '<div class="card-body">\n<div role="alert" class="alert alert-danger'
            f' alert-important">\n<div class="alert-title">{_e(title)}</div>\n'
            f"<div>{_e(message)}</div>\n</div>\n</div>"
        )
        return _page(title, body, csrf, status)

    def _user(self, request: Request) -> tuple[SessionRow, Actor] | Response:
        """The signed-in user, or GLPI's answer to a request without one (D3–D5)."""
        session = self.web._session(request)
        actor = None
        if session is not None and session.users_id is not None and not session.password_expired:
            actor = self.store.actor_for(session)
        if session is not None and actor is not None:
            return session, actor
        if self._ajax(request) or request.method != "GET":
            return self._error(request, 401, "Invalid request", EXPIRED)
        target = quote(request.url.path + "?" + request.url.query, safe="")
        response = RedirectResponse(f"/?redirect={target}&error=3", status_code=302)
        if session is None:
            fresh, _created = self.web._ensure_session(request)
            self.web._set_cookie(response, fresh.token)
        return response

    def _csrf_ok(self, request: Request, session: SessionRow | None, body: dict[str, Any]) -> bool:
        """CheckCsrfListener: the AJAX header token is checked and kept; a body token is
        single-use."""
        if session is None:
            return False
        if self._ajax(request):
            token = request.headers.get("x-glpi-csrf-token")
            tokens: dict[str, float] = session.data.get("csrf", {})
            return isinstance(token, str) and tokens.get(token, 0) >= time.time()
        return self.web.check_csrf(session, body.get("_glpi_csrf_token"))

    async def _body(self, request: Request) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
        """The POST's fields with PHP's array keys, and the raw multipart items."""
        ctype = request.headers.get("content-type", "")
        if "multipart/form-data" in ctype:
            form = await request.form(max_files=50, max_fields=2000)
            items = list(form.multi_items())
            fields = [(k, v) for k, v in items if not isinstance(v, UploadFile)]
            return php_parse_str(urlencode(fields)), items
        raw = await request.body()
        return php_parse_str(raw.decode("utf-8", "replace")), []

    async def _post(
        self, request: Request
    ) -> tuple[SessionRow, Actor, dict[str, Any], list[tuple[str, Any]]] | Response:
        body, items = await self._body(request)
        session = self.web._session(request)
        if not self._csrf_ok(request, session, body):
            return self._error(request, 403, "Access denied", NOT_ALLOWED, session)
        who = self._user(request)
        if isinstance(who, Response):
            return who
        return who[0], who[1], body, items

    def _form_for(
        self,
        request: Request,
        session: SessionRow,
        actor: Actor,
        form_id: int,
        token: str | None = None,
    ) -> dict[str, Any] | Response:
        form = self.forms.form(form_id) if form_id > 0 else None
        if form is None:
            return self._error(
                request, 404, "Item not found", "The requested item has not been found.", session
            )
        tokens = session.data.get("form_tokens", {})
        token = token or tokens.get(str(form_id))
        if not self.forms.can_answer(form, actor, token):
            return self._error(request, 403, "Access denied", NO_RIGHT, session)
        return form

    # -------------------------------------------------------------- catalog
    async def catalog(self, request: Request) -> Response:
        who = self._user(request)
        if isinstance(who, Response):
            return who
        session, actor = who
        items = self._items_html(actor, request.query_params)
        body = (
            '<div class="page"><h1 class="page title mb-0">New ticket</h1>\n'
            '<input type="search" name="filter" data-glpi-service-catalog-filter-items>\n'
            f'<div data-glpi-service-catalog-items="">\n{items}\n</div></div>'
        )
        return _page("New ticket", body, self.web.new_csrf(session))

    async def catalog_items(self, request: Request) -> Response:
        who = self._user(request)
        if isinstance(who, Response):
            return who
        _session, actor = who
        return HTMLResponse(self._items_html(actor, request.query_params), media_type=HTML)

    def _items_html(self, actor: Actor, params: Any) -> str:
        """The fragment ``/ServiceCatalog/Items`` answers: category tiles and form cards
        (12 a page), forms by popularity then name unless ``sort_strategy`` says."""
        offered = self.forms.offered(actor)
        wanted = str(params.get("filter", "") or "").strip().casefold()
        category = php_intval(params.get("category", "") or 0)
        cards: list[str] = []
        if wanted:
            forms = [
                f
                for f in offered
                if wanted in str(f["name"]).casefold()
                or wanted in str(f["description"] or "").casefold()
            ]
            tiles: list[dict[str, Any]] = []
        else:
            forms = [f for f in offered if int(f["forms_categories_id"] or 0) == category]
            tiles = [
                c
                for c in self.forms.categories()
                if int(c["forms_categories_id"] or 0) == category
                and self._category_offers(int(c["id"]), offered)
            ]
        strategy = str(params.get("sort_strategy", "") or "popularity")
        if strategy == "alphabetical":
            forms.sort(key=lambda f: str(f["name"]).casefold())
        elif strategy == "reverse_alphabetical":
            forms.sort(key=lambda f: str(f["name"]).casefold(), reverse=True)
        else:
            forms.sort(key=lambda f: (-int(f["usage_count"] or 0), str(f["name"]).casefold()))
        for tile in tiles:
            cards.append(
                self._card(
                    f"/ServiceCatalog?category={int(tile['id'])}",
                    str(tile["name"]),
                    tile["description"],
                    str(tile["illustration"] or "request-service"),
                    ' data-glpi-service-catalog-category="' + str(int(tile["id"])) + '"',
                )
            )
        for form in forms:
            cards.append(
                self._card(
                    f"/Form/Render/{int(form['id'])}",
                    str(form["name"]),
                    form["description"],
                    str(form["illustration"] or "request-service"),
                )
            )
        page = max(php_intval(params.get("page", "") or 1), 1)
        shown = cards[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        pages = max((len(cards) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        pager = (
            f'<nav data-glpi-service-catalog-pagination data-page="{page}"'
            f' data-pages="{pages}"></nav>'
        )
        return "\n".join(shown) + "\n" + pager

    def _category_offers(self, category_id: int, offered: list[dict[str, Any]]) -> bool:
        if any(int(f["forms_categories_id"] or 0) == category_id for f in offered):
            return True
        return any(
            self._category_offers(int(c["id"]), offered)
            for c in self.forms.categories()
            if int(c["forms_categories_id"] or 0) == category_id
        )

    @staticmethod
    def _card(href: str, name: str, description: Any, illustration: str, extra: str = "") -> str:
        label = f"service-catalog-tree-{_rid()}"
        svg_title = ILLUSTRATION_TITLES.get(illustration, illustration)
        return f"""<a
        class="card mx-1 my-2 flex-grow-1 "
                    href="{_e(href)}"{extra}
            >
        <section
            class="card-body"
            aria-labelledby="{label}"
        >
            <div class="d-flex">
<svg role="img" width="100px" height="100px" class="flex-shrink-0">
    <title>{_e(svg_title)}</title>
    <use xlink:href="/lib/glpi-project/illustrations/glpi-illustrations-icons.svg#{_e(illustration)}"/>
</svg>
                <div class="ms-4">
                    <div class="d-flex mb-2 align-items-center">
                        <h2
                            id="{label}"
                            class="card-title mb-0"
                        >
                            {_e(name)}
                        </h2>
                    </div>
                    <div
                        class="text-secondary remove-last-tinymce-margin"
                        data-testid="service-catalog-description"
                    >
                        {_rich(description)}
                    </div>
                </div>
            </div>
        </section>
    </a>"""

    # --------------------------------------------------------------- render
    async def render(self, request: Request) -> Response:
        who = self._user(request)
        if isinstance(who, Response):
            return who
        session, actor = who
        form_id = php_intval(request.path_params["form_id"])
        token = request.query_params.get("token")
        form = self._form_for(request, session, actor, form_id, token)
        if isinstance(form, Response):
            return form
        if token:
            # The link's token is kept in the session: the submission needs no token (C16).
            session.data.setdefault("form_tokens", {})[str(form_id)] = token
            self.store.save_session_data(session.token, session.data)
        csrf = self.web.new_csrf(session)
        form_token = self.web.new_csrf(session)
        return _page(str(form["name"]), self._form_html(form, form_token), csrf)

    def _form_html(self, form: dict[str, Any], form_token: str) -> str:
        form_id = int(form["id"])
        sections_visible, questions_visible = self.forms.visibility(form_id, Answers())
        questions = self.forms.questions(form_id)
        sections = self.forms.sections(form_id)
        parts = [
            '<div class="container">',
            '<h1 class="page title mb-0">Forms</h1>',
            '<h1 class="form-title mb-2" aria-label="Form title" data-testid="form-title">',
            f"                    {_e(form['name'])}",
            "</h1>",
        ]
        if form["header"]:
            parts.append(f'<div class="form-header">{_rich(form["header"])}</div>')
        parts.append(
            '<form\n        id="forms_form_answers"\n        method="POST"\n'
            '        action="/Form/SubmitAnswers"\n                class="pointer-events-none"\n'
            '        data-glpi-form-render-layout=""\n    >'
        )
        parts.append(f'<input type="hidden" name="forms_id" value="{form_id}">')
        for index, section in enumerate(sections):
            hidden = (
                ""
                if sections_visible.get(int(section["id"]), True)
                else "\n    data-glpi-form-renderer-hidden-by-condition"
            )
            parts.append(
                f'<section\n    aria-label="{_e(section["name"])}"\n'
                f'    data-glpi-form-renderer-section="{index}"\n'
                f'    data-glpi-form-renderer-id="{int(section["id"])}"\n'
                f'    data-glpi-form-renderer-uuid="{_e(section["uuid"])}"\n'
                f"    data-glpi-form-renderer-criteria{hidden}\n>"
            )
            if len(sections) > 1:
                parts.append(f'<h2 class="mb-3">{_e(section["name"])}</h2>')
                if section["description"]:
                    parts.append(f'<div class="mb-3">{_rich(section["description"])}</div>')
            for q in questions:
                if int(q["forms_sections_id"]) == int(section["id"]):
                    visible = questions_visible.get(int(q["id"]), True)
                    parts.append(self._question_html(q, index, visible))
            parts.append("</section>")
        parts.append(
            '<button type="submit" class="btn btn-primary" data-glpi-form-renderer-action-submit>'
            "Submit</button>"
        )
        parts.append(f'<input type="hidden" name="_glpi_csrf_token" value="{form_token}">')
        parts.append("</form>\n</div>")
        return "\n".join(parts)

    def _question_html(self, q: dict[str, Any], section_index: int, visible: bool) -> str:
        qid = int(q["id"])
        mandatory = bool(q["is_mandatory"])
        star = '\n        <span class="text-danger">*</span>' if mandatory else ""
        hidden = "" if visible else "\n    data-glpi-form-renderer-hidden-by-condition"
        description = (
            f'\n<div class="text-secondary mb-2">{_rich(q["description"])}</div>'
            if q["description"]
            else ""
        )
        return (
            f'<section\n    aria-label="{_e(q["name"])}"\n    class=" mb-3"\n'
            f'    style="flex: 1;"\n'
            f'    data-glpi-form-renderer-parent-section="{section_index}"\n'
            f'    data-glpi-form-renderer-id="{qid}"\n'
            f'    data-glpi-form-renderer-uuid="{_e(q["uuid"])}"\n'
            f"    data-glpi-form-renderer-question\n"
            f"    data-glpi-form-renderer-criteria{hidden}\n>\n"
            f'<h3 class="mb-2 ">\n        {_e(q["name"])}{star}\n</h3>{description}\n'
            f"{self._input_html(q)}\n</section>"
        )

    def _input_html(self, q: dict[str, Any]) -> str:
        qid = int(q["id"])
        name = f"answers_{qid}"
        label = _e(q["name"])
        required = "required" if q["is_mandatory"] else ""
        default = _e(q["default_value"] or "")
        extra = decode_json(q["extra_data"], {}) or {}
        kind = q["type"]
        if kind in (SHORT_TEXT, EMAIL, NUMBER):
            html_type = {SHORT_TEXT: "text", EMAIL: "email", NUMBER: "number"}[kind]
            step = '\n                                    step="any"' if kind == NUMBER else ""
            return (
                f'<input\n                type="{html_type}"\n                class="form-control"\n'
                f'                name="{name}"\n                value="{default}"\n'
                f'                aria-label="{label}"\n                {required}{step}\n'
                "                            >"
            )
        if kind == LONG_TEXT:
            # The rich-text editor carries an uploader for pasted images: not a file question.
            return (
                f'<textarea class="form-control "\n            id="{name}_{_rid()}" name="{name}"'
                f' rows="3"\n            style="width: 100%;"\n'
                f'                                        aria-label="{label}"\n'
                f"            >{default}</textarea>\n" + self._uploader(qid)
            )
        if kind == FILE:
            return self._uploader(qid)
        if kind in (DROPDOWN, URGENCY, USER_DEVICE):
            multiple = kind == DROPDOWN and bool(extra.get("is_multiple_dropdown"))
            options: dict[str, str]
            if kind == URGENCY:
                options = {str(k): v for k, v in URGENCIES.items()}
            elif kind == USER_DEVICE:
                options = {}
            else:
                options = {str(k): str(v) for k, v in (extra.get("options") or {}).items()}
            field = f"{name}[]" if multiple else name
            lines = [
                f"<select name='{field}' id='dropdown_{name}{_rid()}' style='width: 100%'"
                f" class=\"form-select\" size='1' aria-label='{label}'"
                + (" multiple" if multiple else "")
                + ">"
            ]
            if not multiple:
                lines.append("<option value='0'>-----</option>")
            for key, text in options.items():
                selected = " selected" if key == str(q["default_value"] or "") else ""
                lines.append(f"<option value='{_e(key)}'{selected}>{_e(text)}</option>")
            lines.append("</select>")
            return "\n".join(lines)
        if kind in (RADIO, CHECKBOX):
            html_type = "radio" if kind == RADIO else "checkbox"
            field = name if kind == RADIO else f"{name}[]"
            lines = []
            for key, text in (extra.get("options") or {}).items():
                input_id = f"{name}_{_rid()}"
                lines.append(
                    f'<div class="form-check">\n<input type="{html_type}"'
                    f' class="form-check-input" id="{input_id}" name="{field}"'
                    f' value="{_e(key)}">\n<label class="form-check-label" for="{input_id}">'
                    f"{_e(text)}</label>\n</div>"
                )
            return "\n".join(lines)
        if kind == DATETIME:
            html_type = (
                "datetime-local"
                if extra.get("is_date_enabled", True) and extra.get("is_time_enabled")
                else ("time" if extra.get("is_time_enabled") else "date")
            )
            return (
                f'<input\n                type="{html_type}"\n                class="form-control"\n'
                f'                name="{name}"\n                value="{default}"\n'
                f'                aria-label="{label}"\n                {required}\n            >'
            )
        if kind == ITEM_DROPDOWN:
            itemtype = _e(extra.get("itemtype", ""))
            return (
                f'<input type="hidden" name="{name}[itemtype]" value="{itemtype}">\n'
                f"<select name='{name}[items_id]' id='dropdown_{name}[items_id]{_rid()}'"
                f" style='width: 100%' class=\"form-select\" size='1' aria-label='{label}'"
                " data-glpi-ajax-dropdown>\n<option value='0' selected>-----</option>\n</select>"
            )
        if kind == OBSERVER:
            return (
                f"<select name='{name}[]' id='dropdown_{name}[]{_rid()}' style='width: 100%'"
                f" class=\"form-select\" multiple aria-label='{label}' data-actor-type='observer'"
                " data-glpi-ajax-dropdown>\n</select>"
            )
        return f'<div class="text-muted" data-unsupported-question-type="{_e(kind)}"></div>'

    @staticmethod
    def _uploader(qid: int) -> str:
        return (
            f"<input id='fileupload{_rid()}' type='file' name='_uploader_answers_{qid}[]'\n"
            "                      class='form-control'\n"
            "                      \n"
            f"                      data-testid='file-upload-answers_{qid}'\n"
            f'                      data-uploader-name="answers_{qid}"\n'
            "                      data-url='/ajax/fileupload.php'\n"
            f'                      data-form-data=\'{{"name": "_uploader_answers_{qid}",'
            ' "showfilesize": true}\'>'
        )

    # ---------------------------------------------------------------- JSON
    async def engine(self, request: Request) -> Response:
        posted = await self._post(request)
        if isinstance(posted, Response):
            return posted
        session, actor, body, _items = posted
        form = self._form_for(request, session, actor, php_intval(body.get("form_id") or 0))
        if isinstance(form, Response):
            return form
        sections, questions = self.forms.visibility(int(form["id"]), Answers.from_engine(body))
        return _json_response(
            {
                "form_visibility": True,
                "sections_visibility": {str(k): v for k, v in sections.items()},
                "questions_visibility": {str(k): v for k, v in questions.items()},
                "comments_visibility": [],
            }
        )

    async def validate(self, request: Request) -> Response:
        posted = await self._post(request)
        if isinstance(posted, Response):
            return posted
        session, actor, body, _items = posted
        form = self._form_for(request, session, actor, php_intval(body.get("forms_id") or 0))
        if isinstance(form, Response):
            return form
        errors = self.forms.errors(int(form["id"]), Answers.from_submission(body))
        return _json_response({"success": not errors, "errors": errors})

    async def submit(self, request: Request) -> Response:
        posted = await self._post(request)
        if isinstance(posted, Response):
            return posted
        session, actor, body, _items = posted
        form = self._form_for(request, session, actor, php_intval(body.get("forms_id") or 0))
        if isinstance(form, Response):
            return form
        try:
            ticket_id, title = self.forms.submit(form, actor, Answers.from_submission(body))
        except SubmissionRefused as refused:
            return _json_response({"errors": refused.errors}, 500)
        if self.forms.take_submit_fault():
            return _json_response({"errors": []}, 500)
        return _json_response({"links_to_created_items": [ticket_link(ticket_id, title)]})

    async def upload(self, request: Request) -> Response:
        """``ajax/fileupload.php``: GLPI strips the first 23 characters of the name it
        gets (the browser's uniqid prefix) to find the real one."""
        posted = await self._post(request)
        if isinstance(posted, Response):
            return posted
        _session, actor, body, items = posted
        param = str(body.get("name") or "")
        base = str(request.base_url).rstrip("/")
        out = []
        for key, value in items:
            if not isinstance(value, UploadFile) or key not in (param, f"{param}[]"):
                continue
            data = await value.read()
            name = value.filename or ""
            mime = value.content_type or mimetypes.guess_type(name)[0] or ""
            problem = self.store.upload_error(name, len(data))
            if problem is not None:
                out.append({"name": name, "size": len(data), "type": mime, "error": problem})
                continue
            self.forms.keep_upload(name, data, mime, actor.user_id)
            real = name[PREFIX_LEN:]
            size = _size(len(data))
            out.append(
                {
                    "name": name,
                    "size": len(data),
                    "type": mime,
                    "url": f"{base}/files/{quote(name)}",
                    "deleteUrl": f"{base}/index.php?{param[:-1]}={quote(name)}",
                    "deleteType": "DELETE",
                    "prefix": name[:PREFIX_LEN],
                    "display": f"{real} {size}",
                    "filesize": size,
                    "id": f"doc{param}{_rid()}",
                }
            )
        return _json_response(
            {param: out}, 200, **{"Content-Disposition": 'inline; filename="files.json"'}
        )


def _size(size: int) -> str:
    """Toolbox::getSize."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{round(value, 2):g} {unit}"
        value /= 1024
    return f"{size} B"
