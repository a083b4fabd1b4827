"""Run the helpdesk: in a background thread for tests, or in the foreground as
``cebox-support demo-server``."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from .clock import Clock
from .faults import FAULT_KINDS, FaultConfig
from .seed import DEMO_ACCOUNTS, seed_accounts, seed_demo
from .server import LogEntry, ServerState, create_app
from .store import Store
from .versions import DEFAULT_VERSION, VERSIONS, GlpiVersion


@dataclass
class RunningHelpdesk:
    base_url: str
    api_url: str
    store: Store
    clock: Clock
    request_log: list[LogEntry]
    faults: FaultConfig | None
    _server: Any = field(repr=False, default=None)
    _thread: threading.Thread | None = field(repr=False, default=None)
    _state: ServerState | None = field(repr=False, default=None)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def set_faults(self, faults: FaultConfig | None) -> None:
        """Change fault injection live (a new seeded generator each time)."""
        self.faults = faults
        if self._state is not None:
            self._state.set_faults(faults)

    def fail_form_submissions_after_saving(self, count: int = 1) -> None:
        """GLPI 11: the next ``count`` ``/Form/SubmitAnswers`` create their ticket, then
        answer ``500 {"errors": []}``."""
        from .native_forms import fail_submissions_after_saving

        fail_submissions_after_saving(self.store, count)

    def wait_held(self, timeout: float = 10.0) -> bool:
        """Block until a request named by ``FaultConfig.hold`` is being held."""
        injector = self._state.injector if self._state is not None else None
        return injector is not None and injector.wait_held(timeout)

    def release(self, *, wait: bool = True) -> None:
        """Let the held answers go (see ``FaultConfig.hold``); with ``wait``, returns
        once the held request is over on the server (saved or not)."""
        if self._state is not None and self._state.injector is not None:
            self._state.injector.release()
            if wait:
                self._state.injector.wait_settled()

    def clear_log(self) -> None:
        self.request_log.clear()

    def __enter__(self) -> RunningHelpdesk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _prepare_store(
    db_path: str | None,
    demo: bool,
    empty: bool,
    clock: Clock,
    glpi_version: GlpiVersion | str | None = None,
) -> Store:
    store = Store(db_path, version=glpi_version)
    store.clock = clock
    fresh = store.scalar("SELECT COUNT(*) FROM glpi_users") == 0
    seed_accounts(store)
    if fresh and demo and not empty:
        seed_demo(store, clock)
    return store


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def start_helpdesk(
    *,
    db_path: str | None = None,
    demo: bool = True,
    empty: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
    autoclose_days: int = 7,
    faults: FaultConfig | None = None,
    clock: Clock | None = None,
    formcreator: bool = True,
    glpi_version: GlpiVersion | str | None = None,
) -> RunningHelpdesk:
    """Start uvicorn in a daemon thread; returns once the port accepts connections.

    ``glpi_version`` ("10.0" by default, see ``versions.VERSIONS``) picks the GLPI
    behaviour the helpdesk plays.
    """
    clock = clock or Clock()
    store = _prepare_store(db_path, demo, empty, clock, glpi_version)
    app = create_app(
        store, clock=clock, autoclose_days=autoclose_days, faults=faults, formcreator=formcreator
    )
    state: ServerState = app.state.helpdesk
    if port == 0:
        port = _free_port(host)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        date_header=False,
        server_header=False,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"helpdesk-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"helpdesk did not start on {host}:{port}")
        time.sleep(0.01)
    shown = f"[{host}]" if ":" in host else host
    base_url = f"http://{shown}:{port}"
    return RunningHelpdesk(
        base_url=base_url,
        api_url=base_url + "/apirest.php",
        store=store,
        clock=clock,
        request_log=state.request_log,
        faults=faults,
        _server=server,
        _thread=thread,
        _state=state,
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_forever(argv: list[str] | None = None) -> int:
    """``cebox-support demo-server``: serve the embedded helpdesk until Ctrl+C."""
    parser = argparse.ArgumentParser(
        prog="cebox-support demo-server",
        description="Serve a GLPI-compatible demo helpdesk (REST API + password pages).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--db", default=None, help="SQLite file (default: in memory)")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument("--fail-kinds", default=",".join(FAULT_KINDS))
    parser.add_argument(
        "--fail-path",
        action="append",
        default=[],
        metavar="RULE",
        help="fault only these requests ('[METHOD ]/path/glob', e.g. 'POST /front/login.php')",
    )
    parser.add_argument(
        "--hold",
        action="append",
        default=[],
        metavar="RULE",
        help="hold the answer to the first such request ('[METHOD ]/path/glob') for "
        "--hold-seconds, after saving it (a write cut off in flight)",
    )
    parser.add_argument("--hold-seconds", type=float, default=60.0)
    parser.add_argument(
        "--hold-before", action="store_true", help="hold --hold requests before saving them"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--autoclose-days", type=int, default=7)
    parser.add_argument("--empty", action="store_true", help="accounts only, no demo tickets")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    parser.add_argument(
        "--no-formcreator",
        action="store_true",
        help="serve a GLPI without the Formcreator plugin (the console uses its own forms)",
    )
    parser.add_argument(
        "--document-max-size",
        type=int,
        default=None,
        metavar="MB",
        help="largest accepted upload in MB (GLPI's default: 2)",
    )
    parser.add_argument(
        "--allow-upload",
        action="append",
        default=[],
        metavar="EXT",
        help="also accept this file extension (e.g. log); GLPI accepts 72 types by default",
    )
    parser.add_argument(
        "--forms-fail-after-submit",
        type=int,
        default=0,
        metavar="N",
        help="GLPI 11: the next N native form submissions create their ticket, then answer"
        " 500 with no message",
    )
    parser.add_argument(
        "--glpi-version",
        default=DEFAULT_VERSION,
        choices=sorted(VERSIONS),
        help="GLPI behaviour to reproduce (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if not _is_loopback(args.host) and not args.allow_remote:
        print(
            f"Refusing to listen on {args.host}: the demo accounts have public passwords."
            " Use --allow-remote if you really mean it.",
            file=sys.stderr,
        )
        return 2
    kinds = tuple(k.strip() for k in args.fail_kinds.split(",") if k.strip())
    try:
        faults = None
        if args.latency_ms or args.fail_rate or args.hold:
            faults = FaultConfig(
                latency_ms=args.latency_ms,
                fail_rate=args.fail_rate,
                fail_kinds=kinds,
                seed=args.seed,
                paths=tuple(args.fail_path),
                hold=tuple(args.hold),
                hold_after=not args.hold_before,
                hold_s=args.hold_seconds,
            )
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    clock = Clock()
    store = _prepare_store(args.db, True, args.empty, clock, args.glpi_version)
    if args.document_max_size is not None:
        store.document_max_size_mb = args.document_max_size
    if args.allow_upload:
        store.upload_extensions = [*store.upload_extensions, *args.allow_upload]
    if args.forms_fail_after_submit:
        from .native_forms import fail_submissions_after_saving

        fail_submissions_after_saving(store, args.forms_fail_after_submit)
    app = create_app(
        store,
        clock=clock,
        autoclose_days=args.autoclose_days,
        faults=faults,
        formcreator=not args.no_formcreator,
    )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"GLPI API URL: http://{shown}:{args.port}/apirest.php")
    print(f"Web root:     http://{shown}:{args.port}/")
    print("Demo accounts (login / password — profile):")
    for login, password, profile, _uid in DEMO_ACCOUNTS:
        print(f"  {login:<10} / {password:<9} — {profile}")
    print("Press Ctrl+C to stop.", flush=True)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        lifespan="off",
        date_header=False,
        server_header=False,
    )
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run()
    store.close()
    return 0
