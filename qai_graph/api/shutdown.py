"""A clean stop on Ctrl-C or SIGTERM: refuse new work, finish what started, then the store.

uvicorn already stops accepting, lets HTTP requests in flight finish (for at most
``timeout_graceful_shutdown``, set from the operation deadline) and only then runs the
lifespan shutdown that closes the service and stops the embedded store (whose process
ignores the terminal's Ctrl-C; see :mod:`qai_graph.emulator.embedded`). Two things
are added here: open WebSockets are closed with 1001 (going away) rather than uvicorn's
1012, so clients reconnect elsewhere or later, and the drain is bounded by the
operation deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

logger = logging.getLogger("qai_graph.api")

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
GOING_AWAY = 1001


def drain_timeout(operation_deadline_s: float) -> int:
    """Seconds uvicorn waits for requests in flight: the operation deadline, plus one."""
    return math.ceil(operation_deadline_s) + 1


class OpenWebSockets:
    """The WebSockets accepted and not yet closed, so a stop can close them itself."""

    def __init__(self) -> None:
        self._open: dict[int, Send] = {}
        self.closing = False

    async def close_all(self, reason: str = "server shutting down") -> int:
        """Send every open WebSocket a 1001 close; returns how many."""
        self.closing = True
        sockets = list(self._open.values())
        self._open.clear()
        for send in sockets:
            with contextlib.suppress(Exception):  # a socket closing by itself meanwhile
                await send({"type": "websocket.close", "code": GOING_AWAY, "reason": reason})
        return len(sockets)


class TrackWebSockets:
    """ASGI middleware registering each accepted WebSocket in an :class:`OpenWebSockets`."""

    def __init__(self, app: Any, sockets: OpenWebSockets) -> None:
        self.app = app
        self.sockets = sockets

    async def __call__(self, scope: Message, receive: Any, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        key = id(scope)
        closed = False

        async def tracked(message: Message) -> None:
            nonlocal closed
            if closed:
                return  # closed by the stop: later frames of the app have nowhere to go
            if message["type"] == "websocket.accept":
                self.sockets._open[key] = raw_send
            elif message["type"] == "websocket.close":
                self.sockets._open.pop(key, None)
            await send(message)

        async def raw_send(message: Message) -> None:
            nonlocal closed
            closed = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        finally:
            self.sockets._open.pop(key, None)


class GracefulServer(uvicorn.Server):
    """uvicorn's server, closing open WebSockets with 1001 once it stops accepting."""

    def __init__(self, config: uvicorn.Config, sockets: OpenWebSockets | None) -> None:
        super().__init__(config)
        self.websockets = sockets

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()  # stop accepting first; uvicorn's own close is then a no-op
        if self.websockets is not None:
            closed = await self.websockets.close_all()
            if closed:
                logger.info("closed %d WebSockets with 1001 (going away)", closed)
                await asyncio.sleep(0)  # let the close frames go out
        await super().shutdown(sockets)


def run(app: Any, **options: Any) -> None:
    """``uvicorn.run(app, **options)`` with the clean stop described above."""
    sockets = getattr(app.state, "websockets", None)
    # uvicorn re-raises the signal it stopped for once stopped; as uvicorn.run does,
    # a Ctrl-C that ended a clean stop is not an error.
    with contextlib.suppress(KeyboardInterrupt):
        GracefulServer(uvicorn.Config(app, **options), sockets).run()
