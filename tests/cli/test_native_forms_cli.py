"""`forms` and `new --form` on GLPI 11 (native forms, through a web session)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.tokens import web_cookie_path

from tests.conftest import _start


@pytest.fixture
def glpi11() -> Iterator[Any]:
    running = _start(demo=True, formcreator=False, glpi_version="11.0")
    yield running
    running.stop()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from cebox_support.tui.api.native_forms import _CACHE

    path = tmp_path / "cebox.toml"
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(path))
    _CACHE.clear()
    return path


def _login(server: Any, monkeypatch: pytest.MonkeyPatch, *, token: str | None = None) -> None:
    if token is None:
        monkeypatch.setattr("sys.stdin", io.StringIO("postonly\n"))
        argv = ["login", "--server", server.api_url, "--user", "post-only", "--password-stdin"]
    else:
        server.store.set_user_token("post-only", token)
        monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
        argv = ["login", "--server", server.api_url, "--token-stdin"]
    assert main(argv) == 0


def test_the_password_login_keeps_the_web_session_for_the_forms(
    glpi11: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _login(glpi11, monkeypatch)
    server, cookie = web_cookie_path("127-0-0-1").read_text().split("\n")
    assert server.startswith(glpi11.base_url) and cookie.startswith("glpi_")


def test_without_a_web_session_the_forms_ask_for_the_password(
    glpi11: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _login(glpi11, monkeypatch)
    web_cookie_path("127-0-0-1").unlink()
    capsys.readouterr()
    assert main(["forms", "--json"]) == 3
    assert "--password-stdin" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(["forms", "--password-stdin"]) == 3
    assert "Wrong password" in capsys.readouterr().err


def test_a_personal_token_sign_in_is_sent_to_the_browser(
    glpi11: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _login(glpi11, monkeypatch, token="tok3n-for-forms-0123456789")
    capsys.readouterr()
    assert main(["forms"]) == 3
    err = capsys.readouterr().err
    assert "password" in err and f"{glpi11.base_url}/ServiceCatalog" in err


INCIDENT = "Déclarer un incident ceBox"


@pytest.fixture
def on_11(glpi11: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Any:
    _login(glpi11, monkeypatch)
    capsys.readouterr()
    return glpi11


def test_forms_lists_the_four_offered_forms(on_11: Any, capsys: Any) -> None:
    assert main(["forms", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "server"
    names = sorted(f["name"] for f in data["forms"])
    assert names == sorted(
        [INCIDENT, "Ouvrir une demande ceBox", "Report an issue", "Request a service"]
    )
    incident = next(f for f in data["forms"] if f["name"] == INCIDENT)
    assert incident["description"] == "Signaler une panne ou un dysfonctionnement de votre ceBox."
    assert main(["forms"]) == 0
    assert INCIDENT in capsys.readouterr().out


def test_list_fields_of_a_native_form(on_11: Any, capsys: Any) -> None:
    assert main(["new", "--form", INCIDENT, "--list-fields", "--json"]) == 0
    fields = {f["label"]: f for f in json.loads(capsys.readouterr().out)["fields"]}
    assert {"Panne totale", "Lenteur", "Perte de connexion"} <= set(
        fields["Type d'incident"]["choices"]
    )
    assert fields["Titre"]["required"] is True and fields["Documents"]["kind"] == "file"
    assert fields["IP ceBox"]["when"] == "hidden until the server's conditions show it"


def _incident(tmp_path: Path, *extra: str) -> list[str]:
    diag = tmp_path / "diag-cebox.txt"
    diag.write_text("ceBox diagnostic log\nline 2\n")
    return [
        "new",
        "--form",
        INCIDENT,
        "--field",
        "Type d'incident=Perte de connexion",
        "--field",
        "Titre=ceBox injoignable",
        "--field",
        "Description=La ceBox ne répond plus depuis ce matin.",
        "--field",
        "Nombre de postes impactés=3",
        "--attach",
        str(diag),
        "--json",
        *extra,
    ]


def _ticket(server: Any, ticket_id: int) -> Any:
    import httpx

    with httpx.Client(base_url=server.api_url) as http:
        token = http.get("initSession", auth=("post-only", "postonly")).json()["session_token"]
        headers = {"Session-Token": token}
        ticket = http.get(f"Ticket/{ticket_id}", params={"with_documents": "true"}, headers=headers)
        users = http.get(f"Ticket/{ticket_id}/Ticket_User", headers=headers)
        return ticket.json(), users.json()


def test_new_creates_the_ticket_with_answers_requester_and_file(
    on_11: Any, tmp_path: Path, capsys: Any
) -> None:
    argv = _incident(tmp_path, "--field", "IP ceBox=10.0.0.42")
    assert main(argv) == 0, capsys.readouterr().err
    out = json.loads(capsys.readouterr().out)
    assert out["documents"] == ["diag-cebox.txt"]
    ticket, users = _ticket(on_11, out["id"])
    assert ticket["name"] == "ceBox injoignable"
    assert "Perte de connexion" in ticket["content"] and "10.0.0.42" in ticket["content"]
    assert [d["filename"] for d in ticket["_documents"]] == ["diag-cebox.txt"]
    assert [(u["type"], u["users_id"]) for u in users] == [(1, ticket["users_id_recipient"])]


def test_an_answer_to_a_hidden_question_is_not_sent(
    on_11: Any, tmp_path: Path, capsys: Any
) -> None:
    argv = _incident(tmp_path, "--field", "IP ceBox=10.9.9.9")
    argv[4] = "Type d'incident=Lenteur"
    assert main(argv) == 0, capsys.readouterr().err
    ticket, _users = _ticket(on_11, json.loads(capsys.readouterr().out)["id"])
    assert "Lenteur" in ticket["content"] and "10.9.9.9" not in ticket["content"]


def test_a_missing_mandatory_answer_creates_nothing_and_names_it(
    on_11: Any, tmp_path: Path, capsys: Any
) -> None:
    argv = _incident(tmp_path)
    del argv[5:7]  # no Titre
    on_11.clear_log()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "not created" in err and "q18 (Titre)" in err
    assert not [e for e in on_11.request_log if e.path == "/Form/SubmitAnswers"]
    assert not [e for e in on_11.request_log if e.path == "/ajax/fileupload.php"]


def test_a_500_after_saving_finds_the_ticket_instead_of_sending_again(
    on_11: Any, tmp_path: Path, capsys: Any
) -> None:
    on_11.fail_form_submissions_after_saving(1)
    on_11.clear_log()
    assert main(_incident(tmp_path)) == 0, capsys.readouterr().err
    created = json.loads(capsys.readouterr().out)["id"]
    submits = [e for e in on_11.request_log if e.path == "/Form/SubmitAnswers"]
    assert [e.status for e in submits] == [500]  # sent once, then looked up
    ticket, _users = _ticket(on_11, created)
    assert ticket["name"] == "ceBox injoignable"


def test_forms_not_offered_are_neither_listed_nor_opened(on_11: Any, capsys: Any) -> None:
    assert main(["forms", "--json"]) == 0
    names = {f["name"] for f in json.loads(capsys.readouterr().out)["forms"]}
    for hidden in (
        "Formulaire inactif ceBox",
        "Formulaire réservé aux administrateurs",
        "Formulaire par lien direct",
        "Demande d'intervention sur site",
    ):
        assert hidden not in names
    assert main(["new", "--form", "Demande d'intervention sur site", "--list-fields"]) == 2
    assert "Forms of the server" in capsys.readouterr().err
    link = f"{on_11.base_url}/Form/Render/6"
    assert main(["new", "--form", link, "--list-fields"]) == 2
    assert "not offered" in capsys.readouterr().err


def test_a_direct_link_opens_its_form(on_11: Any, capsys: Any) -> None:
    link = f"{on_11.base_url}/Form/Render/7?token=cebox-direct-token-0123456789"
    assert main(["new", "--form", link, "--field", "Titre=via lien direct", "--json"]) == 0
    ticket, _users = _ticket(on_11, json.loads(capsys.readouterr().out)["id"])
    assert "via lien direct" in ticket["content"]


def test_a_refused_log_gets_the_compressed_offer(on_11: Any, tmp_path: Path, capsys: Any) -> None:
    log = tmp_path / "qgaAgent.log"
    log.write_text("domain join failed\n")
    argv = _incident(tmp_path, "--field", f"Journal qgaAgent.log={log}")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "qgaAgent.log" in err and "--compress-refused" in err and "not created" in err
    assert main([*argv, "--compress-refused"]) == 0, capsys.readouterr().err
    out = json.loads(capsys.readouterr().out)
    assert out["compressed"] == ["qgaAgent.log.gz"]
    ticket, _users = _ticket(on_11, out["id"])
    assert {d["filename"] for d in ticket["_documents"]} == {"diag-cebox.txt", "qgaAgent.log.gz"}


def test_several_choices_and_an_e_mail(on_11: Any, capsys: Any) -> None:
    assert main(["new", "--form", "4", "--list-fields", "--json"]) == 0
    fields = {f["label"]: f for f in json.loads(capsys.readouterr().out)["fields"]}
    services = fields["Services concernés"]
    assert services["kind"] == "multiselect"
    two = services["choices"][:2]
    argv = ["new", "--form", "4", "--field", "Titre=Deux services", "--field", "Description=x"]
    argv += ["--field", f"Type de demande={fields['Type de demande']['choices'][0]}"]
    argv += [a for c in two for a in ("--field", f"Services concernés={c}")]
    argv += ["--field", "E-mail de contact=pas-un-mail", "--json"]
    assert main(argv) == 2
    assert "E-mail de contact" in capsys.readouterr().err
    argv[-2] = "E-mail de contact=client@example.com"
    assert main(argv) == 0, capsys.readouterr().err
    ticket, _users = _ticket(on_11, json.loads(capsys.readouterr().out)["id"])
    assert all(c in ticket["content"] for c in two)


def test_a_send_nobody_saw_the_end_of_is_looked_up_not_sent_again(
    on_11: Any, tmp_path: Path, capsys: Any
) -> None:
    """A process killed after SubmitAnswers left: its record makes the next run look."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    from cebox_support.tui.config import load_settings
    from cebox_support.tui.native_submission import answers_digest
    from cebox_support.tui.session import resume

    argv = _incident(tmp_path)
    assert main(argv) == 0
    created = json.loads(capsys.readouterr().out)["id"]

    async def replay_the_crash() -> None:
        loaded = load_settings()
        name = loaded.settings.default_profile
        workspace = await resume(name, loaded.settings.profiles[name])
        assert workspace is not None
        from cebox_support.tui.api.native_forms import conversation

        forms = conversation(workspace.client)
        form = await forms.render(3)
        values = {
            "q17": "Perte de connexion",
            "q18": "ceBox injoignable",
            "q19": "La ceBox ne répond plus depuis ce matin.",
            "q20": [],
            "q21": "3",
        }
        from cebox_support.tui.forms.server import validate_server_answers

        checked = validate_server_answers(
            form,
            {**values, "q20": [str(tmp_path / "diag-cebox.txt")]},
            now=datetime.now().astimezone(),
        )
        since = on_11.clock.now().astimezone(UTC) - timedelta(minutes=1)
        workspace.drafts.begin(
            "native-form-3", answers_digest(form, checked.values), {"form": 3}, since=since
        )
        await forms.close()
        await workspace.client.close()

    asyncio.run(replay_the_crash())
    on_11.clear_log()
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["id"] == created
    assert "not created again" in captured.err
    assert not [e for e in on_11.request_log if e.path == "/Form/SubmitAnswers"]
