"""Embedded GLPI-10-compatible helpdesk (Starlette + SQLite), for tests and demos."""

from .clock import Clock
from .faults import FaultConfig
from .runner import RunningHelpdesk, serve_forever, start_helpdesk
from .store import Store

__all__ = ["Clock", "FaultConfig", "RunningHelpdesk", "Store", "serve_forever", "start_helpdesk"]
