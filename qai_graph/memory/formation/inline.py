"""Formation inside the writer's own transaction: backfill with the local observer.

The local rules are pure CPU (no network, no waiting on a model), so a backfilled line
can be formed before its transaction is written, and what it taught QAI (new
observations, reinforcements, supersessions) written in that same transaction, beside
the line's marker: no pending item is written, read again and deleted per line, and a
crash leaves each line either applied and formed or neither (exactly once, as the
marker already holds the line to once). A model backend keeps the pending-item path
(engine.py): its calls are slow and may fail, and must not hold a transaction open.

The caller holds each player's observations here while it writes their lines (read once,
when the first line that teaches something comes), applies the formed sentences to
them, writes :meth:`items` in its transaction, then calls :meth:`committed` (the changes
become the state read) or :meth:`rollback` (they are forgotten; after a cancellation the
caller also :meth:`forget`\\ s the players, so they are read again).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.memory.formation.beliefs import Change, PlayerBeliefs, Sentence
from qai_graph.memory.formation.reading import ExchangeReader
from qai_graph.memory.formation.report import FormationReport
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.store import keys, observations
from qai_graph.store.client import DynamoClient
from qai_graph.store.formation import PendingExchange

# (changes of each player, exchanges formed, sentences skipped) -> the formation's
# totals, the recall index and the event hub, as after a worker's run.
Recorder = Callable[[list[tuple[Change, list[dict[str, Any]]]], FormationReport], None]

READS_AT_ONCE = 8  # players' observations read concurrently


class InlineFormation:
    """What each player being written believes, formed in the writer's transactions."""

    def __init__(
        self,
        db: DynamoClient,
        config: MemoryConfig,
        reader: ExchangeReader,
        recall: RecallIndex | None,
        record: Recorder,
    ) -> None:
        self._db = db
        self._config = config
        self._reader = reader
        self._recall = recall
        self._record = record
        self._held: dict[str, PlayerBeliefs] = {}  # player key -> beliefs as committed
        self._gate = asyncio.Semaphore(READS_AT_ONCE)

    async def sentences(self, pendings: Sequence[PendingExchange]) -> list[list[Sentence]]:
        """What each exchange says (checked and embedded); its context is the earlier
        turns it carries."""
        report = FormationReport()
        said = await self._reader.sentences(pendings, report, context_given=True)
        if report.skipped:
            self._record([], report)
        return said

    async def prepare(self, player_keys: Iterable[str]) -> None:
        """Read the observations of the players not held yet (one Query each)."""
        missing = [key for key in dict.fromkeys(player_keys) if key not in self._held]
        if missing:
            await asyncio.gather(*(self._read(key) for key in missing))

    async def _read(self, key: str) -> None:
        pk = keys.player_partition(key)
        async with self._gate:
            items = await observations.of_subject(self._db, pk)
        self._held[key] = PlayerBeliefs(
            pk,
            items,
            self._config,
            self._recall.model if self._recall else "",
            self._recall.embedder.dim if self._recall else 0,
            int(time.time()),
        )

    def apply(self, pending: PendingExchange, sentences: Sequence[Sentence]) -> None:
        """Apply what one exchange taught QAI (its player prepared)."""
        self._held[pending.key].apply(pending, sentences, finish=False)

    def item_count(self, player_keys: Iterable[str]) -> int:
        """Transaction items the changes of these players would write now."""
        return sum(self._held[k].item_count() for k in set(player_keys) if k in self._held)

    def items(self, key: str) -> list[dict[str, Any]]:
        """The transaction items of this player's changes since the last commit."""
        beliefs = self._held.get(key)
        return beliefs.flush_items("") if beliefs is not None else []

    def committed(self, player_keys: Iterable[str], exchanges: int) -> FormationReport:
        """The transaction holding these players' changes went through; ``exchanges``:
        the lines it formed (those that taught nothing too)."""
        changes = []
        for key in set(player_keys):
            beliefs = self._held.get(key)
            if beliefs is not None:
                change, stored, _ = beliefs.committed()
                changes.append((change, stored))
        report = FormationReport(exchanges=exchanges)
        self._record(changes, report)
        return report

    def rollback(self, player_keys: Iterable[str]) -> None:
        """The transaction did not go through: forget what it would have changed."""
        for key in set(player_keys):
            beliefs = self._held.get(key)
            if beliefs is not None:
                beliefs.rollback()

    def forget(self, player_keys: Iterable[str]) -> None:
        """Drop these players' observations (changed meanwhile, or done with): read
        again when needed."""
        for key in set(player_keys):
            self._held.pop(key, None)
