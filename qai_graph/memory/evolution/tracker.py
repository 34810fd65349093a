"""Evolution: read the stage and counters, add to them, and advance the stage once per
threshold, publishing exactly one STAGE_CHANGED event per advance."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from qai_graph.config import MemoryConfig
from qai_graph.memory import validation
from qai_graph.memory.events.hub import EventHub, EventKind, MemoryEvent
from qai_graph.memory.evolution.rules import MAX_AUTOMATIC_STAGE, build_state, stage_for, stage_name
from qai_graph.models import EvolutionState
from qai_graph.store import evolution as evolution_store
from qai_graph.store.client import DynamoClient
from qai_graph.store.evolution import EvolutionCounts

logger = logging.getLogger(__name__)

CONFIRM_MARGIN = 100
"""A read made alongside a write that may not have seen it is trusted only while no stage
threshold lies within this many interactions above it; nearer, evolution is read again
after the write. Missing a crossing would take more than this many interactions
committed during one request's round trip (~10,000/s at 10 ms), and even then the stage
advances at the next interaction: late, never twice, never early."""


class EvolutionTracker:
    """QAI's evolution over the sharded counters and the conditional stage item."""

    def __init__(self, db: DynamoClient, config: MemoryConfig, events: EventHub) -> None:
        self._db = db
        self._config = config
        self._events = events

    def _state(self, counts: EvolutionCounts, stage: int | None = None) -> EvolutionState:
        return build_state(
            stage if stage is not None else counts.stage,
            counts.total_interactions,
            counts.total_solutions_observed,
            counts.unique_players_met,
            self._config,
            counts.stage_changed_at if stage is None else datetime.now(UTC),
        )

    async def state(self) -> EvolutionState:
        """Evolution from one Query of its partition; never writes."""
        return self._state(await evolution_store.read_counts(self._db))

    async def increment(self, interactions: int = 0, solutions: int = 0) -> EvolutionState:
        """Add to the counters directly, then advance the stage if earned."""
        validation.count(interactions, "interactions")
        validation.count(solutions, "solutions")
        if interactions or solutions:
            shard = evolution_store.pick_shard(self._config.counter_shards)
            await self._db.transact(
                [
                    evolution_store.counter_increment(
                        shard, interactions=interactions, solutions=solutions
                    )
                ]
            )
        state, _ = await self.settle()
        return state

    async def settle_alongside(
        self, counts: EvolutionCounts, marker: str, interactions: int
    ) -> tuple[EvolutionState, bool]:
        """Settle from a read made concurrently with a write of ``interactions`` marked
        ``marker``: no second read unless a threshold is near (see ``CONFIRM_MARGIN``)."""
        if marker in counts.markers:
            return await self.settle(counts)  # the read saw the write: as good as after it
        reach = counts.total_interactions + interactions + CONFIRM_MARGIN
        if min(stage_for(reach, self._config), MAX_AUTOMATIC_STAGE) > counts.stage:
            return await self.settle()
        # Far from any threshold: the read plus this write's own increment is the state.
        state = build_state(
            counts.stage,
            counts.total_interactions + interactions,
            counts.total_solutions_observed,
            counts.unique_players_met,
            self._config,
            counts.stage_changed_at,
        )
        self._events.publish(MemoryEvent(EventKind.EVOLUTION_UPDATED, evolution=state))
        return state, False

    async def settle(self, counts: EvolutionCounts | None = None) -> tuple[EvolutionState, bool]:
        """Read evolution (unless ``counts`` were read after the caller's write); move the
        stage one step per threshold crossed, once each."""
        if counts is None:
            counts = await evolution_store.read_counts(self._db)
        earned = min(stage_for(counts.total_interactions, self._config), MAX_AUTOMATIC_STAGE)
        advanced = False
        while counts.stage < earned:
            old = counts.stage
            won = await evolution_store.advance_stage(
                self._db, old, old + 1, stage_name(old + 1), datetime.now(UTC)
            )
            counts = await evolution_store.read_counts(self._db)
            if won:
                advanced = True
                logger.info("QAI evolved to stage %d: %s", old + 1, stage_name(old + 1))
                self._events.publish(
                    MemoryEvent(EventKind.STAGE_CHANGED, evolution=self._state(counts, old + 1))
                )
        state = self._state(counts)
        self._events.publish(MemoryEvent(EventKind.EVOLUTION_UPDATED, evolution=state))
        return state, advanced
