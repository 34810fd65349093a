"""Subscriptions across replicas: two apps on one table, each hearing the other's advances.

The apps run in this process but share nothing except the table, like two replicas
behind a load balancer (tests/api/test_replicas.py runs real `qai-graph serve`
processes). Request counts are taken at the DynamoDB client.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.support.api_harness import (
    LEGACY_WS,
    ConfigFactory,
    RequestLog,
    RunningApp,
    serve,
    ws_client,
)
from tests.support.operations import RECORD, record_input

STAGE_CHANGED = "subscription { evolutionStageChanged { stage stageName } }"
UPDATED = "subscription { evolutionUpdated(minIntervalMs: 200) { stage totalInteractions } }"


async def _wait_for_feed(api: RunningApp, within: float = 5.0) -> None:
    """Until the replica's feed has read its baseline (a subscription listens from then)."""
    metrics = api.app.state.metrics
    for _ in range(int(within / 0.02)):
        reads = metrics.registry.get_sample_value(
            "qai_graph_event_feed_reads_total", {"outcome": "ok"}
        )
        if reads:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the evolution feed never read the table")


async def test_a_subscriber_hears_an_advance_made_on_another_replica_exactly_once(
    make_config: ConfigFactory,
) -> None:
    config = make_config(evolution_stage_2_interactions=4, evolution_stage_3_interactions=8)
    async with (
        serve(config) as a,
        serve(config) as b,
        ws_client(a.ws_url) as on_a,
        ws_client(b.ws_url) as on_b,
        ws_client(b.ws_url) as progress_on_b,
    ):
        for client in (on_a, on_b):
            await client.subscribe(STAGE_CHANGED)
        await progress_on_b.subscribe(UPDATED)
        assert (await progress_on_b.next_data())["evolutionUpdated"]["totalInteractions"] == 0
        await a.wait_for_subscribers(1)
        await b.wait_for_subscribers(2)
        await _wait_for_feed(a)
        await _wait_for_feed(b)

        # Every write on A, some concurrently: B learns only from the table.
        await asyncio.gather(
            *(a.client.data(RECORD, record_input(f"viewer{i}", "hi")) for i in range(9))
        )
        for client in (on_a, on_b):
            stages = [(await client.next_data())["evolutionStageChanged"] for _ in range(2)]
            assert [s["stage"] for s in stages] == [2, 3]
        seen: list[tuple[int, int]] = []
        while not seen or seen[-1] != (3, 9):  # the final state, however reached
            update = (await progress_on_b.next_data())["evolutionUpdated"]
            seen.append((update["stage"], update["totalInteractions"]))
        assert seen == sorted(set(seen))  # never backwards, never repeated
        # Past three reads of the feed: a duplicate from the other path would show up here.
        for client in (on_a, on_b, progress_on_b):
            await client.expect_silence(1.5)


IDLE_WINDOW_S = 10.0


@pytest.mark.formation  # its sweep is one of the periodic readers counted
async def test_an_idle_replica_with_subscribers_makes_at_most_one_request_a_second(
    make_config: ConfigFactory,
) -> None:
    async with serve(make_config()) as api:
        calls: list[str] = []
        # Every client the replica has (the recall index's own too), as /metrics counts.
        stop = api.service.observe_store_calls(lambda name, outcome, s: calls.append(name))
        async with ws_client(api.ws_url) as client, ws_client(api.ws_url, LEGACY_WS) as other:
            await client.subscribe(STAGE_CHANGED)
            await other.subscribe(UPDATED)
            await api.wait_for_subscribers(2)
            await _wait_for_feed(api)
            # The last activity: a write here, after which the feed reads at its fastest
            # (0.2 s) and then backs off; what formation does with it is work, not polling.
            await api.client.data(RECORD, record_input("viewer", "hi"))
            await api.service.formation.drain()
            calls.clear()
            await asyncio.sleep(IDLE_WINDOW_S)
            idle = list(calls)
        print(f"\nidle replica with subscribers: {len(idle)} requests in {IDLE_WINDOW_S:g} s")
        # A fixed 0.2 s for 5 s after a change, then 1 s, made 23-30 reads here.
        assert 0 < len(idle) <= IDLE_WINDOW_S, idle  # <= 1 request/s, and the feed reads
        assert set(idle) == {"Query"}, idle
        await asyncio.sleep(0.2)  # the closed subscriptions' feed has stopped
        calls.clear()
        await asyncio.sleep(2.0)
        stop()
        assert calls == []


async def test_the_process_bus_never_reads_the_table(make_config: ConfigFactory) -> None:
    async with serve(make_config(events="process")) as api:
        log = RequestLog(api.service)
        async with ws_client(api.ws_url) as client:
            await client.subscribe(STAGE_CHANGED)
            await api.wait_for_subscribers(1)
            await asyncio.sleep(1.5)
        assert log.operations() == []
