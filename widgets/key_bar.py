"""The keys of the current screen on one line at the bottom, like Textual's Footer.

One widget drawing one line of text, where Textual's Footer mounts a widget per key
and mounts them all again whenever the bindings change: opening a ticket spent
about 70 ms mounting the footer, more than half the budget of the whole screen.
A click on a key presses it, so the mouse works as it does on the Footer.
"""

from __future__ import annotations

from typing import NamedTuple

from cebox_support.tui.i18n import _
from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget


class _Key(NamedTuple):
    start: int
    end: int
    key: str
    enabled: bool


class KeyBar(Widget):
    """Shown bindings of the active screen (enabled or dimmed), the palette key at the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._keys: list[_Key] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def _shown(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """The screen's shown bindings, one per action, and the command palette's."""
        active = self.screen.active_bindings
        shown: list[tuple[Binding, bool]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                shown.append((binding, enabled))
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            palette = (binding, enabled)
        return shown, palette

    PINNED = frozenset({"help", "app.help"})
    """Actions always shown (F1: the way to every other key), whatever the width."""

    def _fitting(self, shown: list[tuple[Binding, bool]], room: int) -> list[tuple[Binding, bool]]:
        """The keys that fit in `room` cells: the pinned ones, then the others in the
        screen's order (a screen lists its keys most important first), whole or not at all."""
        if room <= 0:
            return shown
        widths = [self._width(binding) for binding, _enabled in shown]
        keep = {i for i, (b, _e) in enumerate(shown) if b.action in self.PINNED}
        used = sum(widths[i] for i in keep)
        for i in range(len(shown)):
            if i in keep:
                continue
            if used + widths[i] > room:
                break
            keep.add(i)
            used += widths[i]
        return [item for i, item in enumerate(shown) if i in keep]

    def _width(self, binding: Binding) -> int:
        text = f" {self.app.get_key_display(binding)} "
        if binding.description:
            text += f"{_(binding.description)} "
        return cell_len(text)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        disabled_style = self.get_component_rich_style("key-bar--disabled", partial=True)
        shown, palette = self._shown()
        room = self.size.width
        if palette is not None and room:
            # the palette key stays while F1 and one other key fit beside it
            palette_width = 1 + self._width(palette[0])
            pinned = sum(self._width(b) for b, _e in shown if b.action in self.PINNED)
            if palette_width + pinned <= room:
                room -= palette_width
            else:
                palette = None
        shown = self._fitting(shown, room)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        keys: list[_Key] = []

        def add(binding: Binding, enabled: bool, text: Text) -> None:
            start = len(text)
            text.append(f" {self.app.get_key_display(binding)} ", key_style)
            if binding.description:
                # Textual's own keys ("Dismiss menu") are translated too
                text.append(f"{_(binding.description)} ", description_style)
            if not enabled:
                text.stylize(disabled_style, start)
            keys.append(_Key(start, len(text), binding.key, enabled))

        for binding, enabled in shown:
            add(binding, enabled, line)
        if palette is not None:
            right = Text("▏", no_wrap=True, end="")
            add(palette[0], palette[1], right)
            gap = self.size.width - len(line) - len(right)
            if gap > 0:
                offset = len(line) + gap
                line.append(" " * gap)
                line.append_text(right)
                last = keys.pop()
                keys.append(_Key(last.start + offset, last.end + offset, last.key, last.enabled))
        self._keys = keys
        return line

    def on_click(self, event: events.Click) -> None:
        for key in self._keys:
            if key.start <= event.x < key.end:
                event.stop()
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
