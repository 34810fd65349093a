"""Helpers of the API tests: a real uvicorn server, a GraphQL HTTP client, WebSocket clients."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from qai_graph.app import create_app
from qai_graph.cli.serving import proxy_options
from qai_graph.config import MemoryConfig
from qai_graph.memory.events.bus import InProcessEventBus
from qai_graph.memory.service import MemoryService
from tests.support.stopping import stopped

ConfigFactory = Callable[..., MemoryConfig]
"""Builds the test's MemoryConfig with overrides (the ``make_config`` fixture)."""

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class GraphQLClient:
    """POSTs operations to /graphql."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """The whole response body."""
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, **kwargs
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of an operation that must succeed."""
        body = await self.execute(query, variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The one error of an operation that must fail."""
        body = await self.execute(query, variables)
        assert body.get("errors"), body
        assert len(body["errors"]) == 1, body["errors"]
        error: dict[str, Any] = body["errors"][0]
        return error


@dataclass
class RunningApp:
    """An app served by uvicorn on a loopback port."""

    app: Starlette
    base_url: str
    client: GraphQLClient

    @property
    def ws_url(self) -> str:
        """The WebSocket URL of /graphql."""
        return self.base_url.replace("http://", "ws://") + "/graphql"

    @property
    def service(self) -> MemoryService:
        """The app's MemoryService (owned by its lifespan)."""
        service: MemoryService = self.app.state.service
        return service

    @property
    def bus(self) -> InProcessEventBus:
        """The app's event bus."""
        bus: InProcessEventBus = self.app.state.bus
        return bus

    async def wait_for_subscribers(self, count: int, within: float = 5.0) -> None:
        """Wait until ``count`` subscriptions listen on the bus."""
        deadline = time.monotonic() + within
        while self.bus.subscriber_count < count:
            assert time.monotonic() < deadline, f"{self.bus.subscriber_count} subscribers"
            await asyncio.sleep(0.01)


@asynccontextmanager
async def serve(
    config: MemoryConfig, port: int = 0, **app_options: Any
) -> AsyncIterator[RunningApp]:
    """Serve ``create_app(config)`` with uvicorn in this event loop until the block ends.

    ``port`` 0 picks a free one; a given port lets a test restart the service in place.
    """
    app = create_app(config, **app_options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    # Proxy headers as `qai-graph serve` sets them (trusted from config's proxies only).
    options = {"log_level": "warning", "lifespan": "on", "timeout_graceful_shutdown": 2}
    server = uvicorn.Server(uvicorn.Config(app, **options, **proxy_options(config)))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before starting")
            await asyncio.sleep(0.01)
        base_url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:
            yield RunningApp(app, base_url, GraphQLClient(http))
    finally:
        server.should_exit = True
        try:
            await stopped(task, "uvicorn serving the app")
        finally:
            sock.close()


@dataclass
class WSClient:
    """A GraphQL WebSocket client speaking graphql-transport-ws or legacy graphql-ws."""

    ws: ClientConnection
    protocol: str
    pings: int = 0
    keep_alives: int = 0
    _ids: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)

    async def init(self) -> None:
        """connection_init, then wait for the ack."""
        await self.send({"type": "connection_init", "payload": {}})
        message = await self.receive(5)
        assert message["type"] == "connection_ack", message

    async def send(self, message: dict[str, Any]) -> None:
        """Send one protocol message."""
        await self.ws.send(json.dumps(message))

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """Start an operation; returns its id."""
        self._ids += 1
        op_id = str(self._ids)
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": op_id, "type": kind, "payload": payload})
        return op_id

    async def receive(self, within: float) -> dict[str, Any]:
        """The next message that is not a keep-alive (pings are answered)."""
        deadline = time.monotonic() + within
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
            self.seen.append(message)
            if message["type"] == "ping":
                self.pings += 1
                await self.send({"type": "pong"})
            elif message["type"] == "ka":
                self.keep_alives += 1
            else:
                return message

    async def next_data(self, within: float = 5.0) -> dict[str, Any]:
        """The data of the next result (``next`` or legacy ``data``)."""
        message = await self.receive(within)
        assert message["type"] in ("next", "data"), message
        assert not message["payload"].get("errors"), message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def expect_silence(self, seconds: float) -> None:
        """Fail if a result arrives within ``seconds``."""
        try:
            message = await self.receive(seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message {message}")


@asynccontextmanager
async def ws_client(
    url: str, protocol: str = TRANSPORT_WS, origin: str | None = None
) -> AsyncIterator[WSClient]:
    """A connected, acknowledged WebSocket client (``origin``: as a browser page on it)."""
    async with connect(url, subprotocols=[protocol], origin=origin) as ws:  # type: ignore[list-item,arg-type]
        client = WSClient(ws, protocol)
        await client.init()
        yield client


@dataclass
class Call:
    """One DynamoDB request seen by the botocore event hooks."""

    operation: str
    params: dict[str, Any]
    start: float
    end: float = float("inf")


class RequestLog:
    """Records every DynamoDB request a service's client makes (botocore event hooks)."""

    def __init__(self, service: MemoryService) -> None:
        self.calls: list[Call] = []
        self._open: dict[int, Call] = {}
        events = service.store.client.meta.events
        events.register("before-call.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def _before(self, model: Any, params: Any, context: Any, **_: Any) -> None:
        body = params.get("body") or b"{}"
        call = Call(model.name, json.loads(body), time.monotonic())
        self.calls.append(call)
        self._open[id(context)] = call

    def _after(self, context: Any, **_: Any) -> None:
        call = self._open.pop(id(context), None)
        if call is not None:
            call.end = time.monotonic()

    def clear(self) -> None:
        """Forget what was recorded."""
        self.calls.clear()

    def operations(self) -> list[str]:
        """The operation names in order."""
        return [c.operation for c in self.calls]

    def waves(self) -> int:
        """Groups of requests where each group starts after the previous one finished."""
        waves, end = 0, float("-inf")
        for call in sorted(self.calls, key=lambda c: c.start):
            if call.start >= end:
                waves += 1
                end = call.end
            else:
                end = max(end, call.end)
        return waves
