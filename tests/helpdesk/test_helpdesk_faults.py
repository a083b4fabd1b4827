"""Fault injection, request log and the standalone server command."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from cebox_support.tui.helpdesk.faults import FaultConfig
from cebox_support.tui.helpdesk.runner import serve_forever, start_helpdesk
from helpdesk_helpers import error, session_client


def _outcomes(hd: Any, n: int) -> list[str]:
    client = session_client(hd, "post-only", "postonly")
    out = []
    for _ in range(n):
        try:
            r = client.get("/Ticket/1")
            out.append(str(r.status_code))
        except httpx.TransportError as exc:
            out.append(type(exc).__name__)
    client.close()
    return out


def test_faults_are_deterministic(hd: Any) -> None:
    faults = FaultConfig(fail_rate=0.5, fail_kinds=("500", "reset"), seed=7)
    hd.set_faults(faults)
    first = _outcomes(hd, 20)
    hd.set_faults(FaultConfig(fail_rate=0.5, fail_kinds=("500", "reset"), seed=7))
    second = _outcomes(hd, 20)
    assert first == second
    assert "500" in first and "200" in first and any(o not in ("200", "500") for o in first)


def test_500_fault_body(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    hd.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500",)))
    r = client.get("/Ticket/1")
    assert r.status_code == 500 and r.json()[0] == "ERROR"


def test_reset_fault_is_a_transport_error(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    hd.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("reset",)))
    with pytest.raises(httpx.TransportError):
        client.get("/Ticket/1")
    hd.set_faults(None)
    assert client.get("/Ticket/1").status_code == 200


def test_timeout_fault(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    hd.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("timeout",), timeout_s=1.5))
    with pytest.raises(httpx.ReadTimeout):
        client.get("/Ticket/1", timeout=0.3)


def test_expired_session_fault(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    hd.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("expired-session",)))
    assert error(client.get("/Ticket/1"))[:2] == (401, "ERROR_SESSION_TOKEN_INVALID")
    hd.set_faults(None)
    assert error(client.get("/Ticket/1"))[:2] == (401, "ERROR_SESSION_TOKEN_INVALID")


def test_init_session_is_never_faulted(hd: Any) -> None:
    hd.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500", "reset")))
    assert httpx.get(f"{hd.api_url}/initSession", auth=("tech", "tech")).status_code == 200


def test_latency(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    hd.set_faults(FaultConfig(latency_ms=200))
    start = time.monotonic()
    client.get("/getFullSession")
    assert time.monotonic() - start >= 0.2


def test_unknown_fault_kind() -> None:
    with pytest.raises(ValueError):
        FaultConfig(fail_kinds=("boom",))


def test_request_log(hd: Any) -> None:
    hd.clear_log()
    client = session_client(hd, "post-only", "postonly")
    client.get("/Ticket", params={"range": "0-1"})
    client.get("/Ticket/999")
    entries = [(e.method, e.path, e.status) for e in hd.request_log]
    assert entries == [
        ("GET", "/apirest.php/initSession", 200),
        ("GET", "/apirest.php/Ticket", 206),
        ("GET", "/apirest.php/Ticket/999", 404),
    ]
    assert hd.request_log[1].query == "range=0-1"


def test_bulk_tickets_page(hd: Any) -> None:
    """Pages deep in a bulk load are right (their speed is benchmarks/run.py's 100k row)."""
    hd.store.bulk_tickets(3, 10_000)
    client = session_client(hd, "post-only", "postonly")
    params = {
        "criteria[0][field]": "12",
        "criteria[0][searchtype]": "equals",
        "criteria[0][value]": "all",
        "range": "9950-9999",
        "forcedisplay[0]": "4",
        "forcedisplay[1]": "7",
    }
    r = client.get("/search/Ticket", params=params)
    page = client.get("/Ticket", params={"range": "5000-5049", "sort": "date_mod", "order": "DESC"})
    assert r.status_code == 206 and r.json()["count"] == 50
    assert page.status_code == 206 and page.headers["content-range"] == "5000-5049/10006"


def test_persistent_database(tmp_path: Any) -> None:
    db = str(tmp_path / "helpdesk.sqlite")
    first = start_helpdesk(db_path=db)
    tid = first.store.create_ticket(name="persistant", content="<p>x</p>", requester_id=3)
    first.stop()
    first.store.close()
    second = start_helpdesk(db_path=db)
    try:
        assert second.store.ticket(tid)["name"] == "persistant"
        assert second.store.count("tickets") == tid
    finally:
        second.stop()


def test_empty_helpdesk_has_accounts_only() -> None:
    running = start_helpdesk(empty=True)
    try:
        assert running.store.count("tickets") == 0
        assert running.store.user_id("post-only") == 3
    finally:
        running.stop()


def test_serve_forever_refuses_remote_host(capsys: Any) -> None:
    assert serve_forever(["--host", "0.0.0.0", "--port", "0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


# -- opt-in rules naming a path: initSession and the web pages ------------------------------


def _web_login(hd: Any, browser: httpx.Client) -> httpx.Response:
    page = browser.get("/index.php", params={"noAUTO": "1"}).text
    names = re.findall(r'id="login_(?:name|password)" name="([^"]+)"', page)
    csrf = re.search(r'name="_glpi_csrf_token" value="([0-9a-f]+)"', page)
    assert csrf and len(names) == 2, page
    data = {"_glpi_csrf_token": csrf.group(1), names[0]: "post-only", names[1]: "postonly"}
    return browser.post("/front/login.php", data=data)


def _change_password(browser: httpx.Client, new: str) -> httpx.Response:
    page = browser.get("/front/updatepassword.php").text
    csrf = re.search(r'name="_glpi_csrf_token" value="([0-9a-f]+)"', page)
    assert csrf, page
    data = {
        "current_password": "postonly",
        "password": new,
        "password2": new,
        "update": "1",
        "_glpi_csrf_token": csrf.group(1),
    }
    return browser.post("/front/updatepassword.php", data=data)


def test_a_rule_can_fault_init_session_and_only_it(hd: Any) -> None:
    client = session_client(hd, "post-only", "postonly")
    hd.set_faults(
        FaultConfig(fail_rate=1.0, fail_kinds=("500",), paths=("/apirest.php/initSession",))
    )
    r = httpx.get(f"{hd.api_url}/initSession", auth=("tech", "tech"))
    assert r.status_code == 500 and r.json()[0] == "ERROR"
    assert client.get("/Ticket/1").status_code == 200  # not named: not faulted
    assert [e.fault for e in hd.request_log[-2:]] == ["500", ""]


def test_web_pages_are_faulted_only_when_named(hd: Any) -> None:
    hd.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500", "reset")))
    with httpx.Client(base_url=hd.base_url, follow_redirects=False, timeout=10) as browser:
        assert _web_login(hd, browser).status_code == 302
    hd.set_faults(FaultConfig(fail_rate=1.0, fail_kinds=("500",), paths=("POST /front/login.php",)))
    with httpx.Client(base_url=hd.base_url, follow_redirects=False, timeout=10) as browser:
        r = _web_login(hd, browser)  # the GET of the form is not named
        assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")


def test_the_password_post_can_be_reset_once_then_retried(hd: Any) -> None:
    with httpx.Client(base_url=hd.base_url, follow_redirects=False, timeout=10) as browser:
        assert _web_login(hd, browser).status_code == 302
        hd.set_faults(
            FaultConfig(
                fail_rate=1.0,
                fail_kinds=("reset",),
                paths=("POST /front/updatepassword.php",),
                max_faults=1,
            )
        )
        with pytest.raises(httpx.TransportError):
            _change_password(browser, "Nouveau-1")
        assert not hd.store.check_password("post-only", "Nouveau-1")  # dropped unread
        r = _change_password(browser, "Nouveau-1")
        assert "Your password has been successfully updated." in r.text
    faulted = [(e.method, e.path) for e in hd.request_log if e.fault]
    assert faulted == [("POST", "/front/updatepassword.php")]


def test_an_expired_web_session(hd: Any) -> None:
    with httpx.Client(base_url=hd.base_url, follow_redirects=False, timeout=10) as browser:
        assert _web_login(hd, browser).status_code == 302
        hd.set_faults(
            FaultConfig(
                fail_rate=1.0,
                fail_kinds=("expired-session",),
                paths=("/front/updatepassword.php",),
            )
        )
        r = browser.get("/front/updatepassword.php")
        assert r.status_code == 302 and "index.php" in r.headers["location"]


def test_rules_are_checked() -> None:
    with pytest.raises(ValueError, match="METHOD"):
        FaultConfig(paths=("front/login.php",))
    glob = FaultConfig(paths=("PUT /apirest.php/User/*", "/front/*.php"))
    assert glob.targets("PUT", "/apirest.php/User/3") and not glob.targets(
        "GET", "/apirest.php/User/3"
    )
    assert glob.targets("GET", "/front/login.php") and not glob.targets("GET", "/index.php")
    default = FaultConfig()
    assert default.targets("GET", "/apirest.php/Ticket/1")
    assert not default.targets("GET", "/apirest.php/initSession")
    assert not default.targets("POST", "/front/updatepassword.php")
