"""--lang, then config, then the locale, else French — and C.UTF-8 is not English."""

from __future__ import annotations

import pytest
from cebox_support.tui.i18n import detect_language

LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8"}, "fr"),
        ({"LANG": "C"}, "fr"),
        ({"LANG": "POSIX"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8", "LANGUAGE": "en"}, "en"),
    ],
)
def test_locale(no_locale: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for var, value in env.items():
        no_locale.setenv(var, value)
    assert detect_language() == expected


def test_option_and_config_come_before_the_locale(no_locale: pytest.MonkeyPatch) -> None:
    no_locale.setenv("LANG", "fr_FR.UTF-8")
    assert detect_language("en") == "en"
    assert detect_language(None, "en") == "en"
    assert detect_language("fr", "en") == "fr"
    assert detect_language("xx", "en") == "en"
