"""Contract: GLPI 11's native form routes against the recorded exchanges of
``shared/docs/glpi11-forms-transcript.md`` (the ids in the names: B4, C11…) — status,
content type and what a client reads (hooks, field names, JSON keys)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.conftest import _start

INCIDENT = 3
LENTEUR = "dd265640-c671-4fd7-a9f9-b0445aa2ebe5"
PERTE = "1415b5d1-c793-43fb-93c6-d6ace4789cfa"
PREFIX = "661fed6c0cf230.81729790"
TOKEN = "cebox-direct-token-0123456789"
HTML = "text/html; charset=UTF-8"
#: C10/C11's body, byte for byte.
C11_BODY = (
    "forms_id=3&answers_17=1415b5d1-c793-43fb-93c6-d6ace4789cfa&answers_18=ceBox+injoignable"
    "&answers_19=%3Cp%3ELa+ceBox+ne+r%C3%A9pond+plus+depuis+ce+matin.%3C%2Fp%3E"
    "&_answers_20%5B0%5D=661fed6c0cf230.81729790diag-cebox.txt"
    "&_prefix_answers_20%5B0%5D=661fed6c0cf230.81729790"
    "&_tag_answers_20%5B0%5D=072ac11f-b1f7-4e5c-bcbf-e1e3f264c0f6&answers_21=3&answers_22=10.0.0.42"
)
DIAG = b"ceBox diagnostic log\nline 2\n"


@pytest.fixture(scope="module")
def eleven() -> Iterator[Any]:
    running = _start(demo=True, glpi_version="11.0")
    yield running
    running.stop()


class Browser:
    """A web session as the transcript's script held it (D1), with its AJAX headers."""

    def __init__(self, hd: Any, login: str = "post-only", password: str = "postonly") -> None:
        self.hd = hd
        self.http = httpx.Client(base_url=hd.base_url, timeout=10)
        page = self.http.get("/").text
        form_token = re.search(r'name="_glpi_csrf_token" value="([^"]+)"', page)
        assert form_token is not None
        r = self.http.post(
            "/front/login.php",
            data={
                "_glpi_csrf_token": form_token.group(1),
                "login_name": login,
                "login_password": password,
                "auth": "local",
                "submit": "",
            },
        )
        assert r.status_code == 302, r.text
        self.csrf = meta_csrf(self.http.get(r.headers["location"]).text)

    @property
    def ajax(self) -> dict[str, str]:
        return {
            "X-Requested-With": "XMLHttpRequest",
            "X-Glpi-Csrf-Token": self.csrf,
            "Accept": "application/json",
        }

    def post(self, path: str, body: str | dict[str, Any], **kwargs: Any) -> httpx.Response:
        headers = {**self.ajax, **kwargs.pop("headers", {})}
        if isinstance(body, str):
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            return self.http.post(path, content=body, headers=headers, **kwargs)
        return self.http.post(path, data=body, headers=headers, **kwargs)

    def upload(self, name: str, data: bytes = DIAG, question: int = 20) -> httpx.Response:
        field = f"_uploader_answers_{question}"
        return self.http.post(
            "/ajax/fileupload.php",
            data={"name": field, "showfilesize": "false"},
            files={f"{field}[]": (name, data, "text/plain")},
            headers=self.ajax,
        )

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def web(eleven: Any) -> Iterator[Browser]:
    browser = Browser(eleven)
    yield browser
    browser.close()


def meta_csrf(page: str) -> str:
    m = re.search(r'<meta property="glpi:csrf_token" content="([0-9a-f]{64})"', page)
    assert m, page[:500]
    return m.group(1)


def form_links(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/Form/Render/(\d+)"', page)]


def rest(hd: Any, who: tuple[str, str] = ("post-only", "postonly")) -> httpx.Client:
    token = httpx.get(f"{hd.api_url}/initSession", auth=who).json()["session_token"]
    return httpx.Client(base_url=hd.api_url, headers={"Session-Token": token}, timeout=10)


def created_ticket(r: httpx.Response) -> int:
    assert (r.status_code, r.headers["content-type"]) == (200, "application/json"), r.text
    links = r.json()["links_to_created_items"]
    m = re.search(r'href="/front/ticket\.form\.php\?id=(\d+)"', links[0])
    assert m, links
    return int(m.group(1))


# ------------------------------------------------------------------- B. catalogue
def test_b1_b2_catalog_offers_the_four_forms_by_popularity_then_name() -> None:
    hd = _start(demo=True, glpi_version="11.0")
    try:
        web = Browser(hd)
        assert 'href="/ServiceCatalog"' in web.http.get("/Helpdesk").text  # D2
        page = web.http.get("/ServiceCatalog")
        assert (page.status_code, page.headers["content-type"]) == (200, HTML)
        assert "<title>New ticket - GLPI</title>" in page.text
        meta_csrf(page.text)
        assert form_links(page.text) == [3, 4, 1, 2]
        items = web.http.get("/ServiceCatalog/Items", params={"page": 1})
        assert (items.status_code, items.headers["content-type"]) == (200, HTML)
        assert form_links(items.text) == [3, 4, 1, 2]
        # The fragment's first <title> is an illustration's, not a form's (B2).
        assert re.search(r"<title>(.*?)</title>", items.text).group(1) == "Request a service"  # type: ignore[union-attr]
        cards = BeautifulSoup(items.text, "html.parser").select("a.card")
        shown = {
            c["href"]: (
                c.select_one("h2.card-title").get_text(strip=True),  # type: ignore[union-attr]
                c.select_one('[data-testid="service-catalog-description"]').get_text(strip=True),  # type: ignore[union-attr]
            )
            for c in cards
        }
        assert shown["/Form/Render/3"] == (
            "Déclarer un incident ceBox",
            "Signaler une panne ou un dysfonctionnement de votre ceBox.",
        )
        assert shown["/Form/Render/1"] == (
            "Report an issue",
            "Ask for support from our helpdesk team.",
        )
        # Submitting raises a form's popularity: it comes first.
        created_ticket(web.post("/Form/SubmitAnswers", "forms_id=4&answers_23=a&answers_24=b"))
        again = web.http.get("/ServiceCatalog/Items", params={"page": 1}).text
        assert form_links(again) == [4, 3, 1, 2]
        web.close()
    finally:
        hd.stop()


def test_b3_filter(web: Browser) -> None:
    r = web.http.get("/ServiceCatalog/Items", params={"filter": "ceBox"})
    assert (r.status_code, r.headers["content-type"]) == (200, HTML)
    assert form_links(r.text) == [3, 4]


def test_category_tiles_follow_what_the_user_is_offered(eleven: Any) -> None:
    customer = Browser(eleven)
    assert "category=" not in customer.http.get("/ServiceCatalog/Items").text
    customer.close()
    tech = Browser(eleven, "tech", "tech")
    root = tech.http.get("/ServiceCatalog/Items").text
    m = re.search(r'href="/ServiceCatalog\?category=(\d+)"', root)
    assert m and "Interventions" in root and 8 not in form_links(root)
    inside = tech.http.get("/ServiceCatalog/Items", params={"category": m.group(1)}).text
    assert form_links(inside) == [8]
    tech.close()


# ------------------------------------------------------------------ B'. render
def test_b4_render_carries_the_hooks(web: Browser) -> None:
    r = web.http.get(f"/Form/Render/{INCIDENT}")
    assert (r.status_code, r.headers["content-type"]) == (200, HTML)
    assert "<title>Déclarer un incident ceBox - GLPI</title>" in r.text
    meta_csrf(r.text)
    soup = BeautifulSoup(r.text, "html.parser")
    form = soup.select_one("form#forms_form_answers")
    assert form is not None and form["action"] == "/Form/SubmitAnswers"
    assert form.select_one('input[name="forms_id"]')["value"] == "3"  # type: ignore[index]
    questions = soup.select("section[data-glpi-form-renderer-question]")
    recorded = [
        (17, "95872654-56cb-46af-98a4-f3de10695d16", "Type d'incident", True),
        (18, "ca596cb1-9187-4014-b90f-8978f89fce9e", "Titre", True),
        (19, "36aa4d79-e735-40e8-afa6-8aff3712ebbe", "Description", True),
        (20, "6441f74b-e651-403a-85e1-547d18ef547d", "Documents", False),
        (21, "6e9ed421-cbfe-4aba-a277-348fe446d123", "Nombre de postes impactés", True),
        (22, "04ec5e84-90bc-4a36-b4f3-521302aa2b00", "IP ceBox", False),
    ]
    first = [
        (
            int(q["data-glpi-form-renderer-id"]),  # type: ignore[arg-type]
            q["data-glpi-form-renderer-uuid"],
            q["aria-label"],
            q.select_one("h3 span.text-danger") is not None,
        )
        for q in questions
        if q["data-glpi-form-renderer-parent-section"] == "0"
    ]
    assert first == recorded
    hidden = [q["data-glpi-form-renderer-id"] for q in questions if q.has_attr(
        "data-glpi-form-renderer-hidden-by-condition"
    )]  # fmt: skip
    assert hidden == ["22"]
    by_id = {q["data-glpi-form-renderer-id"]: q for q in questions}
    select = by_id["17"].select_one("select[name=answers_17]")
    assert select is not None
    assert [o["value"] for o in select.select("option")][:4] == ["0", *[
        "6140b589-5be8-4d09-bd4a-ca3ec982fe87", LENTEUR, PERTE
    ]]  # fmt: skip
    assert by_id["18"].select_one("input[type=text][name=answers_18][required]") is not None
    assert by_id["19"].select_one("textarea[name=answers_19]") is not None
    # The rich-text editor's own uploader: a long text, not a file question (B4).
    assert by_id["19"].select_one("input[type=file]") is not None
    upload = by_id["20"].select_one("input[type=file]")
    assert upload is not None and upload["name"] == "_uploader_answers_20[]"
    assert (upload["data-uploader-name"], upload["data-url"]) == (
        "answers_20",
        "/ajax/fileupload.php",
    )
    number = by_id["21"].select_one("input[type=number][name=answers_21]")
    assert number is not None and number["step"] == "any" and number.has_attr("required")
    assert by_id["22"].select_one("input[type=text][name=answers_22]") is not None


def test_b5_b6_render_refusals_and_the_direct_link(web: Browser) -> None:
    for form_id in (5, 6, 7, 8):
        r = web.http.get(f"/Form/Render/{form_id}")
        assert (r.status_code, r.headers["content-type"]) == (403, HTML), form_id
        assert "<title>Access denied - GLPI</title>" in r.text
    missing = web.http.get("/Form/Render/999")
    assert (missing.status_code, missing.headers["content-type"]) == (404, HTML)
    assert "<title>Item not found - GLPI</title>" in missing.text
    assert web.http.get("/Form/Render/7", params={"token": "wrong"}).status_code == 403
    linked = web.http.get("/Form/Render/7", params={"token": TOKEN})
    assert linked.status_code == 200
    title = BeautifulSoup(linked.text, "html.parser").select_one('h1[data-testid="form-title"]')
    assert title is not None and title.get_text(strip=True) == "Formulaire par lien direct"


# ------------------------------------------------------------ B''. conditions
@pytest.mark.parametrize(("choice", "ip_shown"), [(LENTEUR, False), (PERTE, True)])
def test_b7_b8_condition_engine(web: Browser, choice: str, ip_shown: bool) -> None:
    r = web.post("/Form/Condition/Engine", f"form_id=3&answers%5B17%5D={choice}")
    assert (r.status_code, r.headers["content-type"]) == (200, "application/json")
    body = r.json()
    assert set(body) == {
        "form_visibility",
        "sections_visibility",
        "questions_visibility",
        "comments_visibility",
    }
    assert body["form_visibility"] is True and body["sections_visibility"]["3"] is True
    recorded = {"17": True, "18": True, "19": True, "20": True, "21": True, "22": ip_shown}
    assert {k: body["questions_visibility"][k] for k in recorded} == recorded
    assert body["comments_visibility"] == []


# ------------------------------------------------------------------ C. upload
def test_c1_c27_upload_keeps_the_23_character_prefix_rule(web: Browser) -> None:
    r = web.upload(f"{PREFIX}diag-cebox.txt")
    assert (r.status_code, r.headers["content-type"]) == (200, "application/json")
    assert r.headers["content-disposition"] == 'inline; filename="files.json"'
    [entry] = r.json()["_uploader_answers_20"]
    assert (entry["name"], entry["prefix"], entry["size"]) == (
        f"{PREFIX}diag-cebox.txt",
        PREFIX,
        28,
    )
    assert entry["display"] == "diag-cebox.txt 28 B"
    [naive] = web.upload("diag.txt").json()["_uploader_answers_20"]
    assert (naive["name"], naive["prefix"], naive["display"]) == ("diag.txt", "diag.txt", " 28 B")


# -------------------------------------------------------------- C'. validation
def test_c2_c4_c5_c10_validate(web: Browser) -> None:
    c2 = web.post(
        "/Form/ValidateAnswers",
        f"forms_id=3&answers_17={PERTE}&answers_18=&answers_19=%3Cp%3EX%3C%2Fp%3E"
        "&answers_21=&answers_22=10.0.0.42",
    )
    assert (c2.status_code, c2.headers["content-type"]) == (200, "application/json")
    assert c2.json() == {
        "success": False,
        "errors": [
            {"question_id": 18, "question_name": "Titre", "message": "This field is mandatory"},
            {
                "question_id": 21,
                "question_name": "Nombre de postes impactés",
                "message": "Please enter a valid number",
            },
        ],
    }
    c4 = web.post(
        "/Form/ValidateAnswers",
        f"forms_id=3&answers_17={LENTEUR}&answers_18=x&answers_19=y&answers_21=pas+un+nombre",
    )
    assert c4.json() == {"success": True, "errors": []}
    c5 = web.post("/Form/ValidateAnswers", "forms_id=3&answers_17=")
    assert [(e["question_id"], e["message"]) for e in c5.json()["errors"]] == [
        (17, "This field is mandatory"),
        (18, "This field is mandatory"),
        (19, "This field is mandatory"),
        (21, "Please enter a valid number"),
    ]
    web.upload(f"{PREFIX}diag-cebox.txt")
    assert web.post("/Form/ValidateAnswers", C11_BODY).json() == {"success": True, "errors": []}


def test_c3_c6_c7_c8_c9_c28_refused_submissions_create_nothing(web: Browser, eleven: Any) -> None:
    before = eleven.store.count("glpi_tickets")
    incomplete = f"forms_id=3&answers_17={PERTE}&answers_18=&answers_19=x&answers_21="
    for body in (incomplete, "forms_id=3"):
        r = web.post("/Form/SubmitAnswers", body)
        assert (r.status_code, r.headers["content-type"], r.json()) == (
            500,
            "application/json",
            {"errors": []},
        )
    for form_id, question in ((5, 25), (6, 26)):
        r = web.post("/Form/SubmitAnswers", f"forms_id={form_id}&answers_{question}=x")
        assert r.status_code == 403
        assert r.json() == {
            "error": True,
            "title": "Access denied",
            "message": "You don't have permission to perform this action.",
            "trace": None,
        }
    bare = web.http.post("/Form/SubmitAnswers", data={"forms_id": 3, "answers_18": "x"})
    assert (bare.status_code, bare.headers["content-type"]) == (403, HTML)
    assert "<title>Access denied - GLPI</title>" in bare.text
    web.upload("diag.txt")
    naive = C11_BODY.replace(f"{PREFIX}diag-cebox.txt", "diag.txt").replace(
        f"_prefix_answers_20%5B0%5D={PREFIX}", "_prefix_answers_20%5B0%5D=diag.txt"
    )
    r = web.post("/Form/SubmitAnswers", naive)
    assert (r.status_code, r.json()) == (500, {"errors": ["Unauthorized file type"]})
    assert eleven.store.count("glpi_tickets") == before


# ------------------------------------------------------------ C''. submission
def test_c11_and_c18_to_c36_the_ticket_it_creates(web: Browser, eleven: Any) -> None:
    web.upload(f"{PREFIX}diag-cebox.txt")
    ticket_id = created_ticket(web.post("/Form/SubmitAnswers", C11_BODY))
    with rest(eleven) as api:
        ticket = api.get(f"/Ticket/{ticket_id}", params={"with_documents": "true"}).json()
        assert ticket["name"] == "ceBox injoignable"
        assert ticket["content"] == (
            "<p><b>1) Type d'incident</b>: Perte de connexion<br><b>2) Titre</b>: ceBox"
            " injoignable<br><b>3) Description</b>: <p>La ceBox ne répond plus depuis ce"
            " matin.</p><br><b>4) Documents</b>: diag-cebox.txt<br><b>5) Nombre de postes"
            " impactés</b>: 3<br><b>6) IP ceBox</b>: 10.0.0.42<br></p>"
        )
        assert (ticket["users_id_recipient"], ticket["requesttypes_id"], ticket["type"]) == (
            3,
            1,
            1,
        )
        [document] = ticket["_documents"]
        assert (document["filename"], document["mime"]) == ("diag-cebox.txt", "text/plain")
        assert document["name"] == "Déclarer un incident ceBox - Documents"
        requesters = api.get(f"/Ticket/{ticket_id}/Ticket_User").json()
        assert [(u["users_id"], u["type"]) for u in requesters] == [(3, 1)]
        assert api.get(f"/Ticket/{ticket_id}/Document_Item").status_code == 403
        [link] = api.get(f"/Ticket/{ticket_id}/Item_Ticket").json()
        assert (link["itemtype"], link["items_id"], link["tickets_id"]) == (
            "Glpi\\Form\\Form",
            3,
            ticket_id,
        )
        assert [x["rel"] for x in link["links"]] == ["Glpi\\Form\\Form", "Ticket"]
    sent = web.http.get(
        "/front/document.send.php",
        params={"docid": document["id"], "itemtype": "Ticket", "items_id": ticket_id},
    )
    assert (sent.status_code, sent.content) == (200, DIAG)


def test_c12_c22_answers_to_hidden_questions_are_dropped(web: Browser, eleven: Any) -> None:
    ticket_id = created_ticket(
        web.post(
            "/Form/SubmitAnswers",
            f"forms_id=3&answers_17={LENTEUR}&answers_18=ceBox+lente&answers_19=Tout+est+lent"
            "&answers_21=12&answers_22=10.9.9.9",
        )
    )
    with rest(eleven) as api:
        ticket = api.get(f"/Ticket/{ticket_id}").json()
    assert ticket["content"] == (
        "<p><b>1) Type d'incident</b>: Lenteur<br><b>2) Titre</b>: ceBox lente<br>"
        "<b>3) Description</b>: Tout est lent<br><b>4) Nombre de postes impactés</b>: 12<br></p>"
    )


def test_c13_c14_a_body_token_is_used_once(web: Browser, eleven: Any) -> None:
    page = web.http.get("/Form/Render/4").text
    body_token = re.search(r'name="_glpi_csrf_token" value="([0-9a-f]+)"', page)
    assert body_token is not None
    fields = {
        "forms_id": "4",
        "answers_23": "Demande d'information",
        "answers_24": "Quel est le délai ?",
        "_glpi_csrf_token": body_token.group(1),
    }
    first = web.http.post("/Form/SubmitAnswers", data=fields)
    ticket_id = created_ticket(first)
    assert 'title="Demande d&#039;information"' in first.json()["links_to_created_items"][0]
    again = web.http.post("/Form/SubmitAnswers", data={**fields, "answers_23": "Rejeu"})
    assert (again.status_code, again.headers["content-type"]) == (403, HTML)
    with rest(eleven) as api:
        ticket = api.get(f"/Ticket/{ticket_id}").json()
    assert (ticket["name"], ticket["type"]) == ("Demande d'information", 2)
    assert ticket["content"] == (
        "<p><b>1) Titre</b>: Demande d&#039;information<br><b>2) Description</b>:"
        " Quel est le délai ?<br></p>"
    )


def test_c15_c16_a_direct_link_form_is_submitted_with_the_token_of_the_session(
    web: Browser,
) -> None:
    refused = web.post("/Form/SubmitAnswers", "forms_id=7&answers_27=sans+lien")
    assert refused.status_code == 403
    assert web.http.get("/Form/Render/7", params={"token": TOKEN}).status_code == 200
    r = web.post("/Form/SubmitAnswers", "forms_id=7&answers_27=via+lien+direct")
    created_ticket(r)
    assert 'title="Formulaire par lien direct"' in r.json()["links_to_created_items"][0]


def test_a_submission_that_fails_after_saving(web: Browser, eleven: Any) -> None:
    from cebox_support.tui.helpdesk.native_forms import fail_submissions_after_saving

    before = eleven.store.count("glpi_tickets")
    fail_submissions_after_saving(eleven.store)
    r = web.post("/Form/SubmitAnswers", "forms_id=4&answers_23=Perdu&answers_24=x")
    assert (r.status_code, r.json()) == (500, {"errors": []})
    assert eleven.store.count("glpi_tickets") == before + 1
    created_ticket(web.post("/Form/SubmitAnswers", "forms_id=4&answers_23=Suivant&answers_24=x"))


# --------------------------------------------------------------- D. sessions
def test_d3_to_d8_without_a_web_session(eleven: Any, web: Browser) -> None:
    with httpx.Client(base_url=eleven.base_url) as anonymous:
        d3 = anonymous.get("/ServiceCatalog")
        assert d3.status_code == 302
        assert d3.headers["location"] == "/?redirect=%2FServiceCatalog%3F&error=3"
        assert eleven.store.cookie_name in d3.headers.get("set-cookie", "")
        d4 = anonymous.get("/Form/Render/3")
        assert (d4.status_code, d4.headers["location"]) == (
            302,
            "/?redirect=%2FForm%2FRender%2F3%3F&error=3",
        )
        d5 = anonymous.get(
            "/Form/Render/3",
            headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"},
        )
        assert (d5.status_code, d5.json()["message"]) == (
            401,
            "Your session has expired. Please log in again.",
        )
        d6 = anonymous.post(
            "/Form/SubmitAnswers",
            content=C11_BODY,
            headers={**web.ajax, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert (d6.status_code, d6.json()["message"]) == (
            403,
            "The action you have requested is not allowed.",
        )
    assert web.http.get("/front/logout.php", params={"noAUTO": "1"}).status_code == 302
    d8 = web.post("/Form/SubmitAnswers", C11_BODY)
    assert (d8.status_code, d8.json()["title"]) == (403, "Access denied")


# ------------------------------------------------------------------ A. REST
@pytest.mark.parametrize(
    "path",
    [
        "/Glpi%5CForm%5CForm/",
        "/Glpi%5CForm%5CQuestion/",
        "/Glpi%5CForm%5CForm/1",
        "/Glpi%5CForm%5CForm/1/Glpi%5CForm%5CSection",
        "/search/Glpi%5CForm%5CForm",
    ],
)
def test_a3_to_a6_rest_refuses_the_form_itemtypes_to_self_service(eleven: Any, path: str) -> None:
    with rest(eleven) as api:
        r = api.get(path)
    assert (r.status_code, r.json()[0]) == (403, "ERROR_RIGHT_MISSING")


def test_glpi_10_has_no_native_form_routes(helpdesk: Any) -> None:
    with httpx.Client(base_url=helpdesk.base_url) as http:
        assert http.get("/ServiceCatalog/Items").status_code == 404
        assert http.get("/Form/Render/3").status_code == 404
        assert http.post("/Form/SubmitAnswers", data={"forms_id": 3}).status_code == 404


# ------------------------------------------------- the other forms and types
def test_glpi_default_form_renders_its_browser_only_questions_apart(web: Browser) -> None:
    """Report an issue (A13): urgency is a plain select; category, location, devices and
    observers are fed by AJAX (bracketed or option-less), a client leaves them to a browser."""
    soup = BeautifulSoup(web.http.get("/Form/Render/1").text, "html.parser")
    names = [q["aria-label"] for q in soup.select("section[data-glpi-form-renderer-question]")]
    assert names == [
        "Urgency",
        "Category",
        "User devices",
        "Observers",
        "Location",
        "Title",
        "Description",
        "Attachments",
    ]
    urgency = soup.select_one("select[name=answers_1]")
    assert urgency is not None
    assert [o["value"] for o in urgency.select("option")] == ["0", "5", "4", "3", "2", "1"]
    assert soup.select_one('input[type=hidden][name="answers_2[itemtype]"]')["value"] == (  # type: ignore[index]
        "ITILCategory"
    )
    assert soup.select_one('select[name="answers_2[items_id]"]') is not None
    assert soup.select_one('select[name="answers_4[]"]').select("option") == []  # type: ignore[union-attr]
    assert soup.select_one("input[type=text][name=answers_6]") is not None
    assert soup.select_one("input[type=file][data-uploader-name=answers_8]") is not None


def test_report_an_issue_builds_its_ticket_from_title_description_and_urgency(
    web: Browser, eleven: Any
) -> None:
    ticket_id = created_ticket(
        web.post(
            "/Form/SubmitAnswers",
            "forms_id=1&answers_1=4&answers_6=Imprimante&answers_7=%3Cp%3EBourrage%3C%2Fp%3E",
        )
    )
    with rest(eleven) as api:
        ticket = api.get(f"/Ticket/{ticket_id}").json()
    assert (ticket["name"], ticket["content"], ticket["urgency"], ticket["type"]) == (
        "Imprimante",
        "<p>Bourrage</p>",
        4,
        1,
    )
    untitled = created_ticket(web.post("/Form/SubmitAnswers", "forms_id=2&answers_15=Besoin"))
    with rest(eleven) as api:
        ticket = api.get(f"/Ticket/{untitled}").json()
    assert (ticket["name"], ticket["type"]) == ("Request a service", 2)


def test_the_notice_checklist_is_a_second_section_of_optional_questions(web: Browser) -> None:
    soup = BeautifulSoup(web.http.get("/Form/Render/3").text, "html.parser")
    sections = soup.select("section[data-glpi-form-renderer-section]")
    assert [(s["data-glpi-form-renderer-section"], s["aria-label"]) for s in sections] == [
        ("0", "First section"),
        ("1", "Informations importantes"),
    ]
    second = [
        (q["aria-label"], q.select_one("h3 span.text-danger") is not None)
        for q in soup.select('section[data-glpi-form-renderer-parent-section="1"]')
    ]
    assert second == [
        ("Nom du compte ceBox", False),
        ("Heure d'apparition de l'incident", False),
        ("Actions déjà effectuées", False),
        ("IPv6 ceBox", False),
        ("Nom ceBox", False),
        ("Impact sur la console", False),
        ("Journal qgaAgent.log", False),
    ]
    assert soup.select_one("input[type=datetime-local][name=answers_30]") is not None


def test_format_rules_multiple_choices_and_email(web: Browser, eleven: Any) -> None:
    bad = web.post(
        "/Form/ValidateAnswers",
        f"forms_id=3&answers_17={LENTEUR}&answers_18=t&answers_19=d&answers_21=1"
        "&answers_32=pas+une+ipv6",
    )
    assert [(e["question_id"], e["message"]) for e in bad.json()["errors"]] == [
        (32, "The value does not match the expected format")
    ]
    page = BeautifulSoup(web.http.get("/Form/Render/4").text, "html.parser")
    services = page.select_one('select[name="answers_37[]"]')
    assert services is not None and services.has_attr("multiple")
    keys = [o["value"] for o in services.select("option")]
    email = web.post(
        "/Form/ValidateAnswers", "forms_id=4&answers_23=t&answers_24=d&answers_38=nobody"
    )
    assert [(e["question_id"], e["message"]) for e in email.json()["errors"]] == [
        (38, "Please enter a valid email address")
    ]
    ticket_id = created_ticket(
        web.post(
            "/Form/SubmitAnswers",
            {
                "forms_id": "4",
                "answers_23": "Deux services",
                "answers_24": "d",
                "answers_37[]": keys[:2],
                "answers_38": "tom@example.com",
            },
        )
    )
    with rest(eleven) as api:
        content = api.get(f"/Ticket/{ticket_id}").json()["content"]
    assert "<b>3) Services concernés</b>: ceBox, Console<br>" in content
    assert "<b>4) E-mail de contact</b>: tom@example.com<br>" in content


def test_a_technician_is_offered_the_technicians_form(eleven: Any) -> None:
    tech = Browser(eleven, "tech", "tech")
    assert tech.http.get("/Form/Render/8").status_code == 200
    assert tech.http.get("/Form/Render/6").status_code == 403
    tech.close()


def test_item_ticket_follows_the_ticket_rights(web: Browser, eleven: Any) -> None:
    ticket_id = created_ticket(
        web.post("/Form/SubmitAnswers", "forms_id=4&answers_23=a&answers_24=b")
    )
    with rest(eleven, ("normal", "normal")) as observer, rest(eleven) as customer:
        assert observer.get(f"/Ticket/{ticket_id}/Item_Ticket").status_code == 200
        [link] = customer.get(f"/Ticket/{ticket_id}/Item_Ticket").json()
        assert customer.get(f"/Item_Ticket/{link['id']}").json()["tickets_id"] == ticket_id
    other = eleven.store.create_ticket(name="autre", content="x", requester_id=4)
    eleven.store.execute(
        "INSERT INTO glpi_items_tickets (itemtype, items_id, tickets_id) VALUES (?, 3, ?)",
        ("Glpi\\Form\\Form", other),
    )
    with rest(eleven) as customer:
        assert customer.get(f"/Ticket/{other}/Item_Ticket").status_code == 403
        assert other not in [r["tickets_id"] for r in customer.get("/Item_Ticket/").json()]


def test_hostile_names_are_escaped_in_the_pages(eleven: Any) -> None:
    eleven.store.execute(
        "UPDATE glpi_forms_questions SET name = ? WHERE id = 33", ("Nom \"<b>ceBox</b>'",)
    )
    try:
        web = Browser(eleven)
        page = web.http.get("/Form/Render/3").text
        assert "<b>ceBox</b>" not in page
        label = BeautifulSoup(page, "html.parser").select_one('[data-glpi-form-renderer-id="33"]')
        assert label is not None and label["aria-label"] == "Nom \"<b>ceBox</b>'"
        web.close()
    finally:
        eleven.store.execute("UPDATE glpi_forms_questions SET name = 'Nom ceBox' WHERE id = 33")


def test_a9_to_a17_a_super_admin_reads_the_forms_over_rest(eleven: Any) -> None:
    with rest(eleven, ("glpi", "glpi")) as admin:
        forms = admin.get("/Glpi%5CForm%5CForm/").json()
        assert [(f["id"], f["name"], f["illustration"]) for f in forms[:2]] == [
            (1, "Report an issue", "report-issue"),
            (2, "Request a service", "request-service"),
        ]
        assert forms[0]["uuid"] == "f5149c44-139e-4f70-b4b9-5087c9db26f6"
        [section] = admin.get("/Glpi%5CForm%5CForm/1/Glpi%5CForm%5CSection/").json()
        assert (section["id"], section["name"], section["links"][0]["rel"]) == (
            1,
            "First section",
            "Glpi\\Form\\Form",
        )
        questions = admin.get("/Glpi%5CForm%5CSection/3/Glpi%5CForm%5CQuestion/").json()
        assert [(q["id"], q["type"].rpartition("\\")[2]) for q in questions] == [
            (17, "QuestionTypeDropdown"),
            (18, "QuestionTypeShortText"),
            (19, "QuestionTypeLongText"),
            (20, "QuestionTypeFile"),
            (21, "QuestionTypeNumber"),
            (22, "QuestionTypeShortText"),
        ]
        assert questions[-1]["visibility_strategy"] == "visible_if"
        policies = admin.get("/Glpi%5CForm%5CAccessControl%5CFormAccessControl/").json()
        assert [
            p["strategy"].rpartition("\\")[2] for p in policies if p["forms_forms_id"] == 7
        ] == [
            "AllowList",
            "DirectAccess",
        ]
        assert admin.get("/Glpi%5CForm%5CAnswersSet/").status_code == 403


def test_the_uploader_refuses_a_type_glpi_refuses(web: Browser, eleven: Any) -> None:
    [log] = web.upload(f"{PREFIX}qgaAgent.log").json()["_uploader_answers_20"]
    assert (log["name"], log["error"]) == (f"{PREFIX}qgaAgent.log", "Filetype not allowed")
    assert "prefix" not in log
    body = C11_BODY.replace("diag-cebox.txt", "qgaAgent.log")
    r = web.post("/Form/SubmitAnswers", body)
    assert (r.status_code, r.json()) == (500, {"errors": ["Unauthorized file type"]})
    size = eleven.store.document_max_size_mb
    eleven.store.document_max_size_mb = 0
    try:
        [big] = web.upload(f"{PREFIX}gros.txt").json()["_uploader_answers_20"]
    finally:
        eleven.store.document_max_size_mb = size
    assert big["error"] == "File is too big"


def test_a_browser_like_multipart_submission_is_read_like_a_urlencoded_one(
    web: Browser, eleven: Any
) -> None:
    """The browser's page posts FormData (multipart); the transcript's script posted
    urlencoded bodies: both carry the same fields."""
    r = web.http.post(
        "/Form/SubmitAnswers",
        data={"forms_id": "4", "answers_23": "En multipart", "answers_24": "<p>corps</p>"},
        files={"unused": ("", b"", "application/octet-stream")},
        headers=web.ajax,
    )
    ticket_id = created_ticket(r)
    with rest(eleven) as api:
        assert api.get(f"/Ticket/{ticket_id}").json()["name"] == "En multipart"
    [entry] = web.upload(f"{PREFIX}gros.txt", b"x" * 1536).json()["_uploader_answers_20"]
    assert (entry["filesize"], entry["display"]) == ("1.5 KiB", "gros.txt 1.5 KiB")


def test_a_web_session_ended_by_the_fault_injector_is_answered_as_d4_d5(web: Browser) -> None:
    from cebox_support.tui.helpdesk.faults import FaultConfig

    web.hd.set_faults(
        FaultConfig(
            fail_rate=1.0,
            fail_kinds=("expired-session",),
            paths=("GET /Form/Render/*",),
            max_faults=1,
        )
    )
    try:
        ended = web.http.get("/Form/Render/3")
        assert (ended.status_code, ended.headers["location"]) == (
            302,
            "/?redirect=%2FForm%2FRender%2F3%3F&error=3",
        )
        r = web.post("/Form/ValidateAnswers", "forms_id=3")
        assert (r.status_code, r.json()["title"]) == (403, "Access denied")
    finally:
        web.hd.set_faults(None)
