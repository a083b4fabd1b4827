"""Parsing of the values people type: approximate times, attachment paths, sizes.

``parse_when`` reads the way support customers write times ("hier 9h", "il y a 2h",
"28/11 14h") relative to an injected ``now`` so it is testable and never reads the
real clock. Rules, kept deliberately simple:

* a bare time ("14:30", "9h", "9am") means today, or yesterday when that time of
  today is still to come (an incident has already started);
* a day and month without a year ("28/11 14h") means this year, or last year when
  that day is still to come;
* "aujourd'hui"/"today", "hier"/"yesterday", "avant-hier" name the day explicitly;
  a date without a time means midnight;
* relative times: "il y a 2h", "il y a 1h30", "2 hours ago", "30 min ago", "3 jours";
* any result later than ``now`` is an error.

The result has ``now``'s tzinfo and no seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from cebox_support.tui.i18n import _, pgettext

_TIME = (
    r"(?P<h>\d{1,2})"
    r"(?:(?:\s*[:h]\s*(?P<m>\d{2})?)|(?=\s*(?:am|pm)))"
    r"(?::(?P<s>\d{2}))?"
    r"\s*(?P<ampm>am|pm)?"
)
_DAY_WORDS = {
    "aujourd'hui": 0,
    "aujourdhui": 0,
    "today": 0,
    "hier": 1,
    "yesterday": 1,
    "avant-hier": 2,
    "avant hier": 2,
}
_DAY_RE = "|".join(sorted((re.escape(w) for w in _DAY_WORDS), key=len, reverse=True))
_CONNECTOR = r"(?:\s+(?:à|a|at|vers|around))?\s*"

_RE_TIME_ONLY = re.compile(rf"^{_TIME}$")
_RE_DAY_WORD = re.compile(rf"^(?P<day>{_DAY_RE})(?:{_CONNECTOR}{_TIME})?$")
_RE_DAY_MONTH = re.compile(
    rf"^(?:le\s+|on\s+)?(?P<d>\d{{1,2}})/(?P<mo>\d{{1,2}})(?:/(?P<y>\d{{2}}|\d{{4}}))?"
    rf"(?:{_CONNECTOR}{_TIME})?$"
)
_RE_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ t]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)?$"
)
_UNITS = {
    "m": "minutes",
    "mn": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "heure": "hours",
    "heures": "hours",
    "hour": "hours",
    "hours": "hours",
    "j": "days",
    "d": "days",
    "jour": "days",
    "jours": "days",
    "day": "days",
    "days": "days",
}
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_AMOUNT = (
    rf"(?P<n>\d{{1,4}})\s*(?P<unit>{_UNIT_RE})(?:\s*(?P<extra>\d{{1,2}})(?:\s*(?:min|mn|m))?)?"
)
_RE_AGO = re.compile(rf"^(?:il\s+y\s+a\s+{_AMOUNT}|{_AMOUNT.replace('?P<', '?P<b_')}\s+ago)$")


def _examples() -> str:
    return _("Examples: 14:30, hier 9h, yesterday 9am, 28/11 14h, 2026-11-28 14:30, il y a 2h.")


def _clock(m: re.Match[str]) -> time:
    hour = int(m["h"])
    minute = int(m["m"] or 0)
    ampm = m["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(_("With am/pm the hour must be between 1 and 12."))
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(_("{text} is not a valid time of day.").format(text=m.group(0).strip()))
    return time(hour, minute)


def _has_time(m: re.Match[str]) -> bool:
    return m["h"] is not None


def _ago(m: re.Match[str]) -> timedelta:
    prefix = "" if m["n"] is not None else "b_"
    amount = int(m[prefix + "n"])
    unit = _UNITS[m[prefix + "unit"]]
    extra = m[prefix + "extra"]
    delta = timedelta(**{unit: amount})
    if extra is not None:
        if unit != "hours":
            raise ValueError(_("Unrecognised date or time.") + " " + _examples())
        delta += timedelta(minutes=int(extra))
    return delta


def parse_when(text: str, now: datetime) -> datetime:
    """Read an approximate past date/time; raise ValueError with a user-facing message."""
    s = " ".join(text.strip().lower().replace("’", "'").split())
    if not s:
        raise ValueError(_("No date or time given."))
    today = now.date()
    result: datetime
    if s in ("now", "maintenant"):
        result = now
    elif m := _RE_TIME_ONLY.match(s):
        result = datetime.combine(today, _clock(m), now.tzinfo)
        if result > now:
            result -= timedelta(days=1)
    elif m := _RE_DAY_WORD.match(s):
        day = today - timedelta(days=_DAY_WORDS[m["day"]])
        clock = _clock(m) if _has_time(m) else time(0, 0)
        result = datetime.combine(day, clock, now.tzinfo)
    elif m := _RE_DAY_MONTH.match(s):
        clock = _clock(m) if _has_time(m) else time(0, 0)
        day_, month = int(m["d"]), int(m["mo"])
        if m["y"]:
            year = int(m["y"])
            year += 2000 if year < 100 else 0
            result = datetime.combine(_make_date(year, month, day_), clock, now.tzinfo)
        else:
            day = _make_date(today.year, month, day_)
            if day > today:
                day = _make_date(today.year - 1, month, day_)
            result = datetime.combine(day, clock, now.tzinfo)
    elif m := _RE_ISO.match(s):
        clock = time(int(m["h"]), int(m["m"])) if m["h"] is not None else time(0, 0)
        if clock.hour > 23:
            raise ValueError(_("{text} is not a valid time of day.").format(text=s))
        result = datetime.combine(
            _make_date(int(m["y"]), int(m["mo"]), int(m["d"])), clock, now.tzinfo
        )
    elif m := _RE_AGO.match(s):
        result = now - _ago(m)
    else:
        raise ValueError(_("Unrecognised date or time.") + " " + _examples())
    result = result.replace(second=0, microsecond=0)
    if result > now:
        raise ValueError(_("That date is in the future."))
    return result


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            _("{day:02d}/{month:02d}/{year} is not a valid date.").format(
                day=day, month=month, year=year
            )
        ) from None


@dataclass(frozen=True)
class Attachment:
    """A local file checked for upload."""

    path: Path
    name: str
    size: int


class AttachmentError(ValueError):
    """A file that cannot be attached; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_MIB = 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / _MIB:.1f}".removesuffix(".0") + " " + _("MB")


def human_size(n: int) -> str:
    """Sizes the way GLPI shows them (binary multiples, labelled KB/MB/GB)."""
    if n < 1024:
        return f"{n} " + _("B")
    for unit in (_("KB"), _("MB"), _("GB")):
        n_f = n / 1024
        if n_f < 1024 or unit == _("GB"):
            number = f"{n_f:.1f}".removesuffix(".0")
            return number.replace(".", pgettext("decimal separator", ".")) + " " + unit
        n = int(n_f)
    raise AssertionError("unreachable")


def _clean_path(raw: str) -> str:
    s = raw.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        s = s[1:-1]
    if s.startswith("file://"):
        s = unquote(urlparse(s).path)
    return s


def check_attachment(path: str | Path, max_bytes: int | None) -> Attachment:
    """Check a file can be uploaded before anything is sent.

    Terminals paste dropped files quoted or as ``file://`` URIs, so both are accepted.
    """
    text = _clean_path(path) if isinstance(path, str) else str(path)
    if not text:
        raise AttachmentError(_("No file name given."))
    p = Path(text).expanduser()
    if not p.exists():
        raise AttachmentError(_("File not found: {path}").format(path=p))
    if p.is_dir():
        raise AttachmentError(_("{path} is a folder, not a file.").format(path=p))
    if not p.is_file():
        raise AttachmentError(_("{path} is not a regular file.").format(path=p))
    try:
        with p.open("rb") as fh:
            fh.read(1)
        size = p.stat().st_size
    except OSError as exc:
        raise AttachmentError(
            _("Cannot read {path}: {reason}").format(path=p, reason=exc.strerror or exc)
        ) from None
    if max_bytes is not None and size > max_bytes:
        raise AttachmentError(
            _("{name} is too big: {size}, the limit is {limit}.").format(
                name=p.name, size=_mb(size), limit=_mb(max_bytes)
            )
        )
    return Attachment(path=p.resolve(), name=p.name, size=size)
