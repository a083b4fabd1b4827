"""Screenshot-like PNG pictures drawn at seed time (zlib only: no binary in the repository,
no Pillow in the helpdesk). The same arguments always give the same bytes."""

from __future__ import annotations

import struct
import zlib
from functools import cache

RGB = tuple[int, int, int]


class Canvas:
    """RGB pixels and rectangles: enough to draw a console window."""

    def __init__(self, width: int, height: int, background: RGB) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(background) * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: RGB) -> None:
        x0, x1 = max(0, x0), min(self.width, x1)
        y0, y1 = max(0, y0), min(self.height, y1)
        if x0 >= x1:
            return
        run = bytes(colour) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 3
            self.pixels[start : start + len(run)] = run

    def disc(self, cx: int, cy: int, radius: int, colour: RGB) -> None:
        for dy in range(-radius, radius + 1):
            half = int((radius * radius - dy * dy) ** 0.5)
            self.rect(cx - half, cy + dy, cx + half + 1, cy + dy + 1, colour)

    def png(self) -> bytes:
        stride = self.width * 3
        raw = b"".join(
            b"\x00" + bytes(self.pixels[y * stride : (y + 1) * stride]) for y in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 6))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def console_screenshot(width: int = 960, height: int = 540) -> bytes:
    """The ceBox administration console in a browser window, an error banner in red."""
    c = Canvas(width, height, (52, 73, 94))
    u = max(1, width // 96)  # one "unit": 10 px at 960 wide
    c.rect(0, 0, width, 3 * u, (44, 62, 80))  # browser bar
    for n, colour in enumerate(((231, 76, 60), (241, 196, 15), (46, 204, 113))):
        c.disc(2 * u + n * 2 * u, int(1.5 * u), u // 2 + 1, colour)
    c.rect(10 * u, int(0.6 * u), width - 4 * u, int(2.4 * u), (236, 240, 241))  # address
    c.rect(0, 3 * u, 18 * u, height, (33, 47, 61))  # sidebar
    for n in range(8):
        shade = (93, 173, 226) if n == 2 else (127, 140, 141)
        c.rect(2 * u, 6 * u + n * 4 * u, (14 - n % 3 * 2) * u, 7 * u + n * 4 * u, shade)
    c.rect(18 * u, 3 * u, width, height, (248, 249, 250))  # page
    c.rect(20 * u, 5 * u, 60 * u, 7 * u, (44, 62, 80))  # heading
    c.rect(20 * u, 9 * u, width - 2 * u, 13 * u, (250, 219, 216))  # error banner
    c.rect(20 * u, 9 * u, 21 * u, 13 * u, (192, 57, 43))
    c.rect(23 * u, 10 * u + u // 2, 70 * u, 11 * u + u // 2, (146, 43, 33))
    top = 16 * u
    for row in range(12):  # a table of ceBoxes
        y = top + row * 3 * u
        if y + 2 * u > height:
            break
        if row == 0:
            c.rect(20 * u, y, width - 2 * u, y + 2 * u, (214, 219, 223))
        elif row % 2 == 0:
            c.rect(20 * u, y, width - 2 * u, y + 2 * u, (242, 244, 244))
        state = (231, 76, 60) if row == 3 else (39, 174, 96)
        if row:
            c.disc(22 * u, y + u, max(2, u * 2 // 3), state)
        for col, cell in enumerate((18, 14, 10, 16)):
            x = 25 * u + col * 18 * u
            length = cell - (row * 3 + col) % 5
            right = min(x + length * u, width - 3 * u)
            c.rect(x, y + u // 2, right, y + u + u // 2, (86, 101, 115))
    return c.png()


@cache
def front_panel_photo(width: int = 480, height: int = 270) -> bytes:
    """A ceBox front panel: its four lights, the power light steady green."""
    c = Canvas(width, height, (189, 195, 199))
    c.rect(width // 12, height // 3, width - width // 12, height * 2 // 3, (40, 44, 52))
    radius = max(3, height // 24)
    for n, colour in enumerate(((46, 204, 113), (52, 152, 219), (241, 196, 15), (60, 60, 60))):
        c.disc(width // 6 + n * width // 8, height // 2, radius, colour)
    c.rect(width * 2 // 3, height // 2 - 4, width * 5 // 6, height // 2 + 4, (20, 20, 20))
    return c.png()
