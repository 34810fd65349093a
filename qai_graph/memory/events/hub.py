"""Memory events: what the service tells the outside world (overlays, logs) happened."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from qai_graph.models import EvolutionState

logger = logging.getLogger(__name__)


class EventKind(StrEnum):
    """Kinds of memory event."""

    STAGE_CHANGED = "stage_changed"
    EVOLUTION_UPDATED = "evolution_updated"
    INTERACTION_RECORDED = "interaction_recorded"
    OBSERVATION_STORED = "observation_stored"
    OBSERVATION_REINFORCED = "observation_reinforced"
    OBSERVATION_PROMOTED = "observation_promoted"
    CONSOLIDATED = "consolidated"


@dataclass(frozen=True)
class MemoryEvent:
    """One event; ``evolution`` is set for evolution events."""

    kind: EventKind
    evolution: EvolutionState | None = None
    subject: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


Listener = Callable[[MemoryEvent], None]


class EventHub:
    """Synchronous fan-out to listeners; a failing listener is logged, never raised."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, event: MemoryEvent) -> None:
        """Deliver to every listener."""
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("memory event listener failed on %s", event.kind.value)
