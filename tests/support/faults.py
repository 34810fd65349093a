"""Fault injection for the API tests: a loopback TCP proxy the test can cut, and
botocore event handlers that answer DynamoDB requests with errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from aiobotocore.awsrequest import AioAWSResponse

from qai_graph.memory.service import MemoryService


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target. ``cut()`` makes the target unreachable:
    open connections are dropped and new ones are accepted but never answered (a
    black hole, the slowest failure: only timeouts notice it). ``restore()`` forwards again.
    """

    def __init__(self, target_url: str, *, refuse: bool = False) -> None:
        self.refuse = refuse  # when cut: reset new connections at once instead of a black hole
        parts = urlsplit(target_url)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.server: asyncio.Server | None = None
        self.port = 0
        self.cut_now = False
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """The proxy's endpoint URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close the listener and every connection."""
        self._drop_all()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task

    def cut(self) -> None:
        """From now on nothing gets through, and open connections are dropped."""
        self.cut_now = True
        self._drop_all()

    def restore(self) -> None:
        """Forward again."""
        self.cut_now = False

    def _drop_all(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            if self.cut_now:
                if not self.refuse:
                    await self._swallow(reader)
                return
            up_reader, up_writer = await asyncio.open_connection(*self.target)
            self._writers.add(up_writer)
            await asyncio.gather(
                self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
            )
        except (ConnectionError, OSError):
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.transport.abort()

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        # Read and drop until the client gives up (a black hole never answers).
        while await reader.read(65536):
            pass

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                if self.cut_now:
                    return
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()


class _Body:
    """The raw body of an injected response (aiobotocore reads it with ``await read()``)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self) -> bytes:
        return self._body


def dynamodb_error(code: str, message: str, status: int = 400, **extra: Any) -> AioAWSResponse:
    """An HTTP response as DynamoDB sends for error ``code``."""
    body = json.dumps(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message, **extra}
    ).encode()
    headers = {"content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "injected"}
    return AioAWSResponse("http://injected", status, headers, _Body(body))


class ErrorInjector:
    """Answers some DynamoDB requests with an error before they are sent.

    It hooks ``before-send``, which runs inside botocore's retry loop: an injected
    throttle is seen by the configured retry mode exactly like DynamoDB's own (a hook
    on ``before-call`` would bypass the retries altogether). ``decide(operation, n)``
    gets the operation name and how many requests it has seen; it returns the error
    response to send, or None to let the request through.
    """

    def __init__(
        self, service: MemoryService, decide: Callable[[str, int], AioAWSResponse | None]
    ) -> None:
        self.decide = decide
        self.seen = 0
        self.injected: dict[str, int] = {}
        self._events = service.store.client.meta.events
        self._events.register("before-send.dynamodb", self._before_send)

    def _before_send(self, request: Any, **_: Any) -> AioAWSResponse | None:
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else target).split(".")[-1]
        self.seen += 1
        response = self.decide(operation, self.seen)
        if response is not None:
            self.injected[operation] = self.injected.get(operation, 0) + 1
        return response

    def remove(self) -> None:
        """Stop injecting."""
        self._events.unregister("before-send.dynamodb", self._before_send)

    @property
    def total(self) -> int:
        """Errors injected so far."""
        return sum(self.injected.values())


def throttling() -> AioAWSResponse:
    """DynamoDB's throttling answer (retried by botocore's standard and adaptive modes)."""
    return dynamodb_error("ThrottlingException", "Rate of requests exceeds the allowed throughput.")
