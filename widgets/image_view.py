"""A picture drawn with Unicode half-blocks: two pixels per cell, any terminal, tmux too.

Only the part in view is resized and drawn (Pillow does the resampling), so zooming
into a large screenshot costs what one window of cells costs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from PIL.Image import Image

ZOOM_STEP = 1.5
MAX_SCALE = 4.0
"""At most four cells' half-rows for one pixel of the picture: enough to read a pixel."""


class ImageView(Widget, can_focus=True):
    """`image` (RGB) fitted to the widget, or zoomed around the centre of the view."""

    DEFAULT_CSS = """
    ImageView { width: 1fr; height: 1fr; }
    """

    class Changed(Message):
        """The zoom or the view moved (the screen's title shows the zoom)."""

        def __init__(self, view: ImageView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, image: Image, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.image = image
        self.zoom: float | None = None
        """Output pixels per picture pixel; None fits the picture to the view."""
        self.centre = (image.width / 2, image.height / 2)
        """The picture point at the middle of the view."""
        self._strips: list[Strip] = []
        self._drawn_for: tuple[object, ...] | None = None

    # -- geometry ------------------------------------------------------------------

    @property
    def view_pixels(self) -> tuple[int, int]:
        """The view in half-block pixels: one per column, two per row."""
        return max(1, self.size.width), max(1, self.size.height * 2)

    @property
    def fit_scale(self) -> float:
        width, height = self.view_pixels
        return min(width / self.image.width, height / self.image.height)

    @property
    def scale(self) -> float:
        return self.fit_scale if self.zoom is None else self.zoom

    @property
    def fitted(self) -> bool:
        return self.zoom is None

    @property
    def percent(self) -> int:
        """The zoom as a share of the picture's pixels shown (100: one pixel per half-cell)."""
        return max(1, round(self.scale * 100))

    def zoom_in(self) -> None:
        self._set_scale(min(max(self.scale * ZOOM_STEP, self.fit_scale), MAX_SCALE))

    def zoom_out(self) -> None:
        scale = self.scale / ZOOM_STEP
        if scale <= self.fit_scale:
            self.fit()
        else:
            self._set_scale(scale)

    def actual_size(self) -> None:
        """One picture pixel per half-cell."""
        self._set_scale(1.0)

    def fit(self) -> None:
        self.zoom = None
        self.centre = (self.image.width / 2, self.image.height / 2)
        self._changed()

    def pan(self, columns: float, rows: float) -> None:
        """Move by a share of the view (0.25: a quarter of its width or height)."""
        width, height = self.view_pixels
        x, y = self.centre
        self.centre = (x + columns * width / self.scale, y + rows * height / self.scale)
        self._changed()

    def _set_scale(self, scale: float) -> None:
        self.zoom = scale
        self._changed()

    def _changed(self) -> None:
        self._clamp()
        self._drawn_for = None
        self.refresh()
        self.post_message(self.Changed(self))

    def _clamp(self) -> None:
        """Keep the picture in view: a picture narrower than the view stays centred."""
        width, height = self.view_pixels
        scale = self.scale
        x, y = self.centre
        half_w, half_h = width / scale / 2, height / scale / 2
        iw, ih = self.image.width, self.image.height
        x = iw / 2 if half_w * 2 >= iw else min(max(x, half_w), iw - half_w)
        y = ih / 2 if half_h * 2 >= ih else min(max(y, half_h), ih - half_h)
        self.centre = (x, y)

    def on_resize(self) -> None:
        self._clamp()
        self._drawn_for = None
        self.post_message(self.Changed(self))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    # -- drawing -------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        key = (self.size, self.scale, self.centre, self.rich_style)
        if key != self._drawn_for:
            self._strips = self._draw()
            self._drawn_for = key
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _draw(self) -> list[Strip]:
        from PIL import Image as PILImage

        columns, rows = self.size.width, self.size.height
        if columns <= 0 or rows <= 0:
            return []
        view_w, view_h = self.view_pixels
        scale = self.scale
        shown_w = min(view_w, max(1, math.floor(self.image.width * scale)))
        shown_h = min(view_h, max(1, math.floor(self.image.height * scale)))
        shown_h += shown_h % 2
        x, y = self.centre
        box = (
            max(0.0, x - shown_w / scale / 2),
            max(0.0, y - shown_h / scale / 2),
            min(float(self.image.width), x + shown_w / scale / 2),
            min(float(self.image.height), y + shown_h / scale / 2),
        )
        resample = PILImage.Resampling.BOX if scale < 1 else PILImage.Resampling.NEAREST
        # reducing_gap: a large shrink first halves in whole pixels (fast), then resamples
        part = self.image.resize((shown_w, shown_h), resample=resample, box=box, reducing_gap=2.0)
        pixels = part.tobytes()
        left = (columns - shown_w) // 2
        top = (rows - shown_h // 2) // 2
        base = self.rich_style
        blank = Strip.blank(columns, base)
        styles: dict[bytes, Style] = {}
        colours: dict[bytes, Color] = {}

        def colour(rgb: bytes) -> Color:
            found = colours.get(rgb)
            if found is None:
                found = colours[rgb] = Color.from_rgb(rgb[0], rgb[1], rgb[2])
            return found

        stride = shown_w * 3
        strips = [blank] * top
        right = columns - left - shown_w
        for row in range(shown_h // 2):
            upper = pixels[2 * row * stride : (2 * row + 1) * stride]
            lower = pixels[(2 * row + 1) * stride : (2 * row + 2) * stride]
            segments = [Segment(" " * left, base)] if left else []
            run_key = b""
            run = 0
            for col in range(0, stride, 3):
                key = upper[col : col + 3] + lower[col : col + 3]
                if key == run_key:
                    run += 1
                    continue
                if run:
                    segments.append(Segment("▀" * run, styles[run_key]))
                run_key, run = key, 1
                if key not in styles:
                    styles[key] = Style(color=colour(key[:3]), bgcolor=colour(key[3:]))
            if run:
                segments.append(Segment("▀" * run, styles[run_key]))
            if right > 0:
                segments.append(Segment(" " * right, base))
            strips.append(Strip(segments, columns))
        strips.extend([blank] * (rows - len(strips)))
        return strips
