"""Load the shipped forms and the per-profile overrides without ever raising.

A profile's form directory may replace a shipped form (same ``id``) or add new ones.
A broken file must not take the console down: it is reported as a ``FormFileError``
naming file, line and problem, and the previous definition of that id stays.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cebox_support.tui.forms.schema import FormDefinition
from cebox_support.tui.i18n import _
from pydantic import ValidationError

SHIPPED_DIR = Path(__file__).parent
_TOML_LINE_RE = re.compile(r"at line (\d+)")


@dataclass
class FormFileError:
    """``message`` is complete and user-facing: "file, line N: problem"."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message


def _error(path: Path, line: int | None, problem: str) -> FormFileError:
    if line is None:
        message = _("{path}: {problem}").format(path=path, problem=problem)
    else:
        message = _("{path}, line {line}: {problem}").format(path=path, line=line, problem=problem)
    return FormFileError(path=path, line=line, message=message)


def _locate(lines: list[str], loc: tuple[int | str, ...]) -> int | None:
    """Best-effort line of a pydantic error location (tomllib keeps no positions)."""
    pos = 0
    found: int | None = None
    i = 0
    while i < len(loc):
        key = loc[i]
        if not isinstance(key, str):
            i += 1
            continue
        index = loc[i + 1] if i + 1 < len(loc) and isinstance(loc[i + 1], int) else None
        if index is not None:
            header = re.compile(rf"^\s*\[\[\s*(?:[\w.-]+\.)?{re.escape(key)}\s*\]\]")
            hits = [n for n in range(pos, len(lines)) if header.match(lines[n])]
            assert isinstance(index, int)
            if index < len(hits):
                pos = hits[index]
                found = pos + 1
                i += 2
                continue
        pattern = re.compile(
            rf"^\s*(?:{re.escape(key)}\s*=|\[\s*(?:[\w.-]+\.)?{re.escape(key)}\s*\])"
        )
        hit = next((n for n in range(pos, len(lines)) if pattern.match(lines[n])), None)
        if hit is None:
            break
        pos = hit
        found = hit + 1
        i += 1
    return found


def _load_file(path: Path) -> FormDefinition | FormFileError:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return _error(path, None, _("cannot read the file ({reason})").format(reason=exc.strerror))
    except UnicodeDecodeError:
        return _error(path, None, _("the file is not UTF-8 text"))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None and (m := _TOML_LINE_RE.search(str(exc))):
            line = int(m.group(1))
        problem = _TOML_LINE_RE.sub("", str(exc)).replace("(, column", "(column").strip()
        return _error(path, line, _("invalid TOML: {problem}").format(problem=problem))
    data.pop("source", None)
    try:
        return FormDefinition.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        where = ".".join(str(part) for part in loc)
        msg = first["msg"].removeprefix("Value error, ")
        problem = f"{where}: {msg}" if where else msg
        if len(exc.errors()) > 1:
            problem += " " + _("(and {count} more problems)").format(count=len(exc.errors()) - 1)
        return _error(path, _locate(text.splitlines(), loc), problem)


def _form_files(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.glob("*.toml") if p.is_file())
    except OSError:
        return []


def load_forms(
    extra_dirs: Sequence[Path] = (),
) -> tuple[list[FormDefinition], list[FormFileError]]:
    """Shipped forms first, then each extra directory in order; later ids replace earlier."""
    forms: dict[str, FormDefinition] = {}
    errors: list[FormFileError] = []
    for directory in (SHIPPED_DIR, *map(Path, extra_dirs)):
        if directory != SHIPPED_DIR and directory.exists() and not directory.is_dir():
            errors.append(_error(directory, None, _("not a directory")))
            continue
        seen_here: dict[str, Path] = {}
        for path in _form_files(directory):
            loaded = _load_file(path)
            if isinstance(loaded, FormFileError):
                errors.append(loaded)
                continue
            if loaded.id in seen_here:
                errors.append(
                    _error(
                        path,
                        None,
                        _("form id {id!r} is already defined by {other}").format(
                            id=loaded.id, other=seen_here[loaded.id]
                        ),
                    )
                )
                continue
            seen_here[loaded.id] = path
            forms[loaded.id] = loaded
    return list(forms.values()), errors
