"""kill -9 at random moments, 6 to 20 times over (bounded by time): no acknowledged write is
lost, none counted twice.

Each cycle starts ``qai-graph serve`` on the same data directory (the embedded store,
journal on, compacting every 0.3 s so crashes also land inside compactions), checks
the whole table against every write acknowledged so far, lets 3 clients record
interactions through the API with idempotency keys (re-sending first the ones whose
answer the last crash swallowed, as a bot would), and once a few writes of the cycle
are acknowledged kills the service and its emulator with SIGKILL at a random moment.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import httpx
import pytest

from qai_graph.store import keys
from tests.support.durability_harness import RECORD, embedded_serve

CYCLES = int(os.environ.get("QAI_CRASH_LOOP_CYCLES", "20"))
# Bounded by time as well: a cycle is a whole `serve` start (~6-12 s on a shared 2-core
# machine), so past the budget the loop stops after at least MIN_CYCLES kills; longer
# soaks set QAI_CRASH_LOOP_BUDGET_S (and QAI_CRASH_LOOP_CYCLES), e.g. 3600 and 500, on this
# same test. Every cycle still ends with the full check of what was acked.
TIME_BUDGET_S = float(os.environ.get("QAI_CRASH_LOOP_BUDGET_S", "40"))
MIN_CYCLES = 4
WRITERS = 3
PLAYERS = ["Alice", "Bob", "Carol", "Dave"]
TABLE = "QAI-Memory"
logger = logging.getLogger(__name__)


def _variables(key: str) -> dict[str, Any]:
    player = PLAYERS[hash(key) % len(PLAYERS)]
    return {
        "input": {
            "player": player,
            "channel": "TWITCH",
            "message": f"m {key}",
            "qaiResponse": "ok",
            "idempotencyKey": key,
        }
    }


async def _writer(url: str, keys_to_send: list[str], acked: set[str], unknown: set[str]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        for key in keys_to_send:
            try:
                answer = await http.post(
                    "/graphql", json={"query": RECORD, "variables": _variables(key)}
                )
                body = answer.json()
            except (httpx.HTTPError, ValueError):
                unknown.add(key)  # no answer: it may or may not have been applied
                return
            if answer.status_code == 200 and not body.get("errors"):
                acked.add(key)
                unknown.discard(key)
            else:
                unknown.add(key)


def _check(endpoint: str, acked: set[str]) -> dict[str, int]:
    """The table agrees with what was acknowledged; returns counts."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True):
        items += page["Items"]
    messages: Counter[str] = Counter()
    per_player: Counter[str] = Counter()
    totals: dict[str, int] = {}
    evolution_total = unique = 0
    for item in items:
        pk, sk = item["pk"]["S"], item["sk"]["S"]
        if sk.startswith(keys.INTERACTION_PREFIX):
            messages[item["message"]["S"].removeprefix("m ")] += 1
            per_player[pk] += 1
        elif sk == keys.PROFILE_SK:
            totals[pk] = int(item["total_interactions"]["N"])
        elif pk == keys.EVOLUTION_PK and sk.startswith(keys.SHARD_PREFIX):
            evolution_total += int(item.get("total_interactions", {}).get("N", 0))
            unique += int(item.get("unique_players_met", {}).get("N", 0))
    lost = acked - set(messages)
    assert not lost, f"{len(lost)} acknowledged writes lost: {sorted(lost)[:10]}"
    twice = [key for key, n in messages.items() if n > 1]
    assert not twice, f"recorded twice: {twice[:10]}"
    # A profile may exist with 0 interactions: a crash between meeting a player (its own
    # transaction, counted in unique_players_met) and recording the interaction.
    assert totals == {pk: per_player.get(pk, 0) for pk in totals}, (totals, per_player)
    assert set(per_player) <= set(totals)
    assert evolution_total == sum(per_player.values())
    assert unique == len(totals)
    return {"stored": len(messages), "items": len(items)}


@pytest.mark.slow
async def test_no_acknowledged_write_is_lost_across_kill_minus_9(tmp_path: Path) -> None:
    rng = random.Random(os.getpid())
    data_dir = tmp_path / "data"
    acked: set[str] = set()
    unknown: set[str] = set()
    started = time.monotonic()
    counts: dict[str, int] = {}
    for cycle in range(CYCLES + 1):
        server = embedded_serve(
            data_dir,
            tmp_path / "serve.log",
            QAI_MEMORY_SNAPSHOT_INTERVAL_S="0.3",
            QAI_MEMORY_EMBEDDINGS="none",  # durability, not recall: no model to load per start
        )
        try:
            await server.wait_ready()
            owner = json.loads((data_dir / "emulator.json").read_text())
            counts = await asyncio.to_thread(_check, owner["endpoint"], acked)
            over_budget = cycle >= MIN_CYCLES and time.monotonic() - started > TIME_BUDGET_S
            if cycle == CYCLES or over_budget:
                break
            retries = sorted(unknown)
            batches = [
                retries[n::WRITERS] + [f"{cycle}-{n}-{i}" for i in range(200)]
                for n in range(WRITERS)
            ]
            writers = [
                asyncio.create_task(_writer(server.url, batch, acked, unknown)) for batch in batches
            ]
            # A random moment once this cycle has acknowledged a few writes (the machine
            # may be slow: bounded by time, not only by count).
            goal = len(acked) + 3
            for _ in range(1000):  # at most 20 s
                if len(acked) >= goal:
                    break
                await asyncio.sleep(0.02)
            await asyncio.sleep(rng.uniform(0, 0.4))
            victims = [server.process.pid, owner["pid"]]
            rng.shuffle(victims)  # sometimes the store dies first, sometimes the service
            for pid in victims:
                if pid == server.process.pid:
                    os.killpg(pid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGKILL)
            await asyncio.gather(*writers)
        finally:
            server.kill()
    elapsed = time.monotonic() - started
    print(
        f"crash loop: {cycle} kill -9 cycles in {elapsed:.0f} s, {len(acked)} writes "
        f"acknowledged, 0 lost, 0 counted twice ({counts})"
    )
    assert cycle >= MIN_CYCLES and len(acked) > cycle  # writes did happen in the cycles
