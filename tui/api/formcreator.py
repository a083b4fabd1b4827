"""The support's own forms over the REST API (GLPI 10's Formcreator plugin).

Follows ``shared/docs/glpi-formcreator.md``: only active and visible forms are offered;
opening a form costs two round trips (its sections with every format rule, range and
condition, then the sections' questions, each step's requests sent together); files
are uploaded first and referenced; the ticket is found through ``Item_Ticket``. The
plugin's answer and issue tables leak other users' rows, so they are never queried,
and a file answer only ever names documents uploaded by this submission.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cebox_support.tui.api import errors as E
from cebox_support.tui.api.base import upload_outcome
from cebox_support.tui.api.models import RefusedFile
from cebox_support.tui.api.text import clean_line, clean_terminal, html_to_text
from cebox_support.tui.api.transport import as_id, as_int
from cebox_support.tui.forms.server import (
    Condition,
    FormSummary,
    ServerForm,
    ServerQuestion,
    answer_input,
    translate_php_regex,
)
from cebox_support.tui.forms.values import Attachment
from cebox_support.tui.i18n import _

if TYPE_CHECKING:
    # Called with the façade; at run time this area imports no other (pyproject.toml).
    from cebox_support.tui.api.client import GlpiClient

PAGE = 1000
NO_PLUGIN = "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM"
Progress = Callable[[int, int, str], None]


@dataclass
class _ServerCache:
    catalogue: list[FormSummary] | None = None
    """None until known; an empty list when the server has no Formcreator."""
    has_plugin: bool | None = None
    forms: dict[int, ServerForm] = field(default_factory=dict)


_CACHE: dict[str, _ServerCache] = {}


def _cache(client: GlpiClient) -> _ServerCache:
    return _CACHE.setdefault(client.api_url, _ServerCache())


def cached_catalogue(client: GlpiClient) -> tuple[bool | None, list[FormSummary]]:
    """What is known without asking: (has the plugin?, forms)."""
    entry = _cache(client)
    return entry.has_plugin, list(entry.catalogue or [])


def cached_form(client: GlpiClient, form_id: int) -> ServerForm | None:
    return _cache(client).forms.get(form_id)


def form_url(client: GlpiClient, form_id: int) -> str:
    return f"{client.web_url}/plugins/formcreator/front/formdisplay.php?id={form_id}"


async def _rows(client: GlpiClient, path: str, params: list[tuple[str, str]]) -> list[Any]:
    """Every row of a listing (one request unless there are more than ``PAGE``)."""
    rows: list[Any] = []
    start = 0
    while True:
        response = await client._request(
            "GET", path, params=[*params, ("range", f"{start}-{start + PAGE - 1}")]
        )
        if response.status_code == 200 and not response.content:
            return rows
        body = client._json(response)
        if not isinstance(body, list):
            return rows
        rows.extend(r for r in body if isinstance(r, dict))
        header = response.headers.get("content-range") or ""
        total = as_int(header.rpartition("/")[2]) if "/" in header else None
        start += PAGE
        if response.status_code != 206 or total is None or start >= total or not body:
            return rows


_FORM_LINK = re.compile(r"formdisplay\.php\?id=(\d+)")
_CSRF_META = re.compile(r'<meta property="glpi:csrf_token" content="([^"]+)"')


async def portal_form_ids(client: GlpiClient) -> set[int] | None:
    """The forms the portal itself offers this user (profile restrictions applied),
    read from its web list with the REST token as the web session (GLPI 10); None when
    that list cannot be read (then the REST list of active, visible forms is used)."""
    import httpx
    from cebox_support.tui.api.web import WebSession

    web = WebSession(client)
    if not web.style.token_is_cookie or not client.session_token:
        return None
    try:
        async with web._http(None) as http:
            cookie = await web._token_cookie(http)
            if not cookie:
                return None
            http.cookies.clear()
            name, value = cookie.split("=", 1)
            http.cookies.set(name, value)
            page = await http.get(f"{web.web}/plugins/formcreator/front/formlist.php")
            token = _CSRF_META.search(page.text) if page.status_code == 200 else None
            if token is None:
                return None
            answer = await http.post(
                f"{web.web}/plugins/formcreator/ajax/homepage_wizard.php",
                data={"wizard": "forms"},
                headers={"X-Glpi-Csrf-Token": token.group(1), "X-Requested-With": "XMLHttpRequest"},
            )
    except (httpx.HTTPError, E.GlpiError):
        return None
    if answer.status_code != 200:
        return None
    found = _listed_ids(answer.text)
    # An empty answer is more likely a page we could not read than no form at all.
    return found or None


def _listed_ids(text: str) -> set[int]:
    """The form ids of the portal's list: JSON ``{"forms": [{"id": N, …}]}`` (10.0.12 +
    Formcreator 2.13.10), or links to ``formdisplay.php?id=N`` in an HTML answer."""
    try:
        body = json.loads(text)
    except ValueError:
        return {int(m) for m in _FORM_LINK.findall(text)}
    forms = body.get("forms") if isinstance(body, dict) else None
    if not isinstance(forms, list):
        return set()
    return {
        form_id
        for form in forms
        if isinstance(form, dict) and (form_id := as_int(form.get("id"))) is not None
    }


async def load_catalogue(client: GlpiClient) -> list[FormSummary] | None:
    """The forms offered (active and visible, and offered by the portal when its list
    can be read), or None when the server has no Formcreator."""
    entry = _cache(client)
    visible = [("searchText[is_active]", "1"), ("searchText[is_visible]", "1")]
    portal = asyncio.ensure_future(portal_form_ids(client))
    try:
        forms, categories = await asyncio.gather(
            _rows(client, "PluginFormcreatorForm", visible),
            _rows(client, "PluginFormcreatorCategory", []),
            return_exceptions=False,
        )
    except E.GlpiError as error:
        portal.cancel()
        if error.code == NO_PLUGIN:
            entry.has_plugin, entry.catalogue = False, []
            return None
        if isinstance(error, E.PermissionDenied) and entry.catalogue is None:
            entry.has_plugin, entry.catalogue = False, []
            return None
        raise
    offered = await portal
    names = {
        as_int(c.get("id")): client._line(c.get("completename") or c.get("name") or "")
        for c in categories
    }
    out = []
    for row in forms:
        form_id = as_int(row.get("id"))
        # The API does not filter: check the flags again on what came back.
        if form_id is None or str(row.get("is_active")) != "1":
            continue
        if str(row.get("is_visible", "1")) != "1" or str(row.get("is_deleted", "0")) == "1":
            continue
        if offered is not None and form_id not in offered:
            continue
        out.append(
            FormSummary(
                id=form_id,
                name=client._line(row.get("name") or ""),
                description=clean_line(html_to_text(client._text(row.get("description") or ""))),
                category=names.get(as_int(row.get("plugin_formcreator_categories_id")), ""),
            )
        )
    out.sort(key=lambda f: (f.category.casefold(), f.name.casefold()))
    entry.has_plugin, entry.catalogue = True, out
    return out


def _conditions(rows: list[dict[str, Any]], itemtype: str) -> dict[int, list[Condition]]:
    out: dict[int, list[Condition]] = {}
    for row in sorted(rows, key=lambda r: (as_int(r.get("order")) or 0, as_int(r.get("id")) or 0)):
        if row.get("itemtype") != itemtype:
            continue
        items_id, tested = (
            as_int(row.get("items_id")),
            as_int(row.get("plugin_formcreator_questions_id")),
        )
        if items_id is None or tested is None:
            continue
        out.setdefault(items_id, []).append(
            Condition(
                question_id=tested,
                op=as_int(row.get("show_condition")) or 1,
                value=str(row.get("show_value") or ""),
                logic=as_int(row.get("show_logic")) or 1,
            )
        )
    return out


def _float(value: Any) -> float | None:
    try:
        return float(str(value).replace(",", ".")) if str(value).strip() else None
    except ValueError:
        return None


def _choices(client: GlpiClient, raw: Any) -> list[str]:
    """``values`` is a JSON string (possibly HTML-escaped by an old server)."""
    text = client._text(raw or "")
    try:
        decoded = json.loads(text) if text.strip() else []
    except ValueError:
        decoded = [line for line in text.splitlines() if line.strip()]
    if not isinstance(decoded, list):
        return []
    return [clean_line(str(v)) for v in decoded if str(v).strip()]


async def load_form(client: GlpiClient, summary: FormSummary) -> ServerForm:
    """The whole form in two round trips; cached for the next opening."""
    sections, regexes, ranges, conditions = await asyncio.gather(
        _rows(client, f"PluginFormcreatorForm/{summary.id}/PluginFormcreatorSection", []),
        _rows(client, "PluginFormcreatorQuestionRegex", []),
        _rows(client, "PluginFormcreatorQuestionRange", []),
        _rows(client, "PluginFormcreatorCondition", []),
    )
    sections.sort(key=lambda s: (as_int(s.get("order")) or 0, as_int(s.get("id")) or 0))
    per_section = await asyncio.gather(
        *(
            _rows(client, f"PluginFormcreatorSection/{s.get('id')}/PluginFormcreatorQuestion", [])
            for s in sections
        )
    )
    regex = {
        as_int(r.get("plugin_formcreator_questions_id")): str(r.get("regex") or "") for r in regexes
    }
    bounds = {
        as_int(r.get("plugin_formcreator_questions_id")): (
            _float(r.get("range_min")),
            _float(r.get("range_max")),
        )
        for r in ranges
    }
    q_conditions = _conditions(conditions, "PluginFormcreatorQuestion")
    s_conditions = _conditions(conditions, "PluginFormcreatorSection")
    questions: list[ServerQuestion] = []
    for section, rows in zip(sections, per_section, strict=True):
        rows.sort(
            key=lambda q: (
                as_int(q.get("row")) or 0,
                as_int(q.get("col")) or 0,
                as_int(q.get("id")) or 0,
            )
        )
        section_id = as_int(section.get("id")) or 0
        for row in rows:
            qid = as_int(row.get("id"))
            if qid is None:
                continue
            raw_regex = client._text(regex.get(qid, ""))
            low, high = bounds.get(qid, (None, None))
            questions.append(
                ServerQuestion(
                    id=qid,
                    label=client._line(row.get("name") or ""),
                    fieldtype=str(row.get("fieldtype") or ""),
                    required=str(row.get("required")) == "1",
                    choices=_choices(client, row.get("values")),
                    description=clean_terminal(
                        html_to_text(client._text(row.get("description") or ""))
                    ).strip(),
                    default=client._text(row.get("default_values") or ""),
                    regex=raw_regex,
                    pattern=translate_php_regex(raw_regex) if raw_regex else None,
                    range_min=low,
                    range_max=high,
                    show_rule=as_int(row.get("show_rule")) or 1,
                    conditions=q_conditions.get(qid, []),
                    section=client._line(section.get("name") or ""),
                    section_rule=as_int(section.get("show_rule")) or 1,
                    section_conditions=s_conditions.get(section_id, []),
                )
            )
    form = ServerForm(
        id=summary.id,
        name=summary.name,
        description=summary.description,
        category=summary.category,
        url=form_url(client, summary.id),
        questions=questions,
    )
    _cache(client).forms[summary.id] = form
    return form


async def find_my_answer(client: GlpiClient, form_id: int, *, since: datetime) -> int | None:
    """After a send of this form whose outcome nobody saw: my newest answer to it dated
    from `since` (by the server's clock), if the server has one."""
    rows = await _rows(
        client,
        "PluginFormcreatorFormAnswer",
        [("searchText[plugin_formcreator_forms_id]", str(int(form_id)))],
    )
    found: int | None = None
    for row in rows:
        if as_int(row.get("plugin_formcreator_forms_id")) != int(form_id):
            continue
        if client.me is not None and as_int(row.get("requester_id")) != client.me.id:
            continue
        dated = client.parse_date(row.get("request_date") or row.get("date_creation"))
        answer_id = as_int(row.get("id"))
        if dated is None or dated < since or answer_id is None:
            continue
        found = max(found or 0, answer_id)
    return found


@dataclass
class FormSubmission:
    """What happened; ``ticket_id`` is set once the server created the ticket."""

    ticket_id: int | None = None
    uploaded: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, E.GlpiError]] = field(default_factory=list)
    error: E.GlpiError | None = None
    answer_id: int | None = None
    """The form answer, once the server confirmed it: a retry only looks for its ticket."""
    refused: list[tuple[Path, RefusedFile]] = field(default_factory=list)
    """Files GLPI did not keep: nothing was sent after them."""
    compressed: list[Path] = field(default_factory=list)
    """.gz copies sent in place of files refused for their type."""
    maybe_sent: bool = False
    """The answers went out but no reply came back: the ticket may exist."""


async def _upload_unlinked(client: GlpiClient, path: Path) -> int | RefusedFile:
    """The document's id, or why GLPI did not keep the file (a 201 with an error in
    ``upload_result``: the answer would then name an empty document)."""
    body = client._json(await client._multipart("Document", {"name": path.name}, [path]))
    doc_id = as_id(body.get("id")) if isinstance(body, dict) else None
    refused = upload_outcome(body, [path.name], item_id=doc_id).refused
    if refused:
        return refused[0]
    if doc_id is None:
        raise E.NotGlpi(_("The server did not confirm the upload."))
    return doc_id


def _attachments(values: Mapping[str, object]) -> dict[str, list[Attachment]]:
    return {
        key: [a for a in value if isinstance(a, Attachment)]
        for key, value in values.items()
        if isinstance(value, list) and value and isinstance(value[0], Attachment)
    }


async def submit_form(
    client: GlpiClient,
    form: ServerForm,
    values: Mapping[str, object],
    *,
    progress: Progress | None = None,
    answer_id: int | None = None,
    substitute: Callable[[Path, RefusedFile], Path | None] | None = None,
) -> FormSubmission:
    """Upload the files, send the answers, find the ticket, make sure the files reach it.

    Never raises ``GlpiError``: a refusal is in ``error`` (its ``detail`` is the
    plugin's own message). With ``answer_id`` (an earlier result's), nothing is sent
    again: only the ticket is looked for and the files checked on it."""
    files = _attachments(values)
    total = sum(len(v) for v in files.values()) + 1
    done = 0
    result = FormSubmission(answer_id=answer_id)

    def step(label: str) -> None:
        if progress is not None:
            progress(done, total, label)

    doc_ids: dict[str, list[int]] = {}
    uploaded: dict[int, Attachment] = {}
    if answer_id is None:
        for key, attachments in files.items():
            for attachment in attachments:
                step(_("Sending {name}…").format(name=attachment.name))
                try:
                    doc_id = await _upload_unlinked(client, attachment.path)
                    if isinstance(doc_id, RefusedFile) and doc_id.compressible and substitute:
                        copy = substitute(attachment.path, doc_id)
                        if copy is not None:
                            doc_id = await _upload_unlinked(client, copy)
                            if not isinstance(doc_id, RefusedFile):
                                result.compressed.append(copy)
                except E.GlpiError as error:
                    result.error = error
                    return result
                if isinstance(doc_id, RefusedFile):
                    result.refused.append((attachment.path, doc_id))
                    continue
                doc_ids.setdefault(key, []).append(doc_id)
                uploaded[doc_id] = attachment
                done += 1
        if result.refused:
            return result  # said before anything is created, with the .gz offer
        step(_("Creating the ticket…"))
        plain = {k: v for k, v in values.items() if k not in files}
        try:
            response = await client._request(
                "POST",
                "PluginFormcreatorFormAnswer",
                json_body={"input": answer_input(form, plain, doc_ids)},
            )
        except E.GlpiError as error:
            result.error = error
            result.maybe_sent = bool(getattr(error, "uncertain", False))
            return result
        body = client._json(response) if response.content else None
        result.answer_id = as_id(body.get("id")) if isinstance(body, dict) else None
        if result.answer_id is None:
            result.error = E.InvalidRequest(_("The server does not know this form any more."))
            return result
    try:
        links = await _rows(
            client, f"PluginFormcreatorFormAnswer/{result.answer_id}/Item_Ticket", []
        )
    except E.GlpiError as error:
        result.error = error
        return result
    result.ticket_id = next((t for t in (as_int(r.get("tickets_id")) for r in links) if t), None)
    done += 1
    if result.ticket_id is None:
        result.error = E.NotGlpi(_("The form was sent, but the server gives no ticket for it."))
        return result
    everything = [a for attachments in files.values() for a in attachments]
    if everything:
        try:
            on_ticket = (await client.get_ticket(result.ticket_id)).documents
        except E.GlpiError:
            on_ticket = []
        ids = {d.id for d in on_ticket}
        names = {d.filename for d in on_ticket}
        for attachment in everything:
            sent_id = next((d for d, a in uploaded.items() if a is attachment), None)
            if (sent_id is not None and sent_id in ids) or (
                sent_id is None and attachment.name in names
            ):
                result.uploaded.append(attachment.path)
                continue
            # The form's target left the file out: attach it to the ticket itself.
            try:
                await client.upload_document(result.ticket_id, attachment.path)
            except E.GlpiError as error:
                result.failed.append((attachment.path, error))
            else:
                result.uploaded.append(attachment.path)
    step(_("Done."))
    return result
