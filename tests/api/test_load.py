"""Load: 20 concurrent bots x 20 recordInteraction over HTTP, a fifth of them retried
with the same key, DynamoDB throttling injected. Nothing lost, nothing counted twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.support.api_harness import ConfigFactory, GraphQLClient, serve
from tests.support.faults import ErrorInjector, throttling
from tests.support.helpers import scan_all
from tests.support.operations import record_input

CLIENTS = 20
PER_CLIENT = 20  # a correctness bound, not a soak: the soaks are in bench/
PLAYERS = 10  # two bots per player, so partitions are contended
THROTTLE_EVERY = 20  # every 20th TransactWriteItems attempt is throttled
BUDGET_S = 240.0  # a bound, not a benchmark (the emulator serialises requests; CI is shared)

RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { interaction { id } replayed }
}
"""


async def send(client: GraphQLClient, variables: dict[str, Any], stats: Counter[str]) -> Any:
    """One request, as a bot does it: on STORE_UNAVAILABLE, TIMEOUT or no answer at all
    (its HTTP client gave up), retry with the same key."""
    for _ in range(10):
        try:
            body = await client.execute(RECORD, variables)
        except httpx.TransportError:  # the reply was lost: the same key makes a retry safe
            stats["transport_retries"] += 1
            continue
        if not body.get("errors"):
            return body["data"]["recordInteraction"]
        code = body["errors"][0]["extensions"]["code"]
        assert code in ("STORE_UNAVAILABLE", "TIMEOUT"), body
        stats["store_unavailable_retries"] += 1
        await asyncio.sleep(0.05)
    raise AssertionError("no answer after 10 attempts")


async def bot(client: GraphQLClient, n: int, stats: Counter[str], ids: dict[str, str]) -> None:
    player = f"Bot{n % PLAYERS}"
    for i in range(PER_CLIENT):
        key = f"bot{n}-msg{i}"
        variables = record_input(player, f"message {i} from bot {n}", idempotencyKey=key)
        if i % 10 == 0:  # the reply was lost in flight: the retry races the original
            results = await asyncio.gather(*(send(client, variables, stats) for _ in range(2)))
        elif i % 10 == 5:  # the bot timed out and retries after
            results = [await send(client, variables, stats), await send(client, variables, stats)]
        else:
            results = [await send(client, variables, stats)]
        stats["requests"] += len(results)
        stats["retried_with_same_key"] += len(results) - 1
        stats["replayed"] += sum(r["replayed"] for r in results)
        assert len({r["interaction"]["id"] for r in results}) == 1, results
        ids[key] = results[0]["interaction"]["id"]


@pytest.mark.slow
async def test_load_with_retries_and_throttling(
    make_config: ConfigFactory, record_property: pytest.RecordProperty
) -> None:
    config = make_config(dynamodb_max_attempts=8, dynamodb_timeout_s=10.0)
    stats: Counter[str] = Counter()
    ids: dict[str, str] = {}
    async with serve(config) as api:
        writes = Counter[str]()

        def throttle_some(operation: str, _: int) -> Any:
            if operation != "TransactWriteItems":
                return None
            writes["attempts"] += 1
            return throttling() if writes["attempts"] % THROTTLE_EVERY == 0 else None

        injector = ErrorInjector(api.service, throttle_some)
        started = time.monotonic()
        await asyncio.wait_for(
            asyncio.gather(*(bot(api.client, n, stats, ids) for n in range(CLIENTS))), BUDGET_S
        )
        elapsed = time.monotonic() - started
        injector.remove()

        evolution = await api.client.data("{ evolution { totalInteractions uniquePlayersMet } }")
        players = await api.client.data(
            "{ players(first: 100) { nodes { name totalInteractions } } }"
        )
        items = await scan_all(api.service)

    expected = CLIENTS * PER_CLIENT
    stored = Counter(i["pk"]["S"] for i in items if i["sk"]["S"].startswith("INTERACTION#"))
    assert len(ids) == expected and len(set(ids.values())) == expected
    assert sum(stored.values()) == expected  # zero lost, zero doubled
    assert evolution["evolution"] == {"totalInteractions": expected, "uniquePlayersMet": PLAYERS}
    per_player = {p["name"]: p["totalInteractions"] for p in players["players"]["nodes"]}
    assert per_player == {f"Bot{p}": expected // PLAYERS for p in range(PLAYERS)}
    assert set(stored.values()) == {expected // PLAYERS}
    assert stats["retried_with_same_key"] == expected // 5
    # Each retry with the same key is a replay; a retry after a lost reply may be one too.
    retried, extra = stats["retried_with_same_key"], stats["transport_retries"]
    assert retried <= stats["replayed"] <= retried + extra
    assert injector.total > 0
    figures = {
        "requests": stats["requests"],
        "retried_with_same_key": stats["retried_with_same_key"],
        "replayed": stats["replayed"],
        "store_unavailable_retries": stats["store_unavailable_retries"],
        "throttles_injected": injector.total,
        "transact_write_attempts": writes["attempts"],
        "total_interactions": evolution["evolution"]["totalInteractions"],
        "stored_interactions": sum(stored.values()),
        "elapsed_s": round(elapsed, 1),
    }
    for name, value in figures.items():
        record_property(name, value)
    print(f"load: {figures}")
