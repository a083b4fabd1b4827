"""The few GLPI web pages a client needs: login, password update, logout.

They follow GLPI 10's form conventions (per-session random field names, single-use
CSRF tokens, ``glpi_<hash>`` session cookie shared with the REST session tokens).
"""

from __future__ import annotations

import html
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .base import SessionRow
from .profiles import PROFILES
from .store import Store

CSRF_TTL_S = 7200
CSRF_MAX = 100
NOT_ALLOWED = "The action you have requested is not allowed."


def _page(title: str, body: str, csrf: str | None = None, status: int = 200) -> HTMLResponse:
    meta = f'<meta property="glpi:csrf_token" content="{csrf}">' if csrf else ""
    doc = (
        '<!DOCTYPE html>\n<html lang="en_GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} - GLPI</title>{meta}</head>\n<body>\n{body}\n</body></html>\n"
    )
    return HTMLResponse(doc, status_code=status)


class Web:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -------------------------------------------------------------- session
    def _session(self, request: Request) -> SessionRow | None:
        return self.store.get_session(request.cookies.get(self.store.cookie_name))

    def _ensure_session(self, request: Request) -> tuple[SessionRow, bool]:
        session = self._session(request)
        if session is not None:
            return session, False
        token = self.store.create_session(None)
        new = self.store.get_session(token)
        assert new is not None
        return new, True

    def _set_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(self.store.cookie_name, token, path="/", httponly=True, samesite="lax")

    def new_csrf(self, session: SessionRow) -> str:
        """Session::getNewCSRFToken: 64 hex chars, single use, 2 h, at most 100 kept."""
        token = secrets.token_hex(32)
        tokens: dict[str, float] = session.data.setdefault("csrf", {})
        tokens[token] = time.time() + CSRF_TTL_S
        if len(tokens) > CSRF_MAX:
            for old in sorted(tokens, key=lambda t: tokens[t])[: len(tokens) - CSRF_MAX]:
                del tokens[old]
        self.store.save_session_data(session.token, session.data)
        return token

    def check_csrf(self, session: SessionRow | None, token: Any) -> bool:
        if session is None or not isinstance(token, str):
            return False
        tokens: dict[str, float] = session.data.get("csrf", {})
        expiry = tokens.pop(token, None)
        self.store.save_session_data(session.token, session.data)
        return expiry is not None and expiry >= time.time()

    def _home(self, session: SessionRow) -> str:
        if session.password_expired:
            return "/front/updatepassword.php"
        profile = PROFILES.get(session.profiles_id or 0)
        if profile is not None and profile.interface == "central":
            return "/front/central.php"
        return "/front/helpdesk.public.php"

    # ---------------------------------------------------------------- pages
    async def index(self, request: Request) -> Response:
        session, created = self._ensure_session(request)
        if session.users_id is not None and "noAUTO" not in request.query_params:
            response: Response = RedirectResponse(self._home(session), status_code=302)
        else:
            namfield = "fielda" + secrets.token_hex(7)[:13]
            pwdfield = "fieldb" + secrets.token_hex(7)[:13]
            rmbfield = "fieldc" + secrets.token_hex(7)[:13]
            session.data.update({"namfield": namfield, "pwdfield": pwdfield, "rmbfield": rmbfield})
            meta_token = self.new_csrf(session)
            form_token = self.new_csrf(session)
            body = f"""<div class="page-anonymous"><h2>Login to your account</h2>
<form action="/front/login.php" method="post" autocomplete="off">
<input type="hidden" name="noAUTO" value="1">
<input type="hidden" name="redirect" value="">
<label for="login_name">Login</label>
<input type="text" class="form-control" id="login_name" name="{namfield}" placeholder="" tabindex="1">
<label for="login_password">Password</label>
<input type="password" class="form-control" id="login_password" name="{pwdfield}" placeholder="" autocomplete="off" tabindex="2">
<select name="auth" id="dropdown_auth"><option value="local" selected>GLPI internal database</option></select>
<input type="checkbox" class="form-check-input" id="login_remember" name="{rmbfield}" checked>
<button type="submit" name="submit" class="btn btn-primary w-100" tabindex="3">Sign in</button>
<input type="hidden" name="_glpi_csrf_token" value="{form_token}">
</form></div>"""
            response = _page("Authentication", body, meta_token)
        if created:
            self._set_cookie(response, session.token)
        return response

    async def login(self, request: Request) -> Response:
        form = await request.form()
        session = self._session(request)
        if not self.check_csrf(session, form.get("_glpi_csrf_token")):
            return _page("Access denied", f'<div class="alert alert-danger">{NOT_ALLOWED}</div>')
        assert session is not None
        login = form.get(session.data.get("namfield", "\0"))
        password = form.get(session.data.get("pwdfield", "\0"))
        if (
            not isinstance(login, str)
            or not isinstance(password, str)
            or not login
            or not password
            or not self.store.check_password(login, password)
        ):
            token = self.new_csrf(session)
            body = (
                '<div class="alert alert-danger">Incorrect username or password</div>'
                '<a href="/index.php?noAUTO=1">Log in again</a>'
            )
            return _page("Authentication", body, token, status=401)
        self.store.login_session(session.token, self.store.user_id(login))
        fresh = self.store.get_session(session.token)
        assert fresh is not None
        return RedirectResponse(self._home(fresh), status_code=302)

    def _password_form(self, session: SessionRow, errors: list[str]) -> Response:
        token = self.new_csrf(session)
        messages = "".join(
            f'<div class="alert alert-danger">{html.escape(e)}</div>' for e in errors
        )
        form_token = self.new_csrf(session)
        body = f"""<div class="card"><h3>Update password</h3>{messages}
<form method="post" action="/front/updatepassword.php" autocomplete="off">
<label for="current_password">Current password</label>
<input type="password" id="current_password" name="current_password" class="form-control" required>
<label for="password">New password</label>
<input type="password" id="password" name="password" class="form-control" required>
<label for="password2">New password confirmation</label>
<input type="password" id="password2" name="password2" class="form-control" required>
<button type="submit" name="update" value="1" class="btn btn-primary">Save</button>
<input type="hidden" name="_glpi_csrf_token" value="{form_token}">
</form></div>"""
        return _page("Update password", body, token)

    async def update_password(self, request: Request) -> Response:
        session = self._session(request)
        if request.method == "POST":
            form = await request.form()
            if not self.check_csrf(session, form.get("_glpi_csrf_token")):
                return _page(
                    "Access denied", f'<div class="alert alert-danger">{NOT_ALLOWED}</div>'
                )
        else:
            form = None
        if session is None or session.users_id is None:
            return RedirectResponse("/index.php?noAUTO=1", status_code=302)
        user = self.store.user(session.users_id)
        assert user is not None
        errors: list[str] = []
        if form is not None and "update" in form:
            current = str(form.get("current_password") or "")
            new = str(form.get("password") or "")
            new2 = str(form.get("password2") or "")
            # GLPI 10 compares the sanitised input: these characters never match.
            if any(c in current for c in "'\"\\&<>") or not self.store.check_password(
                str(user["name"]), current
            ):
                errors = ["Incorrect password"]
            elif new == current:
                errors = ["The new password must be different from current password"]
            elif new != new2:
                errors = ["The two passwords do not match"]
            else:
                errors = self.store.password_errors(new)
                if not errors:
                    self.store.set_password(int(user["id"]), new)
                    body = (
                        '<div class="alert alert-success"><div class="alert-title">Password update</div>'
                        "<div>Your password has been successfully updated.</div>"
                        '<a href="/front/logout.php?noAUTO=1" role="button" class="btn btn-primary">Log in</a>'
                        "</div>"
                    )
                    return _page("Update password", body, self.new_csrf(session))
        return self._password_form(session, errors)

    async def preference(self, request: Request) -> Response:
        """front/preference.php: new password without the current one (not when expired)."""
        session = self._session(request)
        form = None
        if request.method == "POST":
            form = await request.form()
            if not self.check_csrf(session, form.get("_glpi_csrf_token")):
                return _page(
                    "Access denied", f'<div class="alert alert-danger">{NOT_ALLOWED}</div>'
                )
        if session is None or session.users_id is None:
            return RedirectResponse("/index.php?noAUTO=1", status_code=302)
        if session.password_expired:
            return RedirectResponse("/front/updatepassword.php", status_code=302)
        messages: list[str] = []
        if form is not None and "update" in form:
            new = str(form.get("password") or "")
            if new:
                if new != str(form.get("password2") or ""):
                    messages = ["Error: the two passwords do not match"]
                else:
                    messages = self.store.password_errors(new)
                    if not messages:
                        self.store.set_password(session.users_id, new)
                        messages = ["Item successfully updated"]
        token = self.new_csrf(session)
        form_token = self.new_csrf(session)
        notes = "".join(f'<div class="alert">{html.escape(m)}</div>' for m in messages)
        body = f"""<h3>Settings</h3>{notes}<form method="post" action="/front/preference.php">
<input type="hidden" name="id" value="{session.users_id}">
<input type="password" name="password" id="password"><input type="password" name="password2" id="password2">
<button type="submit" name="update" value="1">Save</button>
<input type="hidden" name="_glpi_csrf_token" value="{form_token}"></form>"""
        return _page("Settings", body, token)

    async def logout(self, request: Request) -> Response:
        session = self._session(request)
        if session is not None:
            self.store.kill_session(session.token)
        response = RedirectResponse("/index.php?noAUTO=1", status_code=302)
        response.delete_cookie(self.store.cookie_name, path="/")
        return response

    async def home(self, request: Request) -> Response:
        session = self._session(request)
        if session is None or session.users_id is None:
            return RedirectResponse("/index.php?noAUTO=1", status_code=302)
        if session.password_expired:
            return RedirectResponse("/front/updatepassword.php", status_code=302)
        user = self.store.user(session.users_id) or {}
        token = self.new_csrf(session)
        name = html.escape(str(user.get("name", "")))
        return _page("Home", f'<div class="page">Logged in as {name}</div>', token)
