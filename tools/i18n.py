"""Keep the French catalog in step with the code.

    python tools/i18n.py update   # extract msgids, merge into fr.po (new ones untranslated)
    python tools/i18n.py compile  # fr.po -> fr.mo (the runtime uses stdlib gettext)
    python tools/i18n.py check    # exit 1 on an untranslated or stale message

Uses babel (a test extra), never needed at run time.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("tui", "screens", "widgets")
PO = ROOT / "tui/locale/fr/LC_MESSAGES/cebox.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def extract() -> Catalog:
    catalog = Catalog(project="cebox-support", domain="cebox")
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
        ):
            if "helpdesk" in Path(filename).parts:
                continue
            catalog.add(
                message,
                locations=[(f"{source}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def load_po() -> Catalog:
    if not PO.exists():
        return Catalog(locale="fr", domain="cebox")
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr")


def update() -> None:
    template = extract()
    catalog = load_po()
    catalog.update(template, no_fuzzy_matching=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)


def compile_mo() -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, load_po(), use_fuzzy=False)
    return buffer.getvalue()


def problems() -> list[str]:
    found = []
    catalog = load_po()
    for message in extract():
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        if (
            entry is None
            or not entry.string
            or (isinstance(entry.string, tuple) and not all(entry.string))
        ):
            where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
            found.append(f"untranslated: {message.id!r} ({where})")
        elif entry.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
    if not MO.exists() or MO.read_bytes() != compile_mo():
        found.append(f"{MO.relative_to(ROOT)} is stale: run python tools/i18n.py compile")
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        MO.write_bytes(compile_mo())
    elif command == "check":
        issues = problems()
        print("\n".join(issues) or "catalog complete")
        return 1 if issues else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
