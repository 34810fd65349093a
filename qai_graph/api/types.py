"""GraphQL object types: the domain models in camelCase, with nested lists as connections."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from pydantic import BaseModel
from strawberry.scalars import JSON
from strawberry.types import Info

from qai_graph import models
from qai_graph.api.connections import Connection, check_first
from qai_graph.api.decorators import field
from qai_graph.api.turns import ContextTurn

if TYPE_CHECKING:
    from qai_graph.api.context import GraphQLContext

# The models' enums are the GraphQL enums (MemoryTier, ObservationCategory, Channel).
MemoryTier = models.MemoryTier
ObservationCategory = models.ObservationCategory
Channel = models.Channel

Ctx = Annotated["GraphQLContext", strawberry.lazy("qai_graph.api.context")]


class SameFields:
    """Mixin of types whose fields are exactly their model's fields."""

    @classmethod
    def from_model(cls, item: BaseModel) -> Self:
        """Map a model with the same field names."""
        return cls(**item.model_dump())


@strawberry.type(description="A player QAI has met (or, from playerContext, not yet).")
class Player(SameFields):
    """Long-term player profile."""

    name: str
    first_seen: datetime
    last_seen: datetime
    total_interactions: int
    total_solutions: int
    preferred_patterns: list[str]
    average_fidelity: float | None
    play_style: str | None
    sentiment_score: float
    helpfulness_score: float
    memorable_moments: list[str]
    average_time_ms: int | None
    banned: bool = strawberry.field(
        description="Banned by a moderator: none of their memories reach a prompt or recall."
    )

    @field(description="Interactions with this player, newest first.")
    async def interactions(
        self, info: Info[Ctx, None], first: int = 10, after: str | None = None
    ) -> Connection[Interaction]:
        """Interactions, from the request's preloaded player context when it suffices."""
        loaders = info.context.loaders
        return await loaders.interactions_of(self.name, check_first(first), after)

    @field(description="Observations about this player, newest first.")
    async def observations(
        self,
        info: Info[Ctx, None],
        first: int = 10,
        after: str | None = None,
        tier: MemoryTier | None = None,
    ) -> Connection[Observation]:
        """Observations, from the request's preloaded player context when it suffices."""
        loaders = info.context.loaders
        return await loaders.observations_of(self.name, check_first(first), after, tier)

    @field(description="QAI's one-paragraph summary of the player.")
    async def summary(self, info: Info[Ctx, None]) -> str | None:
        """The summary of the player's context."""
        context = await info.context.loaders.player_context.load(self.name)
        return context.summary


@strawberry.type(description="One message exchanged with QAI.")
class Interaction:
    """Record of a single interaction."""

    id: strawberry.ID
    timestamp: datetime
    player_name: str
    channel: Channel
    message: str
    qai_response: str | None
    sentiment: str | None
    context: JSON
    memory_tier: MemoryTier
    ttl: int | None
    session_id: str | None
    line_id: str | None = strawberry.field(description="The backfilled line's id (null: live).")
    flag: str | None = strawberry.field(
        description="Why trust detection flagged it as instruction-like (null: clean); a "
        "flagged memory reaches no other player's prompt or recall."
    )
    flag_reasons: list[str] = strawberry.field(description="One reason per rule that hit.")
    private: bool = strawberry.field(
        description="Private (e.g. a whisper): only its speaker's prompt and recall."
    )
    hidden: bool = strawberry.field(description="Hidden by a moderator: in no prompt or recall.")

    @classmethod
    def from_model(cls, item: models.Interaction) -> Interaction:
        """Map an interaction."""
        return cls(
            id=strawberry.ID(item.interaction_id),
            timestamp=item.timestamp,
            player_name=item.player,
            channel=item.channel,
            message=item.message,
            qai_response=item.qai_response,
            sentiment=item.sentiment,
            context=JSON(item.context),
            memory_tier=item.memory_tier,
            ttl=item.ttl,
            session_id=item.session_id,
            line_id=item.line_id,
            flag=item.flag,
            flag_reasons=item.flag_reasons,
            private=item.private,
            hidden=item.hidden,
        )

    @field(description="The player (batched: one BatchGetItem per request).")
    async def player(self, info: Info[Ctx, None]) -> Player:
        """The player's profile."""
        return Player.from_model(await info.context.loaders.load_player(self.player_name))


@strawberry.type(
    description="Where a memory came from: an interaction, a backfilled chat line, or both."
)
class MemorySource:
    """One source of a memory (its provenance, kept when the interaction expires)."""

    interaction_id: str | None = strawberry.field(
        description="The interaction it was formed from (null: a backfilled line not stored)."
    )
    line_id: str | None = strawberry.field(description="The backfilled chat line's id.")
    at: datetime | None = strawberry.field(description="When it was said.")

    @classmethod
    def from_model(cls, item: models.ObservationSource) -> MemorySource:
        """Map a source."""
        return cls(interaction_id=item.interaction_id, line_id=item.line_id, at=item.at)


@strawberry.type(description="Something QAI noticed about a player, a pattern, or in general.")
class Observation:
    """An observation."""

    id: strawberry.ID
    timestamp: datetime
    subject: str
    content: str
    category: ObservationCategory
    confidence: float
    evidence_count: int
    promoted: bool
    memory_tier: MemoryTier
    ttl: int | None
    last_reinforced: datetime | None
    flag: str | None = strawberry.field(
        description="Why trust detection flagged it (null: clean); flagged observations are "
        "never reinforced, promoted or shown to other players."
    )
    flag_reasons: list[str] = strawberry.field(description="One reason per rule that hit.")
    hidden: bool = strawberry.field(description="Hidden by a moderator: in no prompt or recall.")
    sources: list[MemorySource] = strawberry.field(
        description="The exchanges QAI formed it from, oldest first (empty: a client wrote it)."
    )
    formed_by: str | None = strawberry.field(
        description="The observer that formed it (local, bedrock, anthropic); null when a "
        "client wrote it."
    )
    session_id: str | None = strawberry.field(description="The session it was formed in.")
    superseded_by: str | None = strawberry.field(
        description="The id of the newer observation of the same subject that replaced it."
    )
    superseded_at: datetime | None = strawberry.field(description="When it was superseded.")
    superseded: bool = strawberry.field(
        description="Replaced by a newer observation: kept and listed, in no prompt, and "
        "recalled below the one that replaced it."
    )

    @classmethod
    def from_model(cls, item: models.Observation) -> Observation:
        """Map an observation."""
        data = item.model_dump(exclude={"observation_id", "sources"})
        return cls(
            id=strawberry.ID(item.observation_id),
            sources=[MemorySource.from_model(s) for s in item.sources],
            superseded=item.superseded_by is not None,
            **data,
        )


@strawberry.type(description="What QAI learned about a puzzle pattern.")
class PatternStats(SameFields):
    """Statistics for a learned pattern."""

    pattern_id: strawberry.ID
    gate_sequence: list[str]
    times_observed: int
    average_fidelity: float
    average_time_ms: int
    top_players: list[str]
    discovered_by: str | None
    discovered_at: datetime | None


@strawberry.type(description="QAI's evolution: 1 Wonder, 2 Pattern Recognition, 3 Efficiency.")
class Evolution(SameFields):
    """QAI's evolution progress."""

    stage: int
    stage_name: str
    total_interactions: int
    total_solutions_observed: int
    unique_players_met: int
    curiosity_score: float
    pattern_confidence: float
    stats_verbosity: float
    next_stage_at: int | None
    progress_percent: float
    stage_changed_at: datetime | None


@strawberry.type(description="One message of a session's conversation.")
class SessionMessage(SameFields):
    """A session message."""

    role: str
    content: str
    timestamp: datetime
    speaker: str | None = strawberry.field(
        description="The player who said it (sessions of a stream are shared)."
    )


@strawberry.type(description="Working memory of one conversation; expires after inactivity.")
class Session:
    """Working memory for one session."""

    id: strawberry.ID
    started_at: datetime
    last_active_at: datetime
    player: str | None
    recent_messages: list[SessionMessage]
    current_topic: str | None
    pending_questions: list[str]
    expires_at: int | None

    @classmethod
    def from_model(cls, item: models.SessionContext) -> Session:
        """Map a session."""
        return cls(
            id=strawberry.ID(item.session_id),
            started_at=item.started_at,
            last_active_at=item.last_active_at,
            player=item.player,
            recent_messages=[SessionMessage.from_model(m) for m in item.recent_messages],
            current_topic=item.current_topic,
            pending_questions=list(item.pending_questions),
            expires_at=item.expires_at,
        )


@strawberry.type(description="What QAI knows about a player, as the prompt builder sees it.")
class PlayerContext:
    """A player's recalled context."""

    profile: Player
    recent_interactions: list[Interaction]
    observations: list[Observation]
    summary: str | None
    known: bool = strawberry.field(description="False: never recorded; nothing was saved.")

    @classmethod
    def from_model(cls, item: models.PlayerContext) -> PlayerContext:
        """Map a player context."""
        return cls(
            profile=Player.from_model(item.profile),
            recent_interactions=[Interaction.from_model(i) for i in item.recent_interactions],
            observations=[Observation.from_model(o) for o in item.observations],
            summary=item.summary,
            known=item.known,
        )


@strawberry.type(description="One recalled memory with the score that ranked it.")
class Memory:
    """A recalled memory."""

    type: str = strawberry.field(
        description="observation, interaction or player_profile.",
        deprecation_reason="Use kind.",
    )
    subject: str = strawberry.field(
        description="Whom it is about: PLAYER#<key>, PATTERN#<id> or GENERAL."
    )
    content: str = strawberry.field(
        description="The observation, the player's message, or the profile's summary."
    )
    score: float = strawberry.field(description="The ranking score (higher is better).")
    data: JSON = strawberry.field(description="The memory as stored.")
    kind: str | None = strawberry.field(description="observation, interaction or profile.")
    id: str | None = strawberry.field(
        description="The observation's or interaction's id, or the player's name for a profile."
    )
    player: str | None = strawberry.field(
        description="The player's name, when the memory is about or with a player."
    )
    message: str | None = strawberry.field(description="Interactions: what the player said.")
    response: str | None = strawberry.field(description="Interactions: what QAI answered.")
    timestamp: datetime | None = strawberry.field(
        description="When it was written (or last reinforced)."
    )
    channel: str | None = strawberry.field(description="Interactions: where it was said.")
    flag: str | None = strawberry.field(
        description="Flagged as instruction-like: only ever recalled for its own player."
    )
    private: bool = strawberry.field(description="Private: only ever recalled for its speaker.")
    sources: list[MemorySource] = strawberry.field(
        description="Where it came from: an observation's sources, an interaction itself "
        "(its id, its backfilled line's id, its time); empty for a profile."
    )
    context: list[ContextTurn] = strawberry.field(
        description="Interactions: the turns around it, in time order (see contextTurns)."
    )

    @classmethod
    def from_model(cls, item: models.Memory) -> Memory:
        """Map a recalled memory."""
        return cls(
            sources=[MemorySource.from_model(s) for s in item.sources],
            context=[ContextTurn.from_model(t) for t in item.context],
            **item.model_dump(exclude={"sources", "context"}),
        )


@strawberry.type(description="What one consolidation run did.")
class ConsolidationResult(SameFields):
    """Result of one consolidation run."""

    observations_promoted: int
    memories_pruned: int
    players_updated: int
    interactions_trimmed: int
    observations_trimmed: int = strawberry.field(
        description="Observations merged into another or dropped to keep each player within "
        "the cap (maxObservationsPerPlayer)."
    )
    summaries_written: int = strawberry.field(
        description="Session summaries written: created, rewritten because what their "
        "session's observations say changed, or removed when nothing is left to summarise."
    )
    observations_merged: int = strawberry.field(
        description="Observations merged into a related one (their evidence and sources kept "
        "there) rather than dropped; counted in observationsTrimmed too."
    )
    duration_ms: int
    started_at: datetime | None


@strawberry.type(description="What recordInteraction did.")
class RecordInteractionPayload:
    """Result of recordInteraction."""

    interaction: Interaction
    player: Player
    evolution: Evolution
    stage_advanced: bool
    replayed: bool = strawberry.field(
        description="True when the idempotency key was seen before: nothing was counted twice."
    )


@strawberry.type(description="What recordSolution did.")
class RecordSolutionPayload:
    """Result of recordSolution."""

    player: Player
    pattern: PatternStats
    evolution: Evolution
    stage_advanced: bool
