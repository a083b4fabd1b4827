"""Ticket numbers and links as people paste them (tui/links.py)."""

from __future__ import annotations

import pytest
from cebox_support.tui.links import LinkError, host_of, parse_ticket_ref

SERVER = "https://support.example.com/glpi/apirest.php"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", 1234),
        ("  #1234 ", 1234),
        ("# 42", 42),
        ("https://support.example.com/glpi/front/ticket.form.php?id=1234", 1234),
        ("https://support.example.com/glpi/front/ticket.form.php?id=1234&forcetab=Ticket$1", 1234),
        ("https://support.example.com/glpi/front/ticket.form.php?forcetab=x&id=77", 77),
        ("<https://SUPPORT.example.com:443/glpi/front/ticket.form.php?id=9>", 9),
        ("support.example.com/glpi/front/ticket.form.php?id=15", 15),
        ("https://support.example.com/glpi/index.php?redirect=ticket_1234&noAUTO=1", 1234),
        ("https://support.example.com/glpi/index.php?redirect=Ticket_88_Ticket%241", 88),
    ],
)
def test_accepted(text: str, expected: int) -> None:
    assert parse_ticket_ref(text, SERVER) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "12a",
        "0",
        "#0",
        "https://support.example.com/glpi/front/ticket.php",
        "https://support.example.com/glpi/front/ticket.form.php?id=abc",
        "https://support.example.com/glpi/front/computer.form.php?id=12",
        "ftp://support.example.com/front/ticket.form.php?id=12",
        "javascript:alert(1)",
    ],
)
def test_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(LinkError) as info:
        parse_ticket_ref(text, SERVER)
    assert str(info.value)
    assert "\x1b" not in str(info.value)


def test_link_to_another_server_names_both_hosts() -> None:
    with pytest.raises(LinkError) as info:
        parse_ticket_ref("https://other.example.org/front/ticket.form.php?id=12", SERVER)
    message = str(info.value)
    assert "other.example.org" in message and "support.example.com" in message


def test_another_port_is_another_server() -> None:
    with pytest.raises(LinkError) as info:
        parse_ticket_ref("http://127.0.0.1:9/front/ticket.form.php?id=3", "http://127.0.0.1:8080")
    assert "127.0.0.1:9" in str(info.value) and "127.0.0.1:8080" in str(info.value)


def test_without_a_server_any_host_is_taken() -> None:
    assert parse_ticket_ref("https://elsewhere/front/ticket.form.php?id=5") == 5


def test_hostile_text_is_shortened_and_printable() -> None:
    with pytest.raises(LinkError) as info:
        parse_ticket_ref("\x1b[31m" + "x" * 500)
    message = str(info.value)
    assert "\x1b" not in message and len(message) < 200


def test_host_of() -> None:
    assert host_of("https://A.example.com:443/x") == "a.example.com"
    assert host_of("http://a:8080/apirest.php") == "a:8080"
    assert host_of("a.example.com/glpi") == "a.example.com"


@pytest.mark.parametrize(
    ("link", "server"),
    [
        ("https://host/clientA/front/ticket.form.php?id=3", "https://host/clientB"),
        ("https://host/clientA/front/ticket.form.php?id=3", "https://host/clientB/apirest.php"),
        ("https://host/clientA/index.php?redirect=ticket_3", "https://host/clientB/"),
        ("https://host/front/ticket.form.php?id=3", "https://host/clientB"),
        ("https://host/clientB/x/front/ticket.form.php?id=3", "https://host/clientB"),
        ("http://host/clientB/front/ticket.form.php?id=3", "https://host/clientB"),
        ("https://host:8443/clientB/front/ticket.form.php?id=3", "https://host/clientB"),
    ],
)
def test_another_glpi_on_the_same_host_is_another_server(link: str, server: str) -> None:
    """Issue 24 item 13: scheme, host, port and the folder GLPI lives in, all compared."""
    with pytest.raises(LinkError) as info:
        parse_ticket_ref(link, server)
    assert "connected to" in str(info.value)


@pytest.mark.parametrize(
    ("link", "server"),
    [
        ("https://host./clientB/front/ticket.form.php?id=3", "https://host/clientB"),
        ("https://HOST/clientB/front/ticket.form.php?id=3", "https://host./clientB/apirest.php"),
        ("https://host:443/clientB/index.php?redirect=ticket_3", "https://host/clientB/"),
        ("https://host/clientB/?redirect=ticket_3", "host/clientB/index.php"),
        ("http://host:80/front/ticket.form.php?id=3", "http://host"),
    ],
)
def test_the_same_glpi_written_differently_is_the_same_server(link: str, server: str) -> None:
    assert parse_ticket_ref(link, server) == 3


def test_the_message_names_both_folders() -> None:
    with pytest.raises(LinkError) as info:
        parse_ticket_ref("https://host/clientA/front/ticket.form.php?id=3", "https://host/clientB")
    assert "host/clientA" in str(info.value) and "host/clientB" in str(info.value)


@pytest.mark.parametrize("text", ["١", "#٣", "１２", "-4", "# -4", "+4"])
def test_only_ascii_positive_numbers(text: str) -> None:
    with pytest.raises(LinkError):
        parse_ticket_ref(text, SERVER)
