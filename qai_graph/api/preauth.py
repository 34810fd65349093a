"""Pre-authentication limits: WebSockets that have not sent a valid ``connection_init``.

A socket costs memory and a file descriptor from its handshake on, before anyone knows
who is calling, so unauthenticated sockets are capped per client address
(``QAI_MEMORY_WS_MAX_UNAUTHENTICATED_PER_ADDRESS``) and in total
(``QAI_MEMORY_WS_MAX_UNAUTHENTICATED``): a handshake over either cap is refused (HTTP
403) before it is accepted. A socket gives its slot back as soon as its key is admitted
or it closes, and one that has not authenticated within ``QAI_MEMORY_WS_INIT_TIMEOUT_S``
is closed (4408) on both subprotocols. Strawberry's default wait is 60 s on
graphql-transport-ws and none at all on legacy graphql-ws.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
from collections import Counter
from typing import Any

from starlette.websockets import WebSocket
from strawberry.types.unset import UNSET

logger = logging.getLogger("qai_graph.api")


TRIM_AFTER = 64
"""Sockets open at once before the heap is trimmed when the last one goes."""
TRIM_DELAY_S = 1.0
"""How long after the last one closed: their connections are gone by then."""


def release_free_memory() -> None:
    """Collect the sockets' reference cycles, then glibc's malloc_trim(0): free heap
    pages go back to the OS (a no-op elsewhere)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name is None:
        return
    libc = ctypes.CDLL(name)
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)


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
        self._peak = 0

    def acquire(self, address: str) -> PreAuthTicket | None:
        """A slot for a new socket from ``address``, or None when a cap is reached."""
        if self._count >= self.total or self._open[address] >= self.per_address:
            return None
        self._open[address] += 1
        self._count += 1
        self._peak = max(self._peak, self._count)
        return PreAuthTicket(self, address)

    def _release(self, address: str) -> None:
        self._count -= 1
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]
        if self._count == 0 and self._peak >= TRIM_AFTER:
            # A flood is over: hand the freed heap back to the OS (glibc keeps it). Not
            # at once: the last sockets' transports and tasks are still being torn down.
            self._peak = 0
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
