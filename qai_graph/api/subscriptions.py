"""Subscriptions for stream overlays, fed by the event bus."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from qai_graph.api.context import GraphQLContext
from qai_graph.api.decorators import subscription
from qai_graph.api.errors import OperationTimeout
from qai_graph.api.types import Evolution
from qai_graph.errors import InvalidInput
from qai_graph.memory.events.bus import progress
from qai_graph.memory.events.hub import EventKind

Ctx = Info[GraphQLContext, None]

MIN_INTERVAL_MS = 100
MAX_INTERVAL_MS = 3_600_000


@strawberry.type
class Subscription:
    """Live memory events."""

    @subscription(description="QAI's new state, once per stage advance (exactly one event each).")
    async def evolution_stage_changed(self, info: Ctx) -> AsyncGenerator[Evolution, None]:
        """Stage changes."""
        context = info.context
        with context.bus.listen({EventKind.STAGE_CHANGED}) as stream:
            while (event := await stream.next()) is not None:
                if event.evolution is None:
                    continue
                context.renew_loaders()
                context.bus.delivered(event.kind)
                yield Evolution.from_model(event.evolution)

    @subscription(
        description="Evolution progress: the current state at once, then the latest state "
        "at most once per minIntervalMs while it changes."
    )
    async def evolution_updated(
        self, info: Ctx, min_interval_ms: int = 1000
    ) -> AsyncGenerator[Evolution, None]:
        """Throttled evolution progress."""
        if not MIN_INTERVAL_MS <= min_interval_ms <= MAX_INTERVAL_MS:
            raise InvalidInput(
                f"minIntervalMs must be between {MIN_INTERVAL_MS} and {MAX_INTERVAL_MS}",
                field="minIntervalMs",
            )
        interval = min_interval_ms / 1000
        loop = asyncio.get_running_loop()
        context = info.context
        kinds = {EventKind.EVOLUTION_UPDATED, EventKind.STAGE_CHANGED}
        # Listen before reading the state, so no change between the two is lost.
        with context.bus.listen(kinds, latest_only=True) as stream:
            # The first event's resolver work has the operation deadline, as every event's.
            try:
                async with asyncio.timeout(context.operation_timeout_s):
                    state = await context.service.get_evolution_state()
            except TimeoutError:
                seconds = context.operation_timeout_s
                raise OperationTimeout(f"the state was not read within {seconds:g} s") from None
            context.bus.delivered(EventKind.EVOLUTION_UPDATED)
            yield Evolution.from_model(state)
            sent = (state.stage, state.total_interactions, state.total_solutions_observed)
            sent_at = loop.time()
            while (event := await stream.next()) is not None:
                wait = sent_at + interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                    # Coalesce what arrived while we waited: only the newest state goes out.
                    event = stream.newest(event)
                # Writers publish out of order; never step an overlay backwards or repeat a state.
                if event.evolution is None or progress(event) <= sent:
                    continue
                sent = progress(event)
                context.renew_loaders()
                context.bus.delivered(event.kind)
                yield Evolution.from_model(event.evolution)
                sent_at = loop.time()
