"""The prompt's other sections: "This Conversation", "Current Situation" (from the game
state) and "Response Modifiers" (from evolution)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qai_graph.memory.prompt.quoting import NAME_LIMIT, clean_text, is_finite_number, quote
from qai_graph.models import EvolutionState, SessionContext

CRITICAL_TUNNEL_HEALTH = 0.5
CONVERSATION_MESSAGES = 4
MAX_LISTED_NAMES = 10


def build_conversation_section(
    session: SessionContext, max_messages: int = CONVERSATION_MESSAGES
) -> str:
    """The "This Conversation" section: topic, last messages, first pending question."""
    lines = []
    if session.current_topic:
        lines.append(f"- Topic: {quote(session.current_topic)}")
    them = clean_text(session.player, NAME_LIMIT) if session.player else ""
    recent = session.recent_messages[-max_messages:] if max_messages > 0 else []
    for message in recent:
        own = message.role.strip().casefold() in ("assistant", "qai")
        # A stream's session is shared: each line names who said it, not the first player.
        who = clean_text(message.speaker, NAME_LIMIT) if message.speaker else them
        speaker = "I" if own else who or "They"
        lines.append(f"- {speaker} said: {quote(message.content)}")
    if session.pending_questions:
        lines.append(f"- Still unanswered: {quote(session.pending_questions[0])}")
    return "## This Conversation\n" + "\n".join(lines) if lines else ""


def build_situation_section(game_state: Mapping[str, Any]) -> str:
    """The "Current Situation" section; malformed entries are skipped ("" if none)."""
    if not isinstance(game_state, Mapping):
        return ""
    lines = []
    location = _coordinates(game_state.get("world"))
    if location:
        lines.append(f"- Location: World ({location})")
    players = game_state.get("nearby_players")
    if isinstance(players, list | tuple):
        names = [clean_text(p, NAME_LIMIT) for p in players if isinstance(p, str)]
        names = [name for name in names if name]
        if not players:
            lines.append("- No other players nearby")
        elif names:
            lines.append(f"- Nearby players: {_listing(names)}")
    activity = game_state.get("recent_activity")
    activity = clean_text(activity) if isinstance(activity, str) else ""
    if activity:
        lines.append(f"- Recent activity: {activity}")
    tunnels = game_state.get("tunnel_health")
    if isinstance(tunnels, Mapping):
        critical = [
            clean_text(str(name), NAME_LIMIT)
            for name, health in tunnels.items()
            if is_finite_number(health) and health < CRITICAL_TUNNEL_HEALTH
        ]
        if critical:
            lines.append(f"- Warning: Tunnels in critical condition: {_listing(critical)}")
    return "## Current Situation\n" + "\n".join(lines) if lines else ""


def _coordinates(world: Any) -> str:
    if isinstance(world, Mapping):
        world = [world.get(axis) for axis in ("x", "y", "z")]
    if not isinstance(world, list | tuple) or len(world) < 3:
        return ""
    if not all(is_finite_number(c) for c in world[:3]):
        return ""
    return ", ".join(str(c) if isinstance(c, int) else f"{c:g}" for c in world[:3])


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED_NAMES])
    hidden = len(names) - MAX_LISTED_NAMES
    return f"{shown} and {hidden} more" if hidden > 0 else shown


# --- modifiers and output ------------------------------------------------------------------


def build_evolution_modifiers(evolution: EvolutionState) -> str:
    """The "Response Modifiers" section from the evolution parameters ("" if none apply)."""
    lines = []
    if evolution.curiosity_score > 0.6:
        lines.append("- End responses with a question about 40% of the time")
    elif evolution.curiosity_score > 0.3:
        lines.append("- Occasionally ask questions, but less frequently than before")
    if evolution.stats_verbosity > 0.5:
        lines.append("- Include specific numbers and statistics when relevant")
    if evolution.pattern_confidence > 0.6:
        lines.append("- Confidently reference patterns you have observed")
        lines.append("- Offer optimization suggestions when you see inefficiency")
    return "## Response Modifiers\n" + "\n".join(lines) if lines else ""
