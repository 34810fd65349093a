"""Backfill: chat history applied as if each line had been recorded at its own time.

Each player's lines are applied in time order (what depends on order is per player: the
profile's times, trust's split-message check, formation's reinforcement), a few players
at a time in transactions of up to 100 items (plan.py). Each line is its
marker (store/backfill.py: never written twice), its interaction (unless already past
its TTL), the moderators' queue entry when flagged, and its formation (unless flagged or
private: what it taught QAI, formed inline, or its pending item; forming.py); each
transaction also moves each of its players' profile once
(``total_interactions``, ``first_seen``/``last_seen``, the player created and counted
when new) and one evolution counter shard by the same amounts recordInteraction would.
So the counters always equal what was applied, and a line is applied exactly once:

- the markers are read first, so lines applied before (an earlier run, or the same
  file twice) are skipped without a write;
- a line applied meanwhile (a concurrent run) fails its marker's condition and cancels
  the transaction, which is retried without it; a profile or an observation changed
  meanwhile is read again and the transaction retried;
- a transaction whose outcome is unknown (a timeout) is checked by reading its markers
  again: the run's own id on them says it went through.

Formation (forming.py): with the local observer, what a line taught QAI is written in
the line's own transaction, so a crash leaves a line applied and formed, or neither.
Otherwise its pending item is, and ``apply(form=True)`` forms those right after each
write and drains what is left at the end; a crash in between leaves the pending items
for the sweep or consolidation. An expired line is formed too (what it forms follows the
TTL rules of memory/formation/beliefs.py, counted from the line's time); the
interaction itself is not stored.

Not written: the sessions' working memory (history is not a live session). A line's
formation context is the earlier lines of its session in the file.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.embeddings.base import encode_vector
from qai_graph.errors import Conflict, StoreUnavailable
from qai_graph.memory.backfill.forming import LineForming
from qai_graph.memory.backfill.lines import parse_lines
from qai_graph.memory.backfill.plan import (
    MAX_ITEMS,
    Planned,
    chunks,
    in_order,
    lanes,
    plan_lines,
)
from qai_graph.memory.backfill.report import BackfillReport
from qai_graph.memory.evolution.tracker import EvolutionTracker
from qai_graph.memory.formation import Formation, FormationReport
from qai_graph.memory.interactions import flagged_interaction
from qai_graph.memory.recall.search.documents import MODEL_ATTRIBUTE, VECTOR_ATTRIBUTE
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.store import backfill as store
from qai_graph.store import evolution as evolution_store
from qai_graph.store import formation as formation_store
from qai_graph.store import interactions, players
from qai_graph.store.client import DynamoClient, TransactionCancelled
from qai_graph.store.expressions import tx_put

logger = logging.getLogger(__name__)

LANES = 4  # transactions in flight at once (on different players)
ATTEMPTS = 8
RESPONSE_EMBEDDED_CHARS = 600  # as recordInteraction embeds an exchange

Progress = Callable[[int, int], None]  # (lines done, lines in all)


class Backfiller:
    """Applies chat history (JSON Lines, see lines.py) to memory."""

    def __init__(
        self,
        db: DynamoClient,
        config: MemoryConfig,
        formation: Formation,
        trust: TrustGate,
        evolution: EvolutionTracker,
        recall: RecallIndex | None = None,
    ) -> None:
        self._db = db
        self._config = config
        self._formation = formation
        self._trust = trust
        self._evolution = evolution
        self._recall = recall
        self.run = f"backfill-{uuid.uuid4().hex[:12]}"
        self._profiles: dict[str, dict[str, Any]] = {}  # player key -> profile item
        self._forming = LineForming(formation, form=False)

    async def apply(
        self,
        source: Iterable[bytes | str],
        progress: Progress | None = None,
        *,
        form: bool = True,
    ) -> BackfillReport:
        """Apply every good line of ``source``; ``form``: finish formation before returning."""
        started = time.perf_counter()
        parsed = parse_lines(source)
        report = BackfillReport(lines=len(parsed.lines), bad=parsed.bad, blank=parsed.blank)
        ordered = in_order(parsed.lines)
        report.already_applied = len(parsed.lines) - len(ordered)  # the same id twice
        done, self._profiles = await store.read_state(
            self._db, [(line.key, line.line_id) for line in ordered], {x.key for x in ordered}
        )
        todo = plan_lines(ordered, set(done), self._config, self._formation, self._trust)
        report.already_applied += len(ordered) - len(todo)
        total = len(parsed.lines)

        def tick() -> None:
            if progress is not None:
                progress(report.applied + report.already_applied, total)

        tick()
        before = _copy(self._formation.totals)
        self._forming = forming = LineForming(self._formation, form=form)

        async def lane(lines: list[Planned], shard: int) -> None:
            queue = deque(lines)
            while queue:
                # A transaction holds fewer than MAX_ITEMS lines: form those first.
                window = list(islice(queue, MAX_ITEMS))
                await forming.read(window)
                chunk = next(iter(chunks(window)))
                for _ in chunk:
                    queue.popleft()
                deferred = await self._write(chunk, shard, report)
                queue.extendleft(reversed(deferred))
                ahead = {x.line.key for x in islice(queue, len(deferred) + 1)}
                forming.done_with({x.line.key for x in chunk} - ahead)
                tick()
                await forming.form_written()

        # Lanes of players written side by side (each player's lines stay in one lane,
        # in time order; each lane adds to a counter shard of its own: no conflicts).
        async with asyncio.TaskGroup() as group:
            for n, lines in enumerate(lanes(todo, LANES)):
                group.create_task(lane(lines, n % self._config.counter_shards))
        if report.applied:
            await self._evolution.settle()  # the stage moves once per threshold crossed
        report.seconds = time.perf_counter() - started
        if form and self._formation.enabled:
            await self._formation.drain()
            report.formation = _minus(self._formation.totals, before)
        return report

    # --- writing ---------------------------------------------------------------------

    async def _write(
        self, chunk: list[Planned], shard: int, report: BackfillReport
    ) -> list[Planned]:
        """Apply the chunk's lines, or its first ones: the lines left for the next."""
        await self._embed(chunk)
        remaining = chunk
        deferred: list[Planned] = []
        attempt = 0
        while remaining:
            await self._forming.prepare(remaining)
            items, roles, afters, created = self._transaction(remaining, shard)
            if len(items) > MAX_ITEMS and len(remaining) > 1:
                # What the lines taught took more items than counted (supersessions):
                # the first half now, the rest in the lane's next transaction.
                self._forming.failed(remaining, forget=False)
                half = len(remaining) // 2
                remaining, deferred = remaining[:half], remaining[half:] + deferred
                continue
            try:
                await self._db.transact(items)
            except TransactionCancelled as exc:
                self._forming.failed(remaining, forget=True)
                remaining = await self._after_cancel(remaining, roles, exc, report)
            except StoreUnavailable:
                # A conflict with another writer, or a timeout (the write may have gone
                # through): wait, then read what the table holds before trying again.
                if attempt == ATTEMPTS - 1:
                    self._forming.failed(remaining, forget=True)
                    raise
                await asyncio.sleep(min(0.05 * 2**attempt, 2.0))
                remaining = await self._recheck(remaining, created, report)
            else:
                self._profiles.update(afters)
                report.players_created += created
                self._committed(remaining, report)
                return deferred
            attempt += 1
            if attempt == ATTEMPTS and remaining:
                raise Conflict(
                    f"could not apply {len(remaining)} lines (kept conflicting); run again"
                )
        return deferred

    def _transaction(
        self, lines: list[Planned], shard: int
    ) -> tuple[list[dict[str, Any]], list[tuple[str, str]], dict[str, dict[str, Any]], int]:
        """The chunk's items, what each is (("line", key#id), ("formed", key),
        ("profile", key) or ("evolution", "")), the profiles after it, and how many
        players it creates."""
        now = datetime.now(UTC)
        items: list[dict[str, Any]] = []
        roles: list[tuple[str, str]] = []
        by_player: dict[str, list[Planned]] = defaultdict(list)
        for x in lines:
            ref = f"{x.line.key}#{x.line.line_id}"
            key = x.line.key
            by_player[key].append(x)
            items.append(
                store.put_marker(key, x.line.line_id, x.interaction_id, x.line.at, now, self.run)
            )
            # The interaction and the pending item are put without a condition: the
            # marker's condition, in the same transaction, already holds them to once
            # (and a condition costs the embedded store as much as the put itself).
            if x.interaction is not None:
                shards = self._config.tier_index_shards
                interaction = interactions.interaction_item(x.interaction, key, shards)
                items.append(tx_put({**interaction, **x.vector}))
                if x.flagged:
                    items.append(flagged_interaction(x.interaction, key))
            if x.pending is not None and x.queued:
                shards = self._config.player_index_shards
                items.append(tx_put(formation_store.pending_item(x.pending, shards)))
            roles += [("line", ref)] * (len(items) - len(roles))
        for key, formed in self._forming.items(lines):
            # What the lines taught QAI, conditional on the observations as read.
            items += formed
            roles += [("formed", key)] * len(formed)
        afters: dict[str, dict[str, Any]] = {}
        created = 0
        for key, group in by_player.items():
            first, last = group[0].line, group[-1].line
            known = self._profiles.get(key)
            shards = self._config.player_index_shards
            if known is None:
                item, after = store.backfilled_profile(
                    last.display, key, first.at, last.at, len(group), now, shards
                )
                created += 1
            else:
                item, after = store.backfill_touch(
                    known, last.display, first.at, last.at, len(group), now, shards
                )
            items.append(item)
            roles.append(("profile", key))
            afters[key] = after
        items.append(
            evolution_store.counter_increment(shard, interactions=len(lines), players=created)
        )
        roles.append(("evolution", ""))
        return items, roles, afters, created

    async def _after_cancel(
        self,
        lines: list[Planned],
        roles: list[tuple[str, str]],
        exc: TransactionCancelled,
        report: BackfillReport,
    ) -> list[Planned]:
        """Drop the lines applied meanwhile; read again the profiles changed meanwhile."""
        failed = [roles[i] for i in range(len(roles)) if exc.failed(i)]
        if not failed:
            raise Conflict(f"a backfill transaction was refused: {exc}") from exc
        gone = {ref for kind, ref in failed if kind == "line"}
        for kind, key in failed:
            if kind == "profile":
                item = await players.get_profile_item(self._db, key)
                if item is None:
                    self._profiles.pop(key, None)
                else:
                    self._profiles[key] = item
        kept = [x for x in lines if f"{x.line.key}#{x.line.line_id}" not in gone]
        report.already_applied += len(lines) - len(kept)
        return kept

    async def _recheck(
        self, lines: list[Planned], created: int, report: BackfillReport
    ) -> list[Planned]:
        """After an unknown outcome: this run's markers mean applied, another's skipped."""
        done, profiles = await store.read_state(
            self._db, [x.ref for x in lines], {x.line.key for x in lines}
        )
        for key in {x.line.key for x in lines}:
            if key in profiles:
                self._profiles[key] = profiles[key]
            else:
                self._profiles.pop(key, None)
        ours = [x for x in lines if done.get(x.ref) == self.run]
        if ours:
            # The last attempt went through (all or nothing), with the players it created.
            report.players_created += created
            self._committed(ours, report)
        else:
            self._forming.failed(lines, forget=True)
        kept = [x for x in lines if x.ref not in done]
        report.already_applied += len(lines) - len(kept) - len(ours)
        return kept

    def _committed(self, lines: list[Planned], report: BackfillReport) -> None:
        shards = self._config.tier_index_shards
        for x in lines:
            report.applied += 1
            if x.interaction is None:
                report.expired += 1
                report.expired_formed += x.pending is not None
            elif self._recall is not None:
                self._recall.observe(
                    {**interactions.interaction_item(x.interaction, x.line.key, shards), **x.vector}
                )
            report.flagged += x.flagged
            report.pending_formations += x.queued
        self._forming.committed(lines)

    async def _embed(self, chunk: list[Planned]) -> None:
        """Vectors of the chunk's stored interactions, in one call (as recordInteraction
        stores one on each)."""
        if self._recall is None:
            return
        live = [x for x in chunk if x.interaction is not None and not x.vector]
        if not live:
            return
        texts = [
            f"{x.line.message} {(x.line.response or '')[:RESPONSE_EMBEDDED_CHARS]}" for x in live
        ]
        vectors = await self._recall.embedder.embed(texts)
        if vectors is None:
            return
        model = self._recall.model
        for x, vector in zip(live, vectors, strict=True):
            x.vector = {VECTOR_ATTRIBUTE: encode_vector(vector), MODEL_ATTRIBUTE: model}


def _copy(report: FormationReport) -> FormationReport:
    out = FormationReport()
    out.add(report)
    return out


def _minus(after: FormationReport, before: FormationReport) -> FormationReport:
    out = FormationReport()
    for name in ("exchanges", "stored", "reinforced", "superseded", "promoted", "skipped"):
        setattr(out, name, getattr(after, name) - getattr(before, name))
    return out
