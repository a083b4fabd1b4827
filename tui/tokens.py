"""Token files: created 0600 from the start, refused when someone else can read them.

Only tokens are ever written (a GLPI session token, GLPI's web session cookie, a
personal API token the user asked to keep) — never a password. Each file names the
server it was made for on its first line; it is read only for that server, so a
profile pointed at another server never sends (or offers) the first one's secrets.

Written and removed through `localfiles`, best effort: a full or read-only disk costs
the kept session (said once), never the sign-in nor the command's answer.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from cebox_support.tui.api.urls import server_identity
from cebox_support.tui.config import data_dir, file_safe, state_dir
from cebox_support.tui.i18n import _
from cebox_support.tui.localfiles import SESSION, keep, remove


class InsecureTokenFile(Exception):
    """A token file others can read: refused rather than trusted."""


def session_token_path(profile: str) -> Path:
    return state_dir() / "sessions" / f"{file_safe(profile)}.token"


def user_token_path(profile: str) -> Path:
    return data_dir() / "tokens" / f"{file_safe(profile)}.token"


def web_cookie_path(profile: str) -> Path:
    """GLPI's web session cookie (`glpi_…=…`): GLPI 11 downloads need it; kept like the
    session token and dropped with it at sign-out."""
    return state_dir() / "sessions" / f"{file_safe(profile)}.web"


def read_web_cookie(profile: str, api_url: str) -> str | None:
    """The kept web session cookie, only for the server it was opened on."""
    return read_secret(web_cookie_path(profile), server=api_url)


def write_web_cookie(profile: str, api_url: str, cookie: str) -> bool:
    return write_secret(web_cookie_path(profile), cookie, server=api_url)


def _symlink_refused(path: Path) -> InsecureTokenFile:
    return InsecureTokenFile(
        _("{path} is a symbolic link; it was not used. Replace it with a plain file.").format(
            path=path
        )
    )


def _open_no_follow(path: Path, flags: int) -> int:
    """Open without following a symlink: a link planted where a token lives would
    otherwise send the token (or read one) somewhere the user did not choose."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (path.is_symlink() and exc.errno != errno.ENOENT):
            raise _symlink_refused(path) from None
        raise


def write_secret(path: Path, value: str, *, server: str) -> bool:
    """Keep `value` for `server` (any form of its URL) only: a new 0600 file replaces the
    old one in one step (a rename replaces a planted symlink, never writes through it).
    False, noted for the one warning, when the disk refused: the secret is not kept and
    the one kept before, if any, is left whole."""
    if path.is_symlink():
        raise _symlink_refused(path)
    return keep(path, f"{server_identity(server)}\n{value}".encode(), kind=SESSION)


def read_secret(path: Path, *, server: str) -> str | None:
    """The secret kept for `server`; None when there is none, or when the file was made
    for another server (or names none: written before secrets were bound)."""
    found = _read(path)
    if found is None or found[0] != server_identity(server):
        return None
    return found[1]


def secret_server(path: Path) -> str | None:
    """The server a kept secret was made for (None: no file, or a file naming none)."""
    found = _read(path)
    return found[0] if found is not None else None


def _read(path: Path) -> tuple[str, str] | None:
    try:
        fd = _open_no_follow(path, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError):  # a file where its folder should be
        return None
    with os.fdopen(fd, "rb") as handle:
        if os.fstat(handle.fileno()).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise InsecureTokenFile(
                _(
                    "{path} can be read by other users; it was not used. Run: chmod 600 {path}"
                ).format(path=path)
            )
        server, _newline, value = handle.read().decode("utf-8").strip().partition("\n")
    value = value.strip()
    return (server.strip(), value) if value and "://" in server else None


def forget_other_servers(profile: str, server: str) -> list[str]:
    """Delete the profile's secrets made for another server than `server` (or for no
    named server); what was dropped, in the user's words."""
    kinds = (
        (session_token_path(profile), _("the session")),
        (web_cookie_path(profile), _("the web session")),
        (user_token_path(profile), _("the saved personal API token")),
    )
    dropped = []
    for path, kind in kinds:
        if not path.exists() and not path.is_symlink():
            continue
        try:
            bound = secret_server(path)
        except InsecureTokenFile:
            bound = None
        if bound != server_identity(server) and delete_secret(path):
            dropped.append(kind)
    return dropped


def delete_secret(path: Path) -> bool:
    """Gone (or never there); False, noted for the one warning, when the disk refused."""
    return remove(path)


class Secret:
    """A password or token on its way to the server: its repr and str hide it, so a
    crash report or a log line that prints it shows stars, not the secret."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)
