"""`forms`: the forms offered, from the helpdesk (Formcreator) or the console's own."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cebox_support.tui.config import LoadedSettings, config_dir
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
    from cebox_support.tui.forms import load_forms

    profile = workspace.profile
    folder = (
        Path(profile.forms_dir).expanduser()
        if profile.forms_dir
        else config_dir() / "forms" / workspace.profile_name
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
        if args.json:
            print_json({"source": source, "forms": forms}, ensure_ascii=False)
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

    return run(args, loaded, action)
