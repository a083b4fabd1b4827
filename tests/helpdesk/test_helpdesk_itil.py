"""Tickets, follow-ups, solutions: the ITIL workflow as GLPI 10.0.12 runs it."""

from __future__ import annotations

from typing import Any

import httpx
from helpdesk_helpers import NORMAL, error

NO_PERMISSION = "You don't have permission to perform this action."


def _followup(
    client: httpx.Client, ticket_id: int, content: str = "<p>réponse</p>", **extra: Any
) -> httpx.Response:
    return client.post(
        "/ITILFollowup",
        json={"input": {"itemtype": "Ticket", "items_id": ticket_id, "content": content, **extra}},
    )


def test_create_ticket_answer_shape(hd: Any, post_only: httpx.Client) -> None:
    r = post_only.post(
        "/Ticket",
        json={
            "input": {
                "name": "Nouvelle panne",
                "content": "<p>détails</p>",
                "type": 1,
                "_users_id_requester": 3,
            }
        },
    )
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"id", "message"}
    assert r.headers["location"] == f"{hd.api_url}/Ticket/{body['id']}"
    assert "location" in r.headers.raw[0][0].decode().lower() or any(
        k == b"location" for k, _ in r.headers.raw
    )
    ticket = hd.store.ticket(body["id"])
    assert ticket["status"] == 1 and ticket["users_id_recipient"] == 3 and ticket["type"] == 1
    assert [(u["users_id"], u["type"]) for u in hd.store.ticket_users(body["id"])] == [(3, 1)]


def test_create_without_requester_sets_only_recipient(hd: Any, post_only: httpx.Client) -> None:
    tid = post_only.post(
        "/Ticket", json={"input": {"name": "Sans demandeur", "content": "<p>x</p>"}}
    ).json()["id"]
    assert hd.store.ticket_users(tid) == []
    assert hd.store.ticket(tid)["users_id_recipient"] == 3
    assert post_only.get(f"/Ticket/{tid}").status_code == 200
    assert _followup(post_only, tid).status_code == 201
    # Approving a solution then answers 201 and changes nothing.
    hd.store.add_solution(tid, user_id=4, content="<p>fait</p>")
    approve = post_only.post(
        "/ITILFollowup", json={"input": {"itemtype": "Ticket", "items_id": tid, "add_close": 1}}
    )
    assert approve.status_code == 201
    assert hd.store.ticket(tid)["status"] == 5
    assert hd.store.solutions(tid)[-1]["status"] == 2
    refuse = _followup(post_only, tid, "<p>non</p>", add_reopen=1)
    assert refuse.status_code == 201
    assert hd.store.ticket(tid)["status"] == 5


def test_create_with_actors(hd: Any, post_only: httpx.Client) -> None:
    tid = post_only.post(
        "/Ticket",
        json={
            "input": {
                "name": "Avec acteurs",
                "content": "<p>x</p>",
                "_actors": {
                    "requester": [{"itemtype": "User", "items_id": 3}],
                    "observer": [{"itemtype": "User", "items_id": 5}],
                },
            }
        },
    ).json()["id"]
    assert sorted((u["users_id"], u["type"]) for u in hd.store.ticket_users(tid)) == [
        (3, 1),
        (5, 3),
    ]


def test_any_category_id_is_accepted(hd: Any, post_only: httpx.Client) -> None:
    r = post_only.post(
        "/Ticket", json={"input": {"name": "x", "content": "<p>x</p>", "itilcategories_id": 9999}}
    )
    assert r.status_code == 201
    assert hd.store.ticket(r.json()["id"])["itilcategories_id"] == 9999


def test_create_multiple(hd: Any, post_only: httpx.Client) -> None:
    r = post_only.post(
        "/Ticket",
        json={
            "input": [{"name": "a", "content": "<p>a</p>"}, {"name": "b", "content": "<p>b</p>"}]
        },
    )
    assert r.status_code == 201
    body = r.json()
    assert len(body) == 2 and all(isinstance(x["id"], int) for x in body)
    assert r.headers["link"].count("/Ticket/") == 2


def test_create_without_input(post_only: httpx.Client) -> None:
    status, code, _ = error(post_only.post("/Ticket", json={"name": "x"}))
    assert (status, code) == (400, "ERROR_BAD_ARRAY")


def test_followup_needs_itemtype_in_input(post_only: httpx.Client) -> None:
    r = post_only.post("/Ticket/5/ITILFollowup", json={"input": {"content": "<p>x</p>"}})
    assert error(r) == (400, "ERROR_GLPI_ADD", NO_PERMISSION)
    ok = post_only.post(
        "/Ticket/5/ITILFollowup",
        json={"input": {"itemtype": "Ticket", "items_id": 5, "content": "<p>x</p>"}},
    )
    assert ok.status_code == 201 and set(ok.json()) == {"id", "message"}


def test_followup_without_content(post_only: httpx.Client) -> None:
    r = _followup(post_only, 5, "")
    assert error(r) == (400, "ERROR_GLPI_ADD", "You can't add a followup without description")


def test_followup_on_closed_ticket_refused(post_only: httpx.Client) -> None:
    assert error(_followup(post_only, 3)) == (400, "ERROR_GLPI_ADD", NO_PERMISSION)


def test_observer_cannot_add_followup_or_approve(hd: Any, post_only: httpx.Client) -> None:
    assert post_only.get("/Ticket/4").status_code == 200
    assert error(_followup(post_only, 4)) == (400, "ERROR_GLPI_ADD", NO_PERMISSION)
    hd.store.add_solution(4, user_id=4, content="<p>ok</p>")
    approve = post_only.post(
        "/ITILFollowup", json={"input": {"itemtype": "Ticket", "items_id": 4, "add_close": 1}}
    )
    assert error(approve)[:2] == (400, "ERROR_GLPI_ADD")
    assert hd.store.ticket(4)["status"] == 5


def test_followup_on_unknown_or_hidden_ticket(post_only: httpx.Client) -> None:
    assert error(_followup(post_only, 999))[:2] == (400, "ERROR_GLPI_ADD")
    assert error(_followup(post_only, 7))[:2] == (400, "ERROR_GLPI_ADD")


def test_approve_solution(hd: Any, post_only: httpx.Client) -> None:
    r = post_only.post(
        "/ITILFollowup", json={"input": {"itemtype": "Ticket", "items_id": 2, "add_close": 1}}
    )
    assert r.status_code == 201
    ticket = hd.store.ticket(2)
    assert ticket["status"] == 6 and ticket["closedate"] == hd.clock.now_str()
    assert hd.store.solutions(2)[-1]["status"] == 3
    assert hd.store.followups(2)[-1]["content"] == "Solution approved"


def test_refuse_needs_reason(hd: Any, post_only: httpx.Client) -> None:
    r = post_only.post(
        "/ITILFollowup", json={"input": {"itemtype": "Ticket", "items_id": 2, "add_reopen": 1}}
    )
    assert error(r) == (
        400,
        "ERROR_GLPI_ADD",
        "If you want to reopen this item, you must specify a reason",
    )
    assert hd.store.ticket(2)["status"] == 5


def test_refuse_reopens_to_assigned(hd: Any, post_only: httpx.Client) -> None:
    r = _followup(post_only, 2, "<p>Toujours en panne.</p>", add_reopen=1)
    assert r.status_code == 201
    ticket = hd.store.ticket(2)
    assert ticket["status"] == 2 and ticket["solvedate"] is None
    assert hd.store.solutions(2)[-1]["status"] == 4


def test_refuse_without_technician_goes_back_to_new(hd: Any, post_only: httpx.Client) -> None:
    tid = hd.store.create_ticket(name="x", content="<p>x</p>", requester_id=3)
    hd.store.add_solution(tid, user_id=4, content="<p>s</p>")
    assert _followup(post_only, tid, "<p>non</p>", add_reopen=1).status_code == 201
    assert hd.store.ticket(tid)["status"] == 1


def test_plain_followup_on_solved_reopens(hd: Any, post_only: httpx.Client) -> None:
    assert _followup(post_only, 2, "<p>Une question encore.</p>").status_code == 201
    assert hd.store.ticket(2)["status"] == 2
    assert hd.store.solutions(2)[-1]["status"] == 4


def test_solution_rules(hd: Any, tech: httpx.Client) -> None:
    r = tech.post(
        "/ITILSolution",
        json={"input": {"itemtype": "Ticket", "items_id": 5, "content": "<p>Compte créé.</p>"}},
    )
    assert r.status_code == 201
    assert hd.store.ticket(5)["status"] == 5
    assert hd.store.solutions(5)[-1]["status"] == 2
    again = tech.post(
        "/ITILSolution",
        json={"input": {"itemtype": "Ticket", "items_id": 5, "content": "<p>bis</p>"}},
    )
    status, code, message = error(again)
    assert (status, code) == (400, "ERROR_GLPI_ADD")
    assert message.startswith("The item is already solved")


def test_sub_items_for_self_service(post_only: httpx.Client) -> None:
    solutions = post_only.get("/Ticket/2/ITILSolution").json()
    assert [s["status"] for s in solutions] == [2]
    actors = post_only.get("/Ticket/1/Ticket_User").json()
    assert sorted((a["users_id"], a["type"]) for a in actors) == [(3, 1), (4, 2)]


def test_update_shapes(hd: Any, tech: httpx.Client) -> None:
    ok = tech.patch("/Ticket/6", json={"input": {"status": 2}})
    assert ok.status_code == 200 and ok.json() == [{"6": True, "message": ""}]
    by_body = tech.put("/Ticket", json={"input": {"id": 6, "name": "renamed"}})
    assert by_body.json() == [{"6": True, "message": ""}]
    assert hd.store.ticket(6)["name"] == "renamed"
    missing = tech.put("/Ticket/999", json={"input": {"name": "x"}})
    assert error(missing) == (400, "ERROR_GLPI_UPDATE", None)
    no_input = tech.put("/Ticket/6", json={"name": "x"})
    assert error(no_input)[:2] == (400, "ERROR_BAD_ARRAY")


def test_delete_shapes(hd: Any, tech: httpx.Client, as_user: Any) -> None:
    r = tech.delete("/Ticket/6")
    assert r.status_code == 200 and r.json() == [{"6": True, "message": ""}]
    assert hd.store.ticket(6)["is_deleted"] == 1
    assert 6 not in [t["id"] for t in tech.get("/Ticket", params={"range": "0-99"}).json()]
    assert error(tech.delete("/Ticket/999")) == (400, "ERROR_GLPI_DELETE", "Item not found")
    admin = as_user(("glpi", "glpi"))
    purge = admin.delete("/Ticket/6", params={"force_purge": "true"})
    assert purge.status_code == 200
    assert hd.store.count("tickets") == 6


def test_technician_password_change_rules(hd: Any, tech: httpx.Client) -> None:
    mismatch = tech.put(
        "/User/4", json={"input": {"password": "Aa-123456", "password2": "Aa-654321"}}
    )
    assert error(mismatch) == (400, "ERROR_GLPI_UPDATE", "Error: the two passwords do not match")
    one = tech.put("/User/4", json={"input": {"password": "Aa-123456"}})
    assert one.status_code == 200
    assert hd.store.check_password("tech", "tech")
    same = tech.put("/User/4", json={"input": {"password": "tech", "password2": "tech"}})
    assert same.status_code == 200 and hd.store.check_password("tech", "tech")
    hd.store.set_password_policy(enabled=True, min_length=12)
    weak = tech.put("/User/4", json={"input": {"password": "short-1", "password2": "short-1"}})
    assert weak.status_code == 200 and weak.json() == [
        {"4": True, "message": "Password too short!"}
    ]
    assert hd.store.check_password("tech", "tech")


def test_autoclose_after_delay(hd: Any, post_only: httpx.Client) -> None:
    solvedate = hd.store.ticket(2)["solvedate"]
    hd.clock.advance(days=5)
    post_only.get("/getFullSession")
    assert hd.store.ticket(2)["status"] == 5
    hd.clock.advance(days=1)
    ticket = post_only.get("/Ticket/2").json()
    assert ticket["status"] == 6
    assert ticket["closedate"] == hd.clock.now_str() and ticket["solvedate"] == solvedate
    assert hd.store.solutions(2)[-1]["status"] == 3


def test_observer_profile_replies_only_as_requester(hd: Any, as_user: Any) -> None:
    normal = as_user(NORMAL)
    assert _followup(normal, 4).status_code == 201
    assert error(_followup(normal, 1))[:2] == (400, "ERROR_GLPI_ADD")
