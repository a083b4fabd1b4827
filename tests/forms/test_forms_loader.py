"""Loading shipped forms, per-profile overrides, and reporting of broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from cebox_support.tui.forms import FieldKind, FormDefinition, load_forms
from cebox_support.tui.forms.loader import SHIPPED_DIR

MINIMAL = """
id = "{id}"
ticket_type = {ticket_type}
title = {{ fr = "{title}", en = "{title} (en)" }}
summary = {{ fr = "Résumé", en = "Summary" }}

[[fields]]
name = "title"
kind = "text"
role = "title"
required = true
label = {{ fr = "Titre", en = "Title" }}
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def by_id(forms: list[FormDefinition]) -> dict[str, FormDefinition]:
    return {f.id: f for f in forms}


def test_shipped_forms_load_cleanly() -> None:
    forms, errors = load_forms()
    assert errors == []
    assert [f.id for f in forms] == ["incident", "request"]
    incident, request = forms
    assert incident.ticket_type == 1 and request.ticket_type == 2
    assert incident.title.fr == "Déclarer un incident ceBox"
    assert request.title.fr == "Ouvrir une demande ceBox"
    assert incident.source == str(SHIPPED_DIR / "incident.toml")


def test_incident_form_follows_the_notice() -> None:
    forms, _ = load_forms()
    incident = by_id(forms)["incident"]
    required = {f.name for f in incident.fields if f.required}
    assert required == {"type", "title", "description", "account", "workstations"}
    kinds = {f.kind for f in incident.fields}
    # Every kind but the multiple choice, which only server forms use.
    assert kinds == set(FieldKind) - {FieldKind.CHOICES}
    labels = [c.label.fr for c in incident.field("type").choices]
    assert "ceBox injoignable" in labels
    assert "Problème d'intégration au domaine / renommage" in labels
    assert incident.field("title").max_length == 255
    assert incident.field("workstations").min == 1
    note = incident.field("qga_log_note")
    assert note.kind is FieldKind.NOTE and note.help is not None
    assert r"C:\ProgramData\qemu-ga" in note.help.fr
    assert "qgaAgent.log" in note.help.en
    cebox = [f.name for f in incident.fields if f.section and f.section.en == "Affected ceBox"]
    assert cebox == ["cebox_ipv6", "cebox_ip", "cebox_name"]


def test_request_form_has_the_request_choices() -> None:
    forms, _ = load_forms()
    request = by_id(forms)["request"]
    labels = [c.label.fr for c in request.field("type").choices]
    assert labels == ["Création de compte", "Nouvelle ceBox / extension", "Information", "Autre"]
    assert {f.name for f in request.fields if f.required} == {"type", "title", "description"}


def test_extra_dir_overrides_and_extends(tmp_path: Path) -> None:
    extra = tmp_path / "forms"
    write(extra, "mine.toml", MINIMAL.format(id="incident", ticket_type=1, title="Panne"))
    write(extra, "other.toml", MINIMAL.format(id="vpn", ticket_type=2, title="VPN"))
    forms, errors = load_forms([extra])
    assert errors == []
    assert [f.id for f in forms] == ["incident", "request", "vpn"]
    incident = by_id(forms)["incident"]
    assert incident.title.fr == "Panne"
    assert incident.source == str(extra / "mine.toml")


def test_later_dirs_win_and_missing_dirs_are_ignored(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write(first, "x.toml", MINIMAL.format(id="request", ticket_type=2, title="A"))
    write(second, "x.toml", MINIMAL.format(id="request", ticket_type=2, title="B"))
    forms, errors = load_forms([first, tmp_path / "missing", second])
    assert errors == []
    assert by_id(forms)["request"].title.fr == "B"


def test_malformed_toml_reports_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", 'id = "incident"\nticket_type = 1\ntitle = { fr = "x"\n')
    forms, errors = load_forms([tmp_path])
    assert [f.id for f in forms] == ["incident", "request"]
    assert by_id(forms)["incident"].source.endswith("incident.toml")
    assert len(errors) == 1
    error = errors[0]
    assert error.path == path
    assert error.line == 3
    assert str(path) in error.message and "line 3" in error.message
    assert str(error) == error.message


@pytest.mark.parametrize(
    ("replace", "by", "line", "words"),
    [
        ('kind = "text"', 'kind = "colour"', 9, ["fields.0.kind"]),
        ("ticket_type = 1", "ticket_type = 3", 3, ["ticket_type"]),
        ("required = true", "requierd = true", 11, ["requierd"]),
        # Checks spanning several keys point at the field's table header.
        ('role = "title"', 'role = "type"', 7, ["fields.0", "role 'type'"]),
    ],
)
def test_invalid_schema_reports_field_and_line(
    tmp_path: Path, replace: str, by: str, line: int, words: list[str]
) -> None:
    text = MINIMAL.format(id="incident", ticket_type=1, title="T").replace(replace, by)
    path = write(tmp_path, "broken.toml", text)
    forms, errors = load_forms([tmp_path])
    assert by_id(forms)["incident"].title.fr == "Déclarer un incident ceBox"
    assert len(errors) == 1
    assert errors[0].path == path
    assert errors[0].line == line, errors[0].message
    for word in words:
        assert word in errors[0].message


def test_error_in_nested_choice_points_at_its_table(tmp_path: Path) -> None:
    text = (
        MINIMAL.format(id="x", ticket_type=2, title="T")
        + """
[[fields]]
name = "type"
kind = "choice"
label = { fr = "Type", en = "Type" }

[[fields.choices]]
value = "a"
label = { fr = "A", en = "A" }

[[fields.choices]]
value = "b"
label = { fr = "B" }
"""
    )
    write(tmp_path, "x.toml", text)
    lines = text.splitlines()
    _, errors = load_forms([tmp_path])
    assert len(errors) == 1
    assert "fields.1.choices.1.label.en" in errors[0].message
    assert errors[0].line == lines.index('label = { fr = "B" }') + 1


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (
            """
[[fields]]
name = "title"
kind = "text"
label = { fr = "T", en = "T" }
""",
            "duplicate field names",
        ),
        (
            """
[[fields]]
name = "t"
kind = "choice"
label = { fr = "T", en = "T" }
""",
            "needs at least one choice",
        ),
        (
            """
[[fields]]
name = "n"
kind = "note"
required = true
label = { fr = "T", en = "T" }
""",
            "cannot be required",
        ),
        (
            """
[[fields]]
name = "n"
kind = "integer"
min = 5
max = 1
label = { fr = "T", en = "T" }
""",
            "min is greater than max",
        ),
        (
            """
[[fields]]
name = "Bad Name"
kind = "text"
label = { fr = "T", en = "T" }
""",
            "must be lowercase",
        ),
    ],
)
def test_semantic_schema_errors(tmp_path: Path, extra: str, problem: str) -> None:
    write(tmp_path, "x.toml", MINIMAL.format(id="x", ticket_type=2, title="T") + extra)
    forms, errors = load_forms([tmp_path])
    assert "x" not in by_id(forms)
    assert len(errors) == 1 and problem in errors[0].message


def test_duplicate_id_in_one_directory_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", MINIMAL.format(id="x", ticket_type=2, title="A"))
    write(tmp_path, "b.toml", MINIMAL.format(id="x", ticket_type=2, title="B"))
    forms, errors = load_forms([tmp_path])
    assert by_id(forms)["x"].title.fr == "A"
    assert len(errors) == 1 and "already defined" in errors[0].message


def test_non_utf8_and_source_key(tmp_path: Path) -> None:
    (tmp_path / "latin1.toml").write_bytes('title = "é"'.encode("latin-1"))
    write(
        tmp_path,
        "src.toml",
        'source = "/etc/passwd"\n' + MINIMAL.format(id="y", ticket_type=1, title="Y"),
    )
    forms, errors = load_forms([tmp_path])
    assert len(errors) == 1 and "UTF-8" in errors[0].message
    assert by_id(forms)["y"].source == str(tmp_path / "src.toml")
    assert "source" not in by_id(forms)["y"].model_dump()


def test_extra_path_that_is_a_file(tmp_path: Path) -> None:
    path = write(tmp_path, "notadir", "")
    forms, errors = load_forms([path])
    assert len(forms) == 2
    assert len(errors) == 1 and errors[0].path == path
