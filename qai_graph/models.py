"""Domain models and enums of QAI's memory (the seed's Step 2), as pydantic v2 models.

This module imports neither boto nor strawberry: it is what every layer speaks. What
moderators do and see (the log, the flagged queue, bans) is in ``moderation_models.py``.
Datetimes are timezone-aware UTC. Numbers are plain ``int``/``float`` here; the store
turns them into DynamoDB numbers (``Decimal``) on the wire.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MemoryTier(StrEnum):
    """How long a memory lives: the session, 72 hours, or for good."""

    WORKING = "WORKING"
    SHORT_TERM = "SHORT_TERM"
    LONG_TERM = "LONG_TERM"


class EntityType(StrEnum):
    """The kinds of item in the memory table."""

    PLAYER = "PLAYER"
    PATTERN = "PATTERN"
    INSIGHT = "INSIGHT"
    INTERACTION = "INTERACTION"
    OBSERVATION = "OBSERVATION"
    EVOLUTION = "EVOLUTION"
    SESSION = "SESSION"
    FLAGGED = "FLAGGED"  # a moderation queue entry (store/moderation.py)
    MODERATION = "MODERATION"  # a moderation log entry
    BAN = "BAN"  # a banned player's entry in the ban list
    MODERATED = "MODERATED"  # a marker that tells other replicas of a moderation


class ObservationCategory(StrEnum):
    """What an observation is about."""

    BEHAVIORAL = "behavioral"
    PATTERN = "pattern"
    EVENT = "event"
    SOCIAL = "social"
    PREFERENCE = "preference"


class Channel(StrEnum):
    """Where an interaction happened."""

    TWITCH = "twitch"
    INGAME = "ingame"
    API = "api"
    WHISPER = "whisper"  # an in-game whisper: private by default (private_channels)


class DomainModel(BaseModel):
    """The base of every domain model: values are checked on assignment too."""

    model_config = ConfigDict(validate_assignment=True)


class PlayerProfile(DomainModel):
    """Long-term player profile."""

    name: str
    first_seen: datetime
    last_seen: datetime
    total_interactions: int = Field(0, ge=0)
    total_solutions: int = Field(0, ge=0)

    preferred_patterns: list[str] = Field(default_factory=list)
    average_fidelity: float | None = Field(None, ge=0.0, le=1.0)
    play_style: str | None = None  # "speed_focused", "accuracy_focused", "explorer"

    sentiment_score: float = Field(0.0, ge=-1.0, le=1.0)
    helpfulness_score: float = Field(0.0, ge=0.0, le=1.0)
    memorable_moments: list[str] = Field(default_factory=list, max_length=10)
    # Not in the seed: the solution time average the solution stats need.
    average_time_ms: int | None = Field(None, ge=0)
    # Moderation (issue 19): a banned player's memories are in no prompt and no recall.
    banned: bool = False


class Interaction(DomainModel):
    """Record of a single interaction."""

    interaction_id: str
    timestamp: datetime
    player: str
    channel: Channel
    message: str
    qai_response: str | None = None
    sentiment: str | None = None  # "positive", "neutral", "negative"
    context: dict[str, Any] = Field(default_factory=dict)
    memory_tier: MemoryTier = MemoryTier.SHORT_TERM
    ttl: int | None = None  # Unix time of expiry
    session_id: str | None = None
    line_id: str | None = None  # a backfilled chat line's ``id``: its provenance
    # Trust (issue 19): what detection found when it was written, who may see it.
    flag: str | None = None  # a reason code (memory.trust.rules.FLAGS), None when clean
    flag_reasons: list[str] = Field(default_factory=list)
    private: bool = False  # e.g. an in-game whisper: only its speaker's prompt and recall
    hidden: bool = False  # hidden by a moderator: in no prompt and no recall


class ObservationSource(DomainModel):
    """Where a formed observation came from: an interaction, a backfilled line, or both.

    Kept on the observation when the interaction itself expires (its provenance)."""

    interaction_id: str | None = None
    line_id: str | None = None  # the backfilled line's ``id``
    at: datetime | None = None  # when it was said


class Observation(DomainModel):
    """QAI's observation about a player, a pattern, or in general."""

    observation_id: str
    timestamp: datetime
    subject: str  # "PLAYER#Jim", "PATTERN#7B", "GENERAL"
    content: str
    category: ObservationCategory
    confidence: float = Field(0.5, ge=0.0, le=1.0)
    evidence_count: int = Field(1, ge=1)
    promoted: bool = False
    memory_tier: MemoryTier = MemoryTier.SHORT_TERM
    ttl: int | None = None
    last_reinforced: datetime | None = None
    flag: str | None = None  # instruction-like content: never promoted or shown to others
    flag_reasons: list[str] = Field(default_factory=list)
    hidden: bool = False  # hidden by a moderator: in no prompt and no recall
    # Formation (issue 20): what QAI concluded by itself, from which exchanges.
    sources: list[ObservationSource] = Field(default_factory=list)
    formed_by: str | None = None  # the observer backend (None: written by a client)
    session_id: str | None = None  # the session it was formed in
    superseded_by: str | None = None  # the observation id that replaced it
    superseded_at: datetime | None = None


class PatternStats(DomainModel):
    """Statistics for a learned pattern."""

    pattern_id: str
    gate_sequence: list[str] = Field(default_factory=list)
    times_observed: int = Field(0, ge=0)
    average_fidelity: float = Field(0.0, ge=0.0, le=1.0)
    average_time_ms: int = Field(0, ge=0)
    top_players: list[str] = Field(default_factory=list, max_length=10)
    discovered_by: str | None = None
    discovered_at: datetime | None = None


class Insight(DomainModel):
    """A general insight QAI has derived."""

    insight_id: str
    content: str
    category: str  # "behavioral_correlation", "temporal", "social"
    confidence: float = Field(ge=0.0, le=1.0)
    evidence_count: int = Field(ge=0)
    created_at: datetime
    last_validated: datetime | None = None


class EvolutionState(DomainModel):
    """QAI's evolution progress."""

    stage: int = Field(1, ge=1)
    stage_name: str = "Wonder"
    total_interactions: int = Field(0, ge=0)
    total_solutions_observed: int = Field(0, ge=0)
    unique_players_met: int = Field(0, ge=0)

    curiosity_score: float = Field(0.85, ge=0.0, le=1.0)
    pattern_confidence: float = Field(0.15, ge=0.0, le=1.0)
    stats_verbosity: float = Field(0.2, ge=0.0, le=1.0)

    next_stage_at: int | None = 10000
    progress_percent: float = Field(0.0, ge=0.0, le=100.0)
    stage_changed_at: datetime | None = None


class SessionMessage(DomainModel):
    """One message of a session's conversation."""

    role: str
    content: str
    timestamp: datetime
    speaker: str | None = None  # the player who said it, in a session several players share


class SessionContext(DomainModel):
    """Working memory for one conversation session."""

    session_id: str
    started_at: datetime
    last_active_at: datetime
    player: str | None = None
    recent_messages: list[SessionMessage] = Field(default_factory=list)
    current_topic: str | None = None
    pending_questions: list[str] = Field(default_factory=list)
    expires_at: int | None = None  # Unix time; slides with activity


class PlayerContext(DomainModel):
    """Everything QAI knows about a player, assembled for prompt injection."""

    profile: PlayerProfile
    recent_interactions: list[Interaction] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    summary: str | None = None
    known: bool = True  # False: the player has never been recorded (nothing was saved)


class ContextTurn(DomainModel):
    """A turn said around a recalled interaction in its conversation (``Memory.context``)."""

    position: int  # -1: the turn just before the memory, 1: just after, -2, 2: further
    interaction_id: str
    player: str  # who said it
    message: str
    response: str | None = None  # what QAI answered to it
    timestamp: datetime | None = None
    channel: str | None = None
    flag: str | None = None  # only ever the asker's own is flagged (as the memory itself)
    private: bool = False


class Memory(DomainModel):
    """One recalled memory with the score that ranked it."""

    type: str  # "observation", "interaction", "player_profile"
    subject: str
    content: str
    score: float
    data: dict[str, Any] = Field(default_factory=dict)
    # "observation", "interaction" or "profile"; the id is the observation's or the
    # interaction's id, or the player's name for a profile.
    kind: str | None = None
    id: str | None = None
    player: str | None = None  # the player's display name, when it is about a player
    message: str | None = None  # interactions: what the player said
    response: str | None = None  # interactions: what QAI answered
    timestamp: datetime | None = None
    channel: str | None = None  # interactions: where it was said
    flag: str | None = None  # flagged as instruction-like (only ever its own player's)
    private: bool = False  # a private interaction (only ever its own player's)
    # Provenance (issue 20): an observation's sources; an interaction is its own source.
    sources: list[ObservationSource] = Field(default_factory=list)
    # Interactions: the turns around it in its conversation (time order), when asked for.
    context: list[ContextTurn] = Field(default_factory=list)


class TimePeriod(DomainModel):
    """A time a recall query named ("yesterday", "in may", "last stream"): [start, end)."""

    start: datetime
    end: datetime
    text: str  # the query's words it was read from


class RecallResult(DomainModel):
    """Result of a memory recall."""

    memories: list[Memory]
    sources: list[str]
    query: str
    total_found: int
    periods: list[TimePeriod] = Field(default_factory=list)  # the query's dates, as read


class ConsolidationResult(DomainModel):
    """Result of one consolidation run."""

    observations_promoted: int = 0
    memories_pruned: int = 0
    players_updated: int = 0
    interactions_trimmed: int = 0
    observations_trimmed: int = 0  # merged into another or dropped
    summaries_written: int = 0  # session summaries written, rewritten or removed
    observations_merged: int = 0  # merged into another (part of observations_trimmed)
    duration_ms: int = 0
    started_at: datetime | None = None


class Page(DomainModel):
    """Internal page of results: items plus an opaque cursor for the next page."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    items: list[Any]
    next_cursor: str | None = None


class ForgetResult(DomainModel):
    """What forgetting a player removed (their right to be forgotten)."""

    player: str
    profile_deleted: bool = False
    interactions_deleted: int = 0
    observations_deleted: int = 0
    idempotency_records_deleted: int = 0
    other_items_deleted: int = 0
