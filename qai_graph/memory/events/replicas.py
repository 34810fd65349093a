"""The event bus of a replica among several: its own events plus the table's.

:class:`TableEventBus` is the default bus (``QAI_MEMORY_EVENTS=table``). It relays this
replica's events through an :class:`~qai_graph.memory.evolution.feed.EvolutionFeed`,
which reads the evolution partition only while at least one subscription listens and
publishes the advances and progress other replicas caused; each stage advance reaches
each subscriber once (see that module for why). ``QAI_MEMORY_EVENTS=process`` keeps the
plain in-process bus: one replica, no reads.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from qai_graph.config import MemoryConfig
from qai_graph.memory.events.bus import EventCounter, EventStream, InProcessEventBus
from qai_graph.memory.events.hub import EventKind, MemoryEvent
from qai_graph.memory.evolution.feed import EvolutionFeed
from qai_graph.memory.service import MemoryService


class TableEventBus(InProcessEventBus):
    """This replica's events at once; the other replicas' evolution events from the table."""

    def __init__(
        self,
        service: MemoryService,
        *,
        counter: EventCounter | None = None,
        on_read: Callable[[bool], None] | None = None,
    ) -> None:
        super().__init__(service.events, counter)
        self.feed = EvolutionFeed(
            service.config, service.get_evolution_state, self.publish, on_read=on_read
        )

    def listen(self, kinds: Collection[EventKind], *, latest_only: bool = False) -> EventStream:
        """A new stream; the first one starts reading the table."""
        stream = super().listen(kinds, latest_only=latest_only)
        self.feed.start()
        return stream

    def _closed(self, stream: EventStream) -> None:
        super()._closed(stream)
        if not self.subscriber_count:
            self.feed.halt()  # nobody listens: no more reads (idle cost 0)

    def _relay(self, event: MemoryEvent) -> None:
        self.feed.local(event)

    async def stop(self) -> None:
        """Close every stream, then wait for the reader to end."""
        await super().stop()
        await self.feed.stop()


def make_event_bus(
    config: MemoryConfig,
    service: MemoryService,
    *,
    counter: EventCounter | None = None,
    on_read: Callable[[bool], None] | None = None,
) -> InProcessEventBus:
    """The bus ``QAI_MEMORY_EVENTS`` asks for."""
    if config.events == "process":
        return InProcessEventBus(service.events, counter)
    return TableEventBus(service, counter=counter, on_read=on_read)
