"""Subscriptions across replicas: two apps on one table, each hearing the other's advances.

The apps run in this process but share nothing except the table, like two replicas
behind a load balancer (tests/api/test_replicas.py runs real `qai-graph serve`
processes). Request counts are taken at the DynamoDB client.
"""

from __future__ import annotations

import asyncio

from tests.support.api_harness import ConfigFactory, RequestLog, RunningApp, serve, ws_client
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
        # Longer than the idle poll: a duplicate from the other path would show up here.
        for client in (on_a, on_b, progress_on_b):
            await client.expect_silence(1.5)


async def test_a_replica_reads_at_most_once_a_second_while_idle_and_never_without_subscribers(
    make_config: ConfigFactory,
) -> None:
    async with serve(make_config()) as api:
        log = RequestLog(api.service)
        async with ws_client(api.ws_url) as client:
            await client.subscribe(STAGE_CHANGED)
            await api.wait_for_subscribers(1)
            await _wait_for_feed(api)
            log.clear()
            await asyncio.sleep(3.0)
            idle = log.operations()
        assert idle == ["Query"] * len(idle)
        assert 2 <= len(idle) <= 4, idle  # one per second, the default interval
        await asyncio.sleep(0.2)  # the closed subscription's feed has stopped
        log.clear()
        await asyncio.sleep(2.0)
        assert log.operations() == []


async def test_the_process_bus_never_reads_the_table(make_config: ConfigFactory) -> None:
    async with serve(make_config(events="process")) as api:
        log = RequestLog(api.service)
        async with ws_client(api.ws_url) as client:
            await client.subscribe(STAGE_CHANGED)
            await api.wait_for_subscribers(1)
            await asyncio.sleep(1.5)
        assert log.operations() == []
