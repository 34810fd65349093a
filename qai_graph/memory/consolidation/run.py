"""One consolidation run: promote, then each player's step, then prune expired items.

Order matters: a player's step (``player.PlayerStep``) reads the player's expired formed
observations, so it runs before the prune deletes them. Players come from two places:
those seen since the last run began (incremental), and any player whose observations the
prune is about to delete, found in the prune's own sweep, page by page, before that page
is deleted.

Safe beside writes and beside another run: every delete and promotion is conditional,
so each item is pruned or promoted by exactly one run, and counts add up across runs;
what a player's step writes is conditional too (see its module). A second run over an
unchanged table writes nothing but its run record.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import TypeVar

from qai_graph.config import MemoryConfig
from qai_graph.memory.consolidation.player import PlayerOutcome, PlayerStep
from qai_graph.memory.observations import Observations
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.models import ConsolidationResult
from qai_graph.store import keys, maintenance
from qai_graph.store.client import DynamoClient
from qai_graph.store.items import is_live

logger = logging.getLogger(__name__)
T = TypeVar("T")
CONCURRENCY = 16


async def _bounded(calls: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run calls with at most CONCURRENCY in flight."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(one(c) for c in calls)))


class Consolidator:
    """One consolidation run.

    ``recall`` (optional) embeds the texts consolidation composes (session summaries,
    merged observations); without it they are stored without a vector until
    ``qai-graph reindex``."""

    def __init__(
        self,
        db: DynamoClient,
        config: MemoryConfig,
        observations: Observations,
        recall: RecallIndex | None = None,
    ) -> None:
        self._db = db
        self._config = config
        self._observations = observations
        self._recall = recall
        self._outcomes: dict[str, PlayerOutcome] = {}

    async def run(self) -> ConsolidationResult:
        """Promote, consolidate each player, prune; returns what this run did."""
        started = datetime.now(UTC)
        clock = time.monotonic()
        since = await maintenance.last_run_start(self._db)
        promoted = await self._promote()
        now = datetime.now(UTC)
        step = PlayerStep(self._db, self._config, self._observations, self._recall, now)
        touched = await maintenance.touched_players(
            self._db, self._config.player_index_shards, since
        )
        await self._players(step, touched)
        pruned = await self._prune(step, int(now.timestamp()))
        outcomes = list(self._outcomes.values())
        result = ConsolidationResult(
            observations_promoted=promoted + sum(o.promoted for o in outcomes),
            memories_pruned=pruned,
            players_updated=sum(1 for o in outcomes if o.updated),
            interactions_trimmed=sum(o.interactions_trimmed for o in outcomes),
            observations_trimmed=sum(o.observations_trimmed for o in outcomes),
            summaries_written=sum(len(o.summaries) for o in outcomes),
            observations_merged=sum(o.merged for o in outcomes),
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
            "consolidation: promoted=%d pruned=%d players=%d trimmed=%d/%d summaries=%d "
            "merged=%d learned=%d in %d ms",
            result.observations_promoted,
            result.memories_pruned,
            result.players_updated,
            result.interactions_trimmed,
            result.observations_trimmed,
            result.summaries_written,
            result.observations_merged,
            sum(1 for o in outcomes if o.learned),
            result.duration_ms,
        )
        return result

    async def _players(self, step: PlayerStep, player_keys: Iterable[str]) -> None:
        """Each player's step, once per run."""
        todo = [k for k in dict.fromkeys(player_keys) if k not in self._outcomes]
        for key in todo:
            self._outcomes[key] = PlayerOutcome()  # claimed: a later page skips it
        results = await _bounded([lambda k=k: step.run(k) for k in todo])  # type: ignore[misc]
        self._outcomes.update(zip(todo, results, strict=True))

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

    async def _prune(self, step: PlayerStep, now_epoch: int) -> int:
        """Delete what expired by the run's moment, each page after the steps of the
        players whose observations it holds."""
        deleted = 0
        async for page in maintenance.expired_keys(
            self._db, self._config.tier_index_shards, now_epoch
        ):
            owners = [
                key
                for pk, sk in page
                if sk.startswith(keys.OBSERVATION_PREFIX)
                and (key := keys.player_key_or_none(pk)) is not None
            ]
            await self._players(step, owners)
            results = await _bounded(
                [
                    lambda k=k: maintenance.delete_if_expired(self._db, k[0], k[1], now_epoch)  # type: ignore[misc]
                    for k in page
                ]
            )
            deleted += sum(results)
        return deleted
