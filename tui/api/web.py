"""GLPI's web pages, used exactly as a browser does, for what the REST API cannot do.

A Self-Service profile cannot change its own password over the API (10 and 11), and
GLPI 11 refuses it REST downloads: both go through a web login (CSRF token, the
login form's field names, the `glpi_…` session cookie), `front/updatepassword.php`
and `front/document.send.php`. The two versions' differences are the `WebFlavour`
table below; nothing else here asks which version it talks to.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from cebox_support.tui.api import errors as E
from cebox_support.tui.i18n import _

if TYPE_CHECKING:
    from cebox_support.tui.api.base import ClientBase

T = TypeVar("T")
SUCCESS = "Your password has been successfully updated."
BAD_CSRF = "The action you have requested is not allowed."
BAD_LOGIN = "Incorrect username or password"


@dataclass(frozen=True)
class WebFlavour:
    """How one GLPI major version's web side looks to a client."""

    login_page: str  # path and query of the page that holds the login form
    login_name: str  # the login form's field names when the page does not say
    password_name: str
    refusal_is_html: bool  # document.send.php refuses with 200 text/html (10), else 403
    token_is_cookie: bool  # the REST session token is also a valid web session (10)


FLAVOURS = {
    10: WebFlavour("/index.php?noAUTO=1", "", "", refusal_is_html=True, token_is_cookie=True),
    11: WebFlavour(
        "/", "login_name", "login_password", refusal_is_html=False, token_is_cookie=False
    ),
}


def flavour(major: int | None) -> WebFlavour:
    """An unknown version is taken for 10 (what the console was written against)."""
    return FLAVOURS[11] if (major or 10) >= 11 else FLAVOURS[10]


WRONG_CURRENT = "Incorrect password"
"""GLPI's page text when the current password given is wrong."""


def glpi_password_messages() -> dict[str, str]:
    """GLPI's English page texts (we log in with language=en_GB) → our translated words."""
    return {
        WRONG_CURRENT: _("The current password is incorrect."),
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


def _form_tokens(page: str, style: WebFlavour) -> dict[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    found: dict[str, str] = {}
    meta = soup.find("meta", attrs={"property": "glpi:csrf_token"})
    if meta is not None and meta.get("content"):
        found["csrf"] = str(meta["content"])
    hidden = soup.find("input", attrs={"name": "_glpi_csrf_token"})
    if hidden is not None and hidden.get("value"):
        # The form's own token first: the meta one is for AJAX calls.
        found["csrf"] = str(hidden["value"])
    for key, element_id, fixed in (
        ("login", "login_name", style.login_name),
        ("password", "login_password", style.password_name),
    ):
        element = soup.find("input", attrs={"id": element_id})
        if element is not None and element.get("name"):
            found[key] = str(element["name"])
        elif fixed and soup.find("input", attrs={"name": fixed}) is not None:
            found[key] = fixed
    return found


def session_cookie(jar: httpx.Cookies) -> str | None:
    """The GLPI session cookie of a jar as `name=value` (what is kept on disk)."""
    for cookie in jar.jar:
        if cookie.name.startswith("glpi_") and cookie.value and cookie.value != "deleted":
            return f"{cookie.name}={cookie.value}"
    return None


class WebSession:
    """One web conversation with the GLPI of `client` (same URL, TLS and transport)."""

    def __init__(self, client: ClientBase, cookie: str | None = None) -> None:
        self.client = client
        self.web = client.web_url
        self.style = flavour(client.glpi_major)
        self.cookie = cookie

    @contextlib.asynccontextmanager
    async def _http(self, cookie: str | None) -> AsyncIterator[httpx.AsyncClient]:
        kwargs: dict[str, Any] = {
            "timeout": httpx.Timeout(self.client._timeout),
            "follow_redirects": False,
            "headers": {"User-Agent": "Mozilla/5.0 (cebox-support)"},
        }
        lent = self.client.lent_transport()
        if lent is not None:
            kwargs["transport"] = lent
        elif self.web.startswith("https:"):
            kwargs["verify"] = self.client.ssl_verify()
        async with httpx.AsyncClient(**kwargs) as http:
            if cookie and "=" in cookie:
                name, value = cookie.split("=", 1)
                http.cookies.set(name, value)
            yield http

    async def _login(self, http: httpx.AsyncClient, login: str, password: str) -> str:
        """Sign in on the web form; the answer's redirect target (updatepassword when
        the password has expired). Wrong credentials raise AuthError."""
        for _attempt in range(2):
            page = (await http.get(f"{self.web}{self.style.login_page}")).text
            tokens = _form_tokens(page, self.style)
            if not {"csrf", "login", "password"} <= tokens.keys():
                raise E.NotGlpi(_("GLPI's login page did not load as expected."))
            response = await http.post(
                f"{self.web}/front/login.php",
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
                return response.headers.get("location", "")
            if response.status_code in (400, 401) or BAD_LOGIN in response.text:
                raise E.AuthError(_("Wrong password."), code="WEB_LOGIN")
            if BAD_CSRF not in response.text:
                break
        raise E.NotGlpi(_("GLPI's web login did not accept the console; try the web portal."))

    async def _token_cookie(self, http: httpx.AsyncClient) -> str | None:
        """GLPI 10: the REST session token under the web cookie's name (read from the
        login page's Set-Cookie), so no password is needed."""
        token = self.client.session_token
        if not token:
            return None
        await http.get(f"{self.web}{self.style.login_page}")
        current = session_cookie(http.cookies)
        if current is None:
            return None
        return f"{current.split('=', 1)[0]}={token}"

    # -- downloads ---------------------------------------------------------------------

    async def download(
        self,
        *,
        document_id: int,
        ticket_id: int,
        save: Callable[[httpx.Response], Awaitable[T]],
        login: str | None = None,
        password: str | None = None,
    ) -> T:
        """`front/document.send.php` for a document listed on the ticket, its answer
        handed to `save` as a stream (read by `save`, never here).

        With a password, a fresh web login first (and its cookie is kept in
        `self.cookie`); without, the kept cookie (or, on 10, the REST token). A refusal
        on a kept cookie may only mean the web session ended: WebLoginRequired.
        """
        params: dict[str, int | str] = {
            "docid": int(document_id),
            "itemtype": "Ticket",
            "items_id": int(ticket_id),
        }
        fresh = bool(password)
        try:
            async with self._http(None if password else self.cookie) as http:
                if password:
                    await self._login(http, login or "", password)
                    self.cookie = session_cookie(http.cookies)
                elif not self.cookie and self.style.token_is_cookie:
                    token_cookie = await self._token_cookie(http)
                    if token_cookie:
                        http.cookies.clear()
                        name, value = token_cookie.split("=", 1)
                        http.cookies.set(name, value)
                elif not self.cookie:
                    raise E.WebLoginRequired(_("Your GLPI password is needed to download."))
                request = http.build_request(
                    "GET", f"{self.web}/front/document.send.php", params=params
                )
                response = await http.send(request, stream=True)
                try:
                    self._check_download(response, fresh=fresh)
                    return await save(response)
                finally:
                    await response.aclose()
        except httpx.TimeoutException:
            raise E.Timeout(_("The server did not answer in time.")) from None
        except httpx.HTTPError:
            raise E.Unreachable(_("The connection to the server broke.")) from None

    def _check_download(self, response: httpx.Response, *, fresh: bool) -> None:
        """A document or a refusal, told from the status and the type (never the body)."""
        if response.status_code == 404:
            raise E.NotFound(_("This document no longer exists on the server."), status=404)
        refused = response.status_code != 200 or (
            "text/html" in response.headers.get("content-type", "").lower()
        )
        if not refused:
            return
        if not fresh and self.cookie:
            self.cookie = None
            raise E.WebLoginRequired(_("Your GLPI password is needed to download."))
        if not fresh and not self.style.token_is_cookie:
            raise E.WebLoginRequired(_("Your GLPI password is needed to download."))
        raise E.PermissionDenied(
            _("The server refused this document."), status=response.status_code
        )

    async def logout(self) -> None:
        """End the kept web session (at sign-out), whatever the server answers."""
        cookie, self.cookie = self.cookie, None
        if not cookie:
            return
        with contextlib.suppress(httpx.HTTPError):
            async with self._http(cookie) as http:
                await http.get(f"{self.web}/front/logout.php", params={"noAUTO": "1"})

    # -- password ----------------------------------------------------------------------

    async def change_password(self, *, login: str, current: str, new: str) -> None:
        """Web login with the current password, then `updatepassword.php` (with its
        `update` key, which 11 requires). Also the way out of an expired password."""
        try:
            async with self._http(None) as http:
                try:
                    await self._login(http, login, current)
                except E.AuthError:
                    raise E.CurrentPasswordWrong(_("The current password is incorrect.")) from None
                try:
                    page = (await http.get(f"{self.web}/front/updatepassword.php")).text
                    tokens = _form_tokens(page, self.style)
                    if "csrf" not in tokens:
                        raise E.NotGlpi(_("GLPI's password page did not load as expected."))
                    response = await http.post(
                        f"{self.web}/front/updatepassword.php",
                        data={
                            "current_password": current,
                            "password": new,
                            "password2": new,
                            "update": "Save",
                            "_glpi_csrf_token": tokens["csrf"],
                        },
                    )
                    if response.status_code >= 500:  # maybe after the change: uncertain
                        failed = E.ServerError(
                            _(
                                "The server failed ({status}); the password may or may not "
                                "have changed."
                            ).format(status=response.status_code),
                            status=response.status_code,
                        )
                        failed.uncertain = True
                        raise failed
                    _verdict(response.text)
                finally:
                    with contextlib.suppress(httpx.HTTPError):
                        await http.get(f"{self.web}/front/logout.php", params={"noAUTO": "1"})
        except httpx.TimeoutException:
            raise E.Timeout(
                _("The server did not answer in time; the password may or may not have changed."),
                uncertain=True,
            ) from None
        except httpx.HTTPError:
            raise E.Unreachable(
                _("The connection to the server broke during the password change.")
            ) from None


def _verdict(page: str) -> None:
    if SUCCESS in page:
        return
    for marker, message in glpi_password_messages().items():
        if marker in page:
            kind = E.CurrentPasswordWrong if marker == WRONG_CURRENT else E.PasswordChangeError
            raise kind(message, detail=marker)
    if BAD_CSRF in page:
        raise E.NotGlpi(_("GLPI refused the form (security token); try again."))
    raise E.PasswordChangeError(_("GLPI did not confirm the password change."))
