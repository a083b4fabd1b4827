"""Uploads, downloads and the documents list of a ticket."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
from helpdesk_helpers import error


def _upload(
    client: httpx.Client,
    ticket_id: int,
    name: str = "capture.txt",
    data: bytes = b"hello",
    part: str = "filename[0]",
) -> httpx.Response:
    manifest = {
        "input": {
            "name": "ma pièce",
            "_filename": [name],
            "itemtype": "Ticket",
            "items_id": ticket_id,
        }
    }
    return client.post(
        "/Document",
        data={"uploadManifest": json.dumps(manifest)},
        files={part: (name, data, "text/plain")},
    )


def test_upload_answer_and_name_replacement(hd: Any, post_only: httpx.Client) -> None:
    r = _upload(post_only, 5, "journal.txt", b"ligne 1\n")
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"id", "message", "upload_result"}
    assert body["upload_result"]["filename"][0]["display"] == "journal.txt"
    assert "error" not in body["upload_result"]["filename"][0]
    assert r.headers["location"].endswith(f"/Document/{body['id']}")
    doc = next(d for d in hd.store.documents(5) if d["id"] == body["id"])
    assert doc["name"] == "Document: Ticket - Demande de création de compte pour un nouvel arrivant"
    assert doc["filename"] == "journal.txt"


def test_upload_plain_filename_part(hd: Any, post_only: httpx.Client) -> None:
    r = _upload(post_only, 5, "a.txt", b"x", part="filename")
    assert r.status_code == 201


def test_upload_without_file_part(post_only: httpx.Client) -> None:
    manifest = {"input": {"name": "x", "itemtype": "Ticket", "items_id": 5}}
    r = post_only.post(
        "/Document", data={"uploadManifest": json.dumps(manifest)}, files={"other": (None, "x")}
    )
    assert error(r) == (400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE", "The file seems too big")


def test_upload_with_bad_manifest(post_only: httpx.Client) -> None:
    r = post_only.post(
        "/Document", data={"uploadManifest": "{nope"}, files={"filename[0]": ("a.txt", b"x")}
    )
    assert error(r)[:2] == (400, "ERROR_JSON_PAYLOAD_INVALID")


def test_document_metadata_forbidden_but_download_works(post_only: httpx.Client) -> None:
    assert error(post_only.get("/Document/1"))[:2] == (403, "ERROR_RIGHT_MISSING")
    listy = post_only.get("/Document/1", headers={"Accept": "application/octet-stream, */*"})
    assert listy.status_code == 403
    r = post_only.get("/Document/1", headers={"Accept": "application/octet-stream"})
    assert r.status_code == 200
    assert gzip.decompress(r.content).startswith(b"2025-01-14 09:12:03")
    assert r.headers["content-disposition"].startswith('attachment; filename="qgaAgent.log.gz"')
    media = post_only.get("/Document/1", params={"alt": "media"})
    assert media.content == r.content
    assert error(post_only.get("/Document/999", params={"alt": "media"}))[:2] == (
        404,
        "ERROR_ITEM_NOT_FOUND",
    )


def test_download_conditional(post_only: httpx.Client) -> None:
    r = post_only.get("/Document/1", params={"alt": "media"})
    etag = r.headers["etag"]
    assert (
        post_only.get(
            "/Document/1", params={"alt": "media"}, headers={"If-None-Match": etag}
        ).status_code
        == 304
    )
    since = r.headers["last-modified"]
    assert (
        post_only.get(
            "/Document/1", params={"alt": "media"}, headers={"If-Modified-Since": since}
        ).status_code
        == 304
    )


def test_with_documents_lists_ticket_and_public_followup_files(
    hd: Any, post_only: httpx.Client, tech: httpx.Client
) -> None:
    public = hd.store.add_followup(1, user_id=4, content="<p>voir capture</p>")
    private = hd.store.add_followup(1, user_id=4, content="<p>interne</p>", is_private=True)
    hd.store.add_document(1, filename="capture.png", data=b"\x89PNG", user_id=4, followup_id=public)
    hd.store.add_document(1, filename="interne.txt", data=b"secret", user_id=4, followup_id=private)
    docs = post_only.get("/Ticket/1", params={"with_documents": "true"}).json()["_documents"]
    assert [d["filename"] for d in docs] == ["qgaAgent.log.gz", "capture.png"]
    first = docs[0]
    for key in ("id", "filename", "mime", "filesize", "date_creation", "date_mod", "users_id"):
        assert key in first
    assert first["mime"] == "application/x-gzip" and first["filesize"] == len(
        hd.store.document_data(1)
    )
    tech_docs = tech.get("/Ticket/1", params={"with_documents": "true"}).json()["_documents"]
    assert len(tech_docs) == 3


def test_multipart_followup_with_files(hd: Any, post_only: httpx.Client) -> None:
    manifest = {
        "input": {
            "itemtype": "Ticket",
            "items_id": 5,
            "content": "<p>ci-joint</p>",
            "is_private": 0,
        }
    }
    r = post_only.post(
        "/ITILFollowup",
        data={"uploadManifest": json.dumps(manifest)},
        files=[
            ("filename[0]", ("a.txt", b"A", "text/plain")),
            ("filename[1]", ("b.txt", b"B", "text/plain")),
        ],
    )
    assert r.status_code == 201
    fid = r.json()["id"]
    assert any(f["id"] == fid for f in hd.store.followups(5))
    docs = post_only.get("/Ticket/5", params={"with_documents": "true"}).json()["_documents"]
    assert sorted(d["filename"] for d in docs) == ["a.txt", "b.txt"]


def test_self_service_cannot_list_document_items(post_only: httpx.Client) -> None:
    assert error(post_only.get("/Ticket/5/Document_Item"))[:2] == (403, "ERROR_RIGHT_MISSING")
