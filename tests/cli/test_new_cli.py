"""`cebox-support new`: the same forms and checks as the console, for scripts."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main

POST_ONLY = 3


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    return path


@pytest.fixture
def logged_in(fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0
    return fresh_helpdesk


REQUIRED = [
    "--title",
    "Printer offline",
    "--description",
    "Nothing prints since 9:00.",
    "--field",
    "type=printing",
    "--field",
    "account=ACME",
    "--field",
    "workstations=4",
]


def new(*args: str) -> list[str]:
    return ["new", "--form", "incident", *args]


def test_list_fields_without_a_session(config_file: Path, capsys: Any) -> None:
    assert main(new("--list-fields")) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["type", "choice", "required"]
    assert "choices: unreachable, domain, console, performance, printing, other" in out
    assert any(line.split()[:3] == ["cebox_ipv6", "ipv6", "optional"] for line in lines)
    assert "qga_log_note" not in out  # a note takes no answer


def test_list_fields_json(config_file: Path, capsys: Any) -> None:
    assert main(["new", "--form", "request", "--list-fields", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["form"] == "request"
    by_name = {f["name"]: f for f in data["fields"]}
    assert by_name["title"]["required"] is True and by_name["title"]["kind"] == "text"
    assert [c["value"] for c in by_name["type"]["choices"]] == [
        "account",
        "new_cebox",
        "information",
        "other",
    ]
    assert by_name["workstations"]["min"] == 1


def test_unknown_form(config_file: Path, capsys: Any) -> None:
    assert main(["new", "--form", "nope", "--list-fields"]) == 2
    assert "Unknown form nope; known: incident, request." in capsys.readouterr().err


def test_creates_the_ticket_with_documents(logged_in: Any, tmp_path: Path, capsys: Any) -> None:
    log = tmp_path / "qgaAgent.txt"
    log.write_text("join failed\n", encoding="utf-8")
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG" + b"\0" * 50)
    description = tmp_path / "description.txt"
    description.write_text("Line one.\n\nLine two.\n", encoding="utf-8")
    argv = [
        *REQUIRED[:2],
        "--description-file",
        str(description),
        *REQUIRED[4:],
        "--field",
        "cebox_ip=192.0.2.7",
        "--attach",
        str(log),
        "--attach",
        str(shot),
        "--json",
    ]
    capsys.readouterr()
    assert main(new(*argv)) == 0
    result = json.loads(capsys.readouterr().out)
    ticket_id = result["id"]
    assert result["documents"] == ["qgaAgent.txt", "shot.png"] and result["failed"] == []
    assert result["url"].endswith(f"id={ticket_id}")
    store = logged_in.store
    ticket = store.ticket(ticket_id)
    assert (ticket["name"], ticket["type"]) == ("Printer offline", 1)
    assert "<p>Line one.</p><p>Line two.</p>" in ticket["content"]
    assert "<td>Impression</td>" in ticket["content"] and "192.0.2.7" in ticket["content"]
    assert [u["users_id"] for u in store.ticket_users(ticket_id)] == [POST_ONLY]
    assert [d["filename"] for d in store.documents(ticket_id)] == ["qgaAgent.txt", "shot.png"]


def test_plain_output_is_the_number(logged_in: Any, capsys: Any) -> None:
    capsys.readouterr()
    assert main(new(*REQUIRED)) == 0
    out = capsys.readouterr().out.strip()
    assert out.isdigit()
    assert logged_in.store.ticket(int(out))["name"] == "Printer offline"


def test_every_offending_field_is_named(logged_in: Any, tmp_path: Path, capsys: Any) -> None:
    before = logged_in.store.count("tickets")
    capsys.readouterr()
    code = main(
        new(
            "--description",
            "x",
            "--field",
            "workstations=0",
            "--field",
            "type=printer",
            "--field",
            "cebox_ipv6=nope",
            "--attach",
            str(tmp_path / "missing.log"),
        )
    )
    assert code == 2
    err = capsys.readouterr().err
    for expected in (
        "type: Choose one of:",
        "title: This field is required.",
        "account: This field is required.",
        "workstations: Must be at least 1.",
        "cebox_ipv6:",
        "documents: File not found:",
    ):
        assert expected in err, expected
    assert "description:" not in err
    assert logged_in.store.count("tickets") == before


def test_unknown_fields_are_named(config_file: Path, capsys: Any) -> None:
    code = main(
        new(*REQUIRED, "--field", "colour=red", "--field", "oops", "--field", "qga_log_note=x")
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "colour: no such field in this form" in err
    assert "--field oops: expected NAME=VALUE" in err
    assert "qga_log_note: no such field in this form" in err


def test_too_big_file_is_refused_before_sending(
    logged_in: Any, tmp_path: Path, capsys: Any
) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (2 * 1024 * 1024 + 1))
    before = logged_in.store.count("tickets")
    capsys.readouterr()
    assert main(new(*REQUIRED, "--attach", str(big))) == 2
    assert "documents: big.bin is too big" in capsys.readouterr().err
    assert logged_in.store.count("tickets") == before


def test_not_logged_in(config_file: Path, fresh_helpdesk: Any, capsys: Any) -> None:
    config_file.write_text(
        f'default_profile = "x"\n[profiles.x]\nurl = "{fresh_helpdesk.api_url}"\n',
        encoding="utf-8",
    )
    assert main(new(*REQUIRED)) == 3
    assert "Not logged in" in capsys.readouterr().err


def test_profile_form_override_is_used(logged_in: Any, config_file: Path, capsys: Any) -> None:
    from cebox_support.tui.forms.loader import SHIPPED_DIR

    folder = config_file.parent / "forms" / "127-0-0-1"
    folder.mkdir(parents=True)
    text = (SHIPPED_DIR / "incident.toml").read_text(encoding="utf-8")
    text = text.replace('value = "printing"\n', 'value = "printing"\ncategory_id = 4\n')
    (folder / "incident.toml").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(new(*REQUIRED, "--json")) == 0
    ticket_id = json.loads(capsys.readouterr().out)["id"]
    assert logged_in.store.ticket(ticket_id)["itilcategories_id"] == 4


def test_a_choice_can_be_given_by_its_label(logged_in: Any, capsys: Any) -> None:
    """`--field type=` takes the label the console shows, as typed or pasted, not only the id."""
    store = logged_in.store
    for label in (
        "Problème d’intégration au domaine / renommage",
        "problème d'intégration au domaine/renommage",
        "Domain join / renaming problem",
    ):
        argv = [*REQUIRED[:4], "--field", f"type={label}", *REQUIRED[6:]]
        capsys.readouterr()
        assert main(new(*argv)) == 0, capsys.readouterr().err
        ticket_id = int(capsys.readouterr().out.strip())
        assert "intégration au domaine" in store.ticket(ticket_id)["content"], label


def test_a_refused_log_is_named_then_sent_compressed(
    logged_in: Any, tmp_path: Path, capsys: Any
) -> None:
    """A default GLPI refuses .log: without the option the file is named and the exit is 1;
    with --compress-refused the ticket gets qgaAgent.log.gz once and the exit is 0."""
    log = tmp_path / "qgaAgent.log"
    log.write_text("join failed\n", encoding="utf-8")
    capsys.readouterr()
    assert main(new(*REQUIRED, "--attach", str(log), "--json")) == 1
    refused = json.loads(capsys.readouterr().out)
    assert refused["documents"] == [] and refused["compressed"] == []
    assert [f["file"] for f in refused["failed"]] == [str(log)]
    assert "type .log refused" in refused["failed"][0]["error"]
    assert logged_in.store.documents(refused["id"]) == []

    assert main(new(*REQUIRED, "--attach", str(log), "--compress-refused", "--json")) == 0
    out, err = capsys.readouterr()
    sent = json.loads(out)
    assert sent["compressed"] == ["qgaAgent.log.gz"] and sent["failed"] == []
    assert "qgaAgent.log.gz" in err
    names = [d["filename"] for d in logged_in.store.documents(sent["id"])]
    assert names == ["qgaAgent.log.gz"]
