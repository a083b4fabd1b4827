"""The GLPI 11 native forms' parsers, on the bodies a real GLPI 11.0.8 answered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.api import errors as E
from cebox_support.tui.api.models import RefusedFile
from cebox_support.tui.api.native_forms import (
    PREFIX_LENGTH,
    UploadedFile,
    answer_fields,
    apply_visibility,
    condition_fields,
    parse_catalogue,
    parse_created,
    parse_csrf,
    parse_form_link,
    parse_render,
    parse_upload,
    parse_validation,
    parse_visibility,
    upload_prefix,
)
from cebox_support.tui.forms.schema import FieldKind
from cebox_support.tui.forms.server import describe_questions, to_definition, visibility

RECORDED = Path(__file__).parent / "glpi11_recorded"
URL = "https://glpi.example/Form/Render/3"
PERTE = "1415b5d1-c793-43fb-93c6-d6ace4789cfa"


def page(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


def body(name: str) -> Any:
    return json.loads(page(name))


def render() -> Any:
    return parse_render(page("B4_render_3.html"), form_id=3, url=URL)


def test_catalogue_lists_the_offered_forms_with_their_descriptions() -> None:
    forms, categories = parse_catalogue(page("B2_catalogue_items.html"))
    assert [(f.id, f.name) for f in forms] == [
        (3, "Déclarer un incident ceBox"),
        (4, "Ouvrir une demande ceBox"),
        (1, "Report an issue"),
        (2, "Request a service"),
    ]
    assert forms[0].description == "Signaler une panne ou un dysfonctionnement de votre ceBox."
    assert categories == {}


def test_catalogue_reads_category_tiles_and_skips_links_without_a_title() -> None:
    fragment = (
        '<a href="/ServiceCatalog?category=7"><h2>Réseau</h2></a>'
        '<a href="/Form/Render/9"><h2>Dans Réseau</h2>'
        '<div data-testid="service-catalog-description"><p>x</p></div></a>'
        '<a href="/Form/Render/10">no title</a>'
    )
    forms, categories = parse_catalogue(fragment, category="Réseau")
    assert [(f.id, f.category) for f in forms] == [(9, "Réseau")]
    assert categories == {7: "Réseau"}
    # The filtered fragment (B3) has no titles in the transcript's excerpt: nothing guessed.
    assert parse_catalogue(page("B3_catalogue_filter.html"))[0] == []


def test_render_gives_the_questions_in_order_with_types_marks_and_choice_keys() -> None:
    form = render()
    assert form.native and form.name == "Déclarer un incident ceBox" and form.url == URL
    got = [(q.id, q.label, q.fieldtype, q.required) for q in form.questions]
    assert got == [
        (17, "Type d'incident", "select", True),
        (18, "Titre", "text", True),
        (19, "Description", "textarea", True),
        (20, "Documents", "file", False),
        (21, "Nombre de postes impactés", "float", True),
        (22, "IP ceBox", "text", False),
    ]
    incident = form.questions[0]
    assert incident.choices == ["Panne totale", "Lenteur", "Perte de connexion"]
    assert incident.choice_keys[2] == PERTE
    # Hidden at first by a condition (data-glpi-form-renderer-hidden-by-condition).
    assert [q.shown_by_server for q in form.questions] == [True] * 5 + [False]
    assert visibility(form, {})["q22"] is False


def test_render_maps_onto_the_consoles_field_model() -> None:
    definition = to_definition(render())
    kinds = {f.name: f.kind for f in definition.fields}
    assert kinds == {
        "q17": FieldKind.CHOICE,
        "q18": FieldKind.TEXT,
        "q19": FieldKind.MULTILINE,
        "q20": FieldKind.DOCUMENTS,
        "q21": FieldKind.TEXT,
        "q22": FieldKind.TEXT,
    }
    assert definition.field("q17").required and not definition.field("q20").required


def test_a_question_a_terminal_cannot_take_stays_read_only_with_the_address() -> None:
    extra = (
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="30" '
        'aria-label="Matériel"><h3>Matériel <span class="text-danger">*</span></h3>'
        '<select name="answers_30[itemtype]"><option value="Computer">Computer</option></select>'
        "</section>"
    )
    form = parse_render(page("B4_render_3.html") + extra, form_id=3, url=URL)
    q = form.question("q30")
    assert q is not None and not q.supported and q.required
    note = to_definition(form).field("q30")
    assert note.kind is FieldKind.NOTE and note.help is not None and URL in note.help.en
    described = {d["name"]: d for d in describe_questions(form)}
    assert described["q30"]["supported"] is False
    assert described["q22"]["when"] == "hidden until the server's conditions show it"


def test_radios_checkboxes_dates_and_descriptions() -> None:
    html = (
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="40" aria-label="Urgence">'
        '<h3>Urgence</h3><div class="text-secondary"><p>Choisissez <b>une</b> urgence</p></div>'
        '<input type="radio" name="answers_40" value="u1" id="r1"><label for="r1">Haute</label>'
        '<input type="radio" name="answers_40" value="u2" id="r2"><label for="r2">Basse</label>'
        "</section>"
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="41" aria-label="Postes">'
        '<label><input type="checkbox" name="answers_41[]" value="c1"> Poste 1</label>'
        '<label><input type="checkbox" name="answers_41[]" value="c2"> Poste 2</label></section>'
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="42" aria-label="Quand">'
        '<input type="datetime-local" name="answers_42"></section>'
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="43" aria-label="Mail">'
        '<input type="email" name="answers_43"></section>'
    )
    form = parse_render(html, form_id=9, url=URL)
    urgency, seats, when, mail = form.questions
    assert (urgency.fieldtype, urgency.choices, urgency.choice_keys) == (
        "radios",
        ["Haute", "Basse"],
        ["u1", "u2"],
    )
    assert urgency.description == "Choisissez une urgence"
    assert (seats.fieldtype, seats.choices) == ("checkboxes", ["Poste 1", "Poste 2"])
    assert when.fieldtype == "datetime" and mail.fieldtype == "email"
    body = answer_fields(
        form,
        {"q40": "Basse", "q41": ["Poste 2"], "q42": "2026-12-07 09:30:00", "q43": "a@b.fr"},
        {},
    )
    assert body == [
        ("forms_id", "9"),
        ("answers_40", "u2"),
        ("answers_41[]", "c2"),
        ("answers_42", "2026-12-07T09:30"),
        ("answers_43", "a@b.fr"),
    ]


def test_the_answer_body_is_the_one_the_browser_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """C11: choice keys, rich text as HTML, files as three parallel arrays."""
    form = render()
    form.questions[-1].shown_by_server = True
    files = {
        "q20": [
            UploadedFile(
                name="661fed6c0cf230.81729790diag-cebox.txt", prefix="661fed6c0cf230.81729790"
            )
        ]
    }
    values = {
        "q17": "Perte de connexion",
        "q18": "ceBox injoignable",
        "q19": "La ceBox ne répond plus depuis ce matin.",
        "q21": "3",
        "q22": "10.0.0.42",
    }
    body = dict(answer_fields(form, values, files))
    assert body["answers_17"] == PERTE
    assert body["answers_19"] == "<p>La ceBox ne répond plus depuis ce matin.</p>"
    assert body["_answers_20[0]"] == "661fed6c0cf230.81729790diag-cebox.txt"
    assert body["_prefix_answers_20[0]"] == "661fed6c0cf230.81729790"
    assert len(body["_tag_answers_20[0]"]) == 36
    assert body["answers_22"] == "10.0.0.42"
    # A question the server hides is not sent at all.
    hidden = dict(answer_fields(form, values, files, shown={"q22": False}))
    assert "answers_22" not in hidden
    assert condition_fields(form, {"q17": "Perte de connexion"}) == [
        ("form_id", "3"),
        ("answers[17]", PERTE),
    ]


def test_condition_engine_answers() -> None:
    hidden = parse_visibility(body("B7_engine_lenteur.json"))
    shown = parse_visibility(body("B8_engine_perte.json"))
    assert hidden.questions[22] is False and shown.questions[22] is True
    assert shown.sections == {3: True}
    with pytest.raises(E.NotGlpi):
        parse_visibility(["not", "a", "map"])


def test_upload_answers() -> None:
    kept = parse_upload(body("C1_upload.json"), "_uploader_answers_20", "diag-cebox.txt")
    assert kept == UploadedFile(
        name="661fed6c0cf230.81729790diag-cebox.txt",
        prefix="661fed6c0cf230.81729790",
        display="diag-cebox.txt",
    )
    # C27: without a prefix the stored name is all prefix: not a usable upload.
    with pytest.raises(E.NotGlpi):
        parse_upload(body("C27_upload_no_prefix.json"), "_uploader_answers_20", "diag.txt")
    refused = parse_upload(
        {"_uploader_answers_20": [{"name": "x.log", "error": "Filetype not allowed"}]},
        "_uploader_answers_20",
        "qgaAgent.log",
    )
    assert isinstance(refused, RefusedFile) and refused.kind == "type"
    assert refused.reason_text == "type .log refused"


def test_prefix_is_23_characters_like_uniqid() -> None:
    prefix = upload_prefix(1_713_368_428.0509)
    assert len(prefix) == PREFIX_LENGTH == 23
    assert prefix.startswith("661fed6c0") and prefix[13:].count(".") == 1


def test_validation_answers_name_every_question_at_once() -> None:
    assert parse_validation(body("C10_validate_ok.json")) == []
    errors = parse_validation(body("C5_validate_empty.json"))
    assert [(e.question_id, e.question_name) for e in errors] == [
        (17, "Type d'incident"),
        (18, "Titre"),
        (19, "Description"),
        (21, "Nombre de postes impactés"),
    ]
    assert errors[3].message == "Please enter a valid number"
    with pytest.raises(E.NotGlpi):
        parse_validation(body("C3_submit_refused.json"))


def test_created_ticket_is_read_from_the_link() -> None:
    assert parse_created(body("C11_submit_ok.json")) == 6
    assert parse_created(body("C13_submit_form2.json")) == 8
    assert parse_created(body("C3_submit_refused.json")) is None


def test_csrf_and_direct_links() -> None:
    assert parse_csrf(page("B4_render_3.html")) == (
        "fb7e20e75de49f08af98edcf37369bcd51c931c327039d5f29e9580431ca2c90"
    )
    assert parse_csrf("<p>none</p>") is None
    assert parse_form_link("https://h/glpi/Form/Render/7?token=cebox-direct-token-0123456789") == (
        7,
        "cebox-direct-token-0123456789",
    )
    assert parse_form_link("/Form/Render/3") == (3, None)
    assert parse_form_link("https://h/front/ticket.form.php?id=3") is None


def test_hostile_names_are_plain_lines() -> None:
    html = (
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="5" '
        'aria-label="Ti\x1b[31mtre\x07"><input type="text" name="answers_5"></section>'
    )
    form = parse_render(html, form_id=1, url=URL)
    assert form.questions[0].label == "Titre"


def test_ajax_dropdowns_are_read_only_and_hidden_sections_hide_their_questions() -> None:
    html = (
        '<section data-glpi-form-renderer-section="0" aria-label="Premier"></section>'
        '<section data-glpi-form-renderer-section="1" aria-label="Second" '
        "data-glpi-form-renderer-hidden-by-condition></section>"
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="1" '
        'data-glpi-form-renderer-parent-section="0" aria-label="Observateurs">'
        "<select name='answers_1[]' multiple data-glpi-ajax-dropdown></select></section>"
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="2" '
        'data-glpi-form-renderer-parent-section="1" aria-label="Poste">'
        '<input type="text" name="answers_2"></section>'
    )
    form = parse_render(html, form_id=5, url=URL)
    observers, post = form.questions
    assert observers.fieldtype == "native:dropdown" and not observers.supported
    assert (observers.section, post.section) == ("Premier", "Second")
    assert post.shown_by_server is False
    shown = apply_visibility(form, parse_visibility({"questions_visibility": {"2": True}}))
    assert shown.questions[1].shown_by_server is True and post.shown_by_server is False


def test_a_section_the_engine_hides_hides_its_questions_and_their_answers() -> None:
    """A server whose engine says a section is hidden while naming its questions shown
    (the browser hides the whole section): those questions are hidden and not sent."""
    html = (
        '<section data-glpi-form-renderer-section="0" data-glpi-form-renderer-id="10" '
        'aria-label="Premier"></section>'
        '<section data-glpi-form-renderer-section="1" data-glpi-form-renderer-id="11" '
        'aria-label="Second"></section>'
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="1" '
        'data-glpi-form-renderer-parent-section="0" aria-label="Titre">'
        '<input type="text" name="answers_1"></section>'
        '<section data-glpi-form-renderer-question data-glpi-form-renderer-id="2" '
        'data-glpi-form-renderer-parent-section="1" aria-label="Poste">'
        '<input type="text" name="answers_2"></section>'
    )
    form = parse_render(html, form_id=5, url=URL)
    assert [q.section_id for q in form.questions] == [10, 11]
    engine = {
        "form_visibility": True,
        "sections_visibility": {"10": True, "11": False},
        "questions_visibility": {"1": True, "2": True},
    }
    hidden = apply_visibility(form, parse_visibility(engine))
    assert [q.shown_by_server for q in hidden.questions] == [True, False]
    values = {"q1": "Écran noir", "q2": "PC-42"}
    shown = visibility(hidden, values)
    assert shown["q1"] is True and shown["q2"] is False
    sent = dict(answer_fields(hidden, values, {}, shown=shown))
    assert sent["answers_1"] == "Écran noir" and "answers_2" not in sent
    engine["sections_visibility"] = {"10": True, "11": True}
    again = apply_visibility(hidden, parse_visibility(engine))
    assert [q.shown_by_server for q in again.questions] == [True, True]
    assert (
        form.fingerprint()
        == parse_render(html.replace('"11"', '"12"'), form_id=5, url=URL).fingerprint()
    )
