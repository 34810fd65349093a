"""The service's maintenance use cases: consolidation, formation's backlog, backfill,
reindex.

Kept apart from :mod:`qai_graph.memory.service` (as :mod:`~qai_graph.memory.lifecycle`
is) so the facade reads as the bot's and the dashboard's calls; ``MemoryService``
builds the parts these methods use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from qai_graph.config import MemoryConfig
from qai_graph.memory.backfill import Backfiller, BackfillReport
from qai_graph.memory.backfill.apply import Progress
from qai_graph.memory.consolidation import Consolidator
from qai_graph.memory.events.hub import EventHub, EventKind, MemoryEvent
from qai_graph.memory.evolution.tracker import EvolutionTracker
from qai_graph.memory.formation import Formation, FormationReport
from qai_graph.memory.observations import Observations
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.models import ConsolidationResult
from qai_graph.store import formation
from qai_graph.store.client import DynamoClient

logger = logging.getLogger("qai_graph.memory.service")


class Maintenance:
    """Consolidate, form what is pending, backfill history, reindex vectors."""

    config: MemoryConfig
    store: DynamoClient
    events: EventHub
    recall_index: RecallIndex
    trust: TrustGate
    formation: Formation
    observations: Observations
    evolution: EvolutionTracker

    async def consolidate_memories(self) -> ConsolidationResult:
        """Finish pending formation, then promote, prune, bound and refresh memory; safe
        beside writes and other runs."""
        formed = await self.formation.drain()
        if formed.exchanges:
            logger.info("consolidation formed %d pending exchanges first", formed.exchanges)
        result = await Consolidator(
            self.store, self.config, self.observations, self.recall_index
        ).run()
        self.events.publish(
            MemoryEvent(EventKind.CONSOLIDATED, detail=result.model_dump(mode="json"))
        )
        return result

    async def form_pending(self) -> FormationReport:
        """Form every pending exchange now (otherwise the worker does it when idle)."""
        return await self.formation.drain()

    async def pending_formations(self) -> int:
        """How many exchanges wait for formation (every replica's)."""
        return await formation.count_pending(self.store, self.config.player_index_shards)

    async def backfill(
        self, lines: Iterable[bytes | str], progress: Progress | None = None, *, form: bool = True
    ) -> BackfillReport:
        """Apply chat history (JSON Lines, one message a line) at each line's own time;
        idempotent by line id; ``form``: finish formation before returning."""
        backfiller = Backfiller(
            self.store, self.config, self.formation, self.trust, self.evolution, self.recall_index
        )
        return await backfiller.apply(lines, progress, form=form)

    async def reindex(self, progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
        """Store vectors on memories written without one (or by another model)."""
        return await self.recall_index.reindex(progress)
