"""render_ticket: structured, escaped HTML for technicians; describe_fields for the CLI."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from cebox_support.tui.forms import (
    FormDefinition,
    ValidationResult,
    describe_fields,
    load_forms,
    render_ticket,
    validate_answers,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NOW = datetime(2026, 11, 28, 10, 0)
HOSTILE = '<script>alert("x")</script> & <b>bold</b> <img src=x onerror=alert(1)>'


def forms() -> dict[str, FormDefinition]:
    loaded, _ = load_forms()
    return {f.id: f for f in loaded}


@pytest.fixture(scope="module")
def incident() -> FormDefinition:
    return forms()["incident"]


def full_answers(tmp_path: Path) -> dict[str, str | list[str]]:
    shot = tmp_path / "capture <1>.png"
    shot.write_bytes(b"\x89PNG" + b"\0" * 2000)
    return {
        "type": "domain",
        "title": "Renommage & <échec>",
        "description": "Premier paragraphe <i>.\nSuite.\n\nSecond paragraphe.",
        "account": "acme & co",
        "workstations": "3",
        "started_at": "hier 9h",
        "actions_taken": "Redémarrage <br>",
        "cebox_ipv6": "2001:db8::10",
        "cebox_ip": "192.0.2.10",
        "cebox_name": "cebox-042",
        "console_description": "La console affiche <une erreur>",
        "documents": [str(shot)],
    }


def test_full_render_in_french(incident: FormDefinition, tmp_path: Path) -> None:
    result = validate_answers(incident, full_answers(tmp_path), now=NOW)
    assert result.ok, result.errors
    draft = render_ticket(incident, result)
    assert draft.name == "Renommage & <échec>"  # the GLPI name is plain text
    assert draft.ticket_type == 1
    assert draft.category_id is None
    assert [a.name for a in draft.attachments] == ["capture <1>.png"]
    body = draft.content_html
    assert body.startswith("<h2>Déclarer un incident ceBox</h2>")
    assert "<h3>Description détaillée</h3>" in body
    assert "<p>Premier paragraphe &lt;i&gt;.<br>Suite.</p><p>Second paragraphe.</p>" in body
    assert "<tr><th>Nombre de postes impactés</th><td>3</td></tr>" in body
    assert "<td>Problème d&#x27;intégration au domaine / renommage</td>" in body
    assert "<td>27/11/2026 09:00</td>" in body
    assert "<h3>ceBox impactée</h3>" in body and "<td>2001:db8::10</td>" in body
    assert "<h3>Console impactée</h3>" in body
    assert "La console affiche &lt;une erreur&gt;" in body
    assert "<td>acme &amp; co</td>" in body
    assert "capture &lt;1&gt;.png (2 KB)" in body
    assert "qgaAgent" not in body  # notes are for the user, not the ticket
    for value in (
        "192.0.2.10",
        "cebox-042",
        "Redémarrage &lt;br&gt;",
        "Renommage &amp; &lt;échec&gt;",
    ):
        assert value in body


def test_render_in_english(incident: FormDefinition, tmp_path: Path) -> None:
    result = validate_answers(incident, full_answers(tmp_path), now=NOW)
    body = render_ticket(incident, result, lang="en").content_html
    assert body.startswith("<h2>Report a ceBox incident</h2>")
    assert "<th>Number of workstations affected</th>" in body
    assert "<td>2026-11-27 09:00</td>" in body
    assert "<h3>Information</h3>" in body and "<h3>Affected ceBox</h3>" in body


def test_empty_optional_answers_omitted(incident: FormDefinition) -> None:
    answers = {
        "type": "other",
        "title": "t",
        "description": "d",
        "account": "a",
        "workstations": "1",
        "cebox_ip": "  ",
    }
    body = render_ticket(incident, validate_answers(incident, answers, now=NOW)).content_html
    assert "ceBox" not in body.replace("Déclarer un incident ceBox", "").replace(
        "Nom du compte ceBox", ""
    )
    assert "Actions" not in body and "Documents" not in body


def test_hostile_input_is_escaped(incident: FormDefinition) -> None:
    answers = {
        "type": "other",
        "title": HOSTILE,
        "description": HOSTILE,
        "account": HOSTILE,
        "workstations": "1",
        "actions_taken": HOSTILE,
        "console_description": HOSTILE,
    }
    body = render_ticket(incident, validate_answers(incident, answers, now=NOW)).content_html
    assert "<script" not in body and "<img" not in body and "<b>" not in body
    assert body.count(html.escape(HOSTILE)) == 5


def test_category_from_choice(tmp_path: Path) -> None:
    text = (Path(forms()["request"].source)).read_text(encoding="utf-8")
    text = text.replace('value = "account"', 'value = "account"\ncategory_id = 42')
    (tmp_path / "request.toml").write_text(text, encoding="utf-8")
    loaded, errors = load_forms([tmp_path])
    assert errors == []
    request = {f.id: f for f in loaded}["request"]
    ok = {"title": "t", "description": "d"}
    draft = render_ticket(request, validate_answers(request, ok | {"type": "account"}, now=NOW))
    assert (draft.ticket_type, draft.category_id) == (2, 42)
    other = render_ticket(request, validate_answers(request, ok | {"type": "other"}, now=NOW))
    assert other.category_id is None


def test_invalid_result_refused(incident: FormDefinition) -> None:
    with pytest.raises(ValueError):
        render_ticket(incident, ValidationResult(errors={"title": "This field is required."}))


# Text without NUL or surrogates; anything else, markup included, is fair game.
user_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    min_size=1,
    max_size=80,
)
MARKUP_TAGS = re.compile(r"<(/?)(h[234]|p|br|table|tbody|tr|th|td)>|<table [^<>]*>")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=user_text, description=user_text, account=user_text, actions=user_text)
def test_no_unescaped_angle_bracket_from_user(
    incident: FormDefinition, title: str, description: str, account: str, actions: str
) -> None:
    answers = {
        "type": "other",
        "title": title.replace("\n", " ").replace("\r", " ") + "<x",
        "description": description + "<",
        "account": "<" + account.replace("\n", " ").replace("\r", " "),
        "workstations": "1",
        "actions_taken": actions + "<<",
    }
    result = validate_answers(incident, answers, now=NOW)
    assert result.ok, result.errors
    body = render_ticket(incident, result).content_html
    assert "<" not in MARKUP_TAGS.sub("", body)


def test_describe_fields(incident: FormDefinition) -> None:
    described = describe_fields(incident, "fr")
    json.dumps(described)
    assert [d["name"] for d in described] == [f.name for f in incident.fields]
    by_name = {d["name"]: d for d in described}
    assert by_name["type"]["kind"] == "choice" and by_name["type"]["required"] is True
    assert by_name["type"]["choices"][0] == {
        "value": "unreachable",
        "label": "ceBox injoignable",
        "category_id": None,
    }
    assert by_name["workstations"]["min"] == 1
    assert by_name["title"]["max_length"] == 255 and by_name["title"]["role"] == "title"
    assert by_name["cebox_ip"]["section"] == "ceBox impactée"
    assert by_name["documents"]["help"].startswith("Captures")
    assert by_name["account"]["help"] is None
    english = {d["name"]: d for d in describe_fields(incident, "en")}
    assert english["type"]["label"] == "Incident type"
    assert r"C:\ProgramData\qemu-ga\qgaAgent.log" in english["qga_log_note"]["help"]
