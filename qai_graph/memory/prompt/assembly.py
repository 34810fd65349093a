"""Assembling the system prompt: the reads it needs, concurrently, and the builder.

Before every answer the bot asks for the prompt, so its cost is the slowest of three
reads (evolution, the player's context, the session), with the ranking of the memories
relevant to the message done while they are in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.errors import InvalidInput
from qai_graph.memory import validation
from qai_graph.memory.evolution.tracker import EvolutionTracker
from qai_graph.memory.prompt.builder import build_qai_system_prompt
from qai_graph.memory.prompt.persona import Persona, load_persona
from qai_graph.memory.recall.reader import Recaller
from qai_graph.memory.sessions import WorkingMemory
from qai_graph.models import Memory, PlayerContext, SessionContext, SessionMessage
from qai_graph.store import keys

PROMPT_YIELDS = 8  # loop turns that let aiobotocore send the prompt's reads
PROMPT_MEMORIES = 8  # memories ranked for the prompt; its budget decides how many fit
CONTEXT_INTERACTIONS = 5  # the player's context in the prompt: recent interactions...
CONTEXT_OBSERVATIONS = 5  # ...and observations (as recall_about_player's defaults)


class PromptAssembler:
    """The build_system_prompt use case."""

    def __init__(
        self,
        config: MemoryConfig,
        evolution: EvolutionTracker,
        recaller: Recaller,
        working: WorkingMemory,
    ) -> None:
        self._config = config
        self._evolution = evolution
        self._recaller = recaller
        self._working = working
        self.persona: Persona | None = None  # loaded when the service initialises

    async def build(
        self,
        player: str | None,
        session_id: str | None,
        game_state: Mapping[str, Any] | None,
        message: str | None,
    ) -> str:
        """The memory-filled system prompt; reads only, concurrently."""
        if game_state is not None:
            validation.context(game_state)
        validation.text(message, "message", validation.MAX_MESSAGE_CHARS, required=False)

        async def no_context() -> PlayerContext | None:
            return None

        async def no_session() -> SessionContext | None:
            return None

        reads = asyncio.gather(
            self._evolution.state(),
            self._recaller.player_context(player, CONTEXT_INTERACTIONS, CONTEXT_OBSERVATIONS)
            if player
            else no_context(),
            self._working.get_session(session_id) if session_id else no_session(),
        )
        relevant: list[Memory] = []
        if message and message.strip():
            # The ranking is CPU work: let the three reads go out first, so it runs while
            # they are in flight instead of before them.
            for _ in range(PROMPT_YIELDS):
                await asyncio.sleep(0)
            try:
                relevant = await self._recaller.relevant(
                    message[: self._config.recall_max_query_chars], PROMPT_MEMORIES, player
                )
            except BaseException:
                reads.cancel()
                with contextlib.suppress(BaseException):
                    await reads
                raise
        evolution, context, session = await reads
        if session is not None:
            session = without_banned(session, self._recaller.banned_players())
        return build_qai_system_prompt(
            evolution,
            player_context=context,
            relevant_memories=relevant,
            relevant_first=bool(relevant),
            game_state=game_state,
            session=session,
            persona=self.persona or load_persona(self._config.persona_file),
            memory_budget_chars=self._config.prompt_memory_budget_chars,
            zone=self._config.zone,
        )


def without_banned(session: SessionContext, banned: frozenset[str]) -> SessionContext:
    """The session without what banned players said (and QAI's answers to it): a ban
    removes a player from every prompt at once, the shared conversation included."""
    if not banned:
        return session
    kept: list[SessionMessage] = []
    dropping = False
    for message in session.recent_messages:
        if message.role == "user":
            dropping = message.speaker is not None and _key(message.speaker) in banned
        if not dropping:
            kept.append(message)
    if len(kept) == len(session.recent_messages):
        return session
    return session.model_copy(update={"recent_messages": kept})


def _key(name: str) -> str | None:
    try:
        return keys.player_key(name)
    except InvalidInput:
        return None
