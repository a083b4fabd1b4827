"""The checklist filled from this machine: facts, their mapping onto forms, `new
--from-this-machine` against the embedded helpdesk, and the qgaAgent.log offer."""

from __future__ import annotations

import io
import ipaddress
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.machine import MachineFacts, _kernel_ipv6, machine_answers, this_machine

FACTS = MachineFacts(hostname="cebox-042", ipv4="10.20.0.10", ipv6="2001:db8:42::10")


def builtin(form_id: str) -> Any:
    from cebox_support.tui.forms import load_forms

    forms, _problems = load_forms([])
    return next(f for f in forms if f.id == form_id)


def test_this_machine_facts_are_its_own() -> None:
    facts = this_machine()
    assert facts.hostname == socket.gethostname()
    if facts.ipv4 is not None:
        assert not ipaddress.IPv4Address(facts.ipv4).is_loopback
    if facts.ipv6 is not None:
        address = ipaddress.IPv6Address(facts.ipv6)
        assert not address.is_link_local and not address.is_loopback


def test_kernel_ipv6_keeps_global_scope_only(tmp_path: Path) -> None:
    table = tmp_path / "if_inet6"
    table.write_text(
        "20010db8000000000000000000000010 02 40 00 80     eth0\n"  # global, permanent
        "20010db8000000000000000000000099 02 40 00 01     eth0\n"  # temporary
        "fe8000000000000000fc00fffe000001 02 40 20 80     eth0\n"  # link-local scope
        "00000000000000000000000000000001 01 80 10 80       lo\n"
    )
    assert _kernel_ipv6(table) == ["2001:db8::10"]


def test_builtin_incident_form_fields_by_key() -> None:
    assert machine_answers(builtin("incident"), FACTS) == {
        "cebox_ipv6": "2001:db8:42::10",
        "cebox_ip": "10.20.0.10",
        "cebox_name": "cebox-042",
    }


def test_a_server_form_is_matched_by_kind_then_label() -> None:
    from cebox_support.tui.forms import FormDefinition

    form = FormDefinition.model_validate(
        {
            "id": "srv-7",
            "ticket_type": 1,
            "title": {"fr": "Incident", "en": "Incident"},
            "summary": {"fr": "S", "en": "S"},
            "fields": [
                {
                    "name": "q1",
                    "kind": "text",
                    "role": "title",
                    "required": True,
                    "label": {"fr": "Titre", "en": "Title"},
                },
                {"name": "q2", "kind": "hostname", "label": {"fr": "Machine", "en": "Host"}},
                {"name": "q3", "kind": "text", "label": {"fr": "IP de la ceBox", "en": "IP"}},
                {"name": "q4", "kind": "text", "label": {"fr": "IPv6", "en": "IPv6"}},
                {"name": "q5", "kind": "text", "label": {"fr": "Autre IP", "en": "Other IP"}},
            ],
        }
    )
    missing_v6 = MachineFacts(hostname="h", ipv4="10.0.0.1", ipv6=None)
    assert machine_answers(form, FACTS) == {
        "q2": "cebox-042",
        "q3": "10.20.0.10",
        "q4": "2001:db8:42::10",
    }
    assert machine_answers(form, missing_v6) == {"q2": "h", "q3": "10.0.0.1"}


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    return path


REQUIRED = [
    "--title",
    "ceBox injoignable",
    "--description",
    "Plus de réponse depuis 9:00.",
    "--field",
    "type=unreachable",
    "--field",
    "account=ACME",
    "--field",
    "workstations=4",
]


def test_new_from_this_machine_fills_and_says_so(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr("cebox_support.tui.machine.this_machine", lambda: FACTS)
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0
    capsys.readouterr()
    code = main(
        [
            "new",
            "--form",
            "incident",
            *REQUIRED,
            "--field",
            "cebox_ip=10.99.0.1",  # the user's own answer wins
            "--from-this-machine",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    ticket_id = json.loads(out)["id"]
    assert "cebox_name = cebox-042 (from this machine)" in err
    assert "cebox_ipv6 = 2001:db8:42::10 (from this machine)" in err
    assert "cebox_ip =" not in err
    assert main(["show", str(ticket_id), "--json"]) == 0
    text = json.loads(capsys.readouterr().out)["ticket"]["text"]
    assert "cebox-042" in text and "2001:db8:42::10" in text
    assert "10.99.0.1" in text and "10.20.0.10" not in text


def test_without_the_option_nothing_is_filled(
    fresh_helpdesk: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr("cebox_support.tui.machine.this_machine", lambda: FACTS)
    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["new", "--form", "incident", *REQUIRED, "--json"]) == 0
    out, err = capsys.readouterr()
    assert "from this machine" not in err
    assert main(["show", str(json.loads(out)["id"]), "--json"]) == 0
    assert "cebox-042" not in capsys.readouterr().out


def test_qga_log_is_offered_not_attached(
    fresh_helpdesk: Any,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    from cebox_support.tui.config import load_settings, save_settings

    monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
    argv = ["login", "--server", fresh_helpdesk.api_url, "--user", "post-only", "--password-stdin"]
    assert main(argv) == 0
    folder = tmp_path / "qemu-ga"
    folder.mkdir()
    (folder / "qgaAgent.log").write_text("join failed\n")
    loaded = load_settings()
    profile = loaded.settings.profiles[loaded.settings.default_profile]
    profile.qga_log = str(folder)
    save_settings(loaded.settings, loaded.path)
    capsys.readouterr()
    assert main(["new", "--form", "incident", *REQUIRED, "--json"]) == 0
    out, err = capsys.readouterr()
    assert f"{folder / 'qgaAgent.log'} exists; add --attach" in err
    assert json.loads(out)["documents"] == []  # offered, not added
    # A default GLPI refuses .log files (tests/helpdesk/test_helpdesk_uploads.py): this
    # server's administrator made them uploadable.
    fresh_helpdesk.store.upload_extensions = [*fresh_helpdesk.store.upload_extensions, "log"]
    attach = ["--attach", str(folder / "qgaAgent.log")]
    assert main(["new", "--form", "incident", *REQUIRED, *attach, "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["documents"] == ["qgaAgent.log"] and "exists; add" not in err
