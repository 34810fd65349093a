"""QAI's system prompt: stage persona, guidelines, memories within a budget, situation.

Sections, in order: the stage's persona, "Response Guidelines", "What I Remember",
"This Conversation", "Current Situation", "Response Modifiers". Everything a player or
the chat bot supplied is quoted through ``clean_text``: one line, no control characters,
bounded length, so a chat message cannot forge a section of the prompt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qai_graph.memory.content import normalise_content
from qai_graph.memory.prompt.persona import Persona, load_persona
from qai_graph.memory.prompt.remembering import build_memory_section
from qai_graph.memory.prompt.sections import (
    build_conversation_section,
    build_evolution_modifiers,
    build_situation_section,
)
from qai_graph.models import EvolutionState, Memory, PlayerContext, SessionContext


def build_qai_system_prompt(
    evolution: EvolutionState,
    player_context: PlayerContext | None = None,
    relevant_memories: Sequence[Memory | Mapping[str, Any]] | None = None,
    game_state: Mapping[str, Any] | None = None,
    *,
    session: SessionContext | None = None,
    persona: Persona | None = None,
    memory_budget_chars: int = 1500,
    relevant_first: bool = False,
) -> str:
    """The complete system prompt for QAI at its current stage, with memories injected.

    ``relevant_first``: the memories were chosen for what the player just said, so they
    outrank everything but who the player is. Exchanges already quoted under "This
    Conversation" are not repeated under "What I Remember"."""
    persona = persona or load_persona()
    parts = [persona.for_stage(evolution.stage).render()]
    if persona.guidelines:
        parts.append("## Response Guidelines\n" + "\n".join(f"- {g}" for g in persona.guidelines))
    if player_context is not None or relevant_memories:
        in_session = (
            {normalise_content(m.content) for m in session.recent_messages} if session else set()
        )
        parts.append(
            build_memory_section(
                player_context,
                relevant_memories,
                budget_chars=memory_budget_chars,
                relevant_first=relevant_first,
                in_session=in_session,
            )
        )
    if session is not None:
        parts.append(build_conversation_section(session))
    if game_state:
        parts.append(build_situation_section(game_state))
    parts.append(build_evolution_modifiers(evolution))
    return "\n\n".join(part for part in parts if part)
