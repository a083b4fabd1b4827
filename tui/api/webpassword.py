"""Password change through GLPI's own web pages, exactly as a browser does it.

GLPI 10 does not let a Self-Service profile update its own user over the REST API,
so the console logs into the web UI (CSRF token, per-session random field names),
posts `front/updatepassword.php` and reads GLPI's verdict from the page.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import httpx

from tui.api import errors as E
from tui.i18n import _

if TYPE_CHECKING:
    from tui.api.client import GlpiClient

SUCCESS = "Your password has been successfully updated."
BAD_CSRF = "The action you have requested is not allowed."


def glpi_password_messages() -> dict[str, str]:
    """GLPI's English page texts (we log in with language=en_GB) → our translated words."""
    return {
        "Incorrect password": _("The current password is incorrect."),
        "The two passwords do not match": _("The two new passwords do not match."),
        "The new password must be different from current password": _(
            "The new password must be different from the current one."
        ),
        "Password too short!": _("The new password is too short for the server's policy."),
        "Password must include at least a digit!": _("The new password must include a digit."),
        "Password must include at least a lowercase letter!": _(
            "The new password must include a lowercase letter."
        ),
        "Password must include at least a uppercase letter!": _(
            "The new password must include an uppercase letter."
        ),
        "Password must include at least an uppercase letter!": _(
            "The new password must include an uppercase letter."
        ),
        "Password must include at least a symbol!": _("The new password must include a symbol."),
    }


def _form_tokens(page: str) -> dict[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    found: dict[str, str] = {}
    meta = soup.find("meta", attrs={"property": "glpi:csrf_token"})
    if meta is not None and meta.get("content"):
        found["csrf"] = str(meta["content"])
    hidden = soup.find("input", attrs={"name": "_glpi_csrf_token"})
    if "csrf" not in found and hidden is not None and hidden.get("value"):
        found["csrf"] = str(hidden["value"])
    for key, element_id in (("login", "login_name"), ("password", "login_password")):
        element = soup.find("input", attrs={"id": element_id})
        if element is not None and element.get("name"):
            found[key] = str(element["name"])
    return found


async def change_password_via_web(
    client: GlpiClient, *, login: str, current: str, new: str
) -> None:
    web = client.web_url
    kwargs: dict[str, Any] = {
        "timeout": httpx.Timeout(client._timeout),
        "follow_redirects": False,
        "headers": {"User-Agent": "Mozilla/5.0 (cebox-support)"},
    }
    if client._transport is not None:
        kwargs["transport"] = client._transport
    elif web.startswith("https:"):
        kwargs["verify"] = client.ssl_verify()
    try:
        async with httpx.AsyncClient(**kwargs) as http:
            await _login(http, web, login, current)
            try:
                page = (await http.get(f"{web}/front/updatepassword.php")).text
                tokens = _form_tokens(page)
                if "csrf" not in tokens:
                    raise E.NotGlpi(_("GLPI's password page did not load as expected."))
                response = await http.post(
                    f"{web}/front/updatepassword.php",
                    data={
                        "current_password": current,
                        "password": new,
                        "password2": new,
                        "update": "Save",
                        "_glpi_csrf_token": tokens["csrf"],
                    },
                )
                _verdict(response.text)
            finally:
                with contextlib.suppress(httpx.HTTPError):
                    await http.get(f"{web}/front/logout.php", params={"noAUTO": "1"})
    except httpx.TimeoutException:
        raise E.Timeout(
            _("The server did not answer in time; the password may or may not have changed."),
            uncertain=True,
        ) from None
    except httpx.HTTPError:
        raise E.Unreachable(
            _("The connection to the server broke during the password change.")
        ) from None


async def _login(http: httpx.AsyncClient, web: str, login: str, password: str) -> None:
    for _attempt in range(2):
        page = (await http.get(f"{web}/index.php", params={"noAUTO": "1"})).text
        tokens = _form_tokens(page)
        if not {"csrf", "login", "password"} <= tokens.keys():
            raise E.NotGlpi(_("GLPI's login page did not load as expected."))
        response = await http.post(
            f"{web}/front/login.php",
            data={
                "_glpi_csrf_token": tokens["csrf"],
                tokens["login"]: login,
                tokens["password"]: password,
                "auth": "local",
                "language": "en_GB",
                "submit": "",
            },
        )
        if response.status_code in (301, 302, 303):
            return
        if response.status_code == 401 or "Incorrect username or password" in response.text:
            raise E.PasswordChangeError(_("The current password is incorrect."))
        if BAD_CSRF not in response.text:
            break
    raise E.NotGlpi(_("GLPI's web login did not accept the console; try the web portal."))


def _verdict(page: str) -> None:
    if SUCCESS in page:
        return
    for marker, message in glpi_password_messages().items():
        if marker in page:
            raise E.PasswordChangeError(message, detail=marker)
    if BAD_CSRF in page:
        raise E.NotGlpi(_("GLPI refused the form (security token); try again."))
    raise E.PasswordChangeError(_("GLPI did not confirm the password change."))
