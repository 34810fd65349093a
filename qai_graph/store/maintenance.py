"""The reads and deletes consolidation needs: expiry and promotion sweeps over the
memory-tier index, touched players over the entity-type index, and run records."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from qai_graph.store import keys
from qai_graph.store.client import ConditionFailed, DynamoClient
from qai_graph.store.codec import iso
from qai_graph.store.expressions import Expr
from qai_graph.store.items import short_term_attributes
from qai_graph.store.table import ENTITY_TYPE_INDEX, MEMORY_TIER_INDEX

RUN_RECORD_TTL = 30 * 24 * 60 * 60
SWEEP_PAGE = 100  # keys per index page: bounded memory and request size per step


async def _tier_sweep(
    db: DynamoClient,
    index_shards: int,
    ttl_condition: str,
    now_epoch: int,
    only: Callable[[Expr], str] | None = None,
) -> AsyncIterator[list[tuple[str, str]]]:
    """Keys from every memory-tier-index shard whose ttl meets ``ttl_condition`` (an
    operator against now), page by page; ``only`` builds an optional filter."""
    for tier_pk in keys.tier_index_pks(index_shards):
        expr = Expr()
        params: dict[str, Any] = {
            "IndexName": MEMORY_TIER_INDEX,
            "KeyConditionExpression": (
                f"{expr.name('tier_pk')} = {expr.value(tier_pk)} AND "
                f"{expr.name('ttl')} {ttl_condition} {expr.value(now_epoch)}"
            ),
            "Limit": SWEEP_PAGE,
        }
        if only is not None:
            # Every page is read, so the filter cannot shorten the sweep (only pages).
            params["FilterExpression"] = only(expr)
        async for page in db.query_all(**params, **expr.params()):
            yield [(i["pk"], i["sk"]) for i in page]


def expired_keys(
    db: DynamoClient, index_shards: int, now_epoch: int
) -> AsyncIterator[list[tuple[str, str]]]:
    """Keys of short-term items whose ttl has passed, page by page, every shard."""
    return _tier_sweep(db, index_shards, "<", now_epoch)


def promotion_candidates(
    db: DynamoClient, index_shards: int, now_epoch: int, confidence: float, evidence: int
) -> AsyncIterator[list[tuple[str, str]]]:
    """Keys of live short-term observations that meet the promotion thresholds."""

    def meets_thresholds(expr: Expr) -> str:
        return (
            f"{expr.name('entity_type')} = {expr.value('OBSERVATION')} AND "
            f"{expr.name('confidence')} >= {expr.value(confidence)} AND "
            f"{expr.name('evidence_count')} >= {expr.value(evidence)}"
        )

    return _tier_sweep(db, index_shards, ">=", now_epoch, meets_thresholds)


async def delete_if_expired(db: DynamoClient, pk: str, sk: str, now_epoch: int) -> bool:
    """Delete an item only if its ttl has still passed; True when this call deleted it."""
    expr = Expr()
    # ttl < now: a reinforcement, session activity or promotion since the index read
    # moved or removed the ttl, and the item must then survive.
    return await db.delete(
        pk, sk, condition=f"{expr.name('ttl')} < {expr.value(now_epoch)}", expr=expr
    )


async def touched_players(db: DynamoClient, player_shards: int, since: str | None) -> list[str]:
    """Keys of players seen at or after ``since`` (every player when None)."""
    found: list[str] = []
    for type_pk in keys.player_index_pks(player_shards):
        expr = Expr()
        condition = f"{expr.name('type_pk')} = {expr.value(type_pk)}"
        if since is not None:
            condition += f" AND {expr.name('type_sk')} >= {expr.value(since)}"
        async for page in db.query_all(
            IndexName=ENTITY_TYPE_INDEX,
            KeyConditionExpression=condition,
            ProjectionExpression=f"{expr.name('player_key')}",
            **expr.params(),
        ):
            found.extend(i["player_key"] for i in page if "player_key" in i)
    return found


async def last_run_start(db: DynamoClient) -> str | None:
    """When the last consolidation run started (ISO), or None."""
    item = await db.get(keys.CONSOLIDATION_PK, keys.STATE_SK)
    return item.get("last_started_at") if item else None


async def record_run(
    db: DynamoClient,
    run_id: str,
    started: datetime,
    result: dict[str, Any],
    index_shards: int,
    now_epoch: int,
) -> None:
    """Keep a record of the run (30 days) and move the watermark forward, never back."""
    pk = keys.CONSOLIDATION_PK
    await db.put(
        {
            "pk": pk,
            "sk": keys.run_sk(run_id),
            "entity_type": "CONSOLIDATION_RUN",
            "result": result,
            **short_term_attributes(pk, now_epoch + RUN_RECORD_TTL, index_shards),
        }
    )
    expr = Expr()
    stamp = expr.value(iso(started))
    # Only forward: a slow run finishing after a newer one must not rewind the mark.
    with contextlib.suppress(ConditionFailed):
        await db.update(
            pk,
            keys.STATE_SK,
            f"SET {expr.name('last_started_at')} = {stamp}",
            expr,
            condition=f"attribute_not_exists({expr.name('last_started_at')}) OR "
            f"{expr.name('last_started_at')} < {stamp}",
        )


async def recent_runs(db: DynamoClient, limit: int) -> list[dict[str, Any]]:
    """The newest run records."""
    expr = Expr()
    items, _ = await db.query(
        KeyConditionExpression=(
            f"{expr.name('pk')} = {expr.value(keys.CONSOLIDATION_PK)} AND "
            f"begins_with({expr.name('sk')}, {expr.value(keys.RUN_PREFIX)})"
        ),
        ScanIndexForward=False,
        Limit=limit,
        **expr.params(),
    )
    return items
