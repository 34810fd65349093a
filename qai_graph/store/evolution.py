"""Evolution items: the STATE item (stage) and the sharded counters.

Counters live in ``SHARD#<n>`` items of the ``EVOLUTION#current`` partition: each write
adds to one shard chosen at random, so recording interactions never serialises on one
item, and one Query of the partition reads the stage and every shard.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qai_graph.store import keys
from qai_graph.store.client import ConditionFailed, DynamoClient
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.expressions import Expr, tx_update


@dataclass(frozen=True)
class EvolutionCounts:
    """What the table holds about evolution: the stored stage and the summed counters."""

    stage: int
    stage_changed_at: datetime | None
    total_interactions: int
    total_solutions_observed: int
    unique_players_met: int
    markers: frozenset[str] = frozenset()
    """The marker of the last write to each shard: tells a read made alongside a write
    whether it saw that write."""


def pick_shard(shards: int) -> int:
    """A random counter shard (spreads writes evenly)."""
    return random.randrange(shards)


def counter_increment(
    shard: int,
    *,
    interactions: int = 0,
    solutions: int = 0,
    players: int = 0,
    marker: str | None = None,
) -> dict[str, Any]:
    """Transaction item: add to one counter shard (``marker``: see ``EvolutionCounts``)."""
    expr = Expr()
    adds = [
        f"{expr.name(name)} {expr.value(amount)}"
        for name, amount in (
            ("total_interactions", interactions),
            ("total_solutions_observed", solutions),
            ("unique_players_met", players),
        )
        if amount
    ]
    sets = f"SET {expr.name('entity_type')} = {expr.value('EVOLUTION')}"
    if marker is not None:
        sets += f", {expr.name('last_marker')} = {expr.value(marker)}"
    update = f"{sets} ADD " + ", ".join(adds)
    return tx_update(keys.EVOLUTION_PK, keys.shard_sk(shard), update, expr)


async def read_counts(db: DynamoClient) -> EvolutionCounts:
    """One strongly consistent Query of the evolution partition, summed."""
    expr = Expr()
    stage, changed_at = 1, None
    totals = {"total_interactions": 0, "total_solutions_observed": 0, "unique_players_met": 0}
    markers: set[str] = set()
    async for page in db.query_all(
        KeyConditionExpression=f"{expr.name('pk')} = {expr.value(keys.EVOLUTION_PK)}",
        ConsistentRead=True,
        **expr.params(),
    ):
        for item in page:
            if item["sk"] == keys.STATE_SK:
                stage = int(item.get("stage", 1))
                if item.get("stage_changed_at"):
                    changed_at = parse_iso(item["stage_changed_at"])
            elif item["sk"].startswith(keys.SHARD_PREFIX):
                for name in totals:
                    totals[name] += int(item.get(name, 0))
                if item.get("last_marker"):
                    markers.add(item["last_marker"])
    return EvolutionCounts(stage, changed_at, **totals, markers=frozenset(markers))


async def advance_stage(db: DynamoClient, old: int, new: int, name: str, now: datetime) -> bool:
    """Move the stored stage from ``old`` to ``new``; True only for the one caller that did."""
    expr = Expr()
    stage = expr.name("stage")
    update = (
        f"SET {stage} = {expr.value(new)}, {expr.name('stage_name')} = {expr.value(name)}, "
        f"{expr.name('stage_changed_at')} = {expr.value(iso(now))}, "
        f"{expr.name('entity_type')} = {expr.value('EVOLUTION')}"
    )
    # stage = old: of concurrent writers that all saw the threshold crossed, exactly one
    # moves the stage (and so emits the event); the others find it moved already.
    condition = f"attribute_not_exists({stage}) OR {stage} = {expr.value(old)}"
    try:
        await db.update(keys.EVOLUTION_PK, keys.STATE_SK, update, expr, condition=condition)
    except ConditionFailed:
        return False
    return True
