"""Formation: after each recorded exchange, QAI decides what it learned about the player.

Off the bot's path and durable:
- ``recordInteraction`` writes a pending item (store/formation.py) in the interaction's
  own transaction and hands the exchange to this replica's queue; it never waits.
- The worker forms when the replica has been idle ``formation_idle_s`` (the bot is
  waiting on its model) or when the oldest queued exchange has waited
  ``formation_max_delay_s``, so formation's reads and writes do not queue in front of the
  bot's.
- What an exchange taught QAI and the deletion of its pending item are one transaction:
  a crash before it leaves the pending item, which this replica (on start), another
  replica (its sweep, after ``formation_lease_s``) or consolidation forms later; a crash
  after it leaves nothing to redo. Each exchange is formed exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.memory.events.hub import EventHub, EventKind, MemoryEvent
from qai_graph.memory.formation.beliefs import Change, PlayerBeliefs, Sentence
from qai_graph.memory.formation.inline import InlineFormation
from qai_graph.memory.formation.reading import ExchangeReader
from qai_graph.memory.formation.report import FormationReport
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.sessions import WorkingMemory
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.models import Observation
from qai_graph.observers import Observer
from qai_graph.store import formation, keys, observations
from qai_graph.store.client import DynamoClient, TransactionCancelled
from qai_graph.store.formation import PendingExchange

logger = logging.getLogger(__name__)

MAX_TRANSACTION_ITEMS = 100
FLUSH_AT_ITEMS = 60  # a transaction holds 100 items; one exchange adds at most ~25
ATTEMPTS = 5


class Formation:
    """This replica's formation queue and worker, and the sweep of what others left."""

    def __init__(
        self,
        db: DynamoClient,
        config: MemoryConfig,
        observer: Observer,
        events: EventHub,
        working: WorkingMemory,
        recall: RecallIndex | None,
        trust: TrustGate,
    ) -> None:
        self._db = db
        self._config = config
        self.observer = observer
        self._events = events
        self._working = working
        self._recall = recall
        self._trust = trust
        self.owner = f"replica-{uuid.uuid4().hex[:12]}"
        self._queue: deque[tuple[float, PendingExchange]] = deque()
        self._wake = asyncio.Event()
        self._last_activity = 0.0
        self._task: asyncio.Task[None] | None = None
        self._run_lock = asyncio.Lock()
        self._inflight: set[tuple[str, str]] = set()  # taken from the queue, being formed
        self._leased: dict[tuple[str, str], PendingExchange] = {}  # claimed, not yet formed
        self.totals = FormationReport()
        self._reader = ExchangeReader(observer, working, recall, trust)

    @property
    def enabled(self) -> bool:
        """False with ``QAI_MEMORY_OBSERVER=none``: no pending work is written at all."""
        return self.observer.name != "none"

    # --- the write path's side -------------------------------------------------------

    def pending_for(
        self,
        key: str,
        player: str,
        interaction_id: str,
        at: datetime,
        message: str,
        reply: str | None,
        channel: str,
        session_id: str | None,
        line_id: str | None = None,
        earlier: Sequence[tuple[str, str]] = (),
    ) -> PendingExchange:
        """The pending formation of an exchange (the caller writes it in its transaction)."""
        if session_id and not earlier:
            earlier = self._working.cached_turns(session_id)
        return PendingExchange(
            key=key,
            player=player,
            interaction_id=interaction_id,
            at=at,
            message=message,
            reply=reply,
            channel=channel,
            session_id=session_id,
            earlier=formation.earlier_turns(earlier),
            line_id=line_id,
        )

    def inline(self) -> InlineFormation | None:
        """Formation inside the caller's own transactions (formation/inline.py), or None:
        only the local observer (pure CPU) forms inline; a model backend's slow calls
        keep the pending-item path."""
        if self.observer.name != "local":
            return None
        return InlineFormation(self._db, self._config, self._reader, self._recall, self._record)

    def _record(
        self, changes: list[tuple[Change, list[dict[str, Any]]]], report: FormationReport
    ) -> None:
        for change, stored in changes:
            self._after(change, stored, report)
        self.totals.add(report)

    def note_activity(self) -> None:
        """A bot request arrived: formation waits for the replica to be idle again."""
        self._last_activity = time.monotonic()

    def submitted(self, pending: PendingExchange) -> None:
        """The exchange's pending item is stored: queue it for this replica's worker."""
        self._queue.append((time.monotonic(), pending))
        self._wake.set()

    # --- running ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker (idempotent); it first forms what a previous run left."""
        if self._task is None and self.enabled:
            self._task = asyncio.create_task(self._work(time.time()), name="qai-formation")

    async def close(self) -> None:
        """Stop the worker (pending work stays in the table), give back what it had
        claimed, and close the observer."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None
        await self._release_leases()
        await self.observer.close()

    async def _release_leases(self) -> None:
        # A restart (a deploy) should not leave its claimed work waiting out the lease
        # before another replica, or the next start, may form it. Best effort: a crash
        # cannot do this, and the lease's expiry covers it.
        leased, self._leased = list(self._leased.values()), {}
        for pending in leased:
            try:
                await formation.release(self._db, pending, self.owner)
            except Exception:
                logger.warning("could not release formation lease on %s", pending.item_key)

    async def drain(self) -> FormationReport:
        """Form everything pending now: this replica's queue, then the table's leftovers
        (claimed first). Tests, backfill and consolidation call it."""
        report = FormationReport()
        if not self.enabled:
            return report
        report.add(await self._form_queued(limit=None))
        async with self._run_lock:
            pass  # the worker's run in flight ends first: its exchanges are not leftovers
        while True:
            taken = await self._claim_leftovers(before=None, limit=100)
            if not taken:
                break
            report.add(await self._form_claimed(taken))
        return report

    async def _work(self, started: float) -> None:
        sweep_every = min(self._config.formation_lease_s, 60.0)
        with contextlib.suppress(Exception):
            # What a crash or restart left: pending work older than this start. What this
            # replica records from now on is queued here, so the sweep leaves it alone
            # (else it could claim an exchange between its commit and its queueing).
            await self._sweep(before=keys.new_time_id(started))
        next_sweep = time.monotonic() + sweep_every
        while True:
            try:
                timeout = max(0.01, next_sweep - time.monotonic())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
                self._wake.clear()
                while self._queue:
                    wait = self._wait_needed()
                    if wait > 0:
                        await asyncio.sleep(wait)
                        continue
                    await self._form_queued(limit=self._config.formation_batch)
                if time.monotonic() >= next_sweep:
                    await self._sweep()
                    next_sweep = time.monotonic() + sweep_every
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("formation run failed; its pending work stays in the table")
                await asyncio.sleep(1.0)

    def _wait_needed(self) -> float:
        """Seconds to wait before forming: 0 when idle long enough or the queue is overdue."""
        now = time.monotonic()
        idle_for = now - self._last_activity
        waited = now - self._queue[0][0]
        if (
            idle_for >= self._config.formation_idle_s
            or waited >= self._config.formation_max_delay_s
        ):
            return 0.0
        return min(
            self._config.formation_idle_s - idle_for, self._config.formation_max_delay_s - waited
        )

    async def _form_queued(self, limit: int | None) -> FormationReport:
        batch: list[PendingExchange] = []
        while self._queue and (limit is None or len(batch) < limit):
            batch.append(self._queue.popleft()[1])
        if not batch:
            return FormationReport()
        taken = {p.item_key for p in batch}
        self._inflight |= taken
        try:
            return await self.form(batch)
        finally:
            self._inflight -= taken

    async def _sweep(self, before: str | None = None) -> None:
        """Form pending work nobody is forming: older than a lease, or than ``before``."""
        if before is None:
            before = keys.new_time_id(time.time() - self._config.formation_lease_s)
        while True:
            taken = await self._claim_leftovers(before=before, limit=self._config.formation_batch)
            if not taken:
                return
            await self._form_claimed(taken)

    async def _form_claimed(self, taken: list[PendingExchange]) -> FormationReport:
        report = await self.form(taken)
        # Formed, or no longer ours. A run cut short (cancelled by close) keeps its claims
        # here for close to give back.
        for pending in taken:
            self._leased.pop(pending.item_key, None)
        return report

    async def _claim_leftovers(self, before: str | None, limit: int) -> list[PendingExchange]:
        queued = {p.item_key for _, p in self._queue} | self._inflight
        found = await formation.oldest_pending(
            self._db, self._config.player_index_shards, limit, before
        )
        now = time.time()
        taken: list[PendingExchange] = []
        for pending in found:
            if pending.item_key in queued:
                continue
            # Noted before the claim is asked: a close that cancels the request may leave
            # the claim written, and close gives back whatever may be ours (a release is
            # conditional on the owner, so one not ours is left alone).
            self._leased[pending.item_key] = pending
            if await formation.claim(
                self._db, pending, self.owner, now, self._config.formation_lease_s
            ):
                taken.append(pending)
            else:
                self._leased.pop(pending.item_key, None)
        return taken

    # --- forming ---------------------------------------------------------------------

    async def form(self, batch: Sequence[PendingExchange]) -> FormationReport:
        """Form a batch of pending exchanges (each player's in time order)."""
        report = FormationReport()
        ordered = sorted(batch, key=lambda p: p.interaction_id)
        async with self._run_lock:
            sentences = await self._reader.sentences(ordered, report)
            learned: dict[str, list[tuple[PendingExchange, list[Sentence]]]] = defaultdict(list)
            nothing: list[PendingExchange] = []
            for pending, said in zip(ordered, sentences, strict=True):
                if said:
                    learned[pending.key].append((pending, said))
                else:
                    nothing.append(pending)
            # Most chat teaches nothing: those exchanges are finished together, and no
            # player's observations are read for them.
            await self._finish_only(nothing, report)
            for key, work in learned.items():
                await self._form_player(key, work, report)
        self.totals.add(report)
        return report

    async def _finish_only(self, pendings: list[PendingExchange], report: FormationReport) -> None:
        remaining = [(p, list[Sentence]()) for p in pendings]
        for _ in range(ATTEMPTS):
            try:
                while remaining:
                    chunk, rest = (
                        remaining[:MAX_TRANSACTION_ITEMS],
                        remaining[MAX_TRANSACTION_ITEMS:],
                    )
                    await self._db.transact([formation.finish(p, self.owner) for p, _ in chunk])
                    report.exchanges += len(chunk)
                    remaining = rest
                return
            except TransactionCancelled:
                remaining = await self._still_ours(remaining)

    async def _form_player(
        self,
        key: str,
        work: list[tuple[PendingExchange, list[Sentence]]],
        report: FormationReport,
    ) -> None:
        pk = keys.player_partition(key)
        remaining = list(work)
        for _ in range(ATTEMPTS):
            now_epoch = int(time.time())
            beliefs = PlayerBeliefs(
                pk,
                await observations.of_subject(self._db, pk),
                self._config,
                self._recall.model if self._recall else "",
                self._recall.embedder.dim if self._recall else 0,
                now_epoch,
            )
            try:
                while remaining:
                    count = 0
                    for pending, said in remaining:
                        beliefs.apply(pending, said)
                        count += 1
                        if beliefs.item_count() >= FLUSH_AT_ITEMS:
                            break
                    await self._db.transact(beliefs.flush_items(self.owner))
                    change, stored, finished = beliefs.committed()
                    self._after(change, stored, report)
                    report.exchanges += len(finished)
                    remaining = remaining[count:]
                return
            except TransactionCancelled:
                # Another writer changed an observation, or another replica took or
                # finished an exchange: read again and form what is still ours.
                remaining = await self._still_ours(remaining)
        logger.warning(
            "formation of %d exchanges of %s kept conflicting; left for the sweep",
            len(remaining),
            key,
        )

    async def _still_ours(
        self, remaining: list[tuple[PendingExchange, list[Sentence]]]
    ) -> list[tuple[PendingExchange, list[Sentence]]]:
        found = await self._db.batch_get([p.item_key for p, _ in remaining])
        mine = {keys.item_key(i) for i in found if i.get("lease_by") in (None, self.owner)}
        return [(p, s) for p, s in remaining if p.item_key in mine]

    def _after(
        self, change: Change, stored: Sequence[Mapping[str, Any]], report: FormationReport
    ) -> None:
        if self._recall is not None:
            for item in stored:
                self._recall.observe(item)
        report.stored += len(change.stored)
        report.reinforced += len(change.reinforced)
        report.superseded += len(change.superseded)
        report.promoted += len(change.promoted)
        for kind, group in (
            (EventKind.OBSERVATION_STORED, change.stored),
            (EventKind.OBSERVATION_REINFORCED, change.reinforced),
            (EventKind.OBSERVATION_PROMOTED, change.promoted),
        ):
            for obs in group:
                self._announce(kind, obs)

    def _announce(self, kind: EventKind, obs: Observation) -> None:
        self._events.publish(
            MemoryEvent(kind, subject=obs.subject, detail={"observation_id": obs.observation_id})
        )
