"""Pictures from the server, decoded in memory for the viewer: bounded, never on disk.

Pillow is imported here, at the first picture, never at start-up: the console's cold
start and the login do not pay for it.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import TYPE_CHECKING

from cebox_support.tui.i18n import _

if TYPE_CHECKING:
    from PIL.Image import Image

FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
"""The only decoders tried: what screenshots and photos come as, nothing more exotic."""

EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".gif", ".webp", ".bmp"})

MAX_PIXELS = 36_000_000
"""An 8K screenshot (7680×4320) decodes; a 20000×20000 picture (400 MP, 1.2 GB as
RGB) is refused from its header, before any pixel is decoded."""

BACKGROUND = (32, 32, 32)
"""What shows through the transparent parts of a picture."""


class ImageRefused(Exception):
    """A picture the viewer does not show: `kind` is "too-large", "unsupported" or "corrupt"."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass(frozen=True)
class Picture:
    image: Image
    """RGB, the first frame of an animation, transparency over `BACKGROUND`."""
    format: str

    @property
    def width(self) -> int:
        return int(self.image.width)

    @property
    def height(self) -> int:
        return int(self.image.height)


def is_image(filename: str, mime: str = "") -> bool:
    """A document the viewer can try: by its MIME type, else by its extension."""
    if mime.lower().startswith("image/"):
        return mime.lower().split(";")[0].strip() != "image/svg+xml"
    return PurePath(filename.lower()).suffix in EXTENSIONS


def load_decoder() -> None:
    """Import Pillow and its screenshot decoders (run in a thread while the picture
    downloads, so the decode does not wait for them)."""
    from PIL import Image as PILImage

    PILImage.preinit()


def decode(data: bytes, *, max_pixels: int = MAX_PIXELS) -> Picture:
    """`data` as an RGB picture, or ImageRefused saying why not.

    The size is read from the header and checked before the pixels are decoded (Pillow's
    own decompression-bomb check is kept as a second guard); only `FORMATS` are tried.
    """
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise ImageRefused(
            _("Not a picture this console can show (PNG, JPEG, GIF, WebP or BMP)."),
            kind="unsupported",
        ) from None
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as bomb:
        # "Image size (400000000 pixels) exceeds limit…": the header's size, as a count
        found = re.search(r"\((\d+) pixels\)", str(bomb))
        raise _too_large(None, int(found.group(1)) if found else None) from None
    except Exception:  # a header Pillow chokes on
        raise _corrupt() from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _corrupt()
    if width * height > max_pixels:
        raise _too_large((width, height), width * height)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image.seek(0)
            image.load()
            rgb = _flatten(image)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_large((width, height), width * height) from None
    except Exception:  # truncated, bad CRC, bad Huffman table…: Pillow raises many kinds
        raise _corrupt() from None
    return Picture(image=rgb, format=str(image.format or ""))


def _flatten(image: Image) -> Image:
    from PIL import Image as PILImage

    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        back = PILImage.new("RGB", rgba.size, BACKGROUND)
        back.paste(rgba, mask=rgba.getchannel("A"))
        return back
    return image.convert("RGB")


def _too_large(size: tuple[int, int] | None, pixels: int | None) -> ImageRefused:
    limit = MAX_PIXELS // 1_000_000
    if size is not None:
        message = _(
            "This picture is too large to show here ({width}×{height} pixels, over {limit} "
            "million)."
        ).format(width=size[0], height=size[1], limit=limit)
    elif pixels is not None:
        message = _(
            "This picture is too large to show here ({millions} million pixels, over {limit} "
            "million)."
        ).format(millions=pixels // 1_000_000, limit=limit)
    else:
        message = _("This picture is too large to show here.")
    return ImageRefused(message, kind="too-large")


def _corrupt() -> ImageRefused:
    return ImageRefused(_("This picture is damaged and cannot be shown."), kind="corrupt")
