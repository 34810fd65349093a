"""Whole-partition reads: a player's context in one Query, and member listings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qai_graph.store import keys
from qai_graph.store.client import DynamoClient
from qai_graph.store.codec import deserialize
from qai_graph.store.expressions import Expr, tx_delete
from qai_graph.store.items import ANSWER_ATTRIBUTES


async def read_context(
    db: DynamoClient, pk: str, interaction_limit: int, observation_cap: int, now_epoch: int
) -> list[dict[str, Any]]:
    """Profile, observations and the newest interactions of a partition, usually one Query.

    A descending Query from ``PROFILE`` down to ``INTERACTION#`` yields the profile, then
    every observation, then interactions newest first; it pages on only when expired
    items or more observations than the cap left too few interactions in the first page.
    Each item is read with what an answer shows of it (``items.ANSWER_ATTRIBUTES``).
    """
    expr = Expr()
    condition = (
        f"{expr.name('pk')} = {expr.value(pk)} AND "
        f"{expr.name('sk')} BETWEEN {expr.value(keys.INTERACTION_PREFIX)} "
        f"AND {expr.value(keys.PROFILE_SK)}"
    )
    projection = ", ".join(expr.name(a) for a in ANSWER_ATTRIBUTES)
    collected: list[dict[str, Any]] = []
    live_interactions = 0
    start: dict[str, Any] | None = None
    while True:
        params: dict[str, Any] = {
            "KeyConditionExpression": condition,
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": 1 + observation_cap + interaction_limit + 8,
            "ProjectionExpression": projection,
            **expr.params(),
        }
        if start:
            params["ExclusiveStartKey"] = start
        items, start = await db.query_wire(**params)
        for wire in items:
            # Decoded only if kept: most of a long partition's interactions are not.
            is_interaction = wire["sk"]["S"].startswith(keys.INTERACTION_PREFIX)
            if is_interaction and live_interactions >= interaction_limit:
                continue
            ttl = wire.get("ttl", {}).get("N")
            if ttl is not None and int(Decimal(ttl)) <= now_epoch:
                continue  # expired (the rule of items.is_live, on the wire form)
            collected.append(deserialize(wire))
            live_interactions += is_interaction
        if not start or live_interactions >= interaction_limit:
            return collected


async def members(
    db: DynamoClient, pk: str, prefix: str, attributes: list[str]
) -> list[dict[str, Any]]:
    """Every item of a partition under ``prefix`` (projected), oldest first."""
    expr = Expr()
    projection = ", ".join(expr.name(a) for a in ["pk", "sk", *attributes])
    condition = (
        f"{expr.name('pk')} = {expr.value(pk)} AND "
        f"begins_with({expr.name('sk')}, {expr.value(prefix)})"
    )
    found: list[dict[str, Any]] = []
    async for page in db.query_all(
        KeyConditionExpression=condition,
        ProjectionExpression=projection,
        ConsistentRead=True,
        **expr.params(),
    ):
        found.extend(page)
    return found


async def delete_partition(db: DynamoClient, pk: str) -> dict[str, int]:
    """Delete every item of a partition; returns how many of each kind were deleted."""
    deleted: dict[str, int] = {}
    while True:
        expr = Expr()
        items, _ = await db.query(
            KeyConditionExpression=f"{expr.name('pk')} = {expr.value(pk)}",
            ProjectionExpression=f"{expr.name('pk')}, {expr.name('sk')}",
            ConsistentRead=True,
            Limit=25,
            **expr.params(),
        )
        if not items:
            return deleted
        # A transaction per batch: a page is gone entirely or not at all.
        await db.transact([tx_delete(i["pk"], i["sk"]) for i in items])
        for item in items:
            kind = item["sk"].split("#", 1)[0]
            deleted[kind] = deleted.get(kind, 0) + 1
