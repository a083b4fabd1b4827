"""Textual's and textual-fspicker's own visible words, through our catalogue.

Textual has no gettext of its own: the key bar passes every key description through
`_()` (so "Dismiss menu" of a Select finds its French here), the command palette's
placeholder is given ours, and the file picker is built with our button labels.
"""

from __future__ import annotations

from typing import Any

from cebox_support.tui.i18n import _


def catalogue() -> tuple[str, ...]:
    """Never called for its value: lists Textual's strings for the message extractor."""
    return (
        _("Dismiss menu"),
        _("Exit the command palette"),
        _("Search for commands…"),
        _("Search for themes…"),
    )


def localize_textual() -> None:
    """Give Textual's command palette our placeholder (once; idempotent)."""
    from textual.command import CommandPalette

    init: Any = CommandPalette.__init__
    if getattr(init, "_cebox_localized", False):
        return

    def __init__(self: CommandPalette, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        placeholder = kwargs.get("placeholder")
        if placeholder in (None, "Search for commands…", "Search for themes…"):
            kwargs["placeholder"] = _(placeholder or "Search for commands…")
        init(self, *args, **kwargs)

    __init__._cebox_localized = True  # type: ignore[attr-defined]
    CommandPalette.__init__ = __init__  # type: ignore[method-assign]
