"""What differs between the GLPI versions the embedded helpdesk can play.

One :class:`GlpiVersion` per version, looked up by :func:`glpi_version` from
``start_helpdesk(glpi_version=…)``, ``create_app(…)`` (through the store) and
``cebox-support demo-server --glpi-version``. The store and the HTTP layer read
``store.version`` where the real servers answer differently, so a version is a
subclass overriding a few attributes and methods, never ``if`` branches scattered
through the code. 10.0 (observed on 10.0.12) is the reference; 11.0 (observed on
11.0.8, see docs/glpi-api.md "GLPI 11.0") is a placeholder until its entries are
filled in: today it differs only in the version it reports and its token shape.
"""

from __future__ import annotations

import base64
import secrets

from .params import filter_bool

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

    def config_extra(self, base_url: str) -> dict[str, str]:
        """``cfg_glpi`` keys only this version has."""
        return {"url_base_api": base_url + "/apirest.php", "founded_new_version": ""}

    def __repr__(self) -> str:
        return f"<GLPI {self.version}>"


class Glpi11(GlpiVersion):
    """GLPI 11.0.8 — placeholder: only the reported version and token shape differ yet."""

    name = "11.0"
    version = "11.0.8"
    commit = "0000000000000000000000000000000000000000"

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
