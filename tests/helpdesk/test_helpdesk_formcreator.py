"""The Formcreator plugin's REST surface, as the facts sheet observed it, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cebox_support.tui.helpdesk.runner import RunningHelpdesk
from helpdesk_helpers import POST_ONLY, TECH, error, session_client

INCIDENT, REQUEST, INACTIVE, HIDDEN, RESTRICTED = 1, 2, 3, 4, 5
# Question ids of the seeded incident form.
KIND, TITLE, BODY, FILE, SEATS, IP, ACCOUNT = 1, 2, 3, 4, 5, 6, 7


@pytest.fixture
def fc(fresh_fc_helpdesk: RunningHelpdesk) -> RunningHelpdesk:
    return fresh_fc_helpdesk


@pytest.fixture
def client(fc: RunningHelpdesk) -> Iterator[httpx.Client]:
    with session_client(fc, *POST_ONLY) as c:
        yield c


def _text_keys(client: httpx.Client, form_id: int) -> dict[str, str]:
    """Every text and textarea key of a form, empty (the empty-key rule)."""
    keys = {}
    for section in client.get(f"/PluginFormcreatorForm/{form_id}/PluginFormcreatorSection").json():
        for q in client.get(
            f"/PluginFormcreatorSection/{section['id']}/PluginFormcreatorQuestion"
        ).json():
            if q["fieldtype"] in ("text", "textarea"):
                keys[f"formcreator_field_{q['id']}"] = ""
    return keys


def _ids(client: httpx.Client, form_id: int) -> dict[str, int]:
    """Question ids of a form by question name."""
    out = {}
    for section in client.get(f"/PluginFormcreatorForm/{form_id}/PluginFormcreatorSection").json():
        for q in client.get(
            f"/PluginFormcreatorSection/{section['id']}/PluginFormcreatorQuestion"
        ).json():
            out[q["name"]] = int(q["id"])
    return out


def _incident(client: httpx.Client, **answers: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"plugin_formcreator_forms_id": INCIDENT, **_text_keys(client, INCIDENT)}
    data.update(
        {
            f"formcreator_field_{KIND}": "Lenteur",
            f"formcreator_field_{TITLE}": "ceBox lente",
            f"formcreator_field_{BODY}": "Tout rame",
            f"formcreator_field_{SEATS}": "12",
            f"formcreator_field_{ACCOUNT}": "ACME",
        }
    )
    data.update({f"formcreator_field_{k[1:]}": v for k, v in answers.items()})
    return data


def _post(client: httpx.Client, data: dict[str, Any]) -> httpx.Response:
    return client.post("/PluginFormcreatorFormAnswer", json={"input": data})


def _ticket_of(client: httpx.Client, answer_id: int) -> int:
    rows = client.get(f"/PluginFormcreatorFormAnswer/{answer_id}/Item_Ticket").json()
    assert len(rows) == 1
    return int(rows[0]["tickets_id"])


def _upload(client: httpx.Client, name: str = "capture.png") -> int:
    r = client.post(
        "/Document",
        data={"uploadManifest": json.dumps({"input": {"name": "capture", "_filename": [name]}})},
        files={"filename[0]": (name, b"PNG data", "image/png")},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_detection_with_and_without_the_plugin(fc: RunningHelpdesk, helpdesk: Any) -> None:
    with session_client(fc, *POST_ONLY) as c:
        r = c.get("/PluginFormcreatorForm", params={"range": "0-0"})
        assert r.status_code in (200, 206)
        assert r.headers["content-range"] == "0-0/5"
    with session_client(helpdesk, *POST_ONLY) as c:
        status, code, _ = error(c.get("/PluginFormcreatorForm", params={"range": "0-0"}))
        assert (status, code) == (400, "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM")


def test_the_api_does_not_filter_forms_unless_asked(client: httpx.Client) -> None:
    every = client.get("/PluginFormcreatorForm", params={"range": "0-99"}).json()
    assert {f["id"] for f in every} == {INCIDENT, REQUEST, INACTIVE, HIDDEN, RESTRICTED}
    offered = client.get(
        "/PluginFormcreatorForm",
        params={"searchText[is_active]": "1", "searchText[is_visible]": "1", "range": "0-99"},
    ).json()
    # Profile restrictions are not applied either: the technicians' form is listed.
    assert [f["name"] for f in offered] == [
        "Déclarer un incident ceBox",
        "Ouvrir une demande ceBox",
        "Demande d'intervention sur site",
    ]
    assert offered[0]["plugin_formcreator_categories_id"] == 1
    status, code, _ = error(client.get("/PluginFormcreatorForm_Profile"))
    assert (status, code) == (403, "ERROR_RIGHT_MISSING")


def test_sections_questions_regex_range_and_conditions(client: httpx.Client) -> None:
    sections = client.get(f"/PluginFormcreatorForm/{INCIDENT}/PluginFormcreatorSection").json()
    assert [s["name"] for s in sections] == ["Votre incident", "Informations importantes"]
    questions = client.get(
        f"/PluginFormcreatorSection/{sections[0]['id']}/PluginFormcreatorQuestion"
    ).json()
    kind = questions[0]
    assert kind["fieldtype"] == "select" and kind["required"] == 1
    assert isinstance(kind["values"], str)
    assert "Perte de connexion" in json.loads(kind["values"])
    regex = client.get(f"/PluginFormcreatorQuestion/{IP}/PluginFormcreatorQuestionRegex").json()
    assert regex[0]["regex"].startswith("/^")
    rng = client.get(f"/PluginFormcreatorQuestion/{SEATS}/PluginFormcreatorQuestionRange").json()
    assert (rng[0]["range_min"], rng[0]["range_max"]) == ("1", "500")
    governing = client.get(
        "/PluginFormcreatorCondition",
        params={
            "searchText[itemtype]": "PluginFormcreatorQuestion",
            "searchText[items_id]": f"^{IP}$",
        },
    ).json()
    assert [(c["plugin_formcreator_questions_id"], c["show_value"]) for c in governing] == [
        (KIND, "Perte de connexion")
    ]
    # The sub-route lists the conditions that *test* the question, not those governing it.
    assert client.get(f"/PluginFormcreatorQuestion/{IP}/PluginFormcreatorCondition").json() == []
    tested = client.get(f"/PluginFormcreatorQuestion/{KIND}/PluginFormcreatorCondition").json()
    assert [c["items_id"] for c in tested] == [IP]


def test_submit_creates_the_ticket_with_the_customer_as_requester(
    client: httpx.Client, fc: RunningHelpdesk
) -> None:
    r = _post(client, _incident(client))
    assert r.status_code == 201
    assert r.json()["message"] == "Item successfully added: Déclarer un incident ceBox"
    ticket_id = _ticket_of(client, r.json()["id"])
    ticket = client.get(f"/Ticket/{ticket_id}", params={"expand_dropdowns": "true"}).json()
    assert ticket["name"] == "ceBox lente"
    assert "Tout rame" in ticket["content"] and "ACME" in ticket["content"]
    assert ticket["requesttypes_id"] == "Formcreator"
    actors = client.get(f"/Ticket/{ticket_id}/Ticket_User").json()
    assert [(a["users_id"], a["type"]) for a in actors] == [(3, 1)]


def test_a_missing_text_key_fails_with_an_empty_message(client: httpx.Client) -> None:
    data = _incident(client)
    del data["formcreator_field_9"]  # "Actions déjà effectuées", optional textarea
    assert error(_post(client, data)) == (400, "ERROR_GLPI_ADD", "")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q2": ""}, "A required field is empty: Titre"),
        ({"q1": "Tempête"}, "This value Tempête is not allowed: Type d'incident"),
        ({"q5": "douze"}, "This is not an integer: Nombre de postes impactés"),
        ({"q5": "900"}, "The following number must be lower than 500: Nombre de postes impactés"),
        ({"q1": "Perte de connexion", "q6": "10.0.0.999"}, "Specific format does not match: IP ceBox"),
        ({"q11": "cebox_42"}, "Specific format does not match: Nom ceBox"),
        ({"q7": "A"}, "The text is too short (minimum 2 characters): Nom du compte ceBox"),
    ],
)  # fmt: skip
def test_refusals_carry_the_plugin_message(
    client: httpx.Client, answers: dict[str, str], message: str
) -> None:
    assert error(_post(client, _incident(client, **answers))) == (400, "ERROR_GLPI_ADD", message)


def test_only_the_last_failing_rule_is_reported(client: httpx.Client) -> None:
    r = _post(client, _incident(client, q2="", q7=""))
    assert error(r)[2] == "A required field is empty: Nom du compte ceBox"


def test_a_question_hidden_by_its_condition_is_not_validated(client: httpx.Client) -> None:
    # IP ceBox is required but hidden unless "Perte de connexion".
    assert _post(client, _incident(client, q6="")).status_code == 201
    r = _post(client, _incident(client, q1="Perte de connexion", q6=""))
    assert error(r)[2] == "A required field is empty: IP ceBox"
    ok = _post(client, _incident(client, q1="Perte de connexion", q6="192.168.10.20"))
    assert ok.status_code == 201


def test_unknown_form_answers_200_with_an_empty_body(client: httpx.Client) -> None:
    r = _post(client, {"plugin_formcreator_forms_id": 99})
    assert (r.status_code, r.content) == (200, b"")


def test_inactive_and_hidden_forms_still_create_tickets(client: httpx.Client) -> None:
    """The server weakness the console must not widen: it checks no access on submit."""
    for form in (INACTIVE, HIDDEN):
        data = {"plugin_formcreator_forms_id": form, **_text_keys(client, form)}
        data.update({k: "x" for k in data if k.startswith("formcreator_field_")})
        assert _post(client, data).status_code == 201


def test_file_answer_reaches_the_ticket_when_the_target_uses_it(client: httpx.Client) -> None:
    doc = _upload(client)
    r = _post(client, _incident(client, q4=f"[{doc}]"))
    ticket_id = _ticket_of(client, r.json()["id"])
    ticket = client.get(f"/Ticket/{ticket_id}", params={"with_documents": "true"}).json()
    assert [d["id"] for d in ticket["_documents"]] == [doc]
    assert "capture.png" in ticket["content"]


def test_file_answer_does_not_reach_a_ticket_whose_target_ignores_it(
    client: httpx.Client,
) -> None:
    doc = _upload(client)
    data = {"plugin_formcreator_forms_id": REQUEST, **_text_keys(client, REQUEST)}
    ids = _ids(client, REQUEST)
    data.update(
        {
            f"formcreator_field_{ids['Type de demande']}": "Renseignement",
            f"formcreator_field_{ids['Titre']}": "Question",
            f"formcreator_field_{ids['Description']}": "Comment faire ?",
            f"formcreator_field_{ids['Documents']}": f"[{doc}]",
        }
    )
    r = _post(client, data)
    assert r.status_code == 201, r.text
    ticket_id = _ticket_of(client, r.json()["id"])
    ticket = client.get(f"/Ticket/{ticket_id}", params={"with_documents": "true"}).json()
    assert ticket["_documents"] == []
    assert ticket["type"] == 2


def test_a_file_sent_in_the_same_multipart_request_is_dropped(client: httpx.Client) -> None:
    manifest = {"input": _incident(client)}
    r = client.post(
        "/PluginFormcreatorFormAnswer",
        data={"uploadManifest": json.dumps(manifest)},
        files={"filename[0]": ("capture.png", b"PNG", "image/png")},
    )
    assert r.status_code == 201
    ticket_id = _ticket_of(client, r.json()["id"])
    ticket = client.get(f"/Ticket/{ticket_id}", params={"with_documents": "true"}).json()
    assert ticket["_documents"] == []


def test_item_ticket_of_another_users_answer_is_not_listed(
    client: httpx.Client, fc: RunningHelpdesk
) -> None:
    answer_id = _post(client, _incident(client)).json()["id"]
    with session_client(fc, *TECH) as other:
        r = other.get(f"/PluginFormcreatorFormAnswer/{answer_id}/Item_Ticket")
        assert error(r)[:2] == (403, "ERROR_RIGHT_MISSING")


def _portal(fc: RunningHelpdesk, client: httpx.Client, csrf: bool = True) -> httpx.Response:
    """The portal's list with the REST session token as the web session cookie."""
    with httpx.Client(base_url=fc.base_url) as web:
        web.get("/index.php", params={"noAUTO": "1"})
        name = next(iter(web.cookies.keys()))
        web.cookies.clear()
        web.cookies.set(name, client.headers["Session-Token"])
        page = web.get("/plugins/formcreator/front/formlist.php")
        assert page.status_code == 200
        token = page.text.split('glpi:csrf_token" content="')[1].split('"')[0]
        headers = {"X-Glpi-Csrf-Token": token} if csrf else {}
        return web.post(
            "/plugins/formcreator/ajax/homepage_wizard.php",
            data={"wizard": "forms"},
            headers=headers,
        )


def test_the_portal_list_applies_profile_restrictions(
    client: httpx.Client, fc: RunningHelpdesk
) -> None:
    r = _portal(fc, client)
    # JSON, as 10.0.12 + Formcreator 2.13.10 answer it (glpi-formcreator.md).
    assert (r.status_code, r.headers["content-type"]) == (200, "application/json; charset=UTF-8")
    body = r.json()
    assert body["default"] is False
    assert [(f["id"], f["name"], f["type"]) for f in body["forms"]] == [
        (1, "Déclarer un incident ceBox", "form"),
        (2, "Ouvrir une demande ceBox", "form"),
    ]
    assert set(body["forms"][0]) == {
        "id",
        "name",
        "icon",
        "icon_color",
        "background_color",
        "description",
        "type",
        "usage_count",
        "is_default",
        "tile_template",
    }
    # The Technician-only form 5: listed over REST to anyone, by the portal to technicians.
    assert 5 in [f["id"] for f in client.get("/PluginFormcreatorForm").json()]
    with session_client(fc, *TECH) as tech:
        assert 5 in [f["id"] for f in _portal(fc, tech).json()["forms"]]
    assert _portal(fc, client, csrf=False).status_code == 403
