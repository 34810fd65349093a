"""Subscriptions over graphql-transport-ws and the legacy graphql-ws."""

from __future__ import annotations

import asyncio
import itertools
import time
from contextlib import AsyncExitStack

import pytest

from tests.support.api_harness import (
    LEGACY_WS,
    TRANSPORT_WS,
    ConfigFactory,
    RunningApp,
    WSClient,
    serve,
    ws_client,
)
from tests.support.operations import RECORD, record_input

STAGE_CHANGED = "subscription { evolutionStageChanged { stage stageName totalInteractions } }"
UPDATED = (
    "subscription U($ms: Int!) { evolutionUpdated(minIntervalMs: $ms) { stage totalInteractions } }"
)


async def test_each_subscriber_gets_exactly_one_event_per_stage_advance(
    make_config: ConfigFactory,
) -> None:
    config = make_config(evolution_stage_2_interactions=5, evolution_stage_3_interactions=50)
    async with serve(config) as api, AsyncExitStack() as stack:
        clients: list[WSClient] = []
        for protocol in (TRANSPORT_WS, TRANSPORT_WS, LEGACY_WS):
            client = await stack.enter_async_context(ws_client(api.ws_url, protocol))
            await client.subscribe(STAGE_CHANGED)
            clients.append(client)
        await api.wait_for_subscribers(3)

        results = await asyncio.gather(
            *(api.client.data(RECORD, record_input(f"fan{i}", "go!")) for i in range(8))
        )
        advanced = [r["recordInteraction"]["stageAdvanced"] for r in results]
        assert advanced.count(True) == 1

        for client in clients:
            event = (await client.next_data())["evolutionStageChanged"]
            assert (event["stage"], event["stageName"]) == (2, "Pattern Recognition")
            assert event["totalInteractions"] >= 5
        for client in clients:
            await client.expect_silence(0.5)
        evolution = await api.client.data("{ evolution { stage totalInteractions } }")
        assert evolution["evolution"] == {"stage": 2, "totalInteractions": 8}


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_evolution_updates_are_throttled_and_coalesced(
    api: RunningApp, protocol: str
) -> None:
    interval = 0.3
    async with ws_client(api.ws_url, protocol) as client:
        await client.subscribe(UPDATED, {"ms": int(interval * 1000)})
        first = (await client.next_data())["evolutionUpdated"]
        assert first == {"stage": 1, "totalInteractions": 0}
        received = [time.monotonic()]
        totals = [0]

        async def chatter() -> None:
            for i in range(10):
                await api.client.data(RECORD, record_input("Streamer", f"msg {i}"))
                await asyncio.sleep(0.05)

        writer = asyncio.create_task(chatter())
        while totals[-1] < 10:
            event = (await client.next_data(within=5))["evolutionUpdated"]
            received.append(time.monotonic())
            totals.append(event["totalInteractions"])
        await writer

    gaps = [b - a for a, b in itertools.pairwise(received)]
    # The server spaces its sends exactly; the slack is for loopback TCP (Nagle) delays.
    assert min(gaps) >= interval - 0.05, gaps
    assert totals == sorted(totals)
    # Ten writes in about a second, delivered in a few coalesced updates, the last one exact.
    assert len(totals) - 1 < 10
    assert totals[-1] == 10


async def test_a_too_small_interval_is_invalid_input(api: RunningApp) -> None:
    async with ws_client(api.ws_url) as client:
        await client.subscribe(UPDATED, {"ms": 1})
        message = await client.receive(5)
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "INVALID_INPUT"


@pytest.mark.parametrize(
    ("protocol", "counter"), [(TRANSPORT_WS, "pings"), (LEGACY_WS, "keep_alives")]
)
async def test_idle_connections_get_keep_alives(
    make_config: ConfigFactory, protocol: str, counter: str
) -> None:
    async with (
        serve(make_config(), keep_alive_s=0.1) as api,
        ws_client(api.ws_url, protocol) as client,
    ):
        await client.subscribe(STAGE_CHANGED)
        await client.expect_silence(0.5)
        assert getattr(client, counter) >= 2


async def test_queries_over_a_websocket_see_fresh_data(api: RunningApp) -> None:
    query = '{ player(name: "Wes") { totalInteractions } }'
    await api.client.data(RECORD, record_input("Wes", "one"))
    async with ws_client(api.ws_url) as client:
        await client.subscribe(query)
        assert (await client.next_data())["player"] == {"totalInteractions": 1}
        await api.client.data(RECORD, record_input("Wes", "two"))
        await client.subscribe(query)
        messages = [await client.receive(5) for _ in range(2)]
        data = next(m for m in messages if m["type"] == "next")
    assert data["payload"]["data"]["player"] == {"totalInteractions": 2}
