"""`forms`: the forms offered, from the helpdesk (Formcreator) or the console's own."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cebox_support.tui.config import LoadedSettings, Profile, config_dir
from cebox_support.tui.i18n import _, language
from cebox_support.tui.session import Workspace

from .common import print_json, run


def register(sub: Any) -> None:
    p = sub.add_parser("forms", help=_("list the forms offered (the server's or the built-in)"))
    p.add_argument("--profile", default=argparse.SUPPRESS, help=_("profile name in config.toml"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    from .native_form import add_password_option

    add_password_option(p)
    p.set_defaults(handler=forms_command)


def builtin_forms(workspace: Workspace) -> list[dict[str, Any]]:
    return builtin_forms_of(workspace.profile, workspace.profile_name)


def builtin_forms_of(profile: Profile, profile_name: str) -> list[dict[str, Any]]:
    from cebox_support.tui.forms import load_forms

    folder = (
        Path(profile.forms_dir).expanduser()
        if profile.forms_dir
        else config_dir() / "forms" / profile_name
    )
    forms, _problems = load_forms([folder])
    lang = language()
    return [
        {
            "id": f.id,
            "name": f.title.get(lang),
            "category": "",
            "description": f.summary.get(lang),
        }
        for f in forms
    ]


def forms_command(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    async def action(workspace: Workspace) -> int:
        from cebox_support.tui.api.formcreator import load_catalogue
        from cebox_support.tui.forms.server import FormSummary
        from cebox_support.tui.offline import copies_for

        from .native_form import is_native, native_catalogue

        if is_native(workspace):
            source, forms = "server", await native_catalogue(workspace, args)
        else:
            catalogue = await load_catalogue(workspace.client)
            if catalogue is None:
                source, forms = "builtin", builtin_forms(workspace)
            else:
                source = "server"
                forms = [f.model_dump() for f in catalogue]
        kept = [FormSummary.model_validate(f) for f in forms] if source == "server" else []
        copies_for(workspace).save_catalogue(source == "server", kept)
        return _print(args, source, forms, None)

    def offline() -> str | int:
        """The server cannot be reached: the last copy of its catalogue, marked."""
        from cebox_support.tui.api.urls import normalize_api_url
        from cebox_support.tui.offline import OfflineCopies, copy_label

        from .common import pick_profile

        name, profile = pick_profile(args, loaded)
        copy = OfflineCopies(name, normalize_api_url(profile.url)).load_catalogue()
        if copy is None:
            return _(
                "No copy of the forms is kept: `cebox-support forms` keeps one while the "
                "server answers."
            )
        print(f"cebox-support: {copy_label(copy.fetched_at)}", file=sys.stderr)
        if not copy.has_forms:  # a server without forms of its own: the built-in ones
            return _print(args, "builtin", builtin_forms_of(profile, name), copy.fetched_at)
        return _print(args, "server", [f.model_dump() for f in copy.forms], copy.fetched_at)

    return run(args, loaded, action, offline)


def _print(
    args: argparse.Namespace,
    source: str,
    forms: list[dict[str, Any]],
    fetched_at: float | None,
) -> int:
    """`fetched_at`: the time of the copy shown while the server cannot be reached."""
    from cebox_support.tui.offline import iso

    freshness: dict[str, Any] = (
        {"stale": False} if fetched_at is None else {"stale": True, "fetched_at": iso(fetched_at)}
    )
    if args.json:
        print_json({"source": source, "forms": forms, **freshness}, ensure_ascii=False)
        return 0
    from cebox_support.tui.api.text import clean_line

    print(
        _("Forms of the server:")
        if source == "server"
        else _("Built-in forms (the server has none):")
    )
    for form in forms:
        category = f"[{clean_line(form['category'])}] " if form["category"] else ""
        print(f"  {form['id']!s:<10} {category}{clean_line(form['name'])}")
        if form["description"]:
            print(" " * 13 + clean_line(form["description"]))
    return 0
