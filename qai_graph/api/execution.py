"""The GraphQL execution context: Strawberry's, with one memory fix for subscriptions.

graphql-core 3.3 runs each subscription event with ``build_per_event_executor``, a
shallow copy of the subscription's executor, so every event shares its memo of
collected subfields. That memo is keyed by the identity of a field list built anew for
each event and keeps the list alive, so it gains an entry per event and is never
emptied while the subscription lives: about 2 KB per event per subscriber (10 overlays
updating every second grew the API by ~1.5 MB a minute). Each event gets its own memo
here; within an event it still saves the repeated work it was made for.
"""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class PerEventMemoExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context; each subscription event memoizes on its own."""

    def build_per_event_executor(self, payload: Any) -> Any:
        """The event's executor, with an empty subfield memo of its own."""
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor
