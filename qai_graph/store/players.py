"""Player profile items: layout, reads, and the writes that touch a profile."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from qai_graph.errors import NotFound
from qai_graph.models import EntityType, MemoryTier, PlayerProfile
from qai_graph.store import keys
from qai_graph.store.client import ConditionFailed, DynamoClient, TransactionCancelled
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.evolution import counter_increment
from qai_graph.store.expressions import Expr, tx_put, tx_update
from qai_graph.store.table import ENTITY_TYPE_INDEX

PREFERRED_PATTERNS_SHOWN = 3

# Fields a caller may set with update_player; counters and timestamps are never set directly.
UPDATABLE_FIELDS = {
    "play_style",
    "preferred_patterns",
    "sentiment_score",
    "helpfulness_score",
    "memorable_moments",
    "average_fidelity",
}


def profile_item(display: str, key: str, now: datetime, player_shards: int) -> dict[str, Any]:
    """A new profile item."""
    stamp = iso(now)
    return {
        "pk": keys.PLAYER_PREFIX + key,
        "sk": keys.PROFILE_SK,
        "entity_type": EntityType.PLAYER.value,
        "memory_tier": MemoryTier.LONG_TERM.value,
        "name": display,
        "player_key": key,
        "first_seen": stamp,
        "last_seen": stamp,
        "updated_at": stamp,
        "total_interactions": 0,
        "total_solutions": 0,
        "fidelity_sum": 0,
        "time_ms_sum": 0,
        "pattern_counts": {},
        "sentiment_score": 0.0,
        "helpfulness_score": 0.0,
        "memorable_moments": [],
        "type_pk": keys.player_index_pk(key, player_shards),
        "type_sk": keys.recency_sort_key(stamp, key),
    }


def profile_from_item(item: Mapping[str, Any]) -> PlayerProfile:
    """Profile item -> PlayerProfile, deriving averages and preferred patterns."""
    solutions = int(item.get("total_solutions", 0))
    counts: Mapping[str, int] = item.get("pattern_counts") or {}
    derived = sorted(counts, key=lambda p: (-counts[p], p))[:PREFERRED_PATTERNS_SHOWN]
    average_fidelity = item.get("average_fidelity")
    average_time = None
    if solutions:
        average_fidelity = min(1.0, max(0.0, float(item.get("fidelity_sum", 0)) / solutions))
        average_time = round(float(item.get("time_ms_sum", 0)) / solutions)
    return PlayerProfile(
        name=item["name"],
        first_seen=parse_iso(item["first_seen"]),
        last_seen=parse_iso(item["last_seen"]),
        total_interactions=int(item.get("total_interactions", 0)),
        total_solutions=solutions,
        preferred_patterns=item.get("preferred_patterns") or derived,
        average_fidelity=average_fidelity,
        average_time_ms=average_time,
        play_style=item.get("play_style"),
        sentiment_score=float(item.get("sentiment_score", 0.0)),
        helpfulness_score=float(item.get("helpfulness_score", 0.0)),
        memorable_moments=list(item.get("memorable_moments") or [])[-10:],
        banned=bool(item.get("banned", False)),
    )


def empty_profile(display: str, now: datetime) -> PlayerProfile:
    """The profile of a player never met: returned by reads, never saved."""
    return PlayerProfile(name=display, first_seen=now, last_seen=now)


async def get_profile(db: DynamoClient, key: str) -> PlayerProfile | None:
    """Read one profile."""
    item = await db.get(keys.PLAYER_PREFIX + key, keys.PROFILE_SK)
    return profile_from_item(item) if item else None


async def get_profiles(db: DynamoClient, player_keys: Sequence[str]) -> dict[str, PlayerProfile]:
    """Read many profiles in one BatchGetItem (per 100); keyed by player key."""
    items = await db.batch_get([(keys.PLAYER_PREFIX + k, keys.PROFILE_SK) for k in player_keys])
    return {item["player_key"]: profile_from_item(item) for item in items}


async def create_player(
    db: DynamoClient, display: str, key: str, now: datetime, player_shards: int, counter_shard: int
) -> bool:
    """Create the profile and count the player once; False when it already existed."""
    try:
        await db.transact(
            [
                # attribute_not_exists: of two replicas meeting a new player at once, only
                # one creates it, so unique_players_met is counted exactly once.
                tx_put(profile_item(display, key, now, player_shards), "attribute_not_exists(pk)"),
                counter_increment(counter_shard, players=1),
            ]
        )
    except TransactionCancelled as exc:
        if exc.failed(0):
            return False
        raise
    return True


def touch_update(
    key: str,
    display: str,
    now: datetime,
    *,
    interactions: int = 0,
    marker: str | None = None,
    player_shards: int | None = None,
) -> dict[str, Any]:
    """Transaction item: an interaction with a known player (last seen, counter, recency).

    ``marker`` (the interaction's id) lets a read made alongside this write tell whether
    it saw it (:func:`profile_after_touch`). With ``player_shards`` the profile also
    moves to its index shard under that count, so a changed shard setting converges as
    players come back (the recency key moves the index entry anyway: no extra write).
    """
    expr = Expr()
    stamp = iso(now)
    marked = f"{expr.name('last_marker')} = {expr.value(marker)}, " if marker else ""
    if player_shards is not None:
        index_pk = keys.player_index_pk(key, player_shards)
        marked += f"{expr.name('type_pk')} = {expr.value(index_pk)}, "
    update = (
        f"SET {marked}{expr.name('last_seen')} = {expr.value(stamp)}, "
        f"{expr.name('updated_at')} = {expr.value(stamp)}, "
        f"{expr.name('name')} = {expr.value(display)}, "
        f"{expr.name('type_sk')} = {expr.value(keys.recency_sort_key(stamp, key))} "
        f"ADD {expr.name('total_interactions')} {expr.value(interactions)}"
    )
    # attribute_exists: the profile must exist, so an unknown player is created first
    # (and counted once) instead of being half-written by this update.
    return tx_update(
        keys.PLAYER_PREFIX + key, keys.PROFILE_SK, update, expr, "attribute_exists(pk)"
    )


def profile_after_touch(
    item: Mapping[str, Any], marker: str, display: str, now: datetime, interactions: int
) -> PlayerProfile:
    """The profile after a touch, from a read made alongside it.

    A read that carries the touch's marker saw it; one that does not was (almost always)
    made before it, so the touch's own increments are added. Only when another
    interaction of the same player landed between the touch and the read is the count
    one too high; the stored counter is exact either way.
    """
    profile = profile_from_item(item)
    if item.get("last_marker") == marker:
        return profile
    return profile.model_copy(
        update={
            "name": display,
            "last_seen": max(profile.last_seen, now),
            "total_interactions": profile.total_interactions + interactions,
        }
    )


async def get_profile_item(db: DynamoClient, key: str) -> dict[str, Any] | None:
    """Read one profile item as stored."""
    return await db.get(keys.PLAYER_PREFIX + key, keys.PROFILE_SK)


def solution_update(key: str, pattern_id: str, fidelity: float, time_ms: int) -> dict[str, Any]:
    """Transaction item: a solved pattern (counters, sums for exact averages, per-pattern count)."""
    expr = Expr()
    counts = expr.path("pattern_counts", pattern_id)
    update = (
        f"SET {counts} = if_not_exists({counts}, {expr.value(0)}) + {expr.value(1)} "
        f"ADD {expr.name('total_solutions')} {expr.value(1)}, "
        f"{expr.name('fidelity_sum')} {expr.value(fidelity)}, "
        f"{expr.name('time_ms_sum')} {expr.value(time_ms)}"
    )
    # attribute_exists: same reason as touch_update; the map exists since creation.
    return tx_update(
        keys.PLAYER_PREFIX + key, keys.PROFILE_SK, update, expr, "attribute_exists(pk)"
    )


async def update_fields(
    db: DynamoClient, key: str, fields: Mapping[str, Any], now: datetime
) -> PlayerProfile:
    """Set caller-editable fields; NotFound when the player was never met."""
    expr = Expr()
    sets = [f"{expr.name(name)} = {expr.value(value)}" for name, value in fields.items()]
    sets.append(f"{expr.name('updated_at')} = {expr.value(iso(now))}")
    try:
        # attribute_exists: an update must never create a half-made profile.
        item = await db.update(
            keys.PLAYER_PREFIX + key,
            keys.PROFILE_SK,
            "SET " + ", ".join(sets),
            expr,
            condition="attribute_exists(pk)",
            return_new=True,
        )
    except ConditionFailed as exc:
        raise NotFound(f"no player named {key!r}") from exc
    assert item is not None
    return profile_from_item(item)


async def add_counters(
    db: DynamoClient, key: str, now: datetime, interactions: int, solutions: int
) -> None:
    """Add to a known player's counters (the seed's update_player_stats)."""
    expr = Expr()
    stamp = iso(now)
    update = (
        f"SET {expr.name('last_seen')} = {expr.value(stamp)}, "
        f"{expr.name('updated_at')} = {expr.value(stamp)}, "
        f"{expr.name('type_sk')} = {expr.value(keys.recency_sort_key(stamp, key))} "
        f"ADD {expr.name('total_interactions')} {expr.value(interactions)}, "
        f"{expr.name('total_solutions')} {expr.value(solutions)}"
    )
    try:
        # attribute_exists: counters of an unknown player would create a profile-less item.
        await db.update(
            keys.PLAYER_PREFIX + key,
            keys.PROFILE_SK,
            update,
            expr,
            condition="attribute_exists(pk)",
        )
    except ConditionFailed as exc:
        raise NotFound(f"no player named {key!r}") from exc


async def list_profiles(
    db: DynamoClient, player_shards: int, limit: int, before: str | None
) -> tuple[list[PlayerProfile], str | None]:
    """A page of profiles, most recently seen first, merged over the index shards.

    ``before`` is the recency sort key of the last profile of the previous page; the
    returned cursor is the one to pass for the next page (None on the last page).
    """

    async def one_shard(index_pk: str) -> tuple[list[dict[str, Any]], bool]:
        expr = Expr()
        condition = f"{expr.name('type_pk')} = {expr.value(index_pk)}"
        if before is not None:
            condition += f" AND {expr.name('type_sk')} < {expr.value(before)}"
        items, last = await db.query(
            IndexName=ENTITY_TYPE_INDEX,
            KeyConditionExpression=condition,
            ScanIndexForward=False,
            Limit=limit + 1,
            **expr.params(),
        )
        return items, last is not None

    results = await asyncio.gather(*(one_shard(p) for p in keys.player_index_pks(player_shards)))
    merged = sorted(
        (i for items, _ in results for i in items), key=lambda i: i["type_sk"], reverse=True
    )
    more = len(merged) > limit or any(more for _, more in results)
    page = merged[:limit]
    cursor = page[-1]["type_sk"] if more and page else None
    return [profile_from_item(i) for i in page], cursor


async def set_sentiment(db: DynamoClient, key: str, sentiment: float, now: datetime) -> bool:
    """Store a derived sentiment score; False when the player is gone."""
    expr = Expr()
    update = (
        f"SET {expr.name('sentiment_score')} = {expr.value(sentiment)}, "
        f"{expr.name('stats_updated_at')} = {expr.value(iso(now))}"
    )
    try:
        # attribute_exists: a player forgotten meanwhile must not come back as a stub.
        await db.update(
            keys.PLAYER_PREFIX + key,
            keys.PROFILE_SK,
            update,
            expr,
            condition="attribute_exists(pk)",
        )
    except ConditionFailed:
        return False
    return True


# Fields consolidation derives (memory/profile_rules.py), and its own bookkeeping.
LEARNED_FIELDS = {
    "play_style",
    "preferred_patterns",
    "average_fidelity",
    "sentiment_score",
    "memorable_moments",
    "learned_moments",  # the moments with their salience, so expired ones still compete
    "learned_play_style",  # the style consolidation last named (a client's is kept apart)
    "learned_solutions",  # total_solutions when the style was last derived
}


async def set_learned(
    db: DynamoClient,
    key: str,
    sets: Mapping[str, Any],
    removes: Sequence[str],
    solutions_seen: int,
    now: datetime,
) -> dict[str, Any] | None:
    """Store derived profile fields; the new item, or None when the profile is gone or
    a solution landed since it was read (the caller re-reads and derives again)."""
    unknown = (set(sets) | set(removes)) - LEARNED_FIELDS
    if unknown:
        raise ValueError(f"not derived profile fields: {sorted(unknown)}")
    expr = Expr()
    assignments = [f"{expr.name(name)} = {expr.value(value)}" for name, value in sets.items()]
    assignments.append(f"{expr.name('stats_updated_at')} = {expr.value(iso(now))}")
    update = "SET " + ", ".join(assignments)
    if removes:
        update += " REMOVE " + ", ".join(expr.name(name) for name in removes)
    # total_solutions as read: fields derived from the counters are never written over
    # counters that moved meanwhile; attribute_exists: a forgotten player stays gone.
    condition = (
        f"attribute_exists(pk) AND {expr.name('total_solutions')} = {expr.value(solutions_seen)}"
    )
    try:
        return await db.update(
            keys.PLAYER_PREFIX + key,
            keys.PROFILE_SK,
            update,
            expr,
            condition=condition,
            return_new=True,
        )
    except ConditionFailed:
        return None


def bound_claim(key: str, version_seen: int) -> dict[str, Any]:
    """Transaction item: this run's trim of the player's observations is the next one.

    Part of every merge and drop of one player's observations: two runs bounding the
    same player at once cannot both act on what they read (one would drop what the
    other already made room for); the loser reads again."""
    expr = Expr()
    name = expr.name("bound_version")
    update = f"SET {name} = {expr.value(version_seen + 1)}"
    # bound_version as read (absent reads as 0): see the docstring.
    condition = f"{name} = {expr.value(version_seen)}"
    if version_seen == 0:
        condition = f"attribute_exists(pk) AND (attribute_not_exists({name}) OR {condition})"
    return tx_update(keys.PLAYER_PREFIX + key, keys.PROFILE_SK, update, expr, condition)
