"""Any JSON a server sends gives a model or one GlpiError line, never a traceback (issue 15).

Hypothesis writes the answers as raw JSON text, so it can send what Python's json
accepts but int() refuses (1e400 is infinity, NaN, 5000-digit integers), wrong types
in any field, strings for lists, lists for objects, nulls, missing and extra keys.
Every model of tui/api/models.py is reached through the client method that builds it,
and the results are rendered as `list` and `show` render them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import TicketFilter
from cebox_support.tui.render_text import relative_time, ticket_detail, ticket_list
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakeserver import FakeServer, Reply, Request

ODD_NUMBERS = ["1e400", "-1e400", "NaN", "Infinity", "9" * 5000, "-0", "1.5", "2e9", "-7"]
ODD_STRINGS = [
    '""',
    '"x"',
    '"2026-13-45 99:99:99"',
    '"0001-01-01 00:00:00"',
    '"9999-12-31 23:59:59"',
    '"0000-00-00 00:00:00"',
    '"\\u202e\\u0000\\u001b[2J"',
    '"1e400"',
    '"' + "9" * 5000 + '"',
]
LEAVES = st.sampled_from(["null", "true", "false", "[]", "{}", *ODD_NUMBERS, *ODD_STRINGS])
KEYS = st.sampled_from(
    ["id", "name", "content", "status", "type", "date", "users_id", "1", "2", "12", "data", "x"]
)


def _raw_json() -> st.SearchStrategy[str]:
    return st.recursive(
        LEAVES | st.integers().map(str) | st.text(max_size=5).map(json.dumps),
        lambda kids: (
            st.lists(kids, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]")
            | st.dictionaries(KEYS, kids, max_size=3).map(
                lambda d: "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in d.items()) + "}"
            )
        ),
        max_leaves=8,
    )


RAW = _raw_json()


def mutated(base: dict[str, Any]) -> st.SearchStrategy[str]:
    """`base` with some keys dropped, some replaced by any raw JSON, some added."""
    keys = sorted(base)
    return st.one_of(
        RAW,
        st.tuples(
            st.sets(st.sampled_from(keys)),
            st.dictionaries(st.sampled_from([*keys, "extra"]), RAW, max_size=4),
        ).map(
            lambda t: (
                "{"
                + ",".join(
                    [f"{json.dumps(k)}:{json.dumps(v)}" for k, v in base.items() if k not in t[0]]
                    + [f"{json.dumps(k)}:{v}" for k, v in t[1].items()]
                )
                + "}"
            )
        ),
    )


SESSION = {
    "glpiID": 7,
    "glpiname": "post-only",
    "glpifriendlyname": "Post Only",
    "glpilanguage": "fr_FR",
    "glpi_currenttime": "2026-11-28 10:00:00",
    "glpi_password_expired": 0,
}
CONFIG = {
    "version": "10.0.12",
    "url_base": "http://x",
    "document_max_size": 2,
    "use_password_security": 1,
    "password_min_length": 8,
}
TICKET = {
    "id": 1,
    "name": "Imprimante",
    "content": "<p>texte</p>",
    "status": 5,
    "type": 1,
    "priority": 3,
    "urgency": 3,
    "itilcategories_id": 4,
    "date": "2026-11-20 10:00:00",
    "date_mod": "2026-11-27 10:00:00",
    "solvedate": "2026-11-27 10:00:00",
    "closedate": None,
    "users_id_recipient": 7,
    "_keys_names": {"itilcategories_id": "Réseau", "users_id_recipient": "Post Only"},
    "_documents": [{"id": 3, "filename": "a.log", "filesize": 10, "mime": "text/plain"}],
}
ENTRY = {
    "id": 2,
    "users_id": 3,
    "content": "<p>ok</p>",
    "date": "2026-11-21 10:00:00",
    "is_private": 0,
    "status": 2,
    "type": 1,
    "_keys_names": {"users_id": "Tech"},
}
ROW = {"1": "Titre", "2": 1, "3": 3, "7": "Réseau", "12": 2, "14": 1, "15": "2026-11-20 10:00:00"}
SEARCH = {"totalcount": 1, "count": 1, "data": [ROW]}


class Answers:
    """What the fake server answers, per route prefix, for the current example."""

    def __init__(self) -> None:
        self.raw: dict[str, str] = {}
        self.status = 200

    def __call__(self, request: Request) -> Reply:
        route = request.route
        for prefix in sorted(self.raw, key=len, reverse=True):
            if route.startswith(prefix):
                status = 201 if request.method == "POST" else self.status
                return Reply.json(self.raw[prefix].encode(), status=status)
        if route.startswith("initSession"):
            return Reply.json({"session_token": "s" * 26, "session": SESSION})
        if route.startswith("getFullSession"):
            return Reply.json({"session": SESSION})
        if "/" in route.split("Ticket/", 1)[-1]:  # sub-items
            return Reply.json([ENTRY])
        return Reply.json(TICKET)


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeServer, Answers, asyncio.AbstractEventLoop]]:
    answers = Answers()
    loop = asyncio.new_event_loop()
    with FakeServer(answers) as server:
        yield server, answers, loop
    loop.close()


def run(fake: Any, routes: dict[str, str], call: Any, status: int = 200) -> Any:
    """Call the client with the server answering `routes`; a model or a GlpiError line."""
    server, answers, loop = fake
    answers.raw = routes
    answers.status = status

    async def go() -> Any:
        client = GlpiClient(server.api_url, read_retries=0)
        try:
            if "initSession" not in routes:
                await client.login("post-only", "postonly")
            return await call(client)
        except GlpiError as error:
            assert error.message and "\n" not in error.message, error.message
            return error
        finally:
            await client.close()

    return loop.run_until_complete(go())


NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(body=mutated({"session_token": "s" * 26, "session": SESSION}))
def test_any_sign_in_answer(fake: Any, body: str) -> None:
    run(fake, {"initSession": body}, lambda c: c.login("post-only", "postonly"))


@FUZZ
@given(body=mutated({"session": SESSION}))
def test_any_session_answer(fake: Any, body: str) -> None:
    run(fake, {"getFullSession": body}, lambda c: c.whoami())


@FUZZ
@given(body=mutated({"cfg_glpi": CONFIG}), config=mutated(CONFIG))
def test_any_server_settings(fake: Any, body: str, config: str) -> None:
    run(fake, {"getGlpiConfig": body}, lambda c: c.server_config())
    run(fake, {"getGlpiConfig": '{"cfg_glpi":' + config + "}"}, lambda c: c.server_config())


@FUZZ
@given(body=mutated(SEARCH), row=mutated(ROW))
def test_any_search_rows(fake: Any, body: str, row: str) -> None:
    for answer in (body, '{"totalcount": 1, "data": [' + row + "]}"):
        page = run(fake, {"search/Ticket": answer}, lambda c: c.list_tickets(TicketFilter.ALL))
        if not isinstance(page, GlpiError):
            ticket_list(page.rows, NOW)
            assert all(relative_time(r.date_mod, NOW) != "just now" for r in page.rows if _ahead(r))
    run(fake, {"search/Ticket": body}, lambda c: c.find_ticket_by_name("Titre", since=NOW))


def _ahead(row: Any) -> bool:
    return row.date_mod is not None and (row.date_mod - NOW).total_seconds() > 60


@FUZZ
@given(ticket=mutated(TICKET), entry=mutated(ENTRY), document=mutated(TICKET["_documents"][0]))
def test_any_ticket_and_timeline(fake: Any, ticket: str, entry: str, document: str) -> None:
    with_document = json.dumps({**TICKET, "_documents": []})[:-1] + ', "_documents": ['
    for routes in (
        {"Ticket/1": ticket},
        {"Ticket/1/ITILFollowup": "[" + entry + "]", "Ticket/1/ITILSolution": entry},
        {"Ticket/1/TicketTask": "[" + entry + "]", "Ticket/1/Ticket_User": "[" + entry + "]"},
        {"Ticket/1": with_document.replace('"_documents": [],', "") + document + "]}"},
    ):
        detail = run(fake, routes, lambda c: c.get_ticket(1))
        if not isinstance(detail, GlpiError):
            ticket_detail(detail, NOW, url="http://x/t")
            detail.autoclose_date(365)
            detail.pending_solution  # noqa: B018
        run(fake, {"Ticket/1": ticket}, lambda c: c.get_ticket_head(1))


def _confirmed_id(body: str) -> int | None:
    """The id a 201 really confirms: an object whose "id" is a whole number from 1 up
    (a JSON integer, or its digits as a string), as GLPI sends it."""
    try:
        value = json.loads(body)
    except ValueError:
        return None
    ident = value.get("id") if isinstance(value, dict) else None
    if isinstance(ident, str) and ident.isascii() and ident.isdigit() and ident[0] != "0":
        ident = int(ident)
    if isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident < 2**63:
        return ident
    return None


@FUZZ
@given(body=RAW)
def test_any_write_answer(fake: Any, body: str, tmp_path_factory: Any) -> None:
    """Any 201 gives one error line or a success the answer confirms: a malformed 201
    (no id, an id of 0, -7, 1.5, true, 1e400…) is never reported as done."""
    folder = tmp_path_factory.mktemp("up")
    log = folder / "a.txt"
    log.write_text("x")
    confirmed = _confirmed_id(body)
    for route, write in (
        ("Ticket", lambda c: c.create_ticket(name="n", content_html="c", ticket_type=1)),
        ("ITILFollowup", lambda c: c.add_followup(1, "hello")),
        ("ITILFollowup", lambda c: c.add_followup(1, "hello", [log])),
        ("Document", lambda c: c.upload_document(1, log)),
    ):
        done = run(fake, {route: body}, write)
        if not isinstance(done, GlpiError):
            assert confirmed is not None and done == confirmed, (route, body, done)
    run(fake, {"Ticket/1": body}, lambda c: c.approve_solution(1))
    run(fake, {"Ticket/1/ITILFollowup": body}, lambda c: c.find_followup(1, "hello"))


@pytest.mark.parametrize(
    "body", ['{"id": 0}', '{"id": -7}', '{"id": 1.5}', '{"id": true}', '{"id": 2e9}', '{"id": "x"}']
)
def test_a_malformed_201_is_no_success(fake: Any, body: str) -> None:
    created = run(
        fake, {"Ticket": body}, lambda c: c.create_ticket(name="n", content_html="c", ticket_type=1)
    )
    assert isinstance(created, GlpiError)
    assert isinstance(
        run(fake, {"ITILFollowup": body}, lambda c: c.add_followup(1, "x")), GlpiError
    )


def test_a_well_formed_201_is_a_success(fake: Any) -> None:
    for body in ('{"id": 12, "message": ""}', '{"id": "12"}'):
        assert run(fake, {"ITILFollowup": body}, lambda c: c.add_followup(1, "x")) == 12


@FUZZ
@given(body=RAW, status=st.sampled_from([400, 401, 403, 404, 500, 503]))
def test_any_error_answer(fake: Any, body: str, status: int) -> None:
    run(fake, {"Ticket/1": body}, lambda c: c.get_ticket_head(1), status=status)
