"""A scriptable HTTP server for the hostile-server tests: any status, headers, body, timing.

The embedded helpdesk behaves like GLPI; this one behaves like whatever a test says: it
answers each request with the `Reply` its handler returns, byte by byte if asked, with
pauses, lying headers, or a huge or compressed body. Raw asyncio sockets in a thread,
bound to 127.0.0.1 only, so nothing the client does is smoothed over by a framework.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    path: str
    """Path below the server root, without the query string (e.g. "/apirest.php/Ticket/1")."""
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    @property
    def route(self) -> str:
        """The path after `apirest.php/` (e.g. "Ticket/1")."""
        return self.path.split("apirest.php/", 1)[-1]


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds before the status line."""
    trickle: float = 0.0
    """Seconds between chunks of `body` (an iterable is sent chunk by chunk)."""
    chunk: int = 0
    """Split a bytes body into chunks of this size (with `trickle`)."""
    length: int | None = None
    """Content-Length to announce (a lie if it differs); None: the real one, or (a
    generated body) none, the connection closing at the end."""

    @classmethod
    def json(cls, value: Any, status: int = 200, **kwargs: Any) -> Reply:
        headers = {"Content-Type": "application/json; charset=UTF-8", **kwargs.pop("headers", {})}
        raw = value if isinstance(value, bytes | str) else json.dumps(value)
        body = raw.encode() if isinstance(raw, str) else raw
        return cls(status=status, body=body, headers=headers, **kwargs)

    @classmethod
    def gzip_bomb(cls, size: int, **kwargs: Any) -> Reply:
        """`size` zero bytes, gzip-compressed on the wire (a few KB per MB)."""
        headers = {"Content-Encoding": "gzip", **kwargs.pop("headers", {})}
        return cls(body=gzip.compress(b"\0" * size, 9), headers=headers, **kwargs)


Handler = Callable[[Request], Reply]


class FakeServer:
    """`with FakeServer(handler) as server:` then point a client at `server.api_url`."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/apirest.php"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(5)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            while True:
                request = await self._read(reader)
                if request is None:
                    break
                self.requests.append(request)
                await self._write(writer, self.handler(request))
        with contextlib.suppress(Exception):
            writer.close()

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> Request | None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        body = b""
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        parts = urlsplit(target)
        return Request(method, parts.path, parse_qsl(parts.query), headers, body)

    async def _write(self, writer: asyncio.StreamWriter, reply: Reply) -> None:
        if reply.delay:
            await asyncio.sleep(reply.delay)
        chunks = _chunks(reply)
        headers = dict(reply.headers)
        if reply.length is not None:
            headers["Content-Length"] = str(reply.length)
        elif isinstance(reply.body, bytes):
            headers["Content-Length"] = str(len(reply.body))
        else:  # a generated body: its end is the end of the connection
            headers["Connection"] = "close"
        head = f"HTTP/1.1 {reply.status} X\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )
        writer.write(head.encode("latin-1") + b"\r\n")
        await writer.drain()
        async for chunk in _paced(chunks, reply.trickle):
            writer.write(chunk)
            await writer.drain()
        if "Connection" in headers:
            writer.close()
            raise ConnectionResetError  # ends this connection's loop


def _chunks(reply: Reply) -> Iterable[bytes]:
    if isinstance(reply.body, bytes):
        if reply.chunk:
            return [reply.body[i : i + reply.chunk] for i in range(0, len(reply.body), reply.chunk)]
        return [reply.body]
    return reply.body


async def _paced(chunks: Iterable[bytes], pause: float) -> AsyncIterator[bytes]:
    for i, chunk in enumerate(chunks):
        if i and pause:
            await asyncio.sleep(pause)
        yield chunk
