"""Ctrl+G's editor (issue 24 item 9): whatever the editor does, the text typed so far
stays and the user is told what happened; a malformed $EDITOR never crashes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from cebox_support.tui.editor import edit_text


class FakeApp:
    """What edit_text needs of the app: suspend() and notify()."""

    def __init__(self, *, can_suspend: bool = True) -> None:
        self.notes: list[str] = []
        self.can_suspend = can_suspend

    @contextlib.contextmanager
    def suspend(self) -> Iterator[None]:
        if not self.can_suspend:
            from textual.app import SuspendNotSupported

            raise SuspendNotSupported("headless")
        yield

    def notify(self, message: str, **kw: Any) -> None:
        assert kw.get("markup") is False
        self.notes.append(message)


@pytest.fixture(autouse=True)
def no_editor_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


def sh(script: str) -> str:
    return f"sh -c '{script}' editor"


TYPED = "Bonjour,\nle poste ne démarre plus"


def test_a_good_editor_returns_its_text_silently() -> None:
    app = FakeApp()
    assert edit_text(app, TYPED, configured=sh('echo "merci" >> "$1"')) == TYPED + "merci\n"
    assert app.notes == []


@pytest.mark.parametrize("variable", ["EDITOR", "VISUAL"])
def test_a_malformed_editor_variable_is_named_and_the_text_kept(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, 'vim "')
    app = FakeApp()
    assert edit_text(app, TYPED) == TYPED
    assert len(app.notes) == 1 and variable in app.notes[0] and "unchanged" in app.notes[0]


def test_an_editor_that_fails_after_saving_keeps_what_it_saved() -> None:
    app = FakeApp()
    kept = edit_text(app, TYPED, configured=sh('echo "ajout" >> "$1"; exit 3'))
    assert kept == TYPED + "ajout\n"
    assert "status 3" in app.notes[0] and "kept" in app.notes[0]


def test_an_editor_that_fails_without_saving_keeps_the_typed_text() -> None:
    app = FakeApp()
    assert edit_text(app, TYPED, configured=sh("exit 1")) == TYPED
    assert "status 1" in app.notes[0] and "unchanged" in app.notes[0]
    assert "No editor could be started" not in app.notes[0]


def test_an_editor_that_deletes_its_file_keeps_the_typed_text() -> None:
    app = FakeApp()
    assert edit_text(app, TYPED, configured=sh('rm "$1"')) == TYPED
    assert "removed its file" in app.notes[0]


def test_a_missing_editor_program_is_named() -> None:
    app = FakeApp()
    assert edit_text(app, TYPED, configured="no-such-editor-xyz --wait") == TYPED
    assert "no-such-editor-xyz" in app.notes[0]


def test_a_terminal_that_cannot_be_handed_over() -> None:
    app = FakeApp(can_suspend=False)
    assert edit_text(app, TYPED, configured="true") == TYPED
    assert "unchanged" in app.notes[0]
