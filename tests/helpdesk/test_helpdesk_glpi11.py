"""Contract: the facts sheet's "GLPI 11.0 — what changes for the console" table, side by
side with 10.0, against one demo helpdesk per version for this module."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import _start

POST_ONLY = ("post-only", "postonly")
TECH = ("tech", "tech")
PENDING = 6  # the demo ticket whose technician's follow-up carries a document


@pytest.fixture(scope="module", params=["10.0", "11.0"])
def glpi(request: pytest.FixtureRequest) -> Iterator[Any]:
    running = _start(demo=True, glpi_version=request.param)
    yield running
    running.stop()


def _token(hd: Any, who: tuple[str, str] = POST_ONLY) -> str:
    r = httpx.get(f"{hd.api_url}/initSession", auth=who)
    assert r.status_code == 200, r.text
    return str(r.json()["session_token"])


def _api(hd: Any, who: tuple[str, str] = POST_ONLY) -> httpx.Client:
    return httpx.Client(
        base_url=hd.api_url + "/", headers={"Session-Token": _token(hd, who)}, timeout=10
    )


def eleven(hd: Any) -> bool:
    return bool(hd.store.version.name == "11.0")


def _tech_document(hd: Any) -> int:
    rows = hd.store.query(
        "SELECT d.id FROM glpi_documents d WHERE d.filename = 'procedure-redemarrage.txt'"
    )
    return int(rows[0]["id"])


def test_unreadable_token_and_killed_token(glpi: Any) -> None:
    garbage = httpx.get(f"{glpi.api_url}/getFullSession", headers={"Session-Token": "nope"})
    if eleven(glpi):
        assert (garbage.status_code, garbage.json()[0]) == (400, "ERROR_SESSION_TOKEN_MISSING")
    else:
        assert (garbage.status_code, garbage.json()[0]) == (401, "ERROR_SESSION_TOKEN_INVALID")
    token = _token(glpi)
    httpx.get(f"{glpi.api_url}/killSession", headers={"Session-Token": token})
    killed = httpx.get(f"{glpi.api_url}/getFullSession", headers={"Session-Token": token})
    assert (killed.status_code, killed.json()[0]) == (401, "ERROR_SESSION_TOKEN_INVALID")


def test_token_in_the_url(glpi: Any) -> None:
    r = httpx.get(f"{glpi.api_url}/getFullSession", params={"session_token": _token(glpi)})
    if eleven(glpi):
        assert r.status_code == 500 and "text/html" in r.headers["content-type"]
    else:
        assert r.status_code == 200


def test_text_is_raw_on_11_whatever_the_header(glpi: Any) -> None:
    with _api(glpi) as api:
        default = api.get("Ticket/1").json()["content"]
        asked_raw = api.get("Ticket/1", headers={"X-GLPI-Sanitized-Content": "false"}).json()[
            "content"
        ]
        row = api.get(
            "search/Ticket",
            params={
                "criteria[0][field]": 2,
                "criteria[0][searchtype]": "equals",
                "criteria[0][value]": 1,
                "forcedisplay[0]": 1,
            },
        ).json()["data"][0]["1"]
    assert asked_raw.startswith("<p>")
    if eleven(glpi):
        assert default.startswith("<p>")
        assert "&#39;" not in row and "'" in row  # "échec d'intégration", raw
    else:
        assert default.startswith("&#60;p&#62;")


def test_rest_download_refused_to_customers_on_11(glpi: Any) -> None:
    doc = _tech_document(glpi)
    with _api(glpi) as api:
        r = api.get(f"Document/{doc}", headers={"Accept": "application/octet-stream"})
    if eleven(glpi):
        assert (r.status_code, r.json()[0]) == (403, "ERROR_RIGHT_MISSING")
    else:
        assert r.status_code == 200 and r.content.startswith("Redémarrage".encode())
    with _api(glpi, TECH) as api:
        assert api.get(f"Document/{doc}", params={"alt": "media"}).status_code == 200


def test_links_search_default_and_ticket_fields(glpi: Any) -> None:
    with _api(glpi) as api:
        ticket = api.get("Ticket/1").json()
        body = api.get("search/Ticket").json()
    hrefs = [link["href"] for link in ticket["links"]]
    if eleven(glpi):
        assert all("/api.php/v1/" in h for h in hrefs)
        assert body["sort"] == [2]
        assert "externalid" in ticket and "validation_percent" not in ticket
    else:
        assert all("/apirest.php/" in h for h in hrefs)
        assert body["sort"] == [1]  # by title, as the facts sheet records for 10.0
        assert "validation_percent" in ticket and "externalid" not in ticket


def test_a_followup_with_a_refused_file(glpi: Any) -> None:
    """10.0: 201, the refusal inside `upload_result`; 11.0: the follow-up is saved, then
    a 500 HTML page. Either way exactly one follow-up, and no document on the ticket."""
    ticket = glpi.store.create_ticket(name="Journal", content="<p>x</p>", requester_id=3)
    manifest = {
        "input": {
            "itemtype": "Ticket",
            "items_id": ticket,
            "content": "<p>voici le journal</p>",
            "_filename": ["qgaAgent.log"],
        }
    }
    with _api(glpi) as api:
        r = api.post(
            "ITILFollowup",
            data={"uploadManifest": json.dumps(manifest)},
            files={"filename[0]": ("qgaAgent.log", b"line\n", "text/plain")},
        )
    if eleven(glpi):
        assert r.status_code == 500
        assert r.headers["content-type"].startswith("text/html")
    else:
        assert r.status_code == 201
        assert "Filetype not allowed" in json.dumps(r.json()["upload_result"])
    followups = glpi.store.query(
        "SELECT id, content FROM glpi_itilfollowups WHERE itemtype = 'Ticket' AND items_id = ?",
        (ticket,),
    )
    assert len(followups) == 1 and "voici le journal" in followups[0]["content"]
    documents = glpi.store.query(
        "SELECT id FROM glpi_documents_items WHERE itemtype = 'Ticket' AND items_id = ?",
        (ticket,),
    )
    assert documents == []


# -- the web side ------------------------------------------------------------------------


def _login_page(browser: httpx.Client, hd: Any) -> str:
    return browser.get("/" if eleven(hd) else "/index.php", params={"noAUTO": "1"}).text


def _web_login(hd: Any, who: tuple[str, str] = POST_ONLY) -> tuple[httpx.Client, httpx.Response]:
    browser = httpx.Client(base_url=hd.base_url, follow_redirects=False, timeout=10)
    page = _login_page(browser, hd)
    csrf = re.search(r'name="_glpi_csrf_token" value="([0-9a-f]+)"', page)
    names = re.findall(r'id="login_(?:name|password)" name="([^"]+)"', page)
    assert csrf and len(names) == 2, page
    r = browser.post(
        "/front/login.php",
        data={"_glpi_csrf_token": csrf.group(1), names[0]: who[0], names[1]: who[1]},
    )
    return browser, r


def test_web_login_form_and_cookie(glpi: Any) -> None:
    browser, r = _web_login(glpi)
    with contextlib.closing(browser):
        cookie = next(c for c in browser.cookies.jar if c.name.startswith("glpi_"))
        if eleven(glpi):
            assert re.fullmatch(r"glpi_[0-9a-f]{128}", cookie.name)
            assert (r.status_code, r.headers["location"]) == (302, "/Helpdesk")
        else:
            assert re.fullmatch(r"glpi_[0-9a-f]{32}", cookie.name)
            assert (r.status_code, r.headers["location"]) == (302, "/front/helpdesk.public.php")
        pages = [_login_page(httpx.Client(base_url=glpi.base_url), glpi) for _ in range(2)]
        names = [re.findall(r'id="login_name" name="([^"]+)"', page) for page in pages]
        if eleven(glpi):
            assert names == [["login_name"], ["login_name"]]  # fixed names on 11
        else:  # random per session on 10: never the id, never the same twice
            assert all(len(n) == 1 and re.fullmatch(r"fielda[0-9a-f]{13}", n[0]) for n in names)
            assert names[0] != names[1]
    _, wrong = _web_login(glpi, ("post-only", "wrong"))
    assert wrong.status_code == (400 if eleven(glpi) else 401)
    assert "Incorrect username or password" in wrong.text


def _send(browser: httpx.Client, doc: int, itemtype: str | None, items_id: int | None) -> Any:
    params: dict[str, Any] = {"docid": doc}
    if itemtype:
        params |= {"itemtype": itemtype, "items_id": items_id}
    return browser.get("/front/document.send.php", params=params)


def test_document_send_rules(glpi: Any) -> None:
    doc = _tech_document(glpi)
    followup = int(
        glpi.store.scalar(
            "SELECT items_id FROM glpi_documents_items WHERE documents_id = ?", (doc,)
        )
    )
    refusal = 403 if eleven(glpi) else 200
    browser, _ = _web_login(glpi)
    with contextlib.closing(browser):
        ok = _send(browser, doc, "Ticket", PENDING)
        assert ok.status_code == 200 and ok.content.startswith("Redémarrage".encode())
        assert 'filename="procedure-redemarrage.txt"' in ok.headers["content-disposition"]
        assert _send(browser, doc, "ITILFollowup", followup).status_code == 200
        for refused in (
            _send(browser, doc, None, None),  # docid alone: not my upload
            _send(browser, doc, "Ticket", 1),  # not linked to that ticket
        ):
            assert refused.status_code == refusal
            assert "text/html" in refused.headers["content-type"]
        own = int(
            glpi.store.scalar(
                "SELECT id FROM glpi_documents WHERE filename = 'qgaAgent.log.gz' ORDER BY id"
            )
        )
        assert _send(browser, own, None, None).status_code == 200  # my own upload
        assert _send(browser, 99999, "Ticket", PENDING).status_code == 404


def test_rest_token_as_web_cookie(glpi: Any) -> None:
    doc = _tech_document(glpi)
    name = next(
        c.name for c in httpx.get(f"{glpi.base_url}/index.php", params={"noAUTO": "1"}).cookies.jar
    )
    r = httpx.get(
        f"{glpi.base_url}/front/document.send.php",
        params={"docid": doc, "itemtype": "Ticket", "items_id": PENDING},
        cookies={name: _token(glpi)},
    )
    assert r.status_code == (500 if eleven(glpi) else 200)


def test_updatepassword_needs_update_on_11() -> None:
    """On a helpdesk of its own: the password really changes."""
    hd = _start(demo=False, glpi_version="11.0")
    try:
        _change_twice(hd)
    finally:
        hd.stop()


def _change_twice(hd: Any) -> None:
    browser, r = _web_login(hd)
    assert r.status_code == 302
    with contextlib.closing(browser):
        for with_update in (False, True):
            page = browser.get("/front/updatepassword.php").text
            csrf = re.search(r'name="_glpi_csrf_token" value="([0-9a-f]+)"', page)
            assert csrf
            data = {
                "current_password": "postonly",
                "password": "N3w-pass!",
                "password2": "N3w-pass!",
                "_glpi_csrf_token": csrf.group(1),
            }
            if with_update:
                data["update"] = "Save"
            answer = browser.post("/front/updatepassword.php", data=data)
            done = "Your password has been successfully updated." in answer.text
            assert done is with_update
    assert hd.store.check_password("post-only", "N3w-pass!")


def test_formcreator_only_on_10(glpi: Any) -> None:
    """GLPI 11 has its own (web-only) forms; the Formcreator plugin does not exist there."""
    with _api(glpi) as api:
        r = api.get("PluginFormcreatorForm")
    if eleven(glpi):
        assert (r.status_code, r.json()[0]) == (400, "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM")
    else:
        assert r.status_code in (200, 206)


def test_demo_option_offers_every_version() -> None:
    from cebox_support.tui.cli import DEMO_GLPI_VERSIONS
    from cebox_support.tui.helpdesk.versions import VERSIONS

    assert set(DEMO_GLPI_VERSIONS) == set(VERSIONS)
    assert DEMO_GLPI_VERSIONS[0] == "10.0"
