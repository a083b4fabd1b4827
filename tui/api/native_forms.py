"""GLPI 11's native forms, through the web routes the browser uses.

The REST API refuses every form itemtype to a Self-Service customer and the
High-Level API has no form routes (``shared/docs/glpi11-forms.md``), so the forms are
read and answered as the portal does, with a web session: the service catalog
(HTML), a form's page (HTML: the ``data-glpi-form-renderer-*`` hooks are read, the
layout is not), the condition engine (JSON), the uploader (a 23-character prefix on
every file name), then ValidateAnswers and SubmitAnswers. What the form created is
read over REST as usual. The parsers are pure functions, so they are tested on the
pages a real GLPI 11.0.8 served.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import mimetypes
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

import httpx
from cebox_support.tui.api import errors as E
from cebox_support.tui.api.models import RefusedFile
from cebox_support.tui.api.text import clean_line, clean_terminal, html_to_text
from cebox_support.tui.api.transport import open_at_size
from cebox_support.tui.forms.server import FormSummary, ServerForm, ServerQuestion
from cebox_support.tui.forms.values import Attachment
from cebox_support.tui.i18n import _
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from cebox_support.tui.api.client import GlpiClient

PAGE_SIZE = 12
"""Forms per page of the service catalog (GLPI 11.0)."""
MAX_PAGES = 20
PREFIX_LENGTH = 23
NOT_ALLOWED = "The action you have requested is not allowed."
Progress = Callable[[int, int, str], None]


# -- models ------------------------------------------------------------------------------


class Visibility(BaseModel):
    """The condition engine's answer: what is shown for the answers given."""

    form: bool = True
    sections: dict[int, bool] = Field(default_factory=dict)
    questions: dict[int, bool] = Field(default_factory=dict)


class UploadedFile(BaseModel):
    """A file the uploader kept: its stored name (prefix + name) and the prefix."""

    name: str
    prefix: str
    display: str = ""


class AnswerError(BaseModel):
    """One refusal of ValidateAnswers, on its question, in the user's GLPI language."""

    question_id: int
    question_name: str = ""
    message: str = ""


class Catalogue(BaseModel):
    """The forms the service catalog offers this customer."""

    forms: list[FormSummary] = Field(default_factory=list)
    categories: dict[int, str] = Field(default_factory=dict)


# -- parsers (pure) ----------------------------------------------------------------------


def _soup(page: str) -> BeautifulSoup:
    from bs4 import BeautifulSoup

    return BeautifulSoup(page, "html.parser")


def _line(value: Any) -> str:
    return clean_line(html.unescape(str(value or "")))


def parse_csrf(page: str) -> str | None:
    """The page's ``glpi:csrf_token`` (reusable with the AJAX headers)."""
    match = re.search(r'<meta\s+property="glpi:csrf_token"\s+content="([0-9a-fA-F]{16,128})"', page)
    return match.group(1) if match else None


_RENDER_LINK = re.compile(r"/Form/Render/(\d+)(?:\?[^\"'#]*)?$")
_CATEGORY_LINK = re.compile(r"[?&]category=(\d+)")


def parse_catalogue(page: str, *, category: str = "") -> tuple[list[FormSummary], dict[int, str]]:
    """One page of ``/ServiceCatalog/Items``: its forms (links to ``/Form/Render/N`` with
    their title and description) and its category tiles (``?category=N``)."""
    soup = _soup(page)
    forms: list[FormSummary] = []
    categories: dict[int, str] = {}
    seen: set[int] = set()
    for link in soup.find_all("a", href=True):
        href = str(link.get("href") or "")
        title = link.find(["h2", "h3"])
        name = _line(title.get_text(" ")) if title is not None else ""
        form = _RENDER_LINK.search(href)
        if form is not None:
            form_id = int(form.group(1))
            if form_id in seen or not name:
                continue
            seen.add(form_id)
            described = link.find(True, attrs={"data-testid": "service-catalog-description"})
            text = html_to_text(described.decode_contents()) if described is not None else ""
            forms.append(
                FormSummary(
                    id=form_id,
                    name=name,
                    description=clean_line(text),
                    category=category,
                )
            )
            continue
        tile = _CATEGORY_LINK.search(href)
        if tile is not None and name:
            categories.setdefault(int(tile.group(1)), name)
    return forms, categories


def _question_type(soup: BeautifulSoup, qid: int) -> tuple[str, list[str], list[str], str]:
    """(fieldtype, choice labels, choice keys, why unsupported) from the inputs named
    after the question; the rich-text editor's own uploader does not make a file."""
    name = f"answers_{qid}"
    textarea = soup.find("textarea", attrs={"name": name})
    if textarea is not None:
        return "textarea", [], [], ""
    for multiple, select_name in ((False, name), (True, f"{name}[]")):
        select = soup.find("select", attrs={"name": select_name})
        if select is None:
            continue
        labels, keys = [], []
        for option in select.find_all("option"):
            value = str(option.get("value") or "")
            label = _line(option.get_text(" "))
            if value in ("", "0") or not label:
                continue
            labels.append(label)
            keys.append(value)
        if not labels or select.has_attr("data-glpi-ajax-dropdown"):
            return "native:dropdown", [], [], "dropdown"  # fed by AJAX: browser only
        multiple = multiple or select.has_attr("multiple")
        return ("multiselect" if multiple else "select"), labels, keys, ""
    for kind, input_name in (("radios", name), ("checkboxes", f"{name}[]")):
        boxes = soup.find_all(
            "input",
            attrs={"name": input_name, "type": kind[:-1] if kind == "radios" else "checkbox"},
        )
        if not boxes:
            continue
        labels, keys = [], []
        for box in boxes:
            value = str(box.get("value") or "")
            label = ""
            if box.get("id"):
                tag = soup.find("label", attrs={"for": box["id"]})
                label = _line(tag.get_text(" ")) if tag is not None else ""
            wrapper = box.find_parent("label")
            if not label and wrapper is not None:
                label = _line(wrapper.get_text(" "))
            label = label or _line(box.get("aria-label") or value)
            if value and label:
                labels.append(label)
                keys.append(value)
        return kind, labels, keys, ""
    field_input = soup.find("input", attrs={"name": name})
    if field_input is not None:
        kind = str(field_input.get("type") or "text").lower()
        step = str(field_input.get("step") or "any")
        mapped = {
            "text": "text",
            "email": "email",
            "number": "integer" if step.isdigit() else "float",
            "date": "date",
            "datetime-local": "datetime",
            "time": "time",
        }.get(kind)
        if mapped is not None:
            return mapped, [], [], ""
        return f"native:{kind}", [], [], kind
    uploader = soup.find("input", attrs={"type": "file", "data-uploader-name": name})
    if uploader is not None:
        return "file", [], [], ""
    return "native:other", [], [], ""


def _description(section: Tag) -> str:
    """The question's help text: the first block under its heading that holds no input."""
    heading = section.find("h3")
    for block in section.find_all("div"):
        if heading is not None and block in heading.parents:
            continue
        if block.find(["input", "select", "textarea", "button"]) is not None:
            continue
        text = clean_terminal(html_to_text(block.decode_contents())).strip()
        if text:
            return text
    return ""


def parse_render(
    page: str, *, form_id: int, url: str, summary: FormSummary | None = None
) -> ServerForm:
    """``/Form/Render/N`` as the console's form model: questions in page order, their
    section, mandatory mark, description, choices (with the keys the answer takes)
    and whether the server hides them for the empty answers."""
    soup = _soup(page)
    section_names: dict[str, str] = {}
    section_ids: dict[str, int] = {}
    hidden_sections: set[str] = set()
    for index, element in enumerate(
        soup.find_all(True, attrs={"data-glpi-form-renderer-section": True})
    ):
        if element.has_attr("data-glpi-form-renderer-hidden-by-condition"):
            hidden_sections.add(str(index))
        if str(section_id := element.get("data-glpi-form-renderer-id") or "").isdigit():
            section_ids[str(index)] = int(str(section_id))
        heading = element.find(["h2", "h3"])
        name = element.get("aria-label") or (heading.get_text(" ") if heading is not None else "")
        section_names[str(index)] = _line(name)
    questions: list[ServerQuestion] = []
    for element in soup.find_all(True, attrs={"data-glpi-form-renderer-question": True}):
        raw_id = str(element.get("data-glpi-form-renderer-id") or "")
        if not raw_id.isdigit():
            continue
        qid = int(raw_id)
        heading = element.find("h3")
        required = bool(heading is not None and heading.find("span", class_="text-danger"))
        label = element.get("aria-label") or ""
        if not label and heading is not None:
            label = heading.get_text(" ").replace("*", "")
        fieldtype, choices, keys, _why = _question_type(soup, qid)
        parent = str(element.get("data-glpi-form-renderer-parent-section"))
        section = section_names.get(parent, "")
        questions.append(
            ServerQuestion(
                id=qid,
                label=_line(label) or f"#{qid}",
                fieldtype=fieldtype,
                required=required,
                choices=choices,
                choice_keys=keys,
                description=_description(element),
                section=section if len(section_names) > 1 else "",
                section_id=section_ids.get(parent),
                shown_by_server=parent not in hidden_sections
                and not element.has_attr("data-glpi-form-renderer-hidden-by-condition"),
            )
        )
    title = soup.find(True, attrs={"data-testid": "form-title"}) or soup.find("title")
    name = summary.name if summary is not None else ""
    if not name and title is not None:
        name = _line(title.get_text(" ")).removesuffix(" - GLPI")
    return ServerForm(
        id=form_id,
        name=name or f"#{form_id}",
        description=summary.description if summary is not None else "",
        category=summary.category if summary is not None else "",
        url=url,
        questions=questions,
        native=True,
    )


def apply_visibility(form: ServerForm, seen: Visibility) -> ServerForm:
    """The form with each question shown or hidden as the condition engine said: a
    question of a section the engine hides is hidden whatever is said of the question
    itself (the browser hides the whole section), so its answer is neither asked nor
    sent."""
    copy = form.model_copy(deep=True)
    for q in copy.questions:
        section = seen.sections.get(q.section_id) if q.section_id is not None else None
        if q.id not in seen.questions and section is None:
            continue
        shown = seen.questions.get(q.id, q.shown_by_server is not False)
        q.shown_by_server = seen.form and shown and section is not False
    return copy


def _int_keys(raw: Any) -> dict[int, bool]:
    if not isinstance(raw, dict):
        return {}  # PHP encodes an empty map as []
    return {int(k): bool(v) for k, v in raw.items() if str(k).isdigit()}


def parse_visibility(body: Any) -> Visibility:
    if not isinstance(body, dict):
        raise E.NotGlpi(_("The server's condition engine did not answer as expected."))
    return Visibility(
        form=bool(body.get("form_visibility", True)),
        sections=_int_keys(body.get("sections_visibility")),
        questions=_int_keys(body.get("questions_visibility")),
    )


def parse_upload(body: Any, field_name: str, filename: str) -> UploadedFile | RefusedFile:
    """The uploader's answer for one file: kept (its stored name and prefix) or refused."""
    items = body.get(field_name) if isinstance(body, dict) else None
    item = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None
    if item is None:
        raise E.NotGlpi(_("The server did not confirm the upload of {name}.").format(name=filename))
    error = item.get("error")
    if error:
        reason = clean_line(str(error))[:200]
        kind = {"filetype not allowed": "type", "file is too big": "size"}.get(
            reason.lower(), "other"
        )
        return RefusedFile(name=filename, reason=reason, kind=kind)
    stored, prefix = str(item.get("name") or ""), str(item.get("prefix") or "")
    if not stored or not prefix or not stored.startswith(prefix) or stored == prefix:
        raise E.NotGlpi(_("The server did not confirm the upload of {name}.").format(name=filename))
    return UploadedFile(name=stored, prefix=prefix, display=filename)


def parse_validation(body: Any) -> list[AnswerError]:
    """ValidateAnswers: [] when all is well, else every refusal at once."""
    if not isinstance(body, dict) or "success" not in body:
        raise E.NotGlpi(_("The server did not check the answers as expected."))
    if body.get("success") is True:
        return []
    errors = []
    for row in body.get("errors") or []:
        if not isinstance(row, dict) or not str(row.get("question_id", "")).isdigit():
            continue
        errors.append(
            AnswerError(
                question_id=int(row["question_id"]),
                question_name=_line(row.get("question_name")),
                message=_line(row.get("message")),
            )
        )
    if not errors:
        errors.append(AnswerError(question_id=0, message=_("The server refused the answers.")))
    return errors


_TICKET_LINK = re.compile(r"ticket\.form\.php\?id=(\d+)")


def parse_created(body: Any) -> int | None:
    """The ticket id in SubmitAnswers' ``links_to_created_items`` (None: no ticket)."""
    links = body.get("links_to_created_items") if isinstance(body, dict) else None
    for link in links if isinstance(links, list) else []:
        match = _TICKET_LINK.search(str(link))
        if match:
            return int(match.group(1))
    return None


def upload_prefix(now: float | None = None) -> str:
    """PHP's ``uniqid('', true)``: 13 hex digits of the clock and 10 of entropy (23 in
    all); GLPI strips the first 23 characters of every uploaded name."""
    now = time.time() if now is None else now
    seconds, micros = int(now), int((now - int(now)) * 1_000_000)
    prefix = f"{seconds:08x}{micros:05x}{random.uniform(0, 9.99999999):.8f}"
    assert len(prefix) == PREFIX_LENGTH
    return prefix


# -- answers -----------------------------------------------------------------------------


def _key_of(q: ServerQuestion, label: str) -> str:
    for choice, key in zip(q.choices, q.choice_keys, strict=False):
        if choice == label:
            return key
    return label


def _answer_value(q: ServerQuestion, value: object) -> str | list[str] | None:
    if value is None:
        return None
    if q.fieldtype in ("select", "radios"):
        return _key_of(q, str(value))
    if q.fieldtype in ("multiselect", "checkboxes"):
        items = value if isinstance(value, list) else [value]
        return [_key_of(q, str(v)) for v in items]
    if q.fieldtype == "textarea":
        text = str(value)
        return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in text.split("\n"))
    text = str(value)
    if q.fieldtype == "datetime" and len(text) >= 16:
        return text[:10] + "T" + text[11:16]
    if q.fieldtype == "time" and len(text) >= 5:
        return text[:5]
    return text


def answer_fields(
    form: ServerForm,
    values: Mapping[str, object],
    files: Mapping[str, Sequence[UploadedFile]],
    *,
    shown: Mapping[str, bool] | None = None,
) -> list[tuple[str, str]]:
    """The body of ValidateAnswers and SubmitAnswers: ``answers_ID`` per shown question,
    lists as ``answers_ID[]``, files as three parallel arrays. Hidden questions are
    left out (the server would drop them anyway)."""
    out: list[tuple[str, str]] = [("forms_id", str(form.id))]
    for q in form.questions:
        if not q.answers or (shown is not None and shown.get(q.key) is False):
            continue
        name = f"answers_{q.id}"
        if q.fieldtype == "file":
            for index, uploaded in enumerate(files.get(q.key, ())):
                out.append((f"_{name}[{index}]", uploaded.name))
                out.append((f"_prefix_{name}[{index}]", uploaded.prefix))
                out.append((f"_tag_{name}[{index}]", str(uuid.uuid4())))
            continue
        value = _answer_value(q, values.get(q.key))
        if isinstance(value, list):
            out.extend((f"{name}[]", v) for v in value)
        else:
            out.append((name, value or ""))
    return out


def condition_fields(form: ServerForm, values: Mapping[str, object]) -> list[tuple[str, str]]:
    """The body of ``/Form/Condition/Engine``: ``answers[ID]`` for what is answered."""
    out: list[tuple[str, str]] = [("form_id", str(form.id))]
    for q in form.questions:
        if not q.answers or q.fieldtype == "file":
            continue
        value = _answer_value(q, values.get(q.key))
        if isinstance(value, list):
            out.extend((f"answers[{q.id}][]", v) for v in value)
        elif value:
            out.append((f"answers[{q.id}]", value))
    return out


# -- the web conversation ----------------------------------------------------------------


@dataclass
class _ServerCache:
    catalogue: Catalogue | None = None
    forms: dict[int, ServerForm] = field(default_factory=dict)


_CACHE: dict[str, _ServerCache] = {}


def _cache(client: GlpiClient) -> _ServerCache:
    return _CACHE.setdefault(client.api_url, _ServerCache())


def cached_catalogue(client: GlpiClient) -> Catalogue | None:
    return _cache(client).catalogue


def cached_form(client: GlpiClient, form_id: int) -> ServerForm | None:
    return _cache(client).forms.get(form_id)


_CONVERSATIONS: dict[int, NativeForms] = {}


def conversation(client: GlpiClient) -> NativeForms:
    """The one web conversation about forms of this client (its connection and CSRF
    token reused by every screen)."""
    forms = _CONVERSATIONS.get(id(client))
    if forms is None or forms.client is not client:
        forms = _CONVERSATIONS[id(client)] = NativeForms(client)
    return forms


async def end_conversation(client: GlpiClient) -> None:
    """Close the forms' connection of this client (when the workspace closes)."""
    forms = _CONVERSATIONS.pop(id(client), None)
    if forms is not None:
        await forms.close()


def catalogue_order(forms: Sequence[FormSummary]) -> list[FormSummary]:
    """By category, then name, as the Formcreator catalogue (forms without one last)."""
    return sorted(forms, key=lambda f: (f.category == "", f.category.casefold(), f.name.casefold()))


def cached_catalogue_forms(client: GlpiClient) -> tuple[bool | None, list[FormSummary]]:
    """What is known without asking, in the shape of the Formcreator catalogue's."""
    known = cached_catalogue(client)
    return (None, []) if known is None else (True, catalogue_order(known.forms))


async def load_catalogue(client: GlpiClient) -> list[FormSummary]:
    """The service catalog's forms, for the console's catalogue."""
    return catalogue_order((await conversation(client).catalogue()).forms)


async def load_form(client: GlpiClient, summary: FormSummary) -> ServerForm:
    return await conversation(client).render(summary.id, summary=summary)


def form_url(client: GlpiClient, form_id: int, token: str | None = None) -> str:
    return f"{client.web_url}/Form/Render/{form_id}" + (f"?token={token}" if token else "")


_DIRECT_LINK = re.compile(r"/Form/Render/(\d+)(?:\?(?:.*&)?token=([^&#\s]+))?")


def parse_form_link(text: str) -> tuple[int, str | None] | None:
    """``…/Form/Render/N?token=…`` (a direct-access link) → (N, token)."""
    match = _DIRECT_LINK.search(text.strip())
    if match is None:
        return None
    return int(match.group(1)), match.group(2)


def needs_password(client: GlpiClient) -> bool:
    """True when no web session is open (the forms need one on 11)."""
    return not client.web_cookie


@dataclass
class NativeSubmission:
    """What happened; ``ticket_id`` once the server created the ticket."""

    ticket_id: int | None = None
    uploaded: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, RefusedFile]] = field(default_factory=list)
    compressed: list[Path] = field(default_factory=list)
    """.gz copies sent in place of files refused for their type."""
    errors: list[AnswerError] = field(default_factory=list)
    error: E.GlpiError | None = None
    maybe_sent: bool = False
    """SubmitAnswers went out and no clear answer came back: the ticket may exist."""
    already: bool = False
    """Found from an earlier send whose outcome nobody saw: not submitted again."""


class NativeForms:
    """One web conversation about forms with the GLPI 11 of ``client``: its cookie is
    the client's ``web_cookie`` (kept by the session layer), its connection reused."""

    def __init__(self, client: GlpiClient) -> None:
        self.client = client
        self.csrf: str | None = None
        self.server_clock: datetime | None = None
        self._http: httpx.AsyncClient | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _conn(self) -> httpx.AsyncClient:
        if self._http is None:
            kwargs: dict[str, Any] = {
                "timeout": httpx.Timeout(self.client._timeout),
                "follow_redirects": False,
                "headers": {"User-Agent": "Mozilla/5.0 (cebox-support)"},
            }
            lent = self.client.lent_transport()
            if lent is not None:
                kwargs["transport"] = lent
            elif self.client.web_url.startswith("https:"):
                kwargs["verify"] = self.client.ssl_verify()
            self._http = httpx.AsyncClient(**kwargs)
        return self._http

    def _set_cookie(self, cookie: str | None) -> None:
        if cookie != self.client.web_cookie:
            self.client.web_cookie = cookie
            if self.client.on_web_cookie is not None:
                self.client.on_web_cookie(cookie)

    async def sign_in(self, login: str, password: str) -> None:
        """Open the web session with the password (never kept); its cookie is kept."""
        from cebox_support.tui.api.web import WebSession, session_cookie

        web = WebSession(self.client)
        http = self._conn()
        http.cookies.clear()
        try:
            await web._login(http, login, password)
        except httpx.TimeoutException:
            raise E.Timeout(_("The server did not answer in time.")) from None
        except httpx.HTTPError:
            raise E.Unreachable(_("The connection to the server broke.")) from None
        cookie = session_cookie(http.cookies)
        if cookie is None:
            raise E.NotGlpi(_("GLPI's web login did not open a session."))
        self._set_cookie(cookie)

    def _lost(self) -> E.WebLoginRequired:
        self._set_cookie(None)
        self.csrf = None
        if self._http is not None:
            self._http.cookies.clear()
        return E.WebLoginRequired(_("Your GLPI password is needed to use the support's forms."))

    async def _send(
        self,
        method: str,
        path: str,
        *,
        ajax: bool = False,
        write: bool = False,
        content_type: str = "",
        **kwargs: Any,
    ) -> httpx.Response:
        cookie = self.client.web_cookie
        if not cookie or "=" not in cookie:
            if self.client.personal_token:
                raise E.NeedsBrowser(
                    _(
                        "Signed in with a personal API token: the support's forms need a "
                        "sign-in with your password, or your browser."
                    ),
                    url=f"{self.client.web_url}/ServiceCatalog",
                )
            raise self._lost()
        http = self._conn()
        name, value = cookie.split("=", 1)
        http.cookies.set(name, value)
        headers = {"Accept": "application/json"} if ajax else {}
        if content_type:
            headers["Content-Type"] = content_type
        if ajax:
            headers["X-Requested-With"] = "XMLHttpRequest"
            if self.csrf:
                headers["X-Glpi-Csrf-Token"] = self.csrf
        try:
            response = await http.request(
                method, f"{self.client.web_url}{path}", headers=headers, **kwargs
            )
        except httpx.TimeoutException:
            raise E.Timeout(_("The server did not answer in time."), uncertain=write) from None
        except httpx.HTTPError:
            error = E.Unreachable(_("The connection to the server broke."))
            error.uncertain = write
            raise error from None
        self._read_clock(response)
        location = response.headers.get("location", "")
        if response.status_code in (301, 302, 303) and (
            "error=3" in location or "redirect=" in location
        ):
            raise self._lost()
        if response.status_code == 401:
            raise self._lost()
        return response

    def _read_clock(self, response: httpx.Response) -> None:
        """The server's clock (its HTTP Date): what an uncertain submission is looked up
        against, never this machine's clock."""
        with contextlib.suppress(TypeError, ValueError, IndexError):
            when = parsedate_to_datetime(response.headers.get("date", ""))
            if when.tzinfo is not None:
                self.server_clock = when

    def _refusal(self, response: httpx.Response) -> E.GlpiError:
        message = ""
        try:
            body = response.json()
            message = _line(body.get("message")) if isinstance(body, dict) else ""
        except ValueError:
            pass
        if response.status_code == 404:
            return E.NotFound(_("This form does not exist on the server."), status=404)
        if response.status_code == 403:
            return E.PermissionDenied(
                _("This form is not offered to you (inactive, restricted, or link only)."),
                status=403,
                detail=message or None,
            )
        return E.ServerError(
            _("The server failed ({status}).").format(status=response.status_code),
            status=response.status_code,
            detail=message or None,
        )

    async def _post(
        self,
        path: str,
        data: Any,
        *,
        refresh: Callable[[], Any],
        write: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """An AJAX POST; a stale CSRF token (403 "not allowed") is renewed from a page
        and the call repeated once — a refusal there means the web session ended."""
        for attempt in range(2):
            if self.csrf is None:
                await refresh()
            if isinstance(data, list):  # repeated keys (answers_ID[]): httpx takes a map
                body = {
                    "content": urlencode(data),
                    "content_type": "application/x-www-form-urlencoded",
                }
            else:
                body = {"data": data}
            response = await self._send("POST", path, ajax=True, write=write, **body, **kwargs)
            if response.status_code != 403 or NOT_ALLOWED not in response.text:
                return response
            self.csrf = None
            if attempt:
                raise self._lost()
        raise self._lost()  # pragma: no cover - the loop returns or raises

    # -- reads ---------------------------------------------------------------------------

    async def catalogue(self) -> Catalogue:
        """Every form offered (all pages, and the forms inside each category)."""
        forms: dict[int, FormSummary] = {}
        categories: dict[int, str] = {}

        async def pages(category: int | None) -> None:
            name = categories.get(category, "") if category is not None else ""
            for page in range(1, MAX_PAGES + 1):
                params = {
                    "category": "" if category is None else str(category),
                    "filter": "",
                    "page": str(page),
                    "sort_strategy": "",
                }
                response = await self._send("GET", "/ServiceCatalog/Items", params=params)
                if response.status_code != 200:
                    raise self._refusal(response)
                found, tiles = parse_catalogue(response.text, category=name)
                new = [f for f in found if f.id not in forms]
                for f in new:
                    forms[f.id] = f
                for tile_id, tile in tiles.items():
                    categories.setdefault(tile_id, tile)
                if len(found) < PAGE_SIZE or not new:
                    return

        await pages(None)
        done: set[int] = set()
        while set(categories) - done:
            todo = sorted(set(categories) - done)
            done.update(todo)
            await asyncio.gather(*(pages(c) for c in todo))
        result = Catalogue(forms=list(forms.values()), categories=categories)
        _cache(self.client).catalogue = result
        return result

    async def render(
        self, form_id: int, *, token: str | None = None, summary: FormSummary | None = None
    ) -> ServerForm:
        """The form's page, read into the form model (one round trip); cached."""
        params = {"token": token} if token else None
        response = await self._send("GET", f"/Form/Render/{int(form_id)}", params=params)
        if response.status_code != 200:
            raise self._refusal(response)
        self.csrf = parse_csrf(response.text) or self.csrf
        if summary is None:
            known = cached_catalogue(self.client)
            summary = next((f for f in known.forms if f.id == form_id), None) if known else None
        form = parse_render(
            response.text,
            form_id=int(form_id),
            url=form_url(self.client, int(form_id), token),
            summary=summary,
        )
        _cache(self.client).forms[int(form_id)] = form
        return form

    async def _refresh_csrf(self, form: ServerForm) -> None:
        response = await self._send("GET", f"/Form/Render/{form.id}")
        if response.status_code != 200:
            raise self._refusal(response)
        self.csrf = parse_csrf(response.text)

    async def visibility(self, form: ServerForm, values: Mapping[str, object]) -> Visibility:
        """What the server's conditions show for these answers."""
        response = await self._post(
            "/Form/Condition/Engine",
            condition_fields(form, values),
            refresh=lambda: self._refresh_csrf(form),
        )
        if response.status_code != 200:
            raise self._refusal(response)
        return parse_visibility(_json(response))

    async def upload(
        self, question: ServerQuestion, path: Path, form: ServerForm
    ) -> UploadedFile | RefusedFile:
        """One file to the uploader, named with the prefix GLPI strips, streamed from disk
        at the size it had when opened (as every other upload)."""
        field_name = f"_uploader_answers_{question.id}"
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        with open_at_size(path) as part:
            content = cast(IO[bytes], part)
            response = await self._post(
                "/ajax/fileupload.php",
                {"name": field_name, "showfilesize": "false"},
                refresh=lambda: self._refresh_csrf(form),
                files=[(f"{field_name}[]", (upload_prefix() + path.name, content, mime))],
            )
        if response.status_code != 200:
            raise self._refusal(response)
        return parse_upload(_json(response), field_name, path.name)

    async def validate(self, form: ServerForm, body: list[tuple[str, str]]) -> list[AnswerError]:
        response = await self._post(
            "/Form/ValidateAnswers", body, refresh=lambda: self._refresh_csrf(form)
        )
        if response.status_code != 200:
            raise self._refusal(response)
        return parse_validation(_json(response))

    async def submit_answers(self, form: ServerForm, body: list[tuple[str, str]]) -> int:
        """SubmitAnswers → the ticket id. A 500 without a message leaves the outcome
        unknown (GLPI answers so for refusals, and a failure may come after the ticket)."""
        response = await self._post(
            "/Form/SubmitAnswers", body, refresh=lambda: self._refresh_csrf(form), write=True
        )
        if response.status_code == 200:
            ticket = parse_created(_json(response))
            if ticket is None:
                raise E.NotGlpi(_("The form was sent, but the server names no ticket for it."))
            return ticket
        if response.status_code >= 500:
            error = self._refusal(response)
            body_json: Any = None
            with contextlib.suppress(ValueError):
                body_json = response.json()
            errors = body_json.get("errors") if isinstance(body_json, dict) else None
            if isinstance(errors, list) and errors:
                error.detail = "; ".join(_line(e) for e in errors)
            else:
                error.uncertain = True
            raise error
        raise self._refusal(response)

    async def find_created(self, form_id: int, *, since: datetime) -> int | None:
        """After an uncertain SubmitAnswers: the customer's newest ticket dated after
        ``since`` by the server's own clock (its search compares) and linked to this
        form through Item_Ticket."""
        client = self.client
        criteria = [
            {"field": 4, "searchtype": "equals", "value": "myself"},
            {
                "link": "AND",
                "field": 15,
                "searchtype": "morethan",
                "value": client.server_time(since),
            },
        ]
        params = client._search_params(
            criteria, display=(1, 2), sort=2, order="DESC", start=0, count=10
        )
        body = client._json(await client._request("GET", "search/Ticket", params=params))
        rows = body.get("data") if isinstance(body, dict) else None
        ids = [str(r.get("2")) for r in rows or [] if isinstance(r, dict)]
        for ticket_id in (int(i) for i in ids if i.isdigit()):
            response = await client._request("GET", f"Ticket/{ticket_id}/Item_Ticket")
            links = client._json(response) if response.content else []
            for row in links if isinstance(links, list) else []:
                if (
                    isinstance(row, dict)
                    and str(row.get("itemtype") or "") == "Glpi\\Form\\Form"
                    and str(row.get("items_id")) == str(form_id)
                ):
                    return ticket_id
        return None

    # -- sending -------------------------------------------------------------------------

    async def send(
        self,
        form: ServerForm,
        values: Mapping[str, object],
        *,
        since: datetime,
        progress: Progress | None = None,
        substitute: Callable[[Path, RefusedFile], Path | None] | None = None,
        before_submit: Callable[[datetime], None] | None = None,
    ) -> NativeSubmission:
        """Upload the files, validate, submit, read the ticket id. Never raises
        ``GlpiError``: a refusal is in ``error``/``errors``/``refused``. A file refused
        for its type is replaced by ``substitute``'s copy (the .gz) when it gives one;
        any file still refused stops the sending before anything is submitted."""
        result = NativeSubmission()
        attachments = {
            key: [a for a in value if isinstance(a, Attachment)]
            for key, value in values.items()
            if isinstance(value, list) and value and isinstance(value[0], Attachment)
        }
        total = sum(len(v) for v in attachments.values()) + 2
        done = 0

        def step(label: str) -> None:
            if progress is not None:
                progress(done, total, label)

        shown = {q.key: q.shown_by_server is not False for q in form.questions}
        try:
            if self.csrf is None:
                await self._refresh_csrf(form)
            uploads: dict[str, list[UploadedFile]] = {}
            for key, files in attachments.items():
                question = form.question(key)
                if question is None or not shown.get(key, True):
                    continue
                for attachment in files:
                    step(_("Sending {name}…").format(name=attachment.name))
                    kept = await self.upload(question, attachment.path, form)
                    copy = None
                    if isinstance(kept, RefusedFile) and kept.compressible and substitute:
                        copy = substitute(attachment.path, kept)
                        if copy is not None:
                            kept = await self.upload(question, copy, form)
                    if isinstance(kept, RefusedFile):
                        result.refused.append((attachment.path, kept))
                    else:
                        uploads.setdefault(key, []).append(kept)
                        result.uploaded.append(copy or attachment.path)
                        if copy is not None:
                            result.compressed.append(copy)
                    done += 1
            if result.refused:
                return result
            body = answer_fields(form, values, uploads, shown=shown)
            step(_("Checking the answers…"))
            result.errors = await self.validate(form, body)
            done += 1
            if result.errors:
                return result
            step(_("Creating the ticket…"))
            if self.server_clock is not None:  # the validation's answer, just before
                since = self.server_clock - timedelta(seconds=2)
            if before_submit is not None:
                before_submit(since)  # the in-flight record, on disk before it leaves
            try:
                result.ticket_id = await self.submit_answers(form, body)
            except E.GlpiError as error:
                if not error.uncertain:
                    raise
                result.maybe_sent = True
                result.ticket_id = await self.find_created(form.id, since=since)
                if result.ticket_id is None:
                    if error.status is None or error.status < 500:
                        raise  # no answer at all: maybe still on its way
                    result.maybe_sent = False  # looked: GLPI refused it, nothing was made
                    raise E.InvalidRequest(
                        _(
                            "The server refused the answers without saying why; no ticket was created."
                        )
                    ) from None
                result.maybe_sent = False
        except E.GlpiError as error:
            result.error = error
            return result
        done += 1
        step(_("Done."))
        return result


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise E.NotGlpi(_("The server's answer could not be read.")) from None
