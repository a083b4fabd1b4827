"""The few GLPI web pages a client needs: login, password update, logout, downloads.

Single-use CSRF tokens and a ``glpi_<hash>`` session cookie on every version; what
differs (random or fixed login field names, whether a REST token is a web session,
where a login lands, how ``document.send.php`` refuses) is read from
``store.version`` (``versions.py``).
"""

from __future__ import annotations

import html
import secrets
import time
from typing import Any

from starlette.exceptions import HTTPException
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
        session = self.store.get_session(request.cookies.get(self.store.cookie_name))
        if (
            session is not None
            and not session.data.get("web")
            and not self.store.version.rest_token_is_web_session
        ):
            # GLPI 11: an API session under the web cookie fails the request.
            raise HTTPException(500, "An unexpected error occurred")
        return session

    def _ensure_session(self, request: Request) -> tuple[SessionRow, bool]:
        session = self._session(request)
        if session is not None:
            return session, False
        token = self.store.create_session(None)
        self.store.save_session_data(token, {"web": True})
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
        return self.store.version.web_home

    # ---------------------------------------------------------------- pages
    async def index(self, request: Request) -> Response:
        session, created = self._ensure_session(request)
        if session.users_id is not None and "noAUTO" not in request.query_params:
            response: Response = RedirectResponse(self._home(session), status_code=302)
        else:
            namfield, pwdfield, rmbfield = self.store.version.login_field_names()
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
            return _page(
                "Authentication", body, token, status=self.store.version.wrong_login_status
            )
        token = session.token
        if not self.store.version.rest_token_is_web_session:
            # 11 renews the session id at login: the cookie's value changes.
            self.store.kill_session(token)
            token = self.store.create_session(None)
            self.store.save_session_data(token, {"web": True})
        self.store.login_session(token, self.store.user_id(login))
        fresh = self.store.get_session(token)
        assert fresh is not None
        response = RedirectResponse(self._home(fresh), status_code=302)
        if token != session.token:
            self._set_cookie(response, token)
        return response

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
        acts = form is not None and (
            "update" in form or not self.store.version.password_post_needs_update
        )
        if form is not None and acts:
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
        body = f'<div class="page">Logged in as {name}</div>'
        if self.store.version.has_native_forms:
            body += '\n<a class="nav-link" href="/ServiceCatalog">New ticket</a>'
        return _page("Home", body, token)

    # ------------------------------------------------------------- documents
    async def document_send(self, request: Request) -> Response:
        """``front/document.send.php?docid=N&itemtype=T&items_id=I``: a file for a web
        session, under Document::canViewFile's rules. Refusals differ by version: a
        200 text/html page on 10, 403 on 11."""
        session = self._session(request)
        actor = self.store.actor_for(session) if session is not None else None
        params = request.query_params
        try:
            doc_id = int(params.get("docid", ""))
        except ValueError:
            return self._file_refused()
        row = self.store.query_one("SELECT * FROM glpi_documents WHERE id = ?", (doc_id,))
        if row is None:
            return _page(
                "Not found", "<div>The requested item has not been found.</div>", status=404
            )
        if actor is None or not self._can_view_file(
            actor, row, params.get("itemtype", ""), params.get("items_id", "")
        ):
            return self._file_refused()
        from .api import file_response

        config = request.app.state.config
        return file_response(config, request, row, self.store.document_data(doc_id))

    def _file_refused(self) -> Response:
        return _page(
            "Access denied",
            '<div class="alert alert-danger">Unauthorized access to this file</div>',
            status=self.store.version.file_refusal_status,
        )

    def _can_view_file(self, actor: Any, doc: dict[str, Any], itemtype: str, items_id: str) -> bool:
        """Document::canViewFile: the Document right, one's own upload, or a document
        linked to the given item (a ticket: itself and its visible follow-ups, tasks and
        solutions; a follow-up: itself) that one may read."""
        if self.store.can_view_type(actor, "Document") or doc["users_id"] == actor.user_id:
            return True
        try:
            item_id = int(items_id)
        except ValueError:
            return False
        if itemtype == "Ticket":
            ticket = self.store.query_one("SELECT * FROM glpi_tickets WHERE id = ?", (item_id,))
            if ticket is None or not self.store.can_read(actor, "Ticket", ticket):
                return False
            listed = self.store.ticket_documents_for(actor, item_id)
            return any(int(d["id"]) == int(doc["id"]) for d in listed)
        if itemtype == "ITILFollowup":
            followup = self.store.query_one(
                "SELECT * FROM glpi_itilfollowups WHERE id = ?", (item_id,)
            )
            if followup is None or not self.store.can_read(actor, "ITILFollowup", followup):
                return False
            return bool(
                self.store.scalar(
                    "SELECT COUNT(*) FROM glpi_documents_items WHERE documents_id = ?"
                    " AND itemtype = 'ITILFollowup' AND items_id = ?",
                    (int(doc["id"]), item_id),
                )
            )
        return False
