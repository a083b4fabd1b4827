"""Sessions, tokens and the request-level errors of GLPI 10.0.12's API."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from helpdesk_helpers import error, session_client


def test_init_session_basic_auth(hd: Any) -> None:
    r = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "postonly"))
    assert r.status_code == 200
    token = r.json()["session_token"]
    assert len(token) == 26 and token.isalnum()
    assert r.headers["content-type"].startswith("application/json")


def test_init_session_post_json_and_full_session(hd: Any) -> None:
    r = httpx.post(
        f"{hd.api_url}/initSession",
        json={"login": "post-only", "password": "postonly", "get_full_session": True},
    )
    assert r.status_code == 200
    session = r.json()["session"]
    assert session["glpiID"] == 3
    assert session["glpiname"] == "post-only"
    assert session["glpifriendlyname"] == "Martin Tom"
    assert session["glpilanguage"] == "fr_FR"
    assert session["glpiactiveprofile"]["name"] == "Self-Service"
    assert "glpi_password_expired" not in session


def test_init_session_query_credentials(hd: Any) -> None:
    r = httpx.get(f"{hd.api_url}/initSession", params={"login": "tech", "password": "tech"})
    assert r.status_code == 200


def test_wrong_password(hd: Any) -> None:
    r = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "nope"))
    assert error(r) == (401, "ERROR_GLPI_LOGIN", "Incorrect username or password")


def test_login_is_case_sensitive(hd: Any) -> None:
    r = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "POSTONLY"))
    assert r.status_code == 401


def test_no_credentials(hd: Any) -> None:
    r = httpx.get(f"{hd.api_url}/initSession")
    status, code, message = error(r)
    assert (status, code) == (400, "ERROR_LOGIN_PARAMETERS_MISSING")
    assert message.startswith(
        "parameter(s) login, password or user_token are missing; view documentation"
    )
    assert f"{hd.api_url}/#ERROR_LOGIN_PARAMETERS_MISSING" in message


def test_user_token_login(hd: Any) -> None:
    hd.store.set_user_token("post-only", "abcdefghijklmnopqrstuvwxyz0123456789ABCD")
    r = httpx.get(
        f"{hd.api_url}/initSession",
        headers={"Authorization": "user_token abcdefghijklmnopqrstuvwxyz0123456789ABCD"},
    )
    assert r.status_code == 200
    bad = httpx.get(f"{hd.api_url}/initSession", headers={"Authorization": "user_token wrong"})
    assert error(bad) == (401, "ERROR_GLPI_LOGIN_USER_TOKEN", "parameter user_token seems invalid")


def test_app_token_required_when_configured(hd: Any) -> None:
    hd.store.app_token = "the-app-token"
    missing = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "postonly"))
    assert error(missing)[:2] == (400, "ERROR_APP_TOKEN_PARAMETERS_MISSING")
    wrong = httpx.get(
        f"{hd.api_url}/initSession", auth=("post-only", "postonly"), headers={"App-Token": "other"}
    )
    assert error(wrong)[:2] == (400, "ERROR_WRONG_APP_TOKEN_PARAMETER")
    ok = httpx.get(
        f"{hd.api_url}/initSession",
        auth=("post-only", "postonly"),
        headers={"App-Token": "the-app-token"},
    )
    assert ok.status_code == 200
    token = ok.json()["session_token"]
    # Checked on every request, not only at login.
    later = httpx.get(f"{hd.api_url}/getFullSession", headers={"Session-Token": token})
    assert error(later)[:2] == (400, "ERROR_APP_TOKEN_PARAMETERS_MISSING")
    with_app = httpx.get(
        f"{hd.api_url}/getFullSession",
        headers={"Session-Token": token, "App-Token": "the-app-token"},
    )
    assert with_app.status_code == 200


def test_unexpected_app_token_rejected(hd: Any) -> None:
    r = httpx.get(
        f"{hd.api_url}/initSession", auth=("post-only", "postonly"), headers={"App-Token": "x"}
    )
    assert error(r)[:2] == (400, "ERROR_WRONG_APP_TOKEN_PARAMETER")


def test_credentials_login_can_be_disabled(hd: Any) -> None:
    hd.store.api_login_credentials = False
    r = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "postonly"))
    assert error(r)[:2] == (400, "ERROR_LOGIN_WITH_CREDENTIALS_DISABLED")


def test_api_disabled(hd: Any) -> None:
    hd.store.api_enabled = False
    r = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "postonly"))
    assert error(r) == (400, "ERROR", "API disabled")


def test_session_token_missing_and_invalid(hd: Any) -> None:
    missing = httpx.get(f"{hd.api_url}/getFullSession")
    status, code, message = error(missing)
    assert (status, code) == (400, "ERROR_SESSION_TOKEN_MISSING")
    assert message.startswith("parameter session_token is missing or empty")
    invalid = httpx.get(f"{hd.api_url}/getFullSession", headers={"Session-Token": "x" * 26})
    assert error(invalid) == (401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid")


def test_session_token_in_query(hd: Any) -> None:
    token = httpx.get(f"{hd.api_url}/initSession", auth=("tech", "tech")).json()["session_token"]
    r = httpx.get(f"{hd.api_url}/getFullSession", params={"session_token": token})
    assert r.status_code == 200


def test_kill_session(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    r = client.get("/killSession")
    assert r.status_code == 200 and r.json() is True
    after = client.get("/getFullSession")
    assert error(after)[:2] == (401, "ERROR_SESSION_TOKEN_INVALID")


def test_sessions_are_independent_and_parallel(hd: Any) -> None:
    a = session_client(hd, "post-only", "postonly")
    b = session_client(hd, "post-only", "postonly")
    a.get("/killSession")
    assert b.get("/getFullSession").status_code == 200


def test_full_session_identity_and_time(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    r = client.get("/getFullSession")
    session = r.json()["session"]
    assert session["glpi_currenttime"] == hd.clock.now_str()
    assert session["glpidate_format"] == 0
    assert session["glpirealname"] == "Martin" and session["glpifirstname"] == "Tom"
    assert "glpiemail" not in session
    # The HTTP Date is UTC, glpi_currenttime is Europe/Paris (UTC+1 in November).
    date = httpx.Headers(r.headers)["date"]
    assert date.endswith("GMT") and "09:00:00" in date


def test_friendly_name_falls_back_to_login(hd: Any) -> None:
    session = session_client(hd, "glpi", "glpi").get("/getFullSession").json()["session"]
    assert session["glpifriendlyname"] == "glpi"


def test_profiles_and_entities(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    profiles = client.get("/getMyProfiles").json()["myprofiles"]
    assert [p["name"] for p in profiles] == ["Self-Service"]
    active = client.get("/getActiveProfile").json()["active_profile"]
    assert active["id"] == 1 and active["interface"] == "helpdesk"
    assert client.get("/getMyEntities").json() == {"myentities": [{"id": 0, "name": "Root entity"}]}
    active_entities = client.get("/getActiveEntities").json()["active_entity"]
    assert active_entities["id"] == 0


def test_glpi_config_for_self_service(hd: Any) -> None:
    hd.store.set_password_policy(enabled=True, min_length=12, need_digit=True)
    cfg = session_client(hd, "post-only", "postonly").get("/getGlpiConfig").json()["cfg_glpi"]
    assert cfg["version"] == "10.0.12"
    assert cfg["url_base"] == hd.base_url
    assert cfg["document_max_size"] == "2"
    assert cfg["use_password_security"] == "1"
    assert cfg["password_min_length"] == "12"
    assert cfg["password_need_number"] == "1"
    assert cfg["password_need_letter"] == "1"
    assert cfg["password_need_caps"] == "0"
    assert cfg["password_need_symbol"] == "1"
    assert cfg["language"] == "fr_FR"


def test_expired_password_session_has_no_profile(hd: Any) -> None:
    hd.store.set_password_expired("post-only")
    client = session_client(hd, "post-only", "postonly")
    assert client.get("/getActiveProfile").json() == {"active_profile": None}
    assert client.get("/getFullSession").json()["session"]["glpi_password_expired"] == 1
    assert error(client.get("/Ticket/1"))[:2] == (403, "ERROR_RIGHT_MISSING")
    assert error(client.get("/Ticket"))[:2] == (403, "ERROR_RIGHT_MISSING")
    create = client.post("/Ticket", json={"input": {"name": "x", "content": "y"}})
    assert error(create)[:2] == (400, "ERROR_GLPI_ADD")


def test_get_with_body_forbidden(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    r = client.request("GET", "/Ticket/1", content=b'{"a": 1}')
    status, code, message = error(r)
    assert (status, code) == (400, "ERROR_JSON_PAYLOAD_FORBIDDEN")
    assert message.startswith("GET Request should not have json payload (http body)")


def test_invalid_json_body(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    r = client.post("/Ticket", content=b"{not json", headers={"Content-Type": "application/json"})
    assert error(r) == (400, "ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid")
    empty_array = client.post(
        "/Ticket", content=b"[]", headers={"Content-Type": "application/json"}
    )
    assert error(empty_array)[:2] == (400, "ERROR_JSON_PAYLOAD_INVALID")


def test_unknown_and_miscased_itemtype(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    for path in ("/ticket/1", "/Foo", "/Ticket/1/Nope"):
        status, code, message = error(client.get(path))
        assert (status, code) == (400, "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM")
        assert message.startswith(
            "resource not found or not an instance of CommonDBTM; view documentation"
        )


def test_session_checked_before_itemtype(hd: Any) -> None:
    r = httpx.get(f"{hd.api_url}/ticket/1")
    assert error(r)[:2] == (400, "ERROR_SESSION_TOKEN_MISSING")


def test_password_change_keeps_sessions(hd: Any) -> None:
    client = session_client(hd, "tech", "tech")
    r = client.put("/User/4", json={"input": {"password": "N3w-pass!", "password2": "N3w-pass!"}})
    assert r.status_code == 200
    assert client.get("/getFullSession").status_code == 200
    assert hd.store.check_password("tech", "N3w-pass!")


def test_basic_auth_header_is_standard(hd: Any) -> None:
    raw = base64.b64encode(b"normal:normal").decode()
    r = httpx.get(f"{hd.api_url}/initSession", headers={"Authorization": f"Basic {raw}"})
    assert r.status_code == 200


def test_lost_password_needs_notifications(hd: Any) -> None:
    r = httpx.put(f"{hd.api_url}/lostPassword", json={"email": "x@example.org"})
    status, code, message = error(r)
    assert (status, code) == (400, "ERROR")
    assert message.startswith("Email notifications are disabled")
    get = httpx.get(f"{hd.api_url}/lostPassword")
    assert error(get)[2].startswith("Only HTTP verb PUT is allowed")
