"""The browser path to change a password (works for every profile)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest


def _csrf(page: str) -> str:
    m = re.search(r'name="_glpi_csrf_token" value="([0-9a-f]+)"', page)
    assert m, page
    return m.group(1)


def _field(page: str, field_id: str) -> str:
    m = re.search(rf'id="{field_id}" name="([^"]+)"', page)
    assert m, page
    return m.group(1)


def _browser(hd: Any) -> httpx.Client:
    return httpx.Client(base_url=hd.base_url, follow_redirects=False, timeout=10)


def _login(browser: httpx.Client, login: str, password: str) -> httpx.Response:
    page = browser.get("/index.php", params={"noAUTO": "1"}).text
    return browser.post(
        "/front/login.php",
        data={
            "_glpi_csrf_token": _csrf(page),
            _field(page, "login_name"): login,
            _field(page, "login_password"): password,
            "auth": "local",
            "language": "en_GB",
        },
    )


def _change(
    browser: httpx.Client, current: str, new: str, new2: str | None = None
) -> httpx.Response:
    page = browser.get("/front/updatepassword.php").text
    return browser.post(
        "/front/updatepassword.php",
        data={
            "current_password": current,
            "password": new,
            "password2": new if new2 is None else new2,
            "update": "1",
            "_glpi_csrf_token": _csrf(page),
        },
    )


def test_login_page(hd: Any) -> None:
    with _browser(hd) as browser:
        r = browser.get("/index.php", params={"noAUTO": "1"})
        assert r.status_code == 200
        cookie = r.headers["set-cookie"]
        assert re.match(r"glpi_[0-9a-f]{32}=", cookie)
        assert re.search(r'<meta property="glpi:csrf_token" content="[0-9a-f]{64}">', r.text)
        name = _field(r.text, "login_name")
        assert name.startswith("fielda") and _field(r.text, "login_password").startswith("fieldb")
        again = browser.get("/index.php", params={"noAUTO": "1"}).text
        assert _field(again, "login_name") != name
        # The cookie name is fixed for the server.
        with _browser(hd) as other:
            other_cookie = other.get("/index.php", params={"noAUTO": "1"}).headers["set-cookie"]
        assert other_cookie.split("=")[0] == cookie.split("=")[0]


def test_login_success_and_failures(hd: Any) -> None:
    with _browser(hd) as browser:
        r = _login(browser, "post-only", "postonly")
        assert r.status_code == 302 and r.headers["location"] == "/front/helpdesk.public.php"
    with _browser(hd) as browser:
        assert _login(browser, "tech", "tech").headers["location"] == "/front/central.php"
    with _browser(hd) as browser:
        bad = _login(browser, "post-only", "wrong")
        assert bad.status_code == 401 and "Incorrect username or password" in bad.text


def test_reused_csrf_token_refused(hd: Any) -> None:
    with _browser(hd) as browser:
        page = browser.get("/index.php", params={"noAUTO": "1"}).text
        data = {
            "_glpi_csrf_token": _csrf(page),
            _field(page, "login_name"): "post-only",
            _field(page, "login_password"): "wrong",
            "auth": "local",
        }
        assert browser.post("/front/login.php", data=data).status_code == 401
        reused = browser.post("/front/login.php", data=data)
        assert reused.status_code == 200
        assert "The action you have requested is not allowed." in reused.text
        missing = browser.post("/front/login.php", data={"auth": "local"})
        assert "The action you have requested is not allowed." in missing.text


def test_password_change_flow(hd: Any) -> None:
    with _browser(hd) as browser:
        _login(browser, "post-only", "postonly")
        r = _change(browser, "postonly", "Nouveau-mdp-1")
        assert r.status_code == 200
        assert "Your password has been successfully updated." in r.text
    assert hd.store.check_password("post-only", "Nouveau-mdp-1")
    assert (
        httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "Nouveau-mdp-1")).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("current", "new", "new2", "message"),
    [
        ("wrong", "Abc-12345", None, "Incorrect password"),
        ("postonly", "Abc-12345", "Abc-54321", "The two passwords do not match"),
        ("postonly", "postonly", None, "The new password must be different from current password"),
    ],
)
def test_password_change_errors(
    hd: Any, current: str, new: str, new2: str | None, message: str
) -> None:
    with _browser(hd) as browser:
        _login(browser, "post-only", "postonly")
        r = _change(browser, current, new, new2)
        assert r.status_code == 200 and message in r.text
        assert "successfully" not in r.text
    assert hd.store.check_password("post-only", "postonly")


@pytest.mark.parametrize(
    ("policy", "new", "message"),
    [
        ({"min_length": 12}, "Abc-1234", "Password too short!"),
        ({"need_digit": True}, "Abcdefgh-", "Password must include at least a digit!"),
        ({"need_letter": True}, "ABCDEFG-1", "Password must include at least a lowercase letter!"),
        ({"need_caps": True}, "abcdefg-1", "Password must include at least a uppercase letter!"),
        ({"need_symbol": True}, "Abcdefgh1", "Password must include at least a symbol!"),
    ],
)
def test_password_policy_messages(hd: Any, policy: dict[str, Any], new: str, message: str) -> None:
    hd.store.set_password_policy(
        enabled=True, **{"min_length": 8, "need_letter": False, "need_symbol": False, **policy}
    )
    with _browser(hd) as browser:
        _login(browser, "post-only", "postonly")
        r = _change(browser, "postonly", new)
        assert message in r.text
    assert hd.store.check_password("post-only", "postonly")


def test_update_password_csrf_single_use(hd: Any) -> None:
    with _browser(hd) as browser:
        _login(browser, "post-only", "postonly")
        token = _csrf(browser.get("/front/updatepassword.php").text)
        data = {
            "current_password": "wrong",
            "password": "Aa-1",
            "password2": "Aa-1",
            "update": "1",
            "_glpi_csrf_token": token,
        }
        assert "Incorrect password" in browser.post("/front/updatepassword.php", data=data).text
        reused = browser.post("/front/updatepassword.php", data=data)
        assert "The action you have requested is not allowed." in reused.text


def test_special_characters_in_current_password_bug(hd: Any) -> None:
    hd.store.set_password(3, "a&b<c>")
    with _browser(hd) as browser:
        _login(browser, "post-only", "a&b<c>")
        assert "Incorrect password" in _change(browser, "a&b<c>", "Abc-12345").text


def test_expired_password_flow(hd: Any) -> None:
    hd.store.set_password_expired("post-only")
    with _browser(hd) as browser:
        r = _login(browser, "post-only", "postonly")
        assert r.status_code == 302 and r.headers["location"] == "/front/updatepassword.php"
        assert (
            "Your password has been successfully updated."
            in _change(browser, "postonly", "Fresh-pass-1").text
        )
    assert hd.store.user(3)["x_password_expired"] == 0
    token = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "Fresh-pass-1")).json()[
        "session_token"
    ]
    active = httpx.get(f"{hd.api_url}/getActiveProfile", headers={"Session-Token": token}).json()
    assert active["active_profile"]["name"] == "Self-Service"


def test_rest_session_token_as_web_cookie(hd: Any) -> None:
    token = httpx.get(f"{hd.api_url}/initSession", auth=("post-only", "postonly")).json()[
        "session_token"
    ]
    with _browser(hd) as browser:
        browser.cookies.set(hd.store.cookie_name, token)
        r = _change(browser, "postonly", "Par-cookie-1")
        assert "Your password has been successfully updated." in r.text
    # The REST session survives the password change.
    assert (
        httpx.get(f"{hd.api_url}/getFullSession", headers={"Session-Token": token}).status_code
        == 200
    )


def test_update_password_needs_login(hd: Any) -> None:
    with _browser(hd) as browser:
        r = browser.get("/front/updatepassword.php")
        assert r.status_code == 302 and "index.php" in r.headers["location"]


def test_logout(hd: Any) -> None:
    with _browser(hd) as browser:
        _login(browser, "post-only", "postonly")
        r = browser.get("/front/logout.php", params={"noAUTO": "1"})
        assert r.status_code == 302
        assert browser.get("/front/updatepassword.php").status_code == 302
