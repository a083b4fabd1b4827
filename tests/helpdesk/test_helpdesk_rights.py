"""Who may read and write what (Self-Service vs Technician/Super-Admin)."""

from __future__ import annotations

from typing import Any

import httpx
from helpdesk_helpers import NORMAL, error

NO_PERMISSION = "You don't have permission to perform this action."


def test_self_service_sees_only_its_tickets(post_only: httpx.Client) -> None:
    ids = [t["id"] for t in post_only.get("/Ticket", params={"range": "0-99"}).json()]
    assert sorted(ids) == [1, 2, 3, 4, 5, 6]
    assert error(post_only.get("/Ticket/7")) == (403, "ERROR_RIGHT_MISSING", NO_PERMISSION)


def test_technician_sees_everything(tech: httpx.Client) -> None:
    ids = [t["id"] for t in tech.get("/Ticket", params={"range": "0-99"}).json()]
    assert sorted(ids) == [1, 2, 3, 4, 5, 6, 7]


def test_not_found_before_rights(post_only: httpx.Client) -> None:
    assert error(post_only.get("/Ticket/999")) == (404, "ERROR_ITEM_NOT_FOUND", "Item not found")


def test_recipient_sees_ticket_without_being_requester(hd: Any, as_user: Any) -> None:
    tid = hd.store.create_ticket(
        name="Sans demandeur", content="<p>x</p>", requester_id=None, recipient_id=3
    )
    client = as_user()
    assert client.get(f"/Ticket/{tid}").status_code == 200


def test_self_service_403_reads(post_only: httpx.Client) -> None:
    for path in (
        "/ITILCategory",
        "/ITILCategory/1",
        "/User/3",
        "/User",
        "/Entity/0",
        "/Document/1",
        "/Document_Item",
        "/Ticket/1/Document_Item",
        "/Ticket/1/Log",
        "/Ticket/1/TicketValidation",
    ):
        assert error(post_only.get(path)) == (403, "ERROR_RIGHT_MISSING", NO_PERMISSION), path


def test_technician_reads_users_and_categories(tech: httpx.Client) -> None:
    user = tech.get("/User/3").json()
    assert user["name"] == "post-only"
    for secret in (
        "password",
        "api_token",
        "personal_token",
        "cookie_token",
        "password_forget_token",
    ):
        assert secret not in user
    assert not any(k.startswith("x_") for k in user)
    names = [c["completename"] for c in tech.get("/ITILCategory", params={"range": "0-50"}).json()]
    assert "ceBox &#62; Intégration domaine" in names
    assert tech.get("/Ticket/1/Document_Item").status_code == 200
    assert tech.get("/Document/1").json()["filename"] == "qgaAgent.log.gz"
    assert tech.get("/Entity/0").json()["name"] == "Root entity"


def test_self_service_write_denials(post_only: httpx.Client) -> None:
    assert error(post_only.put("/Ticket/1", json={"input": {"name": "x"}})) == (
        400,
        "ERROR_GLPI_UPDATE",
        NO_PERMISSION,
    )
    assert error(post_only.delete("/Ticket/1")) == (400, "ERROR_GLPI_DELETE", NO_PERMISSION)
    solution = post_only.post(
        "/ITILSolution",
        json={"input": {"itemtype": "Ticket", "items_id": 1, "content": "<p>fini</p>"}},
    )
    assert error(solution) == (400, "ERROR_GLPI_ADD", NO_PERMISSION)
    task = post_only.post("/TicketTask", json={"input": {"tickets_id": 1, "content": "<p>t</p>"}})
    assert error(task) == (400, "ERROR_GLPI_ADD", NO_PERMISSION)
    category = post_only.post("/ITILCategory", json={"input": {"name": "x"}})
    assert error(category) == (400, "ERROR_GLPI_ADD", NO_PERMISSION)
    me = post_only.put(
        "/User/3", json={"input": {"password": "Abc-12345", "password2": "Abc-12345"}}
    )
    assert error(me) == (400, "ERROR_GLPI_UPDATE", NO_PERMISSION)


def test_private_followups_and_tasks_never_reach_self_service(
    post_only: httpx.Client, tech: httpx.Client
) -> None:
    mine = post_only.get("/Ticket/1/ITILFollowup").json()
    assert [f["is_private"] for f in mine] == [0, 0]
    tasks = post_only.get("/Ticket/1/TicketTask").json()
    assert [t["is_private"] for t in tasks] == [0]
    assert error(post_only.get("/ITILFollowup/2"))[:2] == (403, "ERROR_RIGHT_MISSING")
    assert error(post_only.get("/TicketTask/1"))[:2] == (403, "ERROR_RIGHT_MISSING")
    top = post_only.get("/ITILFollowup", params={"range": "0-99"}).json()
    assert all(f["is_private"] == 0 for f in top)
    assert len(tech.get("/Ticket/1/ITILFollowup").json()) == 3
    assert len(tech.get("/Ticket/1/TicketTask").json()) == 2


def test_top_level_tasks_leak_like_glpi(hd: Any, post_only: httpx.Client) -> None:
    """GLPI 10.0.12 lists public tasks of tickets the user cannot see at /TicketTask."""
    hd.store.add_task(7, user_id=4, content="<p>tâche publique interne</p>")
    tickets = {
        t["tickets_id"] for t in post_only.get("/TicketTask", params={"range": "0-99"}).json()
    }
    assert 7 in tickets
    assert error(post_only.get("/Ticket/7/TicketTask"))[:2] == (403, "ERROR_RIGHT_MISSING")


def test_own_private_followup_disappears(post_only: httpx.Client) -> None:
    r = post_only.post(
        "/ITILFollowup",
        json={
            "input": {
                "itemtype": "Ticket",
                "items_id": 5,
                "content": "<p>secret</p>",
                "is_private": 1,
            }
        },
    )
    assert r.status_code == 201
    assert post_only.get("/Ticket/5/ITILFollowup").json() == []


def test_sub_item_get_does_not_check_parent(post_only: httpx.Client) -> None:
    """/Ticket/N/ITILFollowup/M reads follow-up M whatever N is."""
    r = post_only.get("/Ticket/5/ITILFollowup/1")
    assert r.status_code == 200 and r.json()["items_id"] == 1


def test_technician_writes(tech: httpx.Client, hd: Any) -> None:
    r = tech.put("/Ticket/5", json={"input": {"urgency": 5}})
    assert r.status_code == 200 and r.json() == [{"5": True, "message": ""}]
    assert hd.store.ticket(5)["urgency"] == 5
    r = tech.post(
        "/TicketTask", json={"input": {"tickets_id": 5, "content": "<p>t</p>", "is_private": 1}}
    )
    assert r.status_code == 201
    r = tech.post(
        "/ITILFollowup",
        json={"input": {"itemtype": "Ticket", "items_id": 7, "content": "<p>f</p>"}},
    )
    assert r.status_code == 201


def test_observer_profile_cannot_update(as_user: Any) -> None:
    normal = as_user(NORMAL)
    assert normal.get("/Ticket/7").status_code == 200
    assert error(normal.put("/Ticket/7", json={"input": {"name": "x"}}))[:2] == (
        400,
        "ERROR_GLPI_UPDATE",
    )


def test_self_service_search_restricted(post_only: httpx.Client) -> None:
    r = post_only.get(
        "/search/Ticket",
        params={
            "criteria[0][field]": "12",
            "criteria[0][searchtype]": "equals",
            "criteria[0][value]": "all",
        },
    )
    ids = sorted(row["2"] for row in r.json()["data"])
    assert ids == [1, 2, 3, 4, 5, 6]


def test_forbidden_search_fields_for_self_service(
    post_only: httpx.Client, tech: httpx.Client
) -> None:
    for field in ("5", "25", "66"):
        params = {
            "criteria[0][field]": field,
            "criteria[0][searchtype]": "contains",
            "criteria[0][value]": "tech",
        }
        status, code, message = error(post_only.get("/search/Ticket", params=params))
        assert (status, code) == (400, "ERROR")
        assert message.startswith("Forbidden field ID in search criteria")
        assert tech.get("/search/Ticket", params=params).status_code in (200, 206)
    shown = post_only.get(
        "/search/Ticket", params={"forcedisplay[0]": "5", "forcedisplay[1]": "66"}
    )
    row = next(r for r in shown.json()["data"] if r["2"] == 4)
    assert row["66"] == "post-only"
    assert next(r for r in shown.json()["data"] if r["2"] == 1)["5"] == "tech"
