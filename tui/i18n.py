"""Translations: msgids are English, catalogs live in tui/locale/<lang>/LC_MESSAGES/cebox.mo.

French is the default: the notice's users are French.
"""

from __future__ import annotations

import contextlib
import gettext
import locale
import os
from collections.abc import Iterator
from pathlib import Path

DOMAIN = "cebox"
LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("fr", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def detect_language(explicit: str | None = None, configured: str | None = None) -> str:
    """--lang, then config, then the locale, else French."""
    for candidate in (explicit, configured):
        if candidate:
            code = candidate.lower()[:2]
            if code in SUPPORTED:
                return code
    variables = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
    for var in variables:
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            code = value.lower()[:2]
            if code in SUPPORTED:
                return code
    if any(os.environ.get(var) for var in variables):
        return "fr"  # a locale is set but names neither language (C.UTF-8: not English)
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    if loc[:2].lower() in SUPPORTED:
        return loc[:2].lower()
    return "fr"


def set_language(lang: str) -> None:
    global _translation, _language
    _language = lang if lang in SUPPORTED else "fr"
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[_language], fallback=True
    )


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def pgettext(context: str, message: str) -> str:
    """A message whose English word means two things (e.g. "Open": a verb, a state)."""
    return _translation.pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


@contextlib.contextmanager
def argparse_translated() -> Iterator[None]:
    """argparse's own words ("usage:", "options", its error messages) in our language.

    argparse looks its `_` and `ngettext` up in its module when it builds a parser,
    formats help or reports an error, so ours stand in for them meanwhile. It writes
    section headings as "%s:" without asking: the heading takes our punctuation before
    that colon (French "options :").
    """
    import argparse

    saved = argparse.__dict__["_"], argparse.__dict__["ngettext"]
    start_section = argparse.HelpFormatter.start_section

    def punctuated(formatter: argparse.HelpFormatter, heading: str | None) -> None:
        if heading and heading != argparse.SUPPRESS:
            heading = _("{heading}:").format(heading=heading).removesuffix(":")
        start_section(formatter, heading)

    argparse.__dict__.update(_=_, ngettext=ngettext)
    setattr(argparse.HelpFormatter, "start_section", punctuated)  # noqa: B010
    try:
        yield
    finally:
        argparse.__dict__.update(_=saved[0], ngettext=saved[1])
        setattr(argparse.HelpFormatter, "start_section", start_section)  # noqa: B010


def argparse_messages() -> list[str]:
    """The argparse messages a user can see (Python 3.11), translated; listed here so
    `tools/i18n.py update` puts their msgids in the catalog."""
    return [
        _("usage: "),
        _("positional arguments"),
        _("options"),
        _("subcommands"),
        _("show this help message and exit"),
        _("the following arguments are required: %s"),
        _("one of the arguments %s is required"),
        _("invalid choice: %(value)r (choose from %(choices)s)"),
        _("invalid %(type)s value: %(value)r"),
        _("%(prog)s: error: %(message)s\n"),
        _("argument %(argument_name)s: %(message)s"),
        _("unrecognized arguments: %s"),
        _("expected one argument"),
        _("expected at most one argument"),
        _("expected at least one argument"),
        ngettext("expected %s argument", "expected %s arguments", 2),
        _("ambiguous option: %(option)s could match %(matches)s"),
        _("not allowed with argument %s"),
        _("ignored explicit argument %r"),
        _("unexpected option string: %s"),
        _("unknown parser %(parser_name)r (choices: %(choices)s)"),
        _("can't open '%(filename)s': %(error)s"),
    ]
