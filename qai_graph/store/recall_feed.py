"""What the recall index reads: every memory once at start, then what changed since.

- ``scan_memories``: a paged Scan of observations, interactions and profiles (the
  index's build at start; progress is the caller's to log).
- ``changed_keys``: keys of short-term items whose ttl is at or after a floor, from the
  memory-tier index. A new or reinforced observation or interaction gets
  ``ttl = now + short_term_ttl`` (or ``interaction_ttl``), so "written since W" is
  "ttl >= W + min(ttls)": the existing sparse index answers it, no new index is needed.
  Sessions (1 h) and idempotency records (24 h) have shorter ttls and stay below the
  floor. Forgotten-player and moderation markers are written with the longest ttl so
  they pass it too.
- ``profiles_since``: profiles whose last-seen moved since a time (entity-type index).
- ``get_many``: the items for keys (BatchGetItem), as the index keeps them.
- ``get_answers``: the items a recall answer verifies and shows (BatchGetItem), without
  what no answer shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from qai_graph.store import keys
from qai_graph.store.client import ConditionFailed, DynamoClient
from qai_graph.store.expressions import Expr
from qai_graph.store.items import ANSWER_ATTRIBUTES, short_term_attributes
from qai_graph.store.table import ENTITY_TYPE_INDEX, MEMORY_TIER_INDEX

MEMORY_TYPES = ("OBSERVATION", "INTERACTION", "PLAYER")
PROFILE_SK = keys.PROFILE_SK
# Everything the index keeps; ``context`` (up to 16 kB of game state) is left out.
INDEXED_ATTRIBUTES = (
    "pk", "sk", "entity_type", "observation_id", "interaction_id", "timestamp", "subject",
    "content", "category", "confidence", "evidence_count", "promoted", "memory_tier", "ttl",
    "last_reinforced", "player", "message", "qai_response", "name", "first_seen",
    "last_seen", "total_interactions", "play_style", "preferred_patterns", "embedding",
    "embedding_model", "forgotten_at", "player_key", "flag", "private", "hidden", "banned",
    "channel",
    "moderation_version", "target_pk", "target_sk", "deleted",
    "session_id", "line_id", "superseded_by", "summary_key",
)  # fmt: skip
SCAN_PAGE = 1000


def _projection(expr: Expr) -> str:
    return ", ".join(expr.name(a) for a in INDEXED_ATTRIBUTES)


async def scan_memories(
    db: DynamoClient, page_size: int = SCAN_PAGE
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every observation, interaction and profile, a page at a time (expired ones too:
    the index checks ttl itself).

    The other items (sessions, counters, idempotency records: a small share, projected
    to the same few attributes) are dropped here rather than by a FilterExpression: the
    cost is the same on DynamoDB (a Scan pays for what it reads), and the embedded store
    can then answer from its items' stored JSON without rebuilding each one."""
    expr = Expr()
    params: dict[str, Any] = {
        "TableName": db.table_name,
        "Limit": page_size,
        "ProjectionExpression": _projection(expr),
        **expr.params(),
    }
    start: dict[str, Any] | None = None
    while True:
        page = dict(params)
        if start:
            page["ExclusiveStartKey"] = start
        items, start = await db.scan(**page)
        yield [item for item in items if item.get("entity_type") in MEMORY_TYPES]
        if not start:
            return


async def _query_shards(
    db: DynamoClient,
    index_name: str,
    hash_name: str,
    shard_pks: Sequence[str],
    range_name: str,
    floor: Any,
    projection: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Every item of an index's shards whose range key is at or after ``floor``; the
    shards are read concurrently (a catch-up before a search waits for them)."""

    async def shard(pk: str) -> list[dict[str, Any]]:
        expr = Expr()
        params: dict[str, Any] = {
            "IndexName": index_name,
            "KeyConditionExpression": (
                f"{expr.name(hash_name)} = {expr.value(pk)} AND "
                f"{expr.name(range_name)} >= {expr.value(floor)}"
            ),
        }
        if projection:
            params["ProjectionExpression"] = ", ".join(expr.name(a) for a in projection)
        return [item async for page in db.query_all(**params, **expr.params()) for item in page]

    shards = await asyncio.gather(*(shard(pk) for pk in shard_pks))
    return [item for one in shards for item in one]


async def changed_keys(
    db: DynamoClient, index_shards: int, ttl_floor: int
) -> list[tuple[str, str, int]]:
    """(pk, sk, ttl) of short-term items whose ttl is at or after ``ttl_floor``."""
    items = await _query_shards(
        db, MEMORY_TIER_INDEX, "tier_pk", keys.tier_index_pks(index_shards), "ttl", ttl_floor,
        projection=("pk", "sk", "ttl"),
    )  # fmt: skip
    return [(i["pk"], i["sk"], int(i["ttl"])) for i in items]


async def profiles_since(db: DynamoClient, index_shards: int, since: str) -> list[dict[str, Any]]:
    """Profiles last seen at or after ``since`` (an ISO time), from the entity-type index."""
    return await _query_shards(
        db, ENTITY_TYPE_INDEX, "type_pk", keys.player_index_pks(index_shards), "type_sk", since
    )


async def get_many(db: DynamoClient, wanted: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The items at these keys that exist (BatchGetItem, projected to what the index keeps)."""
    if not wanted:
        return []
    expr = Expr()
    return await db.batch_get(wanted, projection=_projection(expr), names=expr.names)


async def get_answers(db: DynamoClient, wanted: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The items at these keys that exist, with what a recall answer shows of them."""
    if not wanted:
        return []
    expr = Expr()
    projection = ", ".join(expr.name(a) for a in ANSWER_ATTRIBUTES)
    return await db.batch_get(wanted, projection=projection, names=expr.names)


def is_forget_marker(item: dict[str, Any]) -> bool:
    """True for the marker ``forget_marker`` writes."""
    return str(item.get("pk", "")).startswith(keys.FORGOTTEN_PREFIX)


def forgotten_player(item: dict[str, Any]) -> str:
    """The player key a forget marker names."""
    return str(item["pk"])[len(keys.FORGOTTEN_PREFIX) :]


async def forget_marker(
    db: DynamoClient, key: str, forgotten_at: str, ttl: int, index_shards: int
) -> None:
    """Tell other replicas that a player was forgotten (their indexes drop the player's
    memories written up to ``forgotten_at``). Short-term, so it is swept like the rest."""
    pk = keys.forgotten_pk(key)
    await db.put(
        {
            "pk": pk,
            "sk": keys.MARKER_SK,
            "entity_type": "FORGOTTEN",
            "player_key": key,
            "forgotten_at": forgotten_at,
            **short_term_attributes(pk, ttl, index_shards),
        }
    )


def player_partition(key: str) -> str:
    """The partition key of a player (for the index's removal)."""
    return keys.PLAYER_PREFIX + key


async def set_vector(db: DynamoClient, pk: str, sk: str, attributes: dict[str, Any]) -> bool:
    """Store a memory's vector attributes; False when the item is gone."""
    expr = Expr()
    sets = ", ".join(f"{expr.name(k)} = {expr.value(v)}" for k, v in attributes.items())
    # attribute_exists: a memory deleted meanwhile must not come back as a vector stub.
    try:
        await db.update(pk, sk, f"SET {sets}", expr, condition="attribute_exists(pk)")
    except ConditionFailed:
        return False
    return True
