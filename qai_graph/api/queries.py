"""Query resolvers: read-only, each one call into the service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from qai_graph.api.connections import (
    Connection,
    check_first,
    connection,
    decode_cursor,
    fetch_page,
    listing,
)
from qai_graph.api.context import GraphQLContext
from qai_graph.api.decorators import field
from qai_graph.api.moderation import ModerationQuery
from qai_graph.api.recall_types import RecallResult
from qai_graph.api.turns import selects
from qai_graph.api.types import (
    Evolution,
    Observation,
    PatternStats,
    Player,
    PlayerContext,
    Session,
)
from qai_graph.errors import InvalidInput
from qai_graph.models import Page

Ctx = Info[GraphQLContext, None]


@strawberry.type
class Query(ModerationQuery):
    """Read QAI's memory; no query ever writes."""

    @field(description="A player by name (case-insensitive), or null if unknown.")
    async def player(self, info: Ctx, name: str) -> Player | None:
        """One player."""
        profile = await info.context.loaders.player.load(name)
        return None if profile is None else Player.from_model(profile)

    @field(description="Players, most recently seen first.")
    async def players(
        self, info: Ctx, first: int = 20, after: str | None = None
    ) -> Connection[Player]:
        """A page of players."""
        service, loaders = info.context.service, info.context.loaders

        async def fetch(count: int, cursor: str | None) -> Page:
            return await service.list_players(limit=count, cursor=cursor)

        position = decode_cursor(after)
        items, next_cursor = await fetch_page(fetch, check_first(first), position)
        for profile in items:
            loaders.prime_player(profile)
        return connection(items, Player.from_model, start=position, next_cursor=next_cursor)

    @field(
        description="What QAI recalls about a player: one read; an unknown player gets an "
        "empty, unsaved profile with known = false."
    )
    async def player_context(
        self, info: Ctx, name: str, interaction_limit: int = 5, observation_limit: int = 5
    ) -> PlayerContext:
        """A player's context for the prompt."""
        context = await info.context.service.recall_about_player(
            name,
            interaction_limit=interaction_limit,
            observation_limit=observation_limit,
        )
        return PlayerContext.from_model(context)

    @field(
        description="Observations about a subject (PLAYER#<name>, PATTERN#<id> or GENERAL), "
        "newest first."
    )
    async def observations(
        self,
        info: Ctx,
        subject: str,
        first: int = 10,
        after: str | None = None,
        promoted_only: bool = False,
    ) -> Connection[Observation]:
        """A page of observations."""
        service = info.context.service

        async def fetch(count: int, cursor: str | None) -> Page:
            return await service.list_observations(
                subject, first=count, after=cursor, promoted_only=promoted_only
            )

        return await listing(fetch, Observation.from_model, first, after)

    @field(description="QAI's evolution stage and progress.")
    async def evolution(self, info: Ctx) -> Evolution:
        """Current evolution state."""
        return Evolution.from_model(await info.context.service.get_evolution_state())

    @field(
        description="Memories relevant to a query, best first, from all of QAI's live memory "
        "(observations of every subject, interactions, profiles). `player` is who is asking: "
        "their memories are lifted. A date in the query ('on 31 July, 2023', 'yesterday', "
        "'last stream') lifts the memories of that time (`periods` says how it was read). "
        "The query is 1-500 characters (INVALID_INPUT otherwise)."
    )
    async def recall(
        self,
        info: Ctx,
        query: str,
        limit: int = 5,
        player: str | None = None,
        context_turns: Annotated[
            int | None,
            strawberry.argument(
                description="Turns before and after each recalled interaction that its "
                "`context` holds (0-3); by default 1 when `context` is selected, else 0."
            ),
        ] = None,
        since: Annotated[
            datetime | None,
            strawberry.argument(
                description="Only memories of this time or later (an observation's or a "
                "profile's span need only reach it); a time without an offset is the "
                "streamer's (QAI_MEMORY_TIMEZONE, UTC by default)."
            ),
        ] = None,
        until: Annotated[
            datetime | None,
            strawberry.argument(
                description="Only memories from before this time (exclusive); since must "
                "be before it (INVALID_INPUT otherwise)."
            ),
        ] = None,
    ) -> RecallResult:
        """Recall memories."""
        turns = context_turns
        if turns is None:
            turns = 1 if selects(info.selected_fields, "recall", "memories", "context") else 0
        result = await info.context.service.recall(
            query, limit=limit, player=player, turns=turns, since=since, until=until
        )
        return RecallResult.from_model(result)

    @field(description="A conversation's working memory, or null if expired.")
    async def session(self, info: Ctx, id: strawberry.ID) -> Session | None:
        """One session."""
        found = await info.context.service.get_session_context(str(id))
        return None if found is None else Session.from_model(found)

    @field(description="The memory-filled system prompt: the bot's one call before its LLM.")
    async def system_prompt(
        self,
        info: Ctx,
        player: str | None = None,
        session_id: strawberry.ID | None = None,
        game_state: JSON | None = None,
        message: Annotated[
            str | None,
            strawberry.argument(
                description="What the player just said: 'What I Remember' then holds the "
                "memories most relevant to it."
            ),
        ] = None,
    ) -> str:
        """Build the system prompt (read-only)."""
        if game_state is not None and not isinstance(game_state, dict):
            raise InvalidInput("gameState must be a JSON object", field="gameState")
        return await info.context.service.build_system_prompt(
            player=player,
            session_id=None if session_id is None else str(session_id),
            game_state=game_state,
            message=message,
        )

    @field(description="What QAI learned about a puzzle pattern, or null.")
    async def pattern(self, info: Ctx, id: strawberry.ID) -> PatternStats | None:
        """One pattern's stats."""
        found = await info.context.service.get_pattern(str(id))
        return None if found is None else PatternStats.from_model(found)
