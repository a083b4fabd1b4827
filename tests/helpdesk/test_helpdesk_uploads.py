"""Uploads the server refuses: GLPI 10.0.12's answers, and what exists afterwards.

A fresh GLPI accepts only its 72 "uploadable" document types (not ``.log``) and files
up to ``document_max_size`` MB; how a refusal looks depends on the request, and in
two cases the answer still says 201 (docs/glpi-api.md, "Uploads the server refuses").
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from cebox_support.tui.helpdesk.config import DEFAULT_UPLOAD_EXTENSIONS
from helpdesk_helpers import error

DOMAIN = 5  # a ticket of post-only's


def _document(
    client: httpx.Client, name: str, data: bytes = b"ligne\n", *, linked: bool = True
) -> httpx.Response:
    manifest: dict[str, Any] = {"input": {"name": "journal", "_filename": [name]}}
    if linked:
        manifest["input"] |= {"itemtype": "Ticket", "items_id": DOMAIN}
    return client.post(
        "/Document",
        data={"uploadManifest": json.dumps(manifest)},
        files={"filename[0]": (name, data, "text/plain")},
    )


def _counts(hd: Any) -> tuple[int, int, int]:
    s = hd.store
    return (s.count("documents"), s.count("documents_items"), s.count("document_blobs"))


def _only_upload(body: dict[str, Any]) -> dict[str, Any]:
    (entry,) = body["upload_result"]["filename"]
    assert isinstance(entry, dict)
    return entry


def test_the_default_list_is_glpis_72_types() -> None:
    assert len(DEFAULT_UPLOAD_EXTENSIONS) == len(set(DEFAULT_UPLOAD_EXTENSIONS)) == 72
    for accepted in ("txt", "gz", "zip", "tgz", "bz2", "png", "pdf", "docx"):
        assert accepted in DEFAULT_UPLOAD_EXTENSIONS
    for refused in ("log", "7z", "json", "evtx", "webp"):
        assert refused not in DEFAULT_UPLOAD_EXTENSIONS


def test_linked_document_of_a_refused_type_is_400_and_nothing(
    hd: Any, post_only: httpx.Client
) -> None:
    before = _counts(hd)
    r = _document(post_only, "qgaAgent.log")
    assert error(r) == (400, "ERROR_GLPI_ADD", "File qgaAgent.log not found.")
    assert _counts(hd) == before


def test_unlinked_document_of_a_refused_type_is_201_and_an_empty_record(
    hd: Any, post_only: httpx.Client, tech: httpx.Client
) -> None:
    before = _counts(hd)
    r = _document(post_only, "qgaAgent.log", b"123456", linked=False)
    assert r.status_code == 201
    body = r.json()
    assert body["message"] == "Item successfully added: journal"
    entry = _only_upload(body)
    assert entry["error"] == "Filetype not allowed"
    assert entry["display"] == "qgaAgent.log" and entry["size"] == 6
    assert entry["name"].endswith("qgaAgent.log") and entry["name"] != "qgaAgent.log"
    docs, links, blobs = _counts(hd)
    assert (docs, links, blobs) == (before[0] + 1, before[1], before[2])
    record = tech.get(f"/Document/{body['id']}").json()
    assert record["name"] == "journal" and record["filename"] == "" and not record["sha1sum"]


def test_followup_with_a_refused_file_is_201_and_kept_without_it(
    hd: Any, post_only: httpx.Client
) -> None:
    docs_before = len(hd.store.documents(DOMAIN))
    manifest = {"input": {"itemtype": "Ticket", "items_id": DOMAIN, "content": "<p>log</p>"}}
    r = post_only.post(
        "/ITILFollowup",
        data={"uploadManifest": json.dumps(manifest)},
        files={"filename[0]": ("qgaAgent.log", b"ligne\n", "text/plain")},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["message"] == "File qgaAgent.log not found."
    assert _only_upload(body)["error"] == "Filetype not allowed"
    assert any(f["id"] == body["id"] for f in hd.store.followups(DOMAIN))
    assert len(hd.store.documents(DOMAIN)) == docs_before


def test_followup_keeps_the_accepted_files_of_a_mixed_upload(
    hd: Any, post_only: httpx.Client
) -> None:
    manifest = {"input": {"itemtype": "Ticket", "items_id": DOMAIN, "content": "<p>deux</p>"}}
    r = post_only.post(
        "/ITILFollowup",
        data={"uploadManifest": json.dumps(manifest)},
        files=[
            ("filename[0]", ("capture.PNG", b"\x89PNG", "image/png")),
            ("filename[1]", ("trace.log", b"x", "text/plain")),
        ],
    )
    assert r.status_code == 201
    body = r.json()
    assert body["message"] == "File trace.log not found."
    errors = [e.get("error") for e in body["upload_result"]["filename"]]
    assert errors == [None, "Filetype not allowed"]
    kept = [d["filename"] for d in hd.store.documents(DOMAIN) if d["link_items_id"] == body["id"]]
    assert kept == ["capture.PNG"]


def test_ticket_with_a_refused_file_is_201_without_it(hd: Any, post_only: httpx.Client) -> None:
    manifest = {"input": {"name": "Jonction", "content": "<p>voir log</p>"}}
    r = post_only.post(
        "/Ticket",
        data={"uploadManifest": json.dumps(manifest)},
        files={"filename[0]": ("qgaAgent.log", b"ligne\n", "text/plain")},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["message"] == "Item successfully added: Jonction"
    assert _only_upload(body)["error"] == "Filetype not allowed"
    assert hd.store.ticket(body["id"])["name"] == "Jonction"
    assert hd.store.documents(body["id"]) == []


def test_a_file_without_extension_is_refused(post_only: httpx.Client) -> None:
    assert error(_document(post_only, "README"))[2] == "File README not found."


def test_max_size_is_enforced_and_shown_in_the_config(hd: Any, post_only: httpx.Client) -> None:
    assert post_only.get("/getGlpiConfig").json()["cfg_glpi"]["document_max_size"] == "2"
    hd.store.document_max_size_mb = 1
    assert post_only.get("/getGlpiConfig").json()["cfg_glpi"]["document_max_size"] == "1"
    exactly = b"x" * (1024 * 1024)
    assert _document(post_only, "ok.txt", exactly).status_code == 201
    before = _counts(hd)
    too_big = exactly + b"x"
    assert error(_document(post_only, "big.txt", too_big)) == (
        400,
        "ERROR_GLPI_ADD",
        "File big.txt not found.",
    )
    assert _counts(hd) == before
    r = _document(post_only, "big.txt", too_big, linked=False)
    assert r.status_code == 201
    entry = _only_upload(r.json())
    assert (entry["error"], entry["size"]) == ("File is too big", 1024 * 1024 + 1)


def test_the_type_is_checked_before_the_size(hd: Any, post_only: httpx.Client) -> None:
    hd.store.document_max_size_mb = 1
    r = _document(post_only, "big.log", b"x" * (1024 * 1024 + 1), linked=False)
    assert _only_upload(r.json())["error"] == "Filetype not allowed"


@pytest.mark.parametrize("name", ["trace.log", "TRACE.LOG"])
def test_the_list_is_a_setting(hd: Any, post_only: httpx.Client, name: str) -> None:
    hd.store.upload_extensions = [*DEFAULT_UPLOAD_EXTENSIONS, ".LOG"]
    assert "log" in hd.store.upload_extensions
    r = _document(post_only, name)
    assert r.status_code == 201
    assert "error" not in _only_upload(r.json())
    assert [d["filename"] for d in hd.store.documents(DOMAIN)][-1] == name
