"""Request parameter parsing with PHP semantics (``parse_str``, truthiness, json_decode)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[]+)((?:\[[^\]]*\])*)")


def php_parse_str(query: str) -> dict[str, Any]:
    """``a[b][]=1`` → ``{"a": {"b": {"0": "1"}}}`` (PHP arrays as ordered dicts)."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        m = _KEY.match(key)
        if not m:
            continue
        base = m.group(1).replace(".", "_").replace(" ", "_")
        subkeys = re.findall(r"\[([^\]]*)\]", m.group(2))
        if not subkeys:
            result[base] = value
            continue
        cur = result
        keys = [base, *subkeys]
        for i, k in enumerate(keys):
            last = i == len(keys) - 1
            if k == "" and i > 0:
                k = str(sum(1 for x in cur if str(x).isdigit()))
            if last:
                cur[k] = value
            else:
                nxt = cur.get(k)
                if not isinstance(nxt, dict):
                    nxt = {}
                    cur[k] = nxt
                cur = nxt
    return result


def php_truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def filter_bool(value: Any) -> bool:
    """PHP ``filter_var(…, FILTER_VALIDATE_BOOLEAN)``."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "on", "yes")


_MISSING = object()


def json_decode(body: bytes) -> Any:
    """Like PHP's json_decode: invalid → the sentinel ``INVALID``."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return INVALID


class _Invalid:
    def __bool__(self) -> bool:
        return False


INVALID = _Invalid()


def php_json_truthy(value: Any) -> bool:
    """PHP truthiness of a decoded JSON value (objects are always true)."""
    if isinstance(value, dict):
        return True
    if isinstance(value, _Invalid):
        return False
    return bool(value)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    return [value]
