"""MemoryService: the one entry point to QAI's memory (the seed's Step 5, async).

The chat bot calls it around every message: ``build_system_prompt`` (or
``recall_about_player``) before its LLM, ``store_interaction`` after. Rules live here
and in the modules beside it; the store speaks DynamoDB; the API only maps types.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.embeddings import Embedder, make_embedder
from qai_graph.errors import NotFound
from qai_graph.memory import validation
from qai_graph.memory.events.hub import EventHub
from qai_graph.memory.evolution.tracker import EvolutionTracker
from qai_graph.memory.formation import Formation
from qai_graph.memory.interactions import Exchange, InteractionRecorder
from qai_graph.memory.lifecycle import Lifecycle
from qai_graph.memory.maintenance import Maintenance
from qai_graph.memory.moderation import Moderation
from qai_graph.memory.observations import Observations
from qai_graph.memory.players import Players
from qai_graph.memory.prompt.assembly import PromptAssembler
from qai_graph.memory.recall.reader import Recaller
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.results import InteractionRecorded, SolutionRecorded
from qai_graph.memory.sessions import WorkingMemory
from qai_graph.memory.solutions import SolutionRecorder
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.models import (
    Channel,
    EvolutionState,
    ForgetResult,
    Interaction,
    MemoryTier,
    Observation,
    ObservationCategory,
    Page,
    PatternStats,
    PlayerContext,
    PlayerProfile,
    RecallResult,
    SessionContext,
)
from qai_graph.observers import Observer
from qai_graph.observers.factory import make_observer
from qai_graph.store import keys, patterns
from qai_graph.store.client import DynamoClient


class MemoryService(Lifecycle, Maintenance):
    """QAI's memory: players, interactions, observations, sessions, evolution."""

    def __init__(
        self,
        config: MemoryConfig | None = None,
        *,
        endpoint: str | None = None,
        embedder: Embedder | None = None,
        observer: Observer | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``clock`` is what "now" is when recall reads a query's dates ("yesterday"):
        tests and backfilled benchmarks set it; writes keep the wall clock."""
        self.config = config or MemoryConfig()
        self.store = DynamoClient(self.config, endpoint)
        self.events = EventHub()
        self.embedder = embedder or make_embedder(self.config)
        # The index reads through a client of its own: its background poll is not part of
        # any request (and request-count tests see only the operation's own calls).
        self.recall_index = RecallIndex(
            DynamoClient(self.config, endpoint), self.config, self.embedder
        )
        if clock is not None:
            self.recall_index.clock = clock
        self.working = WorkingMemory(self.store, self.config)
        self.trust = TrustGate.from_config(self.config)
        self.observations = Observations(
            self.store, self.config, self.events, self.recall_index, self.trust
        )
        self.evolution = EvolutionTracker(self.store, self.config, self.events)
        self.players = Players(self.store, self.config, self.recall_index)
        # Moderators' use cases (hide, release, forget an observation, ban; the log).
        self.moderation = Moderation(self.store, self.config, self.recall_index)
        # QAI's own observations from what players say (memory/formation/).
        self.formation = Formation(
            self.store,
            self.config,
            observer or make_observer(self.config),
            self.events,
            self.working,
            self.recall_index,
            self.trust,
        )
        self._recorder = InteractionRecorder(
            self.store,
            self.config,
            self.events,
            self.working,
            self.evolution,
            self.players,
            self.recall_index,
            self.trust,
            self.formation,
        )
        self._solutions = SolutionRecorder(
            self.store, self.config, self.players, self.evolution, self.recall_index
        )
        self._recaller = Recaller(self.store, self.config, self.recall_index)
        self._prompt = PromptAssembler(self.config, self.evolution, self._recaller, self.working)

    # --- players -----------------------------------------------------------------------

    async def get_player(self, name: str) -> PlayerProfile | None:
        """A player's profile, or None if QAI never met them."""
        return await self.players.get(name)

    async def get_players(self, names: Sequence[str]) -> list[PlayerProfile | None]:
        """Profiles for many names in one batch read, in the order asked."""
        return await self.players.get_many(names)

    async def get_or_create_player(self, name: str) -> PlayerProfile:
        """The player's profile, created (and counted once) when new."""
        return await self.players.get_or_create(name)

    async def update_player(self, name: str, updates: Mapping[str, Any]) -> PlayerProfile:
        """Set editable profile fields (play style, scores, moments, preferred patterns)."""
        return await self.players.update(name, updates)

    async def update_player_stats(
        self, name: str, interactions: int = 0, solutions: int = 0
    ) -> None:
        """Add to a known player's counters without recording an interaction."""
        await self.players.add_counters(name, interactions, solutions)

    async def list_players(self, limit: int = 50, cursor: str | None = None) -> Page:
        """Players, most recently seen first; pass ``next_cursor`` back for the next page."""
        return await self.players.list(limit, cursor)

    async def forget_player(self, name: str) -> ForgetResult:
        """Delete every item about a player: profile, interactions, observations about
        them, their idempotency records, their ban and the queue entries of their flagged
        memories. Evolution's lifetime counters and the moderation log are kept."""
        result = await self.players.forget(name)
        await self.moderation.erase_player(name)
        return result

    # --- interactions ------------------------------------------------------------------

    async def store_interaction(
        self,
        player: str,
        channel: Channel | str,
        message: str,
        qai_response: str | None = None,
        sentiment: str | None = None,
        context: Mapping[str, Any] | None = None,
        session_id: str | None = None,
        idempotency_key: str | None = None,
        private: bool | None = None,
    ) -> Interaction:
        """Record one exchange with a player (the seed's signature); ``private`` (default:
        the channel's) keeps it out of every other player's prompt and recall."""
        exchange = Exchange(
            player, channel, message, qai_response, sentiment, context, session_id, private
        )
        return (await self._recorder.record(exchange, idempotency_key, full=False)).interaction

    async def record_interaction(
        self,
        player: str,
        channel: Channel | str,
        message: str,
        qai_response: str | None = None,
        sentiment: str | None = None,
        context: Mapping[str, Any] | None = None,
        session_id: str | None = None,
        idempotency_key: str | None = None,
        private: bool | None = None,
    ) -> InteractionRecorded:
        """Record one exchange and return the player and evolution after it."""
        exchange = Exchange(
            player, channel, message, qai_response, sentiment, context, session_id, private
        )
        recorded = await self._recorder.record(exchange, idempotency_key, full=True)
        self.recall_index.observe_profile(recorded.player)
        return recorded

    async def get_player_history(self, name: str, limit: int = 10) -> list[Interaction]:
        """A player's most recent interactions, newest first."""
        items, _ = await self._recorder.page(name, limit, None)
        return items

    async def list_interactions(self, name: str, first: int = 10, after: str | None = None) -> Page:
        """A page of a player's interactions, newest first."""
        items, cursor = await self._recorder.page(name, first, after)
        return Page(items=items, next_cursor=cursor)

    async def get_interactions(self, refs: Sequence[tuple[str, str]]) -> list[Interaction | None]:
        """Interactions by (player name, interaction id), one batch read, in order asked."""
        return await self._recorder.get_many(refs)

    # --- observations ------------------------------------------------------------------

    async def store_observation(
        self,
        subject: str,
        content: str,
        category: ObservationCategory | str,
        confidence: float = 0.5,
        idempotency_key: str | None = None,
    ) -> Observation:
        """Store an observation about ``PLAYER#<name>``, ``PATTERN#<id>`` or ``GENERAL``."""
        return await self.observations.store(
            subject, content, category, confidence, idempotency_key
        )

    async def get_observation(self, subject: str, observation_id: str) -> Observation | None:
        """One live observation, or None."""
        return await self.observations.get(subject, observation_id)

    async def get_observations(
        self, subject: str, limit: int = 10, promoted_only: bool = False
    ) -> list[Observation]:
        """A subject's live observations, newest first."""
        items, _ = await self.observations.page(subject, limit, None, promoted_only=promoted_only)
        return items

    async def list_observations(
        self,
        subject: str,
        first: int = 10,
        after: str | None = None,
        promoted_only: bool = False,
        tier: MemoryTier | None = None,
    ) -> Page:
        """A page of a subject's live observations, newest first."""
        items, cursor = await self.observations.page(
            subject, first, after, promoted_only=promoted_only, tier=tier
        )
        return Page(items=items, next_cursor=cursor)

    async def reinforce_observation(self, subject: str, observation_id: str) -> Observation:
        """Saw more evidence: evidence +1, confidence +0.1 (capped at 1.0)."""
        return await self.observations.reinforce(subject, observation_id)

    async def promote_observation(self, subject: str, observation_id: str) -> Observation:
        """Move an observation to long-term memory (idempotent)."""
        return await self.observations.promote(subject, observation_id)

    # --- recall ------------------------------------------------------------------------

    async def recall(
        self,
        query: str,
        context: Mapping[str, Any] | None = None,
        limit: int = 5,
        player: str | None = None,
        turns: int = 0,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> RecallResult:
        """Memories relevant to ``query`` from all live memory, best first; ``player`` is
        who is asking (their memories are lifted); ``turns``: how many turns before and
        after each interaction its ``context`` holds (0-3); ``since``/``until``: only
        memories of that time (an observation's or a profile's span need only meet it; a
        time without an offset is the streamer's, ``config.timezone``)."""
        validation.text(query, "query", self.config.recall_max_query_chars)
        validation.page_size(limit, "limit")
        validation.context_turns(turns)
        window = validation.window(since, until, self.config.zone)
        if player is not None:
            keys.clean_display_name(player)
        return await self._recaller.recall(query, limit, player, window, turns)

    async def recall_about_player(
        self,
        name: str,
        interaction_limit: int = 5,
        observation_limit: int = 5,
        *,
        withhold: bool = True,
    ) -> PlayerContext:
        """Everything QAI knows about a player, read in one Query; never writes. Hidden
        memories, and all of a banned player's, are left out unless ``withhold`` is False
        (listings that show them marked)."""
        validation.page_size(interaction_limit, "interaction_limit")
        validation.page_size(observation_limit, "observation_limit")
        return await self._recaller.player_context(
            name, interaction_limit, observation_limit, withhold=withhold
        )

    async def recall_about_players(
        self,
        names: Sequence[str],
        interaction_limit: int = 5,
        observation_limit: int = 5,
        *,
        withhold: bool = True,
    ) -> list[PlayerContext]:
        """Contexts of many players, one concurrent Query per player partition."""
        return list(
            await asyncio.gather(
                *(
                    self.recall_about_player(
                        n, interaction_limit, observation_limit, withhold=withhold
                    )
                    for n in names
                )
            )
        )

    async def build_system_prompt(
        self,
        player: str | None = None,
        session_id: str | None = None,
        game_state: Mapping[str, Any] | None = None,
        message: str | None = None,
    ) -> str:
        """The memory-filled system prompt for the bot's LLM; reads only, concurrently.

        With ``message`` (what the player just said), "What I Remember" holds the
        memories most relevant to it, from all of memory (the index: no extra read)."""
        return await self._prompt.build(player, session_id, game_state, message)

    # --- working memory ----------------------------------------------------------------

    async def get_or_create_session(
        self, session_id: str, player: str | None = None
    ) -> SessionContext:
        """The session's working memory, created if absent."""
        return await self.working.get_or_create_session(session_id, player)

    async def get_session_context(self, session_id: str) -> SessionContext | None:
        """The session's working memory, or None (read-only)."""
        return await self.working.get_session(session_id)

    async def update_session(self, session_id: str, **fields: Any) -> SessionContext:
        """Set session fields (player, current_topic, pending_questions)."""
        return await self.working.update_session(session_id, **fields)

    async def add_session_message(self, session_id: str, role: str, content: str) -> SessionContext:
        """Append a message to a session."""
        return await self.working.add_message(session_id, role, content)

    # --- evolution ---------------------------------------------------------------------

    async def get_evolution_state(self) -> EvolutionState:
        """QAI's evolution, from one Query of the evolution partition; never writes."""
        return await self.evolution.state()

    async def increment_evolution(
        self, interactions: int = 0, solutions: int = 0
    ) -> EvolutionState:
        """Add to evolution's counters directly, then advance the stage if earned."""
        return await self.evolution.increment(interactions, solutions)

    # --- solutions and patterns ----------------------------------------------------------

    async def record_solution(
        self,
        player: str,
        pattern_id: str,
        fidelity: float,
        time_ms: int,
        gate_sequence: Sequence[str] | None = None,
        idempotency_key: str | None = None,
    ) -> SolutionRecorded:
        """A player solved a pattern: player stats, pattern stats and evolution move together."""
        return await self._solutions.record(
            player, pattern_id, fidelity, time_ms, gate_sequence, idempotency_key
        )

    async def get_pattern(self, pattern_id: str) -> PatternStats | None:
        """A pattern's stats, or None."""
        item = await patterns.get(self.store, pattern_id)
        return patterns.pattern_from_item(item) if item else None

    def should_generate_observation(self) -> bool:
        """Sample whether this interaction should produce an observation."""
        return random.random() < self.config.observation_sample_rate


__all__ = ["InteractionRecorded", "MemoryService", "NotFound", "SolutionRecorded"]
