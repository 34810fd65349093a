"""Reading memory for a reply: a player's context, and recall by query."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.errors import InvalidInput
from qai_graph.memory.recall import candidate_names, rank
from qai_graph.models import (
    Memory,
    Observation,
    PlayerContext,
    PlayerProfile,
    RecallResult,
)
from qai_graph.store import keys, partition, patterns, players
from qai_graph.store.interactions import interaction_from_item
from qai_graph.store.items import is_live, page_by_prefix
from qai_graph.store.observations import observation_from_item

GENERAL_SCANNED = 100  # newest GENERAL observations considered by recall
PATTERN_SCANNED = 50  # newest observations per named pattern


def _now() -> datetime:
    return datetime.now(UTC)


def context_order(obs: Observation) -> tuple[bool, float, float]:
    """Most useful first: proven (long-term), then confident, then recent."""
    return (not obs.promoted, -obs.confidence, -obs.timestamp.timestamp())


def player_summary(profile: PlayerProfile, observations: list[Observation], known: bool) -> str:
    """A one-line summary for dashboards and prompts."""
    if not known:
        return "Not met before"
    parts = [
        f"Met {profile.total_interactions} times since {profile.first_seen.strftime('%Y-%m-%d')}"
    ]
    if profile.play_style:
        parts.append(f"Play style: {profile.play_style}")
    if profile.preferred_patterns:
        parts.append("Prefers patterns: " + ", ".join(profile.preferred_patterns[:3]))
    if observations:
        parts.append("Observations: " + "; ".join(o.content for o in observations[:3]))
    return ". ".join(parts)


class Recaller:
    """Read-only recall over the table."""

    def __init__(self, db: Any, config: MemoryConfig) -> None:
        self._db = db
        self._config = config

    async def player_context(
        self, name: str, interaction_limit: int, observation_limit: int
    ) -> PlayerContext:
        """Profile, observations and recent interactions from one Query; never writes."""
        display = keys.clean_display_name(name)
        key = display.casefold()
        now = _now()
        items = await partition.read_context(
            self._db,
            keys.PLAYER_PREFIX + key,
            interaction_limit,
            self._config.max_observations_per_player,
            int(now.timestamp()),
        )
        profile_item = next((i for i in items if i["sk"] == keys.PROFILE_SK), None)
        profile = (
            players.profile_from_item(profile_item)
            if profile_item
            else players.empty_profile(display, now)
        )
        found_interactions = [
            interaction_from_item(i) for i in items if i["sk"].startswith(keys.INTERACTION_PREFIX)
        ][:interaction_limit]
        found_observations = sorted(
            (
                observation_from_item(i)
                for i in items
                if i["sk"].startswith(keys.OBSERVATION_PREFIX)
            ),
            key=context_order,
        )[:observation_limit]
        known = profile_item is not None
        return PlayerContext(
            profile=profile,
            recent_interactions=found_interactions,
            observations=found_observations,
            summary=player_summary(profile, found_observations, known),
            known=known,
        )

    async def recall(self, query: str, limit: int) -> RecallResult:
        """Named players (any case) and observations ranked by overlap, recency, confidence."""
        now = _now()
        now_epoch = int(now.timestamp())
        player_keys, pattern_ids = [], []
        for word in candidate_names(query):
            try:
                player_keys.append(keys.player_key(word))
            except InvalidInput:
                continue
            try:
                pattern_ids.append(keys.check_id(word.upper(), "pattern_id"))
            except InvalidInput:
                continue
        wanted = [(keys.PLAYER_PREFIX + k, keys.PROFILE_SK) for k in player_keys]
        wanted += [(keys.pattern_pk(p), keys.STATS_SK) for p in pattern_ids]
        found = await self._db.batch_get(wanted) if wanted else []
        profiles = [i for i in found if i["sk"] == keys.PROFILE_SK]
        pattern_items = [i for i in found if i["sk"] == keys.STATS_SK]

        subjects: list[tuple[str, int, bool]] = [
            (i["pk"], self._config.max_observations_per_player, True) for i in profiles
        ]
        subjects += [(i["pk"], PATTERN_SCANNED, True) for i in pattern_items]
        subjects.append((keys.GENERAL, GENERAL_SCANNED, False))

        async def observations_of(pk: str, cap: int) -> list[Observation]:
            items, _ = await page_by_prefix(
                self._db,
                pk,
                keys.OBSERVATION_PREFIX,
                cap,
                None,
                lambda item: is_live(item, now_epoch),
            )
            return [observation_from_item(i) for i in items]

        gathered = await asyncio.gather(*(observations_of(pk, cap) for pk, cap, _ in subjects))
        candidates = [
            (obs, named)
            for (_, _, named), found_obs in zip(subjects, gathered, strict=True)
            for obs in found_obs
        ]
        memories: list[Memory] = [
            Memory(
                type="player_profile",
                subject=i["pk"],
                content=player_summary(players.profile_from_item(i), [], True),
                score=1.0,
                data=players.profile_from_item(i).model_dump(mode="json"),
            )
            for i in profiles
        ]
        memories += [
            Memory(
                type="pattern_stats",
                subject=i["pk"],
                content=f"Pattern {i['pattern_id']} solved {int(i.get('times_observed', 0))} times",
                score=1.0,
                data=patterns.pattern_from_item(i).model_dump(mode="json"),
            )
            for i in pattern_items
        ]
        ranked = rank(query, candidates, now, len(candidates))
        total = len(memories) + len(ranked)
        memories = (memories + ranked)[:limit]
        sources = sorted({_source(m) for m in memories})
        return RecallResult(memories=memories, sources=sources, query=query, total_found=total)


def _source(memory: Memory) -> str:
    if memory.type == "player_profile":
        return "player_profiles"
    if memory.type == "pattern_stats":
        return "pattern_stats"
    if memory.subject.startswith(keys.PLAYER_PREFIX):
        return "player_observations"
    if memory.subject.startswith(keys.PATTERN_PREFIX):
        return "pattern_observations"
    return "general_observations"
