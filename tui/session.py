"""The logged-in workspace and how to get one: sign in, resume, sign out.

Free of Textual, so the command-line subcommands and the console share it. Screens
depend on this layer, never on the app: `Workspace.call` is the one way to call the
server (it re-logs in once through the hook the app installs, then replays), and the
clock and the settings screens read live here too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import GlpiError, SessionExpired
from cebox_support.tui.api.models import Me, ServerConfig, TicketDetail
from cebox_support.tui.config import Profile, Settings
from cebox_support.tui.drafts import Drafts
from cebox_support.tui.seen import SeenTickets
from cebox_support.tui.tokens import (
    InsecureTokenFile,
    delete_secret,
    read_secret,
    read_web_cookie,
    session_token_path,
    user_token_path,
    web_cookie_path,
    write_secret,
    write_web_cookie,
)

if TYPE_CHECKING:
    from cebox_support.tui.demo import DemoLogin

T = TypeVar("T")
ReloginHook = Callable[[], Awaitable[bool]]
"""Asks the user to sign in again on the same client; True once logged in."""


_ASKING = ContextVar("cebox_asking", default=True)
"""False inside `background()`: an expired session is not asked about there."""


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Calls started in this block (and the workers it starts, which copy the context)
    never open the re-login dialog: an automatic refresh must not take the keyboard
    from what the user is typing. They fail with SessionExpired, which their screen
    shows; the next thing the user does asks for the password."""
    token = _ASKING.set(False)
    try:
        yield
    finally:
        _ASKING.reset(token)


def local_now() -> datetime:
    return datetime.now().astimezone()


def make_client(profile: Profile) -> GlpiClient:
    verify: bool | str = True
    if profile.insecure:
        verify = False
    elif profile.ca_bundle:
        verify = str(Path(profile.ca_bundle).expanduser())
    return GlpiClient(
        profile.url,
        app_token=profile.app_token_for_server() or None,
        verify=verify,
        timeout=profile.timeout,
        max_download_bytes=int(profile.download_max_mb * 2**20),
    )


@dataclass
class Workspace:
    """Everything a screen needs once logged in: the client, who I am, the clock, the
    settings, drafts and caches."""

    profile_name: str
    profile: Profile
    client: GlpiClient
    me: Me
    keep_session: bool = True
    demo: bool = False
    server: ServerConfig | None = None
    cache: dict[int, TicketDetail] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    relogin_hook: ReloginHook | None = field(default=None, repr=False)
    _server_pending: asyncio.Future[ServerConfig] | None = field(
        default=None, init=False, repr=False
    )
    _relogin_lock: asyncio.Lock | None = field(default=None, init=False, repr=False)
    web_opening: asyncio.Future[None] | None = field(default=None, init=False, repr=False)
    """The web session being opened at sign-in (GLPI 11 forms), until it is done."""

    def __post_init__(self) -> None:
        # A draft belongs to the server and the account it was typed for (issue 24).
        self.drafts = Drafts(
            self.profile_name,
            server=self.client.api_url,
            account=f"{self.me.login}#{self.me.id}",
        )
        self.seen = SeenTickets(self.profile_name)
        self._keep_web_session()
        self.now: Callable[[], datetime] = local_now

    def install(
        self, now: Callable[[], datetime], settings: Settings, relogin: ReloginHook
    ) -> None:
        """What the app gives the workspace it enters: its clock, its settings and the
        re-login dialog."""
        self.now = self.seen.now = now
        self.settings = settings
        self.relogin_hook = relogin

    async def call(
        self, action: Callable[[GlpiClient], Awaitable[T]], *, early: Awaitable[T] | None = None
    ) -> T:
        """Run a GLPI call; on an expired session sign in again (once) and replay it.

        `early` is the same call already sent (`start`): its answer is used. In the
        console it must run in a worker (the re-login hook may wait for a modal).
        """
        try:
            return await (early if early is not None else action(self.client))
        except SessionExpired:
            if not _ASKING.get() or not await self.relogin():
                raise
        return await action(self.client)

    async def relogin(self) -> bool:
        """Ask the hook to sign in again; concurrent callers wait for the one dialog."""
        if self._relogin_lock is None:
            self._relogin_lock = asyncio.Lock()
        async with self._relogin_lock:
            if self.client.logged_in:
                return True
            if self.relogin_hook is None:
                return False
            return await self.relogin_hook()

    def _keep_web_session(self) -> None:
        """GLPI's web session (GLPI 11 downloads) lives like the API token: a 0600 file
        per profile when the session is cached, in memory otherwise."""
        client = self.client
        path = web_cookie_path(self.profile_name)
        if self.keep_session and client.web_cookie is None:
            try:
                client.web_cookie = read_web_cookie(self.profile_name, client.api_url)
            except InsecureTokenFile:
                client.web_cookie = None
        with contextlib.suppress(InsecureTokenFile):
            if read_secret(user_token_path(self.profile_name), server=client.api_url):
                client.personal_token = True  # no password to open a web session with

        def keep(cookie: str | None) -> None:
            if cookie and self.keep_session:
                write_web_cookie(self.profile_name, client.api_url, cookie)
            else:
                delete_secret(path)

        client.on_web_cookie = keep

    def start(self, call: Callable[[GlpiClient], Awaitable[T]]) -> asyncio.Future[T] | None:
        """Send a read now, before the screen that shows it is mounted, so its round trip
        overlaps the mount; None outside a running event loop."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return None
        return _send_now(call(self.client))

    async def server_config(self) -> ServerConfig:
        """Fetched once; concurrent callers share the one request, a failure is asked
        again by the next caller."""
        if self.server is not None:
            return self.server
        if self._server_pending is None:
            self._server_pending = self.start(lambda c: c.server_config())
            if self._server_pending is None:
                return ServerConfig()
        try:
            self.server = await asyncio.shield(self._server_pending)
        except GlpiError:
            self._server_pending = None
            return ServerConfig()
        return self.server


def _send_now(read: Awaitable[T]) -> asyncio.Future[T]:
    """Start a read without waiting for it. It may never be awaited (its screen closed
    first): its outcome is then dropped without an "exception never retrieved"."""
    task = asyncio.ensure_future(read)
    task.add_done_callback(lambda t: t.cancelled() or t.exception())
    return task


async def sign_in(
    profile_name: str,
    profile: Profile,
    *,
    password: str | None = None,
    user_token: str | None = None,
    save_user_token: bool = False,
    cache_session: bool = True,
    client: GlpiClient | None = None,
) -> Workspace:
    """Log in with a password or a personal token; the password is never kept."""
    client = client or make_client(profile)
    if user_token:
        me = await client.login_with_token(user_token)
        if save_user_token:
            write_secret(user_token_path(profile_name), user_token, server=client.api_url)
        web = None
    else:
        me = await client.login(profile.login, password or "")
        # The web session the forms need on GLPI 11 opens alongside the first screen's
        # reads, with the same password (not kept), so that no form waits for it. GLPI 10
        # needs none: its password is not sent to a web login for nothing.
        web = None
        if (client.glpi_major or 10) >= 11:
            web = _send_now(_open_web_session(client, profile.login, password or ""))
    workspace = Workspace(profile_name, profile, client, me, keep_session=cache_session)
    workspace.web_opening = web
    if client.web_cookie and client.on_web_cookie is not None:
        client.on_web_cookie(client.web_cookie)
    save_session(workspace)
    return workspace


async def _end_forms(workspace: Workspace) -> None:
    """Close GLPI 11's forms connection, if forms were used (not imported otherwise)."""
    import sys

    native = sys.modules.get("cebox_support.tui.api.native_forms")
    if native is not None:
        await native.end_conversation(workspace.client)


async def settle_web_session(workspace: Workspace) -> None:
    """Wait for the web session opened at sign-in (it never raises)."""
    opening, workspace.web_opening = workspace.web_opening, None
    if opening is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await opening


async def _open_web_session(client: GlpiClient, login: str, password: str) -> None:
    """Sign in on GLPI's web side; a failure only means the forms will ask again."""
    from cebox_support.tui.api.native_forms import NativeForms

    forms = NativeForms(client)
    try:
        await forms.sign_in(login, password)
    except GlpiError:
        pass
    finally:
        await forms.close()


def save_session(workspace: Workspace) -> None:
    """After a sign-in, keep the session token (0600) when the workspace caches it."""
    token = workspace.client.session_token
    if workspace.keep_session and token and not workspace.me.password_expired:
        path = session_token_path(workspace.profile_name)
        write_secret(path, token, server=workspace.client.api_url)


async def sign_in_demo(demo: DemoLogin) -> Workspace:
    """The demo customer's workspace; its session is never cached."""
    workspace = await sign_in("demo", demo.profile, password=demo.password, cache_session=False)
    workspace.demo = True
    return workspace


async def resume(profile_name: str, profile: Profile) -> Workspace | None:
    """A cached session token, else a saved personal token; None when neither works.

    An invalid cached token is dropped silently (the user simply logs in again).
    A token file with loose permissions raises InsecureTokenFile.
    """
    token = read_secret(session_token_path(profile_name), server=profile.url)
    return await _resume(profile_name, profile, make_client(profile), token)


async def resume_offline(profile_name: str, profile: Profile) -> Workspace | None:
    """The server cannot be reached: a workspace on the cached session token and the
    identity kept with the offline copies, so the console opens on those copies (marked)
    and its writes stay drafts until the link returns. None without both."""
    from cebox_support.tui.offline import OfflineCopies

    token = read_secret(session_token_path(profile_name), server=profile.url)
    if not token:
        return None
    client = make_client(profile)
    me = OfflineCopies(profile_name, client.api_url).load_me()
    if me is None:
        await client.close()
        return None
    client.use_session_token(token)
    return Workspace(profile_name, profile, client, me)


async def resume_and_read(
    profile_name: str, profile: Profile, read: Callable[[GlpiClient], Awaitable[T]]
) -> tuple[Workspace | None, asyncio.Future[T] | None]:
    """`resume`, with `read` sent at once on the cached token: one round trip, not two.

    The read's future fails with SessionExpired when the cached token was stale; it is
    None when there was no cached token to send it with.
    """
    client = make_client(profile)
    token = read_secret(session_token_path(profile_name), server=client.api_url)
    early: asyncio.Future[T] | None = None
    if token:
        client.use_session_token(token)
        early = _send_now(read(client))
    return await _resume(profile_name, profile, client, token), early


async def _resume(
    profile_name: str, profile: Profile, client: GlpiClient, token: str | None
) -> Workspace | None:
    if token:
        try:
            me = await client.resume(token)
            return Workspace(profile_name, profile, client, me)
        except SessionExpired:
            delete_secret(session_token_path(profile_name))
        except GlpiError:
            await client.close()
            raise
    saved = read_secret(user_token_path(profile_name), server=client.api_url)
    if saved:
        try:
            return await sign_in(profile_name, profile, user_token=saved, client=client)
        except GlpiError:
            await client.close()
            raise
    await client.close()
    return None


async def sign_out(workspace: Workspace, *, forget_user_token: bool = False) -> None:
    """killSession and delete the cached session token, and the profile's offline copies."""
    from cebox_support.tui.offline import forget_profile

    workspace.relogin_hook = None  # a call still in flight fails, it does not ask again
    await settle_web_session(workspace)
    delete_secret(session_token_path(workspace.profile_name))
    forget_profile(workspace.profile_name)
    if forget_user_token:
        delete_secret(user_token_path(workspace.profile_name))
    await workspace.client.close_web_session()
    delete_secret(web_cookie_path(workspace.profile_name))
    await workspace.client.logout()
    await _end_forms(workspace)
    await workspace.client.close()


async def close(workspace: Workspace) -> None:
    """Leaving the app or the profile: keep a cached session alive, else kill it."""
    workspace.relogin_hook = None  # a call still in flight fails, it does not ask again
    await settle_web_session(workspace)
    if not workspace.keep_session:
        await workspace.client.close_web_session()
        await workspace.client.logout()
    await _end_forms(workspace)
    await workspace.client.close()


__all__ = [
    "InsecureTokenFile",
    "SeenTickets",
    "Workspace",
    "close",
    "make_client",
    "resume",
    "save_session",
    "sign_in",
    "sign_in_demo",
    "sign_out",
]
