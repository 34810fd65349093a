"""Reading memory for a reply: a player's context (one Query), and recall by query.

Recall ranks from the replica's in-process index (``memory/recall/search``), then reads the
chosen items in one BatchGetItem: what another replica deleted is dropped (and leaves
the index), and the answer carries each item as stored. The prompt's memories come
from the index alone, so the prompt stays within its three concurrent reads.

Formed memories (issue 20): a memory's ``sources`` are where it came from: an
observation's provenance (all of it from the item; from the index alone, its newest
source), an interaction itself (its id, its backfilled line's id if any, its time).
A superseded observation is in no prompt (``player_context`` with ``withhold`` and
``relevant`` leave it out) but recall still finds it, ranked below its successor.
The observations each read returns are counted (``usage``) for consolidation.

Turn context (issue 21): a recalled interaction can carry the turns around it in its
conversation (``Memory.context``, ``turns``): recall reads them with the memories in its
one batch read and shows only those the asker may see; the prompt's memories carry the
turn before each from the index alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.errors import StoreUnavailable
from qai_graph.memory import localtime
from qai_graph.memory.recall import turns as context
from qai_graph.memory.recall.search import documents
from qai_graph.memory.recall.search.doc import INTERACTION, KIND_NAMES, OBSERVATION, Doc
from qai_graph.memory.recall.search.ranking import Hit
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.recall.search.when import NO_TIME
from qai_graph.memory.trust.gate import may_see
from qai_graph.models import (
    ContextTurn,
    Memory,
    Observation,
    ObservationSource,
    PlayerContext,
    PlayerProfile,
    RecallResult,
    TimePeriod,
)
from qai_graph.store import keys, partition, players, recall_feed
from qai_graph.store.interactions import interaction_from_item
from qai_graph.store.items import is_live
from qai_graph.store.observations import observation_from_item

logger = logging.getLogger(__name__)
VERIFY_SPARE = 5  # extra hits read on verification, to fill in for any found deleted


def _now() -> datetime:
    return datetime.now(UTC)


def context_order(obs: Observation) -> tuple[bool, float, float]:
    """Most useful first: proven (long-term), then confident, then recent."""
    return (not obs.promoted, -obs.confidence, -obs.timestamp.timestamp())


def player_summary(
    profile: PlayerProfile, observations: list[Observation], known: bool, zone: tzinfo = UTC
) -> str:
    """A one-line summary for dashboards and prompts (its date the day in ``zone``)."""
    if not known:
        return "Not met before"
    since = localtime.day(profile.first_seen, zone)
    parts = [f"Met {documents.times(profile.total_interactions)} since {since}"]
    if profile.play_style:
        parts.append(f"Play style: {profile.play_style}")
    if profile.preferred_patterns:
        parts.append("Prefers patterns: " + ", ".join(profile.preferred_patterns[:3]))
    current = [o for o in observations if o.superseded_by is None]
    if current:
        parts.append("Observations: " + "; ".join(o.content for o in current[:3]))
    return ". ".join(parts)


class Recaller:
    """Read-only recall: a player's context from the table, and search by query."""

    def __init__(self, db: Any, config: MemoryConfig, index: RecallIndex) -> None:
        self._db = db
        self._config = config
        self._index = index

    async def player_context(
        self, name: str, interaction_limit: int, observation_limit: int, *, withhold: bool = True
    ) -> PlayerContext:
        """Profile, observations and recent interactions from one Query; never writes.

        ``withhold`` (the default: what a prompt or an agent sees) leaves out what
        moderators hid, and every interaction and observation of a banned player (their
        profile stays, ``banned`` set); the dashboard's listings pass False and show them,
        marked as such. Superseded observations are withheld too (the prompt shows only
        what is still true); the listings show them with ``superseded_by`` set. The
        observations a withholding read returns are counted as recalled (``usage``)."""
        display = keys.clean_display_name(name)
        key = display.casefold()
        now = _now()
        items = await partition.read_context(
            self._db,
            keys.player_partition(key),
            interaction_limit,
            self._config.max_observations_per_player,
            int(now.timestamp()),
        )
        profile_item = next((i for i in items if keys.sort_key(i) == keys.PROFILE_SK), None)
        profile = (
            players.profile_from_item(profile_item)
            if profile_item
            else players.empty_profile(display, now)
        )

        def shown(item: Mapping[str, Any], prefix: str) -> bool:
            if not keys.sort_key(item).startswith(prefix):
                return False
            return not (withhold and (profile.banned or item.get("hidden")))

        found_interactions = [
            interaction_from_item(i) for i in items if shown(i, keys.INTERACTION_PREFIX)
        ][:interaction_limit]
        found_observations = sorted(
            (
                observation_from_item(i)
                for i in items
                if shown(i, keys.OBSERVATION_PREFIX) and not (withhold and i.get("superseded_by"))
            ),
            key=context_order,
        )[:observation_limit]
        if withhold and found_observations:
            pk = keys.player_partition(key)
            self._index.usage.note(
                (pk, keys.observation_sk(o.observation_id)) for o in found_observations
            )
        known = profile_item is not None
        return PlayerContext(
            profile=profile,
            recent_interactions=found_interactions,
            observations=found_observations,
            summary=player_summary(profile, found_observations, known, self._config.zone),
            known=known,
        )

    def banned_players(self) -> frozenset[str]:
        """The keys of the players banned now (as this replica's index knows them)."""
        return frozenset(self._index.index.banned)

    async def recall(
        self,
        query: str,
        limit: int,
        player: str | None = None,
        window: tuple[float | None, float | None] = (None, None),
        turns: int = 0,
    ) -> RecallResult:
        """The memories that best answer ``query``, from all live memory (the index),
        verified against the table in one batch read; ``player`` is who is asking;
        ``window``: only memories of [since, until) (epoch seconds, either open);
        ``turns``: how many turns before and after each interaction go in its context."""
        asker = keys.player_key(player) if player else None
        reading = self._index.read_time(query, asker)
        since, until = window
        # A few spare hits: anything another replica deleted is dropped on verification.
        hits, total = await self._index.search(
            query, limit + VERIFY_SPARE, asker, when=reading or NO_TIME, since=since, until=until
        )
        near = self._around(hits, asker, turns, turns)
        wanted = [(h.doc.pk, h.doc.sk) for h in hits]
        wanted += [(d.pk, d.sk) for turns_of in near.values() for _, d in turns_of]
        now_epoch = int(_now().timestamp())
        try:
            read = await recall_feed.get_answers(self._db, wanted)
            found = {keys.item_key(i): i for i in read}
        except StoreUnavailable:
            logger.warning("recall answers from the index alone: the table is unavailable")
            found = None
        memories: list[Memory] = []
        recalled: list[tuple[str, str]] = []  # the observations answered with
        for hit in hits:
            key = (hit.doc.pk, hit.doc.sk)
            item = found.get(key) if found is not None else None
            if found is not None and (item is None or not is_live(item, now_epoch)):
                self._index.remove(*key)  # deleted or expired elsewhere
                total -= 1
                continue
            if item is not None and not may_see(item, asker):
                total -= 1  # hidden, flagged or made private elsewhere since the index saw it
                continue
            memory = to_memory(hit, item)
            if key in near:
                memory.context = self._verified(near[key], found, asker, now_epoch)
            memories.append(memory)
            if hit.doc.kind == OBSERVATION:
                recalled.append(key)
            if len(memories) == limit:
                break
        self._index.usage.note(recalled)
        sources = sorted({_source(m) for m in memories})
        periods = [
            TimePeriod(start=_at(p.start), end=_at(p.end), text=p.text)
            for p in (reading.periods if reading else ())
        ]
        return RecallResult(
            memories=memories, sources=sources, query=query, total_found=total, periods=periods
        )

    async def relevant(self, message: str, limit: int, player: str | None) -> list[Memory]:
        """Memories for the prompt: ranked from the index alone (no request), superseded
        observations left out."""
        asker = keys.player_key(player) if player else None
        hits, _ = await self._index.search(message, limit, asker, current_only=True)
        self._index.usage.note((h.doc.pk, h.doc.sk) for h in hits if h.doc.kind == OBSERVATION)
        near = self._around(hits, asker, 1, 0)  # the line each interaction answers
        memories = []
        for hit in hits:
            memory = to_memory(hit, None)
            found = near.get((hit.doc.pk, hit.doc.sk), [])
            memory.context = [context.from_doc(position, doc) for position, doc in found]
            memories.append(memory)
        return memories

    def _around(
        self, hits: list[Hit], asker: str | None, before: int, after: int
    ) -> dict[tuple[str, str], list[tuple[int, Doc]]]:
        """The turns around each interaction hit that the asker may see (index only)."""
        if before <= 0 and after <= 0:
            return {}
        now = time.time()
        index = self._index.index
        found = {
            (h.doc.pk, h.doc.sk): context.around(index, h.doc, asker, now, before, after)
            for h in hits
            if h.doc.kind == INTERACTION
        }
        return {key: turns for key, turns in found.items() if turns}

    @staticmethod
    def _verified(
        near: list[tuple[int, Doc]],
        found: dict[tuple[str, str], dict[str, Any]] | None,
        asker: str | None,
        now_epoch: int,
    ) -> list[ContextTurn]:
        """The turns as the table has them now, without any it withholds from the asker
        (the index's copy when the table could not be read)."""
        if found is None:
            return context.renumbered([context.from_doc(position, doc) for position, doc in near])
        kept = []
        for position, doc in near:
            item = found.get((doc.pk, doc.sk))
            if item is not None and is_live(item, now_epoch) and may_see(item, asker):
                kept.append(context.from_item(position, item))
        return context.renumbered(kept)


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _index_source(doc: Doc) -> list[ObservationSource]:
    """An observation's newest source as the index keeps it (no item read)."""
    if doc.source is None:
        return []
    interaction_id, line_id, at = doc.source
    when = datetime.fromtimestamp(at, UTC) if at else None
    return [ObservationSource(interaction_id=interaction_id, line_id=line_id, at=when)]


def to_memory(hit: Hit, item: Mapping[str, Any] | None) -> Memory:
    """A ranked hit as a Memory, from the table's item when it was read."""
    doc = hit.doc
    kind = KIND_NAMES[doc.kind]
    when = datetime.fromtimestamp(doc.timestamp, UTC) if doc.timestamp else None
    display = doc.display or (doc.player if doc.player else None)
    if kind == "profile":
        data = players.profile_from_item(item).model_dump(mode="json") if item else {}
        content = documents.profile_text(item) if item else doc.text
        return Memory(
            type="player_profile", kind=kind, id=display, subject=doc.subject,
            player=display, content=content, score=hit.score, data=data, timestamp=when,
        )  # fmt: skip
    if kind == "interaction":
        message = str(item["message"]) if item else doc.text
        reply = (item.get("qai_response") if item else doc.response) or None
        data = interaction_from_item(item).model_dump(mode="json") if item else {}
        line_id = (item.get("line_id") if item else None) or doc.line_id
        itself = ObservationSource(interaction_id=doc.ident, line_id=line_id, at=when)
        return Memory(
            type="interaction", kind=kind, id=doc.ident, subject=doc.subject,
            player=(item.get("player") if item else None) or display, content=message,
            message=message, response=reply, score=hit.score, data=data, timestamp=when,
            channel=(item.get("channel") if item else None) or doc.channel,
            flag=(item.get("flag") if item else None) or doc.flag,
            private=bool(item.get("private")) if item else doc.private, sources=[itself],
        )  # fmt: skip
    observation = observation_from_item(item) if item else None
    return Memory(
        type="observation", kind=kind, id=doc.ident, subject=doc.subject, player=display,
        content=observation.content if observation else doc.text, score=hit.score,
        data=observation.model_dump(mode="json") if observation else {},
        timestamp=when, flag=(item.get("flag") if item else None) or doc.flag,
        sources=observation.sources if observation else _index_source(doc),
    )  # fmt: skip


def _source(memory: Memory) -> str:
    if memory.type == "player_profile":
        return "player_profiles"
    if memory.type == "interaction":
        return "interactions"
    if keys.is_player_pk(memory.subject):
        return "player_observations"
    if keys.is_pattern_pk(memory.subject):
        return "pattern_observations"
    return "general_observations"
