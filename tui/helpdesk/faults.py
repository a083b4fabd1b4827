"""Fault injection for the embedded helpdesk (deterministic with a seed)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

FAULT_KINDS = ("timeout", "500", "reset", "expired-session")


@dataclass
class FaultConfig:
    """What can go wrong, and how often.

    - ``latency_ms`` is added to every response.
    - With probability ``fail_rate`` an API request (not ``initSession``; the web pages
      are never faulted) fails with one of ``fail_kinds``:
      ``timeout`` sleeps ``timeout_s`` before answering, ``500`` answers a GLPI-like
      500, ``reset`` drops the connection without a response, ``expired-session``
      invalidates the session and answers 401 ERROR_SESSION_TOKEN_INVALID (only for
      requests carrying a session token; otherwise another kind is drawn).
    """

    latency_ms: int = 0
    fail_rate: float = 0.0
    fail_kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        unknown = [k for k in self.fail_kinds if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(unknown)}")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")


class FaultInjector:
    """Draws faults from one seeded generator so a run is reproducible request by request."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._lock = threading.Lock()

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
            return kinds[self._rng.randrange(len(kinds))]
