"""`cebox-support --help` and argparse's own words ("usage:", its errors) in the user's language."""

from __future__ import annotations

import argparse
import gettext
from pathlib import Path
from typing import Any

import pytest
from cebox_support.tui.cli import main
from cebox_support.tui.i18n import argparse_messages, set_language


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing says which language: the console's default applies."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C")
    monkeypatch.setattr("cebox_support.tui.i18n.locale.getlocale", lambda: (None, None))


def test_french_help(capsys: Any) -> None:
    code, out, _err = run(capsys, "--lang", "fr", "--help")
    assert code == 0
    assert out.startswith("utilisation : cebox-support [-h]")
    assert "\narguments positionnels :\n" in out
    assert "\noptions :\n" in out
    assert "positionnels:" not in out and "options:" not in out
    assert "afficher ce message d'aide et quitter" in out
    assert "afficher le numéro de version du programme et quitter" in out
    assert "lister mes tickets" in out
    assert "usage:" not in out and "show this help" not in out


def test_french_is_the_default(capsys: Any, no_locale: None) -> None:
    code, out, _err = run(capsys, "--help")
    assert code == 0
    assert out.startswith("utilisation : ")


def test_language_from_config(capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "cebox.toml"
    config.write_text('language = "fr"\n', encoding="utf-8")
    monkeypatch.setenv("CEBOX_SUPPORT_CONFIG", str(config))
    code, out, _err = run(capsys, "list", "--help")
    assert code == 0
    assert out.startswith("utilisation : cebox-support list")
    assert "\noptions :\n" in out
    assert "afficher ce message d'aide et quitter" in out


def test_english_help(capsys: Any, no_locale: None) -> None:
    code, out, _err = run(capsys, "--lang", "en", "--help")
    assert code == 0
    assert out.startswith("usage: cebox-support [-h]")
    assert "\npositional arguments:\n" in out and "\noptions:\n" in out
    assert " :" not in out
    assert "show this help message and exit" in out
    assert "show program's version number and exit" in out


@pytest.mark.parametrize(
    ("argv", "french", "english"),
    [
        (
            ["list", "--status", "nope"],
            "cebox-support list : erreur : argument --status : choix invalide : 'nope' "
            "(choisir parmi 'open', 'approval', 'solved', 'closed', 'all')",
            "cebox-support list: error: argument --status: invalid choice: 'nope' "
            "(choose from 'open', 'approval', 'solved', 'closed', 'all')",
        ),
        (
            ["show"],
            "cebox-support show : erreur : les arguments suivants sont obligatoires : N|URL",
            "cebox-support show: error: the following arguments are required: N|URL",
        ),
        (
            ["list", "--limit", "beaucoup"],
            "argument --limit : valeur int invalide : 'beaucoup'",
            "argument --limit: invalid int value: 'beaucoup'",
        ),
        (
            ["list", "--limit"],
            "argument --limit : un argument attendu",
            "argument --limit: expected one argument",
        ),
        (
            ["--bogus"],
            "cebox-support : erreur : arguments non reconnus : --bogus",
            "cebox-support: error: unrecognized arguments: --bogus",
        ),
    ],
    ids=["choice", "required", "type", "one-argument", "unrecognized"],
)
def test_errors_in_both_languages(capsys: Any, argv: list[str], french: str, english: str) -> None:
    code, _out, err = run(capsys, "--lang", "fr", *argv)
    assert code == 2
    assert err.startswith("utilisation : cebox-support")
    assert french in err

    code, _out, err = run(capsys, "--lang", "en", *argv)
    assert code == 2
    assert err.startswith("usage: cebox-support")
    assert english in err


def test_argparse_is_left_as_it_was(capsys: Any) -> None:
    """Only our parser speaks French; argparse itself is restored afterwards."""
    start_section = argparse.HelpFormatter.start_section
    run(capsys, "--lang", "fr", "--help")
    assert argparse.HelpFormatter.start_section is start_section
    assert argparse.__dict__["_"] is gettext.gettext
    assert argparse.__dict__["ngettext"] is gettext.ngettext
    other = argparse.ArgumentParser(prog="other")
    assert other.format_usage().startswith("usage: other")
    assert "\noptions:\n" in other.format_help()


def test_every_argparse_message_is_translated() -> None:
    set_language("en")
    english = argparse_messages()
    set_language("fr")
    french = argparse_messages()
    untranslated = [e for e, f in zip(english, french, strict=True) if e == f and e != "options"]
    assert untranslated == []
