"""validate_answers: every field kind, good and bad values, all errors at once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from cebox_support.tui.forms import (
    Attachment,
    FormDefinition,
    ValidationResult,
    load_forms,
    validate_answers,
)

NOW = datetime(2026, 11, 28, 10, 0)


@pytest.fixture(scope="module")
def incident() -> FormDefinition:
    forms, _ = load_forms()
    return next(f for f in forms if f.id == "incident")


@pytest.fixture(scope="module")
def request_form() -> FormDefinition:
    forms, _ = load_forms()
    return next(f for f in forms if f.id == "request")


def base() -> dict[str, str | list[str]]:
    return {
        "type": "unreachable",
        "title": "ceBox injoignable depuis ce matin",
        "description": "Plus aucun poste ne se connecte.",
        "account": "acme",
        "workstations": "12",
    }


def check(form: FormDefinition, **changes: str | list[str]) -> ValidationResult:
    answers = base() | changes
    return validate_answers(form, answers, now=NOW)


def test_minimal_incident_is_ok(incident: FormDefinition) -> None:
    result = check(incident)
    assert result.ok and result.errors == {}
    assert result.values == {
        "type": "unreachable",
        "title": "ceBox injoignable depuis ce matin",
        "description": "Plus aucun poste ne se connecte.",
        "account": "acme",
        "workstations": 12,
    }


def test_all_required_missing_reported_in_field_order(incident: FormDefinition) -> None:
    result = validate_answers(incident, {}, now=NOW)
    assert not result.ok
    assert list(result.errors) == ["type", "title", "description", "account", "workstations"]
    assert set(result.errors.values()) == {"This field is required."}
    assert result.values == {}


def test_whitespace_only_is_missing(incident: FormDefinition) -> None:
    result = check(incident, title="   \t ", description="\n\n")
    assert result.errors == {
        "title": "This field is required.",
        "description": "This field is required.",
    }


def test_request_needs_less(request_form: FormDefinition) -> None:
    result = validate_answers(
        request_form, {"type": "Création de compte", "title": "t", "description": "d"}, now=NOW
    )
    assert result.ok and result.values["type"] == "account"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("printing", "printing"),
        ("Impression", "printing"),
        ("PRINTING", "printing"),
        ("performance / SLOWNESS", "performance"),
        ("  console ", "console"),
    ],
)
def test_choice_accepts_value_or_label(incident: FormDefinition, given: str, expected: str) -> None:
    assert check(incident, type=given).values["type"] == expected


def test_choice_rejects_unknown(incident: FormDefinition) -> None:
    error = check(incident, type="coffee").errors["type"]
    assert error.startswith("Choose one of: unreachable, domain,")


def test_text_stripped_and_max_length(incident: FormDefinition) -> None:
    assert check(incident, title="  hello  ").values["title"] == "hello"
    assert check(incident, title="x" * 255).ok
    assert check(incident, title="x" * 256).errors["title"] == "At most 255 characters (256 given)."


def test_text_is_single_line(incident: FormDefinition) -> None:
    assert check(incident, title="a\nb").errors["title"] == "This field takes a single line."


def test_multiline_normalised(incident: FormDefinition) -> None:
    result = check(incident, description="\r\n  line one  \r\nline two\r\n\r\n")
    assert result.values["description"] == "line one\nline two"


def test_nul_bytes_rejected(incident: FormDefinition) -> None:
    result = check(incident, title="a\x00b", description="x\x00", documents=["a\x00"])
    assert set(result.errors) == {"title", "description", "documents"}
    assert "NUL" in result.errors["title"]


@pytest.mark.parametrize(
    ("given", "value", "error"),
    [
        ("1", 1, None),
        (" 250 ", 250, None),
        ("+3", 3, None),
        ("100000", 100000, None),
        ("0", None, "Must be at least 1."),
        ("-4", None, "Must be at least 1."),
        ("100001", None, "Must be at most 100000."),
        ("2.5", None, "Enter a whole number."),
        ("douze", None, "Enter a whole number."),
        ("1_000", None, "Enter a whole number."),
        ("١٢", None, "Enter a whole number."),
    ],
)
def test_integer(
    incident: FormDefinition, given: str, value: int | None, error: str | None
) -> None:
    result = check(incident, workstations=given)
    assert result.values.get("workstations") == value
    assert result.errors.get("workstations") == error


def test_datetime(incident: FormDefinition) -> None:
    assert check(incident, started_at="hier 9h").values["started_at"] == datetime(2026, 11, 27, 9)
    assert "future" in check(incident, started_at="2030-01-01 10:00").errors["started_at"]
    assert "Unrecognised" in check(incident, started_at="whenever").errors["started_at"]
    assert "started_at" not in check(incident, started_at="").values


@pytest.mark.parametrize(
    ("given", "value"),
    [("192.0.2.10", "192.0.2.10"), (" 10.0.0.1 ", "10.0.0.1")],
)
def test_ipv4_ok(incident: FormDefinition, given: str, value: str) -> None:
    assert check(incident, cebox_ip=given).values["cebox_ip"] == value


@pytest.mark.parametrize("given", ["256.1.1.1", "10.0.0", "010.0.0.1", "2001:db8::1", "cebox"])
def test_ipv4_bad(incident: FormDefinition, given: str) -> None:
    assert "IPv4" in check(incident, cebox_ip=given).errors["cebox_ip"]


@pytest.mark.parametrize(
    ("given", "value"),
    [
        ("2001:db8::10", "2001:db8::10"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0010", "2001:db8::10"),
        ("[fe80::1]", "fe80::1"),
        ("::1", "::1"),
    ],
)
def test_ipv6_ok(incident: FormDefinition, given: str, value: str) -> None:
    assert check(incident, cebox_ipv6=given).values["cebox_ipv6"] == value


@pytest.mark.parametrize("given", ["2001:db8::g", "1.2.3.4", "2001:db8:::1", "x"])
def test_ipv6_bad(incident: FormDefinition, given: str) -> None:
    assert "IPv6" in check(incident, cebox_ipv6=given).errors["cebox_ipv6"]


@pytest.mark.parametrize(
    ("given", "value"),
    [
        ("cebox-042", "cebox-042"),
        ("CEBOX42.client.example", "CEBOX42.client.example"),
        ("3com.example.", "3com.example"),
        ("a" * 63, "a" * 63),
    ],
)
def test_hostname_ok(incident: FormDefinition, given: str, value: str) -> None:
    assert check(incident, cebox_name=given).values["cebox_name"] == value


@pytest.mark.parametrize(
    "given",
    ["-cebox", "cebox-", "ce box", "ce_box", "a..b", "a" * 64, ".".join(["abcdefgh"] * 30), "é"],
)
def test_hostname_bad(incident: FormDefinition, given: str) -> None:
    assert "host name" in check(incident, cebox_name=given).errors["cebox_name"]


def test_documents(incident: FormDefinition, tmp_path: Path) -> None:
    a = tmp_path / "a.png"
    b = tmp_path / "qgaAgent.log"
    a.write_bytes(b"png")
    b.write_text("log")
    result = check(incident, documents=[str(a), "", str(b), str(a)])
    assert result.ok
    docs = result.values["documents"]
    assert isinstance(docs, list) and all(isinstance(d, Attachment) for d in docs)
    assert [d.name for d in docs] == ["a.png", "qgaAgent.log"]
    as_text = check(incident, documents=f"{a}\n\n{b}\n")
    assert as_text.values["documents"] == docs


def test_documents_errors_and_size_limit(incident: FormDefinition, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * 2048)
    result = validate_answers(
        incident,
        base() | {"documents": [str(big), str(tmp_path / "gone.txt")]},
        now=NOW,
        max_upload_bytes=1024,
    )
    error = result.errors["documents"]
    assert "big.bin is too big" in error and "gone.txt" in error


def test_empty_documents_omitted(incident: FormDefinition) -> None:
    assert "documents" not in check(incident, documents=[]).values
    assert "documents" not in check(incident, documents=["  ", ""]).values


def test_list_for_single_field(incident: FormDefinition) -> None:
    assert check(incident, title=["only"]).values["title"] == "only"
    assert "single value" in check(incident, title=["a", "b"]).errors["title"]


def test_note_and_unknown_keys_ignored(incident: FormDefinition) -> None:
    result = check(incident, qga_log_note="typed anyway", nonsense="x")
    assert result.ok
    assert "qga_log_note" not in result.values and "nonsense" not in result.values


def test_many_errors_at_once(incident: FormDefinition) -> None:
    result = check(incident, type="?", workstations="0", cebox_ip="x", cebox_name="-")
    assert list(result.errors) == ["type", "workstations", "cebox_ip", "cebox_name"]
    assert result.values["title"] == "ceBox injoignable depuis ce matin"
