"""Collections, ranges, search and the HTML escaping of text fields."""

from __future__ import annotations

from typing import Any

import httpx
from helpdesk_helpers import error


def _status_all(**extra: str) -> dict[str, str]:
    return {
        "criteria[0][field]": "12",
        "criteria[0][searchtype]": "equals",
        "criteria[0][value]": "all",
        **extra,
    }


def test_complete_range_is_200_with_headers(post_only: httpx.Client) -> None:
    r = post_only.get("/Ticket", params={"range": "0-49"})
    assert r.status_code == 200
    assert r.headers["content-range"] == "0-5/6"
    assert r.headers["accept-range"] == "Ticket 1000"
    assert len(r.json()) == 6


def test_partial_range_is_206(post_only: httpx.Client) -> None:
    first = post_only.get("/Ticket", params={"range": "0-1"})
    assert first.status_code == 206 and first.headers["content-range"] == "0-1/6"
    last = post_only.get("/Ticket", params={"range": "4-9"})
    assert last.status_code == 206 and last.headers["content-range"] == "4-5/6"
    assert [t["id"] for t in last.json()] == [5, 6]


def test_default_range_is_the_list_limit(hd: Any, post_only: httpx.Client) -> None:
    hd.store.bulk_tickets(3, 30)
    r = post_only.get("/Ticket")
    assert len(r.json()) == 20
    # GLPI computes the header from 0-list_limit (one more than it returns).
    assert r.status_code == 206 and r.headers["content-range"] == "0-20/36"


def test_range_exceeding_total(post_only: httpx.Client) -> None:
    status, code, message = error(post_only.get("/Ticket", params={"range": "7-9"}))
    assert (status, code) == (400, "ERROR_RANGE_EXCEED_TOTAL")
    assert message.startswith("Provided range exceed total count of data: 6")
    at_end = post_only.get("/Ticket", params={"range": "6-9"})
    assert at_end.status_code == 206 and at_end.json() == []


def test_empty_collection(hd: Any, as_user: Any) -> None:
    hd.store.add_user("vide", "Vide-123!", profile="Self-Service")
    client = as_user(("vide", "Vide-123!"))
    r = client.get("/Ticket", params={"range": "0-49"})
    assert r.status_code == 200 and r.json() == []
    assert "content-range" not in r.headers
    assert r.headers["accept-range"] == "Ticket 1000"


def test_bad_range_sort_order(post_only: httpx.Client) -> None:
    assert error(post_only.get("/Ticket", params={"range": "a-b"}))[2].startswith(
        "range must be in format : [start-end] with integers"
    )
    assert error(post_only.get("/Ticket", params={"order": "UP"}))[2].startswith(
        "order must be DESC or ASC"
    )
    assert error(post_only.get("/Ticket", params={"sort": "12"}))[2].startswith(
        "sort param is not a field of glpi_tickets"
    )


def test_sort_and_order(post_only: httpx.Client) -> None:
    r = post_only.get("/Ticket", params={"range": "0-49", "sort": "date_mod", "order": "DESC"})
    dates = [t["date_mod"] for t in r.json()]
    assert dates == sorted(dates, reverse=True)


def test_links_and_get_hateoas(post_only: httpx.Client) -> None:
    item = post_only.get("/Ticket/1").json()
    rels = [link["rel"] for link in item["links"]]
    assert rels[:5] == ["Entity", "User", "User", "RequestType", "ITILCategory"]
    assert "ITILFollowup" in rels and "Ticket_User" in rels
    assert item["links"][-1]["href"].endswith("/Ticket/1/Supplier_Ticket/")
    bare = post_only.get("/Ticket/1", params={"get_hateoas": "false"}).json()
    assert "links" not in bare


def test_expand_dropdowns_and_keys_names(post_only: httpx.Client) -> None:
    item = post_only.get("/Ticket/1", params={"expand_dropdowns": "true"}).json()
    assert item["users_id_recipient"] == "post-only"
    assert item["users_id_lastupdater"] == "tech"
    assert item["itilcategories_id"] == "ceBox &#62; Intégration domaine"
    assert item["entities_id"] == "Root entity"
    followups = post_only.get(
        "/Ticket/1/ITILFollowup",
        params={"expand_dropdowns": "true", "add_keys_names[]": "users_id"},
    ).json()
    assert followups[0]["users_id"] == "tech"
    assert followups[0]["_keys_names"] == {"users_id": "Durand Julie"}


def test_last_modified_on_items_only(post_only: httpx.Client, hd: Any) -> None:
    r = post_only.get("/Ticket/1")
    assert r.headers["last-modified"].endswith("GMT")
    again = post_only.get("/Ticket/1", headers={"If-Modified-Since": r.headers["last-modified"]})
    assert again.status_code == 200 and again.json()["id"] == 1
    assert "last-modified" not in post_only.get("/Ticket", params={"range": "0-1"}).headers


def test_text_is_escaped_by_default_and_raw_on_request(hd: Any, post_only: httpx.Client) -> None:
    r = post_only.post(
        "/Ticket",
        json={
            "input": {
                "name": 'Panne "réseau" & <VPN>',
                "content": "<p>a &amp; b \"c\" 'd'</p>",
                "_users_id_requester": 3,
            }
        },
    )
    tid = r.json()["id"]
    stored = hd.store.ticket(tid)
    assert stored["content"] == "<p>a &amp; b \"c\" 'd'</p>"
    escaped = post_only.get(f"/Ticket/{tid}").json()
    assert escaped["content"] == "&#60;p&#62;a &#38;amp; b \"c\" 'd'&#60;/p&#62;"
    assert escaped["name"] == 'Panne "réseau" &#38; &#60;VPN&#62;'
    raw = post_only.get(f"/Ticket/{tid}", headers={"X-GLPI-Sanitized-Content": "false"}).json()
    assert raw["content"] == "<p>a &amp; b \"c\" 'd'</p>"
    assert raw["name"] == 'Panne "réseau" & <VPN>'
    listed = post_only.get(
        "/Ticket", params={"range": "0-49"}, headers={"X-GLPI-Sanitized-Content": "false"}
    )
    assert any(t["name"] == 'Panne "réseau" & <VPN>' for t in listed.json())
    found = post_only.get(
        "/search/Ticket", params={**_status_all(), "forcedisplay[0]": "21"}
    ).json()
    row = next(r for r in found["data"] if r["2"] == tid)
    assert row["21"] == "&#60;p&#62;a &#38;amp; b \"c\" 'd'&#60;/p&#62;"


def test_search_shape(post_only: httpx.Client) -> None:
    r = post_only.get(
        "/search/Ticket",
        params=_status_all(
            **{
                "forcedisplay[0]": "2",
                "forcedisplay[1]": "1",
                "forcedisplay[2]": "19",
                "sort": "19",
                "order": "DESC",
                "range": "0-1",
            }
        ),
    )
    assert r.status_code == 206
    body = r.json()
    assert set(body) == {"totalcount", "count", "sort", "order", "data", "content-range"}
    assert body["totalcount"] == 6 and body["count"] == 2
    assert body["content-range"] == "0-1/6"
    assert r.headers["content-range"] == "0-1/6"
    assert r.headers["accept-range"] == "Ticket 1000"
    row = body["data"][0]
    assert set(row) == {"2", "1", "19", "12"}
    assert isinstance(row["2"], int) and isinstance(row["12"], int)
    dates = [d["19"] for d in body["data"]]
    assert dates == sorted(dates, reverse=True)


def test_search_complete_is_200(post_only: httpx.Client) -> None:
    r = post_only.get("/search/Ticket", params=_status_all(range="0-49"))
    assert r.status_code == 200 and r.json()["content-range"] == "0-5/6"


def test_search_default_criteria_is_not_old(post_only: httpx.Client) -> None:
    body = post_only.get("/search/Ticket").json()
    assert sorted(row["12"] for row in body["data"]) == [1, 1, 2, 4]
    assert body["sort"] == [1] and body["order"] == ["DESC"]  # by title on 10.0
    titles = [row["1"] for row in body["data"]]
    assert titles == sorted(titles, reverse=True)
    assert set(body["data"][0]) >= {"2", "1", "12", "19", "15", "3", "4", "5", "7"}


def test_search_zero_results(post_only: httpx.Client) -> None:
    r = post_only.get(
        "/search/Ticket",
        params={
            "criteria[0][field]": "1",
            "criteria[0][searchtype]": "contains",
            "criteria[0][value]": "zzzz",
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert "data" not in body
    assert body["totalcount"] == 0 and body["count"] == 0
    assert body["content-range"] == "0--1/0"
    assert "content-range" not in r.headers


def test_search_uid_cols(post_only: httpx.Client) -> None:
    body = post_only.get(
        "/search/Ticket",
        params=_status_all(uid_cols="true", **{"forcedisplay[0]": "4", "forcedisplay[1]": "7"}),
    ).json()
    row = next(r for r in body["data"] if r["Ticket.id"] == 1)
    assert row["Ticket.name"].startswith("CEBOX-ACME-042")
    assert row["Ticket._users_id_requester.Ticket_User.User.name"] == "post-only"
    assert row["Ticket.ITILCategory.completename"] == "ceBox &#62; Intégration domaine"
    assert row["Ticket.status"] == 2


def test_search_status_keywords(post_only: httpx.Client) -> None:
    def statuses(value: str, searchtype: str = "equals") -> list[int]:
        params = {
            "criteria[0][field]": "12",
            "criteria[0][searchtype]": searchtype,
            "criteria[0][value]": value,
            "range": "0-49",
        }
        return sorted(
            r["12"] for r in post_only.get("/search/Ticket", params=params).json().get("data", [])
        )

    assert statuses("notold") == [1, 1, 2, 4]
    assert statuses("old") == [5, 6]
    assert statuses("process") == [2]
    assert statuses("notclosed") == [1, 1, 2, 4, 5]
    assert statuses("5") == [5]
    assert statuses("5", "notequals") == [5]  # GLPI 10.0.12 treats notequals as equals


def test_search_text_and_links(post_only: httpx.Client) -> None:
    params = {
        "criteria[0][field]": "12",
        "criteria[0][searchtype]": "equals",
        "criteria[0][value]": "all",
        "criteria[1][link]": "AND",
        "criteria[1][field]": "1",
        "criteria[1][searchtype]": "contains",
        "criteria[1][value]": "ceBox",
        "criteria[2][link]": "OR",
        "criteria[2][field]": "21",
        "criteria[2][searchtype]": "contains",
        "criteria[2][value]": "comptable",
    }
    ids = sorted(r["2"] for r in post_only.get("/search/Ticket", params=params).json()["data"])
    assert ids == [1, 2, 4, 6]
    by_id = post_only.get(
        "/search/Ticket",
        params={
            **_status_all(),
            "criteria[1][field]": "2",
            "criteria[1][searchtype]": "equals",
            "criteria[1][value]": "3",
        },
    ).json()
    assert [r["2"] for r in by_id["data"]] == [3]


def test_search_date_mod_morethan(hd: Any, post_only: httpx.Client) -> None:
    since = hd.clock.now_str()
    hd.clock.advance(minutes=5)
    post_only.post(
        "/ITILFollowup",
        json={"input": {"itemtype": "Ticket", "items_id": 6, "content": "<p>relance</p>"}},
    )
    params = {
        "criteria[0][field]": "19",
        "criteria[0][searchtype]": "morethan",
        "criteria[0][value]": since,
    }
    body = post_only.get("/search/Ticket", params=params).json()
    assert [r["2"] for r in body["data"]] == [6]


def test_private_followup_moves_date_mod(hd: Any) -> None:
    before = hd.store.ticket(1)["date_mod"]
    hd.clock.advance(minutes=1)
    hd.store.add_followup(1, user_id=4, content="<p>privé</p>", is_private=True)
    assert hd.store.ticket(1)["date_mod"] > before


def test_search_bad_and_malformed_criteria(post_only: httpx.Client) -> None:
    bad = post_only.get(
        "/search/Ticket",
        params={
            "criteria[0][field]": "999",
            "criteria[0][searchtype]": "equals",
            "criteria[0][value]": "1",
        },
    )
    status, code, message = error(bad)
    assert (status, code) == (400, "ERROR") and message.startswith(
        "Bad field ID in search criteria"
    )
    malformed = post_only.get("/search/Ticket", params={"criteria[0][field]": "1"})
    assert error(malformed)[2].startswith("Malformed search criteria")


def test_search_range_exceed(post_only: httpx.Client) -> None:
    r = post_only.get("/search/Ticket", params=_status_all(range="50-60"))
    assert error(r)[:2] == (400, "ERROR_RANGE_EXCEED_TOTAL")


def test_search_self_service_cannot_search_users(post_only: httpx.Client) -> None:
    assert error(post_only.get("/search/User"))[:2] == (403, "ERROR_RIGHT_MISSING")


def test_search_requester_criteria(post_only: httpx.Client) -> None:
    params = _status_all(
        **{
            "criteria[1][field]": "4",
            "criteria[1][searchtype]": "equals",
            "criteria[1][value]": "3",
        }
    )
    ids = sorted(r["2"] for r in post_only.get("/search/Ticket", params=params).json()["data"])
    assert ids == [1, 2, 3, 5, 6]


def test_get_sha1_changes_with_content(hd: Any, post_only: httpx.Client) -> None:
    first = post_only.get("/Ticket/5", params={"get_sha1": "true"}).json()
    assert isinstance(first, str) and len(first) == 40
    hd.clock.advance(minutes=1)
    hd.store.add_followup(5, user_id=4, content="<p>x</p>")
    assert post_only.get("/Ticket/5", params={"get_sha1": "true"}).json() != first


def test_with_logs_is_an_error_object_for_self_service(post_only: httpx.Client) -> None:
    item = post_only.get("/Ticket/1", params={"with_logs": "true"}).json()
    assert item["_logs"] == {
        "error": 401,
        "message": "You don't have permission to perform this action.",
    }


def test_search_totals_follow_every_change_to_the_tickets(hd: Any, post_only: httpx.Client) -> None:
    """The helpdesk remembers counts between requests; any write must show at once."""

    def total(**extra: str) -> int:
        return int(
            post_only.get("/search/Ticket", params=_status_all(**extra)).json()["totalcount"]
        )

    before = total()
    assert total(range="0-0") == before  # the same count asked again (a cache hit)
    ticket = hd.store.create_ticket(name="Compté", content="<p>x</p>", requester_id=3)
    assert total() == before + 1
    hd.store.update_row("glpi_tickets", ticket, {"is_deleted": 1})
    assert total() == before
    assert post_only.get("/search/Ticket").json()["totalcount"] == 4  # "not old", unchanged
