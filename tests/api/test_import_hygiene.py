"""The API client, the forms and the embedded helpdesk never pull in Textual or Rich."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "cebox_support.tui.api",
        "cebox_support.tui.forms",
        "cebox_support.tui.session",
        "cebox_support.tui.helpdesk.runner",
    ],
)
def test_module_is_free_of_textual(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
