"""Players: profiles, their counters, the list by recency, and forgetting a player.

:meth:`Players.create` is the one place a player comes into being (counted once, in
evolution's shards as well); the interaction and solution recorders call it when they
meet someone new.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.errors import InvalidInput
from qai_graph.memory import cursors, validation
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.models import ForgetResult, Page, PlayerProfile
from qai_graph.store import evolution as evolution_store
from qai_graph.store import keys, partition, players, recall_feed
from qai_graph.store.client import DynamoClient

logger = logging.getLogger(__name__)

_FORGOTTEN_KINDS = ("PROFILE", "INTERACTION", "OBSERVATION", "IDEMPOTENCY")


def _now() -> datetime:
    return datetime.now(UTC)


class Players:
    """The player use cases; every profile change is told to the recall index."""

    def __init__(self, db: DynamoClient, config: MemoryConfig, recall_index: RecallIndex) -> None:
        self._db = db
        self._config = config
        self._recall_index = recall_index

    async def get(self, name: str) -> PlayerProfile | None:
        """A player's profile, or None if QAI never met them."""
        return await players.get_profile(self._db, keys.player_key(name))

    async def get_many(self, names: Sequence[str]) -> list[PlayerProfile | None]:
        """Profiles for many names in one batch read, in the order asked."""
        wanted = [keys.player_key(n) for n in names]
        found = await players.get_profiles(self._db, wanted)
        return [found.get(k) for k in wanted]

    async def get_or_create(self, name: str) -> PlayerProfile:
        """The player's profile, created (and counted once) when new."""
        display = keys.clean_display_name(name)
        key = display.casefold()
        profile = await players.get_profile(self._db, key)
        if profile is not None:
            return profile
        await self.create(display, key)
        profile = await players.get_profile(self._db, key)
        assert profile is not None
        self._recall_index.observe_profile(profile)
        return profile

    async def create(self, display: str, key: str) -> bool:
        """Create the profile of ``key`` (shown as ``display``) unless it exists; True if new."""
        created = await players.create_player(
            self._db,
            display,
            key,
            _now(),
            self._config.player_index_shards,
            evolution_store.pick_shard(self._config.counter_shards),
        )
        if created:
            logger.info("met a new player: %s", display)
        return created

    async def update(self, name: str, updates: Mapping[str, Any]) -> PlayerProfile:
        """Set editable profile fields (play style, scores, moments, preferred patterns)."""
        unknown = set(updates) - players.UPDATABLE_FIELDS
        if unknown:
            raise InvalidInput(f"cannot update fields {sorted(unknown)}", field="updates")
        checked = dict(updates)
        try:
            # Validate against the model's own bounds before anything is written.
            PlayerProfile.model_validate(
                {"name": "x", "first_seen": _now(), "last_seen": _now(), **checked}
            )
        except ValueError as exc:
            raise InvalidInput(f"invalid player update: {exc}", field="updates") from exc
        profile = await players.update_fields(self._db, keys.player_key(name), checked, _now())
        self._recall_index.observe_profile(profile)
        return profile

    async def add_counters(self, name: str, interactions: int = 0, solutions: int = 0) -> None:
        """Add to a known player's counters without recording an interaction."""
        validation.count(interactions, "interactions")
        validation.count(solutions, "solutions")
        await players.add_counters(self._db, keys.player_key(name), _now(), interactions, solutions)

    async def list(self, limit: int = 50, cursor: str | None = None) -> Page:
        """Players, most recently seen first; pass ``next_cursor`` back for the next page."""
        validation.page_size(limit, "limit")
        before = cursors.decode("players", cursor)
        profiles, last = await players.list_profiles(
            self._db, self._config.player_index_shards, limit, before
        )
        return Page(items=profiles, next_cursor=cursors.encode("players", last) if last else None)

    async def forget(self, name: str) -> ForgetResult:
        """Delete every item about a player: profile, interactions, observations about
        them, their idempotency records. Evolution's lifetime counters are kept."""
        key = keys.player_key(name)
        deleted = await partition.delete_partition(self._db, keys.player_partition(key))
        forgotten_at = _now()
        self._recall_index.forget(key)
        # Other replicas' recall indexes learn it from this marker (see recall/search/sync).
        await recall_feed.forget_marker(
            self._db,
            key,
            forgotten_at.isoformat(),
            int(forgotten_at.timestamp())
            + max(self._config.short_term_ttl, self._config.interaction_ttl),
            self._config.tier_index_shards,
        )
        result = ForgetResult(
            player=key,
            profile_deleted=deleted.get("PROFILE", 0) > 0,
            interactions_deleted=deleted.get("INTERACTION", 0),
            observations_deleted=deleted.get("OBSERVATION", 0),
            idempotency_records_deleted=deleted.get("IDEMPOTENCY", 0),
            other_items_deleted=sum(
                n for kind, n in deleted.items() if kind not in _FORGOTTEN_KINDS
            ),
        )
        logger.info("forgot player %s: %s", key, result.model_dump())
        return result
