"""`login`, `logout`, `passwd`: sessions for scripts and tmux key bindings.

The password is read from stdin or getpass, used once and never written anywhere;
only the GLPI session token is cached (0600), and a personal token when asked.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys
from typing import Any

from cebox_support.tui.api.client import GlpiClient
from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.urls import (
    BadServerUrl,
    check_server_url,
    server_identity,
    travels_in_clear,
)
from cebox_support.tui.config import (
    ConfigNotSaved,
    LoadedSettings,
    Profile,
    profile_name_for,
    save_settings,
    unsafe_to_save,
)
from cebox_support.tui.i18n import _
from cebox_support.tui.tokens import (
    InsecureTokenFile,
    delete_secret,
    forget_other_servers,
    read_secret,
    session_token_path,
)

from .common import EXIT_USAGE, CommandError, fail, pick_profile

EXIT_PASSWORD_EXPIRED = 5


def register(sub: Any) -> None:
    p = sub.add_parser("login", help=_("log in and cache the session for the other commands"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.add_argument("--server", help=_("GLPI server URL (creates or updates the profile)"))
    p.add_argument("--user", help=_("login or e-mail address (case-sensitive)"))
    secret = p.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin", action="store_true", help=_("read the password from stdin")
    )
    secret.add_argument(
        "--token-stdin", action="store_true", help=_("read a personal API token from stdin")
    )
    app = p.add_mutually_exclusive_group()
    app.add_argument(
        "--app-token",
        help=_(
            "App-Token given by the GLPI administrator (other users can see it in `ps`: "
            "prefer --app-token-stdin, or app_token in the profile)"
        ),
    )
    app.add_argument(
        "--app-token-stdin",
        action="store_true",
        help=_("read the App-Token from stdin (its first line, before a password or token)"),
    )
    p.add_argument(
        "--save-token",
        action="store_true",
        help=_("keep the personal API token in a private file (0600)"),
    )
    p.set_defaults(handler=login_command)

    p = sub.add_parser("logout", help=_("end the session and delete the cached token"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.add_argument(
        "--forget-token", action="store_true", help=_("also delete a saved personal API token")
    )
    p.set_defaults(handler=logout_command)

    p = sub.add_parser("passwd", help=_("change your GLPI password"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.add_argument(
        "--stdin",
        action="store_true",
        help=_("read the current password, then the new one, one per line, from stdin"),
    )
    p.set_defaults(handler=passwd_command)


def _read_line() -> str:
    line = sys.stdin.readline()
    if not line:
        raise CommandError(_("Nothing to read on stdin."))
    return line.rstrip("\r\n")


def _login_profile(args: argparse.Namespace, loaded: LoadedSettings) -> tuple[str, Profile]:
    """The named/default profile, created or updated from --server, --user, --app-token."""
    settings = loaded.settings
    name = getattr(args, "profile", None)
    if args.server:
        try:
            check_server_url(args.server)
        except BadServerUrl as exc:
            raise CommandError(exc.message, 2) from None
    if not name and args.server:
        same = [n for n, p in settings.profiles.items() if _api_url(p.url) == _api_url(args.server)]
        name = same[0] if same else profile_name_for(args.server)
    if not name:
        name, _profile = pick_profile(args, loaded)
    existing = settings.profiles.get(name)
    if existing is None and not args.server:
        raise CommandError(
            _("Unknown profile {name}: give the server with --server URL.").format(name=name),
            EXIT_USAGE,
        )
    update: dict[str, Any] = {}
    if args.server:
        try:
            update["url"] = check_server_url(args.server)
        except BadServerUrl as exc:
            raise CommandError(exc.message, 2) from None
    if args.user is not None:
        update["login"] = args.user
    if args.app_token is not None:
        update["app_token"] = args.app_token
        update["app_token_server"] = update.get("url") or (existing.url if existing else "")
    elif existing is not None and existing.app_token and _moves(existing, args.server):
        update["app_token"] = update["app_token_server"] = ""  # never sent to the new one
    if args.token_stdin:
        update["use_user_token"] = True
    elif args.password_stdin:
        update["use_user_token"] = False
    if existing is None:
        return name, Profile.model_validate(update)
    return name, existing.model_copy(update=update)


def _moves(existing: Profile, server: str | None) -> bool:
    """--server names another GLPI than the one the profile was for."""
    return bool(server) and server_identity(server or "") != server_identity(existing.url)


def _api_url(url: str) -> str:
    from cebox_support.tui.api.urls import normalize_api_url

    return normalize_api_url(url)


def login_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from cebox_support.tui.session import sign_in, sign_out
    from cebox_support.tui.statusline import delete_cache

    if blocking := unsafe_to_save(loaded.problems):
        # Refused before any password is asked: saving the profile would overwrite the file.
        for problem in blocking:
            fail(problem)
        return fail(
            _("{path} was not changed: correct it, then log in again.").format(path=loaded.path)
        )
    try:
        if args.app_token_stdin:
            args.app_token = _read_line().strip()
        name, profile = _login_profile(args, loaded)
        before = loaded.settings.profiles.get(name)
        moved_from = before.url if before is not None and _moves(before, args.server) else None
        token_mode = profile.use_user_token
        if travels_in_clear(profile.url):
            print(
                "cebox-support: "
                + _(
                    "WARNING: {url} is plain http: your password or token would travel "
                    "unencrypted. Use https:// unless this is a tunnel you trust."
                ).format(url=profile.url),
                file=sys.stderr,
            )
        if not token_mode and not profile.login:
            raise CommandError(_("Give your login with --user LOGIN."), EXIT_USAGE)
        if args.token_stdin or args.password_stdin:
            secret = _read_line()
        elif token_mode:
            secret = getpass.getpass(_("Personal API token: "))
        else:
            secret = getpass.getpass(
                _("Password for {login} on {name}: ").format(login=profile.login, name=name)
            )
        if not secret:
            raise CommandError(_("Empty password or token."), EXIT_USAGE)
    except CommandError as exc:
        return fail(str(exc), exc.code)
    except (EOFError, KeyboardInterrupt):
        return 130

    async def go() -> int:
        workspace = await sign_in(
            name,
            profile,
            password=None if token_mode else secret,
            user_token=secret if token_mode else None,
            save_user_token=token_mode and args.save_token,
        )
        if workspace.me.password_expired:
            await sign_out(workspace)
            # Kept, so that the advised `passwd` finds the server and the login.
            _remember(args, loaded, name, profile)
            hint = "cebox-support passwd"
            if loaded.settings.default_profile != name:
                hint += f" --profile {name}"
            return fail(
                _("Your password has expired: change it with `{command}`.").format(command=hint),
                EXIT_PASSWORD_EXPIRED,
            )
        if workspace.web_opening is not None:
            await workspace.web_opening  # the forms' web session, kept like the token
        await workspace.client.close()
        _remember(args, loaded, name, profile)
        # A tmux tick during the sign-in cached "not logged in" (or another account's
        # counts): gone, so the next `status` refreshes at once instead of in 45 s.
        delete_cache(name)
        if moved_from is not None:
            _say_dropped(name, moved_from, profile, had_app_token=bool(before and before.app_token))
        print(
            _("Logged in to {name} as {login} ({who}).").format(
                name=name, login=workspace.me.login, who=workspace.me.name
            )
        )
        return 0

    try:
        return asyncio.run(go())
    except GlpiError as exc:
        return fail(exc.message)
    except ConfigNotSaved as exc:
        for problem in str(exc).splitlines():
            fail(problem)
        return fail(
            _("{path} was not changed: correct it, then log in again.").format(path=loaded.path)
        )
    except (InsecureTokenFile, OSError) as exc:
        return fail(str(exc))


def _say_dropped(name: str, old_url: str, profile: Profile, *, had_app_token: bool) -> None:
    """A profile moved to another server keeps none of the first one's secrets."""
    dropped = forget_other_servers(name, profile.url)
    if had_app_token and not profile.app_token:
        dropped.append(_("the App-Token"))
    if dropped:
        print(
            "cebox-support: "
            + _(
                "Profile {name} was for {old}: {secrets} belonged to that server and were dropped."
            ).format(name=name, old=old_url, secrets=", ".join(dropped)),
            file=sys.stderr,
        )


def _remember(
    args: argparse.Namespace, loaded: LoadedSettings, name: str, profile: Profile
) -> None:
    loaded.settings.profiles[name] = profile
    if not loaded.settings.default_profile or getattr(args, "profile", None):
        loaded.settings.default_profile = name
    save_settings(loaded.settings, loaded.path)


def logout_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from cebox_support.tui.offline import forget_profile
    from cebox_support.tui.session import make_client
    from cebox_support.tui.tokens import read_web_cookie, user_token_path, web_cookie_path

    try:
        name, profile = pick_profile(args, loaded)
    except CommandError as exc:
        return fail(str(exc), exc.code)
    path = session_token_path(name)
    try:
        token = read_secret(path, server=profile.url)
    except InsecureTokenFile:
        token = None  # a token others could read is dropped without being used

    try:
        web_cookie = read_web_cookie(name, _api_url(profile.url))
    except InsecureTokenFile:
        web_cookie = None

    async def kill(token: str) -> None:
        client: GlpiClient = make_client(profile)
        with contextlib.suppress(GlpiError):
            await client.resume(token)
        client.web_cookie = web_cookie  # GLPI's web session (11 downloads) ends too
        await client.close_web_session()
        await client.logout()
        await client.close()

    if token:
        asyncio.run(kill(token))
    delete_secret(path)
    delete_secret(web_cookie_path(name))
    forget_profile(name)  # the offline copies and status counts of this profile
    if args.forget_token:
        delete_secret(user_token_path(name))
    print(_("Logged out of {name}.").format(name=name) if token else _("Not logged in."))
    return 0


async def _change_password(client: GlpiClient, current: str, new: str) -> None:
    """Change it; when the answer is lost, the new password working proves it changed."""
    from cebox_support.tui.api.errors import ServerError, Timeout, Unreachable

    try:
        await client.change_password(current, new)
    except (Timeout, Unreachable, ServerError) as lost:
        try:
            changed = await client.new_password_works(new)
        except GlpiError:
            raise lost from None
        if not changed:
            raise


def passwd_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from cebox_support.tui.session import close, resume, sign_in

    try:
        name, profile = pick_profile(args, loaded)
        if args.stdin:
            current, new = _read_line(), _read_line()
            confirm = new
        else:
            current = getpass.getpass(_("Current password: "))
            new = getpass.getpass(_("New password: "))
            confirm = getpass.getpass(_("New password again: "))
    except CommandError as exc:
        return fail(str(exc), exc.code)
    except (EOFError, KeyboardInterrupt):
        return 130
    if not current or not new:
        return fail(_("Enter the current password and a new one."))
    if new != confirm:
        return fail(_("The two new passwords do not match."))
    if new == current:
        return fail(_("The new password must be different from the current one."))

    async def go() -> int:
        try:
            workspace = await resume(name, profile)
        except InsecureTokenFile:
            workspace = None
        if workspace is None:
            if not profile.login:
                raise CommandError(_("No login in profile {name}.").format(name=name))
            workspace = await sign_in(name, profile, password=current, cache_session=False)
        try:
            policy = (await workspace.server_config()).password_policy
            unmet = [rule for rule, met in policy.rules(new) if not met]
            if unmet:
                return fail(
                    _("The new password does not meet the server's rules: {rules}.").format(
                        rules=", ".join(rule.lower() for rule in unmet)
                    )
                )
            await _change_password(workspace.client, current, new)
        finally:
            await close(workspace)  # kills a session opened just for this, keeps a cached one
        print(_("Your password was changed."))
        return 0

    try:
        return asyncio.run(go())
    except CommandError as exc:
        return fail(str(exc), exc.code)
    except GlpiError as exc:
        return fail(exc.message)
