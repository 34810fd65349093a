"""Cross-replica event delivery: three `qai-graph serve` processes over one emulator.

    .venv/bin/python bench/replicas.py [--rounds 3] [--subscribers 20]

Each round starts three replicas on a fresh table, opens the subscribers spread over
them (graphql-transport-ws), measures the idle DynamoDB request rate at each replica's
/metrics, drives `recordInteraction` from all three at once across the stage-2 and
stage-3 thresholds, and times each `evolutionStageChanged` from the answer of the
mutation that advanced the stage to its arrival at a subscriber on another replica
(one clock: this process's). The scenario is tests/support/replicas.py, which
tests/api/test_replicas.py asserts on.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from qai_graph.emulator.embedded import EmbeddedDynamo  # noqa: E402
from tests.support.api_harness import GraphQLClient, ws_client  # noqa: E402
from tests.support.operations import RECORD, record_input  # noqa: E402
from tests.support.replicas import (  # noqa: E402
    STAGE_CHANGED,
    Figures,
    percentile,
    run_scenario,
)
from tests.support.server import ServeProcess, clean_env  # noqa: E402


async def one_round(endpoint: str, logs: Path, subscribers: int) -> Figures:
    """Three fresh replicas on a fresh table, one scenario."""
    env = clean_env(
        dynamodb_endpoint=endpoint,
        dynamodb_table_name=f"bench-replicas-{uuid.uuid4().hex[:8]}",
        evolution_stage_2_interactions=12,
        evolution_stage_3_interactions=30,
    )
    replicas = [ServeProcess.with_logs(env, logs, "--log-level", "warning") for _ in range(3)]
    try:
        await asyncio.gather(*(r.wait_ready() for r in replicas))
        return await run_scenario(replicas, subscribers=subscribers, per_writer=12)
    finally:
        for replica in replicas:
            replica.terminate()
        for replica in replicas:
            replica.stop()


async def idle_crossings(endpoint: str, logs: Path, subscribers: int) -> list[float]:
    """The worst case: each advance is the only write after >= 6 s of silence, so the
    other replicas' feeds are at their longest pause (3 s by default) when it lands."""
    env = clean_env(
        dynamodb_endpoint=endpoint,
        dynamodb_table_name=f"bench-idle-{uuid.uuid4().hex[:8]}",
        evolution_stage_2_interactions=1,
        evolution_stage_3_interactions=2,
    )
    replicas = [ServeProcess.with_logs(env, logs, "--log-level", "warning") for _ in range(3)]
    latencies: list[float] = []
    try:
        await asyncio.gather(*(r.wait_ready() for r in replicas))
        async with AsyncExitStack() as stack:
            placed = []
            for i in range(subscribers):
                client = await stack.enter_async_context(ws_client(replicas[i % 3].ws_url))
                await client.subscribe(STAGE_CHANGED)
                placed.append((i % 3, client))
            async with httpx.AsyncClient(base_url=replicas[0].url, timeout=30) as http:
                for n in range(2):
                    await asyncio.sleep(6.5)  # past the feeds' active window
                    body = await GraphQLClient(http).data(RECORD, record_input(f"p{n}", "hi"))
                    answered = time.monotonic()
                    assert body["recordInteraction"]["stageAdvanced"]
                    for where, client in placed:
                        await client.next_data(within=10)
                        if where != 0:
                            latencies.append(time.monotonic() - answered)
    finally:
        for replica in replicas:
            replica.terminate()
        for replica in replicas:
            replica.stop()
    return latencies


async def main() -> None:
    """Run the rounds and print the figures as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--subscribers", type=int, default=20)
    args = parser.parse_args()
    store = EmbeddedDynamo(data_dir=None)
    store.start()
    cross: list[float] = []
    same: list[float] = []
    idle: list[float] = []
    unsubscribed: list[float] = []
    exact = duplicates = 0
    try:
        with tempfile.TemporaryDirectory() as logs:
            for n in range(args.rounds):
                figures = await one_round(store.endpoint, Path(logs), args.subscribers)
                cross += figures.cross_latencies
                same += figures.same_latencies
                idle += figures.idle_requests_per_s
                unsubscribed += figures.requests_without_subscribers
                exact += sum(stages == [2, 3] for stages in figures.stages_per_subscriber)
                duplicates += figures.duplicates
                print(f"round {n + 1}: p99 {percentile(figures.cross_latencies, 99):.3f} s")
            quiet = await idle_crossings(store.endpoint, Path(logs), args.subscribers)
    finally:
        store.stop()
    ms = [f"{percentile(cross, q) * 1000:.0f} ms" for q in (50, 90, 99)]
    print(
        "\n| figure | measured |\n| --- | --- |\n"
        f"| stage events, cross-replica (answer -> other replica) | {len(cross)} samples: "
        f"p50 {ms[0]}, p90 {ms[1]}, p99 {ms[2]}, max {max(cross) * 1000:.0f} ms |\n"
        f"| same replica (in-process path) | p99 {percentile(same, 99) * 1000:.0f} ms |\n"
        f"| an advance after >= 6 s of silence (feeds idle), other replica | {len(quiet)} "
        f"samples: p50 {percentile(quiet, 50) * 1000:.0f} ms, "
        f"p99 {percentile(quiet, 99) * 1000:.0f} ms |\n"
        f"| subscribers with exactly [2, 3] | {exact} of {args.rounds * args.subscribers}, "
        f"{duplicates} duplicates |\n"
        f"| idle DynamoDB requests/s per replica with subscribers | "
        f"{min(idle):.2f}-{max(idle):.2f} |\n"
        f"| requests per replica in 2 s without subscribers | {max(unsubscribed):.0f} |"
    )


if __name__ == "__main__":
    asyncio.run(main())
