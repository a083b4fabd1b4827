"""French and English: the catalog is complete, and no screen shows an English message in French.

Binding descriptions are translated when their module is imported (class bodies), as the
CLI does after choosing the language. So each language is rendered in a subprocess of its
own that sets the language before importing any screen; it talks to the shared helpdesk
over loopback and only reads.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.i18n import set_language
from cebox_support.tui.messages import ChangePassword, NewTicket, OpenTicket, ShowError

ROOT = Path(__file__).resolve().parents[2]
SOLVED_TICKET = 2
"""Seeded demo ticket with a solution awaiting the demo customer's approval."""

SPLIT = re.compile(r"\s{2,}|[│┃║▏▕▎▊|·—–▲▼●◀▶↑↓()\[\]:,;…✓✗•○◉▸▾▔▁━─╭╮╰╯┌┐└┘═]+")
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _load_tool() -> Any:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _catalog() -> dict[str, str]:
    """msgid -> French, for the messages whose French differs (plural forms flattened)."""
    pairs: dict[str, str] = {}
    for message in _load_tool().load_po():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, msgstr in zip(ids, strings, strict=False):
            if msgstr and msgstr != msgid:
                pairs[msgid] = msgstr
    return pairs


def _probes(source: str, other: str) -> set[str]:
    """What of `source` would show on screen: the whole of a short message, or long
    placeholder-free chunks of a long one (Markdown markers dropped), absent from `other`."""
    plain = source.replace("**", "").replace("*", "").replace("`", "")
    if len(plain) <= 30 and "{" not in plain and "\n" not in plain:
        return {plain.strip()} if any(c.isalpha() for c in plain) else set()
    chunks = re.split(r"\{[^}]*\}|\n|(?<=[.:;?])\s", plain)
    return {c.strip() for c in chunks if len(c.strip()) >= 20 and c.strip() not in other}


def _leaks(shot: dict[str, list[str]], wrong: dict[str, str]) -> set[str]:
    """Messages of the wrong language (keys of `wrong`) that appear on a screen."""
    segments = {
        s.strip(" 0123456789.!?'\"«»“”")
        for text in shot["lines"] + shot["widgets"]
        for s in SPLIT.split(text)
    }
    segments |= {  # a footer key before its description: "q Quit", "^r Send"
        s.split(" ", 1)[1] for s in segments if " " in s and len(s.split(" ", 1)[0]) <= 5
    }
    whole = "\n".join(shot["widgets"] + shot["lines"])
    found = set()
    for source, other in wrong.items():
        for probe in _probes(source, other):
            short = len(probe) <= 30 and " " not in probe.strip()
            if probe in segments or (not short and probe in whole):
                found.add(probe)
    return found


# -- the catalog -----------------------------------------------------------------------


def test_catalog_is_complete_and_compiled() -> None:
    """Fails on any message not translated into French, fuzzy, or a stale .mo."""
    assert _load_tool().problems() == []


def test_translations_keep_their_placeholders() -> None:
    for msgid, msgstr in _catalog().items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


@pytest.fixture
def french() -> Any:
    set_language("fr")
    yield
    set_language("en")


def test_glpi_labels_in_french(french: None) -> None:
    from cebox_support.tui.api.models import (
        ActorRole,
        Priority,
        SolutionStatus,
        TicketFilter,
        TicketStatus,
        TicketType,
    )
    from cebox_support.tui.i18n import _

    assert [s.label for s in TicketStatus] == [
        "Nouveau",
        "En cours (attribué)",
        "En cours (planifié)",
        "En attente",
        "Résolu",
        "Clos",
    ]
    assert TicketType.INCIDENT.label == "Incident"
    assert TicketType.REQUEST.label == "Demande"
    assert Priority(4).label == "Haute"
    assert SolutionStatus(2).label == "En attente de validation"
    assert ActorRole.REQUESTER.label == "Demandeur"
    assert ActorRole.OBSERVER.label == "Observateur"
    assert TicketFilter.APPROVAL.label == "À valider"
    assert _("Sign in") == "Se connecter"
    assert _("Password") == "Mot de passe"
    assert _("Follow-up") == "Suivi"
    assert _("Refuse the solution") == "Refuser la solution"
    assert _("Reply") == "Répondre"
    assert _("Ticket {id} created.").format(id=7) == "Ticket 7 créé."


def test_english_is_the_msgid() -> None:
    from cebox_support.tui.api.models import TicketStatus
    from cebox_support.tui.i18n import _

    assert TicketStatus.SOLVED.label == "Solved"
    assert _("Sign in") == "Sign in"


# -- every screen, in both languages ---------------------------------------------------

EXPECTED = {
    "fr": {
        "login": "Se connecter",
        "dashboard": "À valider",
        "help": "Vos tickets, ceux dont",
        "goto": "Aller au ticket",
        "forms": "Formulaires",
        "incident": "Envoyer",
        "ticket": "Solution en attente de votre validation",
        "documents": "Documents du ticket",
        "refuse": "Refuser la solution",
        "password": "Changer votre mot de passe",
        "error": "Erreur",
    },
    "en": {
        "login": "Sign in",
        "dashboard": "Awaiting my approval",
        "help": "Your tickets, where you",
        "goto": "Go to ticket",
        "forms": "Forms",
        "incident": "Submit",
        "ticket": "Solution awaiting your approval",
        "documents": "Documents of ticket",
        "refuse": "Refuse the solution",
        "password": "Change your password",
        "error": "Error",
    },
}


@pytest.fixture(scope="module")
def renders(helpdesk: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both languages rendered at once, each in its own process."""
    home = tmp_path_factory.mktemp("i18n-home")
    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        (home / var).mkdir()
        env[var] = str(home / var)
    for var in ("NO_COLOR", "CEBOX_SUPPORT_CONFIG", "EDITOR", "VISUAL", "LC_ALL", "LANGUAGE"):
        env.pop(var, None)
    env.update(TZ="Europe/Paris", LANG="en_GB.UTF-8", TEXTUAL_ANIMATIONS="none")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    runs = {
        lang: subprocess.Popen(
            [sys.executable, "-c", "import sys, tests.i18n.test_i18n as t; t.main(sys.argv[1:])"]
            + [lang, helpdesk.api_url, str(home / f"{lang}.json")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for lang in ("fr", "en")
    }
    results = {}
    for lang, run in runs.items():
        output, _unused = run.communicate(timeout=120)
        assert run.returncode == 0, output
        results[lang] = json.loads((home / f"{lang}.json").read_text(encoding="utf-8"))
    return results


def test_leak_detector_finds_english_in_labels_lines_and_help_texts() -> None:
    shot = {
        "lines": [" 1 Open (4)  2 À valider (1)", " g Aller à  / Rechercher  q Quit "],
        "widgets": [
            "Vous avez commencé.",
            "Note: A reply refuses the proposed solution and reopens the ticket. Yes",
        ],
    }
    assert _leaks(shot, _catalog()) == {
        "Open",
        "Quit",
        "A reply refuses the proposed solution and reopens the ticket.",
    }
    assert _leaks({"lines": [" 1 Ouvert (4)  #5 Tous"], "widgets": []}, _catalog()) == set()


@pytest.mark.parametrize("screen", list(EXPECTED["fr"]))
def test_french_screen_has_no_english(renders: dict[str, Any], screen: str) -> None:
    shot = renders["fr"][screen]
    assert any(EXPECTED["fr"][screen] in text for text in shot["lines"] + shot["widgets"])
    assert _leaks(shot, _catalog()) == set()


@pytest.mark.parametrize("screen", list(EXPECTED["en"]))
def test_english_screen_has_no_french(renders: dict[str, Any], screen: str) -> None:
    shot = renders["en"][screen]
    assert any(EXPECTED["en"][screen] in text for text in shot["lines"] + shot["widgets"])
    french = {msgstr: msgid for msgid, msgstr in _catalog().items()}
    assert _leaks(shot, french) == set()


# -- the subprocess side ---------------------------------------------------------------


def _visible(app: Any) -> dict[str, list[str]]:
    """The screen as text lines, and the unwrapped text of every widget shown."""
    import io

    from rich.console import Console

    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        record=True,
        color_system=None,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    lines = [line.rstrip() for line in console.export_text().splitlines() if line.strip()]
    widgets: list[str] = []
    for widget in app.screen.query("*"):
        if not widget.region.area:
            continue
        for attr in ("label", "placeholder", "description", "border_title", "border_subtitle"):
            value = getattr(widget, attr, None)
            if value and not callable(value):
                widgets.append(str(value))
        try:
            rendered = widget.render()
        except Exception:  # noqa: BLE001 - containers and the like have nothing to say
            continue
        text = getattr(rendered, "plain", None)
        if isinstance(text, str) and text.strip():
            widgets.append(text)
    return {"lines": lines, "widgets": widgets}


async def _render_all(lang: str, api_url: str) -> dict[str, Any]:
    from cebox_support.tui.i18n import set_language as choose

    choose(lang)
    from cebox_support.tui.app import CeboxApp
    from cebox_support.tui.config import LoadedSettings, Profile, Settings, config_path

    from tests.conftest import _sign_in_sync, frozen_now

    profile = Profile(url=api_url, login="post-only")
    loaded = LoadedSettings(
        Settings(profiles={"test": profile}, default_profile="test"), config_path()
    )
    shots: dict[str, Any] = {}

    async def settle(pilot: Any, *, workers: bool = True) -> None:
        """`workers=False` under a modal awaited by a worker (it finishes on dismissal)."""
        for _round in range(2):
            if workers:
                await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    app = CeboxApp(loaded, workspace=None, now=frozen_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shots["login"] = _visible(app)

    app = CeboxApp(loaded, workspace=_sign_in_sync(profile, "postonly"), now=frozen_now)
    async with app.run_test(size=(120, 40)) as pilot:

        async def shoot(
            name: str, *keys: str, back: tuple[str, ...] = ("escape",), workers: bool = True
        ) -> None:
            await pilot.press(*keys)
            await settle(pilot, workers=workers)
            shots[name] = _visible(app)
            await pilot.press(*back)
            await settle(pilot)

        await settle(pilot)
        shots["dashboard"] = _visible(app)
        await shoot("help", "f1")
        await shoot("goto", "g")
        app.route(NewTicket(None))
        await shoot("forms", back=())
        await pilot.press("escape")
        app.route(NewTicket("incident"))
        await shoot("incident", back=())
        await pilot.press("escape")
        await settle(pilot)
        app.route(OpenTicket(SOLVED_TICKET))
        await shoot("ticket", back=())
        await shoot("documents", "d")
        await shoot("refuse", "x", workers=False)
        await pilot.press("escape")
        app.route(ChangePassword())
        await shoot("password", back=())
        await pilot.press("escape")
        app.route(ShowError("—"))
        await shoot("error", back=())
    return shots


def main(argv: list[str]) -> None:
    lang, api_url, out = argv
    shots = asyncio.run(_render_all(lang, api_url))
    Path(out).write_text(json.dumps(shots, ensure_ascii=False), encoding="utf-8")
