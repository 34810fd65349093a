"""Recording a solved pattern: the player's solution stats, the pattern's stats, and
evolution's solution count move together in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from qai_graph.config import MemoryConfig
from qai_graph.errors import Conflict, InvalidInput
from qai_graph.memory import validation
from qai_graph.memory.evolution.tracker import EvolutionTracker
from qai_graph.memory.players import Players
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.results import SolutionRecorded
from qai_graph.models import PatternStats, PlayerProfile
from qai_graph.store import evolution as evolution_store
from qai_graph.store import idempotency, keys, patterns, players
from qai_graph.store.client import DynamoClient, TransactionCancelled

MAX_GATES = 64
MAX_TIME_MS = 24 * 60 * 60 * 1000
_ATTEMPTS = 6


@dataclass(frozen=True)
class Recorded:
    """Player and pattern after the solution (evolution is settled by the service)."""

    player: PlayerProfile
    pattern: PatternStats
    replayed: bool


class SolutionRecorder:
    """The record_solution use case."""

    def __init__(
        self,
        db: DynamoClient,
        config: MemoryConfig,
        players: Players,
        evolution: EvolutionTracker,
        recall: RecallIndex,
    ) -> None:
        self._db = db
        self._config = config
        self._players = players
        self._evolution = evolution
        self._recall = recall

    async def record(
        self,
        player: str,
        pattern_id: str,
        fidelity: float,
        time_ms: int,
        gate_sequence: Sequence[str] | None,
        idempotency_key: str | None,
    ) -> SolutionRecorded:
        """Apply one solution exactly once, then settle evolution's stage."""
        recorded = await self._apply(
            player, pattern_id, fidelity, time_ms, gate_sequence, idempotency_key
        )
        evolution, advanced = await self._evolution.settle()
        self._recall.observe_profile(recorded.player)
        return SolutionRecorded(
            player=recorded.player,
            pattern=recorded.pattern,
            evolution=evolution,
            stage_advanced=advanced,
            replayed=recorded.replayed,
        )

    async def _apply(
        self,
        player: str,
        pattern_id: str,
        fidelity: float,
        time_ms: int,
        gate_sequence: Sequence[str] | None,
        idempotency_key: str | None,
    ) -> Recorded:
        """Apply one solution exactly once (per idempotency key, when given)."""
        display = keys.clean_display_name(player)
        key = display.casefold()
        pattern = keys.check_id(pattern_id, "pattern_id")
        level = validation.unit_interval(fidelity, "fidelity")
        millis = validation.count(time_ms, "time_ms")
        if millis > MAX_TIME_MS:
            raise InvalidInput(f"time_ms must be at most {MAX_TIME_MS}", field="time_ms")
        gates = list(gate_sequence or [])
        if len(gates) > MAX_GATES or not all(
            isinstance(g, str) and 0 < len(g) <= 32 for g in gates
        ):
            raise InvalidInput(
                f"gate_sequence must be at most {MAX_GATES} gate names of 1-32 characters",
                field="gate_sequence",
            )
        claim = None
        if idempotency_key is not None:
            request = {"pattern_id": pattern, "fidelity": level, "time_ms": millis, "gates": gates}
            claim = idempotency.claim(
                keys.player_partition(key), "solution", idempotency_key, request
            )

        for _ in range(_ATTEMPTS):
            now = datetime.now(UTC)
            now_epoch = int(now.timestamp())
            items = [
                players.solution_update(key, pattern, level, millis),
                patterns.stats_update(pattern, gates, display, level, millis, now),
                evolution_store.counter_increment(
                    evolution_store.pick_shard(self._config.counter_shards), solutions=1
                ),
            ]
            if claim:
                items.append(
                    idempotency.put_record(
                        claim,
                        {"pattern_id": pattern},
                        now_epoch + self._config.idempotency_ttl,
                        now_epoch,
                        self._config.tier_index_shards,
                    )
                )
            try:
                await self._db.transact(items)
            except TransactionCancelled as exc:
                if claim and exc.failed(3):
                    if await idempotency.replay(self._db, claim, now_epoch) is not None:
                        return await self._read(key, display, pattern, replayed=True)
                    continue
                if exc.failed(0):
                    await self._players.create(display, key)
                    continue
                raise
            return await self._read(key, display, pattern, replayed=False, rank=True)
        raise Conflict("could not record the solution; retry")

    async def _read(
        self, key: str, display: str, pattern: str, *, replayed: bool, rank: bool = False
    ) -> Recorded:
        for _ in range(_ATTEMPTS):
            profile_item = await self._db.get(keys.player_partition(key), keys.PROFILE_SK)
            stats_item = await patterns.get(self._db, pattern)
            if profile_item is None or stats_item is None:
                raise Conflict("the player or pattern vanished while recording; retry")
            count = int((profile_item.get("pattern_counts") or {}).get(pattern, 0))
            # Keep the pattern's top players current; a lost race re-reads and tries again.
            if not rank or await patterns.offer_top_player(
                self._db, stats_item, key, display, count
            ):
                if rank:
                    stats_item = await patterns.get(self._db, pattern) or stats_item
                return Recorded(
                    player=players.profile_from_item(profile_item),
                    pattern=patterns.pattern_from_item(stats_item),
                    replayed=replayed,
                )
        raise Conflict("the pattern's top players kept changing; retry")
