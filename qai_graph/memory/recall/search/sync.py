"""The recall index of one replica: built from the table at start, kept current after.

Freshness, by source of change:
- this replica's writes: applied synchronously, before the write returns
  (``observe``/``forget``), so a replica always recalls what it just stored;
- other replicas' writes: read on demand. While the replica is answering searches
  (one in the last ``index_active_s``, 10 s by default) a background poll reads the
  memory-tier index for ttl >= watermark + min(ttls) - overlap (see
  ``store.recall_feed``), then fetches only keys it has not seen with that ttl, plus the
  profiles whose last-seen moved. Its pause is ``index_poll_interval_s`` (1 s) after a
  search or a poll that found news, tripled after one that found none (1, 3, 9 s): the
  10 s after the last search cost 2 polls, not 10 (docs/operations.md). A search that
  finds the last poll older than twice the interval first catches up itself (and waits:
  systemPrompt p50 25 -> 52 ms on the embedded store), so no answer is staler than ~2 s.
  An idle replica reads nothing; a poll is ``tier_index_shards`` +
  ``player_index_shards`` Queries (5 by default), concurrently, ~0.5 RRU each;
- expiry: every read filters ttl <= now out; the poll then re-reads memories whose
  indexed ttl has just passed (a promotion elsewhere removes the ttl, and the index
  must not lose a long-term memory) and drops those still expired or gone;
- forgetPlayer elsewhere: a marker item (short-term, same ttl as memories) passes the
  same tier-index poll and drops the player's memories written up to that moment;
- moderation elsewhere (hide, unhide, release, forgetObservation, ban, unban): a marker
  of its own (``store.moderation``) passes the same poll; it carries the target's trust
  state and its moderation version, so the index applies markers in the order they were
  made, and a copy of the memory read before the moderation cannot undo it. A ban set or
  lifted in the table is also on the profile, so the build at start sees it;
- consolidation's trims elsewhere (old memories over a player's cap): dropped when
  ``recall`` verifies its answer against the table, or at the next start;
- supersession (formation marks an older observation ``superseded_by`` a newer one):
  the replica that writes it applies the updated item (``observe``); the others see it
  when the same update moves the item's ttl (the tier-index poll), else at their next
  start (a long-term observation is in no tier index).

The index's client also carries recall usage counts (``usage``: ``memory.recall.usage``),
background writes like the poll's reads; ``stop`` writes what is pending.

Time (issue 21): ``read_time`` reads a query's dates (``when``) against ``clock`` (the
service's: tests and backfilled benchmarks set it) and resolves "last stream" from the
asker's interactions in the index; ``search`` ranks with them and without their words.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # no type hints

from qai_graph.config import MemoryConfig
from qai_graph.embeddings.base import Embedder
from qai_graph.memory.recall.search.dated import interaction_times
from qai_graph.memory.recall.search.documents import (
    stored_vector,
    to_doc,
)
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.names import NameFinder
from qai_graph.memory.recall.search.ranking import Hit, analyse, rank
from qai_graph.memory.recall.search.vectors import VectorUpkeep
from qai_graph.memory.recall.search.when import TimeReader, TimeReading, session_periods
from qai_graph.memory.recall.usage import RecallUsage
from qai_graph.models import PlayerProfile
from qai_graph.store import keys, moderation, recall_feed
from qai_graph.store.client import DynamoClient
from qai_graph.store.codec import iso

logger = logging.getLogger(__name__)

OVERLAP_S = 3  # re-read this much before the watermark: GSI lag (<1 s) and clock skew
PROGRESS_EVERY = 10_000  # log the build's progress every this many items
BACKOFF = 3.0  # a background poll that found nothing multiplies the pause by this


def next_pause(pause: float, news: bool, base: float, longest: float) -> float:
    """The pause before the next background poll: ``base`` after news, else grown by
    :data:`BACKOFF` up to ``longest``."""
    return base if news else min(pause * BACKOFF, longest)


def _is_memory(item: Mapping[str, Any]) -> bool:
    """A memory, or a forget or moderation marker: what the index keeps or applies."""
    marker = moderation.is_marker(item) or recall_feed.is_forget_marker(dict(item))
    return marker or to_doc(item) is not None


class RecallIndex(VectorUpkeep):
    """One replica's index of all live memory, and the embedder that feeds it."""

    def __init__(self, db: DynamoClient, config: MemoryConfig, embedder: Embedder) -> None:
        self._db = db
        self._config = config
        self.embedder = embedder
        self.index = MemoryIndex(embedder.dim)
        self._names = NameFinder(self.index)
        self._seen_ttl: dict[tuple[str, str], int] = {}
        self._watermark = 0.0
        self._profile_mark = ""
        self._checked_until = 0.0
        self._task: asyncio.Task[None] | None = None
        self._poll_lock = asyncio.Lock()
        self._polled_at = -math.inf  # monotonic start of the last poll that succeeded
        self._searched_at = -math.inf  # monotonic time of the last search
        self._pause = config.index_poll_interval_s  # before the next background poll
        self._wake = asyncio.Event()  # a search: the background poll re-plans
        self._profile_marks: dict[str, Any] = {}  # pk -> last_seen, as the last poll read
        self.ready = False
        self.usage = RecallUsage(db)  # which observations recall returned (consolidation)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # what "now" is
        self.times = TimeReader(config.zone)  # the streamer's zone: their "yesterday"

    @property
    def db(self) -> DynamoClient:
        """The index's own DynamoDB client (the API counts its calls in /metrics)."""
        return self._db

    @property
    def model(self) -> str:
        """The embedding model whose vectors this index uses."""
        return self.embedder.name

    # --- start and stop ----------------------------------------------------------------

    async def open(self) -> None:
        """Open the index's own DynamoDB client, and keep BLAS to one thread."""
        # The ranking's one matrix-vector product is memory-bound: a second BLAS thread
        # gains little, and it spin-waits after each product on the core that the
        # embedded store (and this process's requests) need. With one thread, systemPrompt
        # with a message went from 1.30-1.39x to 1.23-1.27x the prompt without (100k).
        threadpool_limits(limits=1, user_api="blas")
        if self._config.recall_read_dates:  # dateparser's import and first parse: ~0.3 s
            await asyncio.to_thread(self.times.warm_up)
        await self._db.open()

    async def close(self) -> None:
        """Close it (after ``stop``)."""
        await self._db.close()

    async def build(self) -> int:
        """Read every memory from the table (paged), logging progress; returns the count."""
        started = time.monotonic()
        self._polled_at = started
        self._watermark = time.time()
        self._checked_until = self._watermark
        self._profile_mark = iso(datetime.fromtimestamp(self._watermark - OVERLAP_S, UTC))
        count = 0
        async for page in recall_feed.scan_memories(self._db):
            for item in page:
                self.observe(item)
            before, count = count, count + len(page)
            if count // PROGRESS_EVERY > before // PROGRESS_EVERY:
                logger.info("recall index: %d memories read", count)
        self.ready = True
        logger.info(
            "recall index built: %d live memories from %d items in %.1f s (%s)",
            self.index.live,
            count,
            time.monotonic() - started,
            self.model,
        )
        return count

    def start_polling(self) -> None:
        """Poll for other replicas' writes until ``stop``."""
        if self._task is None:
            self._task = asyncio.create_task(self._poll_loop(), name="recall-index-poll")

    async def stop(self) -> None:
        """Stop polling, and write the recall usage still pending."""
        await self.usage.drain()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _poll_loop(self) -> None:
        base = self._config.index_poll_interval_s
        while True:
            now = time.monotonic()
            if now - self._searched_at > self._config.index_active_s:
                await self._sleep(None)  # idle: nobody would see the news, so read nothing
                continue
            due = self._polled_at + self._pause
            if now < due:
                await self._sleep(due - now)
                continue
            try:
                news = await self._poll_once(self._polled_at)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("recall index poll failed; retrying", exc_info=True)
                self._pause = base
                await asyncio.sleep(base)
                continue
            if news is not None:  # None: a search's catch-up polled meanwhile
                self._pause = next_pause(self._pause, news > 0, base, self._config.index_active_s)

    async def _sleep(self, seconds: float | None) -> None:
        """Sleep ``seconds`` (None: indefinitely), or until a search wakes the loop."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _poll_once(self, seen: float) -> int | None:
        """Poll unless another poll finished after ``seen`` (it serves: None); the news."""
        async with self._poll_lock:
            if self._polled_at == seen:
                return await self.poll()
            return None

    async def catch_up(self) -> None:
        """Before a search: mark the replica active, and poll first when the last poll
        is older than the staleness bound (the replica was idle). A failed catch-up is
        logged and the search answers from what the index has."""
        now = time.monotonic()
        self._searched_at = now
        self._pause = self._config.index_poll_interval_s  # activity: poll at the base pace
        self._wake.set()
        seen = self._polled_at
        if not self.ready or now - seen <= 2 * self._config.index_poll_interval_s:
            return
        try:
            await self._poll_once(seen)
        except Exception:
            logger.warning("recall index catch-up failed; answering from the index", exc_info=True)

    # --- keeping current ---------------------------------------------------------------

    def observe(self, item: Mapping[str, Any]) -> None:
        """Apply one item as written or read (a memory, a forget or moderation marker)."""
        if moderation.is_marker(item):
            self._moderated(moderation.marker_of(item))
            return
        if recall_feed.is_forget_marker(dict(item)):
            at = item.get("forgotten_at")
            moment = datetime.fromisoformat(at).timestamp() if isinstance(at, str) else math.inf
            self.forget(recall_feed.forgotten_player(dict(item)), moment)
            return
        doc = to_doc(item)
        if doc is None:
            return
        if doc.ttl <= time.time():
            self.remove(doc.pk, doc.sk)  # expired (or re-read after expiry): gone
            return
        vector = stored_vector(item, self.model, self.index.dim) if self.index.dim else None
        self.index.upsert(doc, vector)
        ttl = item.get("ttl")
        if ttl is not None:
            self._seen_ttl[(doc.pk, doc.sk)] = int(ttl)

    def observe_profile(self, profile: PlayerProfile) -> None:
        """Apply a profile this replica just wrote (others see it through the poll)."""
        key = profile.name.casefold()
        pk = recall_feed.player_partition(key)
        self.observe(
            {
                **profile.model_dump(mode="json"),
                "pk": pk,
                "sk": recall_feed.PROFILE_SK,
                "entity_type": "PLAYER",
            }
        )
        self._profile_marks[pk] = iso(profile.last_seen)  # as stored: the poll's re-read is no news

    def forget(self, player_key: str, before: float = math.inf) -> int:
        """Drop a player's memories written up to ``before`` (all by default)."""
        self.index.clear_ban(player_key)
        return self.index.remove_partition(recall_feed.player_partition(player_key), before)

    def _moderated(self, marker: moderation.Marker) -> None:
        """Apply a moderation, made here or on another replica (its marker)."""
        if marker.deleted:
            self.remove(marker.target_pk, marker.target_sk)
        elif marker.target_sk == keys.PROFILE_SK:
            player = keys.player_key_or_none(marker.target_pk)
            if player is not None:
                self.index.set_banned(player, marker.banned, marker.version)
        else:
            self.index.moderate(
                marker.target_pk,
                marker.target_sk,
                hidden=marker.hidden,
                flag=marker.flag,
                version=marker.version,
            )

    def remove(self, pk: str, sk: str) -> None:
        """Drop one memory."""
        self.index.remove(pk, sk)
        self._seen_ttl.pop((pk, sk), None)

    async def poll(self) -> int:
        """Apply what other replicas wrote since the watermark; returns how many writes it
        found (memories and markers new or with a new ttl, profiles whose last-seen moved)."""
        started = time.monotonic()
        now = time.time()
        floor = int(self._watermark) - OVERLAP_S + self._min_ttl()
        config = self._config
        changed, profiles = await asyncio.gather(
            recall_feed.changed_keys(self._db, config.tier_index_shards, floor),
            recall_feed.profiles_since(self._db, config.player_index_shards, self._profile_mark),
        )
        fresh = {(pk, sk): ttl for pk, sk, ttl in changed if self._seen_ttl.get((pk, sk)) != ttl}
        wanted = list(fresh)
        expiring = self.index.expiring(self._checked_until, now)
        wanted += [(d.pk, d.sk) for d in expiring]
        items = await recall_feed.get_many(self._db, wanted) if wanted else []
        for item in items + profiles:
            self.observe(item)
        # Remembered even for items that are not memories (sessions, idempotency records
        # when a test shortens the memory ttls), so each is fetched once per ttl.
        self._seen_ttl.update(fresh)
        found = {keys.item_key(i) for i in items}
        for doc in expiring:
            if (doc.pk, doc.sk) not in found:
                self.remove(doc.pk, doc.sk)
        self._watermark = now
        self._polled_at = started
        self._checked_until = now
        self._profile_mark = iso(datetime.fromtimestamp(now - OVERLAP_S, UTC))
        if len(self._seen_ttl) > 2 * max(self.index.live, 1000):
            self._seen_ttl = {k: v for k, v in self._seen_ttl.items() if k in self.index.slots}
        # The overlap re-reads the last poll's profiles: only a moved last-seen is news.
        marks = {str(p.get("pk")): p.get("last_seen") for p in profiles}
        moved = sum(1 for pk, seen in marks.items() if self._profile_marks.get(pk) != seen)
        self._profile_marks = marks
        # News: memories and markers written elsewhere, not expiries (nobody wrote them)
        # nor other short-term items (sessions, formation's pending work).
        written = sum(1 for i in items if keys.item_key(i) in fresh and _is_memory(i))
        return written + moved

    def _min_ttl(self) -> int:
        return min(self._config.short_term_ttl, self._config.interaction_ttl)

    # --- search ------------------------------------------------------------------------

    def read_time(self, query: str, asker: str | None = None) -> TimeReading | None:
        """The periods ``query`` speaks of, "last stream" resolved from the interactions
        of ``asker`` (a key; everyone's without one); None when it names no time."""
        if not self._config.recall_read_dates:
            return None
        now = self.clock()
        reading = self.times.read(query, now)
        if reading is None or not reading.sessions:
            return reading
        moment = now.timestamp()
        said = interaction_times(self.index, asker, moment)
        found = session_periods(said, moment, self._config.session_ttl, reading.sessions)
        return replace(reading, periods=reading.periods + tuple(found))

    async def search(
        self,
        query: str,
        limit: int,
        asker: str | None = None,
        *,
        current_only: bool = False,
        when: TimeReading | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> tuple[list[Hit], int]:
        """The best ``limit`` live memories for ``query`` (asker: who is asking, a key),
        and how many memories matched at all; ``current_only``: no superseded ones;
        ``when``: the query's time as ``read_time`` read it (read here when None);
        ``since``/``until``: only memories of [since, until) (epoch seconds)."""
        await self.catch_up()
        reading = self.read_time(query, asker) if when is None else when
        text = reading.rest if reading is not None and reading.rest else query
        parsed = analyse(text, self.index, self._names)
        if reading is not None:
            parsed.periods = tuple((p.start, p.end) for p in reading.periods)
        vector = None
        if self.index.dim:
            vectors = await self.embedder.embed([parsed.semantic_text])
            vector = vectors[0] if vectors is not None else None
        return rank(
            self.index,
            parsed,
            vector,
            time.time(),
            limit,
            asker,
            current_only=current_only,
            since=since,
            until=until,
            diversity=self._config.recall_diversity,
        )
