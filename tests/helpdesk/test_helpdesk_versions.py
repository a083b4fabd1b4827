"""The version seam: one helpdesk plays one GLPI version, picked when it starts."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from cebox_support.tui.helpdesk.clock import Clock
from cebox_support.tui.helpdesk.runner import serve_forever, start_helpdesk
from cebox_support.tui.helpdesk.versions import DEFAULT_VERSION, VERSIONS, GlpiVersion, glpi_version


def _config(api_url: str) -> dict[str, Any]:
    token = httpx.get(f"{api_url}/initSession", auth=("post-only", "postonly")).json()[
        "session_token"
    ]
    r = httpx.get(f"{api_url}/getGlpiConfig", headers={"Session-Token": token})
    assert r.status_code == 200
    return {"token": token, **r.json()["cfg_glpi"]}


def test_default_is_glpi_10(hd: Any) -> None:
    cfg = _config(hd.api_url)
    assert hd.store.version.name == DEFAULT_VERSION == "10.0"
    assert cfg["version"] == "10.0.12"
    assert cfg["dbversion"].startswith("10.0.12@")
    assert cfg["url_base_api"] == hd.base_url + "/apirest.php"
    assert re.fullmatch(r"[0-9a-v]{26}", cfg["token"])


def test_start_helpdesk_takes_a_version() -> None:
    with start_helpdesk(demo=False, clock=Clock(), glpi_version="11.0") as hd:
        cfg = _config(hd.api_url)
    assert cfg["version"] == "11.0.8"
    assert "url_base_api" not in cfg
    assert re.fullmatch(r"[A-Za-z0-9+/]{118}==", cfg["token"])


def test_lookup_by_short_or_full_name() -> None:
    assert glpi_version("10.0.12") is VERSIONS["10.0"]
    assert glpi_version(None) is VERSIONS[DEFAULT_VERSION]
    mine = GlpiVersion()
    assert glpi_version(mine) is mine
    with pytest.raises(ValueError, match="known: 10.0, 11.0"):
        glpi_version("9.5")


def test_demo_server_refuses_an_unknown_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        serve_forever(["--glpi-version", "9.5"])
    assert "invalid choice: '9.5'" in capsys.readouterr().err


def test_demo_server_upload_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--document-max-size`` and ``--allow-upload`` reach the served store."""
    import cebox_support.tui.helpdesk.runner as runner

    seen: dict[str, Any] = {}

    class NoServer:
        def __init__(self, config: Any) -> None:
            seen["store"] = config.app.helpdesk_config.store

        def run(self) -> None:
            store = seen["store"]
            seen["max"], seen["types"] = store.document_max_size_mb, store.upload_extensions

    monkeypatch.setattr(runner.uvicorn, "Server", NoServer)
    assert serve_forever(["--empty", "--document-max-size", "5", "--allow-upload", ".LOG"]) == 0
    assert seen["max"] == 5 and "log" in seen["types"] and "txt" in seen["types"]
