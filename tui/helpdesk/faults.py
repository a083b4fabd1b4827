"""Fault injection for the embedded helpdesk (deterministic with a seed)."""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass

FAULT_KINDS = ("timeout", "500", "reset", "expired-session")


@dataclass
class FaultConfig:
    """What can go wrong, and how often.

    - ``latency_ms`` is added to every response.
    - With probability ``fail_rate`` a targeted request fails with one of ``fail_kinds``:
      ``timeout`` sleeps ``timeout_s`` before answering, ``500`` answers a GLPI-like
      500 (JSON on the API, an HTML page on the web side), ``reset`` drops the
      connection without a response, ``expired-session`` invalidates the session (the
      ``Session-Token``, or the web session cookie) — the API then answers 401
      ERROR_SESSION_TOKEN_INVALID, a web page carries on as for a signed-out browser
      (only for requests carrying a session; otherwise another kind is drawn).
    - Targeted requests: without ``paths``, every API request but ``initSession`` (the
      web pages are never faulted). With ``paths`` (opt-in), only the requests one of
      its rules names, ``initSession`` and web pages included. A rule is a glob on the
      URL path, optionally after a method: ``"/apirest.php/initSession"``,
      ``"POST /front/updatepassword.php"``, ``"POST /front/login.php"``,
      ``"/front/*.php"``, ``"PUT /apirest.php/User/*"``.
    - ``max_faults``: stop after this many injected faults (e.g. 1: fault the named
      request once, then let the retry through).

    Every injected fault is written in the request log (``LogEntry.fault``).
    """

    latency_ms: int = 0
    fail_rate: float = 0.0
    fail_kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    timeout_s: float = 30.0
    paths: tuple[str, ...] = ()
    max_faults: int | None = None

    def __post_init__(self) -> None:
        unknown = [k for k in self.fail_kinds if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(unknown)}")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")
        if isinstance(self.paths, str):
            self.paths = (self.paths,)
        for rule in self.paths:
            if not rule.split(" ")[-1].startswith(("/", "*")):
                raise ValueError(f"fault rule {rule!r}: expected '[METHOD ]/path/glob'")

    def targets(self, method: str, path: str) -> bool:
        """Whether a request may be faulted."""
        if not self.paths:
            return path.startswith("/apirest.php") and "initSession" not in path
        return any(_matches(rule, method, path) for rule in self.paths)


def _matches(rule: str, method: str, path: str) -> bool:
    wanted_method, _, glob = rule.strip().rpartition(" ")
    if wanted_method and wanted_method.upper() != method.upper():
        return False
    return fnmatch.fnmatchcase(path, glob)


class FaultInjector:
    """Draws faults from one seeded generator so a run is reproducible request by request."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._lock = threading.Lock()
        self.injected = 0

    def draw(self, *, has_session: bool) -> str | None:
        cfg = self.config
        if cfg.fail_rate <= 0 or not cfg.fail_kinds:
            return None
        with self._lock:
            roll = self._rng.random()
            if roll >= cfg.fail_rate:
                return None
            kinds = [k for k in cfg.fail_kinds if has_session or k != "expired-session"]
            if not kinds:
                return None
            if cfg.max_faults is not None and self.injected >= cfg.max_faults:
                return None
            self.injected += 1
            return kinds[self._rng.randrange(len(kinds))]
