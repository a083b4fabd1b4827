"""What differs between the GLPI versions the embedded helpdesk can play.

One :class:`GlpiVersion` per version, looked up by :func:`glpi_version` from
``start_helpdesk(glpi_version=…)``, ``create_app(…)`` (through the store) and
``cebox-support demo-server --glpi-version``. The store and the HTTP layer read
``store.version`` where the real servers answer differently, so a version is a
subclass overriding a few attributes and methods, never ``if`` branches scattered
through the code. 10.0 (observed on 10.0.12) is the reference; 11.0 (observed on
11.0.8, see docs/glpi-api.md "GLPI 11.0") overrides what the facts sheet's table lists:
token shape and errors, raw text, the follow-up that fails after its creation, REST
downloads refused to customers, and the web side (login form, cookie, password page,
``document.send.php``).
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from .errors import ApiError
from .params import filter_bool
from .text import decode, encode_deep

DEFAULT_VERSION = "10.0"


class GlpiVersion:
    """GLPI 10.0.12's behaviour, the base every other version overrides."""

    #: What ``--glpi-version`` takes.
    name = "10.0"
    #: ``cfg_glpi.version`` in ``getGlpiConfig``.
    version = "10.0.12"
    #: The commit half of ``cfg_glpi.dbversion``.
    commit = "fb9bbda0e1d0c8d31f9b2dbc06a3ae2e9bd0eca8"
    #: Whether ``X-GLPI-Sanitized-Content: false`` gives raw HTML (11.0 always sends raw
    #: HTML and ignores the header).
    honours_sanitized_header = True
    #: Whether text fields are HTML-escaped when the client says nothing.
    sanitizes_by_default = True

    def new_session_token(self) -> str:
        """26 characters ``[0-9a-v]`` like a PHP session id."""
        alphabet = "abcdefghijklmnopqrstuv0123456789"
        return "".join(secrets.choice(alphabet) for _ in range(26))

    def sanitized(self, header: str | None) -> bool:
        """Whether an answer's text is HTML-escaped, given ``X-GLPI-Sanitized-Content``."""
        if header is None or not self.honours_sanitized_header:
            return self.sanitizes_by_default
        return filter_bool(header)

    #: ``/search/Ticket`` without ``sort``: by title (search option 1) on 10, as the
    #: facts sheet records it; by id on 11.
    default_ticket_sort = 1
    #: ``?session_token=`` in the URL is accepted (11: a 500 HTML page).
    token_in_query = True
    #: A REST session token is also a web session under the ``glpi_…`` cookie.
    rest_token_is_web_session = True
    #: A follow-up sent with a refused file fails with a 500 page after it was created.
    followup_fails_on_refused_file = False
    #: ``GET /Document/N`` (download) works for every profile, for any id.
    rest_download_for_self_service = True
    #: Web login: the redirect after success, the status of a wrong password.
    web_home = "/front/helpdesk.public.php"
    wrong_login_status = 401
    #: ``updatepassword.php`` needs the ``update`` key to act (11); else any POST does.
    password_post_needs_update = False
    #: ``document.send.php`` refuses with 200 text/html (10) or 403 (11).
    file_refusal_status = 200
    #: The Formcreator plugin can be installed (11 has its own forms, web-only).
    has_formcreator = True
    #: GLPI 11's native forms and their web routes (``native_forms.py``).
    has_native_forms = False

    def config_extra(self, base_url: str) -> dict[str, str]:
        """``cfg_glpi`` keys only this version has."""
        return {"url_base_api": base_url + "/apirest.php", "founded_new_version": ""}

    def unreadable_token(self, token: str) -> ApiError:
        """A session token the server has no session for."""
        return ApiError(401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid")

    def item_text(self, fields: dict[str, Any], *, sanitized: bool) -> dict[str, Any]:
        """Text of an item as it leaves: GLPI 10 stores it escaped and decodes only the
        top-level strings when asked (``X-GLPI-Sanitized-Content: false``)."""
        out: dict[str, Any] = encode_deep(fields)
        if not sanitized:
            out = {k: decode(v) if isinstance(v, str) else v for k, v in out.items()}
        return out

    def search_text(self, result: Any) -> Any:
        """Search answers come escaped whatever the header says."""
        return encode_deep(result)

    def api_link(self, api_url: str) -> str:
        """The base of ``links[].href``."""
        return api_url

    def ticket_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The Ticket columns this version has."""
        return fields

    def login_field_names(self) -> tuple[str, str, str]:
        """Names of the login form's login, password and remember fields: random per
        session on 10."""
        return (
            "fielda" + secrets.token_hex(7)[:13],
            "fieldb" + secrets.token_hex(7)[:13],
            "fieldc" + secrets.token_hex(7)[:13],
        )

    def new_cookie_name(self) -> str:
        """``glpi_`` + md5 of the install's path on 10."""
        return "glpi_" + secrets.token_hex(16)

    def __repr__(self) -> str:
        return f"<GLPI {self.version}>"


class Glpi11(GlpiVersion):
    """GLPI 11.0.8 (docs/glpi-api.md, "GLPI 11.0 — what changes for the console")."""

    name = "11.0"
    version = "11.0.8"
    commit = "0000000000000000000000000000000000000000"
    honours_sanitized_header = False
    sanitizes_by_default = False
    default_ticket_sort = 2
    token_in_query = False
    rest_token_is_web_session = False
    followup_fails_on_refused_file = True
    rest_download_for_self_service = False
    web_home = "/Helpdesk"
    wrong_login_status = 400
    password_post_needs_update = True
    file_refusal_status = 403
    has_formcreator = False
    has_native_forms = True

    def unreadable_token(self, token: str) -> ApiError:
        """11 answers MISSING for a token it cannot even read (garbage, another
        server's); a killed or expired one of its own is still INVALID."""
        try:
            readable = len(base64.b64decode(token, validate=True)) == 88
        except ValueError:
            readable = False
        if readable:
            return super().unreadable_token(token)
        return ApiError(
            400, "ERROR_SESSION_TOKEN_MISSING", "parameter session_token is missing or empty"
        )

    def item_text(self, fields: dict[str, Any], *, sanitized: bool) -> dict[str, Any]:
        """11 stores and sends raw HTML, whatever the header says."""
        return fields

    def search_text(self, result: Any) -> Any:
        return result

    def api_link(self, api_url: str) -> str:
        return api_url.removesuffix("/apirest.php") + "/api.php/v1"

    def ticket_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in fields.items() if k != "validation_percent"}
        if "id" in fields:
            out.setdefault("externalid", None)
            out.setdefault("tickettemplates_id", 0)
        return out

    def login_field_names(self) -> tuple[str, str, str]:
        return "login_name", "login_password", "login_remember"

    def new_cookie_name(self) -> str:
        """``glpi_`` + 128 hex (a hash of the server's path, host and port)."""
        return "glpi_" + secrets.token_hex(64)

    def new_session_token(self) -> str:
        """120 base64 characters ending in ``==`` (88 random bytes)."""
        return base64.b64encode(secrets.token_bytes(88)).decode("ascii")

    def config_extra(self, base_url: str) -> dict[str, str]:
        return {"found_new_version": "", "enable_hlapi": "0"}


VERSIONS: dict[str, GlpiVersion] = {v.name: v for v in (GlpiVersion(), Glpi11())}


def glpi_version(name: str | GlpiVersion | None = None) -> GlpiVersion:
    """The version called ``name`` ("10.0", or a full "10.0.12"); None is the default."""
    if isinstance(name, GlpiVersion):
        return name
    wanted = (name or DEFAULT_VERSION).strip()
    for version in VERSIONS.values():
        if wanted in (version.name, version.version):
            return version
    raise ValueError(f"unknown GLPI version {wanted!r} (known: {', '.join(sorted(VERSIONS))})")
