"""Pre-authentication limits: WebSockets that have not sent a valid ``connection_init``.

A socket costs memory and a file descriptor from its handshake on, before anyone knows
who is calling, so unauthenticated sockets are capped per client address
(``QAI_MEMORY_WS_MAX_UNAUTHENTICATED_PER_ADDRESS``) and in total
(``QAI_MEMORY_WS_MAX_UNAUTHENTICATED``): a handshake over either cap is refused (HTTP
403) before it is accepted. A socket gives its slot back as soon as its key is admitted
or it closes, and one that has not authenticated within ``QAI_MEMORY_WS_INIT_TIMEOUT_S``
is closed (4408) on both subprotocols. Strawberry's default wait is 60 s on
graphql-transport-ws and none at all on legacy graphql-ws.

Memory after a flood: each handshake, accepted or refused, leaves freed heap behind
(uvicorn's buffers, the protocol objects, their tracebacks' cycles) that glibc keeps in
its arenas. Once no unauthenticated socket is open and at least :data:`TRIM_AFTER`
handshakes came since the last trim, the gate collects cycles and calls ``malloc_trim``,
so RSS returns to its baseline (``qai-graph serve`` runs under glibc's malloc for this:
``cli/serving.py``). A flood that is mostly refused (one address over its cap, so few
sockets are ever open at once) counts as much as one that is accepted: before, it was
never trimmed and each such flood of 1,000 left ~10-30 MB more (bench/RESULTS.md).

The address is the one uvicorn gives (``scope["client"]``): behind a proxy trusted with
``--forwarded-allow-ips``, the client's from ``X-Forwarded-For`` (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import functools
import gc
import logging
import time
from collections import Counter
from typing import Any

from starlette.websockets import WebSocket
from strawberry.types.unset import UNSET

logger = logging.getLogger("qai_graph.api")


TRIM_AFTER = 64
"""Handshakes (accepted or refused) since the last trim that make the next one due."""
TRIM_DELAY_S = 1.0
"""How long after the last unauthenticated socket closed: its connection is gone by then."""


def release_free_memory() -> None:
    """Collect the sockets' reference cycles, then glibc's malloc_trim(0): free heap
    pages go back to the OS (a no-op elsewhere)."""
    started = time.perf_counter()
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    logger.debug("heap trimmed after a burst of sockets in %.1f ms", _ms_since(started))


@functools.cache
def _malloc_trim() -> Any:
    """glibc's malloc_trim, or None; looked up once (find_library runs ldconfig)."""
    name = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(name), "malloc_trim", None) if name is not None else None


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


class PreAuthTicket:
    """One unauthenticated socket's slot; ``release`` gives it back once."""

    def __init__(self, slots: PreAuthSlots, address: str) -> None:
        self._slots = slots
        self.address = address
        self.held = True

    def release(self) -> None:
        """Give the slot back (idempotent)."""
        if self.held:
            self.held = False
            self._slots._release(self.address)


class PreAuthSlots:
    """Counts unauthenticated sockets per address and in total (one event loop)."""

    def __init__(self, total: int, per_address: int) -> None:
        self.total = total
        self.per_address = per_address
        self._open: Counter[str] = Counter()
        self._count = 0
        self._handshakes = 0  # since the last trim, refused ones included

    def acquire(self, address: str) -> PreAuthTicket | None:
        """A slot for a new socket from ``address``, or None when a cap is reached."""
        self._handshakes += 1
        if self._count >= self.total or self._open[address] >= self.per_address:
            return None  # a cap is reached, so a socket is open: its release trims
        self._open[address] += 1
        self._count += 1
        return PreAuthTicket(self, address)

    def _release(self, address: str) -> None:
        self._count -= 1
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]
        if self._count == 0 and self._handshakes >= TRIM_AFTER:
            # A flood is over: hand the freed heap back to the OS (glibc keeps it). Not
            # at once: the last sockets' transports and tasks are still being torn down.
            self._handshakes = 0
            try:
                asyncio.get_running_loop().call_later(TRIM_DELAY_S, release_free_memory)
            except RuntimeError:  # no loop (a unit test): now, then
                release_free_memory()

    @property
    def open_count(self) -> int:
        """Unauthenticated sockets open now."""
        return self._count


def client_address(websocket: Any) -> str:
    """The peer's address (behind a proxy, uvicorn's --forwarded-allow-ips sets it)."""
    client = getattr(websocket, "client", None)
    return str(getattr(client, "host", None) or "unknown")


def release_ticket(context: Any) -> None:
    """Give back the pre-auth slot of the socket behind a handler's ``context``."""
    state = getattr(getattr(context, "request", None), "state", None)
    ticket = getattr(state, "preauth_ticket", None)
    if isinstance(ticket, PreAuthTicket):
        ticket.release()


class PreAuthGate:
    """Mixin for the ASGI view: a WebSocket handshake takes a pre-auth slot or is refused."""

    def __init__(self, *args: Any, preauth: PreAuthSlots | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preauth = preauth

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Hold a slot while the socket is unauthenticated; refuse the handshake over a cap."""
        if self.preauth is None or not isinstance(request, WebSocket):
            return await super().run(request, context, root_value)  # type: ignore[misc]
        address = client_address(request)
        ticket = self.preauth.acquire(address)
        if ticket is None:
            logger.debug("refused a WebSocket from %s: too many unauthenticated", address)
            await request.close(code=1008)  # before accept: the handshake gets HTTP 403
            return request
        request.state.preauth_ticket = ticket
        try:
            return await super().run(request, context, root_value)  # type: ignore[misc]
        finally:
            ticket.release()
