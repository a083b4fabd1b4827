"""GLPI 10's HTML sanitising of text fields as seen through the API."""

from __future__ import annotations

from typing import Any

_ENCODE = str.maketrans({"&": "&#38;", "<": "&#60;", ">": "&#62;"})


def encode(value: str) -> str:
    """Escape like GLPI's Sanitizer: ``& < >`` as numeric entities, quotes untouched."""
    return value.translate(_ENCODE)


def decode(value: str) -> str:
    """Undo :func:`encode` (what ``X-GLPI-Sanitized-Content: false`` gives)."""
    return value.replace("&#60;", "<").replace("&#62;", ">").replace("&#38;", "&")


def encode_deep(value: Any) -> Any:
    if isinstance(value, str):
        return encode(value)
    if isinstance(value, list):
        return [encode_deep(v) for v in value]
    if isinstance(value, dict):
        return {k: encode_deep(v) for k, v in value.items()}
    return value


def strip_tags(html: str) -> str:
    import re

    return re.sub(r"<[^>]*>", "", html)
