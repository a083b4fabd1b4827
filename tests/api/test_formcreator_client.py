"""The console's side of server forms: the client over real HTTP against the embedded
helpdesk with and without Formcreator, and the form rules evaluated locally."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import InvalidRequest
from cebox_support.tui.api.formcreator import (
    _CACHE,
    cached_form,
    load_catalogue,
    load_form,
    submit_form,
)
from cebox_support.tui.forms.schema import FieldKind
from cebox_support.tui.forms.server import (
    ServerForm,
    answer_input,
    to_definition,
    translate_php_regex,
    validate_server_answers,
    visibility,
)

from ..conftest import frozen_now


async def logged(server: Any) -> GlpiClient:
    client = GlpiClient(server.api_url)
    await client.login("post-only", "postonly")
    return client


async def _incident(client: GlpiClient) -> ServerForm:
    forms = await load_catalogue(client)
    assert forms is not None
    summary = next(f for f in forms if f.name == "Déclarer un incident ceBox")
    return await load_form(client, summary)


def _answers(form: ServerForm, **by_label: Any) -> dict[str, Any]:
    out = {}
    for label, value in by_label.items():
        q = form.question(label)
        assert q is not None, label
        out[q.key] = value
    return out


GOOD = {
    "Type d'incident": "Lenteur",
    "Titre": "ceBox lente",
    "Description détaillée": "Tout rame\ndepuis ce matin",
    "Nombre de postes impactés": "12",
    "Nom du compte ceBox": "ACME",
}


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    _CACHE.clear()


async def test_catalogue_offers_only_active_visible_forms_with_categories(fc_helpdesk: Any) -> None:
    client = await logged(fc_helpdesk)
    forms = await load_catalogue(client)
    assert forms is not None
    assert [(f.name, f.category) for f in forms] == [
        ("Déclarer un incident ceBox", "ceBox"),
        ("Ouvrir une demande ceBox", "ceBox"),
    ]
    assert forms[0].description.startswith("Quelque chose ne fonctionne plus")
    await client.close()


async def test_no_plugin_means_no_server_catalogue(helpdesk: Any) -> None:
    client = await logged(helpdesk)
    assert await load_catalogue(client) is None
    await client.close()


async def test_opening_a_form_costs_two_round_trips(fc_helpdesk: Any) -> None:
    client = await logged(fc_helpdesk)
    forms = await load_catalogue(client)
    assert forms is not None
    fc_helpdesk.clear_log()
    form = await load_form(client, forms[0])
    paths = [e.path for e in fc_helpdesk.request_log]
    # Round 1: sections + every regex, range and condition; round 2: each section's questions.
    assert len([p for p in paths if p.endswith("/PluginFormcreatorQuestion")]) == 2
    assert len(paths) == 4 + 2
    assert not any("PluginFormcreatorAnswer" in p or "Issue" in p for p in paths)
    assert cached_form(client, form.id) == form
    await client.close()


async def test_questions_rules_and_conditions_come_from_the_server(fc_helpdesk: Any) -> None:
    client = await logged(fc_helpdesk)
    form = await _incident(client)
    kind = form.question("Type d'incident")
    assert kind is not None and kind.fieldtype == "select" and kind.required
    assert "Intégration au domaine / renommage" in kind.choices
    seats = form.question("Nombre de postes impactés")
    assert seats is not None and (seats.range_min, seats.range_max) == (1, 500)
    ip = form.question("IP ceBox")
    assert ip is not None and ip.pattern is not None and ip.show_rule == 2
    assert [(c.question_id, c.value) for c in ip.conditions] == [(kind.id, "Perte de connexion")]
    name = form.question("Nom ceBox")
    assert name is not None and name.regex and name.pattern is None  # \p{L}: left to the server
    unsupported = form.unsupported()
    assert [q.fieldtype for q in unsupported] == ["glpiselect"]
    definition = to_definition(form)
    note = definition.field(unsupported[0].key)
    assert note.kind is FieldKind.NOTE and note.help is not None
    assert form.url in note.help.en
    await client.close()


async def test_ip_question_shown_only_for_loss_of_connection(fc_helpdesk: Any) -> None:
    client = await logged(fc_helpdesk)
    form = await _incident(client)
    ip = form.question("IP ceBox")
    assert ip is not None
    assert visibility(form, _answers(form, **GOOD))[ip.key] is False
    lost = _answers(form, **{**GOOD, "Type d'incident": "Perte de connexion"})
    assert visibility(form, lost)[ip.key] is True
    await client.close()


async def test_every_problem_is_listed_at_once(fc_helpdesk: Any) -> None:
    client = await logged(fc_helpdesk)
    form = await _incident(client)
    answers = _answers(
        form,
        **{
            "Type d'incident": "Perte de connexion",
            "Titre": "",
            "Nombre de postes impactés": "900",
            "IP ceBox": "10.0.0.999",
            "Nom du compte ceBox": "A",
            "IPv6 ceBox": "zz::1",
        },
    )
    result = validate_server_answers(form, answers, now=frozen_now())
    labels = {form.question(k).label for k in result.errors}  # type: ignore[union-attr]
    assert labels == {
        "Titre",
        "Description détaillée",
        "Nombre de postes impactés",
        "IP ceBox",
        "Nom du compte ceBox",
        "IPv6 ceBox",
    }
    # The hidden question is not checked.
    hidden = _answers(form, **{**GOOD, "IP ceBox": "nonsense"})
    assert validate_server_answers(form, hidden, now=frozen_now()).ok
    await client.close()


async def test_every_text_key_is_sent_even_empty(fc_helpdesk: Any) -> None:
    client = await logged(fc_helpdesk)
    form = await _incident(client)
    result = validate_server_answers(form, _answers(form, **GOOD), now=frozen_now())
    sent = answer_input(form, result.values, {})
    for q in form.questions:
        if q.fieldtype in ("text", "textarea"):
            assert f"formcreator_field_{q.id}" in sent
    await client.close()


async def test_submit_with_a_file_creates_the_ticket_with_me_as_requester(
    fresh_fc_helpdesk: Any, tmp_path: Path
) -> None:
    client = await logged(fresh_fc_helpdesk)
    form = await _incident(client)
    capture = tmp_path / "capture.png"
    capture.write_bytes(b"PNG")
    answers = _answers(
        form,
        **{**GOOD, "Type d'incident": "Perte de connexion", "IP ceBox": "192.168.10.20"},
        **{"Captures et journaux": [str(capture)]},
    )
    result = validate_server_answers(form, answers, now=frozen_now())
    assert result.ok, result.errors
    sent = await submit_form(client, form, result.values)
    assert sent.error is None and sent.ticket_id is not None
    assert sent.uploaded == [capture] and not sent.failed
    detail = await client.get_ticket(sent.ticket_id)
    assert detail.ticket.name == "ceBox lente"
    assert [d.filename for d in detail.documents] == ["capture.png"]
    assert detail.is_requester(3)
    assert "192.168.10.20" in detail.ticket.text
    paths = [e.path for e in fresh_fc_helpdesk.request_log]
    assert not any("PluginFormcreatorAnswer" in p or "PluginFormcreatorIssue" in p for p in paths)
    await client.close()


async def test_a_file_the_target_leaves_out_is_attached_to_the_ticket(
    fresh_fc_helpdesk: Any, tmp_path: Path
) -> None:
    client = await logged(fresh_fc_helpdesk)
    forms = await load_catalogue(client)
    assert forms is not None
    form = await load_form(client, next(f for f in forms if f.name.startswith("Ouvrir")))
    doc = tmp_path / "plan.txt"
    doc.write_text("plan")
    answers = _answers(
        form,
        **{
            "Type de demande": "Renseignement",
            "Titre": "Question",
            "Description": "Comment faire ?",
            "Services concernés": ["ceBox", "Console"],
            "Date souhaitée": "28/11/2026",
            "Heure de rappel": "14h30",
            "E-mail de contact": "a@example.com",
            "Budget (k€)": "2,5",
            "Documents": [str(doc)],
        },
    )
    result = validate_server_answers(form, answers, now=frozen_now())
    assert result.ok, result.errors
    assert result.values[form.question("Heure de rappel").key] == "14:30:00"  # type: ignore[union-attr]
    sent = await submit_form(client, form, result.values)
    assert sent.ticket_id is not None and sent.error is None
    detail = await client.get_ticket(sent.ticket_id)
    assert [d.filename for d in detail.documents] == ["plan.txt"]
    assert detail.ticket.type == 2
    await client.close()


async def test_the_servers_refusal_is_reported_with_its_message(fresh_fc_helpdesk: Any) -> None:
    client = await logged(fresh_fc_helpdesk)
    form = await _incident(client)
    # A rule the console leaves to the server (\p{L}): the plugin refuses.
    answers = _answers(form, **{**GOOD, "Nom ceBox": "cebox_42"})
    result = validate_server_answers(form, answers, now=frozen_now())
    assert result.ok
    sent = await submit_form(client, form, result.values)
    assert sent.ticket_id is None
    assert isinstance(sent.error, InvalidRequest) or sent.error is not None
    assert sent.error.detail == "Specific format does not match: Nom ceBox"
    await client.close()


@pytest.mark.parametrize(
    ("php", "python"),
    [
        ("/^[0-9]+$/", "^[0-9]+$"),
        ("/^abc$/i", "(?i)^abc$"),
        ("#^a/b$#", "^a/b$"),
        ("/^a\\z/", "^a\\Z"),
        ("/^[\\p{L}]+$/u", None),
        ("/^[[:alpha:]]+$/", None),
        ("/a++/", None),
        ("/(?<name>x)/", None),
        ("/unclosed", None),
        ("/x/e", None),
        ("/[/", None),
    ],
)
def test_php_regexes_are_translated_only_when_safe(php: str, python: str | None) -> None:
    assert translate_php_regex(php) == python


async def test_without_the_portal_list_the_rest_list_is_used(
    fc_helpdesk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The portal applies profile restrictions; when its list cannot be read, the
    active and visible forms of the REST API are offered (a restricted one included)."""

    async def unreadable(client: GlpiClient) -> None:
        return None

    client = await logged(fc_helpdesk)
    forms = await load_catalogue(client)
    assert forms is not None and len(forms) == 2
    assert "Demande d'intervention sur site" not in [f.name for f in forms]
    monkeypatch.setattr("cebox_support.tui.api.formcreator.portal_form_ids", unreadable)
    forms = await load_catalogue(client)
    assert forms is not None
    assert "Demande d'intervention sur site" in [f.name for f in forms]
    await client.close()


class LoseFormAnswer(httpx.AsyncBaseTransport):
    """Real HTTP, but the answer to the first form answer is lost on the way back."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if (
            request.method == "POST"
            and request.url.path.endswith("/PluginFormcreatorFormAnswer")
            and not self.lost
        ):
            await response.aread()
            self.lost += 1
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_lost_answer_is_reported_as_maybe_sent(fresh_fc_helpdesk: Any) -> None:
    client = GlpiClient(fresh_fc_helpdesk.api_url, transport=LoseFormAnswer(), read_retries=0)
    await client.login("post-only", "postonly")
    form = await _incident(client)
    before = fresh_fc_helpdesk.store.count("tickets")
    result = validate_server_answers(form, _answers(form, **GOOD), now=frozen_now())
    sent = await submit_form(client, form, result.values)
    assert sent.ticket_id is None and sent.maybe_sent and sent.answer_id is None
    assert fresh_fc_helpdesk.store.count("tickets") == before + 1  # it did happen
    await client.close()


async def test_a_confirmed_answer_is_never_sent_again(fresh_fc_helpdesk: Any) -> None:
    client = await logged(fresh_fc_helpdesk)
    form = await _incident(client)
    result = validate_server_answers(form, _answers(form, **GOOD), now=frozen_now())
    first = await submit_form(client, form, result.values)
    assert first.answer_id is not None and first.ticket_id is not None
    fresh_fc_helpdesk.clear_log()
    again = await submit_form(client, form, result.values, answer_id=first.answer_id)
    assert again.ticket_id == first.ticket_id
    assert [e for e in fresh_fc_helpdesk.request_log if e.method == "POST"] == []
    await client.close()
