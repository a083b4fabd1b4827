"""`forms` and `new --form ID|NAME|LINK` on GLPI 11: the native forms of the service
catalog, through a web session (the password opens it; it is never kept)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cebox_support.tui.api import errors as E
from cebox_support.tui.i18n import _

from .common import EXIT_NOT_LOGGED_IN, CommandError, fail, print_json

if TYPE_CHECKING:
    from cebox_support.tui.api.models import RefusedFile
    from cebox_support.tui.api.native_forms import NativeForms
    from cebox_support.tui.forms.server import FormSummary, ServerForm
    from cebox_support.tui.session import Workspace

T = TypeVar("T")
EXIT_INVALID = 2
CLOCK_SKEW = timedelta(minutes=2)


def add_password_option(parser: Any) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help=_(
            "GLPI 11: read your password from stdin to open the web session the "
            "support's forms need (never kept)"
        ),
    )


def is_native(workspace: Workspace) -> bool:
    return (workspace.client.glpi_major or 10) >= 11


async def with_web_session(
    workspace: Workspace,
    args: argparse.Namespace,
    call: Callable[[NativeForms], Awaitable[T]],
) -> T:
    """Run ``call`` with the kept web session; when there is none (or it ended), open
    one with the password from stdin (--password-stdin), else exit 3 saying so."""
    from cebox_support.tui.api.native_forms import NativeForms

    client = workspace.client
    forms = NativeForms(client)
    try:
        try:
            return await call(forms)
        except (E.WebLoginRequired, E.NeedsBrowser):
            if not getattr(args, "password_stdin", False) and (
                workspace.profile.use_user_token or client.personal_token
            ):
                raise CommandError(
                    _(
                        "Signed in with a personal API token: the support's forms need a "
                        "sign-in with your password (--password-stdin), or your browser: {url}"
                    ).format(url=f"{client.web_url}/ServiceCatalog"),
                    code=EXIT_NOT_LOGGED_IN,
                ) from None
            if not getattr(args, "password_stdin", False):
                raise CommandError(
                    _(
                        "The support's forms on GLPI 11 need your password (a web session): "
                        "run again with --password-stdin; it is not kept."
                    ),
                    code=EXIT_NOT_LOGGED_IN,
                ) from None
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("Empty password or token."), code=EXIT_NOT_LOGGED_IN) from None
            try:
                await forms.sign_in(workspace.me.login, password)
            except E.AuthError:
                raise CommandError(_("Wrong password."), code=EXIT_NOT_LOGGED_IN) from None
            return await call(forms)
    except E.NeedsBrowser as error:
        raise CommandError(
            _("{message} Open {url}").format(message=error.message, url=error.url),
            code=EXIT_NOT_LOGGED_IN,
        ) from None
    finally:
        await forms.close()


async def native_catalogue(workspace: Workspace, args: argparse.Namespace) -> list[dict[str, Any]]:
    async def read(forms: NativeForms) -> list[dict[str, Any]]:
        return [f.model_dump() for f in (await forms.catalogue()).forms]

    return await with_web_session(workspace, args, read)


def _pick(catalogue: list[FormSummary], wanted: str) -> FormSummary | None:
    return next((f for f in catalogue if wanted in (str(f.id), f.name)), None)


async def new_with_native_form(workspace: Workspace, args: argparse.Namespace, unknown: str) -> int:
    """`new --form` against GLPI 11: the form's page read into the same model as the
    Formcreator forms, the same options, exit codes and checks."""
    from cebox_support.tui.api.native_forms import (
        apply_visibility,
        form_url,
        parse_form_link,
    )
    from cebox_support.tui.forms.server import validate_server_answers

    from .server_answers import (
        answers_from_options,
        print_fields,
        report_invalid,
        report_not_created,
    )

    wanted = str(args.form).strip()
    link = parse_form_link(wanted) if "/Form/Render/" in wanted else None
    client = workspace.client

    async def load(forms: NativeForms) -> ServerForm:
        if link is not None:
            return await forms.render(link[0], token=link[1])
        catalogue = (await forms.catalogue()).forms
        summary = _pick(catalogue, wanted)
        if summary is None:
            known = ", ".join(f"{f.id} ({f.name})" for f in catalogue)
            message = unknown
            if known:
                message += " " + _("Forms of the server: {forms}.").format(forms=known)
            raise CommandError(message, code=EXIT_INVALID)
        return await forms.render(summary.id, summary=summary)

    try:
        loaded = await with_web_session(workspace, args, load)
    except E.PermissionDenied:
        return fail(
            _("This form is not offered to you (inactive, restricted, or link only).")
            + " "
            + form_url(client, link[0] if link else 0),
            EXIT_INVALID,
        )
    if args.list_fields:
        print_fields(loaded, args.json)
        return 0
    try:
        answers = answers_from_options(loaded, args)
    except CommandError as exc:
        return report_invalid(str(exc).split("\n"))
    if getattr(args, "from_this_machine", False):
        from cebox_support.tui.forms.server import to_definition

        from .common import fill_from_this_machine

        fill_from_this_machine(to_definition(loaded), answers)

    async def shown(forms: NativeForms) -> ServerForm:
        return apply_visibility(loaded, await forms.visibility(loaded, answers))

    form = await with_web_session(workspace, args, shown)
    limit = (await workspace.server_config()).max_upload_bytes
    started = datetime.now().astimezone()
    result = validate_server_answers(form, answers, now=started, max_upload_bytes=limit)
    if not result.ok:
        return report_not_created(form, result)
    substitute = _compressor() if args.compress_refused else None

    from cebox_support.tui.drafts import maybe_sent_checking
    from cebox_support.tui.native_submission import guard_key, send_native_form
    from cebox_support.tui.submission import WriteGuard, server_now

    guard = WriteGuard(
        workspace.drafts,
        guard_key(form),
        checking=lambda: print(f"cebox-support: {maybe_sent_checking()}", file=sys.stderr),
    )

    async def send(forms: NativeForms) -> Any:
        return await send_native_form(
            forms,
            form,
            result.values,
            # The server's clock (its last answer), never ours; ours only before any.
            since=server_now(forms.client) or started - CLOCK_SKEW,
            guard=guard,
            substitute=substitute,
        )

    outcome = await with_web_session(workspace, args, send)
    if outcome.refused:
        return _refused(outcome.refused, args.compress_refused)
    if outcome.errors:
        lines = [_("The ticket was not created; fix these fields:")]
        for error in outcome.errors:
            asked = form.question(str(error.question_id))
            name = f"{asked.key} ({asked.label})" if asked is not None else error.question_name
            lines.append(f"{name}: {error.message}")
        return report_invalid(lines)
    if outcome.ticket_id is None:
        assert outcome.error is not None
        message = outcome.error.message
        if outcome.error.detail:
            message += f" ({outcome.error.detail})"
        if outcome.maybe_sent:
            message += " " + _("Check the ticket list before running the command again.")
        return fail(message)
    if outcome.already:
        print(
            "cebox-support: "
            + _("Already received: ticket {id} exists; it was not created again.").format(
                id=outcome.ticket_id
            ),
            file=sys.stderr,
        )
    compressed = [p.name for p in outcome.compressed]
    if args.json:
        print_json(
            {
                "id": outcome.ticket_id,
                "url": client.ticket_url(outcome.ticket_id),
                "form": form.id,
                "documents": [p.name for p in outcome.uploaded],
                "compressed": compressed,
                "failed": [],
            },
            ensure_ascii=False,
        )
    else:
        print(outcome.ticket_id)
    for name in compressed:
        print(
            "cebox-support: " + _("{name} sent in place of the refused file.").format(name=name),
            file=sys.stderr,
        )
    return 0


def _compressor() -> Callable[[Path, RefusedFile], Path | None]:
    from cebox_support.tui.compress import gzip_copy

    def copy(path: Path, _refused: RefusedFile) -> Path | None:
        try:
            return gzip_copy(path)
        except OSError:
            return None

    return copy


def _refused(refused: list[tuple[Path, RefusedFile]], compressing: bool) -> int:
    from cebox_support.tui.compress import not_kept

    lines = [
        _("The ticket was not created: {files}.").format(files=not_kept([r for _p, r in refused]))
    ]
    if not compressing and any(r.compressible for _p, r in refused):
        lines.append(
            _("Run again with --compress-refused to send a compressed copy (.gz) instead.")
        )
    print("cebox-support: " + "\n  ".join(lines), file=sys.stderr)
    return EXIT_INVALID
