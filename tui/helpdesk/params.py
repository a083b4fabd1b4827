"""Request parameter parsing with PHP semantics (``parse_str``, truthiness, json_decode)."""

from __future__ import annotations

import json
import math
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


INT_MAX = 2**63 - 1
INT_MIN = -(2**63)
#: PHP's JSON nesting limit (``json_decode``'s default depth).
JSON_MAX_DEPTH = 512
_NUMERIC = re.compile(
    r"[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*", re.ASCII
)
_LEADING_INT = re.compile(r"[ \t\n\r\v\f]*([+-]?)(\d+)(\.\d*)?([eE][+-]?\d+)?", re.ASCII)


def php_is_numeric(value: Any) -> bool:
    """PHP 8's ``is_numeric``: ASCII digits only (``"١"`` is not a number)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _NUMERIC.fullmatch(value) is not None


def _clamp(value: int) -> int:
    return max(INT_MIN, min(INT_MAX, value))


def php_intval(value: Any) -> int:
    """PHP's ``intval`` on a 64-bit server: the leading number of a string, saturated to
    the integer range (a 30-digit id is ``PHP_INT_MAX``, never an overflow), 0 when none."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return _clamp(value)
    if isinstance(value, float):
        return _clamp(int(value)) if math.isfinite(value) else 0
    if not isinstance(value, str):
        return 0
    m = _LEADING_INT.match(value)
    if m is None:
        return 0
    sign, digits, frac, exp = m.groups()
    if frac or exp:
        number = float(m.group(0))
        return _clamp(int(number)) if math.isfinite(number) else (INT_MAX if number > 0 else 0)
    digits = digits.lstrip("0") or "0"
    if len(digits) > 19:
        return INT_MIN if sign == "-" else INT_MAX
    return _clamp(int(sign + digits))


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


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _php_int(text: str) -> int | float:
    """A JSON integer past the 64-bit range is a float in PHP (and never a 5,000-digit
    ``int`` that Python refuses to build)."""
    if len(text.lstrip("-")) <= 18:
        return int(text)
    number = float(text)
    return int(text) if abs(number) < 2**63 else number


def _depth(value: Any) -> int:
    """Nesting depth of arrays and objects, counted without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > JSON_MAX_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def json_decode(body: bytes) -> Any:
    """Like PHP's json_decode: invalid → the sentinel ``INVALID``.

    Also invalid, as in PHP: ``NaN``/``Infinity``, and nesting deeper than 512 levels
    (Python's own limit would otherwise end in a RecursionError).
    """
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constant, parse_int=_php_int)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return INVALID
    if _depth(value) > JSON_MAX_DEPTH:
        return INVALID
    return value


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
