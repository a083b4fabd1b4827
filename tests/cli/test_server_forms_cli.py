"""`forms` and `new --form ID|NAME` with the helpdesk's own forms (Formcreator)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.api.formcreator import _CACHE
from cebox_support.tui.cli import main

INCIDENT = "Déclarer un incident ceBox"


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    _CACHE.clear()
    return path


def _login(server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", server.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0
    return server


@pytest.fixture
def on_fc(fresh_fc_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    return _login(fresh_fc_helpdesk, monkeypatch)


def test_forms_lists_the_servers_forms(on_fc: Any, capsys: Any) -> None:
    capsys.readouterr()
    assert main(["forms", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "server"
    assert [(f["id"], f["name"], f["category"]) for f in data["forms"]] == [
        (1, INCIDENT, "ceBox"),
        (2, "Ouvrir une demande ceBox", "ceBox"),
    ]
    assert set(data["forms"][0]) == {"id", "name", "category", "description"}


def test_forms_falls_back_to_the_builtin_forms(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _login(fresh_helpdesk, monkeypatch)
    capsys.readouterr()
    assert main(["forms", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "builtin"
    assert [f["id"] for f in data["forms"]] == ["incident", "request"]
    assert main(["forms"]) == 0
    assert "Built-in forms" in capsys.readouterr().out


def test_list_fields_of_a_server_form(on_fc: Any, capsys: Any) -> None:
    capsys.readouterr()
    assert main(["new", "--form", INCIDENT, "--list-fields", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_label = {f["label"]: f for f in data["fields"]}
    ip = by_label["IP ceBox"]
    assert ip["kind"] == "text" and ip["required"] is True
    assert ip["pattern"].startswith("/^") and ip["when"] == 'shown when q1 = "Perte de connexion"'
    seats = by_label["Nombre de postes impactés"]
    assert (seats["min"], seats["max"]) == (1, 500)
    assert "Perte de connexion" in by_label["Type d'incident"]["choices"]
    assert by_label["Matériel concerné"]["supported"] is False
    assert main(["new", "--form", "1", "--list-fields"]) == 0
    out = capsys.readouterr().out
    assert 'shown when q1 = "Perte de connexion"' in out
    assert "formdisplay.php?id=1" in out


def test_new_with_a_server_form_creates_the_ticket(on_fc: Any, tmp_path: Path, capsys: Any) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG")
    argv = [
        "new",
        "--form",
        INCIDENT,
        "--title",
        "ceBox injoignable",
        "--description",
        "Plus de réseau.",
        "--field",
        "Type d'incident=Perte de connexion",
        "--field",
        "q5=3",
        "--field",
        "IP ceBox=192.168.10.20",
        "--field",
        "Nom du compte ceBox=ACME",
        "--attach",
        str(shot),
        "--json",
    ]
    capsys.readouterr()
    assert main(argv) == 0, capsys.readouterr().err
    result = json.loads(capsys.readouterr().out)
    assert result["documents"] == ["shot.png"]
    store = on_fc.store
    ticket = store.ticket(result["id"])
    assert ticket["name"] == "ceBox injoignable" and "192.168.10.20" in ticket["content"]
    assert [(u["users_id"], u["type"]) for u in store.ticket_users(result["id"])] == [(3, 1)]


def test_invalid_answers_are_all_listed_with_exit_2(on_fc: Any, capsys: Any) -> None:
    argv = ["new", "--form", "1", "--field", "q5=900", "--field", "Type d'incident=Tempête"]
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    for key in ("q1 (Type d'incident)", "q2 (Titre)", "q3 (", "q5 (", "q7 ("):
        assert key in err
    assert "q6" not in err  # hidden unless "Perte de connexion"


def test_the_servers_refusal_exits_2_with_its_message(on_fc: Any, capsys: Any) -> None:
    argv = [
        "new",
        "--form",
        "1",
        "--title",
        "t",
        "--description",
        "d",
        "--field",
        "q1=Lenteur",
        "--field",
        "q5=2",
        "--field",
        "q7=ACME",
        "--field",
        "Nom ceBox=cebox_42",
    ]
    capsys.readouterr()
    assert main(argv) == 2
    assert "Specific format does not match: Nom ceBox" in capsys.readouterr().err


def test_unknown_form_names_the_servers_forms(on_fc: Any, capsys: Any) -> None:
    assert main(["new", "--form", "nope", "--list-fields"]) == 2
    err = capsys.readouterr().err
    assert "Unknown form nope" in err and f"1 ({INCIDENT})" in err


def test_from_this_machine_fills_a_server_forms_address_questions(
    on_fc: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cebox_support.tui.machine import MachineFacts

    facts = MachineFacts(hostname="cebox-042", ipv4="192.0.2.42", ipv6="fd00::42")
    monkeypatch.setattr("cebox_support.tui.machine.this_machine", lambda: facts)
    argv = [
        "new", "--form", "1", "--title", "t", "--description", "d",
        "--field", "q1=Perte de connexion", "--field", "q5=2", "--field", "q7=ACME",
        "--from-this-machine", "--json",
    ]  # fmt: skip
    capsys.readouterr()
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "q6 = 192.0.2.42" in out.err
    ticket = on_fc.store.ticket(json.loads(out.out)["id"])
    assert "192.0.2.42" in ticket["content"] and "fd00::42" in ticket["content"]


def test_a_refused_log_in_a_server_form_gets_the_compressed_offer(
    on_fc: Any, tmp_path: Path, capsys: Any
) -> None:
    """GLPI 10 keeps a refused upload as an empty document (201): the form is not sent
    with it; --compress-refused sends the .gz in its place."""
    log = tmp_path / "qgaAgent.log"
    log.write_text("2026-11-28 09:58 join failed\n")
    argv = [
        "new",
        "--form",
        INCIDENT,
        "--title",
        "Intégration au domaine",
        "--description",
        "Échec.",
        "--field",
        "Type d'incident=Lenteur",
        "--field",
        "q5=3",
        "--field",
        "Nom du compte ceBox=ACME",
        "--attach",
        str(log),
        "--json",
    ]
    capsys.readouterr()
    tickets = len(on_fc.store.query("SELECT id FROM glpi_tickets"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "qgaAgent.log" in err and "type .log refused" in err and "--compress-refused" in err
    assert len(on_fc.store.query("SELECT id FROM glpi_tickets")) == tickets
    assert main([*argv, "--compress-refused"]) == 0, capsys.readouterr().err
    result = json.loads(capsys.readouterr().out)
    assert result["compressed"] == ["qgaAgent.log.gz"]
    names = [d["filename"] for d in on_fc.store.documents(result["id"])]
    assert names == ["qgaAgent.log.gz"]


def test_list_fields_shows_whole_ranges_and_speaks_french(
    on_fc: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cebox_support.tui.i18n import set_language

    capsys.readouterr()
    assert main(["new", "--form", "1", "--list-fields"]) == 0
    out = capsys.readouterr().out
    assert "1–500" in out and "1.0" not in out
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    set_language("fr")
    try:
        assert main(["new", "--form", "1", "--list-fields"]) == 0
    finally:
        set_language("en")
    assert 'affiché si q1 = "Perte de connexion"' in capsys.readouterr().out
