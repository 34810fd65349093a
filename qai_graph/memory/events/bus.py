"""The event bus that feeds GraphQL subscriptions.

Subscriptions listen on an :class:`EventBus`, never on the service directly, so the
source of events can change without touching them: :class:`InProcessEventBus` relays
the events of this process's ``MemoryService``; ``memory/events/replicas.py`` adds the
other replicas' evolution events read from the table (the default). Another backend
(Redis pub/sub, a DynamoDB Streams reader) subclasses :class:`InProcessEventBus` and
calls :meth:`~InProcessEventBus.publish` with what it hears.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Collection
from types import TracebackType
from typing import Protocol

from qai_graph.memory.events.hub import EventHub, EventKind, MemoryEvent


def progress(event: MemoryEvent) -> tuple[int, int, int]:
    """How far evolution had got when the event was published (counters only grow)."""
    state = event.evolution
    if state is None:
        return (0, 0, 0)
    return (state.stage, state.total_interactions, state.total_solutions_observed)


class EventStream:
    """One subscriber's queue of events; close it (or use ``with``) when done.

    With ``latest_only`` the stream keeps only the most advanced pending event, so a slow
    or throttled subscriber coalesces bursts instead of growing a queue for hours.
    """

    def __init__(
        self,
        kinds: Collection[EventKind],
        *,
        latest_only: bool,
        on_close: Callable[[EventStream], None],
    ) -> None:
        self.kinds = frozenset(kinds)
        self.latest_only = latest_only
        self._pending: deque[MemoryEvent] = deque()
        self._wakeup = asyncio.Event()
        self._closed = False
        self._on_close = on_close

    def offer(self, event: MemoryEvent) -> None:
        """Queue an event for this subscriber if it listens for its kind."""
        if self._closed or event.kind not in self.kinds:
            return
        if self.latest_only and self._pending:
            # Concurrent writers publish out of order; keep the most advanced state.
            if progress(event) >= progress(self._pending[0]):
                self._pending[0] = event
        else:
            self._pending.append(event)
        self._wakeup.set()

    async def next(self) -> MemoryEvent | None:
        """Wait for the next event; ``None`` once the stream is closed."""
        while not self._pending:
            if self._closed:
                return None
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._pending.popleft()

    def newest(self, current: MemoryEvent) -> MemoryEvent:
        """Coalesce: the most advanced of ``current`` and whatever is pending (drained)."""
        best = current
        while self._pending:
            event = self._pending.popleft()
            if progress(event) >= progress(best):
                best = event
        return best

    def close(self) -> None:
        """Stop receiving events and wake a waiting reader."""
        if not self._closed:
            self._closed = True
            self._wakeup.set()
            self._on_close(self)

    def __enter__(self) -> EventStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class EventCounter(Protocol):
    """Counts events for monitoring (``/metrics``)."""

    def published(self, kind: EventKind) -> None:
        """An event was published to this replica's subscribers."""
        ...

    def delivered(self, kind: EventKind) -> None:
        """A subscription sent an event to its client."""
        ...


class EventBus(Protocol):
    """Where subscriptions listen for memory events."""

    def listen(self, kinds: Collection[EventKind], *, latest_only: bool = False) -> EventStream:
        """A new stream of the given kinds of event."""
        ...

    @property
    def subscriber_count(self) -> int:
        """How many streams are open (for readiness checks and tests)."""
        ...

    def delivered(self, kind: EventKind) -> None:
        """Note that a subscription sent an event of ``kind`` to its client."""
        ...

    async def start(self) -> None:
        """Begin relaying events."""
        ...

    async def stop(self) -> None:
        """Stop relaying and close every stream, so subscriptions complete."""
        ...


class InProcessEventBus:
    """Relays the events one ``MemoryService`` publishes to its ``EventHub``."""

    def __init__(self, hub: EventHub | None = None, counter: EventCounter | None = None) -> None:
        self._hub = hub
        self._streams: set[EventStream] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self.counter = counter

    def listen(self, kinds: Collection[EventKind], *, latest_only: bool = False) -> EventStream:
        """A new stream of the given kinds of event."""
        stream = EventStream(kinds, latest_only=latest_only, on_close=self._closed)
        self._streams.add(stream)
        return stream

    def _closed(self, stream: EventStream) -> None:
        self._streams.discard(stream)

    def _relay(self, event: MemoryEvent) -> None:
        """What the hub's events go through (subclasses merge other sources here)."""
        self.publish(event)

    def delivered(self, kind: EventKind) -> None:
        """Count an event a subscription sent."""
        if self.counter is not None:
            self.counter.delivered(kind)

    @property
    def subscriber_count(self) -> int:
        """How many streams are open."""
        return len(self._streams)

    def publish(self, event: MemoryEvent) -> None:
        """Deliver an event to every open stream (called by the hub or a stream reader)."""
        if self.counter is not None:
            self.counter.published(event.kind)
        for stream in list(self._streams):
            stream.offer(event)

    async def start(self) -> None:
        """Subscribe to the hub, if there is one."""
        if self._hub is not None and self._unsubscribe is None:
            self._unsubscribe = self._hub.subscribe(self._relay)

    async def stop(self) -> None:
        """Unsubscribe from the hub and close every stream."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for stream in list(self._streams):
            stream.close()
