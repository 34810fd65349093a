"""Consolidation: promote what proved true, prune what expired, bound each player.

Safe beside writes and beside another run: every delete and promotion is conditional,
so each item is pruned or promoted by exactly one run, and counts add up across runs.
Incremental: bounds and stats are refreshed for players seen since the last run began.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from qai_graph.config import MemoryConfig
from qai_graph.memory.observations import Observations
from qai_graph.models import ConsolidationResult, MemoryTier
from qai_graph.store import keys, maintenance, observations, partition, players
from qai_graph.store.client import DynamoClient
from qai_graph.store.items import is_live

logger = logging.getLogger(__name__)
T = TypeVar("T")
CONCURRENCY = 16
SENTIMENT_VALUES = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}


async def _bounded(calls: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run calls with at most CONCURRENCY in flight."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(one(c) for c in calls)))


class Consolidator:
    """One consolidation run."""

    def __init__(self, db: DynamoClient, config: MemoryConfig, observations: Observations) -> None:
        self._db = db
        self._config = config
        self._observations = observations

    async def run(self) -> ConsolidationResult:
        """Promote, prune, bound and refresh; returns what this run did."""
        started = datetime.now(UTC)
        clock = time.monotonic()
        since = await maintenance.last_run_start(self._db)
        promoted = await self._promote()
        pruned = await self._prune()
        touched = await maintenance.touched_players(
            self._db, self._config.player_index_shards, since
        )
        outcomes = await _bounded([lambda k=k: self._bound_player(k) for k in touched])  # type: ignore[misc]
        result = ConsolidationResult(
            observations_promoted=promoted,
            memories_pruned=pruned,
            players_updated=sum(1 for o in outcomes if o[2]),
            interactions_trimmed=sum(o[0] for o in outcomes),
            observations_trimmed=sum(o[1] for o in outcomes),
            duration_ms=int((time.monotonic() - clock) * 1000),
            started_at=started,
        )
        now_epoch = int(time.time())
        await maintenance.record_run(
            self._db,
            keys.new_time_id(started.timestamp()),
            started,
            result.model_dump(mode="json"),
            self._config.tier_index_shards,
            now_epoch,
        )
        logger.info(
            "consolidation: promoted=%d pruned=%d players=%d trimmed=%d/%d in %d ms",
            result.observations_promoted,
            result.memories_pruned,
            result.players_updated,
            result.interactions_trimmed,
            result.observations_trimmed,
            result.duration_ms,
        )
        return result

    async def _promote(self) -> int:
        now_epoch = int(time.time())
        keys_found: list[tuple[str, str]] = []
        async for page in maintenance.promotion_candidates(
            self._db,
            self._config.tier_index_shards,
            now_epoch,
            self._config.observation_promotion_confidence,
            self._config.observation_promotion_evidence,
        ):
            keys_found.extend(page)

        async def promote(pk: str, sk: str) -> bool:
            item = await self._db.get(pk, sk)
            if item is None or item.get("promoted") or not is_live(item, now_epoch):
                return False
            if item.get("flag"):  # flagged: never promoted (a moderator may release it)
                return False
            return await self._observations.promote_item(item) is not None

        results = await _bounded([lambda k=k: promote(*k) for k in keys_found])  # type: ignore[misc]
        return sum(results)

    async def _prune(self) -> int:
        now_epoch = int(time.time())
        deleted = 0
        async for page in maintenance.expired_keys(
            self._db, self._config.tier_index_shards, now_epoch
        ):
            results = await _bounded(
                [
                    lambda k=k: maintenance.delete_if_expired(self._db, k[0], k[1], now_epoch)  # type: ignore[misc]
                    for k in page
                ]
            )
            deleted += sum(results)
        return deleted

    async def _bound_player(self, key: str) -> tuple[int, int, bool]:
        """Trim a player's interactions and observations to the caps; refresh sentiment."""
        pk = keys.player_partition(key)
        now_epoch = int(time.time())
        found_interactions = [
            i
            for i in await partition.members(
                self._db, pk, keys.INTERACTION_PREFIX, ["ttl", "sentiment"]
            )
            if is_live(i, now_epoch)
        ]
        found_observations = [
            o
            for o in await partition.members(
                self._db, pk, keys.OBSERVATION_PREFIX, ["ttl", "memory_tier", "dedup_sk"]
            )
            if is_live(o, now_epoch)
        ]
        excess_interactions = found_interactions[
            : max(0, len(found_interactions) - self._config.max_interactions_per_player)
        ]
        # Oldest short-term first; long-term memories go only if they alone exceed the cap.
        by_value = sorted(
            found_observations,
            key=lambda o: (o.get("memory_tier") == MemoryTier.LONG_TERM.value, keys.sort_key(o)),
        )
        excess_observations = by_value[
            : max(0, len(found_observations) - self._config.max_observations_per_player)
        ]
        trimmed_i = sum(
            await _bounded(
                [lambda i=i: self._delete_interaction(i) for i in excess_interactions]  # type: ignore[misc]
            )
        )
        trimmed_o = sum(
            await _bounded(
                [lambda o=o: self._delete_observation(o) for o in excess_observations]  # type: ignore[misc]
            )
        )
        kept = found_interactions[len(excess_interactions) :]
        moods = [
            SENTIMENT_VALUES[i["sentiment"]] for i in kept if i.get("sentiment") in SENTIMENT_VALUES
        ]
        updated = False
        if moods:
            score = round(sum(moods) / len(moods), 4)
            updated = await players.set_sentiment(self._db, key, score, datetime.now(UTC))
        return trimmed_i, trimmed_o, updated or bool(trimmed_i or trimmed_o)

    async def _delete_interaction(self, item: dict[str, Any]) -> bool:
        self._observations.unindex(*keys.item_key(item))
        return await self._db.delete(*keys.item_key(item))

    async def _delete_observation(self, item: dict[str, Any]) -> bool:
        pk, sk = keys.item_key(item)
        self._observations.unindex(pk, sk)
        deleted = await self._db.delete(pk, sk)
        if deleted and item.get("dedup_sk"):
            # Only the guard that still points at this observation.
            await observations.drop_guard(self._db, pk, item["dedup_sk"], sk)
        return deleted
