"""Faults the embedded helpdesk cannot produce, through httpx.MockTransport."""

from __future__ import annotations

import httpx
import pytest
from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.documents import safe_filename
from cebox_support.tui.api.errors import NotGlpi, ServerError, Timeout, TlsError, Unreachable
from cebox_support.tui.api.urls import normalize_api_url


def client_with(handler, **kwargs) -> GlpiClient:  # type: ignore[no-untyped-def]
    return GlpiClient(
        "https://glpi.example.com",
        transport=httpx.MockTransport(handler),
        retry_backoff=0,
        **kwargs,
    )


async def test_tls_failure_names_host_and_option() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")

    async with client_with(handler) as client:
        with pytest.raises(TlsError) as err:
            await client.login("u", "secret-password")
    assert "glpi.example.com" in err.value.message and "ca_bundle" in err.value.message
    assert "secret-password" not in repr(err.value)
    assert err.value.__context__ is None or err.value.__suppress_context__


async def test_reads_are_retried_on_503_then_succeed() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) < 3:
            return httpx.Response(503, text="busy")
        return httpx.Response(200, json={"cfg_glpi": {"version": "10.0.12"}})

    async with client_with(handler) as client:
        client._session_token = "x" * 26
        config = await client.server_config()
    assert config.version == "10.0.12" and len(calls) == 3


async def test_writes_are_never_retried_and_timeouts_are_uncertain() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        raise httpx.ReadTimeout("slow")

    async with client_with(handler) as client:
        client._session_token = "x" * 26
        client.me = __import__("cebox_support.tui.api.models", fromlist=["Me"]).Me(
            id=3, login="u", name="u"
        )
        with pytest.raises(Timeout) as err:
            await client.create_ticket(name="t", content_html="<p>x</p>", ticket_type=1)
    assert err.value.uncertain and calls == ["POST"]


async def test_non_json_answer_is_not_glpi() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>hello</html>")

    async with client_with(handler) as client:
        with pytest.raises(NotGlpi):
            await client.login("u", "p")


async def test_gateway_errors_exhaust_retries() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="bad gateway")

    async with client_with(handler, read_retries=1) as client:
        client._session_token = "x" * 26
        with pytest.raises(ServerError):
            await client.server_config()


async def test_connection_refused_names_the_host() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    async with client_with(handler, read_retries=0) as client:
        with pytest.raises(Unreachable) as err:
            await client.login("u", "p")
    assert "glpi.example.com" in err.value.message


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("support.example.com", "https://support.example.com/apirest.php"),
        ("https://h/glpi/", "https://h/glpi/apirest.php"),
        ("https://h/glpi/apirest.php/", "https://h/glpi/apirest.php"),
        ("http://127.0.0.1:8080/apirest.php/initSession", "http://127.0.0.1:8080/apirest.php"),
        ("https://h/front/helpdesk.public.php", "https://h/apirest.php"),
    ],
)
def test_normalize_api_url(given: str, expected: str) -> None:
    assert normalize_api_url(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("\x1b[31mred.txt", "red.txt"),
        ("...", "document"),
        ("a:b*c?.log", "a_b_c_.log"),
    ],
)
def test_safe_filename(given: str, expected: str) -> None:
    assert safe_filename(given) == expected


async def test_connection_refused_names_the_address_as_typed() -> None:
    """A real refused connection: the message keeps the port the user typed."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GlpiClient(f"http://127.0.0.1:{port}/", read_retries=0)
    try:
        with pytest.raises(Unreachable) as err:
            await client.login("u", "p")
    finally:
        await client.close()
    assert f"http://127.0.0.1:{port}." in err.value.message
