"""The cross-replica scenario over real `qai-graph serve` processes (tests.support.server).

Used by tests/api/test_replicas.py (which asserts) and bench/replicas.py (which repeats
the scenario and reports the figures). Every process listens on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.api_harness import TRANSPORT_WS, GraphQLClient, WSClient, ws_client
from tests.support.operations import RECORD, record_input
from tests.support.server import ServeProcess

STAGE_CHANGED = "subscription { evolutionStageChanged { stage totalInteractions } }"


async def scrape(http: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """/metrics parsed by prometheus_client's parser: (name, labels) -> value."""
    response = await http.get("/metrics")
    response.raise_for_status()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def total(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str) -> float:
    """The sum of a metric over its labels."""
    return sum(v for (n, _), v in samples.items() if n == name)


@dataclass
class Figures:
    """What one run of the scenario saw."""

    stages_per_subscriber: list[list[int]] = field(default_factory=list)
    advances: list[tuple[int, int, float]] = field(default_factory=list)  # stage, replica, t
    cross_latencies: list[float] = field(default_factory=list)  # answer -> other replica
    same_latencies: list[float] = field(default_factory=list)  # answer -> same replica
    idle_requests_per_s: list[float] = field(default_factory=list)  # per replica
    requests_without_subscribers: list[float] = field(default_factory=list)
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


async def _replica_counts(clients: list[httpx.AsyncClient], name: str) -> list[float]:
    return [total(await scrape(http), name) for http in clients]


async def _wait_until(check: Any, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.05)


async def run_scenario(
    replicas: list[ServeProcess],
    *,
    subscribers: int = 20,
    per_writer: int = 30,
    idle_window_s: float = 3.0,
) -> Figures:
    """Subscribers spread over the replicas; writers on every replica at once across the
    stage thresholds; then idle and unsubscribed request rates, from each /metrics."""
    figures = Figures()
    async with AsyncExitStack() as stack:
        https = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=r.url, timeout=30))
            for r in replicas
        ]
        placed: list[tuple[int, WSClient]] = []
        for i in range(subscribers):
            where = i % len(replicas)
            client = await stack.enter_async_context(
                ws_client(replicas[where].ws_url, TRANSPORT_WS)
            )
            await client.subscribe(STAGE_CHANGED)
            placed.append((where, client))
        expected = [sum(1 for w, _ in placed if w == n) for n in range(len(replicas))]

        async def listening() -> bool:
            opened = await _replica_counts(https, "qai_graph_subscriptions_open")
            reads = await _replica_counts(https, "qai_graph_event_feed_reads_total")
            return opened == expected and all(r >= 1 for r in reads)

        await _wait_until(listening)

        # Idle, with subscribers: only the feed's reads.
        before = await _replica_counts(https, "qai_graph_dynamodb_requests_total")
        started = time.monotonic()
        await asyncio.sleep(idle_window_s)
        after = await _replica_counts(https, "qai_graph_dynamodb_requests_total")
        elapsed = time.monotonic() - started
        figures.idle_requests_per_s = [
            (b - a) / elapsed for a, b in zip(before, after, strict=True)
        ]

        received: list[list[tuple[int, float]]] = [[] for _ in placed]

        async def listen(index: int, client: WSClient) -> None:
            while len(received[index]) < 2:
                data = await client.next_data(within=20)
                received[index].append((data["evolutionStageChanged"]["stage"], time.monotonic()))

        listeners = [asyncio.create_task(listen(i, c)) for i, (_, c) in enumerate(placed)]

        async def write(replica: int) -> None:
            client = GraphQLClient(https[replica])
            for n in range(per_writer):
                variables = record_input(f"r{replica}-{uuid.uuid4().hex[:6]}", f"msg {n}")
                body = await client.execute(RECORD, variables)
                answered = time.monotonic()
                if body.get("errors"):
                    figures.errors.append(str(body["errors"]))
                    continue
                result = body["data"]["recordInteraction"]
                if result["stageAdvanced"]:
                    figures.advances.append((result["evolution"]["stage"], replica, answered))

        await asyncio.gather(*(write(n) for n in range(len(replicas))))
        await asyncio.gather(*listeners)
        for index, (where, _) in enumerate(placed):
            figures.stages_per_subscriber.append([stage for stage, _ in received[index]])
            for stage, at in received[index]:
                for advanced, replica, answered in figures.advances:
                    if advanced == stage:
                        bucket = (
                            figures.same_latencies if replica == where else figures.cross_latencies
                        )
                        bucket.append(at - answered)
        # Longer than the idle read interval: a duplicate would have arrived by now.
        await asyncio.sleep(1.5)
        for _, client in placed:
            try:
                await client.receive(0.05)
                figures.duplicates += 1
            except TimeoutError:
                pass

        # Unsubscribed: no reads at all.
        for _, client in placed:
            await client.ws.close()
        await _wait_until(
            lambda: _all_zero(https),
        )
        before = await _replica_counts(https, "qai_graph_dynamodb_requests_total")
        await asyncio.sleep(2.0)
        after = await _replica_counts(https, "qai_graph_dynamodb_requests_total")
        figures.requests_without_subscribers = [b - a for a, b in zip(before, after, strict=True)]
    return figures


async def _all_zero(https: list[httpx.AsyncClient]) -> bool:
    return all(v == 0 for v in await _replica_counts(https, "qai_graph_subscriptions_open"))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
