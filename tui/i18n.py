"""Translations: msgids are English, catalogs live in tui/locale/<lang>/LC_MESSAGES/cebox.mo.

French is the default: the notice's users are French.
"""

from __future__ import annotations

import gettext
import locale
import os
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
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            code = value.lower()[:2]
            if code in SUPPORTED:
                return code
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
