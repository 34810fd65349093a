"""Backfill: chat history applied as if each line had been recorded at its own time.

Lines are applied in time order, in transactions of up to 100 items. Each line is its
marker (store/backfill.py: never written twice), its interaction (unless already past
its TTL), the moderators' queue entry when flagged, and its pending formation (unless
flagged or private); each transaction also moves each of its players' profile once
(``total_interactions``, ``first_seen``/``last_seen``, the player created and counted
when new) and one evolution counter shard by the same amounts recordInteraction would.
So the counters always equal what was applied, and a line is applied exactly once:

- the markers are read first, so lines applied before (an earlier run, or the same
  file twice) are skipped without a write;
- a line applied meanwhile (a concurrent run) fails its marker's condition and cancels
  the transaction, which is retried without it; a profile changed meanwhile is read
  again and the transaction retried;
- a transaction whose outcome is unknown (a timeout) is checked by reading its markers
  again: the run's own id on them says it went through.

Formation: a line's pending item is written in its transaction, handed to this replica's
formation worker, and ``apply(form=True)`` drains what is left at the end; a crash in
between leaves the pending items for the sweep or consolidation. An expired line's
pending item is written too (formation still reads it: what it forms follows the TTL
rules of memory/formation/beliefs.py, counted from the line's time); the interaction
itself is not stored.

Not written: the sessions' working memory (history is not a live session). A line's
formation context is the earlier lines of its session in the file.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.embeddings.base import encode_vector
from qai_graph.errors import Conflict, StoreUnavailable
from qai_graph.memory.backfill.lines import BackfillLine, parse_lines
from qai_graph.memory.backfill.report import BackfillReport
from qai_graph.memory.evolution.tracker import EvolutionTracker
from qai_graph.memory.formation import Formation, FormationReport
from qai_graph.memory.interactions import flagged_interaction
from qai_graph.memory.recall.search.documents import MODEL_ATTRIBUTE, VECTOR_ATTRIBUTE
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.models import Interaction
from qai_graph.store import backfill as store
from qai_graph.store import evolution as evolution_store
from qai_graph.store import formation as formation_store
from qai_graph.store import interactions, keys, players
from qai_graph.store.client import DynamoClient, TransactionCancelled
from qai_graph.store.expressions import tx_put
from qai_graph.store.formation import MAX_EARLIER, PendingExchange

MAX_ITEMS = 100  # DynamoDB's limit of items in one transaction
LANES = 4  # transactions in flight at once (on different players)
ATTEMPTS = 8
RESPONSE_EMBEDDED_CHARS = 600  # as recordInteraction embeds an exchange

Progress = Callable[[int, int], None]  # (lines done, lines in all)


@dataclass
class _Line:
    """A line to apply, with everything its transaction items need."""

    line: BackfillLine
    interaction_id: str
    interaction: Interaction | None  # None: past its TTL, not stored
    pending: PendingExchange | None
    vector: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> tuple[str, str]:
        return self.line.key, self.line.line_id

    @property
    def flagged(self) -> bool:
        return self.interaction is not None and self.interaction.flag is not None

    def item_count(self) -> int:
        return 1 + (self.interaction is not None) + self.flagged + (self.pending is not None)


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
        ordered = _in_order(parsed.lines)
        report.already_applied = len(parsed.lines) - len(ordered)  # the same id twice
        done, self._profiles = await store.read_state(
            self._db, [(line.key, line.line_id) for line in ordered], {x.key for x in ordered}
        )
        todo = self._plan(ordered, set(done))
        report.already_applied += len(ordered) - len(todo)
        total = len(parsed.lines)

        def tick() -> None:
            if progress is not None:
                progress(report.applied + report.already_applied, total)

        tick()
        before = _copy(self._formation.totals)

        async def lane(lines: list[_Line], shard: int) -> None:
            for chunk in _chunks(lines):
                await self._write(chunk, shard, report)
                tick()

        # Lanes of players written side by side (each player's lines stay in one lane,
        # in time order; each lane adds to a counter shard of its own: no conflicts).
        async with asyncio.TaskGroup() as group:
            for n, lines in enumerate(_lanes(todo, LANES)):
                group.create_task(lane(lines, n % self._config.counter_shards))
        if report.applied:
            await self._evolution.settle()  # the stage moves once per threshold crossed
        report.seconds = time.perf_counter() - started
        if form and self._formation.enabled:
            await self._formation.drain()
            report.formation = _minus(self._formation.totals, before)
        return report

    # --- planning --------------------------------------------------------------------

    def _plan(self, ordered: Sequence[BackfillLine], done: set[tuple[str, str]]) -> list[_Line]:
        """Every line not applied yet, with its interaction and pending formation.

        Trust sees every line in time order (a split injection across two lines is
        caught), and each session's earlier lines are the context formation reads."""
        now_epoch = int(time.time())
        sessions: dict[str, list[tuple[str, str]]] = defaultdict(list)
        out: list[_Line] = []
        todo = [x for x in ordered if (x.key, x.line_id) not in done]
        players_todo = {x.key for x in todo}
        sessions_todo = {x.session_id for x in todo if x.session_id}
        for line in ordered:
            if line.key not in players_todo and line.session_id not in sessions_todo:
                continue  # applied, and no line still to apply reads it (a replay: all)
            private = self._trust.is_private(line.channel.value, line.private)
            trust = self._trust.assess_message(line.key, line.message)
            self._trust.said(line.key, line.message)
            earlier: tuple[tuple[str, str], ...] = ()
            if line.session_id:
                turns = sessions[line.session_id]
                earlier = tuple(turns[-MAX_EARLIER:])
                turns.append((line.display, self._trust.shared_text(line.message, trust, private)))
                if line.response:
                    turns.append(("QAI", line.response))
            if (line.key, line.line_id) in done:
                continue
            at = line.at.timestamp()
            interaction_id = keys.line_time_id(at, line.key, line.line_id)
            ttl = int(at) + self._config.interaction_ttl
            interaction = None
            if ttl > now_epoch:
                interaction = Interaction(
                    interaction_id=interaction_id,
                    timestamp=line.at,
                    player=line.display,
                    channel=line.channel,
                    message=line.message,
                    qai_response=line.response,
                    sentiment=line.sentiment,
                    ttl=ttl,
                    session_id=line.session_id,
                    flag=trust.flag,
                    flag_reasons=list(trust.reasons),
                    private=private,
                )
            pending = None
            if self._formation.enabled and trust.flag is None and not private:
                pending = self._formation.pending_for(
                    line.key,
                    line.display,
                    interaction_id,
                    line.at,
                    line.message,
                    line.response,
                    line.channel.value,
                    line.session_id,
                    line_id=line.line_id,
                    earlier=earlier,
                )
            out.append(_Line(line, interaction_id, interaction, pending))
        return out

    # --- writing ---------------------------------------------------------------------

    async def _write(self, chunk: list[_Line], shard: int, report: BackfillReport) -> None:
        await self._embed(chunk)
        remaining = chunk
        for attempt in range(ATTEMPTS):
            if not remaining:
                return
            items, roles, afters, created = self._transaction(remaining, shard)
            try:
                await self._db.transact(items)
            except TransactionCancelled as exc:
                remaining = await self._after_cancel(remaining, roles, exc, report)
                continue
            except StoreUnavailable:
                # A conflict with another writer, or a timeout (the write may have gone
                # through): wait, then read what the table holds before trying again.
                if attempt == ATTEMPTS - 1:
                    raise
                await asyncio.sleep(min(0.05 * 2**attempt, 2.0))
                remaining = await self._recheck(remaining, created, report)
                continue
            self._profiles.update(afters)
            report.players_created += created
            self._committed(remaining, report)
            return
        raise Conflict(f"could not apply {len(remaining)} lines (kept conflicting); run again")

    def _transaction(
        self, lines: list[_Line], shard: int
    ) -> tuple[list[dict[str, Any]], list[tuple[str, str]], dict[str, dict[str, Any]], int]:
        """The chunk's items, what each is (("line", key#id) or ("profile", key)), the
        profiles after it, and how many players it creates."""
        now = datetime.now(UTC)
        items: list[dict[str, Any]] = []
        roles: list[tuple[str, str]] = []
        by_player: dict[str, list[_Line]] = defaultdict(list)
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
            if x.pending is not None:
                shards = self._config.player_index_shards
                items.append(tx_put(formation_store.pending_item(x.pending, shards)))
            roles += [("line", ref)] * (len(items) - len(roles))
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
        lines: list[_Line],
        roles: list[tuple[str, str]],
        exc: TransactionCancelled,
        report: BackfillReport,
    ) -> list[_Line]:
        """Drop the lines applied meanwhile; read again the profiles changed meanwhile."""
        failed = [roles[i] for i in range(len(roles)) if exc.failed(i)]
        if not failed:
            raise exc
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
        self, lines: list[_Line], created: int, report: BackfillReport
    ) -> list[_Line]:
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
        kept = [x for x in lines if x.ref not in done]
        report.already_applied += len(lines) - len(kept) - len(ours)
        return kept

    def _committed(self, lines: list[_Line], report: BackfillReport) -> None:
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
            if x.pending is not None:
                report.pending_formations += 1
                self._formation.submitted(x.pending)

    async def _embed(self, chunk: list[_Line]) -> None:
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


def _in_order(lines: Sequence[BackfillLine]) -> list[BackfillLine]:
    """Time order (input order among equal times); the first of each (player, id)."""
    seen: set[tuple[str, str]] = set()
    out: list[BackfillLine] = []
    for line in sorted(lines, key=lambda x: (x.at, x.number)):
        ref = (line.key, line.line_id)
        if ref not in seen:
            seen.add(ref)
            out.append(line)
    return out


def _lanes(lines: Sequence[_Line], count: int) -> list[list[_Line]]:
    """The lines split by player into ``count`` lanes, each by player, then time: a
    transaction then holds a few players' lines (one profile update each, the costly
    item) instead of one line of each of many players."""
    lanes: list[list[_Line]] = [[] for _ in range(count)]
    order = {key: n for n, key in enumerate(sorted({x.line.key for x in lines}))}
    for x in lines:
        lanes[order[x.line.key] % count].append(x)
    for lane in lanes:
        lane.sort(key=lambda x: (x.line.key, x.line.at, x.line.number))
    return [lane for lane in lanes if lane]


def _chunks(lines: Sequence[_Line]) -> Iterable[list[_Line]]:
    """Consecutive lines whose transaction (theirs, a profile per player, one counter)
    fits in ``MAX_ITEMS``."""
    chunk: list[_Line] = []
    players_in: set[str] = set()
    count = 1  # the evolution counter
    for x in lines:
        cost = x.item_count() + (x.line.key not in players_in)
        if chunk and count + cost > MAX_ITEMS:
            yield chunk
            chunk, players_in, count = [], set(), 1
            cost = x.item_count() + 1
        chunk.append(x)
        players_in.add(x.line.key)
        count += cost
    if chunk:
        yield chunk


def _copy(report: FormationReport) -> FormationReport:
    out = FormationReport()
    out.add(report)
    return out


def _minus(after: FormationReport, before: FormationReport) -> FormationReport:
    out = FormationReport()
    for name in ("exchanges", "stored", "reinforced", "superseded", "promoted", "skipped"):
        setattr(out, name, getattr(after, name) - getattr(before, name))
    return out
