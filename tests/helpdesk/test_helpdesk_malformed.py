"""Malformed and oversized requests get GLPI's 400 answers, never a bare 500.

Ids follow APIRest::getId (``is_numeric`` then ``intval``, saturated to 64 bits); JSON
follows PHP's ``json_decode`` (no NaN, at most 512 levels, big integers as floats);
bodies past PHP's ``post_max_size`` are dropped unread, which GLPI reports for an
upload as ``ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE``.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cebox_support.tui.helpdesk.params import INT_MAX, json_decode, php_intval, php_is_numeric
from helpdesk_helpers import error

HUGE = "9" * 30
MB = 1024 * 1024


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/Ticket/{HUGE}", 404),  # intval saturates: PHP_INT_MAX, not found
        ("/Ticket/9223372036854775808", 404),
        ("/Ticket/1e400", 404),
        (f"/Ticket/1/ITILFollowup/{HUGE}", 404),
        ("/Ticket/abc", 200),  # not numeric: the collection, as GLPI
        ("/Ticket/\u0661", 200),  # an Arabic-Indic digit is not numeric in PHP
        (f"/Ticket?range=0-{HUGE}", 200),
        (f"/Ticket?range={HUGE}-{HUGE}", 400),
        ("/Ticket?range=a-b", 400),
        (f"/search/Ticket?range=0-{HUGE}", 200),
        (f"/search/Ticket?criteria[0][field]={HUGE}&criteria[0][searchtype]=equals"
         "&criteria[0][value]=1", 400),
        ("/search/Ticket?criteria[0][field]=\u0661\u0662&criteria[0][searchtype]=equals"
         "&criteria[0][value]=1", 400),
        (f"/search/Ticket?criteria[0][field]=2&criteria[0][searchtype]=equals"
         f"&criteria[0][value]={HUGE}", 200),
        ("/search/Ticket?criteria[0][field]=19&criteria[0][searchtype]=morethan"
         "&criteria[0][value]=-999999999YEAR", 200),
        (f"/getMultipleItems?items[0][itemtype]=Ticket&items[0][items_id]={HUGE}", 404),
    ],
)  # fmt: skip
def test_odd_ids_and_ranges(post_only: httpx.Client, path: str, status: int) -> None:
    r = post_only.get(path)
    assert r.status_code == status, r.text
    if status >= 400:
        assert error(r)[1].startswith("ERROR")


def test_odd_ids_in_writes(post_only: httpx.Client, tech: httpx.Client) -> None:
    for ident in (HUGE, "abc", 1e300, 10**30):
        r = tech.put("/Ticket", json={"input": [{"id": ident, "name": "x"}]})
        assert error(r)[:2] == (400, "ERROR_GLPI_UPDATE")
    assert error(tech.delete(f"/Ticket/{HUGE}")) == (400, "ERROR_GLPI_DELETE", "Item not found")
    for items_id in (HUGE, 10**30, "1" + "0" * 5000):
        body = {"input": {"itemtype": "Ticket", "items_id": items_id, "content": "x"}}
        r = post_only.post(
            "/ITILFollowup", content=json.dumps(body).replace(f'"{items_id}"', str(items_id))
        )
        assert error(r)[:2] == (400, "ERROR_GLPI_ADD")


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"input":' * 600 + "1" + "}" * 600,  # past PHP's 512 levels
        '{"input": {"content": NaN}}',
        '{"input": {"content": Infinity}}',
        b'{"input": {"content": "\xff"}}',
    ],
    ids=["deep-array", "deep-object", "nan", "infinity", "not-utf8"],
)
def test_bad_json_is_payload_invalid(post_only: httpx.Client, body: str | bytes) -> None:
    r = post_only.post("/ITILFollowup", content=body, headers={"Content-Type": "application/json"})
    assert error(r) == (400, "ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid")


def test_php_number_rules() -> None:
    assert php_intval(HUGE) == INT_MAX and php_intval("-" + HUGE) == -INT_MAX - 1
    assert php_intval("12abc") == 12 and php_intval("1e5") == 100_000 and php_intval("x") == 0
    assert php_intval(float("inf")) == 0 and php_intval(1e300) == INT_MAX
    assert php_is_numeric(" 1.5") and php_is_numeric("1e5") and not php_is_numeric("\u0661")
    assert json_decode(("[" * 512 + "]" * 512).encode())
    assert not json_decode(("[" * 513 + "]" * 513).encode())
    assert json_decode(b"123456789012345678901234567890") == pytest.approx(1.2345678901e29)


def _multipart(size: int, boundary: str = "cebox-boundary") -> Iterator[bytes]:
    manifest = json.dumps({"input": {"name": "big", "itemtype": "Ticket", "items_id": 5}})
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="uploadManifest"\r\n\r\n'
        f'{manifest}\r\n--{boundary}\r\nContent-Disposition: form-data; name="filename[0]";'
        f' filename="big.zip"\r\nContent-Type: application/zip\r\n\r\n'
    ).encode()
    chunk = b"\0" * (256 * 1024)
    for _ in range(size // len(chunk)):
        yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_70_mb_upload_is_refused_unstored_and_unbuffered(
    hd: Any, post_only: httpx.Client, declared: bool
) -> None:
    size = 70 * MB
    headers = {"Content-Type": "multipart/form-data; boundary=cebox-boundary"}
    if declared:
        headers["Content-Length"] = str(sum(len(c) for c in _multipart(size)))
    docs = hd.store.count("documents")
    tracemalloc.start()
    try:
        r = post_only.post("/Document", content=_multipart(size), headers=headers, timeout=120)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error(r) == (400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE", "The file seems too big")
    assert hd.store.count("documents") == docs
    assert peak < 16 * MB  # the 70 MB went through, never held at once
    assert post_only.get("/getFullSession").status_code == 200  # the session still works


def test_post_max_size_is_a_setting(hd: Any, post_only: httpx.Client) -> None:
    hd.store.post_max_size_mb = 1
    files = {"filename[0]": ("a.txt", b"x" * (MB + 1), "text/plain")}
    manifest = {"input": {"name": "a", "itemtype": "Ticket", "items_id": 5}}
    r = post_only.post("/Document", data={"uploadManifest": json.dumps(manifest)}, files=files)
    assert error(r)[:2] == (400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE")
    big_json = {"input": {"itemtype": "Ticket", "items_id": 5, "content": "x" * (MB + 1)}}
    r = post_only.post("/ITILFollowup", json=big_json)  # PHP saw no body at all
    assert error(r)[:2] == (400, "ERROR_BAD_ARRAY")


def test_a_broken_multipart_body(post_only: httpx.Client) -> None:
    r = post_only.post(
        "/Document",
        content=b"--x\r\nno headers here",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert error(r)[:2] == (400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE")


def test_an_unforeseen_bad_value_is_a_400_not_a_crash(
    hd: Any, tech: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def overflow(*args: Any, **kwargs: Any) -> Any:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(hd.store, "api_update", overflow)
    r = tech.put("/Ticket/1", json={"input": {"name": "x"}})
    status, code, message = error(r)
    assert (status, code) == (400, "ERROR") and message.startswith("Bad Request")
