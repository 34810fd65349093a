"""Consolidation's writes to observations: session summaries, merges and drops.

Every write is conditional on the items being as consolidation read them, so a
reinforcement, promotion or supersede that lands meanwhile wins, and the plan is made
again from what is there on the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from qai_graph.models import Observation
from qai_graph.store.client import ConditionFailed, DynamoClient
from qai_graph.store.expressions import Expr, tx_delete, tx_update
from qai_graph.store.observations import observation_item

# What consolidation reads of a player's observations (everything but the vector).
LEARNING_ATTRIBUTES = [
    "entity_type", "observation_id", "timestamp", "subject", "content", "category",
    "confidence", "evidence_count", "promoted", "memory_tier", "ttl", "last_reinforced",
    "flag", "hidden", "private", "sources", "formed_by", "session_id", "superseded_by",
    "dedup_sk", "recall_count", "summary_key", "summary_parts", "summary_version",
    "merged_from", "promoted_at",
]  # fmt: skip
VECTOR_ATTRIBUTES = ("embedding", "embedding_model")  # as recall stores them


def summary_item(obs: Observation, pk: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    """A long-term observation consolidation writes (a session summary): no ttl and no
    dedup guard, since its text is composed, never stored by a client, and it changes
    as its session's summary grows."""
    assert obs.ttl is None
    item = observation_item(obs, pk, "", 1)
    item.pop("dedup_sk")
    return {**item, **extra}


async def put_summary(db: DynamoClient, item: Mapping[str, Any], version_seen: int | None) -> bool:
    """Write a summary; False when another writer got there first."""
    expr = Expr()
    if version_seen is None:
        # attribute_not_exists: two runs summarising one session write one summary.
        condition = "attribute_not_exists(pk)"
    else:
        # summary_version as read: a concurrent run's update is never overwritten by an
        # older plan; the loser plans again on its next run.
        condition = f"{expr.name('summary_version')} = {expr.value(version_seen)}"
    try:
        await db.put(item, condition=condition, expr=expr if version_seen is not None else None)
    except ConditionFailed:
        return False
    return True


async def delete_summary(db: DynamoClient, pk: str, sk: str, version_seen: int) -> bool:
    """Delete a summary left with nothing to say; False when it changed meanwhile."""
    expr = Expr()
    # summary_version as read: same race as put_summary.
    return await db.delete(
        pk,
        sk,
        condition=f"{expr.name('summary_version')} = {expr.value(version_seen)}",
        expr=expr,
    )


def _unchanged(expr: Expr, item: Mapping[str, Any], *, current: bool) -> str:
    """Condition: the observation is still as read (no reinforce or promote since), and
    with ``current`` not superseded either."""
    condition = (
        f"{expr.name('evidence_count')} = {expr.value(int(item.get('evidence_count', 1)))} AND "
        f"{expr.name('confidence')} = {expr.value(Decimal(str(item.get('confidence', 0.5))))} "
        f"AND {expr.name('memory_tier')} = {expr.value(item['memory_tier'])}"
    )
    if current:
        condition += f" AND attribute_not_exists({expr.name('superseded_by')})"
    return condition


def merge_updates(
    kept: Mapping[str, Any],
    sets: Mapping[str, Any],
    removes: list[str],
    absorbed: list[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Transaction items: ``kept`` becomes the merged observation, ``absorbed`` go.

    Every item must still be as read: a reinforcement, promotion or supersede since the
    read cancels the merge, which is planned again from what is there."""
    expr = Expr()
    update = "SET " + ", ".join(f"{expr.name(k)} = {expr.value(v)}" for k, v in sets.items())
    if removes:
        update += " REMOVE " + ", ".join(expr.name(k) for k in removes)
    items = [tx_update(kept["pk"], kept["sk"], update, expr, _unchanged(expr, kept, current=True))]
    for item in absorbed:
        gone = Expr()
        items.append(tx_delete(item["pk"], item["sk"], _unchanged(gone, item, current=True), gone))
    return items


def guard_follow(pk: str, guard_sk: str, observation_sk: str, ttl: int | None) -> dict[str, Any]:
    """Transaction item: a dedup guard takes its observation's new ttl (none: long-term)."""
    expr = Expr()
    if ttl is None:
        update = f"REMOVE {expr.name('ttl')}, {expr.name('tier_pk')}"
    else:
        update = f"SET {expr.name('ttl')} = {expr.value(ttl)}"
    # observation_sk as read: a guard re-pointed at another observation is left alone.
    condition = f"{expr.name('observation_sk')} = {expr.value(observation_sk)}"
    return tx_update(pk, guard_sk, update, expr, condition)


def drop_deletes(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Transaction items: delete observations still as read (a reinforced one stays)."""
    deletes = []
    for item in items:
        expr = Expr()
        deletes.append(
            tx_delete(item["pk"], item["sk"], _unchanged(expr, item, current=False), expr)
        )
    return deletes
