"""Per-request DataLoaders, so nested lists cost one DynamoDB request per player partition.

A ``Loaders`` is built for every HTTP request and for every subscription event: a
loader kept for a WebSocket's lifetime would serve hours-old data.

``players(first: 50) { ... interactions(first: 5) observations(first: 5) }`` costs two
waves: the players page, then one ``recall_about_players`` call that Queries each
player's partition once, concurrently, for its profile, newest interactions and newest
observations. The connections are sliced from that head; only a page beyond it (an
``after`` cursor, a larger ``first``, or a tier filter the head cannot answer) reads
the service's paginated listings.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiodataloader import DataLoader

from qai_graph import models
from qai_graph.api.connections import (
    MAX_PAGE_SIZE,
    START,
    Connection,
    connection,
    decode_cursor,
    fetch_page,
)
from qai_graph.api.types import Interaction, MemoryTier, Observation
from qai_graph.errors import NotFound
from qai_graph.memory.observations import player_subject
from qai_graph.memory.service import MemoryService

PRELOAD = 10
"""Pages up to this size are served from the context loader's head."""
OBSERVATION_HEAD = MAX_PAGE_SIZE
"""Observations asked of the context: its Query reads them all anyway (they sort before
interactions), and recall ranks them by usefulness, so only a complete list can be
re-sorted newest first."""


def _name_key(name: str) -> str:
    # Twitch logins are case-insensitive: "Jim" and "jim" are one load.
    return name.strip().casefold()


class Loaders:
    """The DataLoaders of one request (or one subscription event)."""

    def __init__(self, service: MemoryService) -> None:
        self.service = service
        self.player: DataLoader[str, models.PlayerProfile | None] = DataLoader(
            self._load_players, get_cache_key=_name_key
        )
        self.player_context: DataLoader[str, models.PlayerContext] = DataLoader(
            self._load_contexts, get_cache_key=_name_key
        )

    async def _load_players(self, names: list[str]) -> list[models.PlayerProfile | None]:
        return await self.service.get_players(names)

    async def _load_contexts(self, names: list[str]) -> list[models.PlayerContext]:
        # One more than shown tells whether a next page exists without another read. The
        # lists show memories as stored, hidden ones too (marked), as the listings beyond
        # this head do: moderators find them here to show them again.
        return await self.service.recall_about_players(
            names, interaction_limit=PRELOAD + 1, observation_limit=OBSERVATION_HEAD, withhold=False
        )

    def prime_player(self, profile: models.PlayerProfile) -> None:
        """Remember a profile this request already has (e.g. from a page of players)."""
        self.player.prime(profile.name, profile)

    async def load_player(self, name: str) -> models.PlayerProfile:
        """A player that must exist (e.g. the author of an interaction)."""
        profile = await self.player.load(name)
        if profile is None:
            raise NotFound(f"player {name!r} not found")
        return profile

    async def interactions_of(
        self, name: str, first: int, after: str | None
    ) -> Connection[Interaction]:
        """A page of a player's interactions, newest first."""
        position = decode_cursor(after)
        if position == START and first <= PRELOAD:
            head = (await self.player_context.load(name)).recent_interactions
            return connection(head[:first], Interaction.from_model, has_next=len(head) > first)

        async def fetch(count: int, cursor: str | None) -> models.Page:
            return await self.service.list_interactions(name, first=count, after=cursor)

        items, next_cursor = await fetch_page(fetch, first, position)
        return connection(items, Interaction.from_model, start=position, next_cursor=next_cursor)

    async def observations_of(
        self, name: str, first: int, after: str | None, tier: MemoryTier | None
    ) -> Connection[Observation]:
        """A page of the observations about a player, newest first."""
        position = decode_cursor(after)
        if position == START and first <= PRELOAD:
            head = (await self.player_context.load(name)).observations
            if len(head) < OBSERVATION_HEAD:
                # Every live observation is here, so any order and any filter is exact.
                matching = [o for o in _newest_first(head) if tier is None or o.memory_tier == tier]
                return connection(
                    matching[:first], Observation.from_model, has_next=len(matching) > first
                )

        async def fetch(count: int, cursor: str | None) -> models.Page:
            return await self.service.list_observations(
                player_subject(name), first=count, after=cursor, tier=tier
            )

        items, next_cursor = await fetch_page(fetch, first, position)
        return connection(items, Observation.from_model, start=position, next_cursor=next_cursor)


def _newest_first(items: Sequence[models.Observation]) -> list[models.Observation]:
    return sorted(items, key=lambda o: o.timestamp, reverse=True)
