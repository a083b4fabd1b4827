"""Fault injection for the embedded helpdesk (deterministic with a seed)."""

from __future__ import annotations

import asyncio
import fnmatch
import random
import threading
import time
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

    - ``hold`` (rules as ``paths``): the answer to the first ``hold_max`` matching
      requests is held until ``FaultInjector.release()`` or ``hold_s`` seconds, after the
      helpdesk has handled (saved) the request with ``hold_after``, before otherwise
      (then, as PHP does, it is still handled if its body arrived, even when the
      client has gone meanwhile). A test reads the client's disk while a write is in
      flight, or kills the client then; ``FaultInjector.wait_held()`` says when a
      request is held, ``wait_settled()`` when it is over on the server.

    Every injected fault is written in the request log (``LogEntry.fault``).
    """

    latency_ms: int = 0
    fail_rate: float = 0.0
    fail_kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    timeout_s: float = 30.0
    paths: tuple[str, ...] = ()
    max_faults: int | None = None
    hold: tuple[str, ...] = ()
    hold_after: bool = True
    hold_s: float = 60.0
    hold_max: int | None = 1

    def __post_init__(self) -> None:
        unknown = [k for k in self.fail_kinds if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(unknown)}")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")
        if isinstance(self.paths, str):
            self.paths = (self.paths,)
        if isinstance(self.hold, str):
            self.hold = (self.hold,)
        for rule in (*self.paths, *self.hold):
            if not rule.split(" ")[-1].startswith(("/", "*")):
                raise ValueError(f"fault rule {rule!r}: expected '[METHOD ]/path/glob'")

    def targets(self, method: str, path: str) -> bool:
        """Whether a request may be faulted."""
        if not self.paths:
            return path.startswith("/apirest.php") and "initSession" not in path
        return any(_matches(rule, method, path) for rule in self.paths)

    def holds(self, method: str, path: str) -> bool:
        """Whether a request's answer may be held (see ``hold``)."""
        return any(_matches(rule, method, path) for rule in self.hold)


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
        self.held = 0
        """Requests held so far (see ``FaultConfig.hold``)."""
        self._holding = threading.Event()
        self._released = threading.Event()
        self._settled = threading.Event()

    def take_hold(self, method: str, path: str) -> bool:
        """Whether this request is to be held (counts it)."""
        cfg = self.config
        if not cfg.holds(method, path):
            return False
        with self._lock:
            if cfg.hold_max is not None and self.held >= cfg.hold_max:
                return False
            self.held += 1
            return True

    async def hold(self) -> None:
        """Wait, without blocking the server, until released or ``hold_s`` passed."""
        self._holding.set()
        deadline = time.monotonic() + self.config.hold_s
        while not self._released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def wait_held(self, timeout: float = 10.0) -> bool:
        """Block (a test's thread) until a request is being held."""
        return self._holding.wait(timeout)

    def release(self) -> None:
        """Let every held answer (and any later one) go."""
        self._released.set()

    def settled(self) -> None:
        """A held request has been handled (or given up) on the server's side."""
        self._settled.set()

    def wait_settled(self, timeout: float = 10.0) -> bool:
        """Block (a test's thread) until the held request is over on the server: what it
        saved, if anything, is saved by then."""
        return self._settled.wait(timeout)

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
