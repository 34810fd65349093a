"""A subscription's memory stays flat however many events it sends (the overlay soak's bar)."""

from __future__ import annotations

import asyncio
import gc

from qai_graph.memory.events.hub import EventKind, MemoryEvent
from qai_graph.memory.evolution.rules import build_state
from tests.support.api_harness import RunningApp, ws_client

SUBSCRIPTION = """subscription {
  evolutionUpdated(minIntervalMs: 100) { stage stageName totalInteractions progressPercent }
}"""


def live_objects(type_name: str) -> int:
    """How many objects of a type the process holds now."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o).__name__ == type_name)


async def test_subscription_events_do_not_accumulate_execution_state(api: RunningApp) -> None:
    config = api.service.config
    async with ws_client(api.ws_url) as client:
        await client.subscribe(SUBSCRIPTION)
        await client.next_data()
        before = live_objects("CollectedFields")
        events = 25
        for n in range(1, events + 1):
            state = build_state(1, n, 0, n, config)
            api.bus.publish(MemoryEvent(EventKind.EVOLUTION_UPDATED, evolution=state))
            data = await client.next_data()
            assert data["evolutionUpdated"]["totalInteractions"] == n
            await asyncio.sleep(0)
        # graphql-core 3.3 kept one memo entry per event for the subscription's lifetime.
        assert live_objects("CollectedFields") - before < events // 2
