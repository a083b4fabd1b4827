"""A reverse proxy in front of the embedded helpdesk, as nginx or a load balancer sits in
front of a real GLPI: it forwards every request while the helpdesk runs and answers
with its own error page (502, 503 or 504) once the helpdesk is down — the case the
console must read as "unreachable", not as the server refusing."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

HOP_BY_HOP = {"connection", "content-length", "content-encoding", "transfer-encoding", "host"}
REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


def gateway_app(backend: str, down_status: int) -> Starlette:
    async def proxy(request: Request) -> Response:
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        try:
            async with httpx.AsyncClient(base_url=backend, timeout=10) as client:
                answer = await client.request(
                    request.method,
                    request.url.path,
                    params=list(request.query_params.multi_items()),
                    headers=headers,
                    content=await request.body(),
                )
        except httpx.TransportError:
            reason = REASONS[down_status]
            page = f"<html><head><title>{down_status} {reason}</title></head><body>"
            page += f"<center><h1>{down_status} {reason}</h1></center><hr><center>nginx</center>"
            return HTMLResponse(page + "</body></html>", status_code=down_status)
        kept = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in HOP_BY_HOP]
        response = Response(answer.content, status_code=answer.status_code)
        for k, v in kept:
            response.headers.append(k, v)
        return response

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", proxy, methods=methods)])


@dataclass
class RunningGateway:
    base_url: str
    api_url: str
    _server: Any
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def start_gateway(backend: str, down_status: int = 502) -> RunningGateway:
    from cebox_support.tui.helpdesk.runner import _free_port

    port = _free_port("127.0.0.1")
    config = uvicorn.Config(
        gateway_app(backend, down_status),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"gateway-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start")
        time.sleep(0.01)
    base_url = f"http://127.0.0.1:{port}"
    return RunningGateway(base_url, base_url + "/apirest.php", server, thread)
